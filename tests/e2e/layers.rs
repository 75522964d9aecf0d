//! Policy layers end to end: a project rule through a shim, loosening in the layers
//! the agent can write ignored and reported, a system-layer exception (audited),
//! and fail-closed on a malformed file or an unsafe system file.
//!
//! The system layer is `/etc/guard`, compiled in: tests give it their own content in
//! a private mount namespace (`unshare -m` + a bind mount), never on the machine.

use crate::util::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const TEAM: &str = "\
schema: 1
pack: team
summary: the team's deploy rules
extends: git
rules:
  - id: team.push-to-deploy
    reason: Pushing to the deploy remote ships to production.
    severity: high
    match: { command: push, operand: '^deploy$' }
    confirm: [git push deploy main]
    allow: [git push origin main]
";

/// What the stub git ran, leaving out the configuration guard itself reads
/// (`git config --get-regexp …` for push settings).
fn ran(s: &Sandbox) -> Vec<Vec<String>> {
    s.ran().into_iter().filter(|r| r.get(1).is_none_or(|w| w != "config")).collect()
}

/// Makes the sandbox's work directory a repository with these `.guard/` files.
fn project(s: &Sandbox, files: &[(&str, &str)]) {
    std::fs::create_dir_all(s.work.join(".git")).unwrap();
    for (name, text) in files {
        let path = s.work.join(".guard").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn a_project_rule_stops_its_command_through_the_shim() {
    let s = Sandbox::new();
    s.shim("git").stub("git", 0);
    project(&s, &[("team.yaml", TEAM)]);
    let out = s.run("git", ["push", "deploy", "main"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let a = artifact(&out);
    assert_eq!(a["rule"], "team.push-to-deploy");
    assert!(a["rule_source"].as_str().unwrap().ends_with(".guard/team.yaml:6"), "{}", a["rule_source"]);
    assert!(ran(&s).is_empty());
    // what the rule does not name runs, as does everything the built-in rules allow
    let out = s.run("git", ["push", "origin", "main"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ran(&s), vec![vec!["git", "push", "origin", "main"]]);
    // and from a subdirectory of the repository
    std::fs::create_dir_all(s.work.join("src/deep")).unwrap();
    let out = s.command("git").current_dir(s.work.join("src/deep")).args(["push", "deploy"]).output().unwrap();
    assert_eq!(code(&out), 75, "{}", stderr(&out));
}

#[test]
fn a_malformed_project_file_stops_guarded_commands_naming_its_position() {
    let s = Sandbox::new();
    s.shim("git").stub("git", 0);
    project(&s, &[("team.yaml", TEAM), ("broken.yaml", "schema: 1\npack: acme\n  bad indent: x\n")]);
    let out = s.run("git", ["status"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(".guard/broken.yaml:3:13: syntax: mapping values are not allowed"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(ran(&s).is_empty());
    // the diagnosis still works
    let lint = s.guard(["rules", "lint"]);
    assert_eq!(code(&lint), 1, "{}", stdout(&lint));
    assert!(stdout(&lint).contains("broken.yaml:3:13: syntax:"), "{}", stdout(&lint));
    let check = s.guard(["check", "--", "git", "status"]);
    assert_eq!(code(&check), 0);
    assert!(stderr(&check).contains("warning:") && stderr(&check).contains("broken.yaml:3:13"), "{}", stderr(&check));
    // an invalid (not malformed) file too: a pattern that does not compile
    std::fs::remove_file(s.work.join(".guard/broken.yaml")).unwrap();
    std::fs::write(s.work.join(".guard/team.yaml"), TEAM.replace("'^deploy$'", "'^(deploy'")).unwrap();
    let out = s.run("git", ["status"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains(".guard/team.yaml:9:39: bad-pattern: "), "{}", stderr(&out));
    assert!(ran(&s).is_empty());
}

const LOOSEN: &str = "\
exceptions:
  - rule: git.push.force
    reason: the agent says it is fine
";

#[test]
fn loosening_in_the_project_layer_is_ignored_and_reported() {
    let s = Sandbox::new();
    s.shim("git").stub("git", 0);
    project(&s, &[("team.yaml", &format!("{TEAM}{LOOSEN}"))]);
    let out = s.run("git", ["push", "--force", "origin", "main"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "git.push.force");
    // the file's own rules still apply
    assert_eq!(artifact(&s.run("git", ["push", "deploy"]))["rule"], "team.push-to-deploy");
    let lint = s.guard(["rules", "lint"]);
    assert_eq!(code(&lint), 1);
    assert!(
        stdout(&lint).contains(".guard/team.yaml:13:11: loosening: the exception to `git.push.force` is ignored"),
        "{}",
        stdout(&lint)
    );
    let doctor = stdout(&s.guard(["doctor"]));
    assert!(doctor.contains("WARN layers") && doctor.contains("loosening"), "{doctor}");
    assert!(ran(&s).is_empty());
}

#[test]
fn loosening_in_the_user_layer_is_ignored_and_reported() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["git"]);
    s.stub("git", 0);
    let dir = u.home.join(".config/guard/rules");
    std::fs::create_dir_all(&dir).unwrap();
    let mine = TEAM.replace("pack: team", "pack: mine").replace("team.push", "mine.push");
    std::fs::write(dir.join("mine.yaml"), format!("{mine}{LOOSEN}")).unwrap();
    u.chown(&u.home.join(".config"));
    let out = u.run(&s, "git", &["push", "--force", "origin", "main"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "git.push.force");
    assert_eq!(artifact(&u.run(&s, "git", &["push", "deploy"]))["rule"], "mine.push-to-deploy");
    let lint = stdout(&u.guard(&s, &["rules", "lint"]));
    assert!(lint.contains(".config/guard/rules/mine.yaml:13:11: loosening:"), "{lint}");
    assert!(ran(&s).is_empty());
}

/// Runs `argv` as the test user with `system` mounted on `/etc/guard` in a private
/// mount namespace.
fn with_system_layer(u: &TestUser, s: &Sandbox, system: &Path, argv: &[&OsStr]) -> Output {
    std::fs::create_dir_all("/etc/guard").unwrap_or(()); // the mount point; empty is no layer
    let mut script = String::from("mount --bind \"$1\" /etc/guard && shift && exec \"$@\"");
    script.push('\n');
    let mut c = Command::new("unshare");
    c.args(["--mount", "--propagation", "private", "sh", "-c", &script, "sh"]).arg(system);
    let inner = u.command(s, argv);
    c.arg(inner.get_program()).args(inner.get_args());
    c.current_dir(&s.work).env("PATH", s.path_var()).env("HOME", "/nonexistent-home-from-env");
    c.stdin(Stdio::null()).output().unwrap()
}

/// A root-owned system layer directory holding `team.yaml` with this mode.
fn system_dir(s: &Sandbox, text: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = s.dir.path().join("etc-guard");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.join("team.yaml");
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    dir
}

const SYSTEM_EXCEPTION: &str = "\
schema: 1
pack: site
summary: this machine's exceptions
exceptions:
  - rule: git.push.force
    reason: scratch branches are rewritten on purpose
    match: { operand: '^scratch/' }
";

#[test]
fn a_system_exception_lets_a_command_through_and_is_audited() {
    let Some(u) = TestUser::get() else { return };
    if !have("unshare") {
        return;
    }
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["git"]);
    s.stub("git", 0);
    let system = system_dir(&s, SYSTEM_EXCEPTION, 0o644);
    let shim = s.shims.join("git");
    let args = |extra: &[&str]| -> Vec<std::ffi::OsString> {
        std::iter::once(shim.as_os_str().to_owned()).chain(extra.iter().map(|a| a.into())).collect()
    };
    let run = |extra: &[&str]| {
        let argv = args(extra);
        let refs: Vec<&OsStr> = argv.iter().map(|a| a.as_os_str()).collect();
        with_system_layer(&u, &s, &system, &refs)
    };
    let out = run(&["push", "--force", "origin", "scratch/try-1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ran(&s), vec![vec!["git", "push", "--force", "origin", "scratch/try-1"]]);
    // the exception is as narrow as written
    let out = run(&["push", "--force", "origin", "main"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "git.push.force");
    assert_eq!(ran(&s).len(), 1);
    // and audited, with the exception's place and reason
    let log = stdout(&u.guard(&s, &["log", "--json", "--event", "allowed_by_exception"]));
    let records: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 1, "{log}");
    assert_eq!(records[0]["rule"], "git.push.force");
    let detail = records[0]["detail"].as_str().unwrap();
    assert!(detail.contains("team.yaml:5") && detail.contains("scratch branches"), "{detail}");
}

#[test]
fn a_system_file_others_can_write_is_refused() {
    let Some(u) = TestUser::get() else { return };
    if !have("unshare") {
        return;
    }
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["git"]);
    s.stub("git", 0);
    let system = system_dir(&s, SYSTEM_EXCEPTION, 0o664);
    let shim = s.shims.join("git");
    let out = with_system_layer(&u, &s, &system, &[shim.as_os_str(), OsStr::new("status")]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("team.yaml: unsafe-permissions:"), "{}", stderr(&out));
    assert!(ran(&s).is_empty());
    // a file the user owns, however its mode, is refused too
    std::fs::set_permissions(system.join("team.yaml"), std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    u.chown(&system.join("team.yaml"));
    let out = with_system_layer(&u, &s, &system, &[shim.as_os_str(), OsStr::new("status")]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("unsafe-permissions"), "{}", stderr(&out));
    assert!(ran(&s).is_empty());
}
