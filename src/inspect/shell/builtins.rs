//! Builtins that change what guard knows, and builtins that run strings.
//!
//! After a command is reported, its effect on the shell is applied: `cd` moves the known
//! directory, `export X=v` sets a variable, `read x` makes `x` unknown, `set -f` changes
//! globbing, `source` makes everything unknown. `eval`, `alias` and `trap` carry shell
//! code in a string; when the string is known it is parsed and walked like the rest.
//! `command` and `builtin` in front of a builtin are seen through.

use super::plain::is_name;
use super::state::{ShellState, Value};
use super::walk::{Ctx, Walker};
use super::{ShellError, Word};
use std::path::{Component, Path, PathBuf};

const DECLARATIONS: &[&str] = &["export", "readonly", "declare", "typeset", "local"];

/// Whether the words so far name a declaration builtin (`export`, `declare`…), whose
/// `NAME=value` arguments are assignments.
pub(super) fn is_declaration(argv: &[Word]) -> bool {
    matches!(effective(argv).first(), Some(Word::Known(name)) if DECLARATIONS.contains(&name.as_str()))
}

/// argv without the `command` or `builtin` in front of what actually runs; empty for
/// `command -v` and `-V`, which only look a name up.
fn effective(argv: &[Word]) -> &[Word] {
    let mut rest: &[Word] = argv;
    loop {
        match rest.first() {
            Some(Word::Known(word)) if word == "builtin" => rest = &rest[1..],
            Some(Word::Known(word)) if word == "command" => {
                let after: &[Word] = &rest[1..];
                match after.first() {
                    Some(Word::Known(option)) if option == "-p" || option == "--" => rest = &after[1..],
                    Some(Word::Known(option)) if option.starts_with('-') => return &[],
                    _ => rest = after,
                }
            }
            _ => return rest,
        }
    }
}

/// Applies the effects of a command that just ran. `env` is the state with its prefix
/// assignments, which is what an `eval` string sees.
pub(super) fn apply(
    walker: &mut Walker,
    argv: &[Word],
    declared: &[(String, Value)],
    env: &ShellState,
    state: &mut ShellState,
    ctx: &Ctx,
) -> Result<(), ShellError> {
    let words: &[Word] = effective(argv);
    let name: &str = match words.first() {
        None | Some(Word::Home { .. }) => return Ok(()),
        Some(Word::Known(name)) => name,
        // Could be `cd`, `source`, a function…: nothing known survives it.
        Some(Word::Unknown { .. }) => {
            state.forget_all();
            return Ok(());
        }
    };
    let args: &[Word] = &words[1..];
    if walker.is_function(name) {
        state.forget_all();
        return Ok(());
    }
    match name {
        "cd" => change_directory(args, state),
        "pushd" | "popd" => state.cwd = None,
        "export" | "readonly" | "declare" | "typeset" | "local" => declare(name, args, declared, state),
        "unset" => unset(args, state),
        "read" | "mapfile" | "readarray" | "getopts" | "wait" => forget_named(args, state),
        "printf" if args.iter().any(|a| *a == Word::Known("-v".into())) => forget_named(args, state),
        "let" => {
            for arg in args {
                match arg {
                    Word::Known(expression) => walker.arithmetic(expression, state, ctx)?,
                    _ => state.forget_vars(),
                }
            }
        }
        "set" => set_options(args, state),
        "shopt" => state.glob_default = false,
        "source" | "." => state.forget_all(),
        "eval" => eval(walker, args, env, state, ctx)?,
        "alias" => define_aliases(walker, args, ctx)?,
        "trap" => set_trap(walker, args, ctx)?,
        _ => {}
    }
    Ok(())
}

/// Follows `cd` to a literal directory, as bash's default (logical) `cd` does. A bare
/// relative name is resolved against the current directory unless the string set
/// CDPATH (an inherited CDPATH is assumed empty).
fn change_directory(args: &[Word], state: &mut ShellState) {
    let cdpath_set: bool = state.assigned("CDPATH");
    let destination: Option<PathBuf> = match (args, &state.cwd) {
        ([Word::Known(path)], _) if path.starts_with('/') => Some(normalize(Path::new(path))),
        ([Word::Known(path)], Some(cwd)) if !path.is_empty() && !path.starts_with('-') => {
            let explicit: bool = path == "." || path == ".." || path.starts_with("./") || path.starts_with("../");
            (explicit || !cdpath_set).then(|| normalize(&cwd.join(path)))
        }
        _ => None,
    };
    state.cwd = destination;
}

