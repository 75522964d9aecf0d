//! Turns an invocation into operations.
//!
//! Stages, as ripgrep separates low and high args: [`argv::normalize`] applies the
//! program's grammar with no I/O; then resolution that needs the world (a git alias in
//! git config, a request body in `@body.json`, SQL on stdin) reads through [`Ctx`] and
//! produces the operations rules judge.
//!
//! - [`argv`]: grammar-driven normalization.
//! - [`git`]: aliases and push configuration.
//! - [`http`]: curl, wget, HTTPie, xh → HTTP requests.
//! - [`graphql`]: request bodies → GraphQL operations and their root fields.
//! - [`api`]: HTTP requests and GraphQL documents → named API operations.
//! - [`sql`]: psql, mysql, sqlite3, mongosh, redis-cli → statements that destroy.
//! - [`shell`]: shell command strings → simple commands.
//! - [`payload`]: files and stdin, read bounded.

pub mod api;
pub mod argv;
pub mod git;
pub mod graphql;
pub mod http;
pub mod payload;
pub mod shell;
pub mod sql;

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

/// The operations one invocation performs. A program no pack covers yields none.
pub fn inspect(rules: &RuleSet, inv: &Invocation, ctx: &Ctx) -> Vec<Operation> {
    let Some(cmd) = command(rules, &inv.program, &inv.words, ctx.cwd) else { return Vec::new() };
    let cmd = match cmd.program.as_str() {
        "git" => git::resolve(rules, cmd, &inv.words, ctx),
        _ => cmd,
    };
    let mut ops = payload_operations(rules, &cmd, ctx);
    ops.push(Operation::Command(cmd));
    ops
}

/// What the command sends beyond its argv, judged by the inspector its pack names.
fn payload_operations(rules: &RuleSet, cmd: &Command, ctx: &Ctx) -> Vec<Operation> {
    let Some(inspector) = cmd.inspector.as_deref() else { return Vec::new() };
    match inspector {
        "http" => match http::requests(cmd, ctx) {
            Ok(requests) => requests.into_iter().flat_map(|r| api::from_http(rules, r)).collect(),
            Err(reason) => vec![Operation::Unjudged(Unjudged { destination: cmd.program.clone(), reason })],
        },
        "psql" | "mysql" | "sqlite3" | "mongosh" | "redis-cli" => sql::inspect(inspector, cmd, ctx),
        other => match other.strip_prefix("graphql:") {
            Some(service) => api::from_cli_graphql(service, cmd, ctx),
            None => vec![Operation::Unjudged(Unjudged {
                destination: cmd.program.clone(),
                reason: format!("this guard has no `{other}` inspector"),
            })],
        },
    }
}

/// Normalizes `words` as arguments of `program`, if a loaded pack knows it.
pub fn command(rules: &RuleSet, program: &str, words: &[String], cwd: &Path) -> Option<Command> {
    let (pack, key, root) = rules.program(program)?;
    let mut cmd = argv::normalize(key, root, rules.packs[pack].spec.unknown, words, cwd);
    cmd.pack = pack;
    Some(cmd)
}
