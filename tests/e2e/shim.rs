//! Shim mode: real binary resolution, exec in place, exit codes and fail-closed cases.

use crate::util::*;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::ExitStatusExt;

#[test]
fn allowed_call_execs_the_real_program_with_the_same_argv_and_status() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 42);
    let out = s.run("rm", ["-v", "--", "a file", "-x"]);
    assert_eq!(code(&out), 42, "{}", stderr(&out));
    assert_eq!(s.ran(), vec![vec!["rm", "-v", "--", "a file", "-x"]]);
}

#[test]
fn argv0_is_kept_as_invoked() {
    let s = Sandbox::new();
    s.shim("rm").script("rm", "#!/bin/sh\necho \"$0\"\n");
    // the shell sets argv[0] to the name it was given; guard passes it on
    let out = s.run("rm", ["x"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).trim_end().ends_with("/rm"), "{}", stdout(&out));
}

#[test]
fn a_signal_that_kills_the_real_program_is_what_the_caller_sees() {
    let s = Sandbox::new();
    s.shim("rm").script("rm", "#!/bin/sh\nkill -TERM $$\n");
    let out = s.run("rm", ["x"]);
    assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
}

#[cfg(target_os = "linux")]
#[test]
fn the_real_program_gets_the_signal_dispositions_guard_was_given() {
    // guard must not leave SIGPIPE ignored for the program it execs (`git log | head`
    // must end the way it does without guard)
    let s = Sandbox::new();
    s.shim("git").script("git", "#!/bin/sh\ngrep '^SigIgn:' /proc/$$/status\n");
    let out = s.run("git", ["log"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mask = stdout(&out).trim().trim_start_matches("SigIgn:").trim().to_string();
    let ignored = u64::from_str_radix(&mask, 16).unwrap();
    assert_eq!(ignored & (1 << (13 - 1)), 0, "SIGPIPE is ignored in the real program: {mask}");
}

#[test]
fn non_utf8_arguments_pass_through_byte_for_byte() {
    let s = Sandbox::new();
    let dump = s.dir.path().join("argv.bin");
    s.shim("rm").script("rm", &format!("#!/bin/sh\nprintf '%s\\0' \"$@\" > '{}'\n", dump.display()));
    let odd = OsString::from_vec(vec![b'f', 0xff, 0xfe, b'\n', b'x']);
    let out = s.run("rm", [odd.clone(), OsString::from("-v")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut want = odd.into_vec();
    want.extend_from_slice(b"\0-v\0");
    assert_eq!(std::fs::read(&dump).unwrap(), want);
}

#[test]
fn missing_real_program_is_127_and_one_line() {
    let s = Sandbox::new();
    s.shim("rm");
    let out = s.command("rm").arg("x").env("PATH", &s.shims).output().unwrap();
    assert_eq!(code(&out), 127);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("rm: not found on PATH"), "{}", stderr(&out));
}

#[test]
fn shims_in_several_path_entries_are_all_skipped() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let second = s.dir.path().join("shims2");
    std::fs::create_dir(&second).unwrap();
    std::os::unix::fs::symlink(s.shims.join("rm"), second.join("rm")).unwrap(); // a link to a link
    let path = std::env::join_paths([s.shims.as_path(), second.as_path(), s.stubs.as_path()]).unwrap();
    let out = s.command("rm").arg("f").env("PATH", path).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran(), vec![vec!["rm", "f"]]);
}

#[test]
fn stopped_command_does_not_run_and_prints_the_artifact() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let out = s.run("rm", ["-rf", "src"]);
    assert_eq!(code(&out), 75);
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());
    let a = artifact(&out);
    assert_eq!(a["version"], 1);
    assert_eq!(a["kind"], "confirmation_required");
    assert_eq!(a["rule"], "filesystem.rm.recursive");
    assert_eq!(a["severity"], "high");
    assert_eq!(a["argv"], serde_json::json!(["rm", "-rf", "src"]));
    assert_eq!(a["cwd"], s.work.to_str().unwrap());
    assert_eq!(a["real_binary"], s.stubs.join("rm").to_str().unwrap());
    assert_eq!(a["target"]["paths"], serde_json::json!([s.work.join("src").to_str().unwrap()]));
    let id = a["id"].as_str().unwrap();
    assert_eq!(id.len(), 8);
    assert_eq!(a["approve"], format!("guard approve {id}"));
    assert!(a["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert!(a["instruction"].as_str().unwrap().contains("You cannot confirm it yourself"));
    assert!(a["rule_source"].as_str().unwrap().starts_with("rules/filesystem.yaml:"));
    let human = stderr(&out).lines().nth(1).unwrap().to_string();
    assert!(human.starts_with("guard: stopped `rm -rf src`"), "{human}");
}

#[test]
fn the_fingerprint_is_stable_for_the_same_request_and_changes_with_it() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let fp = |args: &[&str]| artifact(&s.run("rm", args))["fingerprint"].as_str().unwrap().to_string();
    let a = fp(&["-rf", "src"]);
    assert_eq!(a, fp(&["-rf", "src"]));
    assert_ne!(a, fp(&["-fr", "src"]));
    assert_ne!(a, fp(&["-rf", "src2"]));
}

#[test]
fn non_utf8_argv_in_a_stopped_command_is_encoded_explicitly() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let out = s.run("rm", [OsString::from("-rf"), OsString::from_vec(vec![b'd', 0xff])]);
    assert_eq!(code(&out), 75);
    let a = artifact(&out);
    assert_eq!(a["argv"][2], serde_json::json!({"hex": "64ff", "lossy": "d\u{fffd}"}));
}
