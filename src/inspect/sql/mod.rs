//! Database clients: the statements a command sends, and which of them destroy.
//!
//! For a command whose pack names a database inspector ([`INSPECTORS`]: `psql`, also for
//! pgcli, usql and `cockroach sql`; `mysql`, also for mycli; `sqlite3`, `duckdb`,
//! `litecli`; `mongosh`; `redis-cli`; `clickhouse`, `sqlcmd`, `cqlsh` in [`clients`]),
//! [`inspect`] reads everything the client will send (its
//! arguments, `-f` files, stdin, files included with `\i`/`source`/`.read`) through
//! `ctx.sources`, and returns one `Operation::Sql` per destroying or unjudgeable
//! statement, or `Operation::Unjudged` when a payload cannot be read or is too large
//! to judge whole. Statements that destroy nothing produce nothing.
//!
//! SQL is split by a linear lexer that mirrors each client (quotes, dollar quotes,
//! comments, meta-commands, `DELIMITER`); only statements with a destroy-capable
//! keyword outside literals and comments reach `sqlparser` (see [`statements`]), and a
//! parse failure of such a statement is never allowed.
//!
//! Statement kinds (the `sql:` condition of rules matches these):
//!
//! | kind | what |
//! |---|---|
//! | `drop` | `DROP` of any object (also `DROP OWNED`); `lo_unlink`; Mongo `drop()`, `dropDatabase()`, `dropAllUsers()`, `runCommand({drop…})` |
//! | `truncate` | `TRUNCATE` |
//! | `delete-all` | `DELETE` with no `WHERE` or a tautological one (`1=1`, `true`, `x=x`, `… OR 1=1`), also inside a CTE; `MERGE … NOT MATCHED BY SOURCE THEN DELETE`; Mongo `deleteMany({})`, `remove({})` |
//! | `update-all` | the same for `UPDATE`; Mongo `updateMany({}, …)` |
//! | `alter-drop` | `ALTER TABLE … DROP COLUMN/CONSTRAINT/PARTITION/INDEX/PRIMARY KEY/FOREIGN KEY` |
//! | `dynamic` | code guard cannot see: `DO` blocks, `EXECUTE` of a statement not prepared in view, `PREPARE … FROM @var`, `CALL`, psql `\gexec`, `dblink_exec`, Mongo `eval`, Redis `EVALSHA`/`FCALL` |
//! | `copy-program` | `COPY … TO/FROM PROGRAM` (a shell on the database server) |
//! | `server-file` | writes or deletes files on the database server: `COPY … TO 'file'`, `lo_export`, `pg_file_write`/`pg_file_unlink` |
//! | `shell-escape` | a shell (or native code) run by the client: psql `\!`, `\o \|cmd`, `-o \|cmd`, backquotes, `\copy … program`; mysql `system`/`\!`; sqlite3 `.shell`, `.system`, `.load`, `load_extension()`; Mongo `runProgram()`; Redis `MODULE LOAD` |
//! | `disrupt` | ends sessions or the server: `pg_terminate_backend`, MySQL `KILL`/`SHUTDOWN`, Redis `SHUTDOWN` |
//! | `overwrite` | replaces a whole database: sqlite3 `.restore`, `.open --new` |
//! | `unparsed` | a statement with a destroy-capable keyword that guard cannot parse (or whose `WHERE` it cannot read) |
//! | `flush` | Redis `FLUSHALL`/`FLUSHDB` (any mode, also inside `EVAL`), `FUNCTION FLUSH`, `REPLICAOF host port` (discards the dataset) |
//! | `delete-keys` | Redis `DEL`/`UNLINK` of more than one key, or of a key pattern |
//! | `shutdown-nosave` | Redis `SHUTDOWN NOSAVE`/`ABORT` |
//! | `config-files` | Redis `CONFIG SET dir/dbfilename/logfile/appendfilename/appenddirname` (writes files anywhere) |
//! | `swapdb` | Redis `SWAPDB` |
//! | `debug` | Redis `DEBUG …` |

mod clients;
mod findings;
mod lexer;
mod mongo;
mod mysql;
mod psql;
mod redis;
mod sqlite;
mod statements;
mod target;
mod tautology;

pub use target::{SqlTarget, target_of};

use super::Ctx;
use crate::operation::{Command, Operation};
use findings::Findings;

