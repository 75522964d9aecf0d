//! redis-cli: the Redis commands an invocation sends.
//!
//! The command is the operands (`redis-cli [OPTIONS] CMD ARG…`; `-x` appends stdin as
//! the last argument, `-X TAG` puts it in place of `TAG`); `--cluster call HOST CMD…`
//! sends `CMD…` to every node. Without a command, redis-cli runs each stdin line
//! (split the way redis-cli splits them), or with `--pipe` sends stdin as raw protocol.
//! Listing and monitoring modes (`--scan`, `--bigkeys`, `--stat`, `--rdb`…) send
//! nothing from stdin. `--eval FILE` runs a Lua script.
//!
//! Lua scripts (`EVAL`, `--eval`) are scanned for `redis.call(…)`/`redis.pcall(…)`
//! (also `server.`): literal arguments are judged as a command; a command name that
//! is not a literal, an aliased `redis.call`, `loadstring`, or an `EVALSHA`/`FCALL`
//! of code guard cannot see is dynamic.

use super::findings::Findings;
use super::kind;
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::Command;

/// Options after which redis-cli reads no commands from stdin.
const NON_COMMAND_MODES: &[&str] = &[
    "stat",
    "latency",
    "latency-history",
    "latency-dist",
    "lru-test",
    "replica",
    "slave",
    "rdb",
    "functions-rdb",
    "bigkeys",
    "memkeys",
    "keystats",
    "hotkeys",
    "scan",
    "intrinsic-latency",
    "cluster",
];

/// Command names that can destroy; a stdin line that cannot be split is suspect only
/// if it mentions one of them.
const DESTROYING: &[&str] = &[
    "flushall",
    "flushdb",
    "del",
    "unlink",
    "shutdown",
    "config",
    "swapdb",
    "debug",
    "replicaof",
    "slaveof",
    "eval",
    "evalsha",
    "fcall",
    "function",
    "module",
    "client",
];

/// One argument of a command, as far as guard knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Lit(String),
    /// A value computed at run time (a Lua expression).
    Unknown,
    /// Any number of values (`unpack(…)`).
    Many,
}

pub fn inspect(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    if let Some(file) = cmd.option_values("eval").last() {
        if let Some(script) = out.read_file(ctx, &cmd.dir, file) {
            lua(&script, out);
        }
        return;
    }
    let words = command_words(cmd);
    if !words.is_empty() {
        command_line(cmd, ctx, words, out);
    } else if NON_COMMAND_MODES.iter().any(|m| cmd.option_in_effect(m)) {
        // nothing is sent from stdin
    } else if cmd.option_in_effect("pipe") {
        pipe(ctx, out);
    } else if let Some(text) = out.read_stdin(ctx) {
        for line in text.lines() {
            stdin_line(line, out);
        }
    }
}

/// The command given as operands (for `--cluster call HOST CMD…`, the part after HOST).
fn command_words(cmd: &Command) -> Vec<String> {
    let quoted = cmd.option_in_effect("quoted-input");
    let operands = cmd.operands.iter().map(|o| o.text.clone());
    let words: Vec<String> = match cmd.option_values("cluster").last() {
        Some(sub) if sub.eq_ignore_ascii_case("call") => operands.skip(1).collect(),
        Some(_) => Vec::new(),
        None => operands.collect(),
    };
    if !quoted {
        return words;
    }
    // `--quoted-input`: each argument is unquoted as redis-cli would
    words.into_iter().map(|w| split_args(&w).and_then(|v| v.into_iter().next()).unwrap_or(w)).collect()
}

fn command_line(cmd: &Command, ctx: &Ctx, words: Vec<String>, out: &mut Findings) {
    let mut args: Vec<Arg> = words.into_iter().map(Arg::Lit).collect();
    let tag = cmd.option_values("X").last().map(|t| t.to_string());
    // no stdin (a terminal) or an unreadable one: the command itself is still judged
    if (cmd.option_in_effect("x") || tag.is_some())
        && let Some(input) = stdin_argument(ctx, out)
    {
        match tag.as_ref().and_then(|t| args.iter().position(|a| matches!(a, Arg::Lit(s) if s == t))) {
            Some(pos) => args[pos] = Arg::Lit(input),
            None => args.push(Arg::Lit(input)),
        }
    }
    judge(&args, out);
}

/// stdin as one argument (`-x`, `-X`): bytes, not necessarily text.
fn stdin_argument(ctx: &Ctx, out: &mut Findings) -> Option<String> {
    match ctx.sources.stdin()? {
        Payload::Bytes(b) => {
            let text = String::from_utf8_lossy(&b).into_owned();
            out.argument_text(&text).then_some(text)
        }
        Payload::Unreadable(reason) => {
            out.unjudged(reason);
            None
        }
    }
}

