//! The `confirmation_required` / `denied` artifact: guard's contract with agents.
//!
//! When guard stops a command it prints exactly one JSON object on one line of stderr
//! (`guard check --json` prints the same fields on stdout, plus `decision`), followed
//! by one plain line for a person. Schema, version 1:
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `version` | integer | schema version, `1` |
//! | `kind` | string | `confirmation_required` (a person may approve) or `denied` (never runs) |
//! | `id` | string | short request id a person types: `guard approve <id>` |
//! | `rule` | string | id of the rule that decided, e.g. `git.push.force` |
//! | `rule_source` | string | where the rule is written, e.g. `rules/git.yaml:12` |
//! | `reason` | string | one line: what would be lost |
//! | `severity` | string | `low` \| `medium` \| `high` \| `critical` |
//! | `also_matched` | array of strings | other rules that matched |
//! | `program` | string | the program as guard knows it |
//! | `operation` | string or null | the operation performed, e.g. `railway.volumeDelete` |
//! | `argv` | array | the exact argv; an element that is not UTF-8 is `{"hex": …, "lossy": …}` |
//! | `cwd` | string or the same object | working directory |
//! | `real_binary` | string or null | the program that would have run |
//! | `target` | object | what it really targets: `summary`, `production`, and where known `paths`, `repository`, `remote`, `remote_url`, `branch`, `project`, `environment`, `service`, `context`, `cluster`, `namespace`, `host`, `notes` |
//! | `fingerprint` | string | `sha256:…` of binary, argv, cwd, target, payload hashes and target-selecting environment |
//! | `created_at`, `expires_at` | string | RFC 3339, UTC; an approval must happen before `expires_at` |
//! | `instruction` | string | addressed to the agent: it cannot confirm this itself |
//! | `approve` | string or null | the command a person runs in their own terminal (null when denied) |

use crate::rules::decide::{Stop, StopKind};
use crate::target::Target;
use serde::Serialize;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub version: u32,
    pub kind: &'static str,
    pub id: String,
    pub rule: String,
    pub rule_source: String,
    pub reason: String,
    pub severity: &'static str,
    pub also_matched: Vec<String>,
    pub program: String,
    pub operation: Option<String>,
    pub argv: Vec<Bytes>,
    pub cwd: Bytes,
    pub real_binary: Option<Bytes>,
    pub target: Target,
    pub fingerprint: String,
    pub created_at: String,
    pub expires_at: String,
    pub instruction: String,
    pub approve: Option<String>,
}

/// Text when it is UTF-8; otherwise the exact bytes in hex plus a lossy rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    pub fn of(s: &OsStr) -> Bytes {
        Bytes(s.as_bytes().to_vec())
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                use serde::ser::SerializeMap;
                let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("hex", &hex)?;
                m.serialize_entry("lossy", &String::from_utf8_lossy(&self.0))?;
                m.end()
            }
        }
    }
}

pub fn kind_of(stop: &Stop) -> &'static str {
    match stop.kind {
        StopKind::Confirm => "confirmation_required",
        StopKind::Deny => "denied",
    }
}

pub fn instruction(stop: &Stop, id: &str) -> String {
    match stop.kind {
        StopKind::Confirm => format!(
            "guard stopped this command outside your process; it did not run. You cannot confirm it yourself: \
             flags such as --yes, environment variables, files you write or running `guard approve` yourself do \
             not count, and rewording the command to get around the stop is not acceptable. Stop and ask the \
             user: tell them what you wanted to run and why, and ask them to review request {id} and run \
             `guard approve {id}` in their own terminal if they agree. After they approve, run exactly the same \
             command once, from the same directory."
        ),
        StopKind::Deny => "guard denied this command and no approval can unlock it. Do not retry it or work around \
                           it; tell the user what you were trying to do."
            .to_string(),
    }
}

/// The plain line printed after the JSON, for a person reading the terminal.
pub fn human_line(a: &Artifact) -> String {
    let shown: Vec<String> =
        a.argv.iter().map(|b| shell_words::quote(&String::from_utf8_lossy(&b.0)).into_owned()).collect();
    let mut line = format!(
        "guard: stopped `{}` ({}, {}): {} Target: {}.",
        crate::display::sanitize(&shown.join(" ")),
        a.rule,
        a.severity,
        a.reason,
        crate::display::sanitize(&a.target.summary)
    );
    match &a.approve {
        Some(cmd) => line.push_str(&format!(" A person can approve it with: {cmd}")),
        None => line.push_str(" It cannot be approved."),
    }
    line
}
