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
//!   column's data), `… DROP PARTITION|PART|…` and `… REPLACE PARTITION` (overwrites
//!   one) count as `alter-drop`;
//!   mutations (`ALTER TABLE … DELETE|UPDATE`) do not parse and are `unparsed`;
//!   `SYSTEM DROP … CACHE` empties a cache and is harmless.
//! - **sqlcmd** (ODBC sqlcmd and go-sqlcmd): `-Q`, `-q` and `-i` files (comma-separated
//!   or repeated); go-sqlcmd's `sqlcmd query TEXT`; without `-Q`/`-i`, stdin (after
//!   `-q` too: the session goes on). Lines that are sqlcmd commands: the batch
//!   terminator (`GO`, or `-c`), `:r FILE` (followed), `:!!`/`!!` and `:ed`/`ed` (a
//!   shell or the editor, unless `-X`), `:exit(QUERY)` (the query runs). Lexed as SQLite
//!   (`[ident]`, `''` escapes). T-SQL needs no `;` between statements, so a batch is
//!   judged in pieces, cut at each keyword that can start a statement (`SELECT 1 DROP
//!   TABLE t` drops). A statement that names a procedure (`EXEC` is optional) is
//!   `dynamic`, unless it is a read-only system procedure (`sp_who2`, `sp_help`).
//!   `$(var)` is replaced by `-v` and `:setvar` values (and `SQLCMDINI` runs first); a
//!   statement that is an unknown variable is `dynamic`. `RESTORE DATABASE` is `overwrite`,
//!   `SHUTDOWN` and `KILL` are `disrupt`, `xp_cmdshell` is `shell-escape`.
//! - **cqlsh**: every `-e/--execute`, the `-f/--file` script; without them, stdin. CQL
//!   is lexed as PostgreSQL (`''`, `"ident"`, `$$…$$`) plus `//` comments. `SOURCE
//!   'file'` is followed; `COPY` (the client reads or writes a local CSV) and the other
//!   shell commands (`CONSISTENCY`, `TRACING`, `PAGING`…), which end at the line's end,
//!   are not sent to the server. `DELETE`'s column list, `USING TIMESTAMP|TTL` and a
//!   lightweight transaction's `IF …` are removed before judging (the `WHERE` decides).

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
        // `SYSTEM DROP MARK CACHE` (and the other caches) only empties a cache
        if w.len() > 2 && w[0] == "SYSTEM" && w[1] == "DROP" && w.last().is_some_and(|l| l == "CACHE") {
            return;
        }
        let alter = w.first().is_some_and(|f| f == "ALTER");
        // `DROP PARTITION|PART|DETACHED PARTITION…` does not parse as MySQL: said here
        let clears = alter
            && w.windows(2).any(|p| p[0] == "CLEAR" || p[0] == "DROP" || (p[0] == "REPLACE" && p[1] == "PARTITION"));
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

/// Other keywords that start a statement (at depth 0, not after [`TSQL_NOT_AFTER`]).
const TSQL_OTHER_STARTS: &[&str] = &["SELECT", "INSERT", "COMMIT", "ROLLBACK", "PRINT", "DECLARE", "USE"];

/// Words that start a T-SQL statement. A statement starting with any other word calls
/// the procedure it names (`EXEC` is optional for the first statement of a batch).
const TSQL_STATEMENTS: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "CREATE",
    "ALTER",
    "DROP",
    "TRUNCATE",
    "WITH",
    "DECLARE",
    "SET",
    "USE",
    "IF",
    "ELSE",
    "BEGIN",
    "END",
    "COMMIT",
    "ROLLBACK",
    "SAVE",
    "PRINT",
    "EXEC",
    "EXECUTE",
    "GRANT",
    "REVOKE",
    "DENY",
    "BACKUP",
    "RESTORE",
    "DBCC",
    "WHILE",
    "BREAK",
    "CONTINUE",
    "RETURN",
    "RAISERROR",
    "THROW",
    "WAITFOR",
    "OPEN",
    "CLOSE",
    "FETCH",
    "DEALLOCATE",
    "BULK",
    "CHECKPOINT",
    "KILL",
    "SHUTDOWN",
    "RECONFIGURE",
    "GOTO",
    "REVERT",
    "ENABLE",
    "DISABLE",
    "MOVE",
    "GET",
    "SEND",
    "RECEIVE",
    "READTEXT",
    "WRITETEXT",
    "UPDATETEXT",
    "SETUSER",
    "VALUES",
    "TABLE",
];

