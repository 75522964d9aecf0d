//! Finds the real program behind a shim.
//!
//! Every PATH candidate is compared with guard's own executable by device and inode,
//! after following links: shims are links to guard, so they are skipped however they
//! are named or wherever they sit. Path strings and environment markers are never
//! trusted for this (the agent controls both).

use crate::error::GuardError;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Used when PATH is unset, as execvp does.
const DEFAULT_PATH: &str = "/usr/bin:/bin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(path: &Path) -> Option<FileId> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileId { dev: m.dev(), ino: m.ino() })
    }
}

/// guard's own executable.
pub fn guard_identity() -> Result<FileId, GuardError> {
    #[cfg(target_os = "linux")]
    let exe = PathBuf::from("/proc/self/exe");
    #[cfg(not(target_os = "linux"))]
    let exe =
        std::env::current_exe().map_err(|e| GuardError::Other(format!("cannot locate guard's own binary: {e}")))?;
    FileId::of(&exe).ok_or_else(|| GuardError::Other("cannot stat guard's own binary".into()))
}

/// The first executable named `name` on `path_var` that is not guard.
/// A name containing `/` is taken as given, like execvp does.
pub fn real_binary(name: &OsStr, path_var: Option<&OsStr>, guard: FileId) -> Result<PathBuf, GuardError> {
    let not_found = || GuardError::RealBinaryNotFound { program: name.to_string_lossy().into_owned() };
    if name.is_empty() {
        return Err(not_found());
    }
    if name.as_bytes().contains(&b'/') {
        let p = PathBuf::from(name);
        return if p.exists() { Ok(p) } else { Err(not_found()) };
    }
    let path_var = path_var.unwrap_or(OsStr::new(DEFAULT_PATH));
    for dir in path_var.as_bytes().split(|b| *b == b':') {
        // an empty entry means the current directory, as for execvp
        let dir = if dir.is_empty() { Path::new(".") } else { Path::new(OsStr::from_bytes(dir)) };
        let candidate = dir.join(name);
        let Some(id) = FileId::of(&candidate) else { continue };
        if id == guard {
            continue;
        }
        if is_executable_file(&candidate) {
            return Ok(candidate);
        }
    }
    Err(not_found())
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && nix::unistd::access(path, nix::unistd::AccessFlags::X_OK).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn exe(path: &Path) {
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn skips_links_to_guard_and_non_executables() {
        let t = tempfile::tempdir().unwrap();
        let (shims, plain, real) = (t.path().join("shims"), t.path().join("plain"), t.path().join("real"));
        for d in [&shims, &plain, &real] {
            std::fs::create_dir(d).unwrap();
        }
        let fake_guard = t.path().join("guard");
        exe(&fake_guard);
        symlink(&fake_guard, shims.join("git")).unwrap();
        std::fs::write(plain.join("git"), "not executable").unwrap();
        exe(&real.join("git"));
        let path = std::env::join_paths([&shims, &plain, &real]).unwrap();
        let id = FileId::of(&fake_guard).unwrap();
        assert_eq!(real_binary(OsStr::new("git"), Some(&path), id).unwrap(), real.join("git"));
        // a hard link to guard is guard too
        std::fs::remove_file(real.join("git")).unwrap();
        std::fs::hard_link(&fake_guard, real.join("git")).unwrap();
        assert!(matches!(real_binary(OsStr::new("git"), Some(&path), id), Err(GuardError::RealBinaryNotFound { .. })));
    }
}
