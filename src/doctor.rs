//! `guard doctor [--json]`: is guard actually in the way, and what could an agent
//! still reach?
//!
//! Checks that the shims exist for every covered program and come first on PATH,
//! which harness hooks are installed, that settings load (and what a user layer tried
//! to loosen), that the state directory is private and writable, and where
//! credentials an agent could use sit: token variables in this environment and token
//! files it can read, each with concrete advice. Secrets are never printed: only
//! variable names and file paths.

use crate::error::GuardError;
use crate::hooks::Harness;
use crate::hooks::init::{Scope, config_path};
use crate::settings::Settings;
use crate::state::StateDir;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub status: Status,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// Token variables an agent could use to destroy something, and how to narrow them.
const TOKEN_VARS: &[(&str, &str)] = &[
    (
        "RAILWAY_API_TOKEN",
        "an account or workspace token reaches every project: give the agent a project token limited to one non-production environment",
    ),
    ("RAILWAY_TOKEN", "a project token: make sure it is for a non-production environment"),
    ("AWS_SECRET_ACCESS_KEY", "use a role or profile with read-only or sandbox permissions for the agent"),
    ("AWS_SESSION_TOKEN", "use a role with read-only or sandbox permissions for the agent"),
    ("AWS_PROFILE", "point the agent at a read-only or sandbox profile"),
    ("GITHUB_TOKEN", "use a fine-grained token without delete_repo or admin scopes"),
    ("GH_TOKEN", "use a fine-grained token without delete_repo or admin scopes"),
    ("GITLAB_TOKEN", "use a project token with the least role needed"),
    ("VERCEL_TOKEN", "scope the token to one team and project"),
    ("FLY_API_TOKEN", "use a deploy token scoped to one app"),
    ("NEON_API_KEY", "use a project-scoped key"),
    ("SUPABASE_ACCESS_TOKEN", "keep the management token away from the agent"),
    ("CLOUDFLARE_API_TOKEN", "scope the token to the zones and permissions needed"),
    ("HEROKU_API_KEY", "keep account-wide keys away from the agent"),
    ("DIGITALOCEAN_ACCESS_TOKEN", "use a read-only token"),
    ("PGPASSWORD", "give the agent a read-only database role"),
];

/// Token files an agent running as the user can read.
const TOKEN_FILES: &[(&str, &str)] = &[
    (
        ".railway/config.json",
        "the Railway CLI's login session (an account-wide token): log out in shells agents use, or run agents as another user",
    ),
    (".aws/credentials", "long-lived AWS keys: use short-lived, narrowly scoped roles for agents"),
    (".pgpass", "database passwords: give agents a read-only role"),
    (".netrc", "passwords for hosts: move production entries out of the agent's reach"),
    (".config/gh/hosts.yml", "the GitHub CLI's token: use a fine-grained token without delete scopes"),
    (".docker/config.json", "registry credentials"),
    (".kube/config", "cluster credentials: point agents at a non-production context with limited RBAC"),
    (".render/cli.yaml", "the Render CLI's API key"),
];

