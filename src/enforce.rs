//! What happens after a decision: run, or record the request and stop.
//!
//! - Allowed: runs. If a rule looked at it (a dry run of a force push) or the
//!   settings ask to log every call, an audit record is written first, and if it
//!   cannot be written the command does not run.
//! - Confirm: if a person approved this exact request (a grant for its fingerprint),
//!   the grant is used and the command runs. Otherwise the request is recorded as
//!   pending and audited, optionally waits for a person (wait mode), and the artifact
//!   is printed.
//! - Deny: audited, artifact printed, never runs.
//!
//! `guard check` never comes here: it judges and records nothing.

use crate::artifact::Artifact;
use crate::audit::{self, EventKind};
use crate::confirm::passes::{self, PassKey};
use crate::confirm::{grants, pending, wait};
use crate::error::GuardError;
use crate::inspect::Ctx;
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::request::{self, RequestInput};
use crate::rules::RuleSet;
use crate::rules::decide::{Decision, Stop, StopKind};
use crate::settings::Settings;
use crate::state::StateDir;
use std::time::Duration;

#[must_use]
pub enum Outcome {
    /// Run the real program.
    Run,
    /// Do not run; exit with this code.
    Exit(u8),
}

pub struct Judged<'a> {
    pub inv: &'a Invocation,
    pub ops: &'a [Operation],
    pub decision: &'a Decision,
    pub rules: &'a RuleSet,
    pub ctx: &'a Ctx<'a>,
    pub payload_sha256: &'a [[u8; 32]],
    /// Wait for approval this long instead of exiting (`guard exec --wait`).
    pub wait: Option<Duration>,
}

pub fn enforce(j: &Judged) -> Result<Outcome, GuardError> {
    match j.decision {
        Decision::Allow { concerned, excepted } => {
            let settings_all =
                !concerned.is_empty() || !excepted.is_empty() || Settings::load_for(j.ctx.cwd)?.audit_all_calls;
            if settings_all {
                let state = open_state()?;
                let kind = match (excepted.is_empty(), concerned.is_empty()) {
                    (false, _) => EventKind::AllowedByException,
                    (true, false) => EventKind::AllowedConcerned,
                    (true, true) => EventKind::Allowed,
                };
                let named: Vec<&str> = concerned.iter().chain(excepted.iter()).map(String::as_str).collect();
                let entry = audit::Entry {
                    rule: (!named.is_empty())
                        .then(|| named.iter().map(|n| n.split(' ').next().unwrap_or(n)).collect::<Vec<_>>().join(",")),
                    program: j.inv.program.clone(),
                    argv: j.inv.argv.clone(),
                    cwd: Some(j.ctx.cwd.as_os_str().to_owned()),
                    detail: (!excepted.is_empty()).then(|| excepted.join("; ")),
                    ..Default::default()
                };
                audit::append(&state, kind, &entry).map_err(|e| GuardError::Other(e.to_string()))?;
            }
            Ok(Outcome::Run)
        }
        Decision::Stop(stop) => {
            let settings = Settings::load_for(j.ctx.cwd)?;
            let mut artifact = request::build(&RequestInput {
                stop,
                inv: j.inv,
                ops: j.ops,
                rules: j.rules,
                cwd: j.ctx.cwd,
                real_binary: j.ctx.real_binary,
                settings: &settings,
                env: j.ctx.env,
                payload_sha256: j.payload_sha256,
            });
            let state = open_state()?;
            if stop.kind == StopKind::Deny {
                audit_artifact(&state, EventKind::Denied, &artifact, None)?;
                request::emit(&artifact);
                return Ok(Outcome::Exit(crate::exit::DENIED));
            }
            if let Some(pass) = passes::consume(&state, &pass_key(j, stop, &artifact)).map_err(state_error)? {
                artifact.id = pass.request.clone();
                audit_artifact(
                    &state,
                    EventKind::PassUsed,
                    &artifact,
                    Some("approved for the hook's command string".into()),
                )?;
                return Ok(Outcome::Run);
            }
            if let Some(grant) = grants::consume(&state, &artifact.fingerprint).map_err(state_error)? {
                artifact.id = grant.request.clone();
                audit_artifact(
                    &state,
                    EventKind::GrantUsed,
                    &artifact,
                    Some(format!("approved by {}", grant.approver)),
                )?;
                return Ok(Outcome::Run);
            }
            pending::record(&state, &mut artifact).map_err(state_error)?;
            audit_artifact(&state, EventKind::Stopped, &artifact, None)?;
            if let Some(timeout) = j.wait.or(settings.wait) {
                let got =
                    wait::for_grant(&state, &artifact.fingerprint, &artifact.id, &artifact.target.summary, timeout)
                        .map_err(state_error)?;
                if let Some(grant) = got {
                    audit_artifact(
                        &state,
                        EventKind::GrantUsed,
                        &artifact,
                        Some(format!("approved by {}", grant.approver)),
                    )?;
                    return Ok(Outcome::Run);
                }
            }
            request::emit(&artifact);
            Ok(Outcome::Exit(request::exit_code(stop)))
        }
    }
}

/// The key a hook's approval would have left for this command (see `confirm::passes`).
pub fn pass_key<'a>(j: &'a Judged, stop: &Stop, artifact: &'a Artifact) -> PassKey<'a> {
    let program = stop
        .op_index
        .and_then(|i| j.ops.get(i..))
        .and_then(|rest| rest.iter().find_map(Operation::as_command))
        .map_or(j.inv.program.as_str(), |c| c.program.as_str());
    let mut rules = vec![stop.rule.clone()];
    rules.extend(stop.also.iter().cloned());
    PassKey { program, rules, target: &artifact.target, payloads: j.payload_sha256, cwd: j.ctx.cwd }
}

fn open_state() -> Result<StateDir, GuardError> {
    StateDir::open().map_err(state_error)
}

fn state_error(e: crate::state::StateError) -> GuardError {
    GuardError::Other(format!("{e}; nothing was run"))
}

fn audit_artifact(state: &StateDir, kind: EventKind, a: &Artifact, detail: Option<String>) -> Result<(), GuardError> {
    let entry = audit::Entry {
        request: Some(a.id.clone()),
        rule: Some(a.rule.clone()),
        program: a.program.clone(),
        argv: a.argv.iter().map(|b| std::os::unix::ffi::OsStringExt::from_vec(b.0.clone())).collect(),
        cwd: Some(std::os::unix::ffi::OsStringExt::from_vec(a.cwd.0.clone())),
        target: Some(a.target.summary.clone()),
        fingerprint: Some(a.fingerprint.clone()),
        detail,
    };
    audit::append(state, kind, &entry).map_err(|e| GuardError::Other(format!("{e}; nothing was run")))
}
