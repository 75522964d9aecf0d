//! mysql / mariadb: which SQL and which client commands an invocation runs.
//!
//! Sources: every `--init-command` (run on connect), then every `-e/--execute`;
//! without `-e`, stdin. `--help` and `--version` run nothing.
//!
//! Scripts are split the way the mysql client splits them: `'…'`, `"…"` and
//! `` `…` `` (backslash escapes) and comments (`#`, `-- `, `/* */`) are opaque, but
//! `/*! … */` executable comments are code (the server runs them); statements end at
//! the current delimiter (`DELIMITER //` changes it, for stored-program bodies). At the
//! start of a statement a client command may stand instead of SQL: `source FILE` and
//! `\. FILE` are followed, `system …` and `\! …` run a shell. `\g`/`\G` end a
//! statement anywhere.
//!
//! mycli reads the same options and scripts, and adds its own commands: `\|` and
//! `\pipe_once` (output to a shell command), `\e` (the editor) and `\f NAME` (a
//! favorite query kept in its config file, which guard cannot see).

use super::findings::{Findings, MAX_INCLUDE_DEPTH};
use super::kind;
use super::lexer::{Dialect, Opaque, at, find_byte, opaque_at};
use super::statements::Judge;
use crate::inspect::Ctx;
use crate::operation::Command;
use std::path::PathBuf;

/// Longest delimiter kept (the client itself allows 15).
const MAX_DELIMITER: usize = 16;

pub fn inspect(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    let delimiter = cmd.option_values("delimiter").last().map_or(";", |d| d).to_string();
    let mycli = cmd.program == "mycli";
    let mut session = Session { ctx, cwd: cmd.dir.clone(), judge: Judge::new(Dialect::MySql), delimiter, mycli };
    for sql in ["init-command", "init-command-add"].iter().flat_map(|o| cmd.option_values(o)) {
        if out.argument_text(sql) {
            session.run(sql, 0, out);
        }
    }
    let executes = cmd.option_values("execute");
    for sql in executes.iter() {
        if out.argument_text(sql) {
            session.run(sql, 0, out);
        }
    }
    if executes.is_empty()
        && let Some(text) = out.read_stdin(ctx)
    {
        session.run(&text, 0, out);
    }
}

struct Session<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
    delimiter: String,
    /// mycli's own backslash commands are read too.
    mycli: bool,
}

