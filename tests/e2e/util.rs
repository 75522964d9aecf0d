//! A sandbox per test: a shims directory of real symlinks to the built guard, a
//! directory of stub programs that record whether (and how) they ran, and a work
//! directory. PATH is `shims:stubs:<system dirs>`, as an installed guard would see it.

#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const GUARD: &str = env!("CARGO_BIN_EXE_guard");

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub shims: PathBuf,
    pub stubs: PathBuf,
    pub work: PathBuf,
    /// Every stub appends one line per run here: `name<TAB>arg<TAB>arg…`.
    pub log: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        let s = Sandbox {
            shims: root.join("shims"),
            stubs: root.join("stubs"),
            work: root.join("work"),
            log: root.join("ran.log"),
            dir,
        };
        for d in [&s.shims, &s.stubs, &s.work] {
            std::fs::create_dir(d).unwrap();
        }
        s
    }

    /// A shim named `program`: a symlink to the guard under test.
    pub fn shim(&self, program: &str) -> &Self {
        symlink(GUARD, self.shims.join(program)).unwrap();
        self
    }

    /// A stub `program` that logs its argv and exits with `code`.
    pub fn stub(&self, program: &str, code: i32) -> &Self {
        let script = format!(
            "#!/bin/sh\nprintf '%s' '{program}' >> '{log}'\nfor a in \"$@\"; do printf '\\t%s' \"$a\" >> '{log}'; done\nprintf '\\n' >> '{log}'\nexit {code}\n",
            log = self.log.display()
        );
        self.script(program, &script)
    }

    /// An executable stub with the given body.
    pub fn script(&self, program: &str, body: &str) -> &Self {
        let path = self.stubs.join(program);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    pub fn path_var(&self) -> OsString {
        std::env::join_paths([self.shims.as_path(), self.stubs.as_path(), Path::new("/usr/bin"), Path::new("/bin")])
            .unwrap()
    }

    /// `program args…` as an agent would run it: through PATH, in the work directory.
    pub fn run<I, S>(&self, program: &str, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(program).args(args).stdin(Stdio::null()).output().expect("spawn")
    }

    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.work)
            .env("PATH", self.path_var())
            .env_remove("RAILWAY_TOKEN")
            .env_remove("RAILWAY_API_TOKEN");
        c
    }

    /// `guard ARGS…` directly.
    pub fn guard<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = Command::new(GUARD);
        c.current_dir(&self.work).env("PATH", self.path_var()).args(args).stdin(Stdio::null());
        c.output().expect("spawn guard")
    }

    /// The stub runs recorded so far, one `Vec` of words per run.
    pub fn ran(&self) -> Vec<Vec<String>> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('\t').map(String::from).collect())
            .collect()
    }
}

/// The artifact: the first stderr line, parsed.
pub fn artifact(out: &Output) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap_or_else(|| panic!("no stderr; status {:?}", out.status));
    serde_json::from_str(first).unwrap_or_else(|e| panic!("artifact is not JSON ({e}): {stderr}"))
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Whether the system has a tool a test needs. Under CI (`GUARD_TEST_REQUIRE_ALL`)
/// a missing tool fails the test instead of skipping it.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(std::env::var_os("GUARD_TEST_REQUIRE_ALL").is_none(), "{tool} is required under CI but missing");
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

/// The unprivileged user `.ci/run` creates. Tests that depend on permissions, or on
/// guard's state and settings under the passwd home, run as this user: as root they
/// would prove nothing, and as the developer they would touch real state.
pub struct TestUser {
    pub name: String,
    pub home: PathBuf,
}