fn judge(args: &[Arg], out: &mut Findings) {
    if let Some(k) = command_kind(args, out) {
        out.add(k, &shown(args));
    }
}

fn shown(args: &[Arg]) -> String {
    args.iter()
        .map(|a| match a {
            Arg::Lit(s) => s.clone(),
            Arg::Unknown => "?".to_string(),
            Arg::Many => "…".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn lit_is(a: Option<&Arg>, word: &str) -> bool {
    matches!(a, Some(Arg::Lit(s)) if s.eq_ignore_ascii_case(word))
}

/// What one command does. Scripts in `EVAL` are judged through `out` directly.
fn command_kind(args: &[Arg], out: &mut Findings) -> Option<&'static str> {
    let Some(Arg::Lit(name)) = args.first() else {
        return (!args.is_empty()).then_some(kind::DYNAMIC);
    };
    let rest = &args[1..];
    let sub = |w: &str| lit_is(rest.first(), w);
    match name.to_ascii_lowercase().as_str() {
        "flushall" | "flushdb" => Some(kind::FLUSH),
        "del" | "unlink" => many_keys(rest).then_some(kind::DELETE_KEYS),
        "shutdown" if rest.iter().any(|a| lit_is(Some(a), "nosave") || lit_is(Some(a), "abort")) => {
            Some(kind::SHUTDOWN_NOSAVE)
        }
        "shutdown" => Some(kind::DISRUPT),
        "config" if sub("set") => config_set(&rest[1..]),
        "swapdb" => Some(kind::SWAPDB),
        "debug" => Some(kind::DEBUG),
        "replicaof" | "slaveof" if !(sub("no") && lit_is(rest.get(1), "one")) => Some(kind::FLUSH),
        "function" if sub("flush") => Some(kind::FLUSH),
        "module" if sub("load") || sub("loadex") => Some(kind::SHELL_ESCAPE),
        "client" if sub("kill") => Some(kind::DISRUPT),
        "eval" => eval_script(rest.first(), out),
        "evalsha" | "fcall" => Some(kind::DYNAMIC),
        _ => None,
    }
}

/// `DEL`/`UNLINK` of more than one key, of a key pattern, or of a computed list.
fn many_keys(keys: &[Arg]) -> bool {
    keys.len() > 1
        || keys.iter().any(|k| match k {
            Arg::Lit(s) => s.contains(['*', '?', '[']),
            Arg::Many => true,
            Arg::Unknown => false,
        })
}

/// `CONFIG SET name value [name value…]`: names that move or create data files.
fn config_set(pairs: &[Arg]) -> Option<&'static str> {
    const FILE_PARAMETERS: &[&str] = &["dir", "dbfilename", "logfile", "appendfilename", "appenddirname"];
    for name in pairs.iter().step_by(2) {
        match name {
            Arg::Lit(n) if FILE_PARAMETERS.iter().any(|p| n.eq_ignore_ascii_case(p)) => {
                return Some(kind::CONFIG_FILES);
            }
            Arg::Lit(_) => {}
            _ => return Some(kind::DYNAMIC),
        }
    }
    None
}

/// `EVAL script …`: the script's calls are judged; the command itself is not.
fn eval_script(script: Option<&Arg>, out: &mut Findings) -> Option<&'static str> {
    match script {
        Some(Arg::Lit(s)) => {
            lua(s, out);
            None
        }
        _ => Some(kind::DYNAMIC),
    }
}

/// One stdin line: a command split like redis-cli splits it.
fn stdin_line(line: &str, out: &mut Findings) {
    if out.exhausted() || line.trim().is_empty() || !out.count_statement() {
        return;
    }
    match split_args(line) {
        Some(words) => judge(&words.into_iter().map(Arg::Lit).collect::<Vec<_>>(), out),
        None if mentions_destroyer(line) => out.add(kind::UNPARSED, line),
        // redis-cli refuses the line ("Invalid argument(s)")
        None => {}
    }
}

fn mentions_destroyer(line: &str) -> bool {
    line.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| DESTROYING.iter().any(|d| w.eq_ignore_ascii_case(d)))
}

