//! sqlite3, duckdb and litecli: which SQL and which dot-commands an invocation runs.
//!
//! `sqlite3 [OPTIONS] [DBFILE [SQL…]]`: `-init FILE` runs first, then every
//! `-cmd COMMAND`, then each SQL argument after the database file; without SQL
//! arguments, stdin. `-version` and `-help` run nothing. Each argument and each line
//! of a script may be a dot-command instead of SQL (a line starting with `.` at the
//! start of a statement).
//!
//! The duckdb shell is a fork of sqlite3's and reads the same way, plus `-c COMMAND`
//! and `-s COMMAND` (run, then exit) and `-f FILE` (run the file, then exit); with any
//! of them, or `-no-stdin`, stdin is not read; its `COPY … TO 'file'` writes a local
//! file (an export), so it is not `server-file`. litecli (`litecli [OPTIONS] [DATABASE]`)
//! runs `-e/--execute`, else stdin; besides the dot-commands it has mycli's commands:
//! `system CMD` and `\|`/`\pipe_once` and `\e` (a shell or the editor), `source FILE`
//! and `\. FILE` (followed) and `\f NAME` (a favorite query from its config file).
//!
//! Statements end at `;` outside literals and comments (a `CREATE TRIGGER` body only
//! at `END;`), or at a line holding only `/` or `go`. Dot-commands that matter:
//! `.shell`/`.system` (and their abbreviations), `.load` (native code), `.read FILE`
//! (followed; `.read |cmd` runs a shell), `.output|.once|.import` with `|cmd`, and
//! `.restore` / `.open --new`, which replace the database.

use super::findings::{Findings, MAX_INCLUDE_DEPTH};
use super::kind;
use super::lexer::{Dialect, Opaque, find_byte, opaque_at, tokens};
use super::statements::Judge;
use crate::inspect::Ctx;
use crate::operation::Command;
use std::path::PathBuf;

/// Which of the sqlite3-like shells reads the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sqlite3,
    DuckDb,
    Litecli,
}

pub fn inspect(cmd: &Command, ctx: &Ctx, flavor: Flavor, out: &mut Findings) {
    if ["version", "help"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    let litecli = flavor == Flavor::Litecli;
    if flavor == Flavor::DuckDb {
        // `COPY (…) TO 'out.parquet'` is how duckdb exports: a local file, no server
        out.ignore(&[kind::SERVER_FILE]);
    }
    let mut session = Session { ctx, cwd: cmd.dir.clone(), judge: Judge::new(Dialect::Sqlite), litecli };
    for file in cmd.option_values("init") {
        session.read(file, 0, out);
    }
    for command in cmd.option_values("cmd") {
        if out.argument_text(command) {
            session.run(command, 0, out);
        }
    }
    // duckdb `-c`/`-s`/`-f` and litecli `-e`, in the order given; each ends the session
    let mut ran = false;
    for opt in cmd.options.iter() {
        let Some(value) = opt.value.as_deref() else { continue };
        match (flavor, opt.name.as_str()) {
            (Flavor::DuckDb, "c" | "s") | (Flavor::Litecli, "execute") => {
                if out.argument_text(value) {
                    session.run(value, 0, out);
                }
            }
            (Flavor::DuckDb, "f") => session.read(value, 0, out),
            _ => continue,
        }
        ran = true;
    }
    let operands = operands(cmd);
    // litecli takes the database only
    let sql_args = if litecli { &[] } else { operands.get(1..).unwrap_or(&[]) };
    for sql in sql_args {
        if out.argument_text(sql) {
            session.run(sql, 0, out);
        }
    }
    if sql_args.is_empty()
        && !ran
        && !cmd.option_in_effect("A")
        && !cmd.option_in_effect("no-stdin")
        && let Some(text) = out.read_stdin(ctx)
    {
        session.run(&text, 0, out);
    }
}

/// The operands: the database file, then SQL. `-lookaside SIZE N` and
/// `-pagecache SIZE N` take two values; the grammar gives them one, so each `N`
/// (the word after the value) is removed here.
pub(super) fn operands(cmd: &Command) -> Vec<String> {
    let mut operands: Vec<String> = cmd.operands.iter().map(|o| o.text.clone()).collect();
    let words = &cmd.words;
    for (i, w) in words.iter().enumerate() {
        let name = w.trim_start_matches('-');
        if w.starts_with('-')
            && (name == "lookaside" || name == "pagecache")
            && let Some(second) = words.get(i + 2)
            && let Some(pos) = operands.iter().position(|o| o == second)
        {
            operands.remove(pos);
        }
    }
    operands
}

struct Session<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
    /// litecli's own commands are read too.
    litecli: bool,
}

