//! `guard pending`, `guard approve [ID]`, `guard deny ID`: a person decides.
//!
//! Approval refuses to run inside a `guard exec` session and without a controlling
//! terminal, shows guard's own account of the request (what runs, where, against what,
//! production marked loudly, every untrusted string escaped), and asks an
//! [`Approver`] for proof that a person is there. The default approver asks the person
//! to type a random word shown on screen. No flag, variable or file skips any step.
//!
//! Which of these are real barriers against a determined agent and which are speed
//! bumps is spelled out in README "Approving": the typed challenge, the terminal and
//! the ancestry check are speed bumps (an agent can drive a pty or tmux); a factor the
//! agent does not have (a password through PAM, Touch ID) is a barrier.

use super::ancestry;
use super::grants::{self, Grant};
use super::pending::{self, PendingRequest};
use super::tty::{Tty, TtyError};
use crate::audit::{self, EventKind};
use crate::display::sanitize;
use crate::error::GuardError;
use crate::exit;
use crate::settings::Settings;
use crate::state::StateDir;
use std::ffi::OsString;
use std::time::Duration;

const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Proof that a person, not the agent, approves. Implementations must take their
/// answer from the person (the terminal, an OS authentication prompt), never from
/// anything the agent can write.
pub trait Approver {
    /// Shown in the audit record: how the person confirmed.
    fn describe(&self, tty: &Tty) -> String;
    /// Ok when the person proved presence; Err with what went wrong otherwise.
    fn confirm(&self, tty: &mut Tty, request: &PendingRequest) -> Result<(), String>;
}

/// The person types a random word shown on the screen.
pub struct TypedChallenge;

impl Approver for TypedChallenge {
    fn describe(&self, tty: &Tty) -> String {
        format!("typed challenge on {}", tty.name)
    }

    fn confirm(&self, tty: &mut Tty, request: &PendingRequest) -> Result<(), String> {
        let word = challenge_word();
        let loud = if request.production() { " (PRODUCTION)" } else { "" };
        let prompt = format!("\nTo approve{loud}, type the word {word}: ");
        let answer = tty.ask(&prompt, ANSWER_TIMEOUT).map_err(|e| e.to_string())?;
        if answer.trim() == word { Ok(()) } else { Err(format!("typed `{}`, not `{word}`", sanitize(answer.trim()))) }
    }
}

/// The person's own login password, checked by `unix_chkpwd`: the setuid helper PAM
/// itself uses to let a user prove their own password. An agent running as the user
/// does not know the password, so this is a real barrier (unless the agent saw it
/// typed). Linux only; on macOS the setting is refused.
pub struct LoginPassword;

/// Where PAM installs its password-checking helper.
const UNIX_CHKPWD: &[&str] = &["/usr/sbin/unix_chkpwd", "/sbin/unix_chkpwd"];

impl Approver for LoginPassword {
    fn describe(&self, tty: &Tty) -> String {
        format!("login password on {}", tty.name)
    }

