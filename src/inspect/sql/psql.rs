//! psql: which SQL and which meta-commands a `psql` invocation runs.
//!
//! Sources, in the order psql runs them: every `-c/--command` and `-f/--file` (`-`
//! is stdin), else stdin (unless `-l`); `--help` and `--version` run nothing. pgcli,
//! usql and `cockroach sql` (`-e/--execute` is their `command`) are read the same way;
//! pgcli's `--init-command` runs first.
//!
//! Scripts are read the way psql's own lexer reads them, in one linear pass:
//! literals, dollar quotes and comments are opaque; a backslash outside them starts a
//! meta-command that runs to the end of the line (or `\\`) and is cut out of the
//! query buffer; `;` outside parentheses (and outside a `BEGIN ATOMIC` body) ends a
//! statement; `:var`, `:'var'` and `:"var"` are replaced by values set with `-v` or
//! `\set`. Meta-commands matter when they run a shell (`\!`, `\o |cmd`, `\g |cmd`,
//! `\copy … program`, backquotes, `\e`), run query results (`\gexec`), include
//! files (`\i`, `\ir`, followed through `ctx.sources`), or delete (`\lo_unlink`).
//! Rows after `COPY … FROM STDIN` are data up to `\.`: read leniently, because psql
//! runs them as SQL if the `COPY` fails.

use super::findings::{Findings, MAX_INCLUDE_DEPTH};
use super::kind;
use super::lexer::{Dialect, at, is_ident_byte, opaque_at, tokens};
use super::statements::{Judge, has_destroy_word};
use crate::inspect::Ctx;
use crate::operation::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Nesting of variables whose values contain variables.
const MAX_VARIABLE_DEPTH: usize = 8;

pub fn inspect(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    if let Some(target) = cmd.option_values("output").last().filter(|o| o.trim_start().starts_with('|')) {
        out.add(kind::SHELL_ESCAPE, &format!("-o {target}"));
    }
    let mut session = Session::new(cmd, ctx);
    // pgcli `--init-command`: run on connect, before anything else
    for sql in cmd.option_values("init-command") {
        if out.argument_text(sql) {
            session.run(sql, &cmd.dir, false, 0, out);
        }
    }
    let mut scripts = 0usize;
    for opt in cmd.options.iter().filter(|o| !o.negated) {
        let Some(value) = opt.value.as_deref() else { continue };
        match opt.name.as_str() {
            "command" if out.argument_text(value) => session.run(value, &cmd.dir, false, 0, out),
            "file" if value == "-" => session.run_stdin(out),
            "file" => session.run_file(&cmd.dir, value, 0, out),
            _ => continue,
        }
        scripts += 1;
    }
    if scripts == 0 && !cmd.option_in_effect("list") {
        session.run_stdin(out);
    }
}

/// One psql session: its variables and what it has prepared.
struct Session<'c> {
    ctx: &'c Ctx<'c>,
    cwd: PathBuf,
    judge: Judge,
    vars: HashMap<String, String>,
    /// A meta-command set variables to values guard cannot know (`\gset`,
    /// `\prompt`): from then on a raw `:var` could be any SQL.
    unknown_vars: bool,
}

/// The query buffer being filled.
#[derive(Default)]
struct Buffer {
    text: String,
    paren: usize,
    /// Inside `CREATE FUNCTION … BEGIN ATOMIC … END`: `;` does not end the statement.
    body_depth: usize,
    /// Whether the buffer is a `CREATE FUNCTION|PROCEDURE` (read at its first `BEGIN`).
    routine: Option<bool>,
    /// A raw `:var` whose value was set at run time (`\gset`): any SQL.
    dynamic_ref: bool,
    /// A raw `:var` guard has no value for (psqlrc may set it): with a destroying
    /// keyword, the statement cannot be read.
    unknown_ref: bool,
    /// These are `COPY` rows, read as SQL only in case the `COPY` fails: only a
    /// clear destroyer counts, and only meta-commands that run a shell.
    rows: bool,
}