/// The statement being read.
#[derive(Default)]
struct Buffer {
    text: String,
    /// The last word outside literals: a trigger body ends at `END;`.
    last_word: String,
    /// Whether the statement is a `CREATE TRIGGER` (read at its first `;`).
    trigger: Option<bool>,
}

impl Session<'_> {
    fn run(&mut self, script: &str, depth: usize, out: &mut Findings) {
        let b = script.as_bytes();
        let mut buf = Buffer::default();
        let mut i = 0;
        while i < b.len() && !out.exhausted() {
            if buf.text.is_empty() {
                // between statements blanks and comments are dropped; a line may be a
                // dot-command or a `#` comment
                if let Some(end) = self.between_statements(script, i, depth, out) {
                    i = end;
                    continue;
                }
            } else if (i == 0 || b[i - 1] == b'\n') && ends_statement(script, i) {
                self.flush(&mut buf, out);
                i = find_byte(b, i, b'\n').unwrap_or(b.len());
                continue;
            }
            if let Some((end, _)) = opaque_at(Dialect::Sqlite, b, i) {
                buf.text.push_str(script.get(i..end).unwrap_or(""));
                i = end;
                continue;
            }
            i = match b[i] {
                b';' => self.semicolon(&mut buf, out, i),
                c if c.is_ascii_alphabetic() || c == b'_' => word(script, i, &mut buf),
                _ => push_char(script, i, &mut buf.text),
            };
        }
        self.flush(&mut buf, out);
    }

    /// Before a statement starts: skips a blank, a comment, a `#` line or a
    /// dot-command (to the end of its line). Returns where the script continues.
    fn between_statements(&mut self, script: &str, i: usize, depth: usize, out: &mut Findings) -> Option<usize> {
        let b = script.as_bytes();
        let line_end = find_byte(b, i, b'\n').unwrap_or(b.len());
        if self.litecli && self.litecli_command(script.get(i..line_end)?, depth, out) {
            return Some(line_end);
        }
        match b[i] {
            c if c.is_ascii_whitespace() => Some(i + 1),
            b'.' => {
                self.dot_command(script.get(i + 1..line_end)?, depth, out);
                Some(line_end)
            }
            b'#' => Some(line_end),
            _ => match opaque_at(Dialect::Sqlite, b, i) {
                Some((end, Opaque::Comment)) => Some(end),
                _ => None,
            },
        }
    }

    fn semicolon(&mut self, buf: &mut Buffer, out: &mut Findings, i: usize) -> usize {
        let trigger = *buf.trigger.get_or_insert_with(|| creates_trigger(&buf.text));
        if trigger && !buf.last_word.eq_ignore_ascii_case("END") {
            buf.text.push(';');
        } else {
            self.flush(buf, out);
        }
        i + 1
    }

    fn flush(&mut self, buf: &mut Buffer, out: &mut Findings) {
        let text = std::mem::take(&mut buf.text);
        *buf = Buffer::default();
        self.judge.statement(&text, out);
    }

    fn dot_command(&mut self, line: &str, depth: usize, out: &mut Findings) {
        let args = dot_args(line);
        let Some(name) = args.first().map(|n| n.to_ascii_lowercase()) else { return };
        let rest = &args[1..];
        let shown = format!(".{line}");
        let plain: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
        let piped = plain.first().is_some_and(|a| a.starts_with('|'));
        if abbreviates(&name, "shell", 2) || abbreviates(&name, "system", 2) || abbreviates(&name, "load", 3) {
            out.add(kind::SHELL_ESCAPE, &shown);
        } else if abbreviates(&name, "read", 3) {
            match rest.first() {
                Some(f) if f.starts_with('|') => out.add(kind::SHELL_ESCAPE, &shown),
                Some(f) => self.read(f, depth + 1, out),
                None => {}
            }
        } else if ["output", "once", "import"].iter().any(|full| abbreviates(&name, full, 1)) && piped {
            out.add(kind::SHELL_ESCAPE, &shown);
        } else if abbreviates(&name, "restore", 3)
            || (name == "open" && rest.iter().any(|a| a == "--new" || a == "-new"))
        {
            out.add(kind::OVERWRITE, &shown);
        }
    }

    /// A litecli command at the start of a statement; true when `line` is one.
    fn litecli_command(&mut self, line: &str, depth: usize, out: &mut Findings) -> bool {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { return false };
        let rest: Vec<&str> = words.collect();
        match first.to_ascii_lowercase().as_str() {
            "system" | "\\!" | "\\|" | "\\pipe_once" | "\\e" | "\\edit" => out.add(kind::SHELL_ESCAPE, line),
            "\\f" if !rest.is_empty() => out.add(kind::DYNAMIC, line),
            "source" | "\\." => {
                if let Some(name) = rest.first().map(|n| n.trim_end_matches(';')).filter(|n| !n.is_empty()) {
                    self.read(name, depth + 1, out);
                }
            }
            _ => return false,
        }
        true
    }

    /// A file run as a script (`-init`, `.read`).
    fn read(&mut self, name: &str, depth: usize, out: &mut Findings) {
        if depth >= MAX_INCLUDE_DEPTH {
            out.unjudged(format!("files read more than {MAX_INCLUDE_DEPTH} deep"));
            return;
        }
        let cwd = self.cwd.clone();
        if let Some(text) = out.read_file(self.ctx, &cwd, name) {
            self.run(&text, depth, out);
        }
    }
}