pub fn run(json: bool) -> Result<u8, GuardError> {
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let mut out = Vec::new();
    shims(&mut out);
    hooks(&mut out, &cwd);
    layers(&mut out, &cwd);
    settings(&mut out, &cwd);
    state(&mut out);
    credentials(&mut out, &cwd);
    let failed = out.iter().any(|f| f.status == Status::Fail);
    if json {
        crate::cli::print_stdout(&serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        let mut text = String::new();
        for f in &out {
            let tag = match f.status {
                Status::Ok => "ok  ",
                Status::Warn => "WARN",
                Status::Fail => "FAIL",
            };
            text.push_str(&format!("{tag} {:<12} {}\n", f.check, f.message));
            if let Some(a) = &f.advice {
                text.push_str(&format!("     {:<12} → {a}\n", ""));
            }
        }
        crate::cli::print_stdout(text.trim_end());
    }
    Ok(if failed { 1 } else { 0 })
}

fn push(out: &mut Vec<Finding>, check: &'static str, status: Status, message: String, advice: Option<&str>) {
    out.push(Finding { check, status, message, advice: advice.map(String::from) });
}

fn shims(out: &mut Vec<Finding>) {
    let dir = match crate::supervise::shims_dir() {
        Ok(d) => d,
        Err(e) => return push(out, "shims", Status::Fail, e.to_string(), Some("install guard with ./install.sh")),
    };
    let guard = crate::shim::resolve::guard_identity().ok();
    let missing: Vec<&str> = crate::rules::embedded::program_names()
        .filter(|p| crate::shim::resolve::FileId::of(&dir.join(p)) != guard)
        .collect();
    if missing.is_empty() {
        push(out, "shims", Status::Ok, format!("a shim for every covered program in {}", dir.display()), None);
    } else {
        push(
            out,
            "shims",
            Status::Fail,
            format!("missing shims: {}", missing.join(" ")),
            Some("run ./install.sh again"),
        );
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let first = std::env::split_paths(&path).next();
    if first.as_deref().and_then(|p| p.canonicalize().ok()) == dir.canonicalize().ok() {
        push(out, "path", Status::Ok, "the shims come first on PATH in this shell".into(), None);
    } else {
        push(
            out,
            "path",
            Status::Warn,
            "the shims are not first on PATH in this shell".into(),
            Some("run agents with `guard exec -- <agent>`, or put the shims first on the agent's PATH"),
        );
    }
}

fn hooks(out: &mut Vec<Finding>, cwd: &Path) {
    for harness in [Harness::ClaudeCode, Harness::Cursor, Harness::Codex, Harness::Gemini] {
        let mut found = Vec::new();
        for scope in [Scope::User, Scope::Project] {
            if let Ok(p) = config_path(harness, scope, cwd)
                && std::fs::read_to_string(&p).is_ok_and(|t| t.contains("hook") && t.contains("guard"))
            {
                found.push(p.display().to_string());
            }
        }
        if found.is_empty() {
            push(
                out,
                "hooks",
                Status::Warn,
                format!("no guard hook for {}", harness.name()),
                Some("guard init <harness>"),
            );
        } else {
            push(out, "hooks", Status::Ok, format!("{} hook in {}", harness.name(), found.join(", ")), None);
        }
    }
}

/// Each layer: where it is, the files guard reads there, problems and what it ignored.
fn layers(out: &mut Vec<Finding>, cwd: &Path) {
    let loaded = crate::rules::policy::load_all(cwd);
    for dir in loaded.policy.dirs.iter() {
        let files: Vec<String> = loaded
            .policy
            .packs
            .iter()
            .filter(|p| p.kind == dir.kind)
            .map(|p| p.path.display().to_string())
            .chain(dir.dir.join("config.yaml").is_file().then(|| dir.dir.join("config.yaml").display().to_string()))
            .collect();
        let message = if files.is_empty() {
            format!("{} layer ({}): no files", dir.kind.name(), dir.dir.display())
        } else {
            format!("{} layer ({}): {}", dir.kind.name(), dir.dir.display(), files.join(", "))
        };
        push(out, "layers", Status::Ok, message, None);
    }
    for e in loaded.errors.iter() {
        push(
            out,
            "layers",
            Status::Fail,
            e.to_string(),
            Some("fix it (guard rules lint); until then guarded commands do not run"),
        );
    }
    for e in loaded.policy.ignored.iter() {
        push(out, "layers", Status::Warn, e.to_string(), Some("only /etc/guard may loosen rules"));
    }
    for e in loaded.policy.exceptions.iter() {
        push(out, "layers", Status::Ok, format!("exception to {} at {}: {}", e.rule, e.source, e.reason), None);
    }
}

fn settings(out: &mut Vec<Finding>, cwd: &Path) {
    match Settings::load_for(cwd) {
        Ok(s) => {
            push(out, "settings", Status::Ok, "settings load".into(), None);
            for ignored in s.ignored {
                push(out, "settings", Status::Warn, ignored, Some("only /etc/guard may loosen settings"));
            }
        }
        Err(e) => {
            push(out, "settings", Status::Fail, e.to_string(), Some("fix the file; until then stopped commands fail"))
        }
    }
    push(out, "rules", Status::Ok, format!("{} built-in packs load", crate::rules::embedded::PACKS.len()), None);
}

fn state(out: &mut Vec<Finding>) {
    match StateDir::open() {
        Ok(s) => {
            let probe = s.root().join(".doctor-probe");
            match s.write_atomic(&probe, b"ok") {
                Ok(()) => {
                    let _ = std::fs::remove_file(&probe);
                    push(out, "state", Status::Ok, format!("{} is private and writable", s.root().display()), None);
                }
                Err(e) => push(out, "state", Status::Fail, e.to_string(), None),
            }
        }
        Err(e) => {
            push(out, "state", Status::Fail, e.to_string(), Some("stopped commands cannot be recorded or approved"))
        }
    }
}

fn credentials(out: &mut Vec<Finding>, cwd: &Path) {
    for (var, advice) in TOKEN_VARS {
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            push(out, "credential", Status::Warn, format!("{var} is set in this environment"), Some(advice));
        }
    }
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let host = crate::target::url_host(&url);
        let prod = Settings::load().map(|s| s.is_production(host.as_deref(), None)).unwrap_or(true);
        let status = if prod { Status::Fail } else { Status::Warn };
        push(
            out,
            "credential",
            status,
            format!("DATABASE_URL is set (host {})", host.as_deref().unwrap_or("unknown")),
            Some(if prod {
                "it points at a production host: give the agent a read-only role or a staging database"
            } else {
                "make sure the role it carries cannot drop what matters"
            }),
        );
    }
    let home = crate::paths::home().ok();
    for (rel, advice) in TOKEN_FILES {
        if let Some(h) = &home
            && readable(&h.join(rel))
        {
            push(out, "credential", Status::Warn, format!("~/{rel} is readable"), Some(advice));
        }
    }
    for f in env_files(cwd) {
        push(
            out,
            "credential",
            Status::Warn,
            format!("{} holds token-like variables", f.display()),
            Some("keep production secrets out of the workspace; agents read every file in it"),
        );
    }
}

fn readable(p: &Path) -> bool {
    std::fs::File::open(p).is_ok()
}

/// `.env*` files in the workspace (cwd and the repository root) that define
/// variables named like secrets.
fn env_files(cwd: &Path) -> Vec<PathBuf> {
    let root = cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(cwd).to_path_buf();
    let mut dirs = vec![cwd.to_path_buf()];
    if root != cwd {
        dirs.push(root);
    }
    let secretish = regex_lite::Regex::new(
        r"(?im)^\s*(export\s+)?[A-Z0-9_]*(TOKEN|SECRET|PASSWORD|API_KEY|DATABASE_URL|PRIVATE_KEY)[A-Z0-9_]*\s*=",
    )
    .expect("static pattern");
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(".env") || name.ends_with(".example") || name.ends_with(".sample") {
                continue;
            }
            let text =
                std::fs::read(e.path()).map(|b| String::from_utf8_lossy(&b[..b.len().min(1 << 20)]).into_owned());
            if text.is_ok_and(|t| secretish.is_match(&t)) {
                out.push(e.path());
            }
        }
    }
    out
}
