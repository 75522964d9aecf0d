//! Pending requests: what a stopped command asked for, kept until it expires.
//!
//! The artifact printed for the agent is stored as `pending/<ID>.json`. A repeat of
//! the same request (same fingerprint) while one is pending reuses its id, so a person
//! sees one request however often the agent retries.

use crate::artifact::Artifact;
use crate::state::{StateDir, StateError};
use serde::Deserialize;
use std::path::PathBuf;

/// A stored request, read back for `guard pending` and `guard approve`.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingRequest {
    pub id: String,
    pub kind: String,
    pub rule: String,
    pub reason: String,
    pub severity: String,
    pub program: String,
    #[serde(default)]
    pub operation: Option<String>,
    pub argv: Vec<serde_json::Value>,
    pub cwd: serde_json::Value,
    #[serde(default)]
    pub real_binary: Option<serde_json::Value>,
    pub target: serde_json::Value,
    pub fingerprint: String,
    pub created_at: String,
    pub expires_at: String,
}

impl PendingRequest {
    pub fn expired(&self) -> bool {
        self.expires_at.parse::<jiff::Timestamp>().map_or(true, |t| t <= jiff::Timestamp::now())
    }

    /// The command as text (each argument shell-quoted; undecodable bytes lossy).
    pub fn command_line(&self) -> String {
        self.argv.iter().map(|a| shell_words::quote(&json_text(a)).into_owned()).collect::<Vec<_>>().join(" ")
    }

    pub fn cwd_text(&self) -> String {
        json_text(&self.cwd)
    }

    pub fn production(&self) -> bool {
        self.target.get("production").and_then(|p| p.as_bool()).unwrap_or(false)
    }

    pub fn target_summary(&self) -> String {
        self.target.get("summary").and_then(|s| s.as_str()).unwrap_or("unknown").to_string()
    }
}

/// Text of an argv element as the artifact encodes it (a string, or `{hex, lossy}`).
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.get("lossy").and_then(|l| l.as_str()).unwrap_or("?").to_string(),
    }
}

fn path_of(state: &StateDir, id: &str) -> Option<PathBuf> {
    // ids are Crockford base32; anything else is not a file name guard wrote
    (id.len() <= 16 && id.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| state.pending_dir().join(format!("{}.json", id.to_ascii_uppercase())))
}

/// Index file naming the pending id for one fingerprint, so a retry finds its request
/// without reading every pending file (the hot path of a stopped command).
fn index_path(state: &StateDir, fingerprint: &str) -> Option<PathBuf> {
    let hex = fingerprint.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| state.pending_dir().join(format!("fp-{hex}")))
}

/// The live request already pending for this fingerprint, if any.
fn pending_for(state: &StateDir, fingerprint: &str) -> Option<PendingRequest> {
    let id = std::fs::read_to_string(index_path(state, fingerprint)?).ok()?;
    load(state, id.trim()).filter(|p| p.fingerprint == fingerprint && !p.expired())
}

/// Records the request. If the same request is already pending, its id is reused
/// (the artifact is updated to carry it).
pub fn record(state: &StateDir, artifact: &mut Artifact) -> Result<(), StateError> {
    if let Some(existing) = pending_for(state, &artifact.fingerprint) {
        let fresh = std::mem::replace(&mut artifact.id, existing.id.clone());
        artifact.instruction = artifact.instruction.replace(&fresh, &existing.id);
        artifact.approve = artifact.approve.as_ref().map(|a| a.replace(&fresh, &existing.id));
        artifact.created_at = existing.created_at;
        artifact.expires_at = existing.expires_at;
    }
    let json = serde_json::to_vec_pretty(artifact).unwrap_or_default();
    let Some(path) = path_of(state, &artifact.id) else { return Ok(()) };
    state.write_atomic(&path, &json)?;
    if let Some(index) = index_path(state, &artifact.fingerprint) {
        state.write_atomic(&index, artifact.id.as_bytes())?;
    }
    Ok(())
}

/// Every readable pending request, newest first. Unreadable or corrupt files are
/// skipped: they are not requests guard can show.
pub fn list(state: &StateDir) -> Result<Vec<PendingRequest>, StateError> {
    let dir = state.pending_dir();
    let entries = std::fs::read_dir(&dir).map_err(|source| StateError::Io { path: dir.clone(), source })?;
    let mut out: Vec<PendingRequest> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect();
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(out)
}

pub fn load(state: &StateDir, id: &str) -> Option<PendingRequest> {
    let bytes = std::fs::read(path_of(state, id)?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub fn remove(state: &StateDir, id: &str) {
    if let Some(request) = load(state, id) {
        // only if the index still names this request (a newer one may have replaced it)
        if let Some(index) = index_path(state, &request.fingerprint)
            && std::fs::read_to_string(&index).is_ok_and(|named| named.trim() == request.id)
        {
            let _ = std::fs::remove_file(index);
        }
    }
    if let Some(p) = path_of(state, id) {
        let _ = std::fs::remove_file(p);
    }
}

/// Drops requests that expired (their grants could no longer be used either).
pub fn prune(state: &StateDir) {
    if let Ok(all) = list(state) {
        for p in all.iter().filter(|p| p.expired()) {
            remove(state, &p.id);
        }
    }
}
