//! Test support: a command line judged through the real grammar (rules/http.yaml),
//! with fixed files, stdin and environment instead of the machine's.

use crate::inspect::payload::{FixedSources, Payload};
use crate::inspect::{self, Ctx};
use crate::operation::HttpRequest;
use crate::rules::RuleSet;
use crate::target::Env;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

/// Files, stdin and environment variables a test command sees.
#[derive(Default)]
pub(crate) struct World {
    pub files: Vec<(&'static str, &'static [u8])>,
    pub stdin: Option<&'static [u8]>,
    pub env: Vec<(&'static str, &'static str)>,
}

/// The requests `line` sends in `world`.
pub(crate) fn run_in(line: &str, world: &World) -> Result<Vec<HttpRequest>, String> {
    let words = shell_words::split(line).map_err(|e| e.to_string())?;
    let (program, args) = words.split_first().ok_or("empty command line")?;
    let rules = RuleSet::for_program(program);
    let cmd = inspect::command(&rules, program, args, Path::new("/work")).ok_or("no grammar")?;
    let sources = FixedSources {
        files: world.files.iter().map(|(n, b)| (n.to_string(), Payload::Bytes(b.to_vec()))).collect(),
        stdin: world.stdin.map(|b| Payload::Bytes(b.to_vec())),
    };
    let env: BTreeMap<String, OsString> = world.env.iter().map(|(k, v)| (k.to_string(), OsString::from(v))).collect();
    let env = Env::fixed(env);
    let ctx = Ctx { cwd: Path::new("/work"), real_binary: None, sources: &sources, env: &env };
    super::requests_with(&rules, &cmd, &ctx)
}

/// The requests `line` sends with no files, no stdin (a terminal) and no environment.
pub(crate) fn run(line: &str) -> Result<Vec<HttpRequest>, String> {
    run_in(line, &World::default())
}

/// `(method, url)` of each request.
pub(crate) fn methods_and_urls(line: &str) -> Vec<(String, String)> {
    run(line).unwrap_or_else(|e| panic!("{line}: {e}")).into_iter().map(|r| (r.method, r.url)).collect()
}

/// The single request `line` sends in `world`.
pub(crate) fn one_in(line: &str, world: &World) -> HttpRequest {
    let mut all = run_in(line, world).unwrap_or_else(|e| panic!("{line}: {e}"));
    assert_eq!(all.len(), 1, "{line}: {all:?}");
    all.remove(0)
}

/// The single request `line` sends with nothing around it.
pub(crate) fn one(line: &str) -> HttpRequest {
    one_in(line, &World::default())
}

/// The body of a request as text.
pub(crate) fn body_text(request: &HttpRequest) -> String {
    match &request.body {
        Some(Payload::Bytes(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(Payload::Unreadable(reason)) => format!("<unreadable: {reason}>"),
        None => "<none>".into(),
    }
}
