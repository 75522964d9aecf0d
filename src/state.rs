//! guard's private state: pending requests, grants, the audit log.
//!
//! The directory comes from the passwd entry (`~/.local/state/guard` on Linux,
//! `~/Library/Application Support/guard/state` on macOS), never from `$HOME` or
//! `XDG_*`. It is created on demand with mode 0700 and must be owned by the user and
//! not writable by anyone else; otherwise nothing that needs state runs. A command no
//! rule concerns never touches it.
//!
//! Layout: `pending/<ID>.json`, `grants/<fingerprint>.json`, `audit.log` (JSON lines,
//! hash-chained), `audit.head` (count and last hash, kept apart so truncation shows),
//! `lock` (serializes grant consumption and audit appends).
//!
//! For a root-owned `--system` install the same layout lives in
//! `/var/lib/guard/<uid>/`, owned by root with the user given read access only
//! through guard; see README "System install".

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long guard waits for another guard holding the state lock.
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("guard's state directory {path}: {message}")]
    Dir { path: PathBuf, message: String },
    #[error("guard's state directory: {0}")]
    NoHome(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("another guard holds the state lock ({path}) for more than {LOCK_WAIT:?}")]
    LockTimeout { path: PathBuf },
}

#[derive(Debug, Clone)]
pub struct StateDir {
    root: PathBuf,
}

/// Held while reading-then-writing grants or the audit chain.
pub struct StateLock {
    _file: File,
}

impl StateDir {
    /// The invoking user's state directory, created and checked.
    pub fn open() -> Result<StateDir, StateError> {
        let root = crate::paths::user_state_dir().map_err(|e| StateError::NoHome(e.to_string()))?;
        StateDir::at(root)
    }

    /// A state directory at `root` (tests, system installs), created and checked.
    pub fn at(root: PathBuf) -> Result<StateDir, StateError> {
        let dir = StateDir { root };
        dir.ensure_private(&dir.root)?;
        for sub in ["pending", "grants"] {
            dir.ensure_private(&dir.root.join(sub))?;
        }
        Ok(dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn pending_dir(&self) -> PathBuf {
        self.root.join("pending")
    }

    pub fn grants_dir(&self) -> PathBuf {
        self.root.join("grants")
    }

    pub fn audit_log(&self) -> PathBuf {
        self.root.join("audit.log")
    }

    pub fn audit_head(&self) -> PathBuf {
        self.root.join("audit.head")
    }

    /// Creates `dir` (0700) if missing; refuses one owned by someone else or that
    /// others can write, since then another user could plant grants or edit the log.
    fn ensure_private(&self, dir: &Path) -> Result<(), StateError> {
        let err = |message: String| StateError::Dir { path: dir.to_path_buf(), message };
        match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| err(format!("cannot create it: {e}")))?;
                // the umask may have narrowed it further, never widened it; be exact
                fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                    .map_err(|e| err(format!("cannot set its mode: {e}")))?;
                Ok(())
            }
            Err(e) => Err(err(format!("cannot read it: {e}"))),
            Ok(meta) => {
                if !meta.is_dir() {
                    return Err(err("it is not a directory".into()));
                }
                if meta.uid() != nix::unistd::geteuid().as_raw() {
                    return Err(err(format!("it is owned by uid {}, not by you", meta.uid())));
                }
                if meta.mode() & 0o022 != 0 {
                    return Err(err(format!("others can write to it (mode {:o})", meta.mode() & 0o777)));
                }
                Ok(())
            }
        }
    }

    /// Takes the state lock, waiting a bounded time for another guard.
    pub fn lock(&self) -> Result<StateLock, StateError> {
        let path = self.root.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|source| StateError::Io { path: path.clone(), source })?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StateLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(StateError::LockTimeout { path }),
                Err(std::fs::TryLockError::Error(source)) => return Err(StateError::Io { path, source }),
            }
        }
    }

    /// Writes `bytes` to `path` atomically: a private temporary file, then rename,
    /// so no reader ever sees half a grant or half a request.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), StateError> {
        let io = |source| StateError::Io { path: path.to_path_buf(), source };
        let tmp = path.with_extension(format!("tmp.{}.{}", std::process::id(), crate::request::new_id()));
        let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(io)?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io)?;
        fs::rename(&tmp, path).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_directory_and_refuses_an_open_one() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("state");
        let dir = StateDir::at(root.clone()).unwrap();
        assert_eq!(fs::metadata(&root).unwrap().mode() & 0o777, 0o700);
        assert!(dir.pending_dir().is_dir() && dir.grants_dir().is_dir());
        fs::set_permissions(&root, fs::Permissions::from_mode(0o777)).unwrap();
        let e = StateDir::at(root).unwrap_err();
        assert!(e.to_string().contains("others can write"), "{e}");
    }

    #[test]
    fn the_lock_excludes_a_second_holder() {
        let t = tempfile::tempdir().unwrap();
        let dir = StateDir::at(t.path().join("s")).unwrap();
        let held = dir.lock().unwrap();
        let other = File::open(dir.root().join("lock")).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
