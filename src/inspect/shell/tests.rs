//! End-to-end tests of `parse`: each construct of threats.md A4, run through the
//! sandbox as guard runs them.

use super::*;
use std::path::Path;

const CWD: &str = "/nonexistent/project";

fn script(text: &str) -> Script {
    parse(text, Path::new(CWD)).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// A word as a short string: `x` known, `<?x>` unknown as written, `<~/x>` home-relative.
fn show(word: &Word) -> String {
    match word {
        Word::Known(text) => text.clone(),
        Word::Unknown { text } => format!("<?{text}>"),
        Word::Home { rest } => format!("<~{rest}>"),
    }
}

/// Every command's argv, shown.
fn argvs(text: &str) -> Vec<Vec<String>> {
    script(text).commands.iter().map(|c| c.argv.iter().map(show).collect()).collect()
}

fn known(text: &str) -> Word {
    Word::Known(text.to_string())
}

macro_rules! cmds {
    ($([$($word:expr),*]),* $(,)?) => { vec![$(vec![$($word.to_string()),*]),*] };
}

// --- structure -------------------------------------------------------------------------

#[test]
fn lists_and_pipelines() {
    let s = script("cd /tmp && FOO=1 git push --force origin main | tee log; echo done &");
    let shown: Vec<Vec<String>> = s.commands.iter().map(|c| c.argv.iter().map(show).collect()).collect();
    assert_eq!(
        shown,
        cmds![["cd", "/tmp"], ["git", "push", "--force", "origin", "main"], ["tee", "log"], ["echo", "done"]]
    );
    assert_eq!(s.commands[1].assignments, vec![("FOO".to_string(), known("1"))]);
    assert_eq!(s.commands[1].stdin, Stdin::Inherited);
    assert_eq!(s.commands[2].stdin, Stdin::Pipe);
    assert_eq!(s.commands[1].cwd, Some(PathBuf::from("/tmp")));
    assert_eq!(s.commands[0].cwd, Some(PathBuf::from(CWD)));
}

#[test]
fn subshells_groups_and_substitutions() {
    assert_eq!(
        argvs("(rm -rf x; echo $(curl -sSXDELETE https://h/a)) || { true; }"),
        cmds![
            ["rm", "-rf", "x"],
            ["curl", "-sSXDELETE", "https://h/a"],
            ["echo", "<?$(curl -sSXDELETE https://h/a)>"],
            ["true"]
        ]
    );
    assert_eq!(argvs("echo `rm -rf /`"), cmds![["rm", "-rf", "/"], ["echo", "<?`rm -rf /`>"]]);
    assert_eq!(argvs("x=$(git rev-parse HEAD) git push origin +HEAD:main")[0], cmds![["git", "rev-parse", "HEAD"]][0]);
}

#[test]
fn compound_commands_every_branch() {
    assert_eq!(
        argvs("if a; then b; elif c; then d; else e; fi; while f; do g; done; until h; do i; done"),
        cmds![["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"], ["h"], ["i"]]
    );
    assert_eq!(argvs("for x in 1 2; do rm $x; done"), cmds![["rm", "<?$x>"]]);
    assert_eq!(argvs("case $(a) in $(b)) c;; *) d;& e) f;; esac"), cmds![["a"], ["b"], ["c"], ["d"], ["f"]]);
    assert_eq!(argvs("[[ $(rm x) == y ]] && (( $(rm z) > 1 ))"), cmds![["rm", "x"], ["rm", "z"]]);
    assert_eq!(argvs("coproc worker { sh; }"), cmds![["sh"]]);
    assert_eq!(script("coproc worker { sh; }").commands[0].stdin, Stdin::Pipe);
}

#[test]
fn function_bodies_are_judged_as_if_called() {
    let s = script("f(){ rm -rf /; }; f");
    assert_eq!(
        s.commands.iter().map(|c| c.argv.iter().map(show).collect()).collect::<Vec<Vec<String>>>(),
        cmds![["rm", "-rf", "/"], ["f"]]
    );
    assert_eq!(s.commands[0].stdin, Stdin::Unknown { text: "the stdin of whoever runs function f".into() });
    assert_eq!(s.commands[0].cwd, None);
    assert_eq!(s.commands[1].cwd, Some(PathBuf::from(CWD)));
    // The body does not see variables from the definition site: the call site decides.
    assert_eq!(argvs("x=ls; g() { $x /; }; x=rm; g"), cmds![["<?$x>", "/"], ["g"]]);
    // A call may change anything.
    assert_eq!(argvs("x=ls; g() { x=rm; }; g; $x"), cmds![["g"], ["<?$x>"]]);
}

#[test]
fn process_substitution() {
    let s = script("diff <(git show HEAD:a) b; tee >(sh) < in; sh < <(curl x)");
    let shown: Vec<Vec<String>> = s.commands.iter().map(|c| c.argv.iter().map(show).collect()).collect();
    assert_eq!(
        shown,
        cmds![
            ["git", "show", "HEAD:a"],
            ["diff", "<?<( git show HEAD:a )>", "b"],
            ["sh"],
            ["tee", "<?>( sh )>"],
            ["curl", "x"],
            ["sh"]
        ]
    );
    assert_eq!(s.commands[2].stdin, Stdin::Pipe);
    assert_eq!(s.commands[3].stdin, Stdin::File(known("in")));
    assert_eq!(s.commands[5].stdin, Stdin::Pipe);
}

#[test]
fn arithmetic_runs_nothing_but_its_substitutions() {
    assert_eq!(
        argvs("echo $(( $(rm x) + 1 )) $((2*3))"),
        cmds![["rm", "x"], ["echo", "<?$(( $(rm x) + 1 ))>", "<?$((2*3))>"]]
    );
    // bash evaluates variables inside arithmetic recursively, subscripts included.
    assert_eq!(argvs("x='a[$(rm y)]'; echo $((x))"), cmds![["rm", "y"], ["echo", "<?$((x))>"]]);
    assert_eq!(argvs("n=1; (( n++ )); echo $n"), cmds![["echo", "<?$n>"]]);
}

// --- words -----------------------------------------------------------------------------

#[test]
fn quoting_and_escapes() {
    assert_eq!(argvs(r"\rm -rf /"), cmds![["rm", "-rf", "/"]]);
    assert_eq!(argvs(r#"r""m 'volume''Delete' "DEL""ETE" a\ b"#), cmds![["rm", "volumeDelete", "DELETE", "a b"]]);
    assert_eq!(argvs(r"$'\x72\x6d' -rf /"), cmds![["rm", "-rf", "/"]]);
    assert_eq!(argvs(r"echo $'r\0m'x"), cmds![["echo", "rx"]]);
    assert_eq!(argvs("echo a\\\nb \"c\\\nd\""), cmds![["echo", "ab", "cd"]]);
    assert_eq!(argvs(r"echo $'\xff'"), cmds![["echo", r"<?$'\xff'>"]]);
}

#[test]
fn single_quotes_run_nothing_double_quotes_do() {
    assert_eq!(argvs("echo '$(rm -rf /)'"), cmds![["echo", "$(rm -rf /)"]]);
    assert_eq!(argvs(r"echo \$\(rm -rf /\)"), cmds![["echo", "$(rm", "-rf", "/)"]]);
    assert_eq!(argvs(r#"echo "$(rm -rf /)""#), cmds![["rm", "-rf", "/"], ["echo", r#"<?"$(rm -rf /)">"#]]);
}

#[test]
fn comments_are_not_commands() {
    assert_eq!(argvs("ls # ; rm -rf /"), cmds![["ls"]]);
    assert_eq!(argvs("ls a#b"), cmds![["ls", "a#b"]]);
}

#[test]
fn brace_expansion() {
    assert_eq!(argvs("{rm,-rf,/srv}"), cmds![["rm", "-rf", "/srv"]]);
    assert_eq!(argvs("echo a{b,c} '{x,y}' {1..3}"), cmds![["echo", "ab", "ac", "{x,y}", "1", "2", "3"]]);
    assert_eq!(argvs("x={a,b}; echo $x"), cmds![["echo", "{a,b}"]]);
}

#[test]
fn tilde_and_home() {
    assert_eq!(
        argvs(r#"rm -rf ~ ~/x "$HOME"/y $HOME ~root '~' x~"#),
        cmds![["rm", "-rf", "<~>", "<~/x>", "<~/y>", "<~>", "<?~root>", "~", "x~"]]
    );
    assert_eq!(argvs("d=~/src; rm -rf $d"), cmds![["rm", "-rf", "<~/src>"]]);
    assert_eq!(argvs("HOME=/h; rm ~/x"), cmds![["rm", "/h/x"]]);
    assert_eq!(argvs("echo a=~/x"), cmds![["echo", "<?a=~/x>"]]);
}

#[test]
fn variables_known_only_from_literal_assignments() {
    assert_eq!(argvs("x=rm; $x -rf /"), cmds![["rm", "-rf", "/"]]);
    assert_eq!(argvs("$X -rf /"), cmds![["<?$X>", "-rf", "/"]]);
    assert_eq!(argvs("export X=rm; $X -rf /"), cmds![["export", "X=rm"], ["rm", "-rf", "/"]]);
    assert_eq!(
        argvs("a=1 b=$a; echo $b ${b}x ${#b} ${c:-dflt} ${b:+alt}"),
        cmds![["echo", "1", "1x", "1", "<?${c:-dflt}>", "alt"]]
    );
    assert_eq!(
        argvs("unset c; echo ${c:-dflt} ${c:=set}; echo $c"),
        cmds![["unset", "c"], ["echo", "dflt", "set"], ["echo", "set"]]
    );
    assert_eq!(argvs("x=a; x+=b; echo $x"), cmds![["echo", "ab"]]);
    assert_eq!(argvs("read x; echo $x"), cmds![["read", "x"], ["echo", "<?$x>"]]);
    assert_eq!(argvs("declare -n r=x; echo $r"), cmds![["declare", "-n", "r=x"], ["echo", "<?$r>"]]);
}

#[test]
fn prefix_assignments_reach_the_environment_not_the_argv() {
    let s = script("X=rm cmd $X; echo $X");
    assert_eq!(s.commands[0].argv, vec![known("cmd"), Word::Unknown { text: "$X".into() }]);
    assert_eq!(s.commands[0].assignments, vec![("X".to_string(), known("rm"))]);
    assert_eq!(s.commands[1].argv[1], Word::Unknown { text: "$X".into() });
    assert_eq!(argvs("X=rm eval '$X -rf /'"), cmds![["eval", "$X -rf /"], ["rm", "-rf", "/"]]);
}

#[test]
fn word_splitting_with_the_default_ifs() {
    // bash resets IFS at startup, so `${IFS}` is a blank that splits.
    assert_eq!(argvs("rm${IFS}-rf${IFS}/"), cmds![["rm", "-rf", "/"]]);
    assert_eq!(argvs(r#"x="a  b"; echo $x "$x" ""$y"#), cmds![["echo", "a", "b", "a  b", "<?\"\"$y>"]]);
    assert_eq!(argvs(r#"e=; echo $e "$e" x"#), cmds![["echo", "", "x"]]);
    assert_eq!(argvs("IFS=:; x=a:b; echo $x"), cmds![["echo", "<?$x>"]]);
}

#[test]
fn state_flows_only_along_paths_that_surely_run() {
    assert_eq!(argvs("x=ls; if c; then x=rm; fi; $x"), cmds![["c"], ["<?$x>"]]);
    assert_eq!(argvs("x=ls; true && x=rm; $x"), cmds![["true"], ["<?$x>"]]);
    assert_eq!(argvs("x=ls; (x=rm); $x"), cmds![["ls"]]);
    assert_eq!(argvs("x=ls; x=rm | cat; $x"), cmds![["cat"], ["ls"]]);
    assert_eq!(argvs("x=ls; for i in a; do $x; x=rm; done"), cmds![["<?$x>"]]);
    assert_eq!(argvs("x=ls; $unknown; $x"), cmds![["<?$unknown>"], ["<?$x>"]]);
    assert_eq!(argvs("x=ls; source env.sh; $x"), cmds![["source", "env.sh"], ["<?$x>"]]);
}

// --- stdin and redirections -------------------------------------------------------------

#[test]
fn heredocs() {
    let quoted = script("psql prod <<'EOF'\nDROP $x;\nEOF\n");
    assert_eq!(quoted.commands[0].stdin, Stdin::Text(known("DROP $x;\n")));
    let static_body = script("cat <<EOF\nhello \\$x\nEOF\n");
    assert_eq!(static_body.commands[0].stdin, Stdin::Text(known("hello $x\n")));
    let known_var = script("t=users; psql <<EOF\nDROP TABLE $t;\nEOF\n");
    assert_eq!(known_var.commands[0].stdin, Stdin::Text(known("DROP TABLE users;\n")));
    let dynamic = script("cat <<EOF\n$(rm -rf /)\nEOF\n");
    assert_eq!(
        dynamic.commands.iter().map(|c| c.argv.iter().map(show).collect()).collect::<Vec<Vec<String>>>(),
        cmds![["rm", "-rf", "/"], ["cat"]]
    );
    assert_eq!(dynamic.commands[1].stdin, Stdin::Text(Word::Unknown { text: "$(rm -rf /)\n".into() }));
    let tabs = script("cat <<-EOF\n\thello\n\tEOF\n");
    assert_eq!(tabs.commands[0].stdin, Stdin::Text(known("hello\n")));
    assert_eq!(argvs("cat <<'EOF'\n$(rm -rf /)\nEOF\n"), cmds![["cat"]]);
}

#[test]
fn here_strings_and_pipes() {
    assert_eq!(script("psql <<< 'DROP TABLE x'").commands[0].stdin, Stdin::Text(known("DROP TABLE x\n")));
    let piped = script("cat x | sh");
    assert_eq!(piped.commands[0].stdin, Stdin::Inherited);
    assert_eq!(piped.commands[1].stdin, Stdin::Pipe);
    assert_eq!(script("curl x | { sh; }").commands[1].stdin, Stdin::Pipe);
    assert_eq!(script("sh <&3").commands[0].stdin, Stdin::Unknown { text: "<&3".into() });
}

#[test]
fn redirections_are_collected() {
    let s = script("echo hi > out 2>> err &> both 2>&1 < in <> rw >| clob >&file");
    let redirect = |fd: Option<u32>, kind: RedirectKind, target: &str| Redirect { fd, kind, target: known(target) };
    assert_eq!(
        s.commands[0].redirects,
        vec![
            redirect(None, RedirectKind::Write, "out"),
            redirect(Some(2), RedirectKind::Append, "err"),
            redirect(None, RedirectKind::Write, "both"),
            redirect(Some(2), RedirectKind::Duplicate, "1"),
            redirect(None, RedirectKind::Read, "in"),
            redirect(None, RedirectKind::ReadWrite, "rw"),
            redirect(None, RedirectKind::Write, "clob"),
            redirect(None, RedirectKind::Write, "file"),
        ]
    );
    assert_eq!(s.commands[0].stdin, Stdin::File(known("rw")));
    assert_eq!(argvs("echo > $(rm x)"), cmds![["rm", "x"], ["echo"]]);
    let group = script("{ echo a; x=1; } > /etc/passwd");
    let to_passwd = vec![redirect(None, RedirectKind::Write, "/etc/passwd")];
    assert_eq!(group.commands.len(), 2);
    assert_eq!((group.commands[0].argv.len(), &group.commands[0].redirects), (0, &to_passwd));
    assert_eq!((&group.commands[1].argv, &group.commands[1].redirects), (&vec![known("echo"), known("a")], &to_passwd));
    let looped = script("while read l; do sh -c \"$l\"; done < cmds.txt");
    assert_eq!(looped.commands[2].argv[0], known("sh"));
    assert_eq!(looped.commands[2].stdin, Stdin::File(known("cmds.txt")));
    let bare = script("> important.db");
    assert_eq!(bare.commands[0].argv, Vec::<Word>::new());
    assert_eq!(bare.commands[0].redirects, vec![redirect(None, RedirectKind::Write, "important.db")]);
    assert_eq!(argvs("x=$(rm -rf /)"), cmds![["rm", "-rf", "/"]]);
}

// --- strings that run code --------------------------------------------------------------

#[test]
fn eval_alias_and_trap_strings() {
    assert_eq!(argvs("eval 'git push -f'"), cmds![["eval", "git push -f"], ["git", "push", "-f"]]);
    assert_eq!(argvs("eval git push $x"), cmds![["eval", "git", "push", "<?$x>"]]);
    assert_eq!(argvs("command eval 'rm a'"), cmds![["command", "eval", "rm a"], ["rm", "a"]]);
    assert_eq!(argvs("eval 'x=rm'; $x b"), cmds![["eval", "x=rm"], ["rm", "b"]]);
    assert_eq!(argvs("alias ll='rm -rf /'"), cmds![["alias", "ll=rm -rf /"], ["rm", "-rf", "/"]]);
    assert_eq!(argvs("trap 'rm -rf /tmp/x' EXIT"), cmds![["trap", "rm -rf /tmp/x", "EXIT"], ["rm", "-rf", "/tmp/x"]]);
    assert!(parse("eval 'echo \"'", Path::new(CWD)).is_err());
    assert_eq!(argvs("bash -c 'rm -rf /'"), cmds![["bash", "-c", "rm -rf /"]]);
}

// --- globs and directories --------------------------------------------------------------

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in ["b.txt", "a.txt", ".env", "sub/c.txt"] {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, "").unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

fn argvs_in(text: &str, cwd: &Path) -> Vec<Vec<String>> {
    let s = parse(text, cwd).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    s.commands.iter().map(|c| c.argv.iter().map(show).collect()).collect()
}

#[test]
fn globs_expand_against_the_directory() {
    let dir = project();
    assert_eq!(argvs_in("rm -rf *", dir.path()), cmds![["rm", "-rf", "a.txt", "b.txt", "sub"]]);
    assert_eq!(argvs_in("rm .* *.log '*.txt'", dir.path()), cmds![["rm", ".env", "*.log", "*.txt"]]);
    assert_eq!(argvs_in("x='*.txt'; echo $x \"$x\"", dir.path()), cmds![["echo", "a.txt", "b.txt", "*.txt"]]);
    assert_eq!(argvs_in("cd sub && ls *", dir.path()), cmds![["cd", "sub"], ["ls", "c.txt"]]);
    assert_eq!(argvs_in("cd $d && ls *", dir.path()), cmds![["cd", "<?$d>"], ["ls", "<?*>"]]);
    assert_eq!(argvs_in("set -f; ls *", dir.path()), cmds![["set", "-f"], ["ls", "<?*>"]]);
    assert_eq!(argvs_in("set -euo pipefail; ls a*", dir.path()), cmds![["set", "-euo", "pipefail"], ["ls", "a.txt"]]);
}

#[test]
fn cd_moves_the_known_directory() {
    let s = script("cd /srv/app && rm -rf build; (cd ..; ls); cd ./x/../y; pwd; cd -; pwd");
    let cwds: Vec<Option<PathBuf>> = s.commands.iter().map(|c| c.cwd.clone()).collect();
    assert_eq!(
        cwds,
        vec![
            Some(PathBuf::from(CWD)),
            Some(PathBuf::from("/srv/app")),
            Some(PathBuf::from("/srv/app")),
            Some(PathBuf::from("/srv")),
            Some(PathBuf::from("/srv/app")),
            Some(PathBuf::from("/srv/app/y")),
            Some(PathBuf::from("/srv/app/y")),
            None,
        ]
    );
}

// --- failing closed ---------------------------------------------------------------------

#[test]
fn syntax_errors_fail() {
    for text in ["echo 'unterminated", "echo \"open", "if true; then", "echo $(", "ls !(x)", "case"] {
        assert!(parse(text, Path::new(CWD)).is_err(), "{text}");
    }
}

#[test]
fn hostile_inputs_fail_without_crashing() {
    assert!(parse("$(<<\t ", Path::new(CWD)).is_err());
    assert!(parse(&"{ ".repeat(5000), Path::new(CWD)).is_err());
    assert!(parse(&"a".repeat(2 << 20), Path::new(CWD)).is_err());
    // Past the pre-scan (which would refuse it), the sandbox itself contains the overflow.
    let deep: String = format!("{}true{}", "{ ".repeat(5000), "; }".repeat(5000));
    let unchecked = sandbox::run(|| walk::parse_program(&deep).is_ok(), &sandbox::PARSER_LIMITS);
    assert!(unchecked.is_err(), "{unchecked:?}");
    // Exponential brace expansion is left unknown, not expanded.
    assert_eq!(argvs(&"{a,b}".repeat(20)), vec![vec![format!("<?{}>", "{a,b}".repeat(20))]]);
}

#[test]
fn deep_but_legal_nesting_parses() {
    let text: String = format!("{}echo x{}", "echo $(".repeat(60), ")".repeat(60));
    assert_eq!(script(&text).commands.len(), 61);
}

// --- the fast path ----------------------------------------------------------------------

#[test]
fn fast_path_agrees_with_the_parser() {
    let cwd = Path::new(CWD);
    for text in [
        "git status",
        "git push --force-with-lease origin main",
        "cargo test -p guard -- --nocapture",
        "A=1 B='x y' env",
        "FOO=bar",
        "echo 'a b' \"c d\" e''f",
        "ls -la ./src/inspect",
        "curl -X POST https://api.example.com/v1:x,y@z%20+",
        "",
        "   ",
        "export X=1",
        "export X='a b' Y=",
        "echo x='' y=1 --opt=v",
        "X= cmd",
        "'if' x",
        ". ./env",
    ] {
        let fast = plain::parse(text, cwd).unwrap_or_else(|| panic!("{text:?} should take the fast path"));
        let full = sandbox::run(|| walk::script(text, cwd), &sandbox::PARSER_LIMITS)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(fast, full, "{text:?}");
    }
}
