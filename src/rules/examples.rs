//! `guard rules test`: every rule's `confirm:` and `allow:` examples, judged exactly as
//! the shim would judge them (same packs, same decision), against an empty file
//! system so the results are the same on every machine.

use super::RuleSet;
use super::decide::{Decision, decide};
use super::matcher::NoFiles;
use super::policy::Policy;
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

/// Judges one example command line as the shim would, with the built-in packs.
pub fn judge_example(line: &str) -> Result<Decision, String> {
    judge_example_with(line, &Policy::default())
}

/// Judges one example command line as the shim would, with these layers on top.
pub fn judge_example_with(line: &str, policy: &Policy) -> Result<Decision, String> {
    let words = shell_split(line).ok_or("not a valid command line")?;
    let inv = Invocation::new(words.into_iter().map(OsString::from).collect());
    let mut rules = RuleSet::with_policy(&inv.program, policy.clone());
    let ctx = Ctx {
        cwd: Path::new("/nonexistent/guard-example"),
        real_binary: None,
        sources: &FixedSources::default(),
        env: &Env::fixed(Default::default()),
    };
    let ops = inspect::inspect(&mut rules, &inv, &ctx);
    decide(&rules, &ops, &NoFiles).map_err(|e| e.to_string())
}

/// A rule's example that the rule gets wrong.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub rule: String,
    /// `file:line` of the rule.
    pub source: String,
    pub example: String,
    pub why: String,
}

/// Every example of the rules in `packs` (indexes into `set.packs`), judged with the
/// built-in packs and `policy`.
pub fn check_examples(set: &RuleSet, packs: impl Iterator<Item = usize>, policy: &Policy) -> (usize, Vec<Mismatch>) {
    let mut passed = 0;
    let mut mismatches = Vec::new();
    for i in packs {
        for rule in set.packs[i].spec.rules.iter() {
            for (line, want_stop) in rule.confirm.iter().map(|l| (l, true)).chain(rule.allow.iter().map(|l| (l, false)))
            {
                let verdict = match judge_example_with(line, policy) {
                    Err(e) => Err(format!("cannot judge: {e}")),
                    Ok(decision) => check(&decision, &rule.id, want_stop),
                };
                match verdict {
                    Ok(()) => passed += 1,
                    Err(why) => mismatches.push(Mismatch {
                        rule: rule.id.to_string(),
                        source: rule.source.to_string(),
                        example: line.to_string(),
                        why: format!("{} example: {why}", if want_stop { "confirm" } else { "allow" }),
                    }),
                }
            }
        }
    }
    (passed, mismatches)
}

pub fn test_all() -> Result<Report, GuardError> {
    test_all_with(&Policy::default())
}

/// Every example of the built-in packs and of the layers in `policy`.
pub fn test_all_with(policy: &Policy) -> Result<Report, GuardError> {
    let all = RuleSet::all_with(policy.clone());
    let mut report = Report::default();
    for pack in all.packs.iter() {
        for rule in pack.spec.rules.iter() {
            for (line, want_stop) in rule.confirm.iter().map(|l| (l, true)).chain(rule.allow.iter().map(|l| (l, false)))
            {
                let verdict = match judge_example_with(line, policy) {
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

/// `guard rules test`: the built-in packs and the layers that apply in `cwd`.
pub fn run_all(verbose: bool, cwd: &Path) -> Result<u8, GuardError> {
    let loaded = super::policy::load_all(cwd);
    if let Some(e) = loaded.errors.first() {
        return Err(GuardError::Policy(e.clone()));
    }
    let report = test_all_with(&loaded.policy)?;
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
