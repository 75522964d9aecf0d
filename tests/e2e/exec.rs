//! `guard exec`: an installed layout (prefix/bin/guard, prefix/lib/guard/shims/), the
//! child under guard with the shims first on PATH, statuses and signals passed on.

use crate::util::*;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Copies guard into `<sandbox>/prefix/bin/guard` with shims for `programs`.
fn install(s: &Sandbox, programs: &[&str]) -> PathBuf {
    let prefix = s.dir.path().join("prefix");
    let bin = prefix.join("bin/guard");
    let shims = prefix.join("lib/guard/shims");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::create_dir_all(&shims).unwrap();
    std::fs::copy(GUARD, &bin).unwrap();
    for p in programs {
        symlink(&bin, shims.join(p)).unwrap();
    }
    bin
}

fn exec(s: &Sandbox, bin: &PathBuf, argv: &[&str]) -> std::process::Output {
    Command::new(bin)
        .arg("exec")
        .arg("--")
        .args(argv)
        .current_dir(&s.work)
        .env(
            "PATH",
            std::env::join_paths([s.stubs.as_path(), std::path::Path::new("/usr/bin"), std::path::Path::new("/bin")])
                .unwrap(),
        )
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn commands_the_child_runs_go_through_the_shims() {
    let s = Sandbox::new();
    let bin = install(&s, &["rm"]);
    std::fs::create_dir_all(s.work.join("data/x")).unwrap();
    // a program guard knows nothing about runs rm: the shim stops it
    s.script("agent-tool", "#!/bin/sh\nrm -rf data; echo after=$?\n");
    let out = exec(&s, &bin, &["agent-tool"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("after=75"), "{}", stdout(&out));
    assert!(s.work.join("data/x").exists());
    assert_eq!(artifact(&out)["rule"], "filesystem.rm.recursive");
}

#[test]
fn a_shell_string_given_to_exec_is_judged_before_anything_runs() {
    let s = Sandbox::new();
    let bin = install(&s, &["rm"]);
    std::fs::create_dir_all(s.work.join("data/x")).unwrap();
    let out = exec(&s, &bin, &["sh", "-c", "echo start; rm -rf data"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert!(!stdout(&out).contains("start"), "part of the string ran");
    assert!(s.work.join("data/x").exists());
}

#[test]
fn the_command_itself_is_judged_first() {
    let s = Sandbox::new();
    let bin = install(&s, &["rm"]);
    std::fs::create_dir_all(s.work.join("data")).unwrap();
    let out = exec(&s, &bin, &["rm", "-rf", "data"]);
    assert_eq!(code(&out), 75);
    assert!(s.work.join("data").exists());
}

#[test]
fn exit_status_and_signals_are_the_childs() {
    let s = Sandbox::new();
    let bin = install(&s, &[]);
    assert_eq!(code(&exec(&s, &bin, &["sh", "-c", "exit 3"])), 3);
    // the path the child sees starts with the shims directory
    let out = exec(&s, &bin, &["sh", "-c", "echo $PATH"]);
    assert!(stdout(&out).starts_with(&format!("{}:", s.dir.path().join("prefix/lib/guard/shims").display())));

    // SIGTERM sent to guard reaches the child, whose exit status comes back
    let mut child = Command::new(&bin)
        .args(["exec", "--", "sh", "-c", "trap 'exit 9' TERM; echo ready; while :; do sleep 0.05; done"])
        .current_dir(&s.work)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.as_mut().unwrap()), &mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(9));
}

#[test]
#[cfg(target_os = "linux")]
fn double_forked_descendants_stay_under_guard() {
    let s = Sandbox::new();
    let bin = install(&s, &[]);
    // the inner shell exits at once, orphaning `sleep`; a subreaper adopts it
    let script = r#"pid=$(sh -c 'sleep 3 >/dev/null 2>&1 & echo $!'); sleep 0.3;
        parent=$(awk '/^PPid:/{print $2}' /proc/$pid/status); kill $pid; echo "$parent $PPID""#;
    let out = exec(&s, &bin, &["sh", "-c", script]);
    let text = stdout(&out);
    let mut it = text.split_whitespace();
    let (adopter, guard) = (it.next().unwrap(), it.next().unwrap());
    assert_eq!(adopter, guard, "orphan was adopted by {adopter}, not guard {guard}");
}

#[test]
fn exec_without_an_installed_shims_directory_fails_closed() {
    let s = Sandbox::new();
    let out = s.guard(["exec", "--", "sh", "-c", "echo ran"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(!stdout(&out).contains("ran"));
    assert!(stderr(&out).contains("no shims directory"));
}
