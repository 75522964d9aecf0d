//! `guard …`: the command line a person (or evaluation tooling) uses.
//!
//! Shim invocations never reach this module, so clap costs nothing on the hot path.

use crate::error::GuardError;
use crate::exit;
use crate::inspect::Ctx;
use crate::inspect::payload::{self, RealSources};
use crate::invocation::Invocation;
use crate::request::{self, RequestInput};
use crate::rules::RuleSet;
use crate::rules::decide::Decision;
use crate::settings::Settings;
use crate::shim::pipeline::{self, Judgement};
use crate::target::Env;
use crate::{rules, supervise};
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "guard",
    version,
    about = "Stops AI coding agents from running irreversible commands without a person's confirmation",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Judge a command without running it; prints the decision.
    Check {
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Judge a whole shell command string instead of an argv.
        #[arg(long, value_name = "STRING", conflicts_with = "argv")]
        shell: Option<String>,
        /// The command's stdin, for programs that read their payload from it.
        #[arg(long, value_name = "FILE")]
        stdin: Option<PathBuf>,
        /// The command to judge, after `--`.
        #[arg(last = true, value_name = "ARGV")]
        argv: Vec<OsString>,
    },
    /// Run a command (an agent, a shell) with guard's shims first on its PATH.
    Exec {
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "CMD")]
        argv: Vec<OsString>,
    },
    /// Inspect the rule packs.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Run every rule's `confirm:` and `allow:` examples.
    Test {
        /// Print every example, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// List packs, the programs they cover, and their rule and example counts.
    List,
    /// Print every executable name a pack covers, one per line (what install.sh shims).
    Programs,
}

pub fn run(argv: Vec<OsString>) -> Result<u8, GuardError> {
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() { exit::USAGE } else { 0 });
        }
    };
    match cli.command {
        Command::Check { json, shell, stdin, argv } => check(json, shell, stdin, argv),
        Command::Exec { argv } => supervise::run(argv),
        Command::Rules { command: RulesCommand::Test { verbose } } => rules::examples::run_all(verbose),
        Command::Rules { command: RulesCommand::List } => rules_list(),
        Command::Rules { command: RulesCommand::Programs } => {
            print_stdout(&rules::embedded::program_names().collect::<Vec<_>>().join("\n"));
            Ok(0)
        }
    }
}

/// `guard check`: judge, never execute, never record. Exit code by decision.
fn check(json: bool, shell: Option<String>, stdin: Option<PathBuf>, argv: Vec<OsString>) -> Result<u8, GuardError> {
    // a shell string is judged as `bash -c STRING`: every simple command in it
    let argv = match shell {
        Some(text) => vec![OsString::from("bash"), OsString::from("-c"), OsString::from(text)],
        None => argv,
    };
    if argv.is_empty() {
        return Err(GuardError::Usage("guard check: give a command after `--`, or --shell 'STRING'".into()));
    }
    let inv = Invocation::new(argv);
    let mut rules = RuleSet::for_program(&inv.program);
    let real = pipeline::find_real(&inv.argv[0]).ok();
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    // the command's stdin is what --stdin names; guard check's own stdin is never read
    let sources = RealSources::with_stdin(stdin.map(|p| payload::read_file(&p)));
    let env = Env::process();
    let ctx = Ctx { cwd: &cwd, real_binary: real.as_deref(), sources: &sources, env: &env };
    let Judgement { ops, decision } = pipeline::judge(&mut rules, &inv, &ctx)?;
    match &decision {
        Decision::Allow { concerned } => {
            if json {
                let out = serde_json::json!({
                    "decision": "allow", "rule": null, "reason": null, "severity": null,
                    "program": inv.program, "argv": inv.argv.iter().map(|a| crate::artifact::Bytes::of(a)).collect::<Vec<_>>(),
                    "concerned": concerned,
                });
                print_stdout(&out.to_string());
            } else {
                print_stdout("allow");
            }
            Ok(0)
        }
        Decision::Stop(stop) => {
            let settings = Settings::load()?;
            let artifact = request::build(&RequestInput {
                stop,
                inv: &inv,
                ops: &ops,
                rules: &rules,
                cwd: &cwd,
                real_binary: real.as_deref(),
                settings: &settings,
                env: &env,
                payload_sha256: &sources.digests(),
            });
            if json {
                #[derive(serde::Serialize)]
                struct CheckStop<'a> {
                    decision: &'a str,
                    #[serde(flatten)]
                    artifact: &'a crate::artifact::Artifact,
                }
                let out = CheckStop { decision: decision.label(), artifact: &artifact };
                print_stdout(&serde_json::to_string(&out).unwrap_or_default());
            } else {
                print_stdout(&crate::artifact::human_line(&artifact));
            }
            Ok(request::exit_code(stop))
        }
    }
}

fn rules_list() -> Result<u8, GuardError> {
    let set = RuleSet::all();
    let mut out = String::from("PACK\tFILE\tPROGRAMS\tRULES\tEXAMPLES\n");
    for p in set.packs.iter() {
        let programs: Vec<String> = p
            .spec
            .programs
            .iter()
            .flat_map(|(name, root)| std::iter::once(name).chain(root.aliases.iter()).map(|n| n.to_string()))
            .collect();
        let examples: usize = p.spec.rules.iter().map(|r| r.confirm.len() + r.allow.len()).sum();
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            p.spec.pack,
            p.file,
            if programs.is_empty() { "-".into() } else { programs.join(",") },
            p.spec.rules.len(),
            examples
        ));
    }
    print_stdout(out.trim_end());
    Ok(0)
}

pub(crate) fn print_stdout(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}