impl Session<'_> {
    fn run(&mut self, script: &str, depth: usize, out: &mut Findings) {
        let b = script.as_bytes();
        let mut buf = String::new();
        let mut i = 0;
        while i < b.len() && !out.exhausted() {
            // at the start of a statement: blanks are dropped, a client command may stand
            if buf.is_empty() {
                if b[i].is_ascii_whitespace() {
                    i += 1;
                    continue;
                }
                if let Some(end) = self.client_command(script, i, depth, out) {
                    i = end;
                    continue;
                }
            }
            if b[i..].starts_with(self.delimiter.as_bytes()) {
                self.flush(&mut buf, out);
                i += self.delimiter.len();
                continue;
            }
            i = match opaque_at(Dialect::MySql, b, i) {
                // comments are not sent (and would hide a following client command)
                Some((end, Opaque::Comment)) => end,
                Some((end, _)) => {
                    buf.push_str(script.get(i..end).unwrap_or(""));
                    end
                }
                None if b[i] == b'\\' => self.backslash(script, i, &mut buf, depth, out),
                None => push_char(script, i, &mut buf),
            };
        }
        self.flush(&mut buf, out);
    }

    fn flush(&mut self, buf: &mut String, out: &mut Findings) {
        let text = std::mem::take(buf);
        self.judge.statement(&text, out);
    }

    /// A long-form client command at the start of a statement (`delimiter`, `source`,
    /// `system`); returns where the script continues after its line.
    fn client_command(&mut self, script: &str, i: usize, depth: usize, out: &mut Findings) -> Option<usize> {
        let b = script.as_bytes();
        let start = i;
        let word_end = start + b[start..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if word_end == start || !(word_end == b.len() || b[word_end].is_ascii_whitespace()) {
            return None;
        }
        let word = script.get(start..word_end)?.to_ascii_lowercase();
        let line_end = find_byte(b, word_end, b'\n').unwrap_or(b.len());
        let args = script.get(word_end..line_end)?.trim();
        match word.as_str() {
            "delimiter" => self.set_delimiter(args),
            "source" => self.source(args, depth, out),
            "system" => out.add(kind::SHELL_ESCAPE, &format!("system {args}")),
            _ => return None,
        }
        Some(line_end)
    }

    /// `\x` outside quotes: a one-letter client command.
    fn backslash(&mut self, script: &str, i: usize, buf: &mut String, depth: usize, out: &mut Findings) -> usize {
        let b = script.as_bytes();
        let line_end = find_byte(b, i, b'\n').unwrap_or(b.len());
        let args = script.get((i + 2).min(line_end)..line_end).unwrap_or("").trim();
        let rest = script.get(i..line_end).unwrap_or("");
        match at(b, i + 1) {
            b'!' => out.add(kind::SHELL_ESCAPE, &format!("\\! {args}")),
            b'|' | b'e' if self.mycli => out.add(kind::SHELL_ESCAPE, rest),
            b'p' if self.mycli && rest.starts_with("\\pipe_once") => out.add(kind::SHELL_ESCAPE, rest),
            // `\f NAME` runs a favorite; `\f` lists them, `\fs`/`\fd` save and forget
            b'f' if self.mycli => {
                if rest.split_whitespace().next() == Some("\\f") && !args.is_empty() {
                    out.add(kind::DYNAMIC, rest)
                }
            }
            b'.' => self.source(args, depth, out),
            b'd' => self.set_delimiter(args),
            // `\c` clears the buffer; judging it anyway costs nothing but a stop
            b'g' | b'G' | b'c' => {
                self.flush(buf, out);
                return i + 2;
            }
            // commands whose argument is the rest of the line
            b'u' | b'r' | b'T' | b'P' | b'C' | b'R' => {}
            _ => return i + 2,
        }
        line_end
    }

    fn set_delimiter(&mut self, args: &str) {
        let first = args.split_whitespace().next().unwrap_or("");
        let unquoted = first.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if !unquoted.is_empty() && unquoted.len() <= MAX_DELIMITER && !unquoted.contains('\\') {
            self.delimiter = unquoted.to_string();
        }
    }

    /// `source FILE` / `\. FILE`: the file is run as if typed here.
    fn source(&mut self, args: &str, depth: usize, out: &mut Findings) {
        let name = args.strip_suffix(self.delimiter.as_str()).unwrap_or(args).trim();
        if name.is_empty() {
            return;
        }
        if depth >= MAX_INCLUDE_DEPTH {
            out.unjudged(format!("files sourced more than {MAX_INCLUDE_DEPTH} deep"));
            return;
        }
        let cwd = self.cwd.clone();
        if let Some(text) = out.read_file(self.ctx, &cwd, name) {
            self.run(&text, depth + 1, out);
        }
    }
}

