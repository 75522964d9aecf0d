//! Option values that name a file holding the real value.
//!
//! aws reads any parameter from a file when its value is `file://PATH` (text) or
//! `fileb://PATH` (bytes): `--change-batch file://batch.json`, `--cli-input-json
//! file://x.json`. A pack lists such prefixes on a grammar node (`file_refs:`); here
//! each option value that starts with one is replaced by the file's contents, read
//! through [`Sources`] (bounded, hashed into the fingerprint), so rules judge what the
//! program will send. A file guard cannot read for a command that can destroy is
//! unjudged: it needs a person.

use super::Ctx;
use super::payload::Payload;
use crate::operation::{Command, Operation, Unjudged};
use crate::rules::schema::Class;

/// Replaces file-reference option values with the files' contents. Returns the
/// unjudged operations for files that could not be read.
pub fn resolve(cmd: &mut Command, ctx: &Ctx) -> Vec<Operation> {
    if cmd.file_refs.is_empty() {
        return Vec::new();
    }
    let mut unreadable = Vec::new();
    for i in 0..cmd.options.len() {
        let Some(value) = cmd.options[i].value.as_deref() else { continue };
        let Some(name) = cmd.file_refs.iter().find_map(|prefix| value.strip_prefix(prefix.as_str())) else {
            continue;
        };
        match read(cmd, name, ctx) {
            Payload::Bytes(bytes) => cmd.options[i].value = Some(String::from_utf8_lossy(&bytes).into_owned()),
            Payload::Unreadable(reason) => unreadable.push(format!("--{} {value}: {reason}", cmd.options[i].name)),
        }
    }
    if cmd.class != Class::Destroy {
        // a command that only reads loses nothing to a file guard cannot see
        return Vec::new();
    }
    let destination = format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string();
    unreadable
        .into_iter()
        .map(|reason| Operation::Unjudged(Unjudged { destination: destination.clone(), reason }))
        .collect()
}

/// The file `name` as the program would read it: `~/` is the home directory; a path
/// with a variable the program expands itself is not guessed at.
fn read(cmd: &Command, name: &str, ctx: &Ctx) -> Payload {
    if name.contains('$') || name.contains(super::unwrap::UNKNOWN) {
        return Payload::Unreadable("the file name holds a variable only known when the command runs".into());
    }
    if let Some(rest) = name.strip_prefix("~/") {
        return match ctx.env.get("HOME") {
            Some(home) => ctx.sources.file(&cmd.dir, &format!("{}/{rest}", home.to_string_lossy())),
            None => Payload::Unreadable("the home directory is not known".into()),
        };
    }
    if name.starts_with('~') {
        return Payload::Unreadable("another user's home directory is not read".into());
    }
    ctx.sources.file(&cmd.dir, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::payload::FixedSources;
    use crate::operation::OptionUse;
    use crate::target::Env;
    use std::path::{Path, PathBuf};

    fn cmd(class: Class, values: &[(&str, &str)]) -> Command {
        Command {
            program: "aws".into(),
            pack: 0,
            path: vec!["route53".into(), "change-resource-record-sets".into()],
            class,
            operation: None,
            inspector: None,
            runs: None,
            options: values
                .iter()
                .map(|(n, v)| OptionUse {
                    name: n.to_string(),
                    value: Some(v.to_string()),
                    negated: false,
                    multiple: true,
                    inert: false,
                    prefix: false,
                })
                .collect(),
            operands: vec![],
            words: vec![],
            unknowns: vec![],
            dir: PathBuf::from("/w"),
            globals_end: 0,
            payloads: vec![],
            file_refs: vec!["file://".into(), "fileb://".into()],
        }
    }

    fn run(c: &mut Command) -> Vec<Operation> {
        let sources = FixedSources {
            files: vec![
                ("batch.json".into(), Payload::Bytes(br#"{"Changes":[{"Action":"DELETE"}]}"#.to_vec())),
                ("/home/me/in.yaml".into(), Payload::Bytes(b"ChangeBatch: {}".to_vec())),
                ("big.bin".into(), Payload::Unreadable("big.bin is larger than 8 MiB".into())),
            ],
            stdin: None,
        };
        let mut vars = std::collections::BTreeMap::new();
        vars.insert("HOME".to_string(), std::ffi::OsString::from("/home/me"));
        let env = Env::fixed(vars);
        let ctx = Ctx { cwd: Path::new("/w"), real_binary: None, sources: &sources, env: &env };
        resolve(c, &ctx)
    }

    #[test]
    fn file_values_are_replaced_by_their_contents() {
        let mut c = cmd(
            Class::Destroy,
            &[("change-batch", "file://batch.json"), ("cli-input-yaml", "fileb://~/in.yaml"), ("region", "x")],
        );
        assert!(run(&mut c).is_empty());
        assert_eq!(c.option_values("change-batch"), vec![r#"{"Changes":[{"Action":"DELETE"}]}"#]);
        assert_eq!(c.option_values("cli-input-yaml"), vec!["ChangeBatch: {}"]);
        assert_eq!(c.option_values("region"), vec!["x"]);
    }

    #[test]
    fn unreadable_files_are_unjudged_only_where_the_command_can_destroy() {
        for value in ["file://missing.json", "fileb://big.bin", "file://$DIR/x.json", "file://~other/x"] {
            let mut c = cmd(Class::Destroy, &[("change-batch", value)]);
            let ops = run(&mut c);
            assert!(
                matches!(&ops[..], [Operation::Unjudged(u)] if u.reason.starts_with("--change-batch")),
                "{value}: {ops:?}"
            );
            let mut c = cmd(Class::Safe, &[("filters", value)]);
            assert!(run(&mut c).is_empty(), "{value}");
        }
    }

    #[test]
    fn commands_without_file_refs_read_nothing() {
        let mut c = cmd(Class::Destroy, &[("change-batch", "file://missing.json")]);
        c.file_refs.clear();
        assert!(run(&mut c).is_empty());
        assert_eq!(c.option_values("change-batch"), vec!["file://missing.json"]);
    }
}
