//! threats.md part D: every way guard could fail open, and that it does not.

use crate::util::*;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::Command;

#[test]
fn path_unset_falls_back_to_the_system_default() {
    let s = Sandbox::new();
    s.shim("rm");
    std::fs::write(s.work.join("f"), "x").unwrap();
    let shim = s.shims.join("rm");
    let out = Command::new(&shim).arg("f").current_dir(&s.work).env_remove("PATH").output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!s.work.join("f").exists());
}

#[test]
fn an_exec_failure_after_allow_is_reported_as_a_shell_would() {
    let s = Sandbox::new();
    s.shim("rm").script("rm", "#!/nonexistent/interpreter\n");
    let out = s.run("rm", ["f"]);
    assert_eq!(code(&out), 127, "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot execute"));
}

#[test]
fn oversized_argv_is_stopped_whole() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let args: Vec<String> = (0..70_000).map(|i| format!("f{i}")).collect();
    let out = s.run("rm", &args);
    assert_eq!(code(&out), 75, "{}", stderr(&out).lines().last().unwrap_or(""));
    assert_eq!(artifact(&out)["rule"], "guard.oversized-input");
    assert!(s.ran().is_empty());
}

#[test]
fn an_option_guard_cannot_decode_on_a_destroying_command_confirms() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let out = s.run("rm", [OsString::from_vec(b"--r\xffcursive".to_vec()), OsString::from("dir")]);
    assert_eq!(code(&out), 75);
    assert_eq!(artifact(&out)["rule"], "filesystem.unknown-option");
    assert!(s.ran().is_empty());
}

#[test]
fn a_stop_in_a_deleted_directory_is_an_error_and_nothing_runs() {
    let s = Sandbox::new();
    s.shim("rm").stub("rm", 0);
    let gone = s.work.join("gone");
    std::fs::create_dir(&gone).unwrap();
    // a shell whose cwd was removed under it, as after `rm -rf $PWD` elsewhere
    let script = format!("cd '{}' && rmdir '{}' && rm -rf x", gone.display(), gone.display());
    let out = s.command("sh").arg("-c").arg(script).output().unwrap();
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("current directory"), "{}", stderr(&out));
    assert!(s.ran().is_empty());
}

/// The user layer's settings are read from the passwd home, so this runs as the
/// unprivileged test user that `.ci/run` creates (as root it would prove nothing).
#[test]
fn settings_come_from_the_passwd_home_and_bad_ones_stop_the_command() {
    let Some(u) = TestUser::get() else { return };
    let _serial = u.lock();
    let s = Sandbox::for_user(&u, &["rm"]);
    s.stub("rm", 0);
    // a valid user setting takes effect although $HOME points elsewhere
    let f = u.write_config("grant_lifetime: 60s\n", 0o644);
    let out = u.run(&s, "rm", &["-rf", "x"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let a = artifact(&out);
    let created: jiff::Timestamp = a["created_at"].as_str().unwrap().parse().unwrap();
    let expires: jiff::Timestamp = a["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires.as_second() - created.as_second(), 60);

    // malformed: the stopped command errors out (70) instead of running
    u.write_config("grant_lifetime: [\n", 0o644);
    let out = u.run(&s, "rm", &["-rf", "y"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("config.yaml"), "{}", stderr(&out));

    // unreadable by its owner: the same
    u.write_config("grant_lifetime: 60s\n", 0o000);
    let out = u.run(&s, "rm", &["-rf", "z"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(stderr(&out).contains("config.yaml: unreadable: Permission denied"), "{}", stderr(&out));
    assert!(s.ran().is_empty(), "{:?}", s.ran());

    // settings decide what is logged, so while they cannot be read nothing runs
    let out = u.run(&s, "rm", &["file.txt"]);
    assert_eq!(code(&out), 70, "{}", stderr(&out));
    assert!(s.ran().is_empty(), "{:?}", s.ran());
    std::fs::remove_file(f).unwrap();
    let out = u.run(&s, "rm", &["file.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}
