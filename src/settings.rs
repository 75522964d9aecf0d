//! Settings (`config.yaml`) from the system and user layers.
//!
//! The system file (`/etc/guard/config.yaml`) is trusted. The user file lives where the
//! agent can write it, so it may only tighten: add production patterns, shorten the
//! grant lifetime, log more, or set neutral preferences (wait mode). Anything that
//! loosens is ignored and listed in [`Settings::ignored`] for `guard doctor`/`lint`.
//!
//! Settings are read only when a decision needs them (a stop, `guard exec`), never on
//! the hot path of an allowed command.

use crate::paths;
use crate::rules::layers::{self, LayerDir, LayerKind};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Larger files are refused rather than parsed: settings are small by nature.
const MAX_SETTINGS_BYTES: u64 = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path}: cannot read settings: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: settings file is larger than {MAX_SETTINGS_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("{path}: invalid settings: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Host patterns (regex) that mark a target as production.
    pub production_hosts: Vec<String>,
    /// Environment / context name patterns (regex) that mark a target as production.
    pub production_environments: Vec<String>,
    /// How long a pending request (and the grant approving it) stays valid.
    pub grant_lifetime: Duration,
    /// A stopped command waits this long for approval instead of exiting (None: off).
    pub wait: Option<Duration>,
    /// Also audit allowed calls that no rule concerns.
    pub audit_all_calls: bool,
    /// Harness hooks answer "ask" instead of "deny" (system layer only).
    pub harness_ask: bool,
    /// What a person proves to approve: a typed word, or their login password.
    pub approval: ApprovalMethod,
    /// Loosening attempts found in the user layer, ignored.
    pub ignored: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            production_hosts: vec![r"(?i)(^|[.-])(prod|production|live|prd)([.-]|$)".into()],
            production_environments: vec![r"(?i)^(prod|production|live|prd)([-_].*)?$".into()],
            grant_lifetime: Duration::from_secs(600),
            wait: None,
            audit_all_calls: false,
            harness_ask: false,
            approval: ApprovalMethod::Challenge,
            ignored: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    #[serde(default)]
    production: Option<ProductionFile>,
    #[serde(default)]
    grant_lifetime: Option<DurationText>,
    #[serde(default)]
    wait: Option<WaitFile>,
    #[serde(default)]
    audit: Option<AuditFile>,
    #[serde(default)]
    harness: Option<HarnessFile>,
    #[serde(default)]
    approval: Option<ApprovalMethod>,
}

/// How a person proves presence to `guard approve`. Ordered weakest first: a layer
/// that may only tighten can move up, never down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalMethod {
    /// Type a random word shown on screen: proves a terminal, not a person.
    Challenge,
    /// The user's login password, checked by PAM's helper.
    Password,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductionFile {
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    environments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitFile {
    enabled: bool,
    #[serde(default)]
    timeout: Option<DurationText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    #[serde(default)]
    all_calls: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HarnessFile {
    #[serde(default)]
    ask: bool,
}

/// `600`, `"90s"`, `"10m"`, `"1h"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DurationText {
    Seconds(u64),
    Text(String),
}

impl DurationText {
    fn to_duration(&self) -> Result<Duration, String> {
        let secs = match self {
            DurationText::Seconds(s) => *s,
            DurationText::Text(t) => {
                let t = t.trim();
                let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
                let n: u64 = num.parse().map_err(|_| format!("`{t}` is not a duration like 90s, 10m or 1h"))?;
                match unit {
                    "" | "s" => n,
                    "m" => n * 60,
                    "h" => n * 3600,
                    _ => return Err(format!("`{t}` is not a duration like 90s, 10m or 1h")),
                }
            }
        };
        if secs == 0 || secs > 7 * 24 * 3600 {
            return Err(format!("duration of {secs}s is outside 1s..7d"));
        }
        Ok(Duration::from_secs(secs))
    }
}

const DEFAULT_WAIT: Duration = Duration::from_secs(300);

impl Settings {
    /// The system and user layers, as found on this machine (where no directory is
    /// known: approving, listing).
    pub fn load() -> Result<Settings, crate::error::GuardError> {
        let dirs = [
            LayerDir { kind: LayerKind::System, dir: PathBuf::from(paths::SYSTEM_DIR) },
            LayerDir { kind: LayerKind::User, dir: paths::user_config_dir()? },
        ];
        Settings::load_layers(&dirs)
    }

    /// Every layer that applies to a command run in `cwd`, the project's included.
    pub fn load_for(cwd: &Path) -> Result<Settings, crate::error::GuardError> {
        Settings::load_layers(&layers::dirs(cwd)?)
    }

    /// Each layer's `config.yaml`, most trusted first; only the system layer may loosen.
    pub fn load_layers(dirs: &[LayerDir]) -> Result<Settings, crate::error::GuardError> {
        let mut s = Settings::default();
        for dir in dirs {
            let Some(file) = layers::config_file(dir)? else { continue };
            let parsed = parse(&file.text, &file.path)?;
            match dir.kind {
                LayerKind::Builtin | LayerKind::System => s.apply_system(parsed, &file.path)?,
                LayerKind::User | LayerKind::Project => s.apply_user(parsed, &file.path)?,
            }
        }
        Ok(s)
    }

    pub fn from_files(system: &Path, user: &Path) -> Result<Settings, SettingsError> {
        let mut s = Settings::default();
        if let Some(file) = read(system)? {
            s.apply_system(file, system)?;
        }
        if let Some(file) = read(user)? {
            s.apply_user(file, user)?;
        }
        Ok(s)
    }

    fn apply_system(&mut self, f: SettingsFile, path: &Path) -> Result<(), SettingsError> {
        let invalid = |message: String| SettingsError::Invalid { path: path.to_path_buf(), message };
        if let Some(p) = f.production {
            check_patterns(&p.hosts, path)?;
            check_patterns(&p.environments, path)?;
            self.production_hosts.extend(p.hosts);
            self.production_environments.extend(p.environments);
        }
        if let Some(d) = f.grant_lifetime {
            self.grant_lifetime = d.to_duration().map_err(invalid)?;
        }
        if let Some(w) = f.wait {
            self.wait = if w.enabled {
                Some(w.timeout.map(|t| t.to_duration()).transpose().map_err(invalid)?.unwrap_or(DEFAULT_WAIT))
            } else {
                None
            };
        }
        if let Some(a) = f.audit {
            self.audit_all_calls = a.all_calls;
        }
        if let Some(h) = f.harness {
            self.harness_ask = h.ask;
        }
        if let Some(a) = f.approval {
            self.approval = a;
        }
        Ok(())
    }

    fn apply_user(&mut self, f: SettingsFile, path: &Path) -> Result<(), SettingsError> {
        let invalid = |message: String| SettingsError::Invalid { path: path.to_path_buf(), message };
        let shown = path.display();
        if let Some(p) = f.production {
            check_patterns(&p.hosts, path)?;
            check_patterns(&p.environments, path)?;
            self.production_hosts.extend(p.hosts);
            self.production_environments.extend(p.environments);
        }
        if let Some(d) = f.grant_lifetime {
            let d = d.to_duration().map_err(invalid)?;
            if d <= self.grant_lifetime {
                self.grant_lifetime = d;
            } else {
                self.ignored.push(format!("{shown}: grant_lifetime longer than the system's is ignored"));
            }
        }
        if let Some(w) = f.wait {
            // neutral: waiting changes how a person is asked, not whether
            self.wait = if w.enabled {
                Some(w.timeout.map(|t| t.to_duration()).transpose().map_err(invalid)?.unwrap_or(DEFAULT_WAIT))
            } else {
                None
            };
        }
        if let Some(a) = f.audit {
            if a.all_calls {
                self.audit_all_calls = true;
            } else if self.audit_all_calls {
                self.ignored.push(format!("{shown}: audit.all_calls: false is ignored (the system layer logs all)"));
            }
        }
        if let Some(a) = f.approval {
            if a >= self.approval {
                self.approval = a;
            } else {
                self.ignored.push(format!("{shown}: a weaker approval method than the system's is ignored"));
            }
        }
        if let Some(h) = f.harness
            && h.ask
        {
            self.ignored.push(format!("{shown}: harness.ask is honoured only from {}", paths::SYSTEM_DIR));
        }
        Ok(())
    }

    /// Whether a host or environment name matches a production pattern.
    pub fn is_production(&self, host: Option<&str>, environment: Option<&str>) -> bool {
        let hit = |patterns: &[String], text: Option<&str>| {
            text.is_some_and(|t| patterns.iter().any(|p| regex_lite::Regex::new(p).is_ok_and(|re| re.is_match(t))))
        };
        hit(&self.production_hosts, host) || hit(&self.production_environments, environment)
    }
}

fn check_patterns(patterns: &[String], path: &Path) -> Result<(), SettingsError> {
    for p in patterns {
        crate::rules::validate::check_pattern(p)
            .map_err(|message| SettingsError::Invalid { path: path.to_path_buf(), message })?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Option<SettingsFile>, SettingsError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SettingsError::Read { path: path.to_path_buf(), source }),
    };
    let mut text = String::new();
    file.take(MAX_SETTINGS_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|source| SettingsError::Read { path: path.to_path_buf(), source })?;
    if text.len() as u64 > MAX_SETTINGS_BYTES {
        return Err(SettingsError::TooLarge { path: path.to_path_buf() });
    }
    parse(&text, path).map(Some)
}

fn parse(text: &str, path: &Path) -> Result<SettingsFile, SettingsError> {
    if text.trim().is_empty() {
        return Ok(SettingsFile::default());
    }
    serde_yaml::from_str(text).map_err(|e| SettingsError::Invalid { path: path.to_path_buf(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn files(system: Option<&str>, user: Option<&str>) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let (s, u) = (dir.path().join("system.yaml"), dir.path().join("user.yaml"));
        if let Some(t) = system {
            fs::write(&s, t).unwrap();
        }
        if let Some(t) = user {
            fs::write(&u, t).unwrap();
        }
        Settings::from_files(&s, &u)
    }

    #[test]
    fn defaults_without_files() {
        let s = files(None, None).unwrap();
        assert_eq!(s.grant_lifetime, Duration::from_secs(600));
        assert!(s.is_production(Some("db.prod.example.com"), None));
        assert!(s.is_production(None, Some("production")));
        assert!(!s.is_production(Some("staging.example.com"), Some("staging")));
        assert!(!s.is_production(Some("product-api.example.com"), None));
    }

    #[test]
    fn user_layer_only_tightens() {
        let s = files(
            Some("grant_lifetime: 5m\naudit: {all_calls: true}\n"),
            Some(
                "grant_lifetime: 1h\naudit: {all_calls: false}\nharness: {ask: true}\nproduction: {hosts: ['^db1$']}\n",
            ),
        )
        .unwrap();
        assert_eq!(s.grant_lifetime, Duration::from_secs(300));
        assert!(s.audit_all_calls);
        assert!(!s.harness_ask);
        assert_eq!(s.ignored.len(), 3, "{:?}", s.ignored);
        assert!(s.is_production(Some("db1"), None));
        let s = files(None, Some("grant_lifetime: 90s\nwait: {enabled: true, timeout: 2m}\n")).unwrap();
        assert_eq!(s.grant_lifetime, Duration::from_secs(90));
        assert_eq!(s.wait, Some(Duration::from_secs(120)));
    }

    #[test]
    fn system_layer_may_loosen() {
        let s = files(Some("grant_lifetime: 30m\nharness: {ask: true}\n"), None).unwrap();
        assert_eq!(s.grant_lifetime, Duration::from_secs(1800));
        assert!(s.harness_ask);
    }

    #[test]
    fn malformed_files_fail_closed_with_the_path() {
        let e = files(Some("grant_lifetime: soon\n"), None).unwrap_err();
        assert!(e.to_string().contains("system.yaml: invalid settings"), "{e}");
        let e = files(None, Some("unknown_key: 1\n")).unwrap_err();
        assert!(e.to_string().contains("user.yaml: invalid settings"), "{e}");
        let e = files(None, Some("production: {hosts: ['(']}\n")).unwrap_err();
        assert!(e.to_string().contains("invalid pattern"), "{e}");
    }
}
