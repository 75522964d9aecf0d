//! What the database inspectors found, and the budgets that keep them bounded.
//!
//! Every front end reports through one [`Findings`]: a destroying statement becomes an
//! `Operation::Sql`, an unreadable payload or an exhausted budget an
//! `Operation::Unjudged`. Budgets cap the work an adversarial input can cause
//! (statements, parser calls, included files, total text); running out is reported,
//! never silently judged by a prefix.

use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::{Operation, SqlStatement, Unjudged};
use std::collections::HashMap;
use std::path::Path;

/// Longest excerpt of a statement kept for display.
pub const EXCERPT_CHARS: usize = 160;
/// Findings kept per kind: one is enough to stop a command, a few help the person.
const MAX_PER_KIND: usize = 16;
/// Statements judged per invocation (empty ones are not counted).
const MAX_STATEMENTS: usize = 1_000_000;
/// Full parses per invocation (the parser is the only costly step).
const MAX_PARSES: usize = 50_000;
/// Files read through includes (`\i`, `source`, `.read`, `load()`).
const MAX_FILES: usize = 256;
/// Text judged in total, across all sources and includes.
const MAX_TEXT_BYTES: usize = 32 << 20;
/// Nesting of included files.
pub const MAX_INCLUDE_DEPTH: usize = 16;

pub struct Findings {
    client: String,
    /// Kinds that do not destroy anything for this client (see [`Findings::ignore`]).
    ignored: &'static [&'static str],
    ops: Vec<Operation>,
    per_kind: HashMap<&'static str, usize>,
    statements: usize,
    parses: usize,
    files: usize,
    text_bytes: usize,
    exhausted: bool,
}

impl Findings {
    pub fn new(client: &str) -> Findings {
        Findings {
            client: client.to_string(),
            ignored: &[],
            ops: Vec::new(),
            per_kind: HashMap::new(),
            statements: 0,
            parses: 0,
            files: 0,
            text_bytes: 0,
            exhausted: false,
        }
    }

    pub fn into_operations(self) -> Vec<Operation> {
        self.ops
    }

    /// Whether another finding of `kind` would be kept (callers skip building an
    /// excerpt otherwise).
    pub fn wants(&self, kind: &str) -> bool {
        self.per_kind.get(kind).is_none_or(|n| *n < MAX_PER_KIND)
    }

    /// Kinds this client's statements cannot have: duckdb's `COPY … TO 'file'` writes
    /// on this machine what the user could write anyway, not on a database server.
    pub fn ignore(&mut self, kinds: &'static [&'static str]) {
        self.ignored = kinds;
    }

    /// A statement of `kind`; `text` is shortened for display.
    pub fn add(&mut self, kind: &'static str, text: &str) {
        if self.ignored.contains(&kind) {
            return;
        }
        let seen = self.per_kind.entry(kind).or_insert(0);
        *seen += 1;
        if *seen > MAX_PER_KIND {
            return;
        }
        self.ops.push(Operation::Sql(SqlStatement {
            client: self.client.clone(),
            kind: kind.to_string(),
            excerpt: excerpt(text),
        }));
    }

    /// Something guard could not judge; the command needs a person.
    pub fn unjudged(&mut self, reason: String) {
        self.ops.push(Operation::Unjudged(Unjudged { destination: self.client.clone(), reason }));
    }

    /// A budget ran out: everything after this point is unjudged, so stop.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    fn exhaust(&mut self, reason: String) {
        if !self.exhausted {
            self.exhausted = true;
            self.unjudged(reason);
        }
    }

    /// Counts one statement; false once the budget is spent.
    pub fn count_statement(&mut self) -> bool {
        self.statements += 1;
        if self.statements > MAX_STATEMENTS {
            self.exhaust(format!("more than {MAX_STATEMENTS} statements"));
        }
        !self.exhausted
    }

    /// Counts one full parse; false once the budget is spent.
    pub fn count_parse(&mut self) -> bool {
        self.parses += 1;
        if self.parses > MAX_PARSES {
            self.exhaust(format!("more than {MAX_PARSES} statements that need a full parse"));
        }
        !self.exhausted
    }

    fn count_text(&mut self, len: usize) -> bool {
        self.text_bytes = self.text_bytes.saturating_add(len);
        if self.text_bytes > MAX_TEXT_BYTES {
            self.exhaust(format!("more than {} MiB of statements in total", MAX_TEXT_BYTES >> 20));
        }
        !self.exhausted
    }

    /// Text given on the command line (`-c`, `-e`, `--eval`).
    pub fn argument_text(&mut self, text: &str) -> bool {
        self.count_text(text.len())
    }

    /// A file named on the command line or included by a script, as text.
    /// None (with the reason recorded) when it cannot be judged.
    pub fn read_file(&mut self, ctx: &Ctx, dir: &Path, name: &str) -> Option<String> {
        self.files += 1;
        if self.files > MAX_FILES {
            self.exhaust(format!("more than {MAX_FILES} files read"));
            return None;
        }
        let text = self.text(ctx.sources.file(dir, name), name)?;
        self.count_text(text.len()).then_some(text)
    }

    /// The command's stdin as text. None when stdin is a terminal (an interactive
    /// session: nothing to judge in advance) or when it cannot be judged (recorded).
    pub fn read_stdin(&mut self, ctx: &Ctx) -> Option<String> {
        let payload = ctx.sources.stdin()?;
        let text = self.text(payload, "stdin")?;
        self.count_text(text.len()).then_some(text)
    }

    fn text(&mut self, payload: Payload, what: &str) -> Option<String> {
        match payload {
            Payload::Unreadable(reason) => {
                self.unjudged(reason);
                None
            }
            Payload::Bytes(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(_) => {
                    self.unjudged(format!("{what} is not UTF-8 text"));
                    None
                }
            },
        }
    }
}

/// Whitespace collapsed, at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_collapse_and_cut() {
        assert_eq!(excerpt("  DROP\n\tTABLE   x ; "), "DROP TABLE x ;");
        let long = "x".repeat(400);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn findings_are_capped_per_kind() {
        let mut f = Findings::new("psql");
        for _ in 0..100 {
            f.add("drop", "DROP TABLE x");
        }
        f.add("truncate", "TRUNCATE x");
        let ops = f.into_operations();
        assert_eq!(ops.len(), MAX_PER_KIND + 1);
        assert!(matches!(&ops[MAX_PER_KIND], Operation::Sql(s) if s.kind == "truncate"));
    }

    #[test]
    fn exhausting_a_budget_is_reported_once() {
        let mut f = Findings::new("psql");
        f.parses = MAX_PARSES;
        assert!(!f.count_parse());
        assert!(!f.count_parse());
        let ops = f.into_operations();
        assert_eq!(ops.len(), 1);
        assert!(matches!(&ops[0], Operation::Unjudged(u) if u.reason.contains("full parse")));
    }
}
