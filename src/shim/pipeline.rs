//! The shim's whole flow, top to bottom:
//! rules for the program → real binary → inspect → decide → exec, or stop.
//!
//! Nothing here writes a file or parses YAML on the way to an allowed exec.

use super::exec::{ExecPlan, exec};
use super::resolve;
use crate::error::GuardError;
use crate::inspect::payload::RealSources;
use crate::inspect::{self, Ctx};
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::request::{self, RequestInput};
use crate::rules::RuleSet;
use crate::rules::decide::{Decision, Stop, StopKind, decide};
use crate::rules::matcher::RealFs;
use crate::rules::schema::Severity;
use crate::settings::Settings;
use crate::target::Env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// What guard concluded about one invocation.
pub struct Judgement {
    pub ops: Vec<Operation>,
    pub decision: Decision,
}

/// Shim mode. Returns an exit code only when the command was not exec'd.
pub fn run(argv: Vec<OsString>) -> Result<u8, GuardError> {
    let inv = Invocation::new(argv);
    let mut rules = RuleSet::for_program(&inv.program);
    // search by the basename: argv[0] may be the shim's own path
    let real = resolve::real_binary(
        OsStr::new(&inv.program),
        std::env::var_os("PATH").as_deref(),
        resolve::guard_identity()?,
    )?;
    let cwd = std::env::current_dir();
    let sources = RealSources::default();
    let env = Env::process();
    let ctx =
        Ctx { cwd: cwd.as_deref().unwrap_or(Path::new("")), real_binary: Some(&real), sources: &sources, env: &env };
    let judgement = judge(&mut rules, &inv, &ctx)?;
    match &judgement.decision {
        // the program gets exactly the stdin bytes guard judged, if it read any
        Decision::Allow { .. } => Err(exec(&ExecPlan { path: real, argv: inv.argv, stdin: sources.stdin_read() })),
        Decision::Stop(stop) => {
            let cwd = match &cwd {
                Ok(dir) => dir.as_path(),
                Err(e) => return Err(GuardError::NoCwd(std::io::Error::new(e.kind(), e.to_string()))),
            };
            stopped(stop, &inv, &judgement.ops, &rules, &Ctx { cwd, ..ctx }, &sources.digests())
        }
    }
}

/// Inspect and decide. Shared by the shim, `guard exec` and `guard check`.
pub fn judge(rules: &mut RuleSet, inv: &Invocation, ctx: &Ctx) -> Result<Judgement, GuardError> {
    if inv.oversized() && rules.program(&inv.program).is_some() {
        return Ok(Judgement { ops: Vec::new(), decision: Decision::Stop(oversized()) });
    }
    let ops = inspect::inspect(rules, inv, ctx);
    let decision = decide(rules, &ops, &RealFs)?;
    Ok(Judgement { ops, decision })
}

/// A stopped command: build the request, print the artifact, exit non-zero.
pub fn stopped(
    stop: &Stop,
    inv: &Invocation,
    ops: &[Operation],
    rules: &RuleSet,
    ctx: &Ctx,
    payload_sha256: &[[u8; 32]],
) -> Result<u8, GuardError> {
    let settings = Settings::load()?;
    let artifact = request::build(&RequestInput {
        stop,
        inv,
        ops,
        rules,
        cwd: ctx.cwd,
        real_binary: ctx.real_binary,
        settings: &settings,
        env: ctx.env,
        payload_sha256,
    });
    request::emit(&artifact);
    Ok(request::exit_code(stop))
}

fn oversized() -> Stop {
    Stop {
        kind: StopKind::Confirm,
        rule: "guard.oversized-input".into(),
        reason: "the command line is too large for guard to judge in full, and it never judges only a part".into(),
        severity: Severity::High,
        source: "built in".into(),
        operation: None,
        also: Vec::new(),
        op_index: None,
    }
}

/// Where `real` would be found for `guard check`/`guard exec` (a path is taken as
/// given; a bare name is searched on PATH, skipping guard).
pub fn find_real(program_arg: &OsStr) -> Result<PathBuf, GuardError> {
    resolve::real_binary(program_arg, std::env::var_os("PATH").as_deref(), resolve::guard_identity()?)
}