/// `COPY … FROM STDIN` rows in a script.
#[derive(Default)]
struct CopyState {
    /// Rows follow in this script (files and stdin; not `-c`).
    inline: bool,
    /// A `COPY … FROM STDIN` ended on this line: rows start on the next.
    pending: bool,
}

/// Where the script being scanned comes from.
#[derive(Clone, Copy)]
struct Origin<'p> {
    /// The directory `\ir` is relative to.
    base: &'p Path,
    /// Include nesting.
    depth: usize,
}

/// One pass over a script: the query buffer and the `COPY` rows state.
#[derive(Default)]
struct Pass {
    buf: Buffer,
    copy: CopyState,
}

/// A meta-command: `\name args`.
struct Meta<'t> {
    name: &'t str,
    args: &'t str,
    /// A backquote outside single quotes: psql runs it as a shell command.
    backquote: bool,
    /// Where scanning resumes.
    end: usize,
}

impl<'c> Session<'c> {
    fn new(cmd: &Command, ctx: &'c Ctx<'c>) -> Session<'c> {
        let vars = cmd
            .option_values("variable")
            .into_iter()
            .filter_map(|v| v.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Session { ctx, cwd: cmd.dir.clone(), judge: Judge::new(Dialect::Postgres), vars, unknown_vars: false }
    }

    fn run_stdin(&mut self, out: &mut Findings) {
        if let Some(text) = out.read_stdin(self.ctx) {
            let cwd = self.cwd.clone();
            self.run(&text, &cwd, true, 0, out);
        }
    }

    fn run_file(&mut self, dir: &Path, name: &str, depth: usize, out: &mut Findings) {
        if depth >= MAX_INCLUDE_DEPTH {
            out.unjudged(format!("files included more than {MAX_INCLUDE_DEPTH} deep"));
            return;
        }
        let Some(path) = self.expand_tilde(name, out) else { return };
        let Some(text) = out.read_file(self.ctx, dir, &path) else { return };
        let full = if Path::new(&path).is_absolute() { PathBuf::from(&path) } else { dir.join(&path) };
        let base = full.parent().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
        self.run(&text, &base, true, depth + 1, out);
    }

    /// psql expands `~/` in file names with `$HOME`.
    fn expand_tilde(&self, name: &str, out: &mut Findings) -> Option<String> {
        let Some(rest) = name.strip_prefix('~') else { return Some(name.to_string()) };
        match (rest.is_empty() || rest.starts_with('/'), self.ctx.env.text("HOME")) {
            (true, Some(home)) => Some(format!("{home}{rest}")),
            _ => {
                out.unjudged(format!("cannot tell which file `{name}` names"));
                None
            }
        }
    }

    /// Runs one script. `base` is the directory `\ir` is relative to.
    fn run(&mut self, script: &str, base: &Path, inline_rows: bool, depth: usize, out: &mut Findings) {
        let mut pass = Pass { copy: CopyState { inline: inline_rows, pending: false }, ..Pass::default() };
        self.scan(script, Origin { base, depth }, &mut pass, 0, out);
        self.flush(&mut pass, out);
    }

    /// The lexer loop. `var_depth` > 0 while scanning a variable's value.
    fn scan(&mut self, script: &str, origin: Origin, pass: &mut Pass, var_depth: usize, out: &mut Findings) {
        let b = script.as_bytes();
        let mut i = 0;
        while i < b.len() && !out.exhausted() {
            let c = b[i];
            if c == b'\n' && pass.copy.pending {
                pass.copy.pending = false;
                i = self.copy_rows(script, i + 1, origin, out);
                continue;
            }
            if let Some((end, _)) = opaque_at(Dialect::Postgres, b, i) {
                pass.buf.text.push_str(slice(script, i, end));
                i = end;
                continue;
            }
            i = match c {
                b'\\' => self.backslash(script, i, origin, pass, out),
                b':' => self.colon(script, i, origin, pass, var_depth, out),
                b';' if pass.buf.paren == 0 && pass.buf.body_depth == 0 => {
                    self.flush(pass, out);
                    i + 1
                }
                _ if is_ident_byte(c) && !c.is_ascii_digit() => word(script, i, &mut pass.buf),
                // a run of bytes that mean nothing to psql's splitter (spaces, commas,
                // digits, operators) is copied at once
                _ if is_plain(c) => {
                    let end = b[i..].iter().position(|&x| !is_plain(x)).map_or(b.len(), |n| i + n);
                    pass.buf.text.push_str(slice(script, i, end));
                    end
                }
                _ => {
                    match c {
                        b'(' => pass.buf.paren += 1,
                        b')' => pass.buf.paren = pass.buf.paren.saturating_sub(1),
                        _ => {}
                    }
                    pass.buf.text.push(c as char);
                    i + 1
                }
            };
        }
    }

