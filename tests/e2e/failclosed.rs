//! threats.md part D: every way guard could fail open, and that it does not.

use crate::util::*;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};

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

/// The user layer's settings are read from the passwd home, so these run as the
/// unprivileged test user that `.ci/run` creates (as root they would prove nothing).
mod as_unprivileged_user {
    use super::*;

    struct User {
        name: String,
        home: std::path::PathBuf,
    }

    fn user() -> Option<User> {
        let is_root = nix::unistd::geteuid().is_root();
        let name = match std::env::var("GUARD_TEST_USER") {
            Ok(n) if is_root => n,
            _ => {
                assert!(
                    std::env::var_os("GUARD_TEST_REQUIRE_ALL").is_none(),
                    "these tests need root and GUARD_TEST_USER (set by .ci/run)"
                );
                eprintln!("SKIPPED: run through .ci/run (root with GUARD_TEST_USER) to test as an unprivileged user");
                return None;
            }
        };
        let entry = nix::unistd::User::from_name(&name).unwrap().expect("GUARD_TEST_USER exists");
        Some(User { name, home: entry.dir })
    }

    /// A sandbox the test user can use: world-readable dirs, a private copy of guard.
    fn sandbox_for(u: &User) -> (Sandbox, std::path::PathBuf) {
        let s = Sandbox::new();
        let guard = s.dir.path().join("guard");
        std::fs::copy(GUARD, &guard).unwrap();
        std::os::unix::fs::symlink(&guard, s.shims.join("rm")).unwrap();
        s.stub("rm", 0);
        let st = Command::new("chmod").args(["-R", "a+rwX"]).arg(s.dir.path()).status().unwrap();
        assert!(st.success());
        let _ = &u.name;
        (s, guard)
    }

    fn run_as(u: &User, s: &Sandbox, args: &[&str]) -> std::process::Output {
        Command::new("setpriv")
            .args(["--reuid", &u.name, "--regid", &u.name, "--init-groups", "--"])
            .arg(s.shims.join("rm"))
            .args(args)
            .current_dir(&s.work)
            .env("PATH", s.path_var())
            .env("HOME", "/nonexistent-home-from-env")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn write_user_config(u: &User, text: &str, mode: u32) -> std::path::PathBuf {
        let dir = u.home.join(".config/guard");
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("config.yaml");
        std::fs::write(&f, text).unwrap();
        let st = Command::new("chown").args(["-R", &format!("{0}:{0}", u.name)]).arg(u.home.join(".config")).status();
        assert!(st.unwrap().success());
        std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
        f
    }

    #[test]
    fn settings_come_from_the_passwd_home_and_bad_ones_stop_the_command() {
        let Some(u) = user() else { return };
        let (s, _guard) = sandbox_for(&u);
        // a valid user setting takes effect although $HOME points elsewhere
        let f = write_user_config(&u, "grant_lifetime: 60s\n", 0o644);
        let out = run_as(&u, &s, &["-rf", "x"]);
        assert_eq!(code(&out), 75, "{}", stderr(&out));
        let a = artifact(&out);
        let created: jiff::Timestamp = a["created_at"].as_str().unwrap().parse().unwrap();
        let expires: jiff::Timestamp = a["expires_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(expires.as_second() - created.as_second(), 60);

        // malformed: the stopped command errors out (70) instead of running
        write_user_config(&u, "grant_lifetime: [\n", 0o644);
        let out = run_as(&u, &s, &["-rf", "x"]);
        assert_eq!(code(&out), 70, "{}", stderr(&out));
        assert!(stderr(&out).contains("config.yaml"), "{}", stderr(&out));

        // unreadable by its owner: the same
        write_user_config(&u, "grant_lifetime: 60s\n", 0o000);
        let out = run_as(&u, &s, &["-rf", "x"]);
        assert_eq!(code(&out), 70, "{}", stderr(&out));
        assert!(stderr(&out).contains("cannot read settings"), "{}", stderr(&out));
        assert!(s.ran().is_empty(), "{:?}", s.ran());

        // a command no rule concerns never reads settings, so it still runs
        let out = run_as(&u, &s, &["file.txt"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        std::fs::remove_file(f).unwrap();
    }
}
