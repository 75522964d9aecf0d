//! Where guard keeps trust-relevant files.
//!
//! The home directory comes from the user database (`getpwuid`), never from `$HOME` or
//! `XDG_*`: the agent controls its environment, and a variable must not be able to
//! move guard's settings or state somewhere it wrote.

use crate::error::GuardError;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The root-owned system layer.
pub const SYSTEM_DIR: &str = "/etc/guard";

/// The invoking user's home directory from the passwd entry.
///
/// `/etc/passwd` (root-owned) is read directly first: the C library's lookup consults
/// nsswitch.conf and tries the nscd socket on every call, a measurable part of a shim's
/// cost. A user it does not list (LDAP, SSSD) is looked up through the C library.
pub fn home() -> Result<PathBuf, GuardError> {
    static HOME: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    HOME.get_or_init(|| {
        let uid = nix::unistd::getuid();
        if let Some(dir) = std::fs::read("/etc/passwd").ok().and_then(|text| home_in_passwd(&text, uid.as_raw())) {
            return Ok(dir);
        }
        match nix::unistd::User::from_uid(uid) {
            Ok(Some(user)) => Ok(user.dir),
            Ok(None) => Err(format!("no entry for uid {uid}")),
            Err(e) => Err(e.to_string()),
        }
    })
    .clone()
    .map_err(GuardError::NoHome)
}

/// The home directory of the first `/etc/passwd` line for `uid` (`name:pw:uid:gid:gecos:home:shell`).
fn home_in_passwd(text: &[u8], uid: u32) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    text.split(|b| *b == b'\n').find_map(|line| {
        let fields: Vec<&[u8]> = line.split(|b| *b == b':').collect();
        let [_name, _pw, id, _gid, _gecos, home, _shell] = fields.as_slice() else { return None };
        let id: u32 = std::str::from_utf8(id).ok()?.parse().ok()?;
        (id == uid && home.starts_with(b"/")).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(home)))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_give_the_home_of_the_uid() {
        let text = b"root:x:0:0:root:/root:/bin/bash\n# not a line\nbad:line\nme:x:1000:1000:Me,,,:/home/me:/bin/sh\nrel:x:1001:1:x:home:/bin/sh\n";
        assert_eq!(home_in_passwd(text, 1000), Some(PathBuf::from("/home/me")));
        assert_eq!(home_in_passwd(text, 0), Some(PathBuf::from("/root")));
        assert_eq!(home_in_passwd(text, 1001), None); // not absolute: ask the C library
        assert_eq!(home_in_passwd(text, 4242), None);
    }
}
