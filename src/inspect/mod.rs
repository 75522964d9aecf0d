//! Turns an invocation into operations.
//!
//! Stages, as ripgrep separates low and high args: [`argv::normalize`] applies the
//! program's grammar with no I/O; then resolution that needs the world (a git alias in
//! git config, a request body in `@body.json`, SQL on stdin) reads through [`Ctx`] and
//! produces the operations rules judge.
//!
//! - [`identity`]: what a program is under another name (`git-push`, `psql-16`).
//! - [`argv`]: grammar-driven normalization.
//! - [`git`]: aliases and push configuration.
//! - [`envargs`]: arguments taken from the environment (`TF_CLI_ARGS`…).
//! - [`http`]: curl, wget, HTTPie, xh → HTTP requests.
//! - [`graphql`]: request bodies → GraphQL operations and their root fields.
//! - [`api`]: HTTP requests and GraphQL documents → named API operations.
//! - [`gh_api`]: `gh api`/`glab api` fields → the GraphQL mutations they send.
//! - [`sql`]: psql, mysql, sqlite3, mongosh, redis-cli → statements that destroy.
//! - [`shell`]: shell command strings → simple commands.
//! - [`payload`]: files and stdin, read bounded.
//! - [`fileref`]: option values naming a file that holds the value (`file://x.json`).
//! - [`unwrap`]: wrappers (`sudo`, `env`, `bash -c`, `ssh host cmd`…) → the command they run.
//! - [`deferred`]: `at`, `crontab`, `tmux send-keys`, `screen` → the commands they store or type.
//! - [`code`]: interpreters (`python -c`, `node -e`, `awk`…) → what their code would do.

pub mod api;
pub mod argv;
pub mod code;
pub mod deferred;
pub mod envargs;
pub mod fileref;
pub mod gh_api;
pub mod git;
pub mod graphql;
pub mod http;
pub mod identity;
pub mod image;
pub mod payload;
pub mod prompt;
pub mod protect;
pub mod renames;
pub mod shell;
pub mod sql;
pub mod unwrap;

use crate::invocation::Invocation;
use crate::operation::{Command, Operation, Unjudged};
use crate::rules::RuleSet;
use crate::target::Env;
use payload::Sources;
use std::path::Path;

/// What inspectors may consult. Nothing else in `inspect` reads the environment or
/// the file system.
pub struct Ctx<'a> {
    pub cwd: &'a Path,
    /// The program guard would run (absent in `guard check` when not installed).
    pub real_binary: Option<&'a Path>,
    pub sources: &'a dyn Sources,
    /// The environment the command will run with.
    pub env: &'a Env,
}

/// How deep wrappers may nest (`sudo env bash -c "timeout 5 …"`) before guard stops
/// looking and asks a person.
pub const MAX_NESTING: usize = 8;

/// The operations one invocation performs. A program no pack covers yields none.
/// Packs for the commands wrappers run are added to `rules` as they are met.
pub fn inspect(rules: &mut RuleSet, inv: &Invocation, ctx: &Ctx) -> Vec<Operation> {
    inspect_argv(rules, &inv.program, &inv.words, ctx, 0)
}