/// System procedures that only read (`sp_who2`, `sp_help t`): calling one destroys
/// nothing. Any other procedure runs code guard cannot see.
const TSQL_READ_PROCEDURES: &[&str] = &[
    "sp_who",
    "sp_who2",
    "sp_help",
    "sp_helptext",
    "sp_helpdb",
    "sp_helpindex",
    "sp_helpfile",
    "sp_helpuser",
    "sp_helprole",
    "sp_helprotect",
    "sp_helpconstraint",
    "sp_columns",
    "sp_tables",
    "sp_databases",
    "sp_spaceused",
    "sp_lock",
    "sp_server_info",
    "sp_stored_procedures",
    "sp_depends",
    "sp_pkeys",
    "sp_fkeys",
    "sp_statistics",
    "sp_describe_first_result_set",
];

/// A procedure call (`EXEC p …`, or a statement that is a procedure's name): `dynamic`
/// unless it is a read-only system procedure (then `Some(None)`). None: not a call.
fn tsql_procedure_call(text: &str) -> Option<Option<&'static str>> {
    let mut toks = tokens(Dialect::Sqlite, text).peekable();
    let first = toks.next()?;
    let bare = (first.kind == Kind::Word && !TSQL_STATEMENTS.iter().any(|s| first.is_word(s)))
        || first.kind == Kind::QuotedIdent;
    let name_start = if first.is_word("EXEC") || first.is_word("EXECUTE") {
        toks.next()
    } else if bare && !first.text.starts_with('$') {
        Some(first)
    } else {
        return None;
    };
    // `EXEC ('…')`, `EXEC @proc`: code built at run time
    let Some(mut name) = name_start.and_then(|t| t.name()).map(str::to_string) else {
        return Some(Some(kind::DYNAMIC));
    };
    // `sys.sp_who`, `master..sp_help`: the last name part
    while let Some(t) = toks.peek() {
        if t.kind == Kind::Punct && t.text == "." {
            toks.next();
            if let Some(n) = toks.peek().and_then(|t| t.name()) {
                name = n.to_string();
                toks.next();
            }
        } else {
            break;
        }
    }
    let read_only = TSQL_READ_PROCEDURES.iter().any(|p| p.eq_ignore_ascii_case(&name));
    Some(if read_only { None } else { Some(kind::DYNAMIC) })
}

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
        terminator || colon || exit || t.starts_with("!!") || ["ed", "quit", "exit", "reset"].contains(&lower.as_str())
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
                    scan(self, &q, depth + 1, out);
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
        // where a statement may start without a `;` before it
        let mut cuts: Vec<usize> = Vec::new();
        // `ALTER TABLE t DROP COLUMN c`: a DROP right after the table's name is the ALTER's
        let alter = w.first().is_some_and(|f| f == "ALTER");
        let mut in_alter_head = alter;
        let mut head_len = 0usize;
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
                    let part_of_previous = prev.as_deref().is_some_and(|p| TSQL_NOT_AFTER.contains(&p));
                    if in_alter_head && upper == "DROP" {
                        in_alter_head = false;
                    } else if !part_of_previous
                        && (TSQL_STARTS.contains(&upper.as_str()) || TSQL_OTHER_STARTS.contains(&upper.as_str()))
                    {
                        cuts.push(at);
                    }
                }
                // the head so far is ALTER TABLE name[.name…] (then a DROP is the ALTER's)
                let is_name = matches!(tok.kind, Kind::Word | Kind::QuotedIdent);
                in_alter_head &= if head_len < 3 || head_len.is_multiple_of(2) { is_name } else { tok.text == "." };
                head_len += 1;
                prev = Some(if tok.kind == Kind::Punct { tok.text.to_string() } else { upper });
            }
        }
        if out.exhausted() || !out.count_statement() {
            return;
        }
        // judged in pieces: before the first cut, then from each cut to the next
        let mut bounds: Vec<usize> = std::iter::once(0).chain(cuts).collect();
        bounds.push(text.len());
        let mut found = extra;
        for piece in bounds.windows(2).filter_map(|w| text.get(w[0]..w[1])) {
            if piece.trim().is_empty() {
                continue;
            }
            match piece.split_whitespace().next().map(str::to_ascii_uppercase).as_deref() {
                Some("RESTORE") => found = stronger(found, Some(kind::OVERWRITE)),
                Some("SHUTDOWN" | "KILL") => found = stronger(found, Some(kind::DISRUPT)),
                _ => {}
            }
            let mut head = piece.split_whitespace().map(str::to_ascii_uppercase);
            if head.next().as_deref() == Some("UPDATE") && head.next().as_deref() == Some("STATISTICS") {
                continue; // refreshes the optimizer's statistics
            }
            let k = tsql_procedure_call(piece).unwrap_or_else(|| self.judge.classify(piece, out, 0));
            found = stronger(found, k);
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

/// cqlsh's own commands (they end at the line's end): only `SOURCE` matters.
const CQLSH_COMMANDS: &[&str] = &[
    "SOURCE",
    "COPY",
    "CAPTURE",
    "CONSISTENCY",
    "SERIAL",
    "TRACING",
    "PAGING",
    "EXPAND",
    "LOGIN",
    "SHOW",
    "CLEAR",
    "CLS",
    "EXIT",
    "QUIT",
    "HELP",
    "DESCRIBE",
    "DESC",
    "DEBUG",
    "UNICODE",
];

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
        let first = line.split_whitespace().next().unwrap_or("").trim_end_matches(';');
        at_start && CQLSH_COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(first))
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
        judge(&mut self.judge, &cql_as_sql(text), None, out);
    }

    fn files(&self) -> (&Ctx<'_>, PathBuf) {
        (self.ctx, self.cwd.clone())
    }
}

