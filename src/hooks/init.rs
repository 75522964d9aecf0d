//! `guard init <harness> [--project|--user] [--undo]`: install guard's hook into a
//! harness's configuration, and take it out again.
//!
//! The configuration is merged, never replaced: other keys and other hooks stay as
//! they were (key order included). The first time guard touches a file it keeps a
//! byte-for-byte backup beside it (or a marker that there was no file), and `--undo`
//! puts that back exactly. Running init twice changes nothing the second time. The
//! files guard wrote are recorded in its state, and self-protection then denies any
//! judged command that edits or removes them.

use super::Harness;
use crate::error::GuardError;
use crate::state::StateDir;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The repository of the current directory.
    Project,
    /// The user's own configuration.
    User,
}

/// The harness's configuration file for the scope.
pub fn config_path(harness: Harness, scope: Scope, cwd: &Path) -> Result<PathBuf, GuardError> {
    let base = match scope {
        Scope::User => crate::paths::home()?,
        Scope::Project => project_root(cwd),
    };
    Ok(match harness {
        Harness::ClaudeCode => base.join(".claude/settings.json"),
        Harness::Cursor => base.join(".cursor/hooks.json"),
        Harness::Codex => base.join(".codex/hooks.json"),
        Harness::Gemini => base.join(".gemini/settings.json"),
    })
}

/// The top of the git repository containing `cwd`, else `cwd`.
fn project_root(cwd: &Path) -> PathBuf {
    cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(cwd).to_path_buf()
}

fn backup_of(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}.guard-backup", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
}

fn absent_marker_of(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}.guard-absent", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
}

pub fn run(harness: Harness, scope: Scope, undo: bool) -> Result<u8, GuardError> {
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let path = config_path(harness, scope, &cwd)?;
    let guard = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| GuardError::Other(format!("cannot locate guard's own binary: {e}")))?;
    let message = if undo { uninstall(&path)? } else { install(harness, &path, &guard)? };
    if !undo && let Ok(state) = StateDir::open() {
        record_written(&state, &path);
    }
    crate::cli::print_stdout(&message);
    Ok(0)
}

fn install(harness: Harness, path: &Path, guard: &Path) -> Result<String, GuardError> {
    let io = |e: std::io::Error| GuardError::Other(format!("{}: {e}", path.display()));
    let original = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let mut config: Value = match &original {
        Some(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => serde_json::from_slice(bytes).map_err(|e| {
            GuardError::Other(format!("{} is not JSON guard can merge into ({e}); left as it is", path.display()))
        })?,
        _ => json!({}),
    };
    let Some(root) = config.as_object_mut() else {
        return Err(GuardError::Other(format!("{} is not a JSON object; left as it is", path.display())));
    };
    let added = merge(harness, root, guard);
    if !added {
        return Ok(format!("guard's {} hook is already in {}", harness.name(), path.display()));
    }
    // keep the very first original, so --undo restores what the user had
    let (backup, absent) = (backup_of(path), absent_marker_of(path));
    if !backup.exists() && !absent.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        match &original {
            Some(bytes) => std::fs::write(&backup, bytes).map_err(io)?,
            None => std::fs::write(&absent, b"").map_err(io)?,
        }
    }
    let mut text = serde_json::to_string_pretty(&config).map_err(|e| GuardError::Other(e.to_string()))?;
    text.push('\n');
    std::fs::write(path, text).map_err(io)?;
    Ok(format!("installed guard's {} hook in {}{}", harness.name(), path.display(), path_advice(harness)))
}

fn uninstall(path: &Path) -> Result<String, GuardError> {
    let io = |e: std::io::Error| GuardError::Other(format!("{}: {e}", path.display()));
    let (backup, absent) = (backup_of(path), absent_marker_of(path));
    if backup.exists() {
        std::fs::rename(&backup, path).map_err(io)?;
        Ok(format!("restored {} as it was before guard init", path.display()))
    } else if absent.exists() {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        std::fs::remove_file(&absent).map_err(io)?;
        Ok(format!("removed {} (guard init had created it)", path.display()))
    } else {
        Ok(format!("guard init has not changed {}; nothing to undo", path.display()))
    }
}

