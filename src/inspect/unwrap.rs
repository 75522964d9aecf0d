//! Commands that run other commands: the inner command is judged in their place.
//!
//! `sudo`, `env`, `timeout`, `nohup`, `xargs`… run an argv; `bash -c`, `su -c`,
//! `watch`, `ssh host …` run a shell string; `bash` with no string runs a script file
//! or stdin; `npx @railway/cli …` runs the program a package provides. The pack says
//! which (`runs:` on the grammar node); this module finds the inner command and hands
//! it back to [`super::inspect_argv`], so every rule applies at any depth.
//!
//! Words from a shell string whose value cannot be known before it runs (`$TOKEN`,
//! `$(…)`) reach the grammar marked with [`UNKNOWN`]. A marked word where it decides
//! what a command destroys (an operand, an option that is not inert) on a command that
//! can destroy is unjudged: it needs a person.

use super::payload::{Payload, Sources};
use super::renames::{Renamed, Renames};
use super::shell::{self, RedirectKind, SimpleCommand, Stdin, Word};
use super::{Ctx, MAX_NESTING, inspect_argv};
use crate::invocation::program_name;
use crate::operation::{Command, Operation, Unjudged};
use crate::rules::RuleSet;
use crate::rules::schema::{Class, Runs};
use crate::target::Env;
use std::ffi::OsStr;
use std::path::Path;

/// Prefixes a word whose value guard cannot know (followed by the word as written).
pub const UNKNOWN: char = '\u{E000}';

/// Headers whose value changes the request's method or how its body is read.
const SIGNIFICANT_HEADERS: &[&str] =
    &["x-http-method-override", "x-http-method", "x-method-override", "content-type", "content-encoding"];

/// A header (`Name: value`) whose name is known and harmless, so its value (a token,
/// say) cannot change what the request does.
/// An unknown word arrives as written (`"Authorization: Bearer $TOKEN"`): its name is
/// known when the text before the colon holds no expansion.
pub fn header_is_inert(header: &str) -> bool {
    let text = header.strip_prefix(UNKNOWN).map_or(header, |raw| raw.trim_start_matches(['"', '\'']));
    let Some((name, _)) = text.split_once(':') else { return false };
    let name = name.trim().to_ascii_lowercase();
    let expanded = name.contains(['$', '`', '\\', UNKNOWN]);
    !expanded && !name.is_empty() && !SIGNIFICANT_HEADERS.contains(&name.as_str())
}

/// The inner command(s) of a wrapper, judged.
pub fn inner(rules: &mut RuleSet, cmd: &Command, runs: &Runs, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let operands: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    if runs.noexec_option.as_deref().is_some_and(|o| cmd.option_in_effect(o)) {
        return Vec::new();
    }
    if let Some(code) = &runs.code {
        return super::code::inspect(rules, cmd, code, ctx, depth);
    }
    if let Some(via) = runs.via.as_deref() {
        return super::deferred::inspect(rules, cmd, via, ctx, depth);
    }
    let here = || format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string();
    if let Some(select) = &runs.select {
        if let (Some(opt), Some(at)) = (select.raw_option.as_deref(), select.operand)
            && cmd.option_in_effect(opt)
        {
            let words = operands.get(at..).unwrap_or_default();
            return if words.is_empty() { Vec::new() } else { shell_string(rules, &words.join(" "), ctx, depth) };
        }
        let chosen = match (select.option.as_deref(), select.operand) {
            (Some(opt), _) => cmd
                .option_values(opt)
                .last()
                .map(|v| v.to_string())
                .or_else(|| select.default.as_deref().map(Into::into)),
            (None, Some(at)) => operands.get(at).map(|v| v.to_string()),
            (None, None) => None,
        };
        let Some(chosen) = chosen else { return Vec::new() };
        if chosen.starts_with(UNKNOWN) {
            return vec![unjudged(&here(), &format!("what `{}` runs is only known when it runs", shown(&chosen)))];
        }
        if select.script.as_deref().is_some_and(|re| selects(re, &chosen)) {
            return selected_script(rules, cmd, runs, &operands, ctx, depth);
        }
        if !selects(&select.shell, &chosen) {
            return Vec::new();
        }
        if let (Some(name), Some(at)) = (select.keyword.as_deref(), runs.shell_words_at) {
            let prefix = format!("{name}=");
            let words = operands.get(at..).unwrap_or_default();
            if let Some(text) = words.iter().rev().find_map(|w| w.strip_prefix(prefix.as_str())) {
                return shell_string(rules, text, ctx, depth);
            }
        }
    }
    if let Some(opt) = runs.shell_option.as_deref()
        && cmd.option_in_effect(opt)
    {
        let text = if runs.shell_in_value { cmd.option_values(opt).last().copied() } else { operands.first().copied() };
        return match text {
            Some(t) => shell_string(rules, t, ctx, depth),
            None => vec![unjudged(&here(), "the command string is missing")],
        };
    }
    if let Some(at) = runs.shell_words_at {
        let words = operands.get(at..).unwrap_or_default();
        if runs.argv_option.as_deref().is_some_and(|o| cmd.option_in_effect(o)) {
            return argv(rules, cmd, runs, words, ctx, depth);
        }
        if words.is_empty() {
            return remote_login_shell(rules, cmd, runs, ctx, depth);
        }
        let mut ops = shell_string(rules, &words.join(" "), ctx, depth);
        // `parallel CMD` with no `:::` or arg file: the arguments come from its input
        let args_listed = words.iter().any(|w| w.starts_with(":::")) || cmd.option_in_effect("arg-file");
        if runs.args_from_stdin
            && !args_listed
            && ops.iter().any(|o| o.as_command().is_some_and(|c| c.class == Class::Destroy))
        {
            ops.push(unjudged(
                &cmd.program,
                &format!("{} adds arguments read from its input to a command that can destroy", cmd.program),
            ));
        }
        return ops;
    }
    // a program that runs its argv, or reads commands from stdin when given none
    // (`lvm`): no argv means the stdin script below
    if let Some(at) = runs.argv_at
        && !(runs.stdin_script && operands.is_empty())
    {
        let after_dashdash = cmd.operands.iter().position(|o| o.after_dashdash).filter(|_| runs.dashdash);
        let mut words: Vec<&str> = operands.get(after_dashdash.unwrap_or(at)..).unwrap_or_default().to_vec();
        let split = split_strings(cmd);
        let split_refs: Vec<&str> = split.iter().map(String::as_str).collect();
        words.splice(0..0, split_refs);
        return argv(rules, cmd, runs, &words, ctx, depth);
    }
    let reads_stdin = operands.is_empty() || cmd.option_in_effect("s");
    if runs.stdin_script && reads_stdin {
        return match ctx.sources.stdin() {
            None => Vec::new(), // a person at an interactive shell
            Some(Payload::Bytes(b)) => shell_string(rules, &String::from_utf8_lossy(&b), ctx, depth),
            Some(Payload::Unreadable(reason)) => vec![unjudged(&here(), &format!("the script on stdin: {reason}"))],
        };
    }
    if runs.script_file
        && let Some(file) = operands.first()
    {
        return match ctx.sources.file(&cmd.dir, file) {
            Payload::Bytes(b) => shell_string(rules, &String::from_utf8_lossy(&b), ctx, depth),
            Payload::Unreadable(reason) => vec![unjudged(&here(), &format!("the script {file}: {reason}"))],
        };
    }
    Vec::new()
}