    /// The rows of a `COPY … FROM STDIN` starting at `from`, up to a `\.` line: psql
    /// sends them as data, or, if the `COPY` failed, runs them as SQL. Returns where
    /// the script continues.
    fn copy_rows(&mut self, script: &str, from: usize, origin: Origin, out: &mut Findings) -> usize {
        let (rows_end, resume) = rows_extent(script, from);
        let mut rows = Pass { buf: Buffer { rows: true, ..Buffer::default() }, ..Pass::default() };
        self.scan(slice(script, from, rows_end), origin, &mut rows, 0, out);
        self.flush(&mut rows, out);
        resume
    }

    /// Judges the buffer as one statement and empties it.
    fn flush(&mut self, pass: &mut Pass, out: &mut Findings) {
        let rows = pass.buf.rows;
        let mut buf = std::mem::replace(&mut pass.buf, Buffer { rows, ..Buffer::default() });
        self.judge_buffer(&buf, pass, out);
        // the next statement reuses the allocation (a script can hold many thousands)
        buf.text.clear();
        pass.buf.text = buf.text;
    }

    fn judge_buffer(&mut self, buf: &Buffer, pass: &mut Pass, out: &mut Findings) {
        if buf.text.trim().is_empty() || out.exhausted() || !out.count_statement() {
            return;
        }
        let mut found = self.judge.classify(&buf.text, out, 0);
        if buf.dynamic_ref {
            found = kind::stronger(found, Some(kind::DYNAMIC));
        }
        if buf.unknown_ref && has_destroy_word(Dialect::Postgres, &buf.text) {
            found = kind::stronger(found, Some(kind::UNPARSED));
        }
        let lenient = buf.rows && matches!(found, Some(kind::UNPARSED | kind::DYNAMIC));
        if let Some(k) = found.filter(|_| !lenient) {
            out.add(k, &buf.text);
        }
        if pass.copy.inline && copies_from_stdin(&buf.text) {
            pass.copy.pending = true;
        }
    }

    /// `\…` outside literals: `\\` and `\;` in the SQL stream, or a meta-command.
    fn backslash(&mut self, script: &str, i: usize, origin: Origin, pass: &mut Pass, out: &mut Findings) -> usize {
        let b = script.as_bytes();
        match at(b, i + 1) {
            // `\;` sends nothing yet, but the server receives separate statements
            b';' => {
                self.flush(pass, out);
                return i + 2;
            }
            b':' => {
                pass.buf.text.push(':');
                return i + 2;
            }
            b'\\' => return i + 2,
            _ => {}
        }
        let meta = read_meta(script, i);
        self.meta_command(&meta, origin, pass, out);
        meta.end
    }

