//! `guard hook <harness>`: the pre-execution hooks of agent harnesses.
//!
//! Each harness hands its hook the shell command string the agent is about to run
//! (ecosystem.md part A); guard judges it as `bash -c STRING` in the given cwd and
//! answers in the harness's own format. Every path that is not a clear "allow" ends in
//! the harness's *block*: in Claude Code, Codex and Gemini only exit 2 blocks (any
//! other exit, a crash or a timeout lets the command run), so malformed, empty,
//! oversized or unexpected input, an internal error and even a panic all answer 2.
//!
//! A stop records a pending request like any other; when the person has approved it
//! and the agent retries the same string, the hook uses the grant, allows the string,
//! and leaves passes so the shims let the same commands through (see
//! `confirm::passes`).

mod format;
pub mod init;

use crate::audit::{self, EventKind};
use crate::confirm::passes::{self, PassKey};
use crate::confirm::{grants, pending};
use crate::inspect::Ctx;
use crate::inspect::payload::FixedSources;
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::request::{self, RequestInput};
use crate::rules::RuleSet;
use crate::rules::decide::{Decision, StopKind, decide};
use crate::rules::matcher::RealFs;
use crate::settings::Settings;
use crate::shim::pipeline;
use crate::state::StateDir;
use crate::target::Env;
pub use format::Harness;
use std::io::Read;
use std::path::PathBuf;

/// Hook input larger than this is refused (the harness sends small JSON).
pub const MAX_INPUT: usize = 1 << 20;

/// What the hook tells the harness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Allow,
    /// Use the harness's own prompt (opt-in, system layer only).
    Ask(String),
    Block(String),
}

/// Reads the harness's JSON on stdin, answers on stdout/stderr, returns the exit code.
pub fn run(harness: Harness) -> u8 {
    let mut input = Vec::new();
    let read = std::io::stdin().take(MAX_INPUT as u64 + 1).read_to_end(&mut input);
    let answer = match read {
        Err(e) => Answer::Block(format!("guard could not read the hook input: {e}")),
        Ok(_) if input.len() > MAX_INPUT => Answer::Block("guard refuses hook input larger than 1 MiB".into()),
        Ok(_) => {
            // a panic must still block: a crashed hook lets the command run
            std::panic::catch_unwind(|| judge_input(harness, &input))
                .unwrap_or_else(|_| Answer::Block("guard failed internally while judging this command".into()))
        }
    };
    format::respond(harness, &answer)
}

/// The command and cwd the harness sent.
struct HookInput {
    command: String,
    cwd: PathBuf,
    /// Claude Code's permission mode; decides whether "ask" could be answered without
    /// a person.
    permission_mode: Option<String>,
}

fn judge_input(harness: Harness, input: &[u8]) -> Answer {
    let parsed = match format::parse(harness, input) {
        Ok(p) => p,
        Err(why) => return Answer::Block(format!("guard blocks this call: {why}")),
    };
    match judge(harness, &parsed) {
        Ok(a) => a,
        Err(e) => Answer::Block(format!("guard blocks this call: {e}")),
    }
}

fn judge(harness: Harness, input: &HookInput) -> Result<Answer, crate::error::GuardError> {
    let inv = Invocation::new(vec!["bash".into(), "-c".into(), input.command.clone().into()]);
    let mut rules = pipeline::rules_for("bash", Some(&input.cwd))?;
    let sources = FixedSources::default(); // the harness's stdin is this JSON, not the command's
    let env = Env::process();
    let ctx = Ctx { cwd: &input.cwd, real_binary: None, sources: &sources, env: &env };
    let judgement = pipeline::judge(&mut rules, &inv, &ctx)?;
    let stop = match &judgement.decision {
        Decision::Allow { .. } => return Ok(Answer::Allow),
        Decision::Stop(s) => s,
    };
    let settings = Settings::load_for(&input.cwd)?;
    let mut artifact = request::build(&RequestInput {
        stop,
        inv: &inv,
        ops: &judgement.ops,
        rules: &rules,
        cwd: &input.cwd,
        real_binary: None,
        settings: &settings,
        env: &env,
        payload_sha256: &[],
    });
    let state = StateDir::open().map_err(|e| crate::error::GuardError::Other(e.to_string()))?;
    let audit_err = |e: audit::AuditError| crate::error::GuardError::Other(format!("{e}; nothing was run"));
    if stop.kind == StopKind::Confirm
        && let Some(grant) = grants::consume(&state, &artifact.fingerprint)
            .map_err(|e| crate::error::GuardError::Other(e.to_string()))?
    {
        artifact.id = grant.request.clone();
        leave_passes(&state, &rules, &judgement.ops, &ctx, &settings, &grant.request)?;
        audit::append(&state, EventKind::GrantUsed, &entry(&artifact)).map_err(audit_err)?;
        return Ok(Answer::Allow);
    }
    let kind = if stop.kind == StopKind::Deny { EventKind::Denied } else { EventKind::Stopped };
    if stop.kind == StopKind::Confirm {
        pending::record(&state, &mut artifact).map_err(|e| crate::error::GuardError::Other(e.to_string()))?;
    }
    audit::append(&state, kind, &entry(&artifact)).map_err(audit_err)?;
    let reason = format::reason(&artifact);
    let ask_allowed = settings.harness_ask
        && stop.kind == StopKind::Confirm
        && harness.can_ask()
        && !matches!(input.permission_mode.as_deref(), Some("bypassPermissions" | "dontAsk"));
    if ask_allowed {
        // the harness's own prompt decides; the shims will let these commands through
        leave_passes(&state, &rules, &judgement.ops, &ctx, &settings, &artifact.id)?;
        return Ok(Answer::Ask(reason));
    }
    Ok(Answer::Block(reason))
}

/// For every command of the string that would stop on its own, a pass its shim can use.
fn leave_passes(
    state: &StateDir,
    rules: &RuleSet,
    ops: &[Operation],
    ctx: &Ctx,
    settings: &Settings,
    request: &str,
) -> Result<(), crate::error::GuardError> {
    let mut start = 0;
    for (i, op) in ops.iter().enumerate() {
        let Operation::Command(cmd) = op else { continue };
        let group = &ops[start..=i];
        start = i + 1;
        let Ok(Decision::Stop(stop)) = decide(rules, group, &RealFs) else { continue };
        let (target, _) = crate::target::for_operation(stop.op_index, group, rules, ctx.env, settings);
        let mut rule_ids = vec![stop.rule.clone()];
        rule_ids.extend(stop.also.iter().cloned());
        let key =
            PassKey { program: &cmd.program, rules: rule_ids, target: &target, payloads: &cmd.payloads, cwd: ctx.cwd };
        passes::write(state, &key, request).map_err(|e| crate::error::GuardError::Other(e.to_string()))?;
    }
    Ok(())
}

fn entry(a: &crate::artifact::Artifact) -> audit::Entry {
    audit::Entry {
        request: Some(a.id.clone()),
        rule: Some(a.rule.clone()),
        program: "hook".into(),
        argv: a.argv.iter().map(|b| std::os::unix::ffi::OsStringExt::from_vec(b.0.clone())).collect(),
        cwd: Some(std::os::unix::ffi::OsStringExt::from_vec(a.cwd.0.clone())),
        target: Some(a.target.summary.clone()),
        fingerprint: Some(a.fingerprint.clone()),
        detail: None,
    }
}
