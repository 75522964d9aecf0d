//! clickhouse-client / clickhouse-local, sqlcmd and cqlsh: which statements an
//! invocation sends. These clients have no psql-, mysql- or sqlite3-style meta-commands,
//! so one small splitter serves them all: statements end at `;` outside the dialect's
//! literals and comments, and each client names the lines that are its own commands.
//! Every statement is judged by the shared [`Judge`].
//!
//! - **clickhouse-client**, `clickhouse client`, **clickhouse-local**, `clickhouse
//!   local`: every `-q/--query` and `--queries-file` (`-` is stdin) in order, and any
//!   operand that is not a `clickhouse://` connection string (fail closed: recent
//!   versions take a query there); without them, stdin. Lexed as MySQL (backslash
//!   escapes, `` ` `` identifiers, `#` comments; a `$$` heredoc is read as code, which
//!   can only stop more). `ALTER TABLE … CLEAR COLUMN|INDEX|PROJECTION` (drops a
//!   column's data) and `… REPLACE PARTITION` (overwrites one) count as `alter-drop`;
//!   mutations (`ALTER TABLE … DELETE|UPDATE`) do not parse and are `unparsed`.
//! - **sqlcmd** (ODBC sqlcmd and go-sqlcmd): `-Q`, `-q` and `-i` files (comma-separated
//!   or repeated); go-sqlcmd's `sqlcmd query TEXT`; without `-Q`/`-i`, stdin (after
//!   `-q` too: the session goes on). Lines that are sqlcmd commands: the batch
//!   terminator (`GO`, or `-c`), `:r FILE` (followed), `:!!`/`!!` and `:ed`/`ed` (a
//!   shell or the editor, unless `-X`), `:exit(QUERY)` (the query runs). Lexed as SQLite
//!   (`[ident]`, `''` escapes). T-SQL needs no `;` between statements, so a batch is
//!   also judged from each destroy-capable keyword that can start a statement
//!   (`SELECT 1 DROP TABLE t` drops). `$(var)` is replaced by `-v` values; a statement
//!   that is an unknown variable is `dynamic`. `RESTORE DATABASE` is `overwrite`,
//!   `SHUTDOWN` and `KILL` are `disrupt`, `xp_cmdshell` is `shell-escape`.
//! - **cqlsh**: every `-e/--execute`, the `-f/--file` script; without them, stdin. CQL
//!   is lexed as PostgreSQL (`''`, `"ident"`, `$$…$$`) plus `//` comments. `SOURCE
//!   'file'` is followed; `COPY` (the client reads or writes a local CSV) is not sent
//!   to the server as a statement.

use super::findings::{Findings, MAX_INCLUDE_DEPTH};
use super::kind::{self, stronger};
use super::lexer::{Dialect, Kind, Opaque, find_byte, opaque_at, tokens};
use super::statements::{Judge, has_destroy_word};
use crate::inspect::Ctx;
use crate::operation::Command;
use std::collections::HashMap;
use std::path::PathBuf;