/// A CQL `DELETE`/`UPDATE` in the SQL the judge reads: `DELETE a, b FROM t` (columns)
/// as `DELETE FROM t`, without `USING TIMESTAMP|TTL n` and without a lightweight
/// transaction's trailing `IF EXISTS`/`IF cond` after the `WHERE`. What is removed
/// narrows nothing: the `WHERE` still decides.
fn cql_as_sql(text: &str) -> String {
    let toks: Vec<_> = tokens(Dialect::Postgres, text).collect();
    let first = toks.first().map(|t| t.text.to_ascii_uppercase());
    if !matches!(first.as_deref(), Some("DELETE" | "UPDATE")) {
        return text.to_string();
    }
    let base = text.as_ptr() as usize;
    let offset = |t: &super::lexer::Token| t.text.as_ptr() as usize - base;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut where_seen = false;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match (t.kind, t.text) {
            (Kind::Punct, "(") => depth += 1,
            (Kind::Punct, ")") => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && t.kind == Kind::Word {
            let w = t.text.to_ascii_uppercase();
            if i == 1 && first.as_deref() == Some("DELETE") && w != "FROM" {
                // columns up to FROM
                if let Some(from) = toks.iter().position(|x| x.is_word("FROM")) {
                    cuts.push((offset(t), offset(&toks[from])));
                    i = from;
                    continue;
                }
            }
            if (w == "USING" || (w == "AND" && !where_seen))
                && toks.get(i + 1).is_some_and(|n| n.is_word("TIMESTAMP") || n.is_word("TTL"))
                && let Some(value) = toks.get(i + 2)
            {
                let end = offset(value) + value.text.len();
                cuts.push((offset(t), end.min(text.len())));
                i += 3;
                continue;
            }
            if w == "WHERE" {
                where_seen = true;
            }
            if w == "IF" && where_seen {
                cuts.push((offset(t), text.len()));
                break;
            }
        }
        i += 1;
    }
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in cuts {
        out.push_str(text.get(at..start).unwrap_or(""));
        out.push(' ');
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
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
        assert_eq!(k("clickhouse-client", &["-q", "ALTER TABLE t DROP PARTITION 202401"]), ["alter-drop"]);
        assert_eq!(k("clickhouse-client", &["-q", "ALTER TABLE t DROP DETACHED PART 'all_1_1_0'"]), ["alter-drop"]);
        assert!(k("clickhouse-client", &["-q", "ALTER TABLE t MODIFY COLUMN c UInt64"]).is_empty());
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
        assert!(k("clickhouse-client", &["-q", "SYSTEM DROP MARK CACHE"]).is_empty());
        assert_eq!(k("clickhouse-client", &["-q", "SYSTEM DROP REPLICA 'r' FROM TABLE t"]), ["unparsed"]);
        // settings are options guard does not list; a separate value is judged as a query
        assert_eq!(k("clickhouse-client", &["--max_threads", "4", "-q", "DROP TABLE t"]), ["drop"]);
        assert_eq!(k("clickhouse-client", &["--param_t", "DROP TABLE t"]), ["drop"]);
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
        assert_eq!(k("sqlcmd", &["-Q", "ALTER TABLE dbo.users DROP COLUMN email"]), ["alter-drop"]);
        assert_eq!(k("sqlcmd", &["-Q", "ALTER TABLE t ADD c int\nDROP TABLE u"]), ["drop"]);
        assert_eq!(k("sqlcmd", &["-Q", "SHUTDOWN WITH NOWAIT"]), ["disrupt"]);
        assert_eq!(k("sqlcmd", &["-Q", "IF OBJECT_ID('t') IS NOT NULL DROP TABLE t"]), ["drop"]);
        assert!(k("sqlcmd", &["-Q", "SELECT * FROM t FOR UPDATE"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "BEGIN TRAN DELETE FROM t WHERE id = 1 COMMIT"]).is_empty());
        // procedure calls: EXEC is optional for the first statement of a batch
        assert!(k("sqlcmd", &["-Q", "EXEC sp_who2"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "sp_databases"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "EXEC master..sp_helpdb"]).is_empty());
        assert_eq!(k("sqlcmd", &["-Q", "dbo.purge_orders"]), ["dynamic"]);
        assert_eq!(k("sqlcmd", &["-Q", "[dbo].[purge_orders] 30"]), ["dynamic"]);
        assert_eq!(k("sqlcmd", &["-Q", "EXEC ('DROP TABLE t')"]), ["dynamic"]);
        assert_eq!(k("sqlcmd", &["-Q", "sp_who DROP TABLE t"]), ["drop"]);
        assert!(k("sqlcmd", &["-Q", "SET NOCOUNT ON; PRINT 'x'; SELECT 1"]).is_empty());
        assert!(k("sqlcmd", &["-Q", "UPDATE STATISTICS dbo.orders WITH FULLSCAN"]).is_empty());
        assert!(kinds(&run(Run::new("sqlcmd", &[]).stdin("SELECT 1\nGO\nEXIT\n"))).is_empty());
        // :setvar and SQLCMDINI
        assert_eq!(kinds(&run(Run::new("sqlcmd", &[]).stdin(":setvar q \"DROP TABLE t\"\n$(q)\nGO\n"))), ["drop"]);
        let r =
            Run::new("sqlcmd", &["-Q", "SELECT 1"]).env("SQLCMDINI", "init.sql").file("init.sql", "TRUNCATE TABLE t");
        assert_eq!(kinds(&run(r)), ["truncate"]);
        let r = Run::new("sqlcmd", &["-X", "-Q", "SELECT 1"])
            .env("SQLCMDINI", "init.sql")
            .file("init.sql", "TRUNCATE TABLE t");
        assert!(kinds(&run(r)).is_empty());
        assert_eq!(k("sqlcmd", &["-v", "a=1,t=users", "-Q", "DELETE FROM $(t)"]), ["delete-all"]);
        assert_eq!(kinds(&run(Run::new("sqlcmd", &["-q", "SELECT 1"]).stdin("DROP TABLE t"))), ["drop"]);
    }

    #[test]
    fn pgcli_usql_and_cockroach_read_like_psql() {
        assert_eq!(k("pgcli", &["mydb", "-c", "SELECT 1", "--command=DROP TABLE t"]), ["drop"]);
        assert_eq!(k("pgcli", &["--init-command", "TRUNCATE t", "mydb"]), ["truncate"]);
        assert_eq!(k("pgcli", &["-c", "\\n cleanup", "mydb"]), ["dynamic"]);
        assert!(k("pgcli", &["-c", "\\n+", "mydb"]).is_empty());
        assert!(kinds(&run(Run::new("pgcli", &["-l"]).stdin("DROP TABLE t;"))).is_empty());
        assert_eq!(kinds(&run(Run::new("pgcli", &["mydb"]).stdin("DROP TABLE t;"))), ["drop"]);
        assert_eq!(k("usql", &["pg://localhost/db", "-c", "\\! rm -rf ~"]), ["shell-escape"]);
        assert_eq!(k("usql", &["-o", "|sh", "-c", "SELECT 1", "sq:app.db"]), ["shell-escape"]);
        assert_eq!(k("usql", &["--set", "t=users", "-c", "DROP TABLE :t", "pg://x/y"]), ["drop"]);
        assert_eq!(k("cockroach", &["sql", "--insecure", "-e", "SHOW TABLES", "-e", "DELETE FROM t"]), ["delete-all"]);
        assert_eq!(k("cockroach", &["sql", "--execute=\\| cat x.sql"]), ["shell-escape"]);
        assert_eq!(k("cockroach-sql", &["-e", "DROP DATABASE app CASCADE"]), ["drop"]);
        assert!(k("cockroach", &["sql", "--help"]).is_empty());
        let r = Run::new("cockroach", &["sql", "-f", "m.sql"])
            .file("m.sql", "\\i more.sql\n")
            .file("more.sql", "DROP TABLE t;");
        assert_eq!(kinds(&run(r)), ["drop"]);
    }

    #[test]
    fn mycli_litecli_and_duckdb() {
        assert_eq!(k("mycli", &["shop", "-e", "DROP TABLE t"]), ["drop"]);
        assert_eq!(k("mycli", &["--init-command=TRUNCATE t", "shop"]), ["truncate"]);
        assert_eq!(k("mycli", &["-e", "SELECT 1; \\| sh"]), ["shell-escape"]);
        assert_eq!(k("mycli", &["-e", "\\pipe_once cat"]), ["shell-escape"]);
        assert_eq!(k("mycli", &["-e", "\\f purge"]), ["dynamic"]);
        assert!(k("mycli", &["-e", "\\f"]).is_empty());
        assert!(k("mycli", &["-e", "\\fs purge DELETE FROM t WHERE id = 1"]).is_empty());
        // mysql itself has no \f favorites
        assert!(k("mysql", &["-e", "\\f purge"]).is_empty());
        assert_eq!(kinds(&run(Run::new("mycli", &["shop"]).stdin("DELETE FROM t;"))), ["delete-all"]);
        assert_eq!(k("litecli", &["app.db", "-e", "DELETE FROM t"]), ["delete-all"]);
        assert_eq!(k("litecli", &["-D", "app.db", "--execute", "system rm -rf ~"]), ["shell-escape"]);
        assert_eq!(k("litecli", &["app.db", "-e", ".shell ls"]), ["shell-escape"]);
        let r = Run::new("litecli", &["app.db", "-e", "source s.sql"]).file("s.sql", "DROP TABLE t;");
        assert_eq!(kinds(&run(r)), ["drop"]);
        assert!(k("litecli", &["app.db", "-e", "SELECT 'system'"]).is_empty());
        assert_eq!(kinds(&run(Run::new("litecli", &["app.db"]).stdin("DROP TABLE t;"))), ["drop"]);
        assert_eq!(k("duckdb", &["app.duckdb", "DROP TABLE t"]), ["drop"]);
        assert_eq!(k("duckdb", &["-c", "DROP TABLE t", "app.duckdb"]), ["drop"]);
        assert_eq!(k("duckdb", &["app.duckdb", "-s", "TRUNCATE t"]), ["truncate"]);
        let r = Run::new("duckdb", &["app.duckdb", "-f", "x.sql"]).file("x.sql", "SELECT 1;\nDELETE FROM t;");
        assert_eq!(kinds(&run(r)), ["delete-all"]);
        assert_eq!(k("duckdb", &["app.duckdb", "-c", ".shell ls"]), ["shell-escape"]);
        assert!(k("duckdb", &["-c", "COPY (SELECT 1) TO 'out.parquet'"]).is_empty());
        // -c, -f and -no-stdin end the session before stdin
        assert!(kinds(&run(Run::new("duckdb", &["app.duckdb", "-c", "SELECT 1"]).stdin("DROP TABLE t;"))).is_empty());
        assert!(kinds(&run(Run::new("duckdb", &["-no-stdin", "app.duckdb"]).stdin("DROP TABLE t;"))).is_empty());
        assert_eq!(kinds(&run(Run::new("duckdb", &["app.duckdb"]).stdin("DROP TABLE t;"))), ["drop"]);
        // sqlite3 has no -c: its COPY is not duckdb's
        assert!(kinds(&run(Run::new("sqlite3", &["-version"]).stdin("DROP TABLE t;"))).is_empty());
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
        // CQL's own clauses narrow nothing; the WHERE decides
        assert!(k("cqlsh", &["-e", "DELETE FROM users WHERE id = 5 IF EXISTS"]).is_empty());
        assert!(k("cqlsh", &["-e", "DELETE email, phone FROM users WHERE id = 5"]).is_empty());
        assert!(k("cqlsh", &["-e", "UPDATE users USING TTL 60 SET a = 1 WHERE id = 5 IF a = 0"]).is_empty());
        assert_eq!(k("cqlsh", &["-e", "DELETE email FROM users"]), ["delete-all"]);
        assert_eq!(k("cqlsh", &["-e", "DELETE FROM users USING TIMESTAMP 123"]), ["delete-all"]);
        assert_eq!(k("cqlsh", &["-e", "UPDATE users USING TTL 5 SET a = 1"]), ["update-all"]);
        assert_eq!(k("cqlsh", &["-e", "ALTER TABLE users DROP email"]), ["alter-drop"]);
        let script = "CONSISTENCY QUORUM\nTRACING ON\nDELETE FROM users WHERE id = 5;\nSELECT * FROM users\n;";
        assert!(kinds(&run(Run::new("cqlsh", &[]).stdin(script))).is_empty());
    }
}