    fn meta_command(&mut self, meta: &Meta, origin: Origin, pass: &mut Pass, out: &mut Findings) {
        let shown = || format!("\\{} {}", meta.name, meta.args.trim());
        if pass.buf.rows {
            // escapes like `\N` are data; a shell escape would still run if COPY failed
            if runs_shell(meta) {
                out.add(kind::SHELL_ESCAPE, &shown());
            }
            return;
        }
        if runs_shell(meta) || (meta.backquote && meta.name != "copy") {
            out.add(kind::SHELL_ESCAPE, &shown());
        }
        match meta.name {
            "i" | "include" => self.include(meta, &self.cwd.clone(), origin.depth, out),
            "ir" | "include_relative" => self.include(meta, origin.base, origin.depth, out),
            "gexec" => {
                let query = pass.buf.text.clone();
                self.flush(pass, out);
                out.add(kind::DYNAMIC, &format!("{} \\gexec", query.trim()));
            }
            "g" | "gx" | "gset" | "gdesc" | "crosstabview" | "watch" | "parse" | "sendpipeline" => {
                self.flush(pass, out);
                if meta.name == "gset" {
                    self.unknown_vars = true;
                }
            }
            "set" => self.set_variable(meta),
            "unset" => {
                if let Some(name) = meta_words(meta.args).first() {
                    self.vars.remove(name);
                }
            }
            "getenv" => self.getenv(meta),
            "prompt" => self.unknown_vars = true,
            "lo_unlink" => out.add(kind::DROP, &shown()),
            // pgcli's named queries (`\n name`): SQL kept in its config file
            "n" if !meta.args.trim().trim_start_matches('+').trim().is_empty() => out.add(kind::DYNAMIC, &shown()),
            "copy" if pass.copy.inline && meta_copies_from_stdin(meta.args) => pass.copy.pending = true,
            _ => {}
        }
    }

    fn include(&mut self, meta: &Meta, dir: &Path, depth: usize, out: &mut Findings) {
        match meta_words(meta.args).first() {
            Some(file) => self.run_file(dir, &self.expand_vars(file), depth, out),
            None => out.unjudged(format!("\\{} without a file name", meta.name)),
        }
    }

    /// `\set name value…`: the value is the remaining words joined.
    fn set_variable(&mut self, meta: &Meta) {
        let words = meta_words(meta.args);
        let Some((name, rest)) = words.split_first() else { return };
        if meta.backquote {
            self.vars.remove(name);
            self.unknown_vars = true;
            return;
        }
        let value: String = rest.iter().map(|w| self.expand_vars(w)).collect();
        self.vars.insert(name.clone(), value);
    }

    /// `\getenv var ENVVAR`.
    fn getenv(&mut self, meta: &Meta) {
        let words = meta_words(meta.args);
        match (words.first(), words.get(1).and_then(|e| self.ctx.env.text(e))) {
            (Some(name), Some(value)) => {
                self.vars.insert(name.clone(), value);
            }
            _ => self.unknown_vars = true,
        }
    }

    /// `:var` in a meta-command argument.
    fn expand_vars(&self, word: &str) -> String {
        match word.strip_prefix(':').and_then(|n| self.vars.get(n)) {
            Some(v) => v.clone(),
            None => word.to_string(),
        }
    }

    /// `:` outside literals: a variable reference, a `::` cast, or just a colon.
    fn colon(
        &mut self,
        script: &str,
        i: usize,
        origin: Origin,
        pass: &mut Pass,
        var_depth: usize,
        out: &mut Findings,
    ) -> usize {
        let b = script.as_bytes();
        if at(b, i + 1) == b':' {
            pass.buf.text.push_str("::");
            return i + 2;
        }
        let Some(var) = variable_at(script, i) else {
            pass.buf.text.push(':');
            return i + 1;
        };
        match (var.quote, self.vars.get(var.name).cloned()) {
            (Some(q), Some(value)) => pass.buf.text.push_str(&quoted(q, &value)),
            (None, Some(value)) if var_depth < MAX_VARIABLE_DEPTH && out.argument_text(&value) => {
                // psql lexes a raw value as if it were typed here
                self.scan(&value, origin, pass, var_depth + 1, out);
            }
            (None, Some(_)) => pass.buf.dynamic_ref = true,
            (_, None) => {
                // `arr[1:2]` is a slice, not a variable anyone sets
                let raw_name = var.quote.is_none() && !var.name.starts_with(|c: char| c.is_ascii_digit());
                pass.buf.dynamic_ref |= raw_name && self.unknown_vars;
                pass.buf.unknown_ref |= raw_name;
                pass.buf.text.push_str(slice(script, i, var.end));
            }
        }
        var.end
    }
}

