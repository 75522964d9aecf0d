//! Test harness: a command line normalized with the real `sql` pack, run through an
//! inspector against in-memory files, stdin and environment.

use crate::inspect::payload::{Payload, Sources};
use crate::inspect::{self, Ctx};
use crate::operation::Operation;
use crate::rules::RuleSet;
use crate::target::Env;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The working directory of every test command.
pub const CWD: &str = "/work";

/// Files by absolute path (relative names are joined to the directory asked about).
#[derive(Default)]
pub struct TestSources {
    files: Vec<(PathBuf, Payload)>,
    stdin: Option<Payload>,
}

impl Sources for TestSources {
    fn file(&self, dir: &Path, name: &str) -> Payload {
        let path = dir.join(name);
        self.files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, payload)| payload.clone())
            .unwrap_or_else(|| Payload::Unreadable(format!("{}: no such file", path.display())))
    }

    fn stdin(&self) -> Option<Payload> {
        self.stdin.clone()
    }

    fn digests(&self) -> Vec<[u8; 32]> {
        Vec::new()
    }
}

pub struct Run {
    program: String,
    words: Vec<String>,
    sources: TestSources,
    env: BTreeMap<String, OsString>,
}

impl Run {
    pub fn new(program: &str, args: &[&str]) -> Run {
        Run {
            program: program.to_string(),
            words: args.iter().map(|a| a.to_string()).collect(),
            sources: TestSources::default(),
            env: BTreeMap::new(),
        }
    }

    pub fn stdin(mut self, text: &str) -> Run {
        self.sources.stdin = Some(Payload::Bytes(text.as_bytes().to_vec()));
        self
    }

    pub fn stdin_unreadable(mut self, reason: &str) -> Run {
        self.sources.stdin = Some(Payload::Unreadable(reason.to_string()));
        self
    }

    pub fn file(self, name: &str, text: &str) -> Run {
        self.file_bytes(name, text.as_bytes().to_vec())
    }

    pub fn file_bytes(mut self, name: &str, bytes: Vec<u8>) -> Run {
        self.sources.files.push((Path::new(CWD).join(name), Payload::Bytes(bytes)));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Run {
        self.env.insert(name.to_string(), OsString::from(value));
        self
    }

    /// The normalized command (panics if no pack covers the program: a test bug).
    pub fn command(&self) -> crate::operation::Command {
        let rules = RuleSet::for_program(&self.program);
        inspect::command(&rules, &self.program, &self.words, Path::new(CWD)).expect("program covered by a pack")
    }

    pub fn env_map(&self) -> Env {
        Env::fixed(self.env.clone())
    }
}

/// The operations the command's inspector produces.
pub fn run(r: Run) -> Vec<Operation> {
    let cmd = r.command();
    let env = r.env_map();
    let ctx = Ctx { cwd: Path::new(CWD), real_binary: None, sources: &r.sources, env: &env };
    let inspector = cmd.inspector.clone().expect("the program has an inspector");
    super::inspect(&inspector, &cmd, &ctx)
}

/// The kinds found, in order; `unjudged` for payloads that could not be judged.
pub fn kinds(ops: &[Operation]) -> Vec<String> {
    ops.iter()
        .map(|o| match o {
            Operation::Sql(s) => s.kind.clone(),
            Operation::Unjudged(_) => "unjudged".to_string(),
            _ => "other".to_string(),
        })
        .collect()
}