/// One client's reading of a script.
trait Client {
    /// The literal or comment starting at `i`, if one does: where it ends, and what it is.
    fn opaque(&self, b: &[u8], i: usize) -> Option<(usize, Opaque)>;
    /// Whether `line` (a whole line outside literals) is a client command rather than
    /// SQL; `at_start`: no statement text is pending.
    fn is_command(&self, line: &str, at_start: bool) -> bool;
    /// Runs a client command (a statement pending before it was judged already).
    fn command(&mut self, line: &str, depth: usize, out: &mut Findings);
    /// Judges one statement.
    fn statement(&mut self, text: &str, out: &mut Findings);
    /// Files: the reader's context and working directory.
    fn files(&self) -> (&Ctx<'_>, PathBuf);
}

/// Splits `script` into statements and client commands.
fn scan<C: Client>(c: &mut C, script: &str, depth: usize, out: &mut Findings) {
    let b = script.as_bytes();
    let mut buf = String::new();
    let mut i = 0;
    while i < b.len() && !out.exhausted() {
        if i == 0 || b[i - 1] == b'\n' {
            let end = find_byte(b, i, b'\n').unwrap_or(b.len());
            let line = script.get(i..end).unwrap_or("");
            if c.is_command(line, buf.trim().is_empty()) {
                c.statement(&std::mem::take(&mut buf), out);
                c.command(line, depth, out);
                i = end;
                continue;
            }
        }
        match c.opaque(b, i) {
            // a comment is not sent (a blank keeps the words around it apart)
            Some((end, Opaque::Comment)) => {
                buf.push(' ');
                i = end;
                continue;
            }
            Some((end, _)) => {
                buf.push_str(script.get(i..end).unwrap_or(""));
                i = end;
                continue;
            }
            None => {}
        }
        if b[i] == b';' {
            c.statement(&std::mem::take(&mut buf), out);
            i += 1;
            continue;
        }
        let ch = script.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ');
        buf.push(ch);
        i += ch.len_utf8().max(1);
    }
    c.statement(&buf, out);
}

/// A file run as a script (`--queries-file`, `-i`, `:r`, `SOURCE`); `-` is stdin.
fn include<C: Client>(c: &mut C, name: &str, depth: usize, out: &mut Findings) {
    if depth > MAX_INCLUDE_DEPTH {
        out.unjudged(format!("files included more than {MAX_INCLUDE_DEPTH} deep"));
        return;
    }
    let text = {
        let (ctx, cwd) = c.files();
        if name == "-" { out.read_stdin(ctx) } else { out.read_file(ctx, &cwd, name) }
    };
    if let Some(text) = text {
        scan(c, &text, depth, out);
    }
}

/// Text given on the command line.
fn argument<C: Client>(c: &mut C, text: &str, out: &mut Findings) {
    if out.argument_text(text) {
        scan(c, text, 0, out);
    }
}

/// The command's stdin, when it is a script (not a terminal).
fn stdin<C: Client>(c: &mut C, out: &mut Findings) {
    let text = out.read_stdin(c.files().0);
    if let Some(text) = text {
        scan(c, &text, 0, out);
    }
}

/// Judges `text`, reporting the stronger of the judge's kind and `extra`.
fn judge(judge: &mut Judge, text: &str, extra: Option<&'static str>, out: &mut Findings) {
    if out.exhausted() || text.trim().is_empty() || !out.count_statement() {
        return;
    }
    if let Some(k) = stronger(judge.classify(text, out, 0), extra) {
        out.add(k, text);
    }
}

/// The words of `text` outside literals and comments, upper-cased.
fn words(dialect: Dialect, text: &str) -> Vec<String> {
    tokens(dialect, text).filter(|t| t.kind == Kind::Word).map(|t| t.text.to_ascii_uppercase()).collect()
}

fn unquote(s: &str) -> &str {
    let s = s.trim().trim_end_matches(';').trim();
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

// ---------------------------------------------------------------- clickhouse

struct ClickHouse<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
}

pub fn clickhouse(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    let mut c = ClickHouse { ctx, cwd: cmd.dir.clone(), judge: Judge::new(Dialect::MySql) };
    let mut ran = false;
    for opt in cmd.options.iter() {
        let Some(value) = opt.value.as_deref() else { continue };
        match opt.name.as_str() {
            "query" => argument(&mut c, value, out),
            "queries-file" => include(&mut c, value, 0, out),
            _ => continue,
        }
        ran = true;
    }
    for operand in cmd.operands.iter().filter(|o| !o.text.to_ascii_lowercase().starts_with("clickhouse:")) {
        argument(&mut c, &operand.text, out);
        ran = true;
    }
    if !ran {
        stdin(&mut c, out);
    }
}

impl Client for ClickHouse<'_> {
    fn opaque(&self, b: &[u8], i: usize) -> Option<(usize, Opaque)> {
        opaque_at(Dialect::MySql, b, i)
    }

