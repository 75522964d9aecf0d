//! `guard check`: judges without running, one JSON object on stdout, exit by decision.

use crate::util::*;

#[test]
fn check_allows_and_stops_with_exact_fields() {
    let s = Sandbox::new();
    let out = s.guard(["check", "--json", "--", "rm", "-rf", "build"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["decision"], "allow");
    assert_eq!(v["rule"], serde_json::Value::Null);

    let out = s.guard(["check", "--json", "--", "rm", "--recursive", "--force", "/"]);
    assert_eq!(code(&out), 75);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["decision"], "confirm");
    assert_eq!(v["kind"], "confirmation_required");
    // the critical rule wins; the other one that matched is listed
    assert_eq!(v["rule"], "filesystem.rm.dangerous-target");
    assert_eq!(v["also_matched"], serde_json::json!(["filesystem.rm.recursive"]));
    assert!(v["reason"].as_str().unwrap().len() > 10);
    assert_eq!(v["severity"], "critical");
    assert!(stdout(&out).trim().lines().count() == 1);
}

#[test]
fn check_never_runs_anything_and_needs_no_real_binary() {
    let s = Sandbox::new();
    s.stub("rm", 0);
    let mut c = std::process::Command::new(GUARD);
    c.args(["check", "--json", "--", "rm", "-rf", "x"]).current_dir(&s.work).env("PATH", "/nonexistent");
    let out = c.output().unwrap();
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let out = s.guard(["check", "--", "rm", "file"]);
    assert_eq!(code(&out), 0);
    assert!(s.ran().is_empty());
}

#[test]
fn check_shell_judges_plain_words_and_confirms_anything_else() {
    let s = Sandbox::new();
    let out = s.guard(["check", "--json", "--shell", "rm -r -f 'my dir'"]);
    assert_eq!(code(&out), 75);
    let out = s.guard(["check", "--json", "--shell", "rm notes.txt"]);
    assert_eq!(code(&out), 0);
    let out = s.guard(["check", "--json", "--shell", "ls; rm -rf ~"]);
    assert_eq!(code(&out), 75);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["decision"], "confirm");
}

#[test]
fn rules_test_passes_for_every_builtin_example() {
    let s = Sandbox::new();
    let out = s.guard(["rules", "test"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(" 0 failed"), "{}", stdout(&out));
}

#[test]
fn usage_errors_exit_64() {
    let s = Sandbox::new();
    assert_eq!(code(&s.guard(["frobnicate"])), 64);
    assert_eq!(code(&s.guard(["check", "--json"])), 64);
}
