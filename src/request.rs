//! A stopped command becomes a request: id, resolved target, fingerprint, expiry,
//! and the artifact that tells the agent to ask a person.

use crate::artifact::{self, Artifact, Bytes};
use crate::fingerprint::{FingerprintInput, fingerprint};
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::rules::RuleSet;
use crate::rules::decide::{Stop, StopKind};
use crate::settings::Settings;
use crate::target::{self, Env};
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

/// Crockford's base32: no I, L, O or U, so an id read aloud or retyped survives.
const ID_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ID_LEN: usize = 8;

pub struct RequestInput<'a> {
    pub stop: &'a Stop,
    pub inv: &'a Invocation,
    pub ops: &'a [Operation],
    pub rules: &'a RuleSet,
    pub cwd: &'a Path,
    pub real_binary: Option<&'a Path>,
    pub settings: &'a Settings,
    pub env: &'a Env,
    /// SHA-256 of every payload guard read (files, stdin), in order.
    pub payload_sha256: &'a [[u8; 32]],
}

pub fn build(input: &RequestInput) -> Artifact {
    let stop = input.stop;
    let (target, cmd) = target::for_operation(stop.op_index, input.ops, input.rules, input.env, input.settings);
    let target_env: Vec<(String, Option<OsString>)> = match cmd {
        Some(c) => input.rules.packs[c.pack]
            .spec
            .target_env
            .iter()
            .map(|name| (name.to_string(), input.env.get(name)))
            .collect(),
        None => Vec::new(),
    };
    let fp = fingerprint(&FingerprintInput {
        real_binary: input.real_binary,
        argv: &input.inv.argv,
        cwd: input.cwd,
        target: &target,
        payload_sha256: input.payload_sha256,
        target_env: &target_env,
    });
    let now = jiff::Timestamp::now();
    let created = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let lifetime = jiff::SignedDuration::from_secs(input.settings.grant_lifetime.as_secs() as i64);
    let expires = created.checked_add(lifetime).unwrap_or(created);
    let id = new_id();
    Artifact {
        version: artifact::VERSION,
        kind: artifact::kind_of(stop),
        rule: stop.rule.clone(),
        rule_source: stop.source.clone(),
        reason: stop.reason.clone(),
        severity: stop.severity.as_str(),
        also_matched: stop.also.clone(),
        program: cmd.map_or_else(|| input.inv.program.clone(), |c| c.program.clone()),
        operation: stop.operation.clone(),
        argv: input.inv.argv.iter().map(|a| Bytes::of(a)).collect(),
        cwd: Bytes::of(input.cwd.as_os_str()),
        real_binary: input.real_binary.map(|p| Bytes::of(p.as_os_str())),
        target,
        fingerprint: fp,
        created_at: created.to_string(),
        expires_at: expires.to_string(),
        instruction: artifact::instruction(stop, &id),
        approve: (stop.kind == StopKind::Confirm).then(|| format!("guard approve {id}")),
        id,
    }
}

/// A random request id: 40 bits, 8 characters.
pub fn new_id() -> String {
    let mut raw = [0u8; ID_LEN];
    if getrandom::fill(&mut raw).is_err() {
        // no randomness is no reason to run a stopped command: fall back to time + pid
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        for (i, b) in raw.iter_mut().enumerate() {
            *b = ((seed >> (i * 8)) as u8) ^ (std::process::id() as u8).rotate_left(i as u32);
        }
    }
    raw.iter().map(|b| ID_ALPHABET[(*b & 31) as usize] as char).collect()
}

/// The artifact on stderr: one JSON line, then one line for a person.
pub fn emit(a: &Artifact) {
    let json = serde_json::to_string(a).unwrap_or_else(|e| format!("{{\"kind\":\"error\",\"message\":\"{e}\"}}"));
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{json}");
    let _ = writeln!(err, "{}", artifact::human_line(a));
}

pub fn exit_code(stop: &Stop) -> u8 {
    match stop.kind {
        StopKind::Confirm => crate::exit::CONFIRMATION_REQUIRED,
        StopKind::Deny => crate::exit::DENIED,
    }
}