    fn is_command(&self, _line: &str, _at_start: bool) -> bool {
        false
    }

    fn command(&mut self, _line: &str, _depth: usize, _out: &mut Findings) {}

    fn statement(&mut self, text: &str, out: &mut Findings) {
        let w = words(Dialect::MySql, text);
        let alter = w.first().is_some_and(|f| f == "ALTER");
        let clears = alter && w.windows(2).any(|p| p[0] == "CLEAR" || (p[0] == "REPLACE" && p[1] == "PARTITION"));
        judge(&mut self.judge, text, clears.then_some(kind::ALTER_DROP), out);
    }

    fn files(&self) -> (&Ctx<'_>, PathBuf) {
        (self.ctx, self.cwd.clone())
    }
}

// ---------------------------------------------------------------- sqlcmd

/// Keywords that can start a destroying T-SQL statement (no `;` is needed before one).
const TSQL_STARTS: &[&str] =
    &["DROP", "TRUNCATE", "DELETE", "UPDATE", "MERGE", "EXEC", "EXECUTE", "KILL", "SHUTDOWN", "RESTORE"];
/// Words after which such a keyword is part of the statement (`ON DELETE CASCADE`,
/// `GRANT DELETE`, `AFTER UPDATE`, `FOR UPDATE`).
const TSQL_NOT_AFTER: &[&str] =
    &["ON", "AFTER", "BEFORE", "FOR", "OF", "INSTEAD", "GRANT", "DENY", "REVOKE", "WITH", "THEN", ",", "(", "."];

/// Keywords that start a statement and are never part of a destroying one at depth 0:
/// where a segment judged alone ends.
const TSQL_OTHER_STARTS: &[&str] = &["SELECT", "INSERT", "COMMIT", "ROLLBACK", "PRINT", "DECLARE", "USE"];

struct Sqlcmd<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
    /// `:!!` and `:ed` run (not disabled with `-X`).
    commands: bool,
    /// The batch terminator (`GO`, or `-c`).
    terminator: String,
    /// `-v name=value`.
    vars: HashMap<String, String>,
    /// `-x`: `$(…)` is left as written.
    no_substitution: bool,
}

pub fn sqlcmd(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    // ODBC sqlcmd takes several assignments after one `-v`: they are operands here
    let assignments = cmd.option_values("variables").into_iter().chain(cmd.operands.iter().map(|o| o.text.as_str()));
    // go-sqlcmd also takes `-v a=1,b=2`
    let vars = assignments
        .flat_map(|v| v.split(',').filter(|p| p.contains('=')).map(str::to_string).collect::<Vec<_>>())
        .filter_map(|v| v.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), unquote(&v).to_string()))
        .collect();
    let mut c = Sqlcmd {
        ctx,
        cwd: cmd.dir.clone(),
        judge: Judge::new(Dialect::Sqlite),
        commands: !cmd.option_in_effect("disable-cmd-and-warn"),
        terminator: cmd.option_values("batch-terminator").last().map_or("GO", |t| t).to_string(),
        vars,
        no_substitution: cmd.option_in_effect("disable-variable-substitution"),
    };
    // `SQLCMDINI` names a startup script (not with `-X`)
    if c.commands
        && let Some(ini) = ctx.env.text("SQLCMDINI").filter(|f| !f.is_empty())
    {
        include(&mut c, &ini, 0, out);
    }
    let mut ran = false;
    for opt in cmd.options.iter() {
        let Some(value) = opt.value.as_deref() else { continue };
        match opt.name.as_str() {
            "query" => {
                argument(&mut c, value, out);
                ran = true;
            }
            "initial-query" => argument(&mut c, value, out),
            "input-file" => {
                for file in value.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    include(&mut c, file, 0, out);
                }
                ran = true;
            }
            _ => {}
        }
    }
    // go-sqlcmd: `sqlcmd query "TEXT"`
    if cmd.path.first().is_some_and(|p| p == "query") {
        for operand in cmd.operands.iter() {
            argument(&mut c, &operand.text, out);
            ran = true;
        }
    }
    if !ran {
        stdin(&mut c, out);
    }
}

