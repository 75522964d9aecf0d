//! Interpreters, deferred and remote execution, and the machine pack, through real
//! shims with stub programs that record whether they ran.

use crate::util::*;
use std::io::Write;
use std::process::{Output, Stdio};

/// A sandbox with a shim and a recording stub for each program.
fn sandbox(programs: &[&str]) -> Sandbox {
    let s = Sandbox::new();
    for p in programs {
        s.shim(p).stub(p, 0);
    }
    s
}

/// `program args…` with `input` on its stdin.
fn run_with_stdin(s: &Sandbox, program: &str, args: &[&str], input: &[u8]) -> Output {
    let mut child = s
        .command(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stopped(out: &Output, rule: &str) -> serde_json::Value {
    assert_eq!(code(out), 75, "stderr: {}", stderr(out));
    let a = artifact(out);
    assert_eq!(a["rule"], rule, "{a}");
    a
}

#[test]
fn python_one_liner_that_deletes_a_tree_is_stopped_and_never_runs() {
    let s = sandbox(&["python3"]);
    let out = s.run("python3", ["-c", "import shutil; shutil.rmtree('/srv/data')"]);
    let a = stopped(&out, "filesystem.rm.recursive");
    assert_eq!(a["argv"][0], "python3");
    assert_eq!(a["target"]["paths"][0], "/srv/data");
    assert!(s.ran().is_empty());
}

#[test]
fn python_computation_runs() {
    let s = sandbox(&["python3"]);
    let out = s.run("python3", ["-c", "import json; print(json.dumps({'a': 1}))"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran(), vec![vec!["python3", "-c", "import json; print(json.dumps({'a': 1}))"]]);
}

#[test]
fn node_running_a_force_push_is_stopped() {
    let s = sandbox(&["node"]);
    let out = s.run("node", ["-e", "require('child_process').execSync('git push --force origin main')"]);
    stopped(&out, "git.push.force");
    assert!(s.ran().is_empty(), "{:?}", s.ran());
}

#[test]
fn code_on_stdin_is_judged_and_replayed() {
    let s = sandbox(&["python3"]);
    let out = run_with_stdin(&s, "python3", &["-"], b"import shutil\nshutil.rmtree('/srv')\n");
    stopped(&out, "filesystem.rm.recursive");
    assert!(s.ran().is_empty());
    let out = run_with_stdin(&s, "python3", &[], b"print(sum(range(10)))\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran().len(), 1);
}

#[test]
fn heredoc_code_in_a_shell_string_is_judged() {
    let s = sandbox(&["python3"]);
    let out = s.guard(["check", "--json", "--shell", "python3 - <<EOF\nimport shutil\nshutil.rmtree('/srv')\nEOF"]);
    let a: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(a["rule"], "filesystem.rm.recursive", "{a}");
    let out = s.guard(["check", "--json", "--shell", "node <<'EOF'\nconsole.log(1)\nEOF"]);
    let a: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(a["decision"], "allow", "{a}");
}

#[test]
fn a_script_is_judged_as_the_program_it_names() {
    let s = sandbox(&["python3", "ruby"]);
    // the nested program is git (its basename), with the script's arguments
    let out = s.guard(["check", "--json", "--", "python3", "tools/git", "push", "-f"]);
    let a: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(a["rule"], "git.push.force", "{a}");
    let out = s.run("ruby", ["-S", "git", "push", "--force"]);
    stopped(&out, "git.push.force");
    let out = s.run("python3", ["train.py", "--epochs", "3"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn awk_system_calls_are_judged() {
    let s = sandbox(&["awk"]);
    let out = s.run("awk", ["BEGIN { system(\"rm -rf /srv\") }"]);
    stopped(&out, "filesystem.rm.recursive");
    let out = s.run("awk", ["-F,", "{ print $2 }", "data.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(s.ran().len(), 1);
}

#[test]
fn crontab_jobs_are_judged_line_by_line() {
    let s = sandbox(&["crontab"]);
    std::fs::write(s.work.join("bad.cron"), "MAILTO=me\n# nightly\n0 3 * * * cd /srv && rm -rf /srv/data\n").unwrap();
    std::fs::write(s.work.join("good.cron"), "@daily /usr/local/bin/backup.sh\n*/5 * * * * date >> /tmp/t\n").unwrap();
    stopped(&s.run("crontab", ["bad.cron"]), "filesystem.rm.recursive");
    stopped(&s.run("crontab", ["-r"]), "deferred.crontab-remove");
    assert!(s.ran().is_empty());
    assert_eq!(code(&s.run("crontab", ["good.cron"])), 0);
    assert_eq!(code(&s.run("crontab", ["-l"])), 0);
    let out = run_with_stdin(&s, "crontab", &["-"], b"* * * * * git push -f\n");
    stopped(&out, "git.push.force");
    assert_eq!(s.ran().len(), 2);
}

#[test]
fn at_jobs_tmux_and_screen_carry_judged_commands() {
    let s = sandbox(&["at", "tmux", "screen", "systemd-run"]);
    stopped(&run_with_stdin(&s, "at", &["now", "+", "5", "minutes"], b"rm -rf /srv\n"), "filesystem.rm.recursive");
    stopped(&s.run("tmux", ["send-keys", "-t", "work", "git push -f", "Enter"]), "git.push.force");
    stopped(&s.run("tmux", ["new", "-d", "rm -rf /srv"]), "filesystem.rm.recursive");
    stopped(&s.run("screen", ["-dmS", "job", "rm", "-rf", "/srv"]), "filesystem.rm.recursive");
    stopped(&s.run("systemd-run", ["--on-calendar=daily", "rm", "-rf", "/srv"]), "filesystem.rm.recursive");
    assert!(s.ran().is_empty());
    assert_eq!(code(&s.run("tmux", ["new-session", "-d", "-s", "build", "cargo build"])), 0);
    assert_eq!(code(&s.run("screen", ["-ls"])), 0);
    assert_eq!(code(&run_with_stdin(&s, "at", &["now"], b"echo hi\n")), 0);
    assert_eq!(s.ran().len(), 3);
}

#[test]
fn ssh_stdin_to_the_remote_shell_is_judged_and_the_host_named() {
    let s = sandbox(&["ssh"]);
    let out = run_with_stdin(&s, "ssh", &["deploy@db1"], b"cd /var/lib && rm -rf postgresql\n");
    let a = stopped(&out, "filesystem.rm.recursive");
    assert_eq!(a["target"]["host"], "db1", "{a}");
    let out = run_with_stdin(&s, "ssh", &["db1", "bash", "-s"], b"git -C /srv/app reset --hard\n");
    stopped(&out, "git.reset.discard");
    assert!(s.ran().is_empty());
    let out = run_with_stdin(&s, "ssh", &["db1"], b"uptime\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn power_commands_name_the_host() {
    let s = sandbox(&["reboot", "shutdown", "systemctl", "ssh"]);
    let out = s.run("reboot", Vec::<&str>::new());
    let a = stopped(&out, "machine.reboot");
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    if !hostname.trim().is_empty() {
        assert_eq!(a["target"]["host"], hostname.trim(), "{a}");
    }
    stopped(&s.run("shutdown", ["-h", "now"]), "machine.shutdown");
    let a = stopped(&s.run("systemctl", ["-H", "web1", "poweroff"]), "machine.systemctl-power");
    assert_eq!(a["target"]["host"], "web1");
    let a = stopped(&s.run("ssh", ["web2", "sudo", "reboot"]), "machine.reboot");
    assert_eq!(a["target"]["host"], "web2");
    assert!(s.ran().is_empty());
    assert_eq!(code(&s.run("shutdown", ["-c"])), 0);
    assert_eq!(code(&s.run("systemctl", ["status", "nginx"])), 0);
    assert_eq!(s.ran().len(), 2);
}

#[test]
fn recursive_permission_changes_of_system_directories() {
    let s = sandbox(&["chmod", "chown"]);
    stopped(&s.run("chmod", ["-R", "777", "/etc"]), "files.permissions-recursive-system");
    stopped(&s.run("chown", ["--recursive", "me:me", "/usr/local"]), "files.permissions-recursive-system");
    assert!(s.ran().is_empty());
    assert_eq!(code(&s.run("chmod", ["-R", "u+w", "./build"])), 0);
    assert_eq!(code(&s.run("chmod", ["644", "/etc/motd"])), 0);
    assert_eq!(s.ran().len(), 2);
}