/// The kinds this inspector produces (see the table above).
pub mod kind {
    pub const DROP: &str = "drop";
    pub const TRUNCATE: &str = "truncate";
    pub const DELETE_ALL: &str = "delete-all";
    pub const UPDATE_ALL: &str = "update-all";
    pub const ALTER_DROP: &str = "alter-drop";
    pub const DYNAMIC: &str = "dynamic";
    pub const COPY_PROGRAM: &str = "copy-program";
    pub const SERVER_FILE: &str = "server-file";
    pub const SHELL_ESCAPE: &str = "shell-escape";
    pub const DISRUPT: &str = "disrupt";
    pub const OVERWRITE: &str = "overwrite";
    pub const UNPARSED: &str = "unparsed";
    pub const FLUSH: &str = "flush";
    pub const DELETE_KEYS: &str = "delete-keys";
    pub const SHUTDOWN_NOSAVE: &str = "shutdown-nosave";
    pub const CONFIG_FILES: &str = "config-files";
    pub const SWAPDB: &str = "swapdb";
    pub const DEBUG: &str = "debug";

    /// Every kind, most severe first: when one statement does several things, the
    /// first listed is the one reported.
    pub const ALL: &[&str] = &[
        SHELL_ESCAPE,
        COPY_PROGRAM,
        FLUSH,
        DROP,
        TRUNCATE,
        DELETE_ALL,
        OVERWRITE,
        SERVER_FILE,
        UPDATE_ALL,
        ALTER_DROP,
        DELETE_KEYS,
        SHUTDOWN_NOSAVE,
        CONFIG_FILES,
        SWAPDB,
        DEBUG,
        DYNAMIC,
        DISRUPT,
        UNPARSED,
    ];