/// Adds guard's entries; false when they are all there already.
fn merge(harness: Harness, root: &mut Map<String, Value>, guard: &Path) -> bool {
    let g = guard.display().to_string();
    let shims = guard.parent().and_then(Path::parent).map(|p| p.join("lib/guard/shims").display().to_string());
    let hook_cmd = format!("{} hook {}", shell_words::quote(&g), harness.name());
    match harness {
        Harness::ClaudeCode => {
            let mut added = add_to_event(
                root,
                "PreToolUse",
                json!({"matcher": "Bash", "hooks": [{"type": "command", "command": g, "args": ["hook", "claude-code"], "timeout": 10}]}),
            );
            // put the shims first on PATH for every Bash call of the session
            if let Some(shims) = shims {
                let line = format!("echo 'export PATH=\"{shims}:$PATH\"' >> \"$CLAUDE_ENV_FILE\"");
                added |= add_to_event(root, "SessionStart", json!({"hooks": [{"type": "command", "command": line}]}));
            }
            added
        }
        Harness::Codex => add_to_event(
            root,
            "PreToolUse",
            json!({"matcher": "Bash", "hooks": [{"type": "command", "command": hook_cmd, "timeout": 10}]}),
        ),
        Harness::Gemini => add_to_event(
            root,
            "BeforeTool",
            json!({"matcher": "run_shell_command", "hooks": [{"type": "command", "command": hook_cmd, "timeout": 10000}]}),
        ),
        Harness::Cursor => {
            root.entry("version").or_insert(json!(1));
            add_to_event(root, "beforeShellExecution", json!({"command": hook_cmd}))
        }
    }
}

/// Appends `entry` to `hooks.<event>` unless an equal entry is there.
fn add_to_event(root: &mut Map<String, Value>, event: &str, entry: Value) -> bool {
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    if !hooks.is_object() {
        *hooks = json!({});
    }
    let list = hooks.as_object_mut().map(|h| h.entry(event).or_insert_with(|| json!([])));
    let Some(list) = list.and_then(Value::as_array_mut) else { return false };
    if list.contains(&entry) {
        return false;
    }
    list.push(entry);
    true
}

fn path_advice(harness: Harness) -> &'static str {
    match harness {
        Harness::ClaudeCode => "; a SessionStart hook puts guard's shims first on PATH for its Bash calls",
        _ => "; run the agent under `guard exec -- …` so its commands also go through the shims",
    }
}

/// The files `guard init` wrote, kept in the state directory for self-protection.
pub fn written_files(state: &StateDir) -> Vec<PathBuf> {
    std::fs::read(state.root().join("hook-files.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

fn record_written(state: &StateDir, path: &Path) {
    // forget files whose directory is gone (a removed checkout): the list is read on
    // every call that writes a file
    let mut files: Vec<PathBuf> =
        written_files(state).into_iter().filter(|f| f.parent().is_some_and(Path::exists)).collect();
    if !files.iter().any(|f| f == path) {
        files.push(path.to_path_buf());
        if let Ok(json) = serde_json::to_vec(&files) {
            let _ = state.write_atomic(&state.root().join("hook-files.json"), &json);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_everything_and_is_idempotent() {
        let mut root = serde_json::from_str::<Value>(
            r#"{"model":"x","hooks":{"PreToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"lint"}]}]},"z":1}"#,
        )
        .unwrap();
        let obj = root.as_object_mut().unwrap();
        assert!(merge(Harness::ClaudeCode, obj, Path::new("/opt/guard/bin/guard")));
        assert!(!merge(Harness::ClaudeCode, obj, Path::new("/opt/guard/bin/guard")));
        let text = serde_json::to_string(&root).unwrap();
        // the user's keys keep their place; their hook is still first
        assert!(text.starts_with(r#"{"model":"x","hooks":{"PreToolUse":[{"matcher":"Edit""#), "{text}");
        assert!(text.contains(r#""args":["hook","claude-code"]"#));
        assert!(text.contains("/opt/guard/lib/guard/shims"));
    }
}