/// A word outside literals, copied; `BEGIN ATOMIC … END` bodies are tracked so that
/// their `;` do not end the `CREATE FUNCTION`.
/// A byte with no meaning to the splitter: not a quote, comment, variable, meta-command,
/// separator, parenthesis or newline, and not the start of a word. Digits count as
/// plain (a word never starts with one; `word` takes them inside a word).
fn is_plain(c: u8) -> bool {
    PLAIN[c as usize]
}

/// [`is_plain`] for every byte, looked up once per byte of a script.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii()
            && !matches!(
                b,
                b'\'' | b'"' | b'$' | b'-' | b'/' | b'\\' | b':' | b';' | b'(' | b')' | b'\n' | b'`' | b'#' | b'['
            )
            && (b.is_ascii_digit() || !is_ident_byte(b));
        c += 1;
    }
    table
};

fn word(script: &str, i: usize, buf: &mut Buffer) -> usize {
    let b = script.as_bytes();
    let mut end = i + 1;
    while end < b.len() && is_ident_byte(b[end]) {
        end += 1;
    }
    let w = slice(script, i, end);
    let opens_body = w.eq_ignore_ascii_case("BEGIN") && *buf.routine.get_or_insert_with(|| creates_routine(&buf.text));
    let opens_case = w.eq_ignore_ascii_case("CASE") && buf.body_depth > 0;
    if opens_body || opens_case {
        buf.body_depth += 1;
    } else if w.eq_ignore_ascii_case("END") && buf.body_depth > 0 {
        buf.body_depth -= 1;
    }
    buf.text.push_str(w);
    end
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
fn creates_routine(text: &str) -> bool {
    let mut words = tokens(Dialect::Postgres, text).filter_map(|t| t.name().map(str::to_ascii_uppercase));
    if words.next().as_deref() != Some("CREATE") {
        return false;
    }
    words.take(3).any(|w| w == "FUNCTION" || w == "PROCEDURE")
}

fn slice(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end.min(s.len())).unwrap_or("")
}

/// The meta-command starting at the backslash at `i`.
fn read_meta(script: &str, i: usize) -> Meta<'_> {
    let b = script.as_bytes();
    let name_start = i + 1;
    let mut name_end = name_start;
    if at(b, name_end).is_ascii_alphabetic() {
        while at(b, name_end).is_ascii_alphanumeric() || at(b, name_end) == b'_' {
            name_end += 1;
        }
    } else if name_end < b.len() && !b[name_end].is_ascii_whitespace() {
        name_end += script[name_end..].chars().next().map_or(1, char::len_utf8);
    }
    let name = slice(script, name_start, name_end);
    let whole_line = name == "!" || name == "copy";
    let (args_end, end, backquote) = meta_args_end(b, name_end, whole_line);
    Meta { name, args: slice(script, name_end, args_end), backquote, end }
}

/// Where a meta-command's arguments end: the end of the line, or `\\` outside
/// quotes (except for commands that take the whole line). Returns (args end,
/// resume position, backquote seen outside single quotes).
fn meta_args_end(b: &[u8], from: usize, whole_line: bool) -> (usize, usize, bool) {
    let mut j = from;
    let mut quote: Option<u8> = None;
    let mut backquote = false;
    while j < b.len() && b[j] != b'\n' {
        match (quote, b[j]) {
            (Some(b'\''), b'\\') => j += 1,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b[j]),
            (None, b'`') => {
                backquote = true;
                quote = Some(b'`');
            }
            (None, b'\\') if !whole_line && at(b, j + 1) == b'\\' => return (j, j + 2, backquote),
            (None, _) => {}
        }
        j += 1;
    }
    let j = j.min(b.len());
    (j, j, backquote)
}

