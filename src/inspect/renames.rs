//! Guarded programs copied or linked under a new name earlier in the same shell
//! string (threats.md A1): `cp /bin/rm /tmp/x && /tmp/x -rf /srv` runs `rm`.
//!
//! Within one string guard sees both steps, so the new name stays guarded. Names are
//! compared by basename (`x`, `./x` and `/tmp/x` are one name): over-matching only
//! makes a harmless program judged as the guarded one. A copy whose source is only
//! known at run time (`cp "$(command -v rm)" x`) makes `x` unknown, and a command run
//! under that name is not judged as harmless.

use super::identity;
use super::unwrap::UNKNOWN;
use crate::invocation::program_name;
use crate::operation::Command;
use crate::rules::RuleSet;
use crate::rules::embedded;
use std::ffi::OsStr;

/// Programs that give a file a new name: `PROGRAM [options] SOURCE DEST`.
const COPIERS: &[&str] = &["cp", "ln", "mv", "install", "rsync"];

/// What a name given earlier in the string stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Renamed {
    /// A guarded program under another name.
    Program(String),
    /// A copy of something only known at run time.
    Unknown { source: String },
}

#[derive(Debug, Default)]
pub struct Renames(Vec<(String, Renamed)>);

impl Renames {
    /// What the command name `name` (as written) stands for, if the string renamed it.
    pub fn lookup(&self, name: &str) -> Option<&Renamed> {
        let base = program_name(OsStr::new(name));
        self.0.iter().rev().find(|(n, _)| *n == base).map(|(_, r)| r)
    }

    /// Records the new name a copy or link gives a guarded program. `cmd` is the
    /// command as its pack's grammar read it (so option values are not operands).
    pub fn observe(&mut self, rules: &mut RuleSet, cmd: &Command) {
        if !COPIERS.contains(&cmd.program.as_str()) || cmd.option_in_effect("target-directory") {
            return; // `-t DIR`: sources keep their names
        }
        let [source, dest] = cmd.operands.as_slice() else { return };
        if dest.text.ends_with('/') {
            return; // into a directory: the basename stays
        }
        let new_name = program_name(OsStr::new(&dest.text));
        let renamed = if source.text.starts_with(UNKNOWN) {
            Renamed::Unknown { source: super::unwrap::shown(&source.text).to_string() }
        } else {
            match guarded_name(rules, &program_name(OsStr::new(&source.text))) {
                Some(p) => Renamed::Program(p),
                None => return,
            }
        };
        self.0.push((new_name, renamed));
    }
}

/// The guarded program a file name is, directly or by [`identity`].
fn guarded_name(rules: &mut RuleSet, base: &str) -> Option<String> {
    if embedded::packs_for_program(base).next().is_some() {
        return Some(base.to_string());
    }
    identity::identify(rules, base).filter(|(_, prefix)| prefix.is_empty()).map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(cmds: &[(&str, &[&str])]) -> Renames {
        let mut r = Renames::default();
        let mut rules = RuleSet::default();
        for (p, w) in cmds {
            rules.add_program(p);
            let words: Vec<String> = w.iter().map(|s| s.to_string()).collect();
            let cmd = super::super::command(&rules, p, &words, std::path::Path::new("/w")).unwrap();
            r.observe(&mut rules, &cmd);
        }
        r
    }

    #[test]
    fn copies_and_links_of_guarded_programs_keep_them_guarded() {
        let r = seen(&[
            ("cp", &["/usr/bin/rm", "/tmp/x"]),
            ("ln", &["-sf", "/usr/bin/git", "g"]),
            ("install", &["-m", "0755", "/usr/bin/psql-16", "q"]),
        ]);
        assert_eq!(r.lookup("q"), Some(&Renamed::Program("psql".into())));
        assert_eq!(r.lookup("/tmp/x"), Some(&Renamed::Program("rm".into())));
        assert_eq!(r.lookup("./x"), Some(&Renamed::Program("rm".into())));
        assert_eq!(r.lookup("g"), Some(&Renamed::Program("git".into())));
        assert_eq!(r.lookup("ls"), None);
    }

    #[test]
    fn harmless_copies_and_directories_are_not_renames() {
        let r = seen(&[
            ("cp", &["notes.txt", "x"]),
            ("cp", &["/bin/rm", "/tmp/bin/"]),
            ("cp", &["-t", "/tmp", "/bin/rm"]),
            ("cp", &["/bin/rm", "/bin/git", "/tmp"]),
            ("install", &["-m", "755", "notes", "y"]),
        ]);
        assert_eq!(r.lookup("y"), None);
        assert_eq!(r.lookup("x"), None);
        assert_eq!(r.lookup("tmp"), None);
    }

    #[test]
    fn a_source_known_only_at_run_time_makes_the_name_unknown() {
        let src = format!("{UNKNOWN}\"$(command -v rm)\"");
        let r = seen(&[("cp", &[src.as_str(), "x"])]);
        assert!(matches!(r.lookup("x"), Some(Renamed::Unknown { .. })));
    }
}