/// `--pipe`: stdin is raw protocol (RESP arrays) or inline commands, one a line.
fn pipe(ctx: &Ctx, out: &mut Findings) {
    let Some(payload) = ctx.sources.stdin() else { return };
    let bytes = match payload {
        Payload::Bytes(b) => b,
        Payload::Unreadable(reason) => return out.unjudged(reason),
    };
    if bytes.first() == Some(&b'*') {
        match resp_commands(&bytes) {
            Some(commands) => commands.iter().for_each(|c| judge(c, out)),
            None => out.unjudged("stdin is not valid Redis protocol".into()),
        }
    } else {
        String::from_utf8_lossy(&bytes).lines().for_each(|l| stdin_line(l, out));
    }
}

/// RESP arrays of bulk strings (`*N\r\n$len\r\nbytes\r\n…`); None if malformed.
fn resp_commands(b: &[u8]) -> Option<Vec<Vec<Arg>>> {
    let mut commands = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let (count, next) = resp_number(b, i, b'*')?;
        i = next;
        let mut args = Vec::new();
        for _ in 0..count {
            let (len, data) = resp_number(b, i, b'$')?;
            let end = data.checked_add(len)?;
            args.push(Arg::Lit(String::from_utf8_lossy(b.get(data..end)?).into_owned()));
            i = end.checked_add(2)?;
        }
        commands.push(args);
    }
    Some(commands)
}

/// `<marker><digits>\r\n` at `i`: the number and the index after the line.
fn resp_number(b: &[u8], i: usize, marker: u8) -> Option<(usize, usize)> {
    if b.get(i) != Some(&marker) {
        return None;
    }
    let end = super::lexer::find_subslice(b, i, b"\r\n")?;
    let n = std::str::from_utf8(b.get(i + 1..end)?).ok()?.parse::<usize>().ok()?;
    Some((n, end + 2))
}

/// Splits a line into arguments the way redis-cli does (`sdssplitargs`): blanks
/// separate; `"…"` takes `\n`, `\t`, `\xHH`… escapes; `'…'` takes `\'`; a closing
/// quote must be followed by a blank. None for an unbalanced line.
fn split_args(line: &str) -> Option<Vec<String>> {
    let mut args = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Some(args);
        }
        let mut arg = String::new();
        loop {
            match chars.next() {
                None => break,
                Some(c) if c.is_whitespace() => break,
                Some('"') => double_quoted(&mut chars, &mut arg)?,
                Some('\'') => single_quoted(&mut chars, &mut arg)?,
                Some(c) => arg.push(c),
            }
        }
        args.push(arg);
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn double_quoted(chars: &mut Chars, arg: &mut String) -> Option<()> {
    loop {
        match chars.next()? {
            '\\' => match chars.next()? {
                'n' => arg.push('\n'),
                'r' => arg.push('\r'),
                't' => arg.push('\t'),
                'b' => arg.push('\u{8}'),
                'a' => arg.push('\u{7}'),
                'x' => {
                    let hex: String = [chars.next()?, chars.next()?].iter().collect();
                    arg.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
                }
                other => arg.push(other),
            },
            '"' => return closing_quote(chars),
            c => arg.push(c),
        }
    }
}

fn single_quoted(chars: &mut Chars, arg: &mut String) -> Option<()> {
    loop {
        match chars.next()? {
            '\\' if chars.peek() == Some(&'\'') => {
                chars.next();
                arg.push('\'');
            }
            '\'' => return closing_quote(chars),
            c => arg.push(c),
        }
    }
}

/// A closing quote must end the argument.
fn closing_quote(chars: &mut Chars) -> Option<()> {
    match chars.peek() {
        None => Some(()),
        Some(c) if c.is_whitespace() => Some(()),
        Some(_) => None,
    }
}