/// Meta-commands that start a shell: `\!`, output to a pipe, `\copy … program`, and
/// the editor commands (which run `$PSQL_EDITOR`). `\|` (cockroach sql: runs a shell
/// command and reads its output as input) and `\pipe_once` (pgcli) are not psql's, but
/// psql only rejects them.
fn runs_shell(meta: &Meta) -> bool {
    let pipe = meta.args.trim_start().starts_with('|');
    match meta.name {
        "!" | "|" | "pipe_once" => true,
        "o" | "out" | "g" | "gx" | "w" | "write" => pipe,
        "copy" => tokens(Dialect::Postgres, meta.args).any(|t| t.is_word("program")),
        "e" | "edit" | "ef" | "ev" => true,
        _ => false,
    }
}

/// The words of a meta-command's arguments, with single quotes (and their
/// escapes) and double quotes removed.
fn meta_words(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = args.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                single_quoted(&mut chars, &mut current);
            }
            '"' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '"' {
                        break;
                    }
                    current.push(d);
                }
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

fn single_quoted(chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String) {
    while let Some(d) = chars.next() {
        match d {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            '\'' => return,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => return,
            },
            other => out.push(other),
        }
    }
}

/// A variable reference: `:name`, `:'name'`, `:"name"`.
struct VarRef<'t> {
    name: &'t str,
    /// `'` or `"` for the quoted forms.
    quote: Option<u8>,
    end: usize,
}

fn variable_at(script: &str, i: usize) -> Option<VarRef<'_>> {
    let b = script.as_bytes();
    let (quote, start) = match at(b, i + 1) {
        q @ (b'\'' | b'"') => (Some(q), i + 2),
        _ => (None, i + 1),
    };
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] >= 0x80) {
        end += 1;
    }
    if end == start {
        return None;
    }
    let name = slice(script, start, end);
    match quote {
        Some(q) if at(b, end) == q => Some(VarRef { name, quote, end: end + 1 }),
        Some(_) => None,
        None => Some(VarRef { name, quote: None, end }),
    }
}

/// A value substituted as `:'v'` (a literal) or `:"v"` (an identifier).
fn quoted(q: u8, value: &str) -> String {
    let quote = q as char;
    let doubled = value.replace(quote, &format!("{quote}{quote}"));
    if q == b'\'' && value.contains('\\') {
        format!("E'{}'", doubled.replace('\\', "\\\\"))
    } else {
        format!("{quote}{doubled}{quote}")
    }
}

/// The rows starting at `from`: up to the line `\.` (or the end). Returns (end of
/// the rows, where the script resumes).
fn rows_extent(script: &str, from: usize) -> (usize, usize) {
    let b = script.as_bytes();
    let mut line = from;
    while line < b.len() {
        let end = super::lexer::find_byte(b, line, b'\n').unwrap_or(b.len());
        let text = slice(script, line, end).trim_end_matches('\r');
        if text == "\\." {
            return (line, (end + 1).min(b.len()));
        }
        line = end + 1;
    }
    (b.len(), b.len())
}

/// `COPY … FROM STDIN`: rows follow in the script.
fn copies_from_stdin(text: &str) -> bool {
    let mut toks = tokens(Dialect::Postgres, text);
    if !toks.next().is_some_and(|t| t.is_word("COPY")) {
        return false;
    }
    let mut prev_from = false;
    for t in toks {
        if prev_from && t.is_word("STDIN") {
            return true;
        }
        prev_from = t.is_word("FROM");
    }
    false
}

