//! Arguments a program takes from its environment rather than its command line.
//!
//! `TF_CLI_ARGS="-auto-approve" terraform apply` is `terraform apply -auto-approve`, and
//! `PULUMI_SKIP_CONFIRMATIONS=1 pulumi up` is `pulumi up --yes`: judged by the command
//! line alone, both would pass as the reviewed command they are not. The variables are
//! read from the environment the command will run with, and the command is judged
//! with the arguments they add.

use super::Ctx;
use crate::operation::{Command, Unjudged};
use crate::rules::RuleSet;

/// The command as the program will see it, or why it cannot be known.
pub fn apply(rules: &RuleSet, cmd: Command, words: &[String], ctx: &Ctx) -> Result<Command, Unjudged> {
    let extended = match cmd.program.as_str() {
        "terraform" => terraform(&cmd, words, ctx)?,
        "pulumi" if truthy(ctx.env.text("PULUMI_SKIP_CONFIRMATIONS")) => Some(appended(words, "--yes")),
        "terragrunt"
            if truthy(ctx.env.text("TG_NON_INTERACTIVE")) || truthy(ctx.env.text("TERRAGRUNT_NON_INTERACTIVE")) =>
        {
            Some(appended(words, "--non-interactive"))
        }
        _ => None,
    };
    Ok(match extended {
        Some(words) => super::command(rules, &cmd.program, &words, ctx.cwd).unwrap_or(cmd),
        None => cmd,
    })
}

/// Terraform inserts `TF_CLI_ARGS`, then `TF_CLI_ARGS_<subcommand>` (words of a nested
/// subcommand joined with `_`), right after the subcommand, split like a shell would.
fn terraform(cmd: &Command, words: &[String], ctx: &Ctx) -> Result<Option<Vec<String>>, Unjudged> {
    if cmd.path.is_empty() {
        return Ok(None);
    }
    let names = ["TF_CLI_ARGS".to_string(), format!("TF_CLI_ARGS_{}", cmd.path.join("_"))];
    let mut inserted = Vec::new();
    for name in names {
        let Some(value) = ctx.env.text(&name) else { continue };
        match shell_words::split(&value) {
            Ok(args) => inserted.extend(args),
            Err(_) => {
                return Err(Unjudged {
                    destination: cmd.program.clone(),
                    reason: format!("{name} cannot be split into arguments"),
                });
            }
        }
    }
    if inserted.is_empty() {
        return Ok(None);
    }
    // subcommand words follow the global options directly (options stop at operands)
    let at = (cmd.globals_end + cmd.path.len()).min(words.len());
    let mut out = words[..at].to_vec();
    out.extend(inserted);
    out.extend(words[at..].iter().cloned());
    Ok(Some(out))
}

fn appended(words: &[String], arg: &str) -> Vec<String> {
    let mut out = words.to_vec();
    out.push(arg.to_string());
    out
}

/// Go's `strconv.ParseBool` true values, which these CLIs use.
fn truthy(value: Option<String>) -> bool {
    matches!(value.as_deref(), Some("1" | "t" | "T" | "true" | "TRUE" | "True"))
}

#[cfg(test)]
mod tests {
    use crate::inspect::payload::FixedSources;
    use crate::inspect::{self, Ctx};
    use crate::invocation::Invocation;
    use crate::rules::RuleSet;
    use crate::rules::decide::{Decision, decide};
    use crate::rules::matcher::NoFiles;
    use crate::target::Env;
    use std::ffi::OsString;
    use std::path::Path;

    fn rule(env: &[(&str, &str)], line: &str) -> String {
        let words: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        let inv = Invocation::new(words);
        let mut rules = RuleSet::for_program(&inv.program);
        let env = Env::fixed(env.iter().map(|(k, v)| (k.to_string(), OsString::from(v))).collect());
        let ctx = Ctx { cwd: Path::new("/"), real_binary: None, sources: &FixedSources::default(), env: &env };
        let ops = inspect::inspect(&mut rules, &inv, &ctx);
        match decide(&rules, &ops, &NoFiles).unwrap() {
            Decision::Allow { .. } => "allow".into(),
            Decision::Stop(s) => s.rule,
        }
    }

    #[test]
    fn tf_cli_args_are_part_of_the_command() {
        assert_eq!(rule(&[], "terraform apply"), "allow");
        assert_eq!(rule(&[("TF_CLI_ARGS", "-auto-approve")], "terraform apply"), "iac.terraform-apply-unreviewed");
        assert_eq!(rule(&[("TF_CLI_ARGS_apply", "-destroy")], "terraform apply"), "iac.terraform-destroy");
        assert_eq!(
            rule(&[("TF_CLI_ARGS_apply", "-input=false -auto-approve")], "terraform -chdir=x apply -var a=b"),
            "iac.terraform-apply-unreviewed"
        );
        // the variable for another command does not apply
        assert_eq!(rule(&[("TF_CLI_ARGS_plan", "-auto-approve")], "terraform apply"), "allow");
        // a saved plan still follows the inserted arguments
        assert_eq!(rule(&[("TF_CLI_ARGS", "-auto-approve")], "terraform apply tfplan"), "allow");
        assert_eq!(rule(&[("TF_CLI_ARGS", "'-auto-approve")], "terraform plan"), "guard.payload-unjudged");
    }

    #[test]
    fn confirmation_skipping_variables_count_as_the_flag() {
        assert_eq!(rule(&[("PULUMI_SKIP_CONFIRMATIONS", "true")], "pulumi up"), "iac.pulumi-up-unreviewed");
        assert_eq!(rule(&[("PULUMI_SKIP_CONFIRMATIONS", "false")], "pulumi up"), "allow");
        assert_eq!(rule(&[("TG_NON_INTERACTIVE", "1")], "terragrunt apply"), "iac.terragrunt-apply-unreviewed");
        assert_eq!(rule(&[], "terragrunt apply"), "allow");
    }
}
