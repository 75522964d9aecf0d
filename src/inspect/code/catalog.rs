//! Which calls destroy, per language, and what each one amounts to.
//!
//! A destroying call becomes an [`Effect`] that guard already knows how to judge: a
//! recursive delete is `rm -r -f PATH`, a command run through `system`/`subprocess`/
//! `child_process` is that command (a shell string or an argv), an HTTP call is the
//! request curl would send, a statement given to a database driver is that statement.
//! The packs for `rm`, the shell's programs, `curl` and `psql` then decide, exactly as
//! they would for the command typed in a shell.
//!
//! Names that are common words (`remove`, `delete`, `exec`, `query`) count only with a
//! qualifier or an import that says which library they belong to (`os.remove`,
//! `requests.delete`, `child_process` required, a database driver imported).

use super::calls::{Call, Lit, Site};
use super::lexer::{Lang, Tok, Token};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Deletes a directory tree.
    RemoveTree { what: String, path: Lit },
    /// Deletes one file.
    RemoveFile { what: String, path: Lit },
    /// Runs a command string with a shell.
    Shell { what: String, command: Lit },
    /// Runs a command string with a shell, feeding it what the code writes (an awk
    /// output pipe): its stdin is not known.
    PipeTo { what: String, command: Lit },
    /// Runs a program with these arguments (the first is the program).
    Argv { what: String, argv: Vec<Lit> },
    /// Sends an HTTP request.
    Http { what: String, method: Lit, url: Lit, body: Option<Lit> },
    /// Runs SQL through a driver; `client` is the shell client of that database.
    Sql { what: String, client: &'static str, statement: Lit },
}

/// Names and short strings the code mentions (which libraries it uses), and the
/// names modules are imported as (`import subprocess as sp`, `const cp =
/// require("child_process")`).
pub struct Hints {
    names: BTreeSet<String>,
    aliases: Vec<(String, String)>,
}

impl Hints {
    pub fn new(lang: Lang, tokens: &[Token]) -> Hints {
        let names = tokens
            .iter()
            .filter_map(|t| match &t.tok {
                Tok::Ident(n) => Some(n.clone()),
                Tok::Str { value, .. } if value.len() < 64 => Some(value.clone()),
                _ => None,
            })
            .collect();
        Hints { names, aliases: aliases(lang, tokens) }
    }

    /// What a qualifier stands for: the module an alias names, else itself.
    fn resolve<'a>(&'a self, qualifier: &'a str) -> &'a str {
        self.aliases.iter().find(|(alias, _)| alias == qualifier).map_or(qualifier, |(_, module)| module.as_str())
    }

    fn any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.names.contains(*n))
    }

    fn any_containing(&self, fragments: &[&str]) -> bool {
        self.names.iter().any(|h| fragments.iter().any(|f| h.to_ascii_lowercase().contains(f)))
    }

    /// The database client whose SQL dialect the code's driver speaks, if it uses one.
    fn sql_client(&self, lang: Lang) -> Option<&'static str> {
        let sqlite = self.any_containing(&["sqlite"]);
        let mysql = self.any_containing(&["mysql", "mariadb"]);
        let postgres = self.any_containing(&["psycopg", "asyncpg", "pg8000", "postgres", "sqlalchemy", "sequelize"])
            || self.any(&["pg", "PG", "knex", "DBI", "PDO", "Sequel", "ActiveRecord", "pg_query", "prisma"]);
        let _ = lang;
        if sqlite {
            Some("sqlite3")
        } else if mysql {
            Some("mysql")
        } else if postgres {
            Some("psql")
        } else {
            None
        }
    }
}

pub fn effects(lang: Lang, site: &Site, hints: &Hints) -> Vec<Effect> {
    match site {
        Site::Shell { what, command } if what.contains("output pipe") => {
            vec![Effect::PipeTo { what: what.clone(), command: command.clone() }]
        }
        Site::Shell { what, command } => vec![Effect::Shell { what: what.clone(), command: command.clone() }],
        Site::Call(call) => match lang {
            Lang::Python => python(call, hints),
            Lang::JavaScript => javascript(call, hints),
            Lang::Ruby => ruby(call, hints),
            Lang::Perl => perl(call, hints),
            Lang::Php => php(call, hints),
            Lang::Awk => awk(call),
        },
    }
}