/// The operations of `program` run with `words`, at wrapper nesting `depth`.
pub(crate) fn inspect_argv(
    rules: &mut RuleSet,
    program: &str,
    words: &[String],
    ctx: &Ctx,
    depth: usize,
) -> Vec<Operation> {
    if depth > MAX_NESTING {
        return vec![Operation::Unjudged(Unjudged {
            destination: program.to_string(),
            reason: "commands are nested too deeply to judge".into(),
        })];
    }
    // the real binary is the invoked program's: a command nested in it (`sudo git`,
    // `python -c "os.system('git …')"`) must never run that binary as its own
    let nested = Ctx { real_binary: None, ..*ctx };
    let ctx = if depth > 0 { &nested } else { ctx };
    if let Some(ops) = unwrap::shell_builtin(rules, program, words, ctx, depth) {
        return ops;
    }
    if let Some((known, mut prefix)) = identity::identify(rules, program) {
        prefix.extend(words.iter().cloned());
        return inspect_argv(rules, &known, &prefix, ctx, depth + 1);
    }
    rules.add_program(program);
    if program == crate::GUARD_NAME {
        // guard itself is not a pack's program; only approving from a judged
        // command concerns it
        let cmd = guard_command(words, ctx);
        return protect::check_command(&cmd, ctx).into_iter().collect();
    }
    let Some(cmd) = command(rules, program, words, ctx.cwd) else { return Vec::new() };
    let mut cmd = match cmd.program.as_str() {
        "git" => git::resolve(rules, cmd, words, ctx),
        "terraform" | "pulumi" | "terragrunt" => match envargs::apply(rules, cmd, words, ctx) {
            Ok(cmd) => cmd,
            Err(unjudged) => return vec![Operation::Unjudged(unjudged)],
        },
        _ => cmd,
    };
    let mut ops = fileref::resolve(&mut cmd, ctx);
    ops.extend(payload_operations(rules, &cmd, ctx));
    ops.extend(protect::check_command(&cmd, ctx));
    // an interpreter's words are code and its script's arguments: the code inspector
    // judges what is unknown in them
    if cmd.runs.as_ref().is_none_or(|r| r.code.is_none()) {
        ops.extend(unwrap::unknown_value(&cmd));
    }
    if let Some(runs) = cmd.runs.clone() {
        ops.extend(unwrap::inner(rules, &cmd, &runs, ctx, depth));
    }
    ops.push(Operation::Command(cmd));
    ops
}

/// What the command sends beyond its argv, judged by the inspector its pack names.
fn payload_operations(rules: &RuleSet, cmd: &Command, ctx: &Ctx) -> Vec<Operation> {
    let Some(inspector) = cmd.inspector.as_deref() else { return Vec::new() };
    match inspector {
        "http" => match http::requests_with(rules, cmd, ctx) {
            Ok(requests) => requests.into_iter().flat_map(|r| api::from_http(rules, r)).collect(),
            Err(reason) => vec![Operation::Unjudged(Unjudged { destination: cmd.program.clone(), reason })],
        },
        i if sql::INSPECTORS.contains(&i) => sql::inspect(inspector, cmd, ctx),
        "prompt" => prompt::answered_by_input(cmd, ctx).into_iter().collect(),
        other => match (other.strip_prefix("graphql:"), other.strip_prefix("gh-api:")) {
            (Some(service), _) => api::from_cli_graphql(service, cmd, ctx),
            (None, Some(service)) => gh_api::inspect(service, cmd, ctx),
            (None, None) => vec![Operation::Unjudged(Unjudged {
                destination: cmd.program.clone(),
                reason: format!("this guard has no `{other}` inspector"),
            })],
        },
    }
}

/// `guard …` seen inside a judged command: its words as plain operands.
fn guard_command(words: &[String], ctx: &Ctx) -> Command {
    Command {
        program: crate::GUARD_NAME.into(),
        pack: usize::MAX,
        path: Vec::new(),
        class: crate::rules::schema::Class::Safe,
        operation: None,
        inspector: None,
        runs: None,
        options: Vec::new(),
        operands: words
            .iter()
            .filter(|w| !w.starts_with('-'))
            .map(|w| crate::operation::Operand { text: w.clone(), after_dashdash: false })
            .collect(),
        words: words.to_vec(),
        unknowns: Vec::new(),
        dir: ctx.cwd.to_path_buf(),
        globals_end: 0,
        payloads: Vec::new(),
        file_refs: Vec::new(),
    }
}

/// Normalizes `words` as arguments of `program`, if a loaded pack knows it.
pub fn command(rules: &RuleSet, program: &str, words: &[String], cwd: &Path) -> Option<Command> {
    let (pack, key, root) = rules.program(program)?;
    let mut cmd = argv::normalize(key, root, rules.packs[pack].spec.unknown, words, cwd);
    cmd.pack = pack;
    Some(cmd)
}