impl Sqlcmd<'_> {
    /// `$(name)` replaced by `-v` values; the second value: an unknown one remains.
    fn substitute(&self, text: &str) -> (String, bool) {
        if self.no_substitution || !text.contains("$(") {
            return (text.to_string(), false);
        }
        let mut result = String::new();
        let mut unknown = false;
        let mut rest = text;
        while let Some(start) = rest.find("$(") {
            result.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find(')') {
                Some(end) => {
                    match self.vars.get(&after[..end].trim().to_ascii_lowercase()) {
                        Some(v) => result.push_str(v),
                        None => {
                            unknown = true;
                            result.push_str(&rest[start..start + 2 + end + 1]);
                        }
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    result.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        result.push_str(rest);
        (result, unknown)
    }
}

impl Client for Sqlcmd<'_> {
    fn opaque(&self, b: &[u8], i: usize) -> Option<(usize, Opaque)> {
        opaque_at(Dialect::Sqlite, b, i)
    }

    fn is_command(&self, line: &str, _at_start: bool) -> bool {
        let t = line.trim();
        let first = t.split_whitespace().next().unwrap_or("");
        let lower = t.to_ascii_lowercase();
        let terminator = first.eq_ignore_ascii_case(&self.terminator)
            && t.split_whitespace().nth(1).is_none_or(|n| n.chars().all(|c| c.is_ascii_digit()));
        let colon = t.starts_with(':') && t[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '!');
        let exit = lower.starts_with("exit") && lower[4..].trim_start().starts_with('(');
        terminator || colon || exit || t.starts_with("!!") || ["ed", "quit", "reset"].contains(&lower.as_str())
    }

    fn command(&mut self, line: &str, depth: usize, out: &mut Findings) {
        let t = line.trim();
        let body = t.strip_prefix(':').unwrap_or(t);
        let name: String = body.chars().take_while(|c| c.is_ascii_alphabetic() || *c == '!').collect();
        let args = body[name.len()..].trim();
        match name.to_ascii_lowercase().as_str() {
            "!!" | "ed" if self.commands => out.add(kind::SHELL_ESCAPE, t),
            "r" => {
                let file = unquote(args).to_string();
                include(self, &file, depth + 1, out);
            }
            "setvar" => {
                let mut words = args.splitn(2, char::is_whitespace);
                if let (Some(name), Some(value)) = (words.next(), words.next()) {
                    self.vars.insert(name.to_ascii_lowercase(), unquote(value).to_string());
                }
            }
            "exit" => {
                let inner = args.trim().strip_prefix('(').and_then(|a| a.rfind(')').map(|e| &a[..e]));
                if let Some(q) = inner {
                    let q = q.to_string();
                    scan(self, &q, depth, out);
                }
            }
            _ => {}
        }
    }

    fn statement(&mut self, text: &str, out: &mut Findings) {
        if text.trim().is_empty() {
            return;
        }
        let (text, unknown_var) = self.substitute(text);
        let w = words(Dialect::Sqlite, &text);
        let mut extra = None;
        if w.iter().any(|x| x == "XP_CMDSHELL") {
            extra = Some(kind::SHELL_ESCAPE);
        }
        match w.first().map(String::as_str) {
            Some("RESTORE") => extra = stronger(extra, Some(kind::OVERWRITE)),
            Some("SHUTDOWN" | "KILL") => extra = stronger(extra, Some(kind::DISRUPT)),
            _ => {}
        }
        if unknown_var && text.trim_start().starts_with("$(") {
            extra = stronger(extra, Some(kind::DYNAMIC));
        }
        if unknown_var && has_destroy_word(Dialect::Sqlite, &text) {
            extra = stronger(extra, Some(kind::UNPARSED));
        }
        // T-SQL runs `SELECT 1 DELETE FROM t` as two statements: judge from each
        // keyword that starts one (not inside a stored routine's body, judged when run)
        let routine = w.first().is_some_and(|f| f == "CREATE" || f == "ALTER")
            && w.iter().take(4).any(|x| ["PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "VIEW"].contains(&x.as_str()));
        // (offset, starts a destroy-capable statement): the segments judged alone run
        // from each start to the next cut
        let mut cuts: Vec<(usize, bool)> = Vec::new();
        // `ALTER TABLE t DROP COLUMN c`: the first DROP belongs to the ALTER
        let mut alter_drop = w.first().is_some_and(|f| f == "ALTER");
        if !routine {
            let mut depth = 0usize;
            let mut prev: Option<String> = None;
            let base = text.as_ptr() as usize;
            for tok in tokens(Dialect::Sqlite, &text) {
                let upper = tok.text.to_ascii_uppercase();
                match tok.text {
                    "(" if tok.kind == Kind::Punct => depth += 1,
                    ")" if tok.kind == Kind::Punct => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if tok.kind == Kind::Word && depth == 0 && prev.is_some() {
                    let at = tok.text.as_ptr() as usize - base;
                    if alter_drop && upper == "DROP" {
                        alter_drop = false;
                    } else if TSQL_STARTS.contains(&upper.as_str())
                        && !prev.as_deref().is_some_and(|p| TSQL_NOT_AFTER.contains(&p))
                    {
                        cuts.push((at, true));
                    } else if TSQL_OTHER_STARTS.contains(&upper.as_str()) {
                        cuts.push((at, false));
                    }
                }
                prev = Some(if tok.kind == Kind::Punct { tok.text.to_string() } else { upper });
            }
        }
        if out.exhausted() || !out.count_statement() {
            return;
        }
        let mut found = stronger(self.judge.classify(&text, out, 0), extra);
        for (n, &(start, destroys)) in cuts.iter().enumerate() {
            let end = cuts.get(n + 1).map_or(text.len(), |c| c.0);
            let Some(segment) = text.get(start..end).filter(|_| destroys) else { continue };
            match segment.split_whitespace().next().map(str::to_ascii_uppercase).as_deref() {
                Some("RESTORE") => found = stronger(found, Some(kind::OVERWRITE)),
                Some("SHUTDOWN" | "KILL") => found = stronger(found, Some(kind::DISRUPT)),
                _ => {}
            }
            found = stronger(found, self.judge.classify(segment, out, 0));
        }
        if let Some(k) = found {
            out.add(k, &text);
        }
    }

    fn files(&self) -> (&Ctx<'_>, PathBuf) {
        (self.ctx, self.cwd.clone())
    }
}

// ---------------------------------------------------------------- cqlsh

struct Cqlsh<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
}

pub fn cqlsh(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    let mut c = Cqlsh { ctx, cwd: cmd.dir.clone(), judge: Judge::new(Dialect::Postgres) };
    let executes = cmd.option_values("execute");
    let files = cmd.option_values("file");
    for e in executes.iter() {
        argument(&mut c, e, out);
    }
    for f in files.iter() {
        include(&mut c, f, 0, out);
    }
    if executes.is_empty() && files.is_empty() {
        stdin(&mut c, out);
    }
}

impl Client for Cqlsh<'_> {
    fn opaque(&self, b: &[u8], i: usize) -> Option<(usize, Opaque)> {
        if b.get(i) == Some(&b'/') && b.get(i + 1) == Some(&b'/') {
            return Some((find_byte(b, i, b'\n').unwrap_or(b.len()), Opaque::Comment));
        }
        opaque_at(Dialect::Postgres, b, i)
    }

    fn is_command(&self, line: &str, at_start: bool) -> bool {
        let first = line.split_whitespace().next().unwrap_or("");
        at_start && (first.eq_ignore_ascii_case("SOURCE") || first.eq_ignore_ascii_case("COPY"))
    }

    fn command(&mut self, line: &str, depth: usize, out: &mut Findings) {
        let mut parts = line.trim().splitn(2, char::is_whitespace);
        let name = parts.next().unwrap_or("");
        if name.eq_ignore_ascii_case("SOURCE") {
            let file = unquote(parts.next().unwrap_or("")).to_string();
            if !file.is_empty() {
                include(self, &file, depth + 1, out);
            }
        }
    }

    fn statement(&mut self, text: &str, out: &mut Findings) {
        judge(&mut self.judge, text, None, out);
    }

    fn files(&self) -> (&Ctx<'_>, PathBuf) {
        (self.ctx, self.cwd.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};

    fn k(program: &str, args: &[&str]) -> Vec<String> {
        kinds(&run(Run::new(program, args)))
    }

    #[test]
    fn clickhouse_queries() {
        assert_eq!(k("clickhouse-client", &["-q", "DROP TABLE t"]), ["drop"]);
        assert_eq!(k("clickhouse-client", &["--query=TRUNCATE TABLE t"]), ["truncate"]);
        assert_eq!(k("clickhouse-client", &["-h", "ch.prod", "--query", "SELECT 1; DROP DATABASE d"]), ["drop"]);
        assert_eq!(k("clickhouse-client", &["-q", "ALTER TABLE t DELETE WHERE 1"]), ["unparsed"]);
        assert_eq!(k("clickhouse-client", &["-q", "ALTER TABLE t CLEAR COLUMN c IN PARTITION 2024"]), ["alter-drop"]);
        assert_eq!(k("clickhouse", &["client", "-q", "DELETE FROM t WHERE 1=1"]), ["delete-all"]);
        assert_eq!(k("clickhouse-local", &["--query", "DROP TABLE t"]), ["drop"]);
        assert_eq!(k("clickhouse", &["local", "-q", "TRUNCATE t"]), ["truncate"]);
        assert!(k("clickhouse-client", &["-q", "SELECT 'DROP TABLE t' -- DROP"]).is_empty());
        assert!(k("clickhouse-client", &["-q", "SYSTEM FLUSH LOGS"]).is_empty());
        assert!(k("clickhouse-client", &["-q", "DELETE FROM t WHERE id = 5"]).is_empty());
        assert!(k("clickhouse-client", &["clickhouse://ch.prod:9000/db", "-q", "SELECT 1"]).is_empty());
        let r = Run::new("clickhouse-client", &["--queries-file", "q.sql"]).file("q.sql", "SELECT 1;\nDROP TABLE t;\n");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = Run::new("clickhouse-client", &[]).stdin("SELECT 1; TRUNCATE t;");
        assert_eq!(kinds(&run(r)), ["truncate"]);
        // with a query, stdin is data for INSERT
        let r = Run::new("clickhouse-client", &["-q", "INSERT INTO t FORMAT CSV"]).stdin("DROP TABLE t");
        assert!(kinds(&run(r)).is_empty());
        assert!(kinds(&run(Run::new("clickhouse-client", &["--help"]).stdin("DROP TABLE t"))).is_empty());
    }

    #[test]
    fn sqlcmd_queries_files_and_commands() {
        assert_eq!(k("sqlcmd", &["-S", "db.prod", "-Q", "DROP TABLE dbo.users"]), ["drop"]);
        assert_eq!(k("sqlcmd", &["-Q", "TRUNCATE TABLE t"]), ["truncate"]);
        assert_eq!(k("sqlcmd", &["-q", "DELETE FROM t"]), ["delete-all"]);
        assert_eq!(k("sqlcmd", &["-Q", "USE shop; SELECT 1\nDROP TABLE t"]), ["drop"]);
        assert_eq!(k("sqlcmd", &["-Q", "SELECT * FROM a DELETE FROM b"]), ["delete-all"]);
        assert_eq!(k("sqlcmd", &["-Q", "RESTORE DATABASE shop FROM DISK = 'x.bak' WITH REPLACE"]), ["overwrite"]);
        assert_eq!(k("sqlcmd", &["-Q", "EXEC xp_cmdshell 'dir'"]), ["shell-escape"]);
        assert_eq!(k("sqlcmd", &["-Q", "EXEC sp_executesql @q"]), ["dynamic"]);
        assert!(k("sqlcmd", &["-Q", "SELECT name FROM sys.tables"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "SELECT 'DROP TABLE t', [delete] FROM t"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "CREATE TABLE c (id int REFERENCES p(id) ON DELETE CASCADE)"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "DELETE FROM t WHERE id = 5"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "CREATE PROCEDURE p AS BEGIN DELETE FROM t WHERE id = 1 END"]).is_empty());
        assert!(k("sqlcmd", &["-?"]).is_empty());
        let script = "SELECT 1\nGO\n:r more.sql\nGO 2\n";
        let r = Run::new("sqlcmd", &["-i", "a.sql"]).file("a.sql", script).file("more.sql", "DROP TABLE t\n");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = Run::new("sqlcmd", &["-i", "a.sql,b.sql"]).file("a.sql", "SELECT 1").file("b.sql", "TRUNCATE TABLE t");
        assert_eq!(kinds(&run(r)), ["truncate"]);
        assert_eq!(kinds(&run(Run::new("sqlcmd", &[]).stdin(":!! del x\nGO\n"))), ["shell-escape"]);
        assert!(kinds(&run(Run::new("sqlcmd", &["-X"]).stdin(":!! del x\nGO\n"))).is_empty());
        assert_eq!(kinds(&run(Run::new("sqlcmd", &[]).stdin(":exit(DELETE FROM t)\n"))), ["delete-all"]);
        assert_eq!(k("sqlcmd", &["-v", "t=users", "-Q", "DELETE FROM $(t)"]), ["delete-all"]);
        assert_eq!(k("sqlcmd", &["-Q", "$(cleanup)"]), ["dynamic"]);
        assert!(k("sqlcmd", &["-Q", "SELECT * FROM t WHERE id = $(id)"]).is_empty());
        assert_eq!(k("sqlcmd", &["query", "DROP TABLE t"]), ["drop"]);
        // -Q ends the session: stdin is not read
        assert!(kinds(&run(Run::new("sqlcmd", &["-Q", "SELECT 1"]).stdin("DROP TABLE t"))).is_empty());
        assert_eq!(kinds(&run(Run::new("sqlcmd", &["-q", "SELECT 1"]).stdin("DROP TABLE t"))), ["drop"]);
    }

    #[test]
    fn cqlsh_statements() {
        assert_eq!(k("cqlsh", &["-e", "DROP KEYSPACE shop"]), ["drop"]);
        assert_eq!(k("cqlsh", &["cass.prod", "9042", "--execute=TRUNCATE shop.users"]), ["truncate"]);
        assert_eq!(k("cqlsh", &["-k", "shop", "-e", "DELETE FROM users"]), ["delete-all"]);
        assert!(k("cqlsh", &["-e", "DELETE FROM users WHERE id = 5"]).is_empty());
        assert!(k("cqlsh", &["-e", "SELECT * FROM users // DROP TABLE users"]).is_empty());
        assert!(k("cqlsh", &["-e", "DESCRIBE KEYSPACES"]).is_empty());
        assert!(k("cqlsh", &["-e", "COPY shop.users TO 'users.csv' WITH HEADER = true"]).is_empty());
        let r = Run::new("cqlsh", &["-f", "a.cql"]).file("a.cql", "SOURCE 'b.cql'\n").file("b.cql", "DROP TABLE t;");
        assert_eq!(kinds(&run(r)), ["drop"]);
        assert_eq!(kinds(&run(Run::new("cqlsh", &[]).stdin("USE shop;\nDROP TABLE users;\n"))), ["drop"]);
        assert!(kinds(&run(Run::new("cqlsh", &["--version"]).stdin("DROP TABLE users;"))).is_empty());
    }
}
