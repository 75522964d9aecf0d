//! Only a person confirms: pending requests, approval under a real pseudo-terminal,
//! single-use grants bound to the request, the audit chain. These run as the
//! unprivileged test user (state lives under the passwd home).

use crate::util::*;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs `guard approve ID` as the user with a pty as its controlling terminal, and
/// answers the challenge with `answer(word)`. Returns everything it printed and its
/// exit code.
fn approve_in_pty(u: &TestUser, s: &Sandbox, id: &str, answer: impl Fn(&str) -> String) -> (String, i32) {
    pty_session(u, s, id, "type the word ", |rest| {
        let word: String = rest.chars().take_while(|c| c.is_ascii_lowercase()).collect();
        (word.len() == 8).then(|| answer(&word))
    })
}

/// `guard approve ID` under a pty: once `marker` has appeared, `reply(text after it)`
/// gives the line to type (None: keep reading).
fn pty_session(
    u: &TestUser,
    s: &Sandbox,
    id: &str,
    marker: &str,
    reply: impl Fn(&str) -> Option<String>,
) -> (String, i32) {
    let pty = nix::pty::openpty(None, None).unwrap();
    let guard = s.dir.path().join("prefix/bin/guard");
    let slave: OwnedFd = pty.slave;
    let mut cmd = u.command(s, &[guard.as_os_str(), OsStr::new("approve"), OsStr::new(id)]);
    let fd = slave.as_raw_fd();
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    unsafe {
        // SAFETY: only async-signal-safe calls between fork and exec.
        cmd.pre_exec(move || {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            if nix::libc::ioctl(fd, nix::libc::TIOCSCTTY as _, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(slave);
    let mut master = std::fs::File::from(pty.master);
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut answered = false;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        let mut fds = [nix::poll::PollFd::new(std::os::fd::AsFd::as_fd(&master), nix::poll::PollFlags::POLLIN)];
        if nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(200u16)).unwrap_or(0) > 0 {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
        if !answered
            && let Some(i) = seen.find(marker)
            && let Some(line) = reply(&seen[i + marker.len()..])
        {
            master.write_all(format!("{line}\n").as_bytes()).unwrap();
            answered = true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            // drain what is left
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            break;
        }
    }
    let status = child.wait().unwrap();
    (seen, status.code().unwrap_or(-1))
}

fn stop_id(out: &std::process::Output) -> String {
    assert_eq!(code(out), 75, "expected a stop: {}", stderr(out));
    artifact(out)["id"].as_str().unwrap().to_string()
}

fn log_events(u: &TestUser, s: &Sandbox, id: &str) -> Vec<String> {
    let out = u.guard(s, &["log", "--json", "--request", id]);
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_person_approves_and_the_rerun_executes_exactly_once() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "build2"]));
    // a retry before approval is the same request
    assert_eq!(stop_id(&u.run(&s, "rm", &["-rf", "build2"])), id);
    // another command is another request
    assert_ne!(stop_id(&u.run(&s, "rm", &["-rf", "build3"])), id);
    let pending = stdout(&u.guard(&s, &["pending"]));
    assert!(pending.contains(&id) && pending.contains("filesystem.rm.recursive"), "{pending}");

    let (screen, status) = approve_in_pty(&u, &s, &id, |w| w.to_string());
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains("rm -rf build2") && screen.contains(&format!("Approved {id}")), "{screen}");

    let out = u.run(&s, "rm", &["-rf", "build2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran(), vec![vec!["rm", "-rf", "build2"]]);
    // the grant was used up: the next identical run is stopped again
    let again = u.run(&s, "rm", &["-rf", "build2"]);
    assert_eq!(code(&again), 75);
    assert_eq!(s.ran().len(), 1);

    assert_eq!(log_events(&u, &s, &id), vec!["stopped", "stopped", "approved", "grant_used"]);
    let verify = u.guard(&s, &["log", "verify"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    assert!(stdout(&verify).contains("intact"));
}

#[test]
fn a_wrong_answer_approves_nothing() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "src"]));
    let (screen, status) = approve_in_pty(&u, &s, &id, |_| "yes".into());
    assert_eq!(status, 77, "{screen}");
    assert!(screen.contains("Not approved"), "{screen}");
    assert_eq!(code(&u.run(&s, "rm", &["-rf", "src"])), 75);
    assert!(s.ran().is_empty());
}

#[test]
fn approval_without_a_terminal_or_inside_guard_exec_is_refused() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "src"]));
    // no controlling terminal (setsid detaches it); piped stdin is never an answer
    let guard = s.dir.path().join("prefix/bin/guard");
    let mut c = u.command(&s, &[OsStr::new("setsid"), guard.as_os_str(), OsStr::new("approve"), OsStr::new(&id)]);
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"yes\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 77, "{}", stderr(&out));
    assert!(stderr(&out).contains("no terminal"), "{}", stderr(&out));

    // `guard approve` as a command guard judges is denied outright
    let out = u
        .command(
            &s,
            &[
                guard.as_os_str(),
                OsStr::new("exec"),
                OsStr::new("--"),
                guard.as_os_str(),
                OsStr::new("approve"),
                OsStr::new(&id),
            ],
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 77, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "guard.self-protection");
    // and reached some other way from inside a guard exec session (a script file guard
    // does not read exec's it), approval sees the session in the process table
    let script = format!("import os\nos.execv({:?}, ['guard', 'approve', {:?}])\n", guard.display().to_string(), id);
    let script_path = s.work.join("approve_it.py");
    std::fs::write(&script_path, script).unwrap();
    u.chown(&script_path);
    let out = u
        .command(
            &s,
            &[guard.as_os_str(), OsStr::new("exec"), OsStr::new("--"), OsStr::new("python3"), script_path.as_os_str()],
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 77, "{}", stderr(&out));
    assert!(stderr(&out).contains("inside a guarded agent session"), "{}", stderr(&out));
    assert!(s.ran().is_empty());
    let all = stdout(&u.guard(&s, &["log", "--json", "--event", "approval_refused"]));
    assert_eq!(all.lines().count(), 2, "{all}");
}