static USER_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl TestUser {
    /// None (skipped) outside CI; under CI (`GUARD_TEST_REQUIRE_ALL`) its absence fails.
    pub fn get() -> Option<TestUser> {
        let is_root = nix::unistd::geteuid().is_root();
        let name = match std::env::var("GUARD_TEST_USER") {
            Ok(n) if is_root => n,
            _ => {
                assert!(
                    std::env::var_os("GUARD_TEST_REQUIRE_ALL").is_none(),
                    "this test needs root and GUARD_TEST_USER (set by .ci/run)"
                );
                eprintln!("SKIPPED: run through .ci/run (root with GUARD_TEST_USER) to test as an unprivileged user");
                return None;
            }
        };
        let entry = nix::unistd::User::from_name(&name).unwrap().expect("GUARD_TEST_USER exists");
        Some(TestUser { name, home: entry.dir })
    }

    /// Tests sharing the user's home run one at a time, from a clean state.
    pub fn lock(&self) -> std::sync::MutexGuard<'static, ()> {
        let guard = USER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let _ = std::fs::remove_dir_all(self.home.join(".local/state/guard"));
        let _ = std::fs::remove_dir_all(self.home.join(".config/guard"));
        guard
    }

    pub fn write_config(&self, text: &str, mode: u32) -> PathBuf {
        let dir = self.home.join(".config/guard");
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("config.yaml");
        std::fs::write(&f, text).unwrap();
        self.chown(&self.home.join(".config"));
        std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
        f
    }

    pub fn chown(&self, path: &Path) {
        let st = Command::new("chown").args(["-R", &format!("{0}:{0}", self.name)]).arg(path).status().unwrap();
        assert!(st.success());
    }

    pub fn state_dir(&self) -> PathBuf {
        self.home.join(".local/state/guard")
    }

    /// `argv` run as the user (setpriv), in the sandbox's work directory, with its PATH.
    pub fn command(&self, s: &Sandbox, argv: &[&OsStr]) -> Command {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", &self.name, "--regid", &self.name, "--init-groups", "--"])
            .args(argv)
            .current_dir(&s.work)
            .env("PATH", s.path_var())
            .env("HOME", "/nonexistent-home-from-env")
            .env_remove("GUARD_WAIT");
        c
    }

    /// A shimmed program run as the user.
    pub fn run(&self, s: &Sandbox, program: &str, args: &[&str]) -> Output {
        let mut argv: Vec<&OsStr> = vec![OsStr::new(program)];
        argv.extend(args.iter().map(OsStr::new));
        self.command(s, &argv).stdin(Stdio::null()).output().unwrap()
    }

    /// `guard ARGS…` run as the user (the sandbox's private copy of guard).
    pub fn guard(&self, s: &Sandbox, args: &[&str]) -> Output {
        let guard = s.dir.path().join("prefix/bin/guard");
        let mut argv: Vec<&OsStr> = vec![guard.as_os_str()];
        argv.extend(args.iter().map(OsStr::new));
        self.command(s, &argv).stdin(Stdio::null()).output().unwrap()
    }
}

impl Sandbox {
    /// A sandbox the test user can use: world-accessible directories and an installed
    /// layout (`prefix/bin/guard`, `prefix/lib/guard/shims/`) with shims for `programs`
    /// in the sandbox's shims directory too.
    pub fn for_user(u: &TestUser, programs: &[&str]) -> Sandbox {
        let s = Sandbox::new();
        let prefix = s.dir.path().join("prefix");
        let bin = prefix.join("bin/guard");
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::create_dir_all(prefix.join("lib/guard/shims")).unwrap();
        std::fs::copy(GUARD, &bin).unwrap();
        for p in programs {
            symlink(&bin, s.shims.join(p)).unwrap();
            symlink(&bin, prefix.join("lib/guard/shims").join(p)).unwrap();
        }
        let st = Command::new("chmod").args(["-R", "a+rwX"]).arg(s.dir.path()).status().unwrap();
        assert!(st.success());
        u.chown(&s.work);
        s
    }
}

/// Runs each command through its shim and checks it was stopped by `rule` (exit 75)
/// without reaching the stub.
pub fn assert_stopped(s: &Sandbox, cases: &[(&str, &[&str], &str)]) {
    for (program, args, rule) in cases {
        let before = s.ran().len();
        let out = s.run(program, *args);
        assert_eq!(code(&out), 75, "{program} {args:?}: {}", stderr(&out));
        let a = artifact(&out);
        assert_eq!(a["rule"], *rule, "{program} {args:?}: {a}");
        assert_eq!(a["kind"], "confirmation_required");
        // the artifact names the command as typed; `program` is the one that decided
        assert_eq!(a["argv"][0], *program);
        assert!(a["approve"].as_str().is_some_and(|c| c.starts_with("guard approve ")), "{a}");
        assert_eq!(s.ran().len(), before, "{program} {args:?} reached the real program");
    }
}

/// Runs each command through its shim and checks the stub ran with the same argv.
pub fn assert_ran(s: &Sandbox, cases: &[(&str, &[&str])]) {
    for (program, args) in cases {
        let before = s.ran().len();
        let out = s.run(program, *args);
        assert_eq!(code(&out), 0, "{program} {args:?}: {}", stderr(&out));
        let ran = s.ran();
        assert_eq!(ran.len(), before + 1, "{program} {args:?} did not run");
        let mut want = vec![program.to_string()];
        want.extend(args.iter().map(|a| a.to_string()));
        assert_eq!(ran[before], want);
    }
}
