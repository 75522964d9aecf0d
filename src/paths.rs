//! Where guard keeps trust-relevant files.
//!
//! The home directory comes from the user database (`getpwuid`), never from `$HOME` or
//! `XDG_*`: the agent controls its environment, and a variable must not be able to
//! move guard's settings or state somewhere it wrote.

use crate::error::GuardError;
use std::path::PathBuf;

/// The root-owned system layer.
pub const SYSTEM_DIR: &str = "/etc/guard";

/// The invoking user's home directory from the passwd entry.
pub fn home() -> Result<PathBuf, GuardError> {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => Ok(user.dir),
        Ok(None) => Err(GuardError::NoHome(format!("no entry for uid {uid}"))),
        Err(e) => Err(GuardError::NoHome(e.to_string())),
    }
}

/// The user layer's directory: `~/.config/guard` on Linux,
/// `~/Library/Application Support/guard` on macOS.
pub fn user_config_dir() -> Result<PathBuf, GuardError> {
    let home = home()?;
    Ok(if cfg!(target_os = "macos") {
        home.join("Library/Application Support/guard")
    } else {
        home.join(".config/guard")
    })
}

/// Pending requests, grants and the audit log: `~/.local/state/guard` on Linux,
/// `~/Library/Application Support/guard/state` on macOS.
pub fn user_state_dir() -> Result<PathBuf, GuardError> {
    let home = home()?;
    Ok(if cfg!(target_os = "macos") {
        home.join("Library/Application Support/guard/state")
    } else {
        home.join(".local/state/guard")
    })
}