    /// The more severe of two kinds (by their order in [`ALL`]).
    pub fn stronger(a: Option<&'static str>, b: Option<&'static str>) -> Option<&'static str> {
        let rank = |k: &str| ALL.iter().position(|x| *x == k).unwrap_or(ALL.len());
        match (a, b) {
            (Some(x), Some(y)) => Some(if rank(y) < rank(x) { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    }
}

/// The database inspectors a pack's `inspector:` may name.
pub const INSPECTORS: &[&str] =
    &["psql", "mysql", "sqlite3", "duckdb", "litecli", "mongosh", "redis-cli", "clickhouse", "sqlcmd", "cqlsh"];

/// The destroying statements `cmd` sends, judged by the named inspector.
pub fn inspect(inspector: &str, cmd: &Command, ctx: &Ctx) -> Vec<Operation> {
    let mut out = Findings::new(&cmd.program);
    match inspector {
        "psql" => psql::inspect(cmd, ctx, &mut out),
        "mysql" => mysql::inspect(cmd, ctx, &mut out),
        "sqlite3" => sqlite::inspect(cmd, ctx, sqlite::Flavor::Sqlite3, &mut out),
        "duckdb" => sqlite::inspect(cmd, ctx, sqlite::Flavor::DuckDb, &mut out),
        "litecli" => sqlite::inspect(cmd, ctx, sqlite::Flavor::Litecli, &mut out),
        "clickhouse" => clients::clickhouse(cmd, ctx, &mut out),
        "sqlcmd" => clients::sqlcmd(cmd, ctx, &mut out),
        "cqlsh" => clients::cqlsh(cmd, ctx, &mut out),
        "mongosh" => mongo::inspect(cmd, ctx, &mut out),
        "redis-cli" => redis::inspect(cmd, ctx, &mut out),
        other => out.unjudged(format!("this guard has no `{other}` database inspector")),
    }
    out.into_operations()
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests {
    use super::testutil::{Run, kinds, run};
    use crate::rules::RuleSet;
    use crate::rules::schema::Condition;

    fn sql_kinds(c: &Condition, into: &mut Vec<String>) {
        into.extend(c.sql.iter().map(|k| k.to_string()));
        c.all.iter().chain(c.any.iter()).chain(c.not.iter()).for_each(|sub| sql_kinds(sub, into));
    }

    /// Every kind the inspectors produce is judged by some rule, and rules name no
    /// kind that is never produced.
    #[test]
    fn every_kind_has_a_rule() {
        let mut named = Vec::new();
        for pack in RuleSet::all().packs.iter() {
            for rule in pack.spec.rules.iter() {
                sql_kinds(&rule.when, &mut named);
            }
        }
        for k in super::kind::ALL {
            assert!(named.iter().any(|n| n == k), "no rule judges `{k}`");
        }
        for n in named.iter() {
            assert!(super::kind::ALL.contains(&n.as_str()), "rules name unknown kind `{n}`");
        }
    }

    /// build.rs keeps its own copy of the inspector names (it cannot use this crate).
    #[test]
    fn build_script_knows_every_inspector() {
        let build = include_str!("../../../build.rs");
        let start = build.find("const SQL_INSPECTORS").expect("SQL_INSPECTORS in build.rs");
        let list = &build[start..start + build[start..].find(';').unwrap()];
        for name in super::INSPECTORS {
            assert!(list.contains(&format!("\"{name}\"")), "build.rs SQL_INSPECTORS lacks {name}");
        }
        assert_eq!(list.matches('"').count(), super::INSPECTORS.len() * 2);
    }

    #[test]
    fn a_large_file_of_inserts_is_allowed_without_parsing() {
        let mut sql = String::new();
        let mut i = 0;
        while sql.len() < 1 << 20 {
            sql.push_str(&format!("INSERT INTO users VALUES ({i}, 'it''s -- not; a comment', $$x;y$$);\n"));
            i += 1;
        }
        assert!(kinds(&run(Run::new("psql", &["-f", "big.sql"]).file("big.sql", &sql))).is_empty());
    }

    #[test]
    fn a_large_file_of_drops_is_stopped_with_a_few_findings() {
        let mut sql = String::new();
        let mut i = 0;
        while sql.len() < 1 << 20 {
            sql.push_str(&format!("DROP TABLE IF EXISTS t{i} CASCADE;\n"));
            i += 1;
        }
        let found = kinds(&run(Run::new("psql", &["-f", "big.sql"]).file("big.sql", &sql)));
        assert_eq!(found, vec!["drop"; 16]);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("DELETE FROM t WHERE {}1=1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(kinds(&run(Run::new("psql", &["-c", &deep]))), ["unparsed"]);
        let unions = format!("WITH d AS (DELETE FROM t RETURNING 1) SELECT 1{}", " UNION SELECT 1".repeat(2500));
        assert_eq!(kinds(&run(Run::new("psql", &["-c", &unions]))), ["delete-all"]);
        let js = format!("db.x.deleteMany({}{})", "{a:".repeat(50_000), "}".repeat(50_000));
        assert_eq!(kinds(&run(Run::new("mongosh", &["--eval", &js]))), ["delete-all"]);
    }

    /// Arbitrary input never panics any inspector (a deterministic generator over the
    /// characters that drive the lexers).
    #[test]
    fn arbitrary_input_never_panics() {
        const PIECES: &[&str] = &[
            "'",
            "\"",
            "`",
            "$",
            "$$",
            "$a$",
            "\\",
            ";",
            "--",
            "/*",
            "*/",
            "/*!",
            "#",
            "\n",
            " ",
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            ":",
            "::",
            ":'",
            ".",
            "DROP",
            "DELETE",
            "FROM",
            "WHERE",
            "1=1",
            "\\!",
            "\\i",
            "\\g",
            "é",
            "redis.call(",
            "db.x.drop()",
            "deleteMany(",
            "[[",
            "]]",
            "DELIMITER",
            "COPY t FROM stdin;",
            "\\.",
            "\r\n",
            ".shell",
            "go",
            "/",
            "x",
            "*1\r\n$8\r\nFLUSHALL\r\n",
            "E'",
            "=",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..1500 {
            let mut text = String::new();
            for _ in 0..(round % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            for program in [
                "psql",
                "mysql",
                "sqlite3",
                "mongosh",
                "redis-cli",
                "duckdb",
                "litecli",
                "clickhouse-client",
                "sqlcmd",
                "cqlsh",
            ] {
                let args: &[&str] = if program == "sqlite3" || program == "duckdb" { &["app.db"] } else { &[] };
                let _ = run(Run::new(program, args).stdin(&text).file("x", &text));
                let eval = ["EVAL", text.as_str(), "0"];
                let _ = run(Run::new(program, if program == "redis-cli" { &eval } else { args }));
            }
            let _ = run(Run::new("psql", &["-c", &text]));
            let _ = run(Run::new("mysql", &["-e", &text]));
            let _ = run(Run::new("mongosh", &["--eval", &text]));
            let _ = run(Run::new("redis-cli", &["--pipe"]).stdin(&text));
            let _ = run(Run::new("sqlcmd", &["-Q", &text]));
            let _ = run(Run::new("cqlsh", &["-e", &text]));
            let _ = run(Run::new("clickhouse-client", &["-q", &text]));
        }
    }
}