#[test]
fn a_grant_never_matches_another_argv_or_directory_and_expires() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    u.write_config("grant_lifetime: 2s\n", 0o644);
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "a"]));
    let (screen, status) = approve_in_pty(&u, &s, &id, |w| w.to_string());
    assert_eq!(status, 0, "{screen}");
    // another argv
    assert_eq!(code(&u.run(&s, "rm", &["-rf", "b"])), 75);
    // another directory
    let other = s.work.join("sub");
    std::fs::create_dir(&other).unwrap();
    u.chown(&other);
    let out =
        u.command(&s, &[OsStr::new("rm"), OsStr::new("-rf"), OsStr::new("a")]).current_dir(&other).output().unwrap();
    assert_eq!(code(&out), 75);
    // expired
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(code(&u.run(&s, "rm", &["-rf", "a"])), 75);
    assert!(s.ran().is_empty(), "{:?}", s.ran());
}

#[test]
fn of_many_concurrent_identical_runs_exactly_one_uses_the_grant() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "race"]));
    let (screen, status) = approve_in_pty(&u, &s, &id, |w| w.to_string());
    assert_eq!(status, 0, "{screen}");
    let children: Vec<_> = (0..60)
        .map(|_| {
            u.command(&s, &[OsStr::new("rm"), OsStr::new("-rf"), OsStr::new("race")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<i32> = children.into_iter().map(|mut c| c.wait().unwrap().code().unwrap_or(-1)).collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 75).count(), 59, "{codes:?}");
    assert_eq!(s.ran().len(), 1);
}

#[test]
fn an_unwritable_state_directory_stops_what_needs_state_and_nothing_else() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm", "git"]);
    s.stub("rm", 0);
    // create it, then make it read-only for its owner
    let _ = u.run(&s, "rm", &["-rf", "first"]);
    let state = u.state_dir();
    std::fs::set_permissions(&state, std::os::unix::fs::PermissionsExt::from_mode(0o500)).unwrap();
    let out = u.run(&s, "rm", &["-rf", "second"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was run"), "{}", stderr(&out));
    // a call no rule concerns needs no state
    let out = u.run(&s, "rm", &["file.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran(), vec![vec!["rm", "file.txt"]]);
    std::fs::set_permissions(&state, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
}

#[test]
fn commands_that_would_rewrite_guard_are_denied() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm", "mv", "ln", "chmod", "cp"]);
    for p in ["rm", "mv", "ln", "chmod", "cp"] {
        s.stub(p, 0);
    }
    let _ = u.run(&s, "rm", &["-rf", "x"]); // creates the state directory
    let state = u.state_dir();
    let guard_bin = s.dir.path().join("prefix/bin/guard");
    let shims = s.dir.path().join("prefix/lib/guard/shims");
    let link = s.work.join("innocent");
    std::os::unix::fs::symlink(&state, &link).unwrap();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("rm", vec!["-f".into(), format!("{}/audit.log", state.display())]),
        ("rm", vec!["-rf".into(), "innocent/grants".into()]),
        ("mv", vec!["/tmp/evil".into(), guard_bin.display().to_string()]),
        ("ln", vec!["-sf".into(), "/usr/bin/rm".into(), format!("{}/rm", shims.display())]),
        ("chmod", vec!["-R".into(), "777".into(), format!("{}/../guard/grants", state.display())]),
        ("cp", vec!["/tmp/forged.json".into(), format!("{}/grants/", state.display())]),
    ];
    for (prog, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = u.run(&s, prog, &args);
        assert_eq!(code(&out), 77, "{prog} {args:?}: {}", stderr(&out));
        let a = artifact(&out);
        assert_eq!(a["kind"], "denied");
        assert_eq!(a["rule"], "guard.self-protection");
        assert_eq!(a["approve"], serde_json::Value::Null);
    }
    assert!(s.ran().is_empty(), "{:?}", s.ran());
    // ordinary file work is untouched
    assert_eq!(code(&u.run(&s, "cp", &["a.txt", "b.txt"])), 0);
}

#[test]
fn with_password_approval_only_the_login_password_approves() {
    let Some(u) = TestUser::get() else { return };
    let Ok(password) = std::env::var("GUARD_TEST_PASSWORD") else {
        assert!(std::env::var_os("GUARD_TEST_REQUIRE_ALL").is_none(), "GUARD_TEST_PASSWORD is set by .ci/run");
        return;
    };
    let _serial = u.lock();
    u.write_config("approval: password\n", 0o644);
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    let id = stop_id(&u.run(&s, "rm", &["-rf", "data"]));
    let (screen, status) = pty_session(&u, &s, &id, "login password of ", |_| Some("not-the-password".into()));
    assert_eq!(status, 77, "{screen}");
    assert!(!screen.contains("not-the-password"), "the password was echoed: {screen}");
    let (screen, status) = pty_session(&u, &s, &id, "login password of ", |_| Some(password.clone()));
    assert_eq!(status, 0, "{screen}");
    assert!(!screen.contains(&password), "the password was echoed");
    assert_eq!(code(&u.run(&s, "rm", &["-rf", "data"])), 0);
    assert_eq!(s.ran().len(), 1);
}