/// Whether a `runs.select` pattern chooses `word`; a pattern that cannot be used
/// (packs are validated when built or loaded) chooses every word, so it fails closed.
fn selects(pattern: &str, word: &str) -> bool {
    regex_lite::Regex::new(pattern).map_or(true, |re| re.is_match(word))
}

/// A selected command that runs a local script on the hosts (`ansible -m script -a
/// 'cleanup.sh --all'`): the first word of the shell string, without the module's
/// `key=value` settings, names the file, judged like `bash cleanup.sh`.
fn selected_script(
    rules: &mut RuleSet,
    cmd: &Command,
    runs: &Runs,
    operands: &[&str],
    ctx: &Ctx,
    depth: usize,
) -> Vec<Operation> {
    let text = match (runs.shell_option.as_deref(), runs.shell_words_at) {
        (Some(opt), _) if runs.shell_in_value => cmd.option_values(opt).last().map(|v| v.to_string()),
        (_, Some(at)) => operands.get(at..).filter(|w| !w.is_empty()).map(|w| w.join(" ")),
        _ => operands.first().map(|v| v.to_string()),
    };
    let Some(text) = text else { return Vec::new() };
    let words = shell_words::split(&text).unwrap_or_default();
    const SETTINGS: &[&str] = &["chdir", "creates", "removes", "executable", "decrypt"];
    let file = words
        .iter()
        .map(|w| w.strip_prefix("cmd=").unwrap_or(w))
        .find(|w| !w.split_once('=').is_some_and(|(k, _)| SETTINGS.contains(&k)));
    let place = cmd.program.clone();
    match file {
        Some(file) if !file.starts_with(UNKNOWN) && !file.starts_with('{') => match ctx.sources.file(&cmd.dir, file) {
            Payload::Bytes(b) => shell_string(rules, &String::from_utf8_lossy(&b), ctx, depth),
            Payload::Unreadable(reason) => vec![unjudged(&place, &format!("the script {file}: {reason}"))],
        },
        _ => vec![unjudged(&place, &format!("the script in `{}` cannot be read", shown(&text)))],
    }
}

/// `ssh host` with no command starts the remote login shell, which reads its
/// commands from stdin: at a terminal a person types them; otherwise (`ssh host <
/// script.sh`, a heredoc) stdin is the script. `-N` runs nothing, `-n` reads no
/// stdin, `-s` names a subsystem.
fn remote_login_shell(rules: &mut RuleSet, cmd: &Command, runs: &Runs, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    if !runs.remote || ["N", "n", "s", "G", "V", "O", "Q"].iter().any(|o| cmd.option_in_effect(o)) {
        return Vec::new();
    }
    match ctx.sources.stdin() {
        None => Vec::new(),
        Some(Payload::Bytes(b)) => shell_string(rules, &String::from_utf8_lossy(&b), ctx, depth),
        Some(Payload::Unreadable(reason)) => {
            vec![unjudged(&cmd.program, &format!("the commands on stdin for the remote shell: {reason}"))]
        }
    }
}