/// Appends the character at `i`; returns the index after it.
fn push_char(script: &str, i: usize, buf: &mut String) -> usize {
    match script.get(i..).and_then(|s| s.chars().next()) {
        Some(c) => {
            buf.push(c);
            i + c.len_utf8()
        }
        None => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};

    fn mysql(args: &[&str]) -> Run {
        Run::new("mysql", args)
    }

    #[test]
    fn execute_and_its_spellings() {
        assert_eq!(kinds(&run(mysql(&["-e", "DROP DATABASE shop"]))), ["drop"]);
        assert_eq!(kinds(&run(mysql(&["--execute=TRUNCATE t"]))), ["truncate"]);
        assert_eq!(kinds(&run(mysql(&["--exec", "DELETE FROM t"]))), ["delete-all"]);
        assert_eq!(kinds(&run(mysql(&["-uroot", "-pPW", "-Be", "UPDATE t SET a = 1"]))), ["update-all"]);
        assert_eq!(kinds(&run(Run::new("mariadb", &["shop", "-e", "DELETE FROM t WHERE 1=1"]))), ["delete-all"]);
        assert!(kinds(&run(mysql(&["-e", "DELETE FROM t WHERE id = 5"]))).is_empty());
        assert!(kinds(&run(mysql(&["-e", "SELECT 'DROP TABLE x'; SELECT \"DELETE FROM t\" # DROP"]))).is_empty());
    }

    #[test]
    fn init_command_is_sql_too() {
        assert_eq!(kinds(&run(mysql(&["--init-command=DROP TABLE t", "-e", "SELECT 1"]))), ["drop"]);
    }

    #[test]
    fn executable_comments_are_judged() {
        assert_eq!(kinds(&run(mysql(&["-e", "/*!50000 DROP TABLE x */"]))), ["drop"]);
        assert_eq!(
            kinds(&run(mysql(&["-e", "SELECT 1 /*!40101 , (SELECT 1) */; /*!DELETE FROM t*/"]))),
            ["delete-all"]
        );
        assert!(kinds(&run(mysql(&["-e", "SELECT 1 /* DROP TABLE x */"]))).is_empty());
    }

    #[test]
    fn client_commands() {
        assert_eq!(kinds(&run(mysql(&["-e", "system rm -rf /tmp/x"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(mysql(&["-e", "SELECT 1; \\! ls"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(mysql(&["-e", "DROP TABLE t \\g SELECT 1"]))), ["drop"]);
        assert!(kinds(&run(mysql(&["-e", "SELECT 'system rm -rf /'"]))).is_empty());
        let r = mysql(&["-e", "source setup.sql"]).file("setup.sql", "SELECT 1;\nDROP TABLE users;\n");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = mysql(&[]).stdin("\\. setup.sql\n").file("setup.sql", "TRUNCATE t;");
        assert_eq!(kinds(&run(r)), ["truncate"]);
    }

    #[test]
    fn delimiter_keeps_stored_program_bodies_whole() {
        let script = "DELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM t; END //\nDELIMITER ;\nSELECT 1;\n";
        assert!(kinds(&run(mysql(&[]).stdin(script))).is_empty());
        let script = "delimiter $$\nSELECT 1$$\nDROP TABLE t$$\n";
        assert_eq!(kinds(&run(mysql(&[]).stdin(script))), ["drop"]);
        // an event body runs by itself later
        let script = "DELIMITER //\nCREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t //\n";
        assert_eq!(kinds(&run(mysql(&[]).stdin(script))), ["unparsed"]);
    }

    #[test]
    fn stdin_only_without_execute() {
        assert_eq!(kinds(&run(mysql(&["shop"]).stdin("DROP TABLE t;"))), ["drop"]);
        assert!(kinds(&run(mysql(&["-e", "SELECT 1"]).stdin("DROP TABLE t;"))).is_empty());
        assert!(kinds(&run(mysql(&["--version"]).stdin("DROP TABLE t;"))).is_empty());
    }

    #[test]
    fn a_dump_with_escaped_quotes() {
        let dump = "/*!40101 SET NAMES utf8mb4 */;\nLOCK TABLES `t` WRITE;\n\
                    INSERT INTO `t` VALUES (1,'Don\\'t delete it; ok'),(2,'x');\nUNLOCK TABLES;\n";
        assert!(kinds(&run(mysql(&["shop"]).stdin(dump))).is_empty());
        let dump = "DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (a int);\n";
        assert_eq!(kinds(&run(mysql(&["shop"]).stdin(dump))), ["drop"]);
    }

    #[test]
    fn prepared_statements() {
        assert_eq!(kinds(&run(mysql(&["-e", "PREPARE s FROM 'DROP TABLE t'"]))), ["drop"]);
        assert_eq!(kinds(&run(mysql(&["-e", "SET @q = 'x'; PREPARE s FROM @q; EXECUTE s"]))), ["dynamic", "dynamic"]);
        assert!(kinds(&run(mysql(&["-e", "PREPARE s FROM 'SELECT ?'; EXECUTE s USING @a"]))).is_empty());
    }
}
