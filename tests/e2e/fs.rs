//! Real `rm` (and friends) on temporary trees, through shims.

use crate::util::*;
use std::path::Path;

fn tree(root: &Path) {
    for d in ["src/a", "node_modules/x", "docs"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("f.txt"), "data").unwrap();
    }
    std::fs::write(root.join("notes.txt"), "keep").unwrap();
}

fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn blocked_deletes_leave_every_file_in_place() {
    let s = Sandbox::new();
    s.shim("rm");
    tree(&s.work);
    let before = files(&s.work);
    for args in [
        &["-rf", "src"][..],
        &["-fr", "docs", "node_modules"],
        &["--rec", "--forc", "src"],
        &["-R", "src"],
        &["src", "-rf"],
        &["-f", "notes.txt", "-r", "docs"],
    ] {
        let out = s.run("rm", args);
        assert_eq!(code(&out), 75, "rm {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], "filesystem.rm.recursive", "rm {args:?}");
    }
    for args in [&["-rf", "/"][..], &["-rf", "."], &["-rf", ".git"], &["-r", ".."]] {
        let out = s.run("rm", args);
        assert_eq!(code(&out), 75);
        assert_eq!(artifact(&out)["rule"], "filesystem.rm.dangerous-target", "rm {args:?}");
    }
    assert_eq!(files(&s.work), before);
}

#[test]
fn regenerable_directories_and_single_files_are_deleted() {
    let s = Sandbox::new();
    s.shim("rm");
    tree(&s.work);
    let out = s.run("rm", ["-rf", "node_modules"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!s.work.join("node_modules").exists());
    let out = s.run("rm", ["notes.txt"]);
    assert_eq!(code(&out), 0);
    assert!(!s.work.join("notes.txt").exists());
    assert!(s.work.join("src/a/f.txt").exists());
}

#[test]
fn other_wipers_are_stopped_before_they_touch_the_file() {
    let s = Sandbox::new();
    s.shim("shred").shim("truncate").shim("dd").shim("find").shim("rsync");
    tree(&s.work);
    for (prog, args, rule) in [
        ("shred", &["-u", "notes.txt"][..], "filesystem.shred"),
        ("truncate", &["-s", "0", "notes.txt"], "filesystem.truncate-shrink"),
        ("dd", &["if=/dev/zero", "of=notes.txt", "count=1"], "filesystem.dd.write"),
        ("find", &[".", "-name", "*.txt", "-delete"], "filesystem.find-delete"),
        ("find", &[".", "-type", "f", "-exec", "rm", "{}", ";"], "filesystem.find-delete"),
        ("rsync", &["-a", "--delete", "docs/", "src/"], "filesystem.rsync-delete"),
    ] {
        let out = s.run(prog, args);
        assert_eq!(code(&out), 75, "{prog} {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], rule);
    }
    assert_eq!(std::fs::read_to_string(s.work.join("notes.txt")).unwrap(), "keep");
    assert!(s.work.join("src/a/f.txt").exists());
    let out = s.run("find", [".", "-name", "f.txt"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out).lines().count(), 3);
}