/// `env -S 'a b'`: the string is split into leading words of the inner command.
fn split_strings(cmd: &Command) -> Vec<String> {
    cmd.option_values("split-string").iter().flat_map(|s| shell_words::split(s).unwrap_or_default()).collect()
}

/// An inner argv: skip `NAME=value` words if the wrapper takes them, map a package to
/// its program, judge it.
fn argv(rules: &mut RuleSet, cmd: &Command, runs: &Runs, words: &[&str], ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let mut words = words;
    let mut assignments = Vec::new();
    if runs.skip_assignments {
        while let Some((first, rest)) = words.split_first() {
            match first.split_once('=') {
                Some((name, value)) if is_name(name) => {
                    assignments.push((name.to_string(), value.to_string()));
                    words = rest;
                }
                _ => break,
            }
        }
    }
    let Some((first, args)) = words.split_first() else { return Vec::new() };
    if first.starts_with(UNKNOWN) {
        return vec![unjudged(&cmd.program, &format!("the command `{}` is only known when it runs", shown(first)))];
    }
    let (program, args): (String, Vec<&str>) = if runs.image {
        let entrypoint = runs.entrypoint_option.as_deref().and_then(|o| cmd.option_values(o).last().copied());
        match super::image::container_command(rules, words, entrypoint) {
            Some((program, _)) if program.starts_with(UNKNOWN) => {
                let reason = format!("the program `{}` is only known when it runs", shown(&program));
                return vec![unjudged(&cmd.program, &reason)];
            }
            Some((program, args)) => (program_name(OsStr::new(&program)), args),
            None => return Vec::new(),
        }
    } else if runs.package {
        (package_program(rules, first), args.to_vec())
    } else {
        (program_name(OsStr::new(first)), args.to_vec())
    };
    let env = ctx.env.with(&assignments);
    let inner_ctx = Ctx { env: &env, ..*ctx };
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut ops = inspect_argv(rules, &program, &args, &inner_ctx, depth + 1);
    if runs.args_from_stdin
        && ops.iter().any(|o| o.as_command().is_some_and(|c| c.class == Class::Destroy && c.program == program))
    {
        ops.push(unjudged(
            &cmd.program,
            &format!("{} adds arguments read from its input to `{program}`, which can destroy", cmd.program),
        ));
    }
    ops
}

/// The program a package provides: the pack's `packages:` table, else the package's
/// own name without scope or version (`@scope/tool@1.2` → `tool`).
pub(crate) fn package_program(rules: &RuleSet, spec: &str) -> String {
    let without_version = match spec.rfind('@') {
        Some(i) if i > 0 => &spec[..i],
        _ => spec,
    };
    for pack in rules.packs.iter() {
        if let Some(program) = pack.spec.packages.get(without_version) {
            return program.to_string();
        }
    }
    without_version.rsplit('/').next().unwrap_or(without_version).to_string()
}

/// A shell string: every simple command it runs, judged.
pub fn shell_string(rules: &mut RuleSet, text: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    if depth >= MAX_NESTING {
        return vec![unjudged("a shell string", "commands are nested too deeply")];
    }
    match shell::parse(text, ctx.cwd) {
        Err(e) => vec![unjudged("a shell string", &format!("it cannot be parsed: {e}"))],
        Ok(script) => {
            let mut renames = Renames::default();
            script.commands.iter().flat_map(|c| simple_command(rules, c, ctx, depth, &mut renames)).collect()
        }
    }
}

