//! Passes: one approval for both layers.
//!
//! A harness hook judges the whole command string before the shell expands it; the
//! shims judge each command after. When a person approves the hook's request and the
//! agent retries the same string, the hook uses the grant and leaves a *pass* for each
//! command in the string that would stop: keyed by the program, the rules that stop
//! it, its resolved target, the hashes of the payloads it reads, and the cwd. The shim
//! that then sees that command computes the same key from its own judgement and takes
//! the pass (once, within [`PASS_LIFETIME`]). Anything that differs (a file edited in
//! between, another target, another command) finds no pass and stops as usual.

use crate::state::{StateDir, StateError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long after the hook allowed the string its commands may use their passes.
pub const PASS_LIFETIME: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pass {
    pub key: String,
    /// The request the person approved.
    pub request: String,
    pub expires_at: String,
}

/// What a pass is bound to.
pub struct PassKey<'a> {
    pub program: &'a str,
    /// Every rule that stops the command.
    pub rules: Vec<String>,
    /// The resolved target, as the artifact shows it.
    pub target: &'a crate::target::Target,
    pub payloads: &'a [[u8; 32]],
    pub cwd: &'a Path,
}

impl PassKey<'_> {
    pub fn hex(&self) -> String {
        let mut rules = self.rules.clone();
        rules.sort();
        rules.dedup();
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(b"guard-pass-v1");
        field(self.program.as_bytes());
        field(rules.join("\n").as_bytes());
        field(serde_json::to_string(self.target).unwrap_or_default().as_bytes());
        for p in self.payloads {
            field(p);
        }
        field(std::os::unix::ffi::OsStrExt::as_bytes(self.cwd.as_os_str()));
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn dir(state: &StateDir) -> PathBuf {
    state.root().join("passes")
}

pub fn write(state: &StateDir, key: &PassKey, request: &str) -> Result<(), StateError> {
    let d = dir(state);
    std::fs::create_dir_all(&d).map_err(|source| StateError::Io { path: d.clone(), source })?;
    let now = jiff::Timestamp::now();
    let expires = now.checked_add(jiff::SignedDuration::from_secs(PASS_LIFETIME.as_secs() as i64)).unwrap_or(now);
    let hex = key.hex();
    let pass = Pass { key: hex.clone(), request: request.to_string(), expires_at: expires.to_string() };
    let json = serde_json::to_vec(&pass).unwrap_or_default();
    let _lock = state.lock()?;
    state.write_atomic(&d.join(format!("{hex}.json")), &json)
}

/// Takes the pass for `key`, if a live one exists; at most one caller gets it.
pub fn consume(state: &StateDir, key: &PassKey) -> Result<Option<Pass>, StateError> {
    let hex = key.hex();
    let path = dir(state).join(format!("{hex}.json"));
    if !path.exists() {
        return Ok(None);
    }
    let _lock = state.lock()?;
    let pass: Option<Pass> = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let _ = std::fs::remove_file(&path);
    Ok(pass
        .filter(|p| p.key == hex && p.expires_at.parse::<jiff::Timestamp>().is_ok_and(|t| t > jiff::Timestamp::now())))
}
