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
use crate::state::StateDir;
use crate::target::Env;
use crate::{audit, confirm, hooks, rules, supervise};
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
        /// Judge a structured tool call `{"tool", "method", "args"}` (an MCP tools/call)
        /// read from FILE, or from stdin when FILE is omitted.
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-", conflicts_with_all = ["argv", "shell"])]
        tool_call: Option<PathBuf>,
        /// The command to judge, after `--`.
        #[arg(last = true, value_name = "ARGV")]
        argv: Vec<OsString>,
    },
    /// Run a command (an agent, a shell) with guard's shims first on its PATH.
    Exec {
        /// Stopped commands wait this many seconds for a person's approval instead of
        /// exiting (a person is notified).
        #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "300")]
        wait: Option<u64>,
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "CMD")]
        argv: Vec<OsString>,
    },
    /// Judge a command an agent harness is about to run (reads the hook JSON on stdin).
    Hook {
        /// claude-code, cursor, codex or gemini.
        harness: String,
    },
    /// Install guard's hook into an agent harness's configuration (or take it out).
    Init {
        /// claude-code, cursor, codex or gemini.
        harness: String,
        /// The configuration of the repository you are in (the default).
        #[arg(long, conflicts_with = "user")]
        project: bool,
        /// Your own configuration for the harness.
        #[arg(long)]
        user: bool,
        /// Restore the configuration as it was before `guard init`.
        #[arg(long)]
        undo: bool,
    },
    /// Check the installation, the hooks, the state directory, and credentials an
    /// agent could reach.
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// List the requests waiting for a person's approval.
    Pending {
        #[arg(long)]
        json: bool,
    },
    /// Approve a stopped request (from your own terminal; asks you to type a word).
    Approve {
        /// The request id; without it, pick one from a list.
        id: Option<String>,
    },
    /// Refuse a stopped request.
    Deny { id: String },
    /// Show the audit log, or verify its hash chain.
    Log {
        #[command(subcommand)]
        command: Option<LogCommand>,
        /// How many recent records to show.
        #[arg(long, short = 'n', default_value_t = 50)]
        limit: usize,
        /// Only records of this request id.
        #[arg(long)]
        request: Option<String>,
        /// Only records of this rule.
        #[arg(long)]
        rule: Option<String>,
        /// Only records of this event (stopped, approved, grant_used, …).
        #[arg(long)]
        event: Option<String>,
        /// Print the records as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Inspect the rule packs.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand, Debug)]
enum LogCommand {
    /// Check the hash chain and the head; names the first bad line.
    Verify,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Check the system, user and project rule and settings files (or the given
    /// files): every problem as `file:line:column: code: message`.
    Lint {
        /// Files to check; without any, every layer that applies here.
        paths: Vec<PathBuf>,
    },
    /// Run every rule's `confirm:` and `allow:` examples (built-in and every layer here).
    Test {
        /// Print every example, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// List packs, the programs they cover, and their rule and example counts.
    List {
        /// As the Markdown table README carries.
        #[arg(long)]
        markdown: bool,
    },
    /// Print every executable name a pack covers, one per line (what install.sh shims).
    Programs,
}

pub fn run(argv: Vec<OsString>) -> Result<u8, GuardError> {
    if argv.get(1).is_some_and(|a| a == "hook") {
        // before clap: a mistyped harness name must block (exit 2), not be a usage error
        return Ok(match argv.get(2).and_then(|h| h.to_str()).and_then(hooks::Harness::from_name) {
            Some(h) if argv.len() == 3 => hooks::run(h),
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "guard hook: name one harness (claude-code, cursor, codex, gemini); blocking"
                );
                crate::exit::HOOK_BLOCK
            }
        });
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() { exit::USAGE } else { 0 });
        }
    };
    match cli.command {
        Command::Check { json, tool_call: Some(source), .. } => check_tool_call(json, &source),
        Command::Check { json, shell, stdin, argv, tool_call: None } => check(json, shell, stdin, argv),
        Command::Init { harness, project: _, user, undo } => {
            let h = hooks::Harness::from_name(&harness).ok_or_else(|| {
                GuardError::Usage(format!("unknown harness `{harness}` (claude-code, cursor, codex, gemini)"))
            })?;
            let scope = if user { hooks::init::Scope::User } else { hooks::init::Scope::Project };
            hooks::init::run(h, scope, undo)
        }
        Command::Doctor { json } => crate::doctor::run(json),
        Command::Exec { wait, argv } => supervise::run(argv, wait.map(|s| std::time::Duration::from_secs(s.min(3600)))),
        Command::Pending { json } => confirm::approve::list(json),
        Command::Hook { harness } => match hooks::Harness::from_name(&harness) {
            Some(h) => Ok(hooks::run(h)),
            None => Err(GuardError::Usage(format!("unknown harness `{harness}` (claude-code, cursor, codex, gemini)"))),
        },
        Command::Approve { id } => confirm::approve::approve(id),
        Command::Deny { id } => confirm::approve::deny(id),
        Command::Log { command: Some(LogCommand::Verify), .. } => log_verify(),
        Command::Log { command: None, limit, request, rule, event, json } => {
            log_show(limit, request, rule, event, json)
        }
        Command::Rules { command: RulesCommand::Test { verbose } } => {
            let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
            rules::examples::run_all(verbose, &cwd)
        }
        Command::Rules { command: RulesCommand::List { markdown } } => rules_list(markdown),
        Command::Rules { command: RulesCommand::Lint { paths } } => rules::lint::run(paths),
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
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    // a broken layer stops guarded commands, but check still judges, to help diagnose
    let loaded = crate::rules::policy::load_all(&cwd);
    for e in loaded.errors.iter() {
        let _ = writeln!(
            std::io::stderr(),
            "guard: warning: {e}; guarded commands do not run until it is fixed (judged without it)"
        );
    }
    let mut rules = RuleSet::with_policy(&inv.program, loaded.policy);
    let real = pipeline::find_real(&inv.argv[0]).ok();
    // the command's stdin is what --stdin names; guard check's own stdin is never read
    let sources = RealSources::with_stdin(stdin.map(|p| payload::read_file(&p)));
    let env = Env::process();
    let ctx = Ctx { cwd: &cwd, real_binary: real.as_deref(), sources: &sources, env: &env };
    let Judgement { ops, decision } = pipeline::judge(&mut rules, &inv, &ctx)?;
    report(json, &inv, &ops, &decision, &rules, &ctx)
}