/// `name` is `full` or an abbreviation of it at least `min` long (sqlite3 accepts
/// unique prefixes of dot-commands; guard reads any prefix as the dangerous one).
fn abbreviates(name: &str, full: &str, min: usize) -> bool {
    name.len() >= min && full.starts_with(name)
}

/// A word outside literals, copied and remembered.
fn word(script: &str, i: usize, buf: &mut Buffer) -> usize {
    let b = script.as_bytes();
    let mut end = i + 1;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] == b'$') {
        end += 1;
    }
    let w = script.get(i..end).unwrap_or("");
    buf.last_word.clear();
    buf.last_word.push_str(w);
    buf.text.push_str(w);
    end
}

/// A line holding only `/` or `go` ends the statement; it is skipped.
fn ends_statement(script: &str, i: usize) -> bool {
    let b = script.as_bytes();
    let line_end = find_byte(b, i, b'\n').unwrap_or(b.len());
    let line = script.get(i..line_end).unwrap_or("").trim();
    line == "/" || line.eq_ignore_ascii_case("go")
}

fn push_char(script: &str, i: usize, buf: &mut String) -> usize {
    match script.get(i..).and_then(|s| s.chars().next()) {
        Some(c) => {
            buf.push(c);
            i + c.len_utf8()
        }
        None => i + 1,
    }
}

/// `CREATE [TEMP|TEMPORARY] TRIGGER`.
fn creates_trigger(text: &str) -> bool {
    let mut words = tokens(Dialect::Sqlite, text).filter_map(|t| t.name().map(str::to_ascii_uppercase));
    if words.next().as_deref() != Some("CREATE") {
        return false;
    }
    words.take(2).any(|w| w == "TRIGGER")
}

