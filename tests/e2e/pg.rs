//! Real psql against a real PostgreSQL server (started by `.ci/run`): a DROP sent
//! with -c, -f or stdin never happens; a SELECT and a row-scoped DELETE do.

use crate::util::*;
use std::io::Write;
use std::process::{Command, Stdio};

struct Db {
    host: String,
    user: String,
    name: String,
}

impl Db {
    fn get() -> Option<Db> {
        let (Ok(host), Ok(user)) = (std::env::var("GUARD_TEST_PGHOST"), std::env::var("GUARD_TEST_PGUSER")) else {
            assert!(
                std::env::var_os("GUARD_TEST_REQUIRE_ALL").is_none(),
                "GUARD_TEST_PGHOST is set by .ci/run, which starts a PostgreSQL server"
            );
            eprintln!("SKIPPED: no PostgreSQL server (run through .ci/run)");
            return None;
        };
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("guard_{}_{n}", std::process::id());
        let db = Db { host, user, name };
        db.direct(&format!("DROP DATABASE IF EXISTS {}", db.name), "postgres");
        db.direct(&format!("CREATE DATABASE {}", db.name), "postgres");
        db.direct("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 5) g", &db.name);
        Some(db)
    }

    /// SQL run with the real psql, not through guard.
    fn direct(&self, sql: &str, database: &str) -> String {
        let out = Command::new("psql")
            .args([
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &self.host,
                "-U",
                &self.user,
                "-d",
                database,
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "setup failed: {sql}: {}", stderr(&out));
        stdout(&out)
    }

    fn rows(&self) -> String {
        self.direct("SELECT count(*) FROM items", &self.name).trim().to_string()
    }

    /// psql through its shim, with `stdin` piped in if given.
    fn psql(&self, s: &Sandbox, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
        let mut c = s.command("psql");
        c.args(["-X", "-At", "-h", &self.host, "-U", &self.user, "-d", &self.name]).args(args);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        match stdin {
            None => c.stdin(Stdio::null()).output().unwrap(),
            Some(bytes) => {
                let mut child = c.stdin(Stdio::piped()).spawn().unwrap();
                child.stdin.take().unwrap().write_all(bytes).unwrap();
                child.wait_with_output().unwrap()
            }
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-X", "-q", "-h", &self.host, "-U", &self.user, "-d", "postgres", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS {}", self.name))
            .output();
    }
}

#[test]
fn drop_via_c_f_and_stdin_never_happens() {
    if !have("psql") {
        return;
    }
    let Some(db) = Db::get() else { return };
    let s = Sandbox::new();
    s.shim("psql");
    std::fs::write(s.work.join("drop.sql"), "-- cleanup\nSELECT 1;\nDROP TABLE items;\n").unwrap();
    let cases: Vec<(Vec<&str>, Option<&[u8]>)> = vec![
        (vec!["-c", "DROP TABLE items"], None),
        (vec!["-c", "SELECT 1", "-c", "drop /* sneaky */ table items"], None),
        (vec!["-f", "drop.sql"], None),
        (vec![], Some(b"SELECT 1;\nDROP TABLE items;\n")),
        (vec![], Some(b"TRUNCATE items")),
        (vec![], Some(b"DELETE FROM items WHERE 1=1;")),
        (vec!["-c", "WITH d AS (DELETE FROM items RETURNING *) SELECT count(*) FROM d"], None),
    ];
    for (args, stdin) in cases {
        let out = db.psql(&s, &args, stdin);
        assert_eq!(code(&out), 75, "{args:?} {:?}: {}", stdin.map(String::from_utf8_lossy), stderr(&out));
        assert!(artifact(&out)["rule"].as_str().unwrap().starts_with("sql.statement."), "{}", stderr(&out));
    }
    assert_eq!(db.rows(), "5", "a destroying statement ran");
}

#[test]
fn selects_and_row_scoped_deletes_run() {
    if !have("psql") {
        return;
    }
    let Some(db) = Db::get() else { return };
    let s = Sandbox::new();
    s.shim("psql");
    let out = db.psql(&s, &["-c", "SELECT name FROM items WHERE id = 2"], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "n2");
    let out = db.psql(&s, &["-c", "DELETE FROM items WHERE id = 1"], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(db.rows(), "4");
    // SQL on stdin is read by guard and handed to psql unchanged
    let out = db.psql(&s, &[], Some(b"SELECT 'from stdin: ' || count(*) FROM items;\n"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "from stdin: 4");
    // a keyword in a literal is not a statement
    let out = db.psql(&s, &["-c", "SELECT 'DROP TABLE items'"], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(db.rows(), "4");
}
