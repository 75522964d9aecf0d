//! The audit log: every decision that matters, append-only and tamper-evident.
//!
//! One JSON object per line in `audit.log`. Each record carries `prev`, the SHA-256 of
//! the previous line's exact bytes (64 zeros for the first), so editing, inserting,
//! removing or reordering lines breaks the chain at the first bad line. The number of
//! records and the hash of the last line are kept apart in `audit.head`, so removing
//! the last lines (which leaves a valid but shorter chain) is caught too. Appends hold
//! the state lock, so concurrent guards never interleave or fork the chain.
//!
//! This is the only module that writes audit records. A same-user agent can still
//! rewrite the whole log *and* the head consistently; only a log kept by another user
//! (a system install) prevents that. What this gives is evidence of casual tampering.

use crate::artifact::Bytes;
use crate::state::{StateDir, StateError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the audit log's chain is broken ({0}); it may have been tampered with, so guard will not add to it")]
    Broken(String),
}

/// What happened, in the log's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A command was stopped and a person was asked.
    Stopped,
    /// A command was denied outright.
    Denied,
    /// A person approved a request.
    Approved,
    /// A person refused a request.
    Refused,
    /// An approval was used: the command ran.
    GrantUsed,
    /// A command of a hook-approved string passed its shim.
    PassUsed,
    /// An allowed command that a rule looked at (a dry run of a force push, say).
    AllowedConcerned,
    /// An allowed command no rule concerns (only when the settings ask for it).
    Allowed,
    /// A command a rule would stop, let through by a system-layer exception.
    AllowedByException,
    /// `guard approve` refused to run (no terminal, inside an agent session…).
    ApprovalRefused,
    /// guard failed; nothing ran.
    Error,
}

/// One record as the caller describes it.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub request: Option<String>,
    pub rule: Option<String>,
    pub program: String,
    pub argv: Vec<OsString>,
    pub cwd: Option<OsString>,
    pub target: Option<String>,
    pub fingerprint: Option<String>,
    pub detail: Option<String>,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub time: String,
    pub event: EventKind,
    #[serde(default)]
    pub request: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
    pub program: String,
    pub argv: serde_json::Value,
    #[serde(default)]
    pub cwd: serde_json::Value,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    /// SHA-256 of the previous line.
    pub prev: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Head {
    count: u64,
    last: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends one record. Fails (and the caller must not run the command) when the log
/// or its head cannot be read and written, or when the chain is already broken.
pub fn append(state: &StateDir, event: EventKind, entry: &Entry) -> Result<(), AuditError> {
    let _lock = state.lock()?;
    let head = read_head(state)?;
    let log_path = state.audit_log();
    let log_len = std::fs::metadata(&log_path).map(|m| m.len()).unwrap_or(0);
    let head = match head {
        Some(h) => h,
        None if log_len == 0 => Head { count: 0, last: GENESIS.into() },
        None => return Err(AuditError::Broken("the head file is missing but the log is not empty".into())),
    };
    let record = Record {
        time: now(),
        event,
        request: entry.request.clone(),
        rule: entry.rule.clone(),
        program: entry.program.clone(),
        argv: serde_json::to_value(entry.argv.iter().map(|a| Bytes::of(a)).collect::<Vec<_>>()).unwrap_or_default(),
        cwd: entry.cwd.as_ref().map(|c| serde_json::to_value(Bytes::of(c)).unwrap_or_default()).unwrap_or_default(),
        target: entry.target.clone(),
        fingerprint: entry.fingerprint.clone(),
        detail: entry.detail.clone(),
        prev: head.last.clone(),
    };
    let line = serde_json::to_string(&record).map_err(|e| AuditError::Broken(e.to_string()))?;
    let io = |source| StateError::Io { path: log_path.clone(), source };
    let mut log = OpenOptions::new().create(true).append(true).mode(0o600).open(&log_path).map_err(io)?;
    log.write_all(format!("{line}\n").as_bytes()).and_then(|_| log.sync_data()).map_err(io)?;
    let new_head = Head { count: head.count + 1, last: sha256_hex(line.as_bytes()) };
    let text = serde_json::to_string(&new_head).map_err(|e| AuditError::Broken(e.to_string()))?;
    state.write_atomic(&state.audit_head(), text.as_bytes())?;
    Ok(())
}

fn read_head(state: &StateDir) -> Result<Option<Head>, AuditError> {
    let path = state.audit_head();
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| AuditError::Broken(format!("{} is not valid: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StateError::Io { path, source }.into()),
    }
}

fn now() -> String {
    let t = jiff::Timestamp::now();
    jiff::Timestamp::from_second(t.as_second()).unwrap_or(t).to_string()
}

/// The result of `guard log verify`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        records: u64,
    },
    /// `line` is 1-based; 0 means the head, not a line.
    Broken {
        line: u64,
        problem: String,
    },
}