fn simple_command(
    rules: &mut RuleSet,
    sc: &SimpleCommand,
    ctx: &Ctx,
    depth: usize,
    renames: &mut Renames,
) -> Vec<Operation> {
    // the directory a literal `cd` led to; an unfollowable `cd` leaves it unknown
    let cwd = sc.cwd.clone().unwrap_or_else(|| ctx.cwd.to_path_buf());
    let here = Ctx { cwd: &cwd, ..*ctx };
    let mut ops: Vec<Operation> = redirect_writes(sc, &here).collect();
    let Some(first) = sc.argv.first() else { return ops };
    let program = match word_text(first, ctx) {
        name if name.starts_with(UNKNOWN) => {
            ops.push(unjudged("a shell string", &format!("the command `{}` is only known when it runs", shown(&name))));
            return ops;
        }
        name => match renames.lookup(&name) {
            Some(Renamed::Program(program)) => program.clone(),
            Some(Renamed::Unknown { source }) => {
                let reason = format!("`{name}` is a copy of `{source}`, which is only known when it runs");
                ops.push(unjudged("a shell string", &reason));
                return ops;
            }
            None => program_name(OsStr::new(&name)),
        },
    };
    let words: Vec<String> = sc.argv[1..].iter().map(|w| word_text(w, ctx)).collect();
    let stdin = match &sc.stdin {
        Stdin::Inherited => ctx.sources.stdin(),
        Stdin::Pipe => Some(Payload::Unreadable("it comes from another command in the pipeline".into())),
        Stdin::Text(Word::Known(body)) => Some(Payload::Bytes(body.clone().into_bytes())),
        Stdin::Text(_) => Some(Payload::Unreadable("the heredoc holds values only known at run time".into())),
        Stdin::File(w) => match word_text(w, ctx) {
            path if path.starts_with(UNKNOWN) => {
                Some(Payload::Unreadable(format!("the file `{}` is only known at run time", shown(&path))))
            }
            path => Some(ctx.sources.file(&cwd, &path)),
        },
        Stdin::Unknown { text } => Some(Payload::Unreadable(format!("stdin is {text}"))),
    };
    let sources = WithStdin { inner: ctx.sources, stdin, read: Default::default() };
    let assignments: Vec<(String, String)> = sc
        .assignments
        .iter()
        .map(|(name, w)| (name.clone(), word_text(w, ctx)))
        .filter(|(_, v)| !v.starts_with(UNKNOWN))
        .collect();
    let env = ctx.env.with(&assignments);
    let inner_ctx = Ctx { sources: &sources, env: &env, cwd: &cwd, ..*ctx };
    let inner = inspect_argv(rules, &program, &words, &inner_ctx, depth + 1);
    if let Some(Operation::Command(cmd)) = inner.last() {
        renames.observe(rules, cmd);
    }
    let destroys_here = inner.iter().any(|o| o.as_command().is_some_and(|c| c.class == Class::Destroy));
    ops.extend(inner);
    if sc.cwd.is_none() && destroys_here {
        ops.push(unjudged(
            &program,
            "it runs in a directory only known at run time (after a `cd` guard cannot follow)",
        ));
    }
    // this command's own payloads, for matching what its shim will read
    if let Some(Operation::Command(cmd)) = ops.iter_mut().rev().find(|o| o.as_command().is_some()) {
        cmd.payloads = sources.digests();
    }
    ops
}

/// `> file`, `>> file` and `<> file` may not write guard's own files.
fn redirect_writes<'a>(sc: &'a SimpleCommand, ctx: &'a Ctx) -> impl Iterator<Item = Operation> + 'a {
    sc.redirects
        .iter()
        .filter(|r| matches!(r.kind, RedirectKind::Write | RedirectKind::Append | RedirectKind::ReadWrite))
        .filter_map(|r| {
            let target = word_text(&r.target, ctx);
            super::protect::check_path("a shell redirection", &target, ctx.cwd, ctx)
        })
}

/// A shell word as an argument: its text, the home directory spelled out, or the
/// word as written behind the [`UNKNOWN`] marker.
fn word_text(w: &Word, ctx: &Ctx) -> String {
    match w {
        Word::Known(s) => s.clone(),
        Word::Unknown { text } => format!("{UNKNOWN}{text}"),
        // the home directory the shell would use: its $HOME
        Word::Home { rest } => match ctx.env.get("HOME").or_else(|| crate::paths::home().ok().map(Into::into)) {
            Some(home) => format!("{}{rest}", home.to_string_lossy()),
            None => format!("{UNKNOWN}~{rest}"),
        },
    }
}

/// A word as written, without the unknown marker.
pub fn shown(word: &str) -> &str {
    word.strip_prefix(UNKNOWN).unwrap_or(word)
}

/// A value only known at run time where it decides what `cmd` destroys.
pub fn unknown_value(cmd: &Command) -> Option<Operation> {
    if cmd.class != Class::Destroy {
        return None;
    }
    let operand = cmd.operands.iter().map(|o| o.text.as_str()).find(|t| t.contains(UNKNOWN));
    let option =
        cmd.options.iter().filter(|o| !o.inert).find_map(|o| o.value.as_deref().filter(|v| v.contains(UNKNOWN)));
    let word = operand.or(option)?;
    Some(unjudged(
        &cmd.program,
        &format!("`{}` is only known when the command runs, and {} can destroy", shown(word), cmd.program),
    ))
}

pub(crate) fn unjudged(destination: &str, reason: &str) -> Operation {
    Operation::Unjudged(Unjudged { destination: destination.to_string(), reason: reason.to_string() })
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Sources with the stdin a shell string gives one of its commands.
/// It records what its command read, so that command's payload hashes are known
/// apart from the rest of the string's.
struct WithStdin<'a> {
    inner: &'a dyn Sources,
    stdin: Option<Payload>,
    read: std::cell::RefCell<Vec<[u8; 32]>>,
}

impl Sources for WithStdin<'_> {
    fn file(&self, dir: &Path, name: &str) -> Payload {
        let p = self.inner.file(dir, name);
        self.read.borrow_mut().push(p.sha256().unwrap_or([0; 32]));
        p
    }
    fn stdin(&self) -> Option<Payload> {
        if let Some(p) = &self.stdin {
            self.read.borrow_mut().push(p.sha256().unwrap_or([0; 32]));
        }
        self.stdin.clone()
    }
    fn digests(&self) -> Vec<[u8; 32]> {
        self.read.borrow().clone()
    }
}