fn what(call: &Call) -> String {
    format!("`{}`", call.callee.join("."))
}

fn unknown(text: &str) -> Lit {
    Lit::Unknown(text.to_string())
}

/// A command given as one string (shell) or a list (argv).
fn command(call: &Call, value: Option<&Lit>, shell: bool) -> Effect {
    let what = what(call);
    match value {
        Some(Lit::List(items)) if !shell => Effect::Argv { what, argv: items.clone() },
        Some(Lit::List(items)) => Effect::Shell {
            what,
            command: match items.iter().map(|i| i.str().map(shell_words::quote)).collect::<Option<Vec<_>>>() {
                Some(words) => Lit::Str(words.join(" ")),
                None => unknown(&call.text),
            },
        },
        Some(v) => Effect::Shell { what, command: v.clone() },
        None => Effect::Shell { what, command: unknown(&call.text) },
    }
}

/// An argv spread over arguments: `program, arg0, arg1…` (`os.execlp`, Ruby's
/// `system("rm", "-rf", x)`).
fn spread(call: &Call, args: &[&Lit]) -> Effect {
    let mut argv: Vec<Lit> = Vec::new();
    for (k, a) in args.iter().enumerate() {
        match a {
            // `system(["rm", "rm"], "-rf")`: [program, argv0]
            Lit::List(pair) if k == 0 => argv.push(pair.first().cloned().unwrap_or(Lit::Unknown(call.text.clone()))),
            other => argv.push((*other).clone()),
        }
    }
    Effect::Argv { what: what(call), argv }
}

fn http(call: &Call, method: Lit, url: Option<&Lit>, body: Option<&Lit>) -> Effect {
    Effect::Http {
        what: what(call),
        method,
        url: url.cloned().unwrap_or_else(|| unknown(&call.text)),
        body: body.cloned(),
    }
}

fn sql(call: &Call, client: &'static str, statement: Option<&Lit>) -> Effect {
    Effect::Sql { what: what(call), client, statement: statement.cloned().unwrap_or_else(|| unknown(&call.text)) }
}

fn remove_each(call: &Call, args: &[&Lit], tree: bool) -> Vec<Effect> {
    let mut paths: Vec<Lit> = Vec::new();
    for a in args {
        match a {
            Lit::List(items) => paths.extend(items.iter().cloned()),
            Lit::Map(_) => {} // options
            other => paths.push((*other).clone()),
        }
    }
    if paths.is_empty() {
        paths.push(unknown(&call.text));
    }
    paths
        .into_iter()
        .map(|path| {
            if tree {
                Effect::RemoveTree { what: what(call), path }
            } else {
                Effect::RemoveFile { what: what(call), path }
            }
        })
        .collect()
}

/// The path a method works on: `Path("x").unlink()` → `x`.
fn receiver_path(call: &Call) -> Lit {
    match call.receiver.as_deref() {
        Some(r) if matches!(r.name(), "Path" | "PosixPath" | "PurePath" | "Pathname" | "new" | "path") => {
            r.positional().first().map_or_else(|| unknown(&call.text), |p| (*p).clone())
        }
        _ => unknown(&call.text),
    }
}

const HTTP_VERBS: &[&str] = &["delete", "post", "put", "patch"];

/// The qualifier with aliases resolved; for a method of `require("m")` or
/// `__import__("m")`, the module.
fn qualifier<'a>(call: &'a Call, hints: &'a Hints) -> &'a str {
    let qual = call.qualifier();
    if !qual.is_empty() {
        let resolved = hints.resolve(qual);
        // `node:child_process`, `fs/promises`
        return resolved.strip_prefix("node:").unwrap_or(resolved);
    }
    match call.receiver.as_deref() {
        Some(r) if matches!(r.name(), "require" | "__import__" | "import" | "import_module") => {
            let module = r.positional().first().and_then(|m| m.str()).unwrap_or("");
            module.strip_prefix("node:").unwrap_or(module)
        }
        _ => "",
    }
}