/// Judges the `redis.call(…)` calls of a Lua script.
fn lua(script: &str, out: &mut Findings) {
    let toks = lua_tokens(script);
    for i in 0..toks.len() {
        if out.exhausted() {
            return;
        }
        if let Some(k) = lua_finding(&toks, i, out) {
            out.add(k, &format!("EVAL {}", super::findings::excerpt(script)));
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum LuaTok {
    Name(String),
    Str(String),
    Punct(char),
    Other,
}

/// What token `i` starts: a call to judge, or dynamic code.
fn lua_finding(toks: &[LuaTok], i: usize, out: &mut Findings) -> Option<&'static str> {
    let name = |j: usize| match toks.get(j) {
        Some(LuaTok::Name(n)) => Some(n.as_str()),
        _ => None,
    };
    let punct = |j: usize, c: char| toks.get(j) == Some(&LuaTok::Punct(c));
    match name(i)? {
        "redis" | "server" if i == 0 || !punct(i - 1, '.') => {
            let method = if punct(i + 1, '.') { name(i + 2) } else { None };
            match method {
                Some("call" | "pcall") if punct(i + 3, '(') => {
                    let args = lua_args(toks, i + 4);
                    command_kind(&args, out)
                }
                Some("call" | "pcall") | None => Some(kind::DYNAMIC),
                Some(_) => None,
            }
        }
        "loadstring" | "load" | "dofile" | "loadfile" if punct(i + 1, '(') => Some(kind::DYNAMIC),
        _ => None,
    }
}

/// The arguments of a call whose `(` precedes token `from`: each a literal, a
/// computed value, or `unpack(…)` (any number).
fn lua_args(toks: &[LuaTok], from: usize) -> Vec<Arg> {
    let mut args = Vec::new();
    let mut current: Vec<&LuaTok> = Vec::new();
    let mut depth = 0usize;
    for t in toks.iter().skip(from) {
        match t {
            LuaTok::Punct('(' | '{' | '[') => depth += 1,
            LuaTok::Punct(')') if depth == 0 => break,
            LuaTok::Punct(')' | '}' | ']') => depth = depth.saturating_sub(1),
            LuaTok::Punct(',') if depth == 0 => {
                args.push(lua_arg(&current));
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(t);
    }
    if !current.is_empty() {
        args.push(lua_arg(&current));
    }
    args
}

fn lua_arg(toks: &[&LuaTok]) -> Arg {
    match toks {
        [LuaTok::Str(s)] => Arg::Lit(s.clone()),
        [LuaTok::Name(n), ..] if n == "unpack" || n == "table" => Arg::Many,
        _ => Arg::Unknown,
    }
}

/// Lua tokens outside comments: names, strings (short and long), punctuation.
fn lua_tokens(src: &str) -> Vec<LuaTok> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"--") {
            i = match long_bracket(b, i + 2) {
                Some((_, end)) => end,
                None => super::lexer::find_byte(b, i, b'\n').unwrap_or(b.len()),
            };
        } else if c == b'['
            && let Some((inner, end)) = long_bracket(b, i)
        {
            toks.push(LuaTok::Str(src.get(inner).unwrap_or("").to_string()));
            i = end;
        } else if c == b'\'' || c == b'"' {
            let (value, end) = lua_string(src, i);
            toks.push(LuaTok::Str(value));
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = i + b[i..].iter().take_while(|x| x.is_ascii_alphanumeric() || **x == b'_').count();
            toks.push(LuaTok::Name(src.get(i..end).unwrap_or("").to_string()));
            i = end;
        } else if c.is_ascii_digit() || c >= 0x80 {
            toks.push(LuaTok::Other);
            i += 1 + b[i + 1..].iter().take_while(|x| x.is_ascii_alphanumeric() || **x >= 0x80).count();
        } else {
            toks.push(LuaTok::Punct(c as char));
            i += 1;
        }
    }
    toks
}

/// A long bracket `[[…]]` or `[==[…]==]` at `i`: (inside range, end).
fn long_bracket(b: &[u8], i: usize) -> Option<(std::ops::Range<usize>, usize)> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let level = b[i + 1..].iter().take_while(|c| **c == b'=').count();
    let open_end = i + 1 + level;
    if b.get(open_end) != Some(&b'[') {
        return None;
    }
    let mut close = vec![b']'];
    close.extend(std::iter::repeat_n(b'=', level));
    close.push(b']');
    let inner_start = open_end + 1;
    match super::lexer::find_subslice(b, inner_start, &close) {
        Some(e) => Some((inner_start..e, e + close.len())),
        None => Some((inner_start..b.len(), b.len())),
    }
}