/// `\copy t from stdin`: rows follow in the script (`pstdin` is psql's own stdin).
fn meta_copies_from_stdin(args: &str) -> bool {
    let words: Vec<String> = meta_words(args).into_iter().map(|w| w.to_ascii_lowercase()).collect();
    words.windows(2).any(|w| w[0] == "from" && w[1] == "stdin")
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};
    use crate::operation::Operation;

    fn psql(args: &[&str]) -> Run {
        Run::new("psql", args)
    }

    #[test]
    fn each_statement_of_a_command_is_judged() {
        assert_eq!(kinds(&run(psql(&["-c", "DROP TABLE users"]))), ["drop"]);
        assert_eq!(kinds(&run(psql(&["-c", "SELECT 1; TRUNCATE t; SELECT 2"]))), ["truncate"]);
        assert_eq!(kinds(&run(psql(&["-c", "SELECT 1", "-c", "DELETE FROM t"]))), ["delete-all"]);
        assert_eq!(kinds(&run(psql(&["--command=UPDATE t SET a = 1 WHERE true"]))), ["update-all"]);
        assert!(kinds(&run(psql(&["-c", "DELETE FROM t WHERE id = 5"]))).is_empty());
        assert!(kinds(&run(psql(&["-c", "SELECT 'DROP TABLE users'"]))).is_empty());
    }

    #[test]
    fn look_alikes_in_literals_comments_and_dollar_quotes() {
        for sql in [
            "SELECT 'DROP TABLE users'",
            "SELECT 1 -- DROP TABLE users",
            "SELECT /* DROP TABLE users; */ 1",
            "SELECT $$ DROP TABLE users; $$",
            "SELECT $tag$ ; DROP TABLE users; $tag$",
            "SELECT E'it\\'s; DROP TABLE users'",
            "SELECT \"DROP TABLE users\" FROM t",
            "SELECT x::text FROM t",
        ] {
            assert!(kinds(&run(psql(&["-c", sql]))).is_empty(), "{sql}");
        }
    }

    #[test]
    fn meta_commands_that_escape() {
        assert_eq!(kinds(&run(psql(&["-c", "\\! rm -rf ~"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(psql(&["-c", "\\o |sh"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(psql(&["-c", "SELECT 1 \\g |mail x"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(psql(&["-c", "\\copy t to program 'gzip > x.gz'"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(psql(&["-c", "\\echo `id`"]))), ["shell-escape"]);
        assert_eq!(kinds(&run(psql(&["-o", "|sh", "-c", "SELECT 1"]))), ["shell-escape"]);
        assert!(kinds(&run(psql(&["-c", "\\o out.txt"]))).is_empty());
        assert!(kinds(&run(psql(&["-c", "\\echo '`not run`'"]))).is_empty());
        assert!(kinds(&run(psql(&["-c", "\\copy t to 'x.csv' csv"]))).is_empty());
        assert!(kinds(&run(psql(&["-c", "\\dt"]))).is_empty());
    }

    #[test]
    fn gexec_runs_query_results() {
        let sql = "SELECT format('DROP TABLE %I', tablename) FROM pg_tables \\gexec";
        assert_eq!(kinds(&run(psql(&["-c", sql]))), ["dynamic"]);
    }

    #[test]
    fn a_meta_command_is_cut_out_of_the_statement() {
        assert_eq!(kinds(&run(psql(&["-c", "DELETE \\echo hi \\\\ FROM t;"]))), ["delete-all"]);
        assert_eq!(kinds(&run(psql(&["-c", "SELECT 1 \\; DROP TABLE t"]))), ["drop"]);
    }

    #[test]
    fn do_blocks_copy_program_and_ctes() {
        assert_eq!(kinds(&run(psql(&["-c", "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$"]))), ["dynamic"]);
        assert_eq!(kinds(&run(psql(&["-c", "COPY t TO PROGRAM 'sh'"]))), ["copy-program"]);
        let cte = "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d";
        assert_eq!(kinds(&run(psql(&["-c", cte]))), ["delete-all"]);
    }

    #[test]
    fn variables_are_substituted() {
        assert_eq!(kinds(&run(psql(&["-v", "t=users", "-c", "\\set x 1", "-c", "DROP TABLE :t"]))), ["drop"]);
        assert_eq!(kinds(&run(psql(&["-v", "cmd=DELETE FROM t", "-c", ":cmd"]))), ["delete-all"]);
        assert_eq!(kinds(&run(psql(&["-c", "\\set cmd 'DROP TABLE t'", "-c", ":cmd"]))), ["drop"]);
        assert_eq!(kinds(&run(psql(&["-v", "id=5", "-c", "DELETE FROM t WHERE id = :id"]))), Vec::<String>::new());
        assert_eq!(kinds(&run(psql(&["-c", "DELETE FROM t WHERE id = :'id'"]))), ["unparsed"]);
        assert_eq!(kinds(&run(psql(&["-c", "DELETE FROM t WHERE id = :id"]))), ["unparsed"]);
        assert!(kinds(&run(psql(&["-c", "SELECT * FROM t WHERE id = :id"]))).is_empty());
        assert_eq!(kinds(&run(psql(&["-c", "SELECT 'DROP TABLE t' AS q \\gset", "-c", ":q"]))), ["dynamic"]);
        assert!(kinds(&run(psql(&["-c", "SELECT arr[1:2] FROM t"]))).is_empty());
    }

    #[test]
    fn stdin_is_read_only_without_commands_or_files() {
        let r = psql(&[]).stdin("DROP TABLE users;\n");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = psql(&["-c", "SELECT 1"]).stdin("DROP TABLE users;\n");
        assert!(kinds(&run(r)).is_empty());
        for flag in ["-l", "--list", "--version", "-V", "--help", "-?"] {
            let r = psql(&[flag]).stdin("DROP TABLE users;\n");
            assert!(kinds(&run(r)).is_empty(), "{flag}");
        }
        let r = psql(&["-f", "-"]).stdin("TRUNCATE t;");
        assert_eq!(kinds(&run(r)), ["truncate"]);
    }

    #[test]
    fn files_and_includes_are_followed() {
        let r = psql(&["-f", "a.sql"]).file("a.sql", "SELECT 1;\n\\i b.sql\n").file("b.sql", "DROP SCHEMA s CASCADE;");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = psql(&["-f", "a.sql"]).file("a.sql", "\\ir sub/c.sql").file("/work/sub/c.sql", "TRUNCATE t;");
        assert_eq!(kinds(&run(r)), ["truncate"]);
        let r = psql(&["-f", "missing.sql"]);
        assert!(matches!(&run(r)[..], [Operation::Unjudged(u)] if u.reason.contains("missing.sql")));
        let r = psql(&["-f", "loop.sql"]).file("loop.sql", "\\i loop.sql");
        assert!(run(r).iter().any(|o| matches!(o, Operation::Unjudged(u) if u.reason.contains("deep"))));
    }

    #[test]
    fn binary_or_unreadable_payloads_are_unjudged() {
        let r = psql(&["-f", "dump.bin"]).file_bytes("dump.bin", vec![0x50, 0x47, 0xff, 0xfe]);
        assert!(matches!(&run(r)[..], [Operation::Unjudged(u)] if u.reason.contains("UTF-8")));
        let r = psql(&[]).stdin_unreadable("stdin sent nothing in time");
        assert!(matches!(&run(r)[..], [Operation::Unjudged(_)]));
    }

    #[test]
    fn copy_rows_are_data() {
        let dump = "COPY t (a, b) FROM stdin;\n1\tDROP TABLE x is text\n2\tit's\n\\.\nSELECT 1;\n";
        assert!(kinds(&run(psql(&["-f", "d.sql"]).file("d.sql", dump))).is_empty());
        // if the COPY fails, psql runs the rows: a whole destroying statement counts
        let dump = "COPY t FROM stdin;\nDROP TABLE users;\n\\.\n";
        assert_eq!(kinds(&run(psql(&["-f", "d.sql"]).file("d.sql", dump))), ["drop"]);
        let dump = "COPY t FROM stdin;\n1\t2\n\\.\nDELETE FROM t;\n";
        assert_eq!(kinds(&run(psql(&["-f", "d.sql"]).file("d.sql", dump))), ["delete-all"]);
    }

    #[test]
    fn begin_atomic_bodies_stay_one_statement() {
        let f = "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM t; END;";
        assert!(kinds(&run(psql(&["-c", f]))).is_empty());
    }

    #[test]
    fn lo_unlink_meta_command() {
        assert_eq!(kinds(&run(psql(&["-c", "\\lo_unlink 16384"]))), ["drop"]);
    }
}