fn python(call: &Call, hints: &Hints) -> Vec<Effect> {
    let (name, qual) = (call.name(), qualifier(call, hints));
    let pos = call.positional();
    let subprocess = qual == "subprocess" || (qual.is_empty() && hints.any(&["subprocess"]));
    match name {
        "rmtree" if pos.is_empty() && call.arg(0, "path").is_none() => {
            vec![Effect::RemoveTree { what: what(call), path: receiver_path(call) }]
        }
        "rmtree" => vec![Effect::RemoveTree { what: what(call), path: arg_or(call, 0, "path") }],
        "remove" | "unlink" if qual == "os" => {
            vec![Effect::RemoveFile { what: what(call), path: arg_or(call, 0, "path") }]
        }
        "unlink" if pos.is_empty() => vec![Effect::RemoveFile { what: what(call), path: receiver_path(call) }],
        "system" | "popen" if qual == "os" || (qual.is_empty() && hints.any(&["os"])) => {
            vec![command(call, call.arg(0, "command").or(call.arg(0, "cmd")), true)]
        }
        "getoutput" | "getstatusoutput" if qual == "subprocess" || qual == "commands" => {
            vec![command(call, call.arg(0, "cmd"), true)]
        }
        "run" | "call" | "check_call" | "check_output" | "Popen" if subprocess => {
            let shell = call.arg(99, "shell").is_some_and(|v| *v != Lit::Bool(false));
            vec![command(call, call.arg(0, "args"), shell)]
        }
        "create_subprocess_shell" => vec![command(call, call.arg(0, "cmd"), true)],
        "create_subprocess_exec" => vec![spread(call, &pos)],
        "spawn" if qual == "pty" => vec![command(call, pos.first().copied(), false)],
        n if qual == "os" && n.starts_with("exec") && n.len() <= 7 => {
            // execl*(path, arg0, arg1…), execv*(path, [arg0, …])
            let Some(program) = pos.first() else { return vec![command(call, None, true)] };
            let rest: Vec<Lit> = if n.starts_with("execv") {
                match pos.get(1) {
                    Some(Lit::List(items)) => items.iter().skip(1).cloned().collect(),
                    _ => vec![unknown(&call.text)],
                }
            } else {
                pos.iter().skip(2).filter(|a| !matches!(a, Lit::Map(_))).map(|a| (*a).clone()).collect()
            };
            let mut argv = vec![(*program).clone()];
            argv.extend(rest);
            vec![Effect::Argv { what: what(call), argv }]
        }
        n if qual == "os" && (n.starts_with("spawn") || n.starts_with("posix_spawn")) => {
            let skip = usize::from(n.starts_with("spawn"));
            let program = pos.get(skip).map_or_else(|| unknown(&call.text), |p| (*p).clone());
            let rest: Vec<Lit> = match pos.get(skip + 1) {
                Some(Lit::List(items)) => items.iter().skip(1).cloned().collect(),
                Some(_) => {
                    pos.iter().skip(skip + 2).filter(|a| !matches!(a, Lit::Map(_))).map(|a| (*a).clone()).collect()
                }
                None => Vec::new(),
            };
            let mut argv = vec![program];
            argv.extend(rest);
            vec![Effect::Argv { what: what(call), argv }]
        }
        v if HTTP_VERBS.contains(&v)
            && hints.any(&[
                "requests",
                "httpx",
                "aiohttp",
                "urllib3",
                "session",
                "Session",
                "Client",
                "AsyncClient",
            ]) =>
        {
            let body =
                call.arg(99, "json").or(call.arg(99, "data")).or(call.arg(99, "content")).or(call.arg(1, "data"));
            vec![http(call, Lit::Str(v.to_ascii_uppercase()), call.arg(0, "url"), body)]
        }
        "request" | "urlopen" | "Request"
            if hints.any(&[
                "requests",
                "httpx",
                "aiohttp",
                "urllib3",
                "urllib",
                "http",
                "HTTPConnection",
                "HTTPSConnection",
            ]) =>
        {
            if name == "urlopen" {
                return Vec::new(); // a Request object or a GET of a URL
            }
            if name == "Request" {
                // urllib.request.Request(url, data, headers, origin, unverifiable, method)
                let data = call.arg(1, "data");
                let method = call
                    .arg(5, "method")
                    .cloned()
                    .unwrap_or(Lit::Str(if data.is_some_and(|d| *d != Lit::Null) { "POST" } else { "GET" }.into()));
                return vec![http(call, method, call.arg(0, "url"), data)];
            }
            let body = call.arg(99, "json").or(call.arg(99, "data")).or(call.arg(99, "body")).or(call.arg(2, "body"));
            let method = call.arg(0, "method").cloned().unwrap_or_else(|| unknown(&call.text));
            vec![http(call, method, call.arg(1, "url"), body)]
        }
        "execute" | "executemany" | "executescript" | "exec_driver_sql" | "fetch" | "fetchrow" | "fetchval" => {
            match hints.sql_client(Lang::Python) {
                Some(client) => vec![sql(call, client, pos.first().copied().or(call.arg(0, "query")))],
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn arg_or(call: &Call, index: usize, name: &str) -> Lit {
    call.arg(index, name).cloned().unwrap_or_else(|| unknown(&call.text))
}

fn javascript(call: &Call, hints: &Hints) -> Vec<Effect> {
    let (name, qual) = (call.name(), qualifier(call, hints));
    let pos = call.positional();
    let fs_qualified = qual.to_ascii_lowercase().contains("fs") || qual == "promises" || qual == "Deno";
    let fs_like = fs_qualified || qual.is_empty();
    let child_process = hints.any_containing(&["child_process"]);
    let recursive = |opts: Option<&&Lit>| match opts {
        Some(o) => o.flag("recursive").unwrap_or(true),
        None => false,
    };
    match name {
        "rm" | "remove" | "removeSync" if fs_qualified => {
            let tree = recursive(pos.get(1)) || (name != "rm" && qual != "Deno");
            vec![if tree {
                Effect::RemoveTree { what: what(call), path: arg_or(call, 0, "") }
            } else {
                Effect::RemoveFile { what: what(call), path: arg_or(call, 0, "") }
            }]
        }
        "rmSync" | "rmdir" | "rmdirSync" if fs_like => {
            let tree = recursive(pos.get(1));
            vec![if tree {
                Effect::RemoveTree { what: what(call), path: arg_or(call, 0, "") }
            } else {
                Effect::RemoveFile { what: what(call), path: arg_or(call, 0, "") }
            }]
        }
        "unlink" | "unlinkSync" if fs_like => vec![Effect::RemoveFile { what: what(call), path: arg_or(call, 0, "") }],
        "rimraf" | "rimrafSync" | "emptyDir" | "emptyDirSync" | "deleteAsync" | "deleteSync" => {
            remove_each(call, &pos[..pos.len().min(1)], true)
        }
        "sync" if qual == "rimraf" || qual == "del" => remove_each(call, &pos[..pos.len().min(1)], true),
        "exec" | "execSync" if child_process => {
            vec![command(call, pos.first().copied(), true)]
        }
        "execFile" | "execFileSync" | "execa" | "execaSync" => {
            let mut argv = vec![arg_or(call, 0, "")];
            match pos.get(1) {
                Some(Lit::List(items)) => argv.extend(items.iter().cloned()),
                Some(Lit::Map(_)) | None => {}
                Some(other) => argv.push((*other).clone()),
            }
            vec![Effect::Argv { what: what(call), argv }]
        }
        "execaCommand" | "execaCommandSync" => vec![command(call, pos.first().copied(), true)],
        "spawn" | "spawnSync" if child_process || qual == "Bun" => {
            if qual == "Bun" {
                let list = match pos.first() {
                    Some(m @ Lit::Map(_)) => m.get("cmd").cloned(),
                    other => other.map(|l| (*l).clone()),
                };
                return vec![command(call, list.as_ref(), false)];
            }
            let opts = pos.iter().find(|a| matches!(a, Lit::Map(_)));
            let shell = opts.is_some_and(|o| o.get("shell").is_some_and(|v| *v != Lit::Bool(false)));
            let program = arg_or(call, 0, "");
            match pos.get(1) {
                Some(Lit::List(items)) if !shell => {
                    let mut argv = vec![program];
                    argv.extend(items.iter().cloned());
                    vec![Effect::Argv { what: what(call), argv }]
                }
                Some(Lit::List(items)) => {
                    let mut all = vec![program];
                    all.extend(items.iter().cloned());
                    vec![command(call, Some(&Lit::List(all)), true)]
                }
                _ if shell || program.str().is_some_and(|p| p.contains(' ')) => {
                    vec![command(call, Some(&program), true)]
                }
                _ => vec![Effect::Argv { what: what(call), argv: vec![program] }],
            }
        }
        "Command" if qual == "Deno" => {
            let mut argv = vec![arg_or(call, 0, "")];
            match pos.get(1).and_then(|o| o.get("args")) {
                Some(Lit::List(items)) => argv.extend(items.iter().cloned()),
                Some(other) => argv.push(other.clone()),
                None => {}
            }
            vec![Effect::Argv { what: what(call), argv }]
        }
        "run" if qual == "Deno" => {
            let list = pos.first().and_then(|o| o.get("cmd")).cloned();
            vec![command(call, list.as_ref(), false)]
        }
        // zx and Bun Shell: $`cmd`
        "$" => vec![command(call, pos.first().copied(), true)],
        "fetch" => {
            let opts = pos.get(1).copied();
            let method = match opts {
                None => Lit::Str("GET".into()),
                Some(o @ Lit::Map(_)) => o.get("method").cloned().unwrap_or(Lit::Str("GET".into())),
                Some(other) => other.clone(),
            };
            vec![http(call, method, pos.first().copied(), opts.and_then(|o| o.get("body")))]
        }
        v if HTTP_VERBS.contains(&v) && (qual == "axios" || qual == "got" || qual == "ky" || qual == "superagent") => {
            vec![http(call, Lit::Str(v.to_ascii_uppercase()), pos.first().copied(), pos.get(1).copied())]
        }
        "axios" | "request" if qual == "axios" || name == "axios" => {
            let config = pos.iter().find(|a| matches!(a, Lit::Map(_))).copied();
            let url = pos.first().filter(|a| !matches!(a, Lit::Map(_))).copied().or(config.and_then(|c| c.get("url")));
            let method = config.and_then(|c| c.get("method")).cloned().unwrap_or(Lit::Str("GET".into()));
            vec![http(call, method, url, config.and_then(|c| c.get("data")))]
        }
        "request" if qual == "http" || qual == "https" => {
            let opts = pos.iter().find(|a| matches!(a, Lit::Map(_))).copied();
            let method = opts.and_then(|o| o.get("method")).cloned().unwrap_or(match opts {
                Some(o) if o.is_known() => Lit::Str("GET".into()),
                _ => unknown(&call.text),
            });
            let url = pos.first().filter(|a| !matches!(a, Lit::Map(_))).copied();
            vec![http(call, method, url.or(Some(&unknown(&call.text))), None)]
        }
        "query" | "exec" | "execute" | "run" | "raw" | "unsafe" | "$executeRawUnsafe" | "$queryRawUnsafe"
        | "$executeRaw" | "$queryRaw" | "sql" => match hints.sql_client(Lang::JavaScript) {
            Some(client) if !(name == "exec" && child_process && qual.is_empty()) => {
                vec![sql(call, client, pos.first().copied())]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn ruby(call: &Call, hints: &Hints) -> Vec<Effect> {
    let (name, qual) = (call.name(), call.qualifier());
    let pos = call.positional();
    let file_utils = matches!(qual, "FileUtils" | "Verbose");
    match name {
        "rm_rf" | "rm_r" | "rmtree" | "remove_dir" | "remove_entry" | "remove_entry_secure" | "rm_rf!"
            if file_utils =>
        {
            remove_each(call, &pos, true)
        }
        "rmtree" if pos.is_empty() => vec![Effect::RemoveTree { what: what(call), path: receiver_path(call) }],
        "rm" | "rm_f" | "remove" | "remove_file" | "safe_unlink" if file_utils => remove_each(call, &pos, false),
        "delete" | "unlink" if qual == "File" => remove_each(call, &pos, false),
        "system" | "exec" | "spawn" | "popen" | "capture2" | "capture2e" | "capture3" | "popen2" | "popen2e"
        | "popen3" | "pipeline" | "pipeline_r" | "pipeline_w" | "pipeline_rw" | "pipeline_start"
            if matches!(qual, "" | "Kernel" | "Process" | "IO" | "Open3") =>
        {
            // a leading environment hash is not the command
            let args: Vec<&Lit> = pos
                .iter()
                .copied()
                .skip_while(|a| matches!(a, Lit::Map(_)))
                .filter(|a| !matches!(a, Lit::Map(_)))
                .collect();
            match args.as_slice() {
                [one] => vec![command(call, Some(one), false)],
                [] => vec![command(call, None, true)],
                many => vec![spread(call, many)],
            }
        }
        "new" if matches!(qual, "Delete" | "Post" | "Put" | "Patch") && call.callee.iter().any(|c| c == "HTTP") => {
            vec![http(call, Lit::Str(qual.to_ascii_uppercase()), pos.first().copied(), None)]
        }
        v if HTTP_VERBS.contains(&v)
            && matches!(qual, "HTTParty" | "RestClient" | "Faraday" | "HTTP" | "Excon" | "Typhoeus") =>
        {
            let body = call.arg(99, "body").or(pos.get(1).copied());
            vec![http(call, Lit::Str(v.to_ascii_uppercase()), pos.first().copied(), body)]
        }
        "execute" | "exec" | "query" | "exec_query" | "execute_batch" | "run" | "async_exec" => {
            match hints.sql_client(Lang::Ruby) {
                Some(client) => vec![sql(call, client, pos.first().copied())],
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn perl(call: &Call, hints: &Hints) -> Vec<Effect> {
    let (name, qual) = (call.name(), call.qualifier());
    let pos = call.positional();
    match name {
        "rmtree" | "remove_tree" => remove_each(call, &pos, true),
        "unlink" if qual.is_empty() => remove_each(call, &pos, false),
        "system" | "exec" if qual.is_empty() => match pos.as_slice() {
            [one] => vec![command(call, Some(one), true)],
            [] => vec![command(call, None, true)],
            many => vec![spread(call, many)],
        },
        "open" if qual.is_empty() => match pos.as_slice() {
            [_, Lit::Str(mode), rest @ ..] if mode.trim() == "-|" || mode.trim() == "|-" => match rest {
                [one] => vec![command(call, Some(one), true)],
                [] => Vec::new(),
                many => vec![spread(call, many)],
            },
            [_, Lit::Str(spec)] if spec.trim_start().starts_with('|') || spec.trim_end().ends_with('|') => {
                let cmd = spec.trim().trim_start_matches('|').trim_end_matches('|').to_string();
                vec![command(call, Some(&Lit::Str(cmd)), true)]
            }
            [_, Lit::Unknown(_)] | [_, Lit::Unknown(_), ..] => Vec::new(), // a file, most likely
            _ => Vec::new(),
        },
        "new" if qual == "Request" && call.callee.iter().any(|c| c == "HTTP") => {
            vec![http(
                call,
                pos.first().map_or_else(|| unknown(&call.text), |m| (*m).clone()),
                pos.get(1).copied(),
                pos.get(3).copied(),
            )]
        }
        v if HTTP_VERBS.contains(&v)
            && !qual.is_empty()
            && hints.any_containing(&["lwp", "useragent", "http::tiny", "mojo"]) =>
        {
            vec![http(call, Lit::Str(v.to_ascii_uppercase()), pos.first().copied(), pos.get(1).copied())]
        }
        "request" if hints.any_containing(&["http::tiny"]) => {
            vec![http(
                call,
                pos.first().map_or_else(|| unknown(&call.text), |m| (*m).clone()),
                pos.get(1).copied(),
                None,
            )]
        }
        "do" | "prepare" | "selectall_arrayref" | "selectrow_array" if hints.any(&["DBI"]) => {
            let client = hints.sql_client(Lang::Perl).unwrap_or("psql");
            vec![sql(call, client, pos.first().copied())]
        }
        _ => Vec::new(),
    }
}

fn php(call: &Call, hints: &Hints) -> Vec<Effect> {
    let (name, qual) = (call.name(), call.qualifier());
    let pos = call.positional();
    match name {
        "unlink" if qual.is_empty() => vec![Effect::RemoveFile { what: what(call), path: arg_or(call, 0, "") }],
        "system" | "exec" | "shell_exec" | "passthru" | "popen" | "proc_open" if qual.is_empty() => {
            vec![command(call, pos.first().copied(), !matches!(pos.first(), Some(Lit::List(_))))]
        }
        "pcntl_exec" => {
            let mut argv = vec![arg_or(call, 0, "")];
            if let Some(Lit::List(items)) = pos.get(1) {
                argv.extend(items.iter().cloned());
            }
            vec![Effect::Argv { what: what(call), argv }]
        }
        "mysqli_query" | "mysqli_multi_query" | "mysqli_real_query" => vec![sql(call, "mysql", pos.get(1).copied())],
        "pg_query" => vec![sql(call, "psql", pos.get(if pos.len() > 1 { 1 } else { 0 }).copied())],
        "exec" | "query" | "prepare" | "multi_query" | "real_query" if !qual.is_empty() => {
            match hints.sql_client(Lang::Php) {
                Some(client) => vec![sql(call, client, pos.first().copied())],
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn awk(call: &Call) -> Vec<Effect> {
    match call.name() {
        "system" => vec![command(call, call.positional().first().copied(), true)],
        _ => Vec::new(),
    }
}

/// `import a.b as c` (Python); `const c = require("m")`, `import c from "m"`,
/// `import * as c from "m"` (JavaScript): alias → module.
fn aliases(lang: Lang, tokens: &[Token]) -> Vec<(String, String)> {
    let word = |k: usize| match tokens.get(k).map(|t| &t.tok) {
        Some(Tok::Ident(n)) => Some(n.as_str()),
        _ => None,
    };
    let punct = |k: usize, p: &str| matches!(tokens.get(k).map(|t| &t.tok), Some(Tok::Punct(x)) if x == p);
    let string = |k: usize| match tokens.get(k).map(|t| &t.tok) {
        Some(Tok::Str { value, .. }) => Some(value.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    for k in 0..tokens.len() {
        match lang {
            Lang::Python if word(k) == Some("import") => {
                // import a.b.c as d
                let mut j = k + 1;
                let mut module = Vec::new();
                while let Some(n) = word(j) {
                    module.push(n.to_string());
                    if punct(j + 1, ".") {
                        j += 2;
                    } else {
                        break;
                    }
                }
                if word(j + 1) == Some("as")
                    && let Some(alias) = word(j + 2)
                {
                    out.push((alias.to_string(), module.last().cloned().unwrap_or_default()));
                }
            }
            Lang::JavaScript if matches!(word(k), Some("const" | "let" | "var")) => {
                // const cp = require("child_process")
                if let Some(alias) = word(k + 1)
                    && punct(k + 2, "=")
                    && word(k + 3) == Some("require")
                    && punct(k + 4, "(")
                    && let Some(module) = string(k + 5)
                {
                    out.push((alias.to_string(), module));
                }
            }
            Lang::JavaScript if word(k) == Some("import") => {
                // import c from "m"; import * as c from "m"
                let alias = if punct(k + 1, "*") && word(k + 2) == Some("as") { word(k + 3) } else { word(k + 1) };
                let from = if punct(k + 1, "*") { k + 4 } else { k + 2 };
                if let Some(alias) = alias
                    && word(from) == Some("from")
                    && let Some(module) = string(from + 1)
                {
                    out.push((alias.to_string(), module));
                }
            }
            _ => {}
        }
    }
    out
}

/// Names that can destroy, for code guard cannot tokenize: mentioning one of them
/// is enough to need a person.
pub const DESTROY_NAMES: &[&str] = &[
    "rmtree",
    "remove",
    "unlink",
    "system",
    "popen",
    "subprocess",
    "Popen",
    "exec",
    "execSync",
    "spawn",
    "spawnSync",
    "execFile",
    "child_process",
    "rmSync",
    "rm",
    "rimraf",
    "rm_rf",
    "rm_r",
    "remove_tree",
    "remove_dir",
    "shell_exec",
    "passthru",
    "proc_open",
    "delete",
    "DELETE",
    "fetch",
    "request",
    "execute",
    "query",
    "drop",
    "DROP",
    "truncate",
    "TRUNCATE",
    "getline",
    "qx",
    "Command",
    "run",
    "call",
    "check_call",
    "check_output",
    "getoutput",
    "execv",
    "execvp",
    "execl",
    "execlp",
    "spawnv",
    "posix_spawn",
];
