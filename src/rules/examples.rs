//! `guard rules test`: every rule's `confirm:` and `allow:` examples, judged exactly as
//! the shim would judge them (same packs, same decision), against an empty file
//! system so the results are the same on every machine.

use super::RuleSet;
use super::decide::{Decision, decide};
use super::matcher::NoFiles;
use super::validate::shell_split;
use crate::error::GuardError;
use crate::inspect::payload::FixedSources;
use crate::inspect::{self, Ctx};
use crate::invocation::Invocation;
use crate::target::Env;
use std::ffi::OsString;
use std::path::Path;

#[derive(Debug, Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<String>,
    pub lines: Vec<String>,
}

/// Judges one example command line as the shim would.
pub fn judge_example(line: &str) -> Result<Decision, String> {
    let words = shell_split(line).ok_or("not a valid command line")?;
    let inv = Invocation::new(words.into_iter().map(OsString::from).collect());
    let mut rules = RuleSet::for_program(&inv.program);
    let ctx = Ctx {
        cwd: Path::new("/nonexistent/guard-example"),
        real_binary: None,
        sources: &FixedSources::default(),
        env: &Env::fixed(Default::default()),
    };
    let ops = inspect::inspect(&mut rules, &inv, &ctx);
    decide(&rules, &ops, &NoFiles).map_err(|e| e.to_string())
}

pub fn test_all() -> Result<Report, GuardError> {
    let all = RuleSet::all();
    let mut report = Report::default();
    for pack in all.packs.iter() {
        for rule in pack.spec.rules.iter() {
            for (line, want_stop) in rule.confirm.iter().map(|l| (l, true)).chain(rule.allow.iter().map(|l| (l, false)))
            {
                let verdict = match judge_example(line) {
                    Err(e) => Err(format!("cannot judge: {e}")),
                    Ok(decision) => check(&decision, &rule.id, want_stop),
                };
                let label = if want_stop { "confirm" } else { "allow" };
                match verdict {
                    Ok(()) => {
                        report.passed += 1;
                        report.lines.push(format!("ok    {} {label}: {line}", rule.id));
                    }
                    Err(why) => {
                        report.failures.push(format!("{} ({}) {label}: `{line}`: {why}", rule.id, rule.source));
                    }
                }
            }
        }
    }
    Ok(report)
}

/// A confirm example must be stopped with this rule among those that matched; an
/// allow example must be allowed outright (look-alikes must not be stopped by any rule).
fn check(decision: &Decision, rule: &str, want_stop: bool) -> Result<(), String> {
    match (decision, want_stop) {
        (Decision::Stop(s), true) if s.rule == rule || s.also.iter().any(|r| r == rule) => Ok(()),
        (Decision::Stop(s), true) => Err(format!("stopped by {} instead of this rule", s.rule)),
        (Decision::Allow { .. }, true) => Err("allowed".into()),
        (Decision::Allow { .. }, false) => Ok(()),
        (Decision::Stop(s), false) => Err(format!("stopped by {}: {}", s.rule, s.reason)),
    }
}

pub fn run_all(verbose: bool) -> Result<u8, GuardError> {
    let report = test_all()?;
    let mut out = String::new();
    if verbose {
        for l in report.lines.iter() {
            out.push_str(l);
            out.push('\n');
        }
    }
    for f in report.failures.iter() {
        out.push_str(&format!("FAIL  {f}\n"));
    }
    out.push_str(&format!("{} examples passed, {} failed", report.passed, report.failures.len()));
    crate::cli::print_stdout(&out);
    Ok(if report.failures.is_empty() { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_example_holds() {
        let report = super::test_all().unwrap();
        assert!(report.failures.is_empty(), "{}", report.failures.join("\n"));
        assert!(report.passed > 0);
    }
}
