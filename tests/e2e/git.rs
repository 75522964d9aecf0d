//! Real git on temporary repositories with a local bare remote, through a git shim.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A clone of a bare remote with two commits pushed; returns (sandbox, clone, remote).
fn repo() -> (Sandbox, PathBuf, PathBuf) {
    let s = Sandbox::new();
    s.shim("git");
    let remote = s.dir.path().join("remote.git");
    let clone = s.work.join("app");
    sh(&s.work, &format!("git init -q --bare -b main {}", remote.display()));
    sh(&s.work, &format!("git clone -q {} {} 2>/dev/null", remote.display(), clone.display()));
    sh(&clone, "git config user.email t@example.com && git config user.name t");
    sh(&clone, "echo one > a.txt && git add a.txt && git commit -qm one && echo two > a.txt && git commit -qam two");
    sh(&clone, "git push -q origin main");
    (s, clone, remote)
}

/// Runs setup with the real git, not through guard.
fn sh(dir: &Path, script: &str) {
    let st = Command::new("sh").arg("-c").arg(script).current_dir(dir).status().unwrap();
    assert!(st.success(), "setup failed: {script}");
}

fn rev(repo: &Path, what: &str) -> String {
    let out = Command::new("git").args(["rev-parse", what]).current_dir(repo).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn git(s: &Sandbox, dir: &Path, args: &[&str]) -> std::process::Output {
    s.command("git").args(args).current_dir(dir).output().unwrap()
}

#[test]
fn a_stopped_force_push_leaves_the_remote_unchanged_and_an_allowed_push_lands() {
    if !have("git") {
        return;
    }
    let (s, clone, remote) = repo();
    let before = rev(&remote, "main");
    // rewrite history locally: drop the last commit, commit something else
    sh(&clone, "git reset -q --hard HEAD~1 && echo three > b.txt && git add b.txt && git commit -qm three");
    for spelling in [&["push", "--force"][..], &["push", "origin", "main", "-uf"], &["push", "origin", "+main"]] {
        let out = git(&s, &clone, spelling);
        assert_eq!(code(&out), 75, "{spelling:?}: {}", stderr(&out));
        let a = artifact(&out);
        assert_eq!(a["rule"], "git.push.force");
        assert_eq!(a["target"]["remote"], "origin");
        assert_eq!(a["target"]["remote_url"], remote.to_str().unwrap());
        assert_eq!(a["target"]["branch"], "main");
        assert_eq!(rev(&remote, "main"), before, "the remote changed after {spelling:?}");
    }
    // an ordinary push of new work goes through to the real git
    let (s, clone, remote) = repo();
    sh(&clone, "echo four > c.txt && git add c.txt && git commit -qm four");
    let out = git(&s, &clone, &["push", "-q", "origin", "main"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rev(&remote, "main"), rev(&clone, "HEAD"));
}

#[test]
fn remote_branch_deletion_is_stopped() {
    if !have("git") {
        return;
    }
    let (s, clone, remote) = repo();
    sh(&clone, "git push -q origin main:feature");
    for spelling in [
        &["push", "origin", "--delete", "feature"][..],
        &["push", "origin", ":feature"],
        &["push", "-d", "origin", "feature"],
    ] {
        let out = git(&s, &clone, spelling);
        assert_eq!(code(&out), 75, "{spelling:?}");
        assert_eq!(artifact(&out)["rule"], "git.push.delete");
    }
    assert!(!rev(&remote, "feature").is_empty(), "feature was deleted");
}

#[test]
fn mirror_configured_in_the_repository_makes_a_plain_push_a_mirror_push() {
    if !have("git") {
        return;
    }
    let (s, clone, _remote) = repo();
    sh(&clone, "git config remote.origin.mirror true");
    let out = git(&s, &clone, &["push"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "git.push.mirror");
}

#[test]
fn aliases_in_git_config_are_judged_as_their_expansion() {
    if !have("git") {
        return;
    }
    let (s, clone, remote) = repo();
    let before = rev(&remote, "main");
    sh(&clone, "git config alias.yolo 'push --force' && git config alias.pf yolo && git config alias.st status");
    sh(&clone, "git reset -q --hard HEAD~1");
    for alias in ["yolo", "pf"] {
        let out = git(&s, &clone, &[alias, "origin", "main"]);
        assert_eq!(code(&out), 75, "{alias}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], "git.push.force");
    }
    assert_eq!(rev(&remote, "main"), before);
    let out = git(&s, &clone, &["st", "--short"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // a shell alias cannot be judged yet: confirm
    sh(&clone, "git config alias.nuke '!rm -rf .'");
    let out = git(&s, &clone, &["nuke"]);
    assert_eq!(code(&out), 75);
    assert_eq!(artifact(&out)["rule"], "git.unknown-subcommand");
    assert!(clone.join("a.txt").exists());
}

#[test]
fn local_work_loss_is_stopped_and_reads_flow() {
    if !have("git") {
        return;
    }
    let (s, clone, _) = repo();
    sh(&clone, "echo dirty > a.txt && echo new > untracked.txt");
    for (args, rule) in [
        (&["reset", "--hard"][..], "git.reset.discard"),
        (&["checkout", "--", "a.txt"], "git.checkout.discard"),
        (&["checkout", "a.txt"], "git.checkout.discard"),
        (&["restore", "."], "git.restore.worktree"),
        (&["clean", "-fd"], "git.clean.delete"),
        (&["stash", "clear"], "git.stash.drop"),
    ] {
        let out = git(&s, &clone, args);
        assert_eq!(code(&out), 75, "{args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], rule, "{args:?}");
    }
    assert_eq!(std::fs::read_to_string(clone.join("a.txt")).unwrap(), "dirty\n");
    assert!(clone.join("untracked.txt").exists());
    for args in [
        &["status", "--short"][..],
        &["log", "--oneline", "-1"],
        &["diff", "--stat"],
        &["clean", "-n"],
        &["branch", "-a"],
    ] {
        let out = git(&s, &clone, args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    // `git -C` moves where paths are judged
    let out = s.command("git").args(["-C", "app", "checkout", "a.txt"]).output().unwrap();
    assert_eq!(code(&out), 75);
}
