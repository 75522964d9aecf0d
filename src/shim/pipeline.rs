//! The shim's whole flow, top to bottom:
//! rules for the program → real binary → inspect → decide → enforce → exec, or stop.
//!
//! Nothing here writes a file or parses YAML on the way to an allowed exec.

use super::exec::{ExecPlan, exec};
use super::resolve;
use crate::enforce::{Judged, Outcome, enforce};
use crate::error::GuardError;
use crate::inspect::payload::RealSources;
use crate::inspect::payload::Sources;
use crate::inspect::{self, Ctx};
use crate::invocation::Invocation;
use crate::operation::Operation;
use crate::rules::RuleSet;
use crate::rules::decide::{Decision, Stop, StopKind, decide};
use crate::rules::matcher::RealFs;
use crate::rules::schema::Severity;
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
    let cwd = std::env::current_dir();
    let mut rules = rules_for(&inv.program, cwd.as_deref().ok())?;
    // search by the basename: argv[0] may be the shim's own path
    let real = resolve::real_binary(
        OsStr::new(&inv.program),
        std::env::var_os("PATH").as_deref(),
        resolve::guard_identity()?,
    )?;
    let sources = RealSources::default();
    let env = Env::process();
    let ctx =
        Ctx { cwd: cwd.as_deref().unwrap_or(Path::new("")), real_binary: Some(&real), sources: &sources, env: &env };
    let judgement = judge(&mut rules, &inv, &ctx)?;
    let cwd = match (&cwd, judgement.decision.stop()) {
        (Ok(dir), _) => dir.as_path(),
        (Err(_), None) => Path::new(""),
        // a stopped request is bound to its directory
        (Err(e), Some(_)) => return Err(GuardError::NoCwd(std::io::Error::new(e.kind(), e.to_string()))),
    };
    let outcome = enforce(&Judged {
        inv: &inv,
        ops: &judgement.ops,
        decision: &judgement.decision,
        rules: &rules,
        ctx: &Ctx { cwd, ..ctx },
        payload_sha256: &sources.digests(),
        wait: wait_from_env(),
    })?;
    match outcome {
        // the program gets exactly the stdin bytes guard judged, if it read any
        Outcome::Run => Err(exec(&ExecPlan { path: real, argv: inv.argv, stdin: sources.stdin_read() })),
        Outcome::Exit(code) => Ok(code),
    }
}

/// The built-in packs for `program` and the system, user and project layers that apply
/// in `cwd` (without a cwd, no project layer can be found). A layer problem is an error:
/// the command does not run.
pub fn rules_for(program: &str, cwd: Option<&Path>) -> Result<RuleSet, GuardError> {
    let policy = crate::rules::policy::load(cwd.unwrap_or(Path::new("/"))).map_err(|mut e| {
        // a problem found after parsing is placed in the file as lint places it
        if !e.is_about_whole_file() {
            let found = crate::rules::lint::locate(&e);
            (e.line, e.column) = (Some(found.line), Some(found.column));
        }
        e
    })?;
    Ok(RuleSet::with_policy(program, policy))
}

/// `guard exec --wait` asks the commands of its session to wait for approval. This is
/// a preference, not a permission: unsetting it only makes a stop exit at once.
pub fn wait_from_env() -> Option<std::time::Duration> {
    let secs: u64 = std::env::var("GUARD_WAIT").ok()?.parse().ok()?;
    (secs > 0).then(|| std::time::Duration::from_secs(secs.min(3600)))
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