/// Prints `guard check`'s answer (one JSON object with --json) and returns the exit
/// code for the decision.
fn report(
    json: bool,
    inv: &Invocation,
    ops: &[crate::operation::Operation],
    decision: &Decision,
    rules: &RuleSet,
    ctx: &Ctx,
) -> Result<u8, GuardError> {
    match decision {
        Decision::Allow { concerned, excepted } => {
            if json {
                let out = serde_json::json!({
                    "decision": "allow", "rule": null, "reason": null, "severity": null,
                    "program": inv.program, "argv": inv.argv.iter().map(|a| crate::artifact::Bytes::of(a)).collect::<Vec<_>>(),
                    "concerned": concerned, "excepted": excepted,
                });
                print_stdout(&out.to_string());
            } else {
                print_stdout("allow");
            }
            Ok(0)
        }
        Decision::Stop(stop) => {
            let settings = Settings::load_for(ctx.cwd)?;
            let artifact = request::build(&RequestInput {
                stop,
                inv,
                ops,
                rules,
                cwd: ctx.cwd,
                real_binary: ctx.real_binary,
                settings: &settings,
                env: ctx.env,
                payload_sha256: &ctx.sources.digests(),
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

/// `guard check --tool-call`: a structured call is judged by the rules that name
/// operations (`{"tool": "railway", "method": "volumeDelete"}` is `railway.volumeDelete`).
fn check_tool_call(json: bool, source: &std::path::Path) -> Result<u8, GuardError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let limit = crate::hooks::MAX_INPUT as u64 + 1;
    let read = if source == std::path::Path::new("-") {
        std::io::stdin().take(limit).read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(source).and_then(|f| f.take(limit).read_to_end(&mut bytes)).map(|_| ())
    };
    let rules = RuleSet::all();
    let (call, problem) = match read {
        Err(e) => (None, Some(format!("cannot read the tool call: {e}"))),
        Ok(()) if bytes.len() as u64 >= limit => (None, Some("the tool call is larger than 1 MiB".into())),
        Ok(()) => match crate::toolcall::parse(&bytes) {
            Ok(c) => {
                let known = crate::toolcall::known_tool(&rules, &c.tool);
                (Some(c), (!known).then(|| "no pack describes this tool's operations".to_string()))
            }
            Err(e) => (None, Some(e)),
        },
    };
    let (inv, ops) = crate::toolcall::operations(call.as_ref(), problem);
    let decision = crate::rules::decide::decide(&rules, &ops, &crate::rules::matcher::RealFs)?;
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let sources = RealSources::with_stdin(None);
    let env = Env::process();
    let ctx = Ctx { cwd: &cwd, real_binary: None, sources: &sources, env: &env };
    report(json, &inv, &ops, &decision, &rules, &ctx)
}

fn log_verify() -> Result<u8, GuardError> {
    let state = StateDir::open().map_err(|e| GuardError::Other(e.to_string()))?;
    match audit::verify(&state).map_err(|e| GuardError::Other(e.to_string()))? {
        audit::Verdict::Intact { records } => {
            print_stdout(&format!("audit log intact: {records} records"));
            Ok(0)
        }
        audit::Verdict::Broken { line, problem } => {
            let place = if line == 0 { "the head".to_string() } else { format!("line {line}") };
            print_stdout(&format!("audit log BROKEN at {place}: {problem}"));
            Ok(1)
        }
    }
}

fn log_show(
    limit: usize,
    request: Option<String>,
    rule: Option<String>,
    event: Option<String>,
    json: bool,
) -> Result<u8, GuardError> {
    let state = StateDir::open().map_err(|e| GuardError::Other(e.to_string()))?;
    let all = audit::records(&state).map_err(|e| GuardError::Other(e.to_string()))?;
    let wanted: Vec<&audit::Record> = all
        .iter()
        .filter(|r| {
            request.as_deref().is_none_or(|id| r.request.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(id)))
        })
        .filter(|r| rule.as_deref().is_none_or(|id| r.rule.as_deref().is_some_and(|x| x.split(',').any(|p| p == id))))
        .filter(|r| event.as_deref().is_none_or(|e| serde_json::to_value(r.event).is_ok_and(|v| v == e)))
        .collect();
    let shown = &wanted[wanted.len().saturating_sub(limit)..];
    let mut out = String::new();
    for r in shown {
        if json {
            out.push_str(&serde_json::to_string(r).unwrap_or_default());
        } else {
            let argv: Vec<String> = r
                .argv
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap_or("?").to_string()).collect())
                .unwrap_or_default();
            out.push_str(&format!(
                "{}  {:<17} {:<9} {:<28} {}{}",
                r.time,
                serde_json::to_value(r.event).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                r.request.as_deref().unwrap_or("-"),
                r.rule.as_deref().unwrap_or("-"),
                crate::display::sanitize(&shell_words::join(&argv)),
                r.detail.as_deref().map(|d| format!("  ({})", crate::display::sanitize(d))).unwrap_or_default()
            ));
        }
        out.push('\n');
    }
    print_stdout(out.trim_end());
    Ok(0)
}

/// `guard rules list`: the built-in packs and the layers that apply here, with the
/// system layer's exceptions and what was ignored. `--markdown`: README's table.
fn rules_list(markdown: bool) -> Result<u8, GuardError> {
    if markdown {
        let rows = crate::rules::listing::rows(&RuleSet::all());
        print_stdout(crate::rules::listing::markdown(&rows).trim_end());
        return Ok(0);
    }
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let loaded = crate::rules::policy::load_all(&cwd);
    let mut text = String::new();
    for e in loaded.errors.iter() {
        text.push_str(&format!("# error: {e}\n"));
    }
    for e in loaded.policy.ignored.iter() {
        text.push_str(&format!("# ignored: {e}\n"));
    }
    for e in loaded.policy.exceptions.iter() {
        text.push_str(&format!("# exception: {} at {}: {}\n", e.rule, e.source, e.reason));
    }
    let set = RuleSet::all_with(loaded.policy);
    text.push_str(&crate::rules::listing::tsv(&crate::rules::listing::rows(&set)));
    print_stdout(text.trim_end());
    Ok(if loaded.errors.is_empty() { 0 } else { exit::GUARD_ERROR })
}

pub(crate) fn print_stdout(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}