/// A short Lua string at `i`: its value (common escapes applied) and end.
fn lua_string(src: &str, i: usize) -> (String, usize) {
    let b = src.as_bytes();
    let quote = b[i] as char;
    let mut value = String::new();
    let mut chars = src.get(i + 1..).unwrap_or("").char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => value.push(other),
                None => break,
            },
            '\n' => return (value, i + 1 + off),
            c if c == quote => return (value, i + 1 + off + 1),
            c => value.push(c),
        }
    }
    (value, b.len())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};
    use super::*;

    fn cli(args: &[&str]) -> Vec<String> {
        kinds(&run(Run::new("redis-cli", args)))
    }

    #[test]
    fn destroying_commands() {
        assert_eq!(cli(&["FLUSHALL"]), ["flush"]);
        assert_eq!(cli(&["-h", "prod", "-n", "2", "flushdb", "ASYNC"]), ["flush"]);
        assert_eq!(cli(&["DEL", "a", "b"]), ["delete-keys"]);
        assert_eq!(cli(&["unlink", "user:*"]), ["delete-keys"]);
        assert_eq!(cli(&["SHUTDOWN", "NOSAVE"]), ["shutdown-nosave"]);
        assert_eq!(cli(&["shutdown"]), ["disrupt"]);
        assert_eq!(cli(&["CONFIG", "SET", "maxmemory", "1mb", "dir", "/etc"]), ["config-files"]);
        assert_eq!(cli(&["SWAPDB", "0", "1"]), ["swapdb"]);
        assert_eq!(cli(&["DEBUG", "RELOAD"]), ["debug"]);
        assert_eq!(cli(&["REPLICAOF", "10.0.0.1", "6379"]), ["flush"]);
        assert_eq!(cli(&["EVALSHA", "abc", "0"]), ["dynamic"]);
        assert_eq!(cli(&["--cluster", "call", "127.0.0.1:7000", "FLUSHALL"]), ["flush"]);
    }

    #[test]
    fn harmless_commands() {
        for args in [
            &["GET", "x"][..],
            &["DEL", "onekey"],
            &["UNLINK", "onekey"],
            &["REPLICAOF", "NO", "ONE"],
            &["CONFIG", "GET", "dir"],
            &["SCRIPT", "FLUSH"],
            &["--scan", "--pattern", "user:*"],
            &["EVAL_RO", "return redis.call('FLUSHALL')", "0"],
            &["--version"],
        ] {
            assert!(cli(args).is_empty(), "{args:?}");
        }
    }

    #[test]
    fn eval_scripts() {
        assert_eq!(cli(&["EVAL", "redis.call('FLUSHALL')", "0"]), ["flush"]);
        assert_eq!(cli(&["eval", "return redis.pcall(\"flushdb\", \"async\")", "0"]), ["flush"]);
        assert_eq!(cli(&["EVAL", "local c = redis.call; c('flushall')", "0"]), ["dynamic"]);
        assert_eq!(cli(&["EVAL", "redis.call(ARGV[1])", "0", "flushall"]), ["dynamic"]);
        assert_eq!(cli(&["EVAL", "return redis.call('del', unpack(redis.call('keys', 'x*')))", "0"]), ["delete-keys"]);
        assert!(cli(&["EVAL", "return redis.call('del', KEYS[1])", "1", "k"]).is_empty());
        assert!(cli(&["EVAL", "-- redis.call('flushall')\nreturn 1", "0"]).is_empty());
        assert!(cli(&["EVAL", "return 'redis.call(\"flushall\")'", "0"]).is_empty());
        let r = Run::new("redis-cli", &["--eval", "s.lua", "k", ",", "a"]).file("s.lua", "redis.call('FLUSHDB')");
        assert_eq!(kinds(&run(r)), ["flush"]);
    }

    #[test]
    fn stdin_commands() {
        let r = Run::new("redis-cli", &[]).stdin("GET a\nFLUSHALL\n");
        assert_eq!(kinds(&run(r)), ["flush"]);
        let r = Run::new("redis-cli", &["GET", "a"]).stdin("FLUSHALL\n");
        assert!(kinds(&run(r)).is_empty());
        let r = Run::new("redis-cli", &["-x", "EVAL"]).stdin("redis.call('flushall')");
        assert_eq!(kinds(&run(r)), ["flush"], "the script comes from stdin");
        let r = Run::new("redis-cli", &["-x", "SET", "k"]).stdin("FLUSHALL");
        assert!(kinds(&run(r)).is_empty());
        assert_eq!(kinds(&run(Run::new("redis-cli", &["-x", "FLUSHALL"]))), ["flush"]);
        let r = Run::new("redis-cli", &["-X", "T", "EVAL", "T", "0"]).stdin("redis.call('flushdb')");
        assert_eq!(kinds(&run(r)), ["flush"]);
        let r = Run::new("redis-cli", &["--pipe"]).stdin("*1\r\n$8\r\nFLUSHALL\r\n");
        assert_eq!(kinds(&run(r)), ["flush"]);
        let r = Run::new("redis-cli", &[]).stdin("SET \"a\nFLUSHALL \"x\n");
        assert_eq!(kinds(&run(r)), ["unparsed"]);
    }

    #[test]
    fn splitting_like_redis_cli() {
        assert_eq!(
            split_args("set a \"b c\" 'd\\'e'"),
            Some(vec!["set".into(), "a".into(), "b c".into(), "d'e".into()])
        );
        assert_eq!(split_args("\"\\x41\\n\""), Some(vec!["A\n".into()]));
        assert_eq!(split_args("\"a\"b"), None);
        assert_eq!(split_args("'open"), None);
    }
}