/// A dot-command's words: blank-separated, `'…'` taken literally, `"…"` with C
/// escapes, as sqlite3 splits them.
fn dot_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut arg = String::new();
        match first {
            '\'' | '"' => {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        _ if c == first => break,
                        '\\' if first == '"' => arg.extend(chars.next()),
                        _ => arg.push(c),
                    }
                }
            }
            _ => {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    arg.push(c);
                }
            }
        }
        args.push(arg);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};

    fn sqlite(args: &[&str]) -> Run {
        Run::new("sqlite3", args)
    }

    #[test]
    fn sql_arguments_after_the_database() {
        assert_eq!(kinds(&run(sqlite(&["app.db", "DROP TABLE users"]))), ["drop"]);
        assert_eq!(kinds(&run(sqlite(&["-bail", "app.db", "SELECT 1", "DELETE FROM t"]))), ["delete-all"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", "--cmd", "UPDATE t SET a = 1"]))), ["update-all"]);
        assert!(kinds(&run(sqlite(&["app.db", "SELECT 'DROP TABLE x' -- DROP"]))).is_empty());
        // the database file name is not SQL
        assert!(kinds(&run(sqlite(&["drop.db", "SELECT 1"]))).is_empty());
    }

    #[test]
    fn two_value_options_do_not_shift_the_database() {
        assert!(kinds(&run(sqlite(&["-lookaside", "64", "drop", "app.db", "SELECT 1"]))).is_empty());
    }

    #[test]
    fn dot_commands() {
        assert_eq!(kinds(&run(sqlite(&["app.db", ".shell rm -rf ~"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".sys ls"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["-cmd", ".load /tmp/x.so", "app.db"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".output '|mail me'"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".import |curl t"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".read '|gen.sh'"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".restore old.db"]))), ["overwrite"]);
        assert_eq!(kinds(&run(sqlite(&["app.db", ".open --new app.db"]))), ["overwrite"]);
        for harmless in [".tables", ".schema t", ".mode csv", ".output out.csv", ".import data.csv t", ".backup b.db"] {
            assert!(kinds(&run(sqlite(&["app.db", harmless]))).is_empty(), "{harmless}");
        }
    }

    #[test]
    fn scripts_from_stdin_and_read() {
        let r =
            sqlite(&["app.db"]).stdin(".headers on\nSELECT 1;\n.read more.sql\n").file("more.sql", "DROP TABLE t;\n");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = sqlite(&["app.db", "SELECT 1"]).stdin("DROP TABLE t;");
        assert!(kinds(&run(r)).is_empty());
        let r = sqlite(&["-init", "init.sql", "app.db", "SELECT 1"]).file("init.sql", "DELETE FROM t;");
        assert_eq!(kinds(&run(r)), ["delete-all"]);
        let r = sqlite(&["-version"]).stdin("DROP TABLE t;");
        assert!(kinds(&run(r)).is_empty());
    }

    #[test]
    fn triggers_and_terminator_lines() {
        let script = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (1);\nEND;\nSELECT 1;\n";
        assert!(kinds(&run(sqlite(&["app.db"]).stdin(script))).is_empty());
        let script = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM log; END;";
        assert_eq!(kinds(&run(sqlite(&["app.db"]).stdin(script))), ["delete-all"]);
        let script = "DELETE FROM t\ngo\nSELECT 1\n/\n";
        assert_eq!(kinds(&run(sqlite(&["app.db"]).stdin(script))), ["delete-all"]);
    }

    #[test]
    fn a_dot_line_inside_a_statement_is_sql() {
        let script = "SELECT\n.shell x\n;";
        assert_eq!(kinds(&run(sqlite(&["app.db"]).stdin(script))), Vec::<String>::new());
    }
}
