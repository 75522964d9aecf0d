//! Each harness's hook wire format: where the command and cwd are in its input, and
//! how allow, ask and block are said back (ecosystem.md part A).

use super::{Answer, HookInput};
use crate::artifact::Artifact;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

/// Claude Code truncates hook output strings beyond this.
const MAX_REASON: usize = 9_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Harness {
    ClaudeCode,
    Cursor,
    Codex,
    Gemini,
}

impl Harness {
    pub fn from_name(name: &str) -> Option<Harness> {
        match name {
            "claude-code" | "claude" => Some(Harness::ClaudeCode),
            "cursor" => Some(Harness::Cursor),
            "codex" => Some(Harness::Codex),
            "gemini" => Some(Harness::Gemini),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Harness::ClaudeCode => "claude-code",
            Harness::Cursor => "cursor",
            Harness::Codex => "codex",
            Harness::Gemini => "gemini",
        }
    }

    /// Whether the harness enforces an "ask" answer with its own prompt (Codex parses
    /// but does not enforce it; Gemini has none).
    pub fn can_ask(self) -> bool {
        matches!(self, Harness::ClaudeCode | Harness::Cursor)
    }
}

pub(super) fn parse(harness: Harness, input: &[u8]) -> Result<HookInput, String> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err("the hook input is empty".into());
    }
    let v: Value = serde_json::from_slice(input).map_err(|e| format!("the hook input is not JSON ({e})"))?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(String::from);
    let (command, cwd) = match harness {
        Harness::ClaudeCode | Harness::Codex => {
            let tool = text(&v, "tool_name").ok_or("the hook input names no tool")?;
            if tool != "Bash" {
                return Err(format!("guard judges shell commands, not `{tool}` calls"));
            }
            let command = v.get("tool_input").and_then(|t| text(t, "command"));
            (command, text(&v, "cwd"))
        }
        Harness::Cursor => (text(&v, "command"), text(&v, "cwd")),
        Harness::Gemini => {
            let tool = text(&v, "tool_name").ok_or("the hook input names no tool")?;
            if tool != "run_shell_command" {
                return Err(format!("guard judges shell commands, not `{tool}` calls"));
            }
            let input = v.get("tool_input");
            let cwd = text(&v, "cwd");
            // the shell tool may run in a directory relative to the project
            let dir = input.and_then(|t| text(t, "dir_path")).map(|d| match &cwd {
                Some(base) if !d.starts_with('/') => format!("{base}/{d}"),
                _ => d,
            });
            (input.and_then(|t| text(t, "command")), dir.or(cwd))
        }
    };
    let command = command.ok_or("the shell call has no command")?;
    let cwd = match cwd {
        Some(c) if c.starts_with('/') => PathBuf::from(c),
        Some(c) => return Err(format!("the working directory `{c}` is not absolute")),
        None => std::env::current_dir().map_err(|e| format!("no working directory given and none known ({e})"))?,
    };
    Ok(HookInput { command, cwd, permission_mode: text(&v, "permission_mode") })
}

/// The block reason: what was stopped and how a person approves, then the artifact.
pub(super) fn reason(a: &Artifact) -> String {
    let json = serde_json::to_string(a).unwrap_or_default();
    let mut r = format!("{}\n{}\nartifact: {json}", crate::artifact::human_line(a), a.instruction);
    if r.len() > MAX_REASON {
        let mut cut = MAX_REASON;
        while !r.is_char_boundary(cut) {
            cut -= 1;
        }
        r.truncate(cut);
        r.push('…');
    }
    r
}

/// Prints the answer in the harness's format and returns the exit code.
pub(super) fn respond(harness: Harness, answer: &Answer) -> u8 {
    let (stdout, stderr, code): (Option<Value>, Option<&str>, u8) = match (harness, answer) {
        // no output: the user's own permission settings still apply
        (Harness::ClaudeCode | Harness::Codex | Harness::Gemini, Answer::Allow) => (None, None, 0),
        (Harness::ClaudeCode, Answer::Block(r)) => (Some(claude(r, "deny")), Some(r), 2),
        (Harness::ClaudeCode, Answer::Ask(r)) => (Some(claude(r, "ask")), None, 0),
        // Codex counts unknown output fields as a failed hook (which runs the tool):
        // exit 2 with the reason on stderr is its plain blocking form
        (Harness::Codex, Answer::Block(r) | Answer::Ask(r)) => (None, Some(r), 2),
        (Harness::Gemini, Answer::Block(r) | Answer::Ask(r)) => {
            (Some(json!({"decision": "deny", "reason": r})), Some(r), 2)
        }
        // Cursor wants a permission object on every answer; exit 2 would be a failure
        (Harness::Cursor, Answer::Allow) => (Some(json!({"permission": "allow"})), None, 0),
        (Harness::Cursor, Answer::Ask(r)) => (Some(cursor("ask", r)), None, 0),
        (Harness::Cursor, Answer::Block(r)) => (Some(cursor("deny", r)), None, 0),
    };
    if let Some(v) = stdout {
        let _ = writeln!(std::io::stdout().lock(), "{v}");
    }
    if let Some(r) = stderr {
        let _ = writeln!(std::io::stderr().lock(), "{r}");
    }
    code
}

fn claude(reason: &str, decision: &str) -> Value {
    json!({"hookSpecificOutput": {
        "hookEventName": "PreToolUse",
        "permissionDecision": decision,
        "permissionDecisionReason": reason,
    }})
}

fn cursor(permission: &str, reason: &str) -> Value {
    let first = reason.lines().next().unwrap_or(reason);
    json!({"permission": permission, "user_message": first, "agent_message": reason})
}
