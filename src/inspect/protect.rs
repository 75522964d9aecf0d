//! Self-protection: nothing guard judges may rewrite guard itself.
//!
//! A command that writes, moves, links, removes or changes the mode of guard's
//! binary, its shims, its rules and settings (`/etc/guard`, the user's config dir) or
//! its state (pending requests, grants, the audit log) is denied outright, however
//! the path is spelled: `~`, `..`, relative paths and symlinks are resolved first.
//! So is running `guard approve` or `guard deny` from a command guard is judging:
//! only a person at their own terminal approves.
//!
//! This protects against the mistaken agent "fixing" guard out of its way. A
//! determined agent running as the user can still reach these files by means guard
//! does not see; a root-owned install is what closes that (README).

use super::Ctx;
use crate::operation::{Command, Operation};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Programs whose path operands (and path-valued options) may be written.
const WRITERS: &[&str] = &[
    "rm", "rmdir", "unlink", "mv", "cp", "ln", "install", "chmod", "chown", "chgrp", "chattr", "truncate", "tee",
    "touch", "mkdir", "shred", "dd", "rsync", "sed", "curl", "wget",
];

/// Writers whose operands are URLs, not paths.
const URL_CLIENTS: &[&str] = &["curl", "wget"];

/// Options whose value is a path these programs write to.
const PATH_OPTIONS: &[&str] =
    &["target-directory", "output", "reference", "output-document", "dump-header", "output-dir"];

/// The denied operation, if `cmd` writes a protected path or approves a request.
pub fn check_command(cmd: &Command, ctx: &Ctx) -> Option<Operation> {
    if cmd.program == crate::GUARD_NAME {
        return match cmd.operands.first().map(|o| o.text.as_str()) {
            Some(sub @ ("approve" | "deny")) => Some(denied(
                "guard",
                &format!("`guard {sub}` must be run by a person in their own terminal, not by a command guard judges"),
            )),
            _ => None,
        };
    }
    if !WRITERS.contains(&cmd.program.as_str()) {
        return None;
    }
    // curl's and wget's operands are URLs; what they write is named by options
    let writes_operands = !URL_CLIENTS.contains(&cmd.program.as_str());
    let operands = cmd.operands.iter().filter(|_| writes_operands).map(|o| o.text.as_str());
    let values = PATH_OPTIONS.iter().flat_map(|name| cmd.option_values(name));
    let dd_out = operands.clone().filter_map(|o| o.strip_prefix("of="));
    operands.chain(values).chain(dd_out).find_map(|p| check_path(&cmd.program, p, &cmd.dir, ctx))
}

/// The denied operation, if writing `path` (as written, relative to `dir`) would
/// touch guard's own files. (Removing a directory that merely contains them, such
/// as `rm -rf ~`, is destructive in its own right and judged by the ordinary rules.)
pub fn check_path(program: &str, path: &str, dir: &Path, ctx: &Ctx) -> Option<Operation> {
    let expanded = expand_home(path, ctx)?;
    let resolved = resolve(&dir.join(expanded));
    let root = protected_roots().iter().find(|root| resolved.starts_with(root))?;
    Some(denied(
        program,
        &format!(
            "`{path}` is guard's own file or directory ({}); guard cannot be changed by what it judges",
            root.display()
        ),
    ))
}

fn denied(program: &str, reason: &str) -> Operation {
    Operation::Protected(crate::operation::Protected { program: program.to_string(), reason: reason.to_string() })
}

/// `~` and `~/x` as the shell would expand them (with `$HOME`); `~user` forms are
/// left alone (they name someone else's home).
fn expand_home(path: &str, ctx: &Ctx) -> Option<PathBuf> {
    let path = crate::inspect::unwrap::shown(path);
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            let home = ctx.env.get("HOME").map(PathBuf::from).or_else(|| crate::paths::home().ok())?;
            Some(home.join(rest.trim_start_matches('/')))
        }
        _ => Some(PathBuf::from(path)),
    }
}

/// Lexically absolute, then with symlinks resolved in the longest existing prefix,
/// and through the last component too when it exists (a link to guard's state is
/// guard's state).
fn resolve(path: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    if let Ok(real) = lexical.canonicalize() {
        return real;
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.iter().rev() {
        out.push(name);
    }
    out
}

/// guard's binary, shims, system and user configuration, state, and the harness
/// hook configuration it installed, resolved.
fn protected_roots() -> &'static [PathBuf] {
    static ROOTS: OnceLock<Vec<PathBuf>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = Vec::new();
        if let Ok(exe) = std::env::current_exe().and_then(|p| p.canonicalize()) {
            if let Some(prefix) = exe.parent().and_then(Path::parent) {
                roots.push(prefix.join("lib/guard"));
            }
            roots.push(exe);
        }
        roots.push(PathBuf::from(crate::paths::SYSTEM_DIR));
        if let Ok(d) = crate::paths::user_config_dir() {
            roots.push(d);
        }
        if let Ok(d) = crate::paths::user_state_dir() {
            // the harness configuration files `guard init` wrote, and their backups
            let written: Vec<PathBuf> = std::fs::read(d.join("hook-files.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            // a file whose directory is gone cannot be written through its old path
            for f in written.into_iter().filter(|f| f.parent().is_some_and(Path::exists)) {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                roots.push(f.with_file_name(format!("{name}.guard-backup")));
                roots.push(f.with_file_name(format!("{name}.guard-absent")));
                roots.push(f);
            }
            roots.push(d);
        }
        roots.into_iter().map(|r| resolve(&r)).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_through_dots_and_links() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("a")).unwrap();
        std::os::unix::fs::symlink(real.join("a"), real.join("link")).unwrap();
        assert_eq!(resolve(&real.join("b/../a/./x")), real.join("a/x"));
        assert_eq!(resolve(&real.join("link/new/file")), real.join("a/new/file"));
        assert_eq!(resolve(&real.join("link")), real.join("a"));
    }
}