/// Checks the whole chain and the head.
pub fn verify(state: &StateDir) -> Result<Verdict, AuditError> {
    let _lock = state.lock()?;
    let text = match std::fs::read(state.audit_log()) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(StateError::Io { path: state.audit_log(), source }.into()),
    };
    let head = match read_head(state) {
        Ok(h) => h,
        Err(AuditError::Broken(p)) => return Ok(Verdict::Broken { line: 0, problem: p }),
        Err(e) => return Err(e),
    };
    let mut prev = GENESIS.to_string();
    let mut count = 0u64;
    for raw in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        count += 1;
        let record: Record = match serde_json::from_slice(raw) {
            Ok(r) => r,
            Err(_) => return Ok(Verdict::Broken { line: count, problem: "not a valid record".into() }),
        };
        if record.prev != prev {
            return Ok(Verdict::Broken {
                line: count,
                problem:
                    "its `prev` is not the hash of the line before it (a line was edited, removed, inserted or moved)"
                        .into(),
            });
        }
        prev = sha256_hex(raw);
    }
    let head = head.unwrap_or(Head { count: 0, last: GENESIS.into() });
    if head.count != count {
        return Ok(Verdict::Broken {
            line: count + 1,
            problem: format!(
                "the head records {} lines but the log has {count} (lines were removed or added)",
                head.count
            ),
        });
    }
    if head.last != prev {
        return Ok(Verdict::Broken { line: count, problem: "the last line is not the one the head records".into() });
    }
    Ok(Verdict::Intact { records: count })
}

/// The records of the log, oldest first (unverified; `guard log` shows them).
pub fn records(state: &StateDir) -> Result<Vec<Record>, AuditError> {
    let text = match std::fs::read_to_string(state.audit_log()) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(StateError::Io { path: state.audit_log(), source }.into()),
    };
    Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> (tempfile::TempDir, StateDir) {
        let t = tempfile::tempdir().unwrap();
        let s = StateDir::at(t.path().join("state")).unwrap();
        (t, s)
    }

    fn entry(n: usize) -> Entry {
        Entry { program: "git".into(), argv: vec![OsString::from(format!("arg{n}"))], ..Entry::default() }
    }

    fn log_lines(s: &StateDir) -> Vec<String> {
        std::fs::read_to_string(s.audit_log()).unwrap().lines().map(String::from).collect()
    }

    fn write_lines(s: &StateDir, lines: &[String]) {
        std::fs::write(s.audit_log(), lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    }

    fn filled() -> (tempfile::TempDir, StateDir) {
        let (t, s) = state();
        for n in 0..5 {
            append(&s, EventKind::Stopped, &entry(n)).unwrap();
        }
        assert_eq!(verify(&s).unwrap(), Verdict::Intact { records: 5 });
        (t, s)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (_t, s) = state();
        assert_eq!(verify(&s).unwrap(), Verdict::Intact { records: 0 });
        let (_t, s) = filled();
        assert_eq!(records(&s).unwrap().len(), 5);
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_line() {
        // an edited line: the next line's `prev` no longer matches
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines[1] = lines[1].replace("arg1", "argX");
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 3, .. }));

        // an inserted line
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines.insert(2, lines[1].clone());
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 3, .. }));

        // two lines swapped
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines.swap(1, 2);
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 2, .. }));

        // a middle line removed
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines.remove(2);
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 3, .. }));

        // the last line removed: a valid, shorter chain, caught by the head
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines.pop();
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 5, .. }));

        // the last line edited: caught by the head's hash
        let (_t, s) = filled();
        let mut lines = log_lines(&s);
        lines[4] = lines[4].replace("arg4", "argY");
        write_lines(&s, &lines);
        assert!(matches!(verify(&s).unwrap(), Verdict::Broken { line: 5, .. }));
    }

    #[test]
    fn appending_to_a_broken_chain_is_refused() {
        let (_t, s) = filled();
        std::fs::remove_file(s.audit_head()).unwrap();
        assert!(matches!(append(&s, EventKind::Stopped, &entry(9)), Err(AuditError::Broken(_))));
    }

    #[test]
    fn concurrent_appends_keep_one_chain() {
        let (_t, s) = state();
        std::thread::scope(|scope| {
            for n in 0..8 {
                let s = &s;
                scope.spawn(move || {
                    for k in 0..10 {
                        append(s, EventKind::Stopped, &entry(n * 100 + k)).unwrap();
                    }
                });
            }
        });
        assert_eq!(verify(&s).unwrap(), Verdict::Intact { records: 80 });
    }
}
