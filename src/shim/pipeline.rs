//! The shim's whole flow, top to bottom:
//! rules for the program → real binary → inspect → decide → exec, or stop.
//!
//! Nothing here writes a file or parses YAML on the way to an allowed exec.

use super::exec::{ExecPlan, exec};
use super::resolve;
use crate::error::GuardError;
use crate::inspect::{self, Resolver};
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::request::{self, RequestInput};
use crate::rules::RuleSet;
use crate::rules::decide::{Decision, Stop, StopKind, decide};
use crate::rules::matcher::RealFs;
use crate::rules::schema::Severity;
use crate::settings::Settings;
use crate::target;
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
    let rules = RuleSet::for_program(&inv.program);
    // search by the basename: argv[0] may be the shim's own path
    let real = resolve::real_binary(
        OsStr::new(&inv.program),
        std::env::var_os("PATH").as_deref(),
        resolve::guard_identity()?,
    )?;
    let cwd = std::env::current_dir();
    let judgement = judge(&rules, &inv, cwd.as_deref().unwrap_or(Path::new("")), Some(&real))?;
    match &judgement.decision {
        Decision::Allow { .. } => Err(exec(&ExecPlan { path: real, argv: inv.argv })),
        Decision::Stop(stop) => {
            let cwd = cwd.map_err(GuardError::NoCwd)?;
            stopped(stop, &inv, &judgement.ops, &rules, &cwd, Some(&real))
        }
    }
}

/// Inspect and decide. Shared by the shim, `guard exec` and `guard check`.
pub fn judge(rules: &RuleSet, inv: &Invocation, cwd: &Path, real: Option<&Path>) -> Result<Judgement, GuardError> {
    if inv.oversized() && rules.program(&inv.program).is_some() {
        return Ok(Judgement { ops: Vec::new(), decision: Decision::Stop(oversized()) });
    }
    let ops = inspect::inspect(rules, inv, cwd, &Resolver { real_binary: real });
    let decision = decide(rules, &ops, &RealFs)?;
    Ok(Judgement { ops, decision })
}

/// A stopped command: build the request, print the artifact, exit non-zero.
pub fn stopped(
    stop: &Stop,
    inv: &Invocation,
    ops: &[Operation],
    rules: &RuleSet,
    cwd: &Path,
    real: Option<&Path>,
) -> Result<u8, GuardError> {
    let settings = Settings::load()?;
    let env = target::snapshot_env();
    let artifact =
        request::build(&RequestInput { stop, inv, ops, rules, cwd, real_binary: real, settings: &settings, env: &env });
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
    }
}

/// Where `real` would be found for `guard check`/`guard exec` (a path is taken as
/// given; a bare name is searched on PATH, skipping guard).
pub fn find_real(program_arg: &OsStr) -> Result<PathBuf, GuardError> {
    resolve::real_binary(program_arg, std::env::var_os("PATH").as_deref(), resolve::guard_identity()?)
}
