//! Harness hooks: each harness's documented input, exact output and exit code; every
//! malformed input blocks; guard init merges and undoes byte for byte; doctor finds
//! credentials without printing them; tool calls.

use crate::util::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// `guard hook HARNESS` with `input` on stdin, in the sandbox, with HOME elsewhere.
fn hook(s: &Sandbox, harness: &str, input: &[u8]) -> std::process::Output {
    let mut child = Command::new(GUARD)
        .args(["hook", harness])
        .current_dir(&s.work)
        .env("PATH", s.path_var())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn claude_input(command: &str, cwd: &std::path::Path) -> Vec<u8> {
    serde_json::json!({
        "session_id": "s1", "transcript_path": "/tmp/t.jsonl", "cwd": cwd, "permission_mode": "default",
        "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "t1",
        "tool_input": {"command": command, "description": "d", "timeout": 120000}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn claude_code_blocks_with_exit_2_and_a_deny_decision_and_allows_silently() {
    let s = Sandbox::new();
    let out = hook(&s, "claude-code", &claude_input("git push --force origin main", &s.work));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PreToolUse");
    assert_eq!(h["permissionDecision"], "deny");
    let reason = h["permissionDecisionReason"].as_str().unwrap();
    assert!(reason.contains("git.push.force") && reason.contains("guard approve"), "{reason}");
    assert!(stderr(&out).contains("git.push.force"));

    let out = hook(&s, "claude-code", &claude_input("git status && ls -la", &s.work));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn every_malformed_input_blocks() {
    let s = Sandbox::new();
    let big = vec![b' '; (1 << 20) + 10];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("claude-code", b"".to_vec()),
        ("claude-code", b"not json".to_vec()),
        ("claude-code", br#"{"tool_name":"Bash","tool_input":{}}"#.to_vec()),
        ("claude-code", br#"{"tool_name":"Bash","tool_input":{"command":42}}"#.to_vec()),
        ("claude-code", br#"{"tool_name":"Write","tool_input":{"file_path":"/x"}}"#.to_vec()),
        ("claude-code", big.clone()),
        ("codex", b"[]".to_vec()),
        ("gemini", br#"{"tool_name":"run_shell_command"}"#.to_vec()),
        ("claude-code", br#"{"tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"relative/dir"}"#.to_vec()),
    ];
    for (harness, input) in cases {
        let out = hook(&s, harness, &input);
        assert_eq!(code(&out), 2, "{harness} {:?}", String::from_utf8_lossy(&input[..input.len().min(60)]));
    }
    // Cursor says no with a permission object (its exit 2 is a hook failure)
    let out = hook(&s, "cursor", b"{}");
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["permission"], "deny");
    // an unknown harness name blocks too
    let out = hook(&s, "claude-kode", b"{}");
    assert_eq!(code(&out), 2);
}

#[test]
fn cursor_codex_and_gemini_formats() {
    let s = Sandbox::new();
    let cwd = s.work.to_str().unwrap();
    let cursor = serde_json::json!({"hook_event_name": "beforeShellExecution", "conversation_id": "c", "generation_id": "g",
        "workspace_roots": [cwd], "command": "rm -rf src", "cwd": cwd});
    let out = hook(&s, "cursor", cursor.to_string().as_bytes());
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["permission"], "deny");
    assert!(v["user_message"].as_str().unwrap().contains("filesystem.rm.recursive"));
    assert!(v["agent_message"].as_str().unwrap().contains("guard approve"));
    let ok = serde_json::json!({"command": "ls", "cwd": cwd});
    let out = hook(&s, "cursor", ok.to_string().as_bytes());
    assert_eq!(serde_json::from_str::<serde_json::Value>(stdout(&out).trim()).unwrap()["permission"], "allow");

    let codex = serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "PreToolUse", "model": "m",
        "turn_id": "t", "tool_name": "Bash", "tool_input": {"command": "rm -rf src"}, "tool_use_id": "u"});
    let out = hook(&s, "codex", codex.to_string().as_bytes());
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "", "codex must get no unknown output fields");
    assert!(stderr(&out).contains("filesystem.rm.recursive"));

    let gemini = serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
        "tool_input": {"command": "rm -rf src", "description": "x"}});
    let out = hook(&s, "gemini", gemini.to_string().as_bytes());
    assert_eq!(code(&out), 2);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["decision"], "deny");
    let out = hook(
        &s,
        "gemini",
        serde_json::json!({"cwd": cwd, "tool_name": "run_shell_command",
        "tool_input": {"command": "ls"}})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(code(&out), 0);
}

#[test]
fn init_merges_and_undo_restores_byte_for_byte() {
    let s = Sandbox::new();
    std::fs::create_dir(s.work.join(".git")).unwrap();
    std::fs::create_dir(s.work.join(".claude")).unwrap();
    let original = b"{\n  \"model\": \"opus\",\n  \"hooks\": {\"PreToolUse\": [{\"matcher\": \"Edit\", \"hooks\": [{\"type\": \"command\", \"command\": \"lint\"}]}]},\n  \"permissions\": {\"allow\": [\"Bash(ls)\"]}\n}\n";
    let settings = s.work.join(".claude/settings.json");
    std::fs::write(&settings, original).unwrap();
    let out = s.guard(["init", "claude-code", "--project"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let merged: serde_json::Value = serde_json::from_slice(&std::fs::read(&settings).unwrap()).unwrap();
    assert_eq!(merged["model"], "opus");
    assert_eq!(merged["permissions"]["allow"][0], "Bash(ls)");
    let pre = merged["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[0]["matcher"], "Edit");
    assert_eq!(pre[1]["hooks"][0]["args"], serde_json::json!(["hook", "claude-code"]));
    // idempotent
    let before = std::fs::read(&settings).unwrap();
    assert_eq!(code(&s.guard(["init", "claude-code", "--project"])), 0);
    assert_eq!(std::fs::read(&settings).unwrap(), before);
    // undo: exactly the original bytes
    assert_eq!(code(&s.guard(["init", "claude-code", "--project", "--undo"])), 0);
    assert_eq!(std::fs::read(&settings).unwrap(), original);

    // a harness config that did not exist is created, and removed again by undo
    let cursor = s.work.join(".cursor/hooks.json");
    assert_eq!(code(&s.guard(["init", "cursor"])), 0);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&cursor).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert!(v["hooks"]["beforeShellExecution"][0]["command"].as_str().unwrap().ends_with("hook cursor"));
    assert_eq!(code(&s.guard(["init", "cursor", "--undo"])), 0);
    assert!(!cursor.exists());
}

#[test]
fn doctor_finds_tokens_without_printing_them() {
    let s = Sandbox::new();
    std::fs::write(s.work.join(".env.local"), "RAILWAY_API_TOKEN=sekret-file-value-123\nOTHER=1\n").unwrap();
    let out = Command::new(GUARD)
        .args(["doctor", "--json"])
        .current_dir(&s.work)
        .env("RAILWAY_API_TOKEN", "sekret-env-value-456")
        .output()
        .unwrap();
    let text = stdout(&out);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let messages: Vec<&str> = findings.iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("RAILWAY_API_TOKEN is set")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains(".env.local holds token-like variables")), "{messages:?}");
    assert!(!text.contains("sekret"), "a secret was printed");
    assert!(!stderr(&out).contains("sekret"));
}

#[test]
fn tool_calls_are_judged_as_operations() {
    let s = Sandbox::new();
    let run = |input: &str| {
        let mut child = Command::new(GUARD)
            .args(["check", "--json", "--tool-call"])
            .current_dir(&s.work)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(r#"{"tool": "railway", "method": "volumeDelete", "args": {"volumeId": "v-1"}}"#);
    assert_eq!(code(&out), 75);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["kind"], "confirmation_required");
    assert_eq!(v["rule"], "railway-api.volume-delete");
    assert_eq!(v["operation"], "railway.volumeDelete");
    let out = run(r#"{"tool": "railway", "method": "deploymentRestart", "args": {"id": "d"}}"#);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    for bad in [r#"{"tool": "mystery", "method": "wipe"}"#, "not json", r#"{"tool": "railway"}"#] {
        let out = run(bad);
        assert_eq!(code(&out), 75, "{bad}");
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(v["kind"], "confirmation_required");
    }
}