/// Resolves `.` and `..` by text, without following links.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// `export X=v`, `declare X=v`…: literal values are followed; options (`-n`, `-i`, `-a`…)
/// change what a value means, so their names are forgotten instead.
fn declare(builtin: &str, args: &[Word], declared: &[(String, Value)], state: &mut ShellState) {
    if args.iter().any(|a| !matches!(a, Word::Known(_))) {
        state.forget_vars();
        return;
    }
    let has_options: bool = args.iter().any(|a| matches!(a, Word::Known(t) if t.starts_with(['-', '+'])));
    for arg in args {
        if let Word::Known(text) = arg {
            let name: &str = text.split(['=', '[', '+']).next().unwrap_or_default();
            let changes_value: bool = has_options || text.contains('=') || builtin == "local";
            if is_name(name) && changes_value {
                state.forget(name);
            }
        }
    }
    if !has_options {
        for (name, value) in declared {
            state.set(name, value.clone());
        }
    }
}

fn unset(args: &[Word], state: &mut ShellState) {
    if args.iter().any(|a| *a == Word::Known("-f".into())) {
        return;
    }
    for arg in args {
        match arg {
            Word::Known(name) if is_name(name) => state.set(name, Value::Unset),
            Word::Known(other) => {
                let base: &str = other.split('[').next().unwrap_or_default();
                if is_name(base) {
                    state.forget(base);
                }
            }
            _ => state.forget_vars(),
        }
    }
}

/// Builtins that store input into the variables they are given (`read x`).
fn forget_named(args: &[Word], state: &mut ShellState) {
    for arg in args {
        match arg {
            Word::Known(text) => {
                let name: &str = text.split(['=', '[']).next().unwrap_or_default();
                if is_name(name) {
                    state.forget(name);
                }
            }
            _ => state.forget_vars(),
        }
    }
}

/// `set -f` / `set -o noglob` turn globbing off; other options leave it alone.
fn set_options(args: &[Word], state: &mut ShellState) {
    for arg in args {
        match arg {
            Word::Known(option) if option == "--" || option == "-" => return,
            Word::Known(option) if option == "noglob" => state.glob_default = false,
            Word::Known(option) if option.starts_with(['-', '+']) && option.contains('f') => state.glob_default = false,
            Word::Known(_) => {}
            _ => state.glob_default = false,
        }
    }
}

/// `eval`: the words joined by spaces are shell code, run in the current shell.
fn eval(
    walker: &mut Walker,
    args: &[Word],
    env: &ShellState,
    state: &mut ShellState,
    ctx: &Ctx,
) -> Result<(), ShellError> {
    let args: &[Word] = match args.first() {
        Some(Word::Known(first)) if first == "--" => &args[1..],
        _ => args,
    };
    let mut texts: Vec<String> = Vec::new();
    for arg in args {
        match arg {
            Word::Known(text) => texts.push(text.clone()),
            // eval parses the text again, so `~` keeps its meaning.
            Word::Home { rest } => texts.push(format!("~{rest}")),
            Word::Unknown { .. } => {
                state.forget_all();
                return Ok(());
            }
        }
    }
    let code: String = texts.join(" ");
    let inner: Ctx = ctx.deeper()?;
    if env == state {
        return walker.source(&code, state, &inner);
    }
    // Prefix assignments (`X=1 eval …`) hold only while the string runs.
    let mut during: ShellState = env.clone();
    walker.source(&code, &mut during, &inner)?;
    state.absorb(&during);
    Ok(())
}

/// `alias name='code'`: the code is judged as if the alias were used.
fn define_aliases(walker: &mut Walker, args: &[Word], ctx: &Ctx) -> Result<(), ShellError> {
    for arg in args {
        if let Word::Known(definition) = arg
            && let Some((name, code)) = definition.split_once('=')
            && !name.is_empty()
        {
            let mut unknown_state = ShellState::unknown();
            walker.source(code, &mut unknown_state, &ctx.detached(&format!("alias {name}"))?)?;
        }
    }
    Ok(())
}

/// `trap 'code' SIGNAL…`: the code is judged as if the signal came.
fn set_trap(walker: &mut Walker, args: &[Word], ctx: &Ctx) -> Result<(), ShellError> {
    let args: &[Word] = match args.first() {
        Some(Word::Known(first)) if first == "--" => &args[1..],
        _ => args,
    };
    if let [Word::Known(code), _signal, ..] = args
        && !code.starts_with('-')
    {
        let mut unknown_state = ShellState::unknown();
        walker.source(code, &mut unknown_state, &ctx.detached("a trap")?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_a_logical_cd() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
    }

    #[test]
    fn sees_through_command_and_builtin() {
        let words = |v: &[&str]| v.iter().map(|s| Word::Known(s.to_string())).collect::<Vec<Word>>();
        assert_eq!(effective(&words(&["command", "-p", "builtin", "eval", "x"])), &words(&["eval", "x"])[..]);
        assert!(effective(&words(&["command", "-v", "rm"])).is_empty());
        assert!(is_declaration(&words(&["builtin", "export"])));
    }
}
