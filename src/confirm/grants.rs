//! Grants: a person's approval of one request, usable once, for a short time.
//!
//! A grant is stored as `grants/<fingerprint>.json`. When the agent re-runs the
//! identical command, guard computes the same fingerprint (same real binary, argv,
//! cwd, resolved target, payload hashes and target-selecting environment), and under
//! the state lock renames the grant into `grants/used/`: of any number of racing
//! invocations exactly one finds it. A grant that is unreadable, corrupt, expired,
//! bound to another fingerprint or dated in the future is no grant.
//!
//! Same-user storage is a limit stated plainly in README: an agent running as the user
//! can write a grant file itself. What stops that is the audit trail and, for a
//! determined agent, a system install where grants belong to another user.

use crate::state::{StateDir, StateError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Clocks on one machine agree; this only absorbs rounding to whole seconds.
const CLOCK_SKEW_SECS: i64 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub fingerprint: String,
    pub request: String,
    pub approved_at: String,
    pub expires_at: String,
    /// How the person confirmed (`typed challenge on /dev/pts/3`).
    pub approver: String,
}

impl Grant {
    /// Usable now: not expired, not from the future.
    fn valid_now(&self) -> bool {
        let (Ok(from), Ok(until)) =
            (self.approved_at.parse::<jiff::Timestamp>(), self.expires_at.parse::<jiff::Timestamp>())
        else {
            return false;
        };
        let now = jiff::Timestamp::now().as_second();
        from.as_second() <= now + CLOCK_SKEW_SECS && now < until.as_second()
    }
}

fn file_of(state: &StateDir, fingerprint: &str) -> Option<PathBuf> {
    let hex = fingerprint.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| state.grants_dir().join(format!("{hex}.json")))
}

/// Writes the grant for an approved request.
pub fn write(state: &StateDir, grant: &Grant) -> Result<(), StateError> {
    let path = file_of(state, &grant.fingerprint).ok_or_else(|| StateError::Dir {
        path: state.grants_dir(),
        message: format!("`{}` is not a fingerprint", grant.fingerprint),
    })?;
    let json = serde_json::to_vec_pretty(grant).unwrap_or_default();
    let _lock = state.lock()?;
    state.write_atomic(&path, &json)
}

/// Takes the grant for `fingerprint`, if a valid one exists. At most one caller ever
/// gets a given grant.
pub fn consume(state: &StateDir, fingerprint: &str) -> Result<Option<Grant>, StateError> {
    let Some(path) = file_of(state, fingerprint) else { return Ok(None) };
    if !path.exists() {
        return Ok(None); // the common case, without taking the lock
    }
    let _lock = state.lock()?;
    let grant: Option<Grant> = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let used_dir = state.grants_dir().join("used");
    let _ = std::fs::create_dir(&used_dir);
    let stamp = jiff::Timestamp::now().as_second();
    let retire = |why: &str| {
        let to = used_dir.join(format!("{}.{why}.{stamp}.json", fingerprint.trim_start_matches("sha256:")));
        std::fs::rename(&path, to).map_err(|source| StateError::Io { path: path.clone(), source })
    };
    match grant {
        Some(g) if g.fingerprint == fingerprint && g.valid_now() => {
            retire("used")?;
            Ok(Some(g))
        }
        // expired, corrupt or not ours: never a grant; moved aside so it is not read again
        _ => {
            let _ = retire("invalid");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn state() -> (tempfile::TempDir, StateDir) {
        let t = tempfile::tempdir().unwrap();
        let s = StateDir::at(t.path().join("state")).unwrap();
        (t, s)
    }

    fn grant(approved: i64, expires: i64) -> Grant {
        let now = jiff::Timestamp::now().as_second();
        let at = |s: i64| jiff::Timestamp::from_second(now + s).unwrap().to_string();
        Grant {
            fingerprint: FP.into(),
            request: "ABCD1234".into(),
            approved_at: at(approved),
            expires_at: at(expires),
            approver: "test".into(),
        }
    }

    #[test]
    fn a_grant_is_used_once() {
        let (_t, s) = state();
        write(&s, &grant(0, 600)).unwrap();
        assert!(consume(&s, FP).unwrap().is_some());
        assert!(consume(&s, FP).unwrap().is_none());
    }

    #[test]
    fn expired_future_corrupt_and_foreign_grants_are_no_grant() {
        let (_t, s) = state();
        write(&s, &grant(-700, -100)).unwrap();
        assert!(consume(&s, FP).unwrap().is_none());
        write(&s, &grant(3600, 7200)).unwrap();
        assert!(consume(&s, FP).unwrap().is_none());
        std::fs::write(file_of(&s, FP).unwrap(), b"{not json").unwrap();
        assert!(consume(&s, FP).unwrap().is_none());
        let mut other = grant(0, 600);
        other.fingerprint = "sha256:2222222222222222222222222222222222222222222222222222222222222222".into();
        std::fs::write(file_of(&s, FP).unwrap(), serde_json::to_vec(&other).unwrap()).unwrap();
        assert!(consume(&s, FP).unwrap().is_none());
        assert!(consume(&s, "sha256:../../etc").unwrap().is_none());
    }

    #[test]
    fn racing_consumers_get_it_exactly_once() {
        let (_t, s) = state();
        write(&s, &grant(0, 600)).unwrap();
        let winners = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..32 {
                scope.spawn(|| {
                    if consume(&s, FP).unwrap().is_some() {
                        winners.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(winners.into_inner(), 1);
    }
}