/// `command`, `builtin` and `exec` are shell builtins that run their argument words.
pub fn shell_builtin(
    rules: &mut RuleSet,
    program: &str,
    words: &[String],
    ctx: &Ctx,
    depth: usize,
) -> Option<Vec<Operation>> {
    let mut rest = words;
    match program {
        "command" => {
            while let Some((first, tail)) = rest.split_first() {
                match first.as_str() {
                    "-p" => rest = tail,
                    // `command -v name` only looks the name up
                    "-v" | "-V" => return Some(Vec::new()),
                    "--" => {
                        rest = tail;
                        break;
                    }
                    _ => break,
                }
            }
        }
        "builtin" => {}
        "exec" => {
            while let Some((first, tail)) = rest.split_first() {
                match first.as_str() {
                    "-c" | "-l" | "-cl" | "-lc" => rest = tail,
                    "-a" => rest = tail.get(1..).unwrap_or_default(),
                    "--" => {
                        rest = tail;
                        break;
                    }
                    _ => break,
                }
            }
        }
        _ => return None,
    }
    let (first, args) = rest.split_first()?;
    Some(inspect_argv(rules, &program_name(OsStr::new(first)), args, ctx, depth + 1))
}

impl Env {
    /// This environment with `NAME=value` assignments applied on top.
    pub fn with(&self, assignments: &[(String, String)]) -> Env {
        let mut env = self.clone();
        for (k, v) in assignments {
            env.set(k, v);
        }
        env
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::decide::Decision;
    use crate::rules::examples::judge_example;

    fn rule(line: &str) -> String {
        match judge_example(line).unwrap() {
            Decision::Allow { .. } => "allow".into(),
            Decision::Stop(s) => s.rule,
        }
    }

    #[test]
    fn argv_wrappers_are_judged_by_what_they_run() {
        assert_eq!(rule("sudo rm -rf /srv"), "filesystem.rm.recursive");
        assert_eq!(rule("sudo -u deploy -E git push -f"), "git.push.force");
        assert_eq!(rule("env -i PATH=/usr/bin HOME=/x git push --force"), "git.push.force");
        assert_eq!(rule("env -S 'git push --force' origin"), "git.push.force");
        assert_eq!(rule("timeout -k 5 30 railway volume delete -v data"), "railway-api.volume-delete");
        assert_eq!(rule("nohup nice -n 10 ionice -c 3 rm -rf build2"), "filesystem.rm.recursive");
        assert_eq!(rule("stdbuf -oL setsid -w strace -f -o /tmp/t rm -fr x"), "filesystem.rm.recursive");
        assert_eq!(rule("/usr/bin/sudo /usr/bin/git push -f"), "git.push.force");
        assert_eq!(rule("flock -w 5 /tmp/lock git push --mirror"), "git.push.mirror");
        assert_eq!(rule("watch -x -n 5 rm -rf x"), "filesystem.rm.recursive");
    }

    #[test]
    fn harmless_inner_commands_stay_allowed() {
        for line in
            ["sudo ls /root", "env FOO=1 git status", "timeout 5 git fetch", "nohup sleep 10", "xargs grep -l TODO"]
        {
            assert_eq!(rule(line), "allow", "{line}");
        }
        // a wrapper with nothing to run
        assert_eq!(rule("env"), "allow");
        assert_eq!(rule("sudo -l"), "allow");
        assert_eq!(rule("ssh prod-host"), "allow");
    }

    #[test]
    fn commands_run_in_containers_are_judged() {
        assert_eq!(rule("kubectl exec web -c app -- rm -rf /data"), "filesystem.rm.recursive");
        assert_eq!(rule("kubectl exec -it web -- sh -c 'rm -rf /data'"), "filesystem.rm.recursive");
        // the old spelling without `--`: the command follows the pod
        assert_eq!(rule("kubectl exec web rm -rf /data"), "filesystem.rm.recursive");
        // no pod operand: the command is what follows `--` (`runs: dashdash`)
        assert_eq!(rule("kubectl exec -f pod.yaml -- rm -rf /data"), "filesystem.rm.recursive");
        assert_eq!(rule("kubectl run tmp --image=alpine --rm -it -- rm -rf /data"), "filesystem.rm.recursive");
        assert_eq!(rule("kubectl exec web -- ls /data"), "allow");
        assert_eq!(rule("kubectl exec -it web -- bash"), "allow");
    }

    #[test]
    fn package_runners_map_packages_to_programs() {
        assert_eq!(rule("npx @railway/cli volume delete -v data"), "railway-api.volume-delete");
        assert_eq!(rule("npx -y @railway/cli@4.1.0 down"), "railway-api.deployment-remove");
        assert_eq!(rule("bunx @railway/cli rm -y"), "railway-api.project-delete");
        assert_eq!(rule("pnpm dlx @railway/cli variables rm KEY"), "railway-api.variable-delete");
        assert_eq!(rule("npx @railway/cli status"), "allow");
        assert_eq!(rule("pipx run awscli s3 rb s3://bucket --force"), "aws.s3.rb-force");
        assert_eq!(rule("uvx awscli s3 ls"), "allow");
        assert_eq!(rule("npx netlify-cli sites:delete 1"), "paas.netlify-site-delete");
        // an npm option guard does not know could take the package's place
        assert_eq!(rule("npx --frobnicate x @railway/cli down"), "wrappers.unknown-option");
    }

    #[test]
    fn a_wrappers_unknown_option_confirms_because_the_command_it_runs_is_unclear() {
        // `4` could be the unknown option's value or the program xargs runs
        assert_eq!(rule("xargs --frobnicate 4 rm -rf /srv"), "wrappers.unknown-option");
        assert_eq!(rule("nice --bogus 5 rm -rf /srv"), "wrappers.unknown-option");
        assert_eq!(rule("watch --bogus ls"), "wrappers.unknown-option");
        // the inner program's unknown options are its own
        assert_eq!(rule("nice ls --bogus"), "allow");
        assert_eq!(rule("timeout 5 ls --zzz"), "allow");
    }

    #[test]
    fn parallel_judges_its_command_and_arguments_from_stdin() {
        assert_eq!(rule("parallel rm -rf ::: /srv/a /srv/b"), "filesystem.rm.recursive");
        assert_eq!(rule("parallel -j4 'rm -rf {}' ::: /srv/a"), "filesystem.rm.recursive");
        assert_eq!(rule("parallel rm -rf"), "guard.payload-unjudged");
        assert_eq!(rule("parallel git branch -D"), "git.branch.delete-unmerged");
        assert_eq!(rule("parallel --dry-run rm -rf ::: /srv"), "allow");
        assert_eq!(rule("parallel gzip ::: a.log b.log"), "allow");
        assert_eq!(rule("parallel wc -l"), "allow");
    }

    #[test]
    fn a_prompt_answered_by_piped_input_is_not_a_persons_yes() {
        assert_eq!(rule("sh -c 'echo yes | terraform apply'"), "guard.payload-unjudged");
        assert_eq!(rule("bash -c 'terraform apply <<< yes'"), "guard.payload-unjudged");
        assert_eq!(rule("sh -c 'yes | tofu apply -target=x'"), "guard.payload-unjudged");
        assert_eq!(rule("sh -c 'echo yes | terraform apply tfplan'"), "allow");
        assert_eq!(rule("sh -c 'echo yes | terraform apply -input=false'"), "allow");
    }

    #[test]
    fn lvm_runs_its_argv_or_the_commands_piped_to_it() {
        assert_eq!(rule("lvm lvremove -y vg0/data"), "disks.lvm.remove");
        assert_eq!(rule("sudo lvm lvreduce -L 5G vg0/data"), "disks.lvm.shrink");
        assert_eq!(rule("lvm lvs"), "allow");
        // with no command lvm reads commands from stdin, like `sh`: what another
        // command pipes to it cannot be known beforehand
        assert_eq!(rule(r#"sh -c 'echo "lvremove -y vg0/data" | lvm'"#), "guard.payload-unjudged");
        // at a terminal a person types the commands
        assert_eq!(rule("lvm"), "allow");
    }

    #[test]
    fn xargs_arguments_from_stdin_make_destroying_commands_unjudged() {
        assert_eq!(rule("xargs rm"), "guard.payload-unjudged");
        assert_eq!(rule("xargs -0 -n 10 git branch -D"), "git.branch.delete-unmerged");
        assert_eq!(rule("xargs -I{} echo {}"), "allow");
    }

    #[test]
    fn shell_builtins_that_run_words() {
        assert_eq!(rule("command git push -f"), "git.push.force");
        assert_eq!(rule("exec -a x rm -rf /srv"), "filesystem.rm.recursive");
        assert_eq!(rule("command -v rm"), "allow");
    }

    #[test]
    fn programs_under_other_names_are_judged_as_themselves() {
        let cases = [
            ("git-push --force origin main", "git.push.force"),
            ("/usr/lib/git-core/git-push -f", "git.push.force"),
            ("psql-16 -c 'DROP TABLE users'", "sql.statement.drop"),
            ("/usr/lib/postgresql/16/bin/psql -c 'DROP TABLE users'", "sql.statement.drop"),
            ("busybox rm -rf /srv", "filesystem.rm.recursive"),
            ("toybox rm -r /srv", "filesystem.rm.recursive"),
            ("busybox --list", "allow"),
            ("busybox ls /srv", "allow"),
            ("cp /usr/bin/rm /tmp/x && /tmp/x -rf /srv", "filesystem.rm.recursive"),
            ("ln -s \"$(command -v git)\" ./g; ./g push -f", "guard.payload-unjudged"),
            ("install -m 755 /usr/bin/rm ./del; ./del -r /srv", "filesystem.rm.recursive"),
            ("cp notes.txt /tmp/x && /tmp/x -rf /srv", "allow"),
            ("git-status", "allow"),
        ];
        for (line, want) in cases {
            assert_eq!(rule(&format!("bash -c {}", shell_words::quote(line))), want, "{line}");
        }
    }

    #[test]
    fn containers_run_the_command_or_the_cli_their_image_is() {
        let cases = [
            ("docker run --rm amazon/aws-cli:2.15 s3 rb s3://bucket --force", "aws.s3.rb-force"),
            ("docker exec -it db rm -rf /data", "filesystem.rm.recursive"),
            ("docker run --rm -it debian:12 rm -rf /data", "filesystem.rm.recursive"),
            ("docker run --entrypoint rm debian -rf /x", "filesystem.rm.recursive"),
            ("podman run --rm docker.io/bitnami/kubectl:1.30 delete ns prod", "kubernetes.delete-namespace"),
            ("docker container run -v /:/host alpine rm -rf /host/etc", "filesystem.rm.recursive"),
            ("docker run --rm alpine ls -la", "allow"),
            // Compose: `exec SERVICE CMD…` and `run SERVICE CMD…` (or --entrypoint)
            ("docker compose exec db psql -U app -c 'DROP TABLE users'", "sql.statement.drop"),
            ("docker-compose exec -T db rm -rf /var/lib/postgresql/data", "filesystem.rm.recursive"),
            ("podman-compose exec db sh -c 'rm -rf /data'", "filesystem.rm.recursive"),
            ("docker compose run --rm web rails db:drop", "migrations.rails-db-destroy"),
            ("docker compose run --entrypoint rm web -rf /data", "filesystem.rm.recursive"),
            ("docker compose exec web ls", "allow"),
            ("docker compose run --rm -e A=1 web npm test", "allow"),
            ("docker compose run --rm web", "allow"),
            ("docker run -d postgres", "allow"),
            ("docker exec web ls", "allow"),
            ("docker run -e X=1 --name x amazon/aws-cli ec2 describe-instances", "allow"),
        ];
        for (line, want) in cases {
            assert_eq!(rule(line), want, "{line}");
        }
    }

    #[test]
    fn shell_strings_are_judged_command_by_command() {
        let cases = [
            ("git status && ls -la", "allow"),
            ("cd /tmp && FOO=1 git push --force origin main | tee log; echo done", "git.push.force"),
            ("x=rm; $x -rf /srv", "filesystem.rm.recursive"),
            ("{rm,-rf,/srv}", "filesystem.rm.recursive"),
            ("\\rm -rf /srv", "filesystem.rm.recursive"),
            ("r\"\"m -rf /srv", "filesystem.rm.recursive"),
            ("$'\\x72\\x6d' -rf /srv", "filesystem.rm.recursive"),
            ("echo '$(rm -rf /srv)'", "allow"),
            ("echo \"$(rm -rf /srv)\"", "filesystem.rm.recursive"),
            ("ls # ; rm -rf /srv", "allow"),
            ("f(){ rm -rf /srv; }; f", "filesystem.rm.recursive"),
            ("cat x | sh", "guard.payload-unjudged"),
            ("eval 'git push -f'", "git.push.force"),
            ("rm -rf \"$BUILD_DIR\"/*", "filesystem.rm.dangerous-target"),
            ("rm -rf node_modules dist", "allow"),
            ("curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/things", "allow"),
            ("curl -H \"X-HTTP-Method-Override: $M\" -d x=1 https://api.example.com/t", "guard.payload-unjudged"),
            ("git push --force origin \"$BRANCH\"", "git.push.force"),
            ("git push origin \"$BRANCH\"", "guard.payload-unjudged"),
            ("echo 'unterminated", "guard.payload-unjudged"),
            ("bash -c \"bash -c 'rm -rf /srv'\"", "filesystem.rm.recursive"),
            ("sudo -u deploy bash -lc 'cd /srv && git reset --hard'", "git.reset.discard"),
            ("ssh prod-host 'rm -rf /var/lib/postgresql'", "filesystem.rm.recursive"),
            ("cd \"$X\" && git clean -fdx", "git.clean.delete"),
            ("guard approve ABC123", "guard.self-protection"),
        ];
        for (string, want) in cases {
            let line = format!("bash -c {}", shell_words::quote(string));
            assert_eq!(rule(&line), want, "{string}");
        }
    }

    #[test]
    fn commands_run_on_many_hosts_are_judged_like_ssh() {
        let cases = [
            // Ansible ad-hoc: `command` (the default), `shell` and `raw` run ARGS
            ("ansible web -m shell -a 'rm -rf /srv'", "filesystem.rm.recursive"),
            ("ansible web -a 'git push --force'", "git.push.force"),
            ("ansible all -m ansible.builtin.shell -a 'cd /srv && git reset --hard'", "git.reset.discard"),
            ("ansible db --module-name=raw --args='psql -c \"DROP TABLE users\"'", "sql.statement.drop"),
            (
                "ansible -i inv.ini web -b -m ansible.legacy.command -a 'kubectl delete ns prod'",
                "kubernetes.delete-namespace",
            ),
            ("ansible web -mshell -a 'rm -rf /srv' -f 20", "filesystem.rm.recursive"),
            // a local script copied to the hosts: read and judged, here unreadable
            ("ansible web -m script -a 'cleanup.sh --all'", "guard.payload-unjudged"),
            // other modules run nothing judged as a command
            ("ansible web -m debug -a 'msg=\"rm -rf /srv\"'", "allow"),
            ("ansible web -m copy -a 'src=app.conf dest=/etc/app.conf'", "allow"),
            ("ansible web -m shell -a 'systemctl restart app'", "allow"),
            ("ansible web -m command -a 'removes=/run/app.pid /usr/bin/app-stop'", "allow"),
            ("ansible all -m ping", "allow"),
            // check mode runs no command
            ("ansible web -m shell -a 'rm -rf /srv' --check", "allow"),
            // SaltStack: the cmd.run family runs its arguments as a shell string
            ("salt '*' cmd.run 'rm -rf /srv'", "filesystem.rm.recursive"),
            ("salt -G 'os:Ubuntu' cmd.shell 'kubectl delete ns prod'", "kubernetes.delete-namespace"),
            ("salt -L web1,web2 --batch-size 1 cmd.run_all 'git push -f' cwd=/srv/app", "git.push.force"),
            ("salt '*' cmd.run,test.ping 'rm -rf /srv',", "filesystem.rm.recursive"),
            ("salt '*' cmd.run cwd=/srv cmd='git push -f' runas=deploy", "git.push.force"),
            ("salt-call cmd.shell cmd='rm -rf /srv'", "filesystem.rm.recursive"),
            ("salt '*' cmd.run cmd=uptime", "allow"),
            ("salt-ssh web1 cmd.run 'rm -rf /srv'", "filesystem.rm.recursive"),
            ("salt-ssh web1 -r 'rm -rf /srv'", "filesystem.rm.recursive"),
            ("salt-call --local cmd.run 'git push -f'", "git.push.force"),
            ("salt '*' cmd.run 'ls -la'", "allow"),
            ("salt '*' pkg.install rm", "allow"),
            ("salt-ssh web1 --raw-shell uptime", "allow"),
            ("salt '*' cmd.run --doc", "allow"),
            // pdsh, pssh, clush: the words after the options are the remote command
            ("pdsh -w node[1-4] 'git push -f'", "git.push.force"),
            ("pdsh -w node1 -l root rm -rf /srv", "filesystem.rm.recursive"),
            ("pssh -h hosts.txt -i 'rm -rf /srv'", "filesystem.rm.recursive"),
            ("parallel-ssh -H web1 -H web2 -- git push --force", "git.push.force"),
            ("clush -w n[1-3] -b rm -rf /data", "filesystem.rm.recursive"),
            ("clush -g compute -x n2 'sh -c \"rm -rf /scratch\"'", "filesystem.rm.recursive"),
            ("pdsh -w node[1-4] uptime", "allow"),
            ("pssh -h hosts.txt -i -- df -h", "allow"),
            ("clush -w n[1-3] --copy /etc/hosts --dest /etc", "allow"),
            ("clush -a", "allow"),
            // an unknown option could take the command's place
            ("pdsh --frobnicate 4 rm -rf /srv", "remote.unknown-option"),
            ("ansible web --frobnicate x -a ls", "remote.unknown-option"),
            ("salt --frobnicate '*' test.ping", "remote.unknown-option"),
        ];
        for (line, want) in cases {
            assert_eq!(rule(line), want, "{line}");
        }
    }

    #[test]
    fn a_script_ansible_copies_to_the_hosts_is_read_and_judged() {
        use crate::inspect::payload::{FixedSources, Payload};
        use crate::inspect::{Ctx, inspect};
        use crate::invocation::Invocation;
        use crate::rules::RuleSet;
        use crate::rules::decide::decide;
        use crate::rules::matcher::NoFiles;
        use crate::target::Env;
        let judge = |line: &str| {
            let words = crate::rules::validate::shell_split(line).unwrap();
            let inv = Invocation::new(words.into_iter().map(Into::into).collect());
            let mut rules = RuleSet::for_program(&inv.program);
            let sources = FixedSources {
                files: vec![
                    ("cleanup.sh".into(), Payload::Bytes(b"echo hi\nrm -rf /var/lib/app\n".to_vec())),
                    ("ok.sh".into(), Payload::Bytes(b"uptime\ndf -h\n".to_vec())),
                ],
                stdin: None,
            };
            let env = Env::fixed(Default::default());
            let ctx = Ctx { cwd: std::path::Path::new("/w"), real_binary: None, sources: &sources, env: &env };
            let ops = inspect(&mut rules, &inv, &ctx);
            match decide(&rules, &ops, &NoFiles).unwrap() {
                Decision::Allow { .. } => "allow".to_string(),
                Decision::Stop(s) => s.rule,
            }
        };
        assert_eq!(judge("ansible web -m script -a 'cleanup.sh --all'"), "filesystem.rm.recursive");
        assert_eq!(
            judge("ansible web -m ansible.builtin.script -a 'chdir=/tmp cleanup.sh'"),
            "filesystem.rm.recursive"
        );
        assert_eq!(judge("ansible web -m script -a 'cmd=cleanup.sh'"), "filesystem.rm.recursive");
        assert_eq!(judge("ansible web -m script -a 'creates=/x ok.sh'"), "allow");
        assert_eq!(judge("ansible web -m script -a '{\"cmd\": \"ok.sh\"}'"), "guard.payload-unjudged");
    }

    #[test]
    fn headers_with_known_harmless_names_are_inert() {
        assert!(super::header_is_inert("Authorization: Bearer \u{e000}$TOKEN"));
        assert!(super::header_is_inert("\u{e000}\"Authorization: Bearer $TOKEN\""));
        assert!(!super::header_is_inert("\u{e000}\"$NAME: v\""));
        assert!(!super::header_is_inert("\u{e000}'X-HTTP-Method-Override: '$M"));
        assert!(!super::header_is_inert("X-HTTP-Method-Override: \u{e000}$M"));
        assert!(!super::header_is_inert("\u{e000}$H: x"));
        assert!(!super::header_is_inert("no colon"));
    }
}