    fn confirm(&self, tty: &mut Tty, _request: &PendingRequest) -> Result<(), String> {
        use std::io::Write;
        let helper = UNIX_CHKPWD
            .iter()
            .find(|p| std::path::Path::new(p).exists())
            .ok_or("approval by password needs PAM's unix_chkpwd helper, which is not installed")?;
        let user = nix::unistd::User::from_uid(nix::unistd::getuid())
            .ok()
            .flatten()
            .ok_or("cannot find your user in the user database")?;
        let password = tty
            .ask_hidden(&format!("\nTo approve, enter the login password of {}: ", user.name), ANSWER_TIMEOUT)
            .map_err(|e| e.to_string())?;
        let mut child = std::process::Command::new(helper)
            .args([user.name.as_str(), "nonull"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {helper}: {e}"))?;
        // the helper reads a NUL-terminated password from stdin (never from argv)
        let mut input = password.into_bytes();
        input.push(0);
        let written = child.stdin.take().map(|mut s| s.write_all(&input));
        input.iter_mut().for_each(|b| *b = 0);
        let status = child.wait().map_err(|e| e.to_string())?;
        match (written, status.success()) {
            (Some(Ok(())), true) => Ok(()),
            _ => Err("the password was not accepted".into()),
        }
    }
}

/// The approver the settings ask for.
pub fn configured(settings: &Settings) -> Box<dyn Approver> {
    match settings.approval {
        crate::settings::ApprovalMethod::Challenge => Box::new(TypedChallenge),
        crate::settings::ApprovalMethod::Password => Box::new(LoginPassword),
    }
}

/// A pronounceable random word (consonant-vowel pairs): easy to read and type, not
/// guessable.
fn challenge_word() -> String {
    const C: &[u8] = b"bdfgklmnprstvz";
    const V: &[u8] = b"aeiou";
    let mut raw = [0u8; 8];
    let _ = getrandom::fill(&mut raw);
    raw.iter()
        .enumerate()
        .map(|(i, b)| if i % 2 == 0 { C[*b as usize % C.len()] as char } else { V[*b as usize % V.len()] as char })
        .collect()
}

/// `guard pending`: the requests a person can approve.
pub fn list(json: bool) -> Result<u8, GuardError> {
    let state = StateDir::open().map_err(|e| GuardError::Other(e.to_string()))?;
    pending::prune(&state);
    let all = pending::list(&state).map_err(|e| GuardError::Other(e.to_string()))?;
    let mut out = String::new();
    if json {
        for p in &all {
            if let Ok(bytes) = std::fs::read(state.pending_dir().join(format!("{}.json", p.id))) {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
                out.push_str(&v.to_string());
                out.push('\n');
            }
        }
    } else if all.is_empty() {
        out.push_str("no pending requests\n");
    } else {
        for p in &all {
            out.push_str(&format!(
                "{}  {}{}  {}\n    in {}\n    target: {}\n    why: {} ({})\n",
                p.id,
                if p.production() { "PRODUCTION  " } else { "" },
                p.rule,
                sanitize(&p.command_line()),
                sanitize(&p.cwd_text()),
                sanitize(&p.target_summary()),
                p.reason,
                p.expires_at
            ));
        }
    }
    crate::cli::print_stdout(out.trim_end());
    Ok(0)
}

/// The checks every approval or refusal starts with: not inside an agent session,
/// and a real terminal. A refusal is audited.
fn preflight(state: &StateDir, what: &str) -> Result<Tty, GuardError> {
    let refuse = |detail: String| {
        let _ = audit::append(
            state,
            EventKind::ApprovalRefused,
            &audit::Entry { program: "guard".into(), detail: Some(detail.clone()), ..Default::default() },
        );
        GuardError::Refused(detail)
    };
    if let Some(pid) = ancestry::guard_exec_ancestor() {
        return Err(refuse(format!(
            "guard {what} cannot run inside a guarded agent session (under guard exec, pid {pid}): \
             run it in a terminal of your own"
        )));
    }
    Tty::open().map_err(|e: TtyError| refuse(format!("guard {what}: {e}")))
}

/// `guard approve [ID]`, with the approver the settings ask for.
pub fn approve(id: Option<String>) -> Result<u8, GuardError> {
    // the layers of the directory the request was made in (a project may ask for more)
    let cwd = id.as_deref().and_then(|id| {
        let state = StateDir::open().ok()?;
        pending::load(&state, id).map(|r| std::path::PathBuf::from(r.cwd_text()))
    });
    let settings = match cwd {
        Some(dir) if dir.is_dir() => Settings::load_for(&dir)?,
        _ => Settings::load()?,
    };
    approve_with(id, configured(&settings).as_ref(), &settings)
}

pub fn approve_with(id: Option<String>, approver: &dyn Approver, settings: &Settings) -> Result<u8, GuardError> {
    let state = StateDir::open().map_err(|e| GuardError::Other(e.to_string()))?;
    let mut tty = preflight(&state, "approve")?;
    pending::prune(&state);
    let request = match id {
        Some(id) => pending::load(&state, &id).ok_or_else(|| GuardError::Usage(format!("no pending request {id}")))?,
        None => pick(&state, &mut tty)?,
    };
    if request.expired() {
        return Err(GuardError::Usage(format!("request {} has expired; let the agent run it again", request.id)));
    }
    if request.kind != "confirmation_required" {
        return Err(GuardError::Refused(format!("request {} was denied by a rule; it cannot be approved", request.id)));
    }
    show(&mut tty, &request).map_err(|e| GuardError::Other(e.to_string()))?;
    if let Err(why) = approver.confirm(&mut tty, &request) {
        let _ = tty.say(&format!("Not approved: {why}\n"));
        audit_request(&state, EventKind::ApprovalRefused, &request, Some(why.clone()));
        return Ok(exit::DENIED);
    }
    let now = jiff::Timestamp::now();
    let approved = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let lifetime = jiff::SignedDuration::from_secs(settings.grant_lifetime.as_secs() as i64);
    let grant = Grant {
        fingerprint: request.fingerprint.clone(),
        request: request.id.clone(),
        approved_at: approved.to_string(),
        expires_at: approved.checked_add(lifetime).unwrap_or(approved).to_string(),
        approver: approver.describe(&tty),
    };
    grants::write(&state, &grant).map_err(|e| GuardError::Other(e.to_string()))?;
    audit::append(&state, EventKind::Approved, &entry_of(&request, Some(grant.approver.clone())))
        .map_err(|e| GuardError::Other(e.to_string()))?;
    pending::remove(&state, &request.id);
    let _ = tty.say(&format!(
        "Approved {}. The agent may now run exactly that command once, from the same directory, until {}.\n",
        request.id, grant.expires_at
    ));
    Ok(0)
}

/// `guard deny ID`: the person refuses; the request is dropped.
pub fn deny(id: String) -> Result<u8, GuardError> {
    let state = StateDir::open().map_err(|e| GuardError::Other(e.to_string()))?;
    let mut tty = preflight(&state, "deny")?;
    let request = pending::load(&state, &id).ok_or_else(|| GuardError::Usage(format!("no pending request {id}")))?;
    audit_request(&state, EventKind::Refused, &request, Some(format!("refused on {}", tty.name)));
    pending::remove(&state, &request.id);
    let _ = tty.say(&format!("Refused {}: it will not run.\n", request.id));
    Ok(0)
}

fn pick(state: &StateDir, tty: &mut Tty) -> Result<PendingRequest, GuardError> {
    let all = pending::list(state).map_err(|e| GuardError::Other(e.to_string()))?;
    let open: Vec<PendingRequest> =
        all.into_iter().filter(|p| !p.expired() && p.kind == "confirmation_required").collect();
    if open.is_empty() {
        return Err(GuardError::Usage("no pending requests".into()));
    }
    let mut menu = String::from("Pending requests:\n");
    for (i, p) in open.iter().enumerate() {
        menu.push_str(&format!("  {}) {}  {}  {}\n", i + 1, p.id, p.rule, sanitize(&p.command_line())));
    }
    tty.say(&menu).map_err(|e| GuardError::Other(e.to_string()))?;
    let answer = tty.ask("Which one (number)? ", ANSWER_TIMEOUT).map_err(|e| GuardError::Other(e.to_string()))?;
    let n: usize = answer.trim().parse().map_err(|_| GuardError::Usage(format!("`{answer}` is not a number")))?;
    open.into_iter().nth(n.wrapping_sub(1)).ok_or_else(|| GuardError::Usage(format!("there is no request {n}")))
}

/// guard's own account of the request; every string from the request is escaped.
fn show(tty: &mut Tty, r: &PendingRequest) -> Result<(), TtyError> {
    let banner = if r.production() { "\n!!! PRODUCTION TARGET !!!\n" } else { "" };
    tty.say(&format!(
        "{banner}\nRequest {}\n  runs:    {}\n  in:      {}\n  target:  {}\n  rule:    {} ({})\n  why:     {}\n  expires: {}\n",
        r.id,
        sanitize(&r.command_line()),
        sanitize(&r.cwd_text()),
        sanitize(&r.target_summary()),
        r.rule,
        r.severity,
        r.reason,
        r.expires_at
    ))?;
    if let Some(notes) = r.target.get("notes").and_then(|n| n.as_array()) {
        for n in notes.iter().filter_map(|n| n.as_str()) {
            tty.say(&format!("  note:    {}\n", sanitize(n)))?;
        }
    }
    Ok(())
}

fn entry_of(r: &PendingRequest, detail: Option<String>) -> audit::Entry {
    audit::Entry {
        request: Some(r.id.clone()),
        rule: Some(r.rule.clone()),
        program: r.program.clone(),
        argv: r.argv.iter().map(|a| OsString::from(a.as_str().unwrap_or("?"))).collect(),
        cwd: Some(OsString::from(r.cwd_text())),
        target: Some(r.target_summary()),
        fingerprint: Some(r.fingerprint.clone()),
        detail,
    }
}

fn audit_request(state: &StateDir, kind: EventKind, r: &PendingRequest, detail: Option<String>) {
    let _ = audit::append(state, kind, &entry_of(r, detail));
}
