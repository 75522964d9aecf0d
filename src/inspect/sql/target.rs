//! Which server and database a database client command targets, resolved the way
//! the client itself resolves it.
//!
//! The host is what tells production from a laptop, so it is resolved from the same
//! places and in the same order as the client: connection URIs and conninfo strings
//! (`postgresql://…`, `host=… dbname=…`, `mongodb://…`, `redis://…`) over flags
//! over the environment the client reads (`PG*` for the PostgreSQL tools,
//! `MYSQL_HOST`/`MYSQL_TCP_PORT`/`MYSQL_UNIX_PORT` for mysql). `DATABASE_URL` is read
//! by none of these clients; it is only mentioned when the command line contains its
//! value. Passwords are never copied. What guard does not read (`~/.pgpass`,
//! `pg_service.conf`, `~/.my.cnf`) is said in `notes`.

use crate::operation::Command;
use crate::target::{Env, absolute};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SqlTarget {
    /// The client program (`psql`, `dropdb`, `redis-cli`…).
    pub client: String,
    /// Host name(s) (comma-separated for multi-host URIs) or a socket path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Database name (SQLite: the absolute file path; Redis: the database number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// PostgreSQL service name, whose settings come from `pg_service.conf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The target of `cmd`. The program names the client family (`psql`, `pgcli`,
/// `mycli`, `cockroach`…), else `inspector` does (`psql` for `heroku pg:psql`), so
/// commands without an inspector (`dropdb`, `pg_restore`, `mysqladmin`,
/// `mongorestore`) work too: passing `cmd.inspector` (or an empty string) is fine.
pub fn target_of(inspector: &str, cmd: &Command, env: &Env) -> Option<SqlTarget> {
    let family = [cmd.program.as_str(), inspector].into_iter().find_map(family_of)?;
    let mut t = match family {
        Family::Postgres => postgres(cmd, env),
        Family::MySql => mysql(cmd, env),
        Family::Sqlite => sqlite(cmd),
        Family::Mongo => mongo(cmd),
        Family::Redis => redis(cmd),
        Family::Url => url_operand(cmd),
        Family::Cockroach => cockroach(cmd, env),
        Family::ClickHouse => clickhouse(cmd),
        Family::SqlServer => sqlserver(cmd, env),
        Family::Cassandra => cassandra(cmd, env),
    };
    t.client = cmd.program.clone();
    note_database_url(&mut t, cmd, env);
    Some(t)
}

#[derive(Debug, Clone, Copy)]
enum Family {
    Postgres,
    MySql,
    Sqlite,
    Mongo,
    Redis,
    /// usql: a URL whose scheme names the database.
    Url,
    Cockroach,
    ClickHouse,
    SqlServer,
    Cassandra,
}

fn family_of(name: &str) -> Option<Family> {
    Some(match name {
        "psql" | "pgcli" | "dropdb" | "dropuser" | "pg_restore" => Family::Postgres,
        "mysql" | "mariadb" | "mycli" | "mysqladmin" | "mariadb-admin" => Family::MySql,
        "sqlite3" | "duckdb" | "litecli" => Family::Sqlite,
        "usql" => Family::Url,
        "cockroach" | "cockroach-sql" => Family::Cockroach,
        "clickhouse" | "clickhouse-client" | "clickhouse-local" => Family::ClickHouse,
        "sqlcmd" => Family::SqlServer,
        "cqlsh" => Family::Cassandra,
        "mongosh" | "mongo" | "mongorestore" => Family::Mongo,
        "redis-cli" => Family::Redis,
        _ => return None,
    })
}

fn last(cmd: &Command, option: &str) -> Option<String> {
    cmd.option_values(option).last().filter(|v| !v.is_empty()).map(|v| v.to_string())
}

fn override_with(field: &mut Option<String>, value: Option<String>) {
    if value.is_some() {
        *field = value;
    }
}

fn postgres(cmd: &Command, env: &Env) -> SqlTarget {
    let mut t = SqlTarget {
        host: env.text("PGHOST").or_else(|| env.text("PGHOSTADDR")),
        port: env.text("PGPORT"),
        database: env.text("PGDATABASE"),
        user: env.text("PGUSER"),
        service: env.text("PGSERVICE"),
        ..SqlTarget::default()
    };
    override_with(&mut t.host, last(cmd, "host"));
    override_with(&mut t.port, last(cmd, "port"));
    override_with(&mut t.user, last(cmd, "username"));
    let operands: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    match cmd.program.as_str() {
        "psql" | "pgcli" => {
            let flag = last(cmd, "dbname");
            let mut rest = operands.iter();
            let dbname = flag.clone().or_else(|| rest.next().map(|s| s.to_string()));
            if last(cmd, "username").is_none() {
                override_with(&mut t.user, rest.next().map(|s| s.to_string()));
            }
            if let Some(d) = dbname {
                apply_pg_dbname(&mut t, &d);
            }
        }
        "pg_restore" => {
            if let Some(d) = last(cmd, "dbname") {
                apply_pg_dbname(&mut t, &d);
            }
        }
        "dropdb" => {
            if let Some(m) = last(cmd, "maintenance-db") {
                t.notes.push(format!("connects through the database `{m}`"));
            }
            t.database = operands.first().map(|s| s.to_string());
        }
        _ => {
            if let Some(role) = operands.first() {
                t.notes.push(format!("drops the role `{role}`"));
            }
        }
    }
    if let Some(s) = &t.service {
        t.notes.push(format!("service `{s}`: its settings are in pg_service.conf, which guard did not read"));
    }
    if t.host.is_none() && t.service.is_none() {
        t.notes.push("no host given: the local Unix socket".into());
    }
    t
}

/// A PostgreSQL `dbname`, which may be a URI or a conninfo string whose values
/// override the flags.
fn apply_pg_dbname(t: &mut SqlTarget, dbname: &str) {
    if let Some(uri) = parse_uri(dbname, &["postgresql", "postgres"]) {
        override_with(&mut t.user, uri.user);
        override_with(&mut t.host, uri.hosts);
        override_with(&mut t.port, uri.ports);
        override_with(&mut t.database, uri.path);
        apply_pg_params(t, &uri.params);
    } else if dbname.contains('=') {
        apply_pg_params(t, &conninfo(dbname));
    } else {
        t.database = Some(dbname.to_string());
    }
}

fn apply_pg_params(t: &mut SqlTarget, params: &[(String, String)]) {
    for (key, value) in params {
        let v = Some(value.clone()).filter(|v| !v.is_empty());
        match key.as_str() {
            "host" | "hostaddr" => override_with(&mut t.host, v),
            "port" => override_with(&mut t.port, v),
            "dbname" => override_with(&mut t.database, v),
            "user" => override_with(&mut t.user, v),
            "service" => override_with(&mut t.service, v),
            _ => {}
        }
    }
}

/// `key=value key='quoted \' value'` pairs of a libpq connection string.
fn conninfo(s: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if key.is_empty() || chars.next() != Some('=') {
            return pairs;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())));
        }
        pairs.push((key, value));
    }
}

fn mysql(cmd: &Command, env: &Env) -> SqlTarget {
    let mut t = SqlTarget { host: env.text("MYSQL_HOST"), port: env.text("MYSQL_TCP_PORT"), ..SqlTarget::default() };
    override_with(&mut t.host, last(cmd, "host"));
    override_with(&mut t.port, last(cmd, "port"));
    override_with(&mut t.user, last(cmd, "user"));
    let socket = last(cmd, "socket").or_else(|| env.text("MYSQL_UNIX_PORT"));
    if t.host.is_none() {
        t.host = socket;
    }
    let operands: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    t.database = if cmd.program.contains("admin") {
        // `mysqladmin drop DB`, `create DB`: the database acted on
        operands
            .windows(2)
            .find(|w| w[0].to_ascii_lowercase().starts_with("dr") || w[0].eq_ignore_ascii_case("create"))
            .map(|w| w[1].to_string())
    } else {
        last(cmd, "database").or_else(|| operands.first().map(|s| s.to_string()))
    };
    // mycli: `mysql://user@host:port/db` in the database's place
    if let Some(uri) = t.database.as_deref().and_then(|d| parse_uri(d, &["mysql", "mysqlx"])) {
        t.database = uri.path;
        override_with(&mut t.user, uri.user);
        override_with(&mut t.host, uri.hosts);
        override_with(&mut t.port, uri.ports);
    }
    if let Some(alias) = last(cmd, "dsn") {
        t.notes.push(format!("DSN alias `{alias}`: its URL is in ~/.myclirc, which guard did not read"));
    }
    if t.host.is_none() {
        t.notes.push(
            "no host on the command line or in MYSQL_HOST: option files (~/.my.cnf) or the local socket decide".into(),
        );
    }
    t
}

fn sqlite(cmd: &Command) -> SqlTarget {
    let mut t = SqlTarget::default();
    // litecli `-D/--database`
    let file = last(cmd, "database").or_else(|| super::sqlite::operands(cmd).into_iter().next());
    match file.as_ref() {
        Some(f) if f == ":memory:" || f.is_empty() => t.notes.push("an in-memory database".into()),
        Some(f) => t.database = Some(absolute(&cmd.dir, f).display().to_string()),
        None => t.notes.push("no database file: an in-memory database".into()),
    }
    t
}

fn mongo(cmd: &Command) -> SqlTarget {
    let mut t = SqlTarget::default();
    let address = if cmd.program == "mongorestore" { last(cmd, "uri") } else { super::mongo::address_operand(cmd) };
    if let Some(a) = address {
        apply_mongo_address(&mut t, &a);
    }
    if let Some(h) = last(cmd, "host") {
        apply_mongo_address(&mut t, &h);
    }
    override_with(&mut t.port, last(cmd, "port"));
    override_with(&mut t.user, last(cmd, "username"));
    override_with(&mut t.database, last(cmd, "db"));
    if t.host.is_none() {
        t.notes.push("no host given: localhost:27017".into());
    }
    t
}

/// `mongodb://…`, `mongodb+srv://…`, `host[:port]/db`, `rs/host1,host2`, or a bare
/// database name.
fn apply_mongo_address(t: &mut SqlTarget, a: &str) {
    if let Some(uri) = parse_uri(a, &["mongodb", "mongodb+srv"]) {
        override_with(&mut t.user, uri.user);
        override_with(&mut t.host, uri.hosts);
        override_with(&mut t.port, uri.ports);
        override_with(&mut t.database, uri.path);
    } else if let Some((host, db)) = a.split_once('/').filter(|(h, _)| !h.is_empty()) {
        // `rs0/h1,h2` names a replica set; `host/db` a database on a host
        if db.contains(['.', ':', ',']) {
            t.host = Some(db.to_string());
        } else {
            set_host_port(t, host);
            t.database = Some(db.to_string()).filter(|d| !d.is_empty());
        }
    } else if a.contains(':') {
        set_host_port(t, a);
    } else {
        t.database = Some(a.to_string());
    }
}

fn set_host_port(t: &mut SqlTarget, hostport: &str) {
    match hostport.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty()) {
        Some((h, p)) => {
            t.host = Some(h.to_string());
            t.port = Some(p.to_string());
        }
        None => t.host = Some(hostport.to_string()),
    }
}

fn redis(cmd: &Command) -> SqlTarget {
    let mut t = SqlTarget::default();
    // options apply in order: a later `-h` overrides the host of an earlier `-u`
    for o in cmd.options.iter() {
        let Some(v) = o.value.clone() else { continue };
        match o.name.as_str() {
            "u" => {
                if let Some(uri) = parse_uri(&v, &["redis", "rediss"]) {
                    override_with(&mut t.user, uri.user);
                    override_with(&mut t.host, uri.hosts);
                    override_with(&mut t.port, uri.ports);
                    override_with(&mut t.database, uri.path);
                }
            }
            "h" | "s" => t.host = Some(v),
            "p" => t.port = Some(v),
            "n" => t.database = Some(v),
            "user" => t.user = Some(v),
            _ => {}
        }
    }
    if t.host.is_none() {
        t.notes.push("no host given: 127.0.0.1:6379".into());
    }
    t
}

/// usql: `driver://user@host:port/db`, `driver:path` (`sq:app.db`) or a file.
fn url_operand(cmd: &Command) -> SqlTarget {
    let mut t = SqlTarget::default();
    let Some(dsn) = cmd.operands.first().map(|o| o.text.as_str()) else {
        t.notes.push("no DSN given: usql's config or a later \\connect decides".into());
        return t;
    };
    if let Some((scheme, _)) = dsn.split_once("://")
        && let Some(uri) = parse_uri(dsn, &[scheme])
    {
        t.user = uri.user;
        t.host = uri.hosts;
        t.port = uri.ports;
        t.database = uri.path;
        t.notes.push(format!("driver `{scheme}`"));
    } else if let Some((scheme, path)) =
        dsn.split_once(':').filter(|(s, _)| s.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        t.database = Some(absolute(&cmd.dir, path).display().to_string());
        t.notes.push(format!("driver `{scheme}`"));
    } else {
        t.database = Some(dsn.to_string());
    }
    t
}

fn cockroach(cmd: &Command, env: &Env) -> SqlTarget {
    let mut t = SqlTarget {
        port: env.text("COCKROACH_PORT"),
        user: env.text("COCKROACH_USER"),
        database: env.text("COCKROACH_DATABASE"),
        ..SqlTarget::default()
    };
    if let Some(h) = env.text("COCKROACH_HOST") {
        set_host_port(&mut t, &h);
    }
    if let Some(uri) =
        last(cmd, "url").or_else(|| env.text("COCKROACH_URL")).and_then(|u| parse_uri(&u, &["postgresql", "postgres"]))
    {
        override_with(&mut t.user, uri.user);
        override_with(&mut t.host, uri.hosts);
        override_with(&mut t.port, uri.ports);
        override_with(&mut t.database, uri.path);
    }
    if let Some(h) = last(cmd, "host") {
        set_host_port(&mut t, &h);
    }
    override_with(&mut t.port, last(cmd, "port"));
    override_with(&mut t.user, last(cmd, "user"));
    override_with(&mut t.database, last(cmd, "database"));
    if t.host.is_none() {
        t.notes.push("no host given: localhost:26257".into());
    }
    t
}

fn clickhouse(cmd: &Command) -> SqlTarget {
    let mut t = SqlTarget::default();
    let local = cmd.program == "clickhouse-local" || cmd.path.first().is_some_and(|p| p == "local");
    for o in cmd.operands.iter() {
        if let Some(uri) = parse_uri(&o.text, &["clickhouse"]) {
            t.user = uri.user;
            t.host = uri.hosts;
            t.port = uri.ports;
            t.database = uri.path;
        }
    }
    override_with(&mut t.host, last(cmd, "host"));
    override_with(&mut t.port, last(cmd, "port"));
    override_with(&mut t.user, last(cmd, "user"));
    override_with(&mut t.database, last(cmd, "database"));
    if local {
        let path = last(cmd, "path").map_or_else(|| "a temporary directory".to_string(), |p| format!("`{p}`"));
        t.notes.push(format!("clickhouse-local: tables and files on this machine, data in {path}"));
    } else if t.host.is_none() {
        t.notes.push("no host given: localhost:9000 (or the client's config.xml)".into());
    }
    t
}

/// sqlcmd `-S [tcp:|np:|lpc:]host[\\instance][,port]`.
fn sqlserver(cmd: &Command, env: &Env) -> SqlTarget {
    let mut t = SqlTarget {
        database: last(cmd, "database-name").or_else(|| env.text("SQLCMDDBNAME")),
        user: last(cmd, "user-name").or_else(|| env.text("SQLCMDUSER")),
        ..SqlTarget::default()
    };
    if let Some(server) = last(cmd, "server").or_else(|| env.text("SQLCMDSERVER")) {
        let bare = ["tcp:", "np:", "lpc:", "admin:"]
            .iter()
            .find_map(|p| server.get(..p.len()).filter(|s| s.eq_ignore_ascii_case(p)).map(|_| &server[p.len()..]))
            .unwrap_or(&server);
        match bare.rsplit_once(',') {
            Some((host, port)) => {
                t.host = Some(host.to_string());
                t.port = Some(port.to_string());
            }
            None => t.host = Some(bare.to_string()),
        }
    } else {
        t.notes.push("no server given: the default instance on this machine".into());
    }
    t
}

fn cassandra(cmd: &Command, env: &Env) -> SqlTarget {
    let operands: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    let mut t = SqlTarget {
        host: operands.first().map(|s| s.to_string()).or_else(|| env.text("CQLSH_HOST")),
        port: operands.get(1).map(|s| s.to_string()).or_else(|| env.text("CQLSH_PORT")),
        database: last(cmd, "keyspace"),
        user: last(cmd, "username"),
        ..SqlTarget::default()
    };
    if t.host.is_none() {
        t.notes.push("no host given: ~/.cassandra/cqlshrc or 127.0.0.1:9042".into());
    }
    t
}

/// The connection string came from `$DATABASE_URL` (the shell expanded it).
fn note_database_url(t: &mut SqlTarget, cmd: &Command, env: &Env) {
    let Some(url) = env.text("DATABASE_URL").filter(|u| u.len() >= 8) else { return };
    if cmd.words.iter().any(|w| w.contains(&url)) {
        t.notes.push("the connection string is the value of $DATABASE_URL".into());
    }
}

/// The parts of `scheme://[user[:password]@]host[:port][,host[:port]…][/path][?k=v&…]`
/// guard reports (the password is dropped).
#[derive(Debug, Default, PartialEq, Eq)]
struct Uri {
    user: Option<String>,
    hosts: Option<String>,
    ports: Option<String>,
    path: Option<String>,
    params: Vec<(String, String)>,
}

fn parse_uri(s: &str, schemes: &[&str]) -> Option<Uri> {
    let (scheme, rest) = s.split_once("://")?;
    if !schemes.iter().any(|x| x.eq_ignore_ascii_case(scheme)) {
        return None;
    }
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = before_query.split_once('/').unwrap_or((before_query, ""));
    let (userinfo, hostlist) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let mut uri = Uri {
        user: userinfo.map(|u| decode(u.split(':').next().unwrap_or(""))).filter(|u| !u.is_empty()),
        path: Some(decode(path)).filter(|p| !p.is_empty()),
        params: query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect(),
        ..Uri::default()
    };
    let (hosts, ports): (Vec<String>, Vec<String>) =
        hostlist.split(',').filter(|h| !h.is_empty()).map(split_host_port).unzip();
    uri.hosts = Some(hosts.join(",")).filter(|h| !h.is_empty());
    uri.ports =
        Some(ports.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(",")).filter(|p| !p.is_empty());
    Some(uri)
}

/// `host:port`, `[::1]:port` or a bare host.
fn split_host_port(hp: &str) -> (String, String) {
    if let Some(rest) = hp.strip_prefix('[')
        && let Some((host, after)) = rest.split_once(']')
    {
        return (host.to_string(), after.strip_prefix(':').unwrap_or("").to_string());
    }
    match hp.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (decode(h), p.to_string()),
        _ => (decode(hp), String::new()),
    }
}

/// Percent-decoding (invalid sequences are kept as written).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex =
            b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::Run;
    use super::*;

    fn target(r: Run) -> SqlTarget {
        let cmd = r.command();
        let env = r.env_map();
        target_of(cmd.inspector.as_deref().unwrap_or(""), &cmd, &env).unwrap()
    }

    #[test]
    fn psql_flags_env_and_uris() {
        let t = target(Run::new("psql", &["-h", "db.prod", "-p", "6543", "-U", "app", "shop"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.user.as_deref()),
            (Some("db.prod"), Some("6543"), Some("app"))
        );
        assert_eq!(t.database.as_deref(), Some("shop"));
        let t = target(Run::new("psql", &["-c", "x"]).env("PGHOST", "pg.internal").env("PGDATABASE", "main"));
        assert_eq!((t.host.as_deref(), t.database.as_deref()), (Some("pg.internal"), Some("main")));
        let uri = "postgresql://bob:secret@db1.prod:5433,db2.prod/orders?sslmode=require";
        let t = target(Run::new("psql", &["-h", "ignored", uri]));
        assert_eq!(t.host.as_deref(), Some("db1.prod,db2.prod"));
        assert_eq!(
            (t.port.as_deref(), t.user.as_deref(), t.database.as_deref()),
            (Some("5433"), Some("bob"), Some("orders"))
        );
        assert!(!format!("{t:?}").contains("secret"));
        let t = target(Run::new("psql", &["-d", "host=10.0.0.5 dbname='my db' user=x"]));
        assert_eq!((t.host.as_deref(), t.database.as_deref()), (Some("10.0.0.5"), Some("my db")));
        let t = target(Run::new("psql", &["-c", "x"]).env("PGSERVICE", "prod"));
        assert_eq!(t.service.as_deref(), Some("prod"));
        assert!(t.notes[0].contains("pg_service.conf"));
    }

    #[test]
    fn database_url_is_only_mentioned_when_used() {
        let url = "postgres://u@prod.example.com/app";
        let t = target(Run::new("psql", &[url, "-c", "x"]).env("DATABASE_URL", url));
        assert_eq!(t.host.as_deref(), Some("prod.example.com"));
        assert!(t.notes.iter().any(|n| n.contains("DATABASE_URL")));
        let t = target(Run::new("psql", &["-c", "x"]).env("DATABASE_URL", url));
        assert_eq!(t.host, None);
        assert!(!t.notes.iter().any(|n| n.contains("DATABASE_URL")));
    }

    #[test]
    fn postgres_tools() {
        let t = target(Run::new("dropdb", &["-h", "db.prod", "shop"]));
        assert_eq!(
            (t.client.as_str(), t.host.as_deref(), t.database.as_deref()),
            ("dropdb", Some("db.prod"), Some("shop"))
        );
        let t = target(Run::new("pg_restore", &["-c", "-d", "postgresql://h.prod/app", "x.dump"]));
        assert_eq!((t.host.as_deref(), t.database.as_deref()), (Some("h.prod"), Some("app")));
    }

    #[test]
    fn mysql_targets() {
        let t = target(Run::new("mysql", &["-hdb.prod", "-P3307", "-uroot", "shop", "-e", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.user.as_deref()),
            (Some("db.prod"), Some("3307"), Some("root"))
        );
        assert_eq!(t.database.as_deref(), Some("shop"));
        let t = target(Run::new("mysql", &["-e", "x"]).env("MYSQL_HOST", "my.internal"));
        assert_eq!(t.host.as_deref(), Some("my.internal"));
        let t = target(Run::new("mysqladmin", &["-h", "h", "-f", "drop", "shop"]));
        assert_eq!(t.database.as_deref(), Some("shop"));
    }

    #[test]
    fn sqlite_mongo_redis_targets() {
        let t = target(Run::new("sqlite3", &["data/app.db", "SELECT 1"]));
        assert_eq!(t.database.as_deref(), Some("/work/data/app.db"));
        let t = target(Run::new("mongosh", &["mongodb+srv://u:p@cluster0.example.net/prod", "--eval", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.database.as_deref(), t.user.as_deref()),
            (Some("cluster0.example.net"), Some("prod"), Some("u"))
        );
        let t = target(Run::new("mongosh", &["db.prod:27018/shop", "--eval", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("db.prod"), Some("27018"), Some("shop"))
        );
        let t = target(Run::new("mongorestore", &["--uri", "mongodb://m.prod:27017", "--drop", "dump/"]));
        assert_eq!(t.host.as_deref(), Some("m.prod"));
        let t =
            target(Run::new("redis-cli", &["-u", "redis://default:pw@cache.prod:6380/3", "-h", "other", "GET", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("other"), Some("6380"), Some("3"))
        );
        let t = target(Run::new("redis-cli", &["GET", "x"]));
        assert_eq!(t.host, None);
        assert!(t.notes[0].contains("6379"));
    }

    #[test]
    fn new_clients_targets() {
        let t = target(Run::new("pgcli", &["-h", "db.prod", "-u", "app", "shop", "-c", "x"]));
        assert_eq!(
            (t.client.as_str(), t.host.as_deref(), t.user.as_deref(), t.database.as_deref()),
            ("pgcli", Some("db.prod"), Some("app"), Some("shop"))
        );
        let t = target(Run::new("pgcli", &["postgres://bob@pg.prod:5433/orders", "-c", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("pg.prod"), Some("5433"), Some("orders"))
        );
        let t = target(Run::new("mycli", &["mysql://root:pw@my.prod:3307/shop", "-e", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.user.as_deref(), t.database.as_deref()),
            (Some("my.prod"), Some("3307"), Some("root"), Some("shop"))
        );
        assert!(!format!("{t:?}").contains("pw"));
        let t = target(Run::new("litecli", &["-D", "data/app.db", "-e", "x"]));
        assert_eq!(t.database.as_deref(), Some("/work/data/app.db"));
        let t = target(Run::new("duckdb", &["-c", "x", "lake.duckdb"]));
        assert_eq!(t.database.as_deref(), Some("/work/lake.duckdb"));
        let t = target(Run::new("usql", &["my://root@db.prod:3306/shop", "-c", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("db.prod"), Some("3306"), Some("shop"))
        );
        let t = target(Run::new("usql", &["sq:app.db", "-c", "x"]));
        assert_eq!(t.database.as_deref(), Some("/work/app.db"));
        let t = target(Run::new("cockroach", &["sql", "--url", "postgresql://root@crdb.prod:26257/app", "-e", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("crdb.prod"), Some("26257"), Some("app"))
        );
        let t = target(Run::new("cockroach", &["sql", "--host=crdb:26000", "-d", "bank", "-e", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("crdb"), Some("26000"), Some("bank"))
        );
        let t = target(Run::new("cockroach-sql", &["-e", "x"]).env("COCKROACH_URL", "postgresql://u@c.prod/db"));
        assert_eq!(t.host.as_deref(), Some("c.prod"));
        let t = target(Run::new("clickhouse-client", &["--host", "ch.prod", "-d", "logs", "-q", "x"]));
        assert_eq!((t.host.as_deref(), t.database.as_deref()), (Some("ch.prod"), Some("logs")));
        let t = target(Run::new("clickhouse", &["client", "clickhouse://u@ch2.prod:9440/db", "-q", "x"]));
        assert_eq!((t.host.as_deref(), t.port.as_deref()), (Some("ch2.prod"), Some("9440")));
        let t = target(Run::new("clickhouse-local", &["--path", "/data/ch", "-q", "x"]));
        assert!(t.notes[0].contains("/data/ch"));
        let t = target(Run::new("sqlcmd", &["-S", "tcp:sql.prod,1433", "-d", "shop", "-U", "sa", "-Q", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref(), t.user.as_deref()),
            (Some("sql.prod"), Some("1433"), Some("shop"), Some("sa"))
        );
        let t = target(Run::new("sqlcmd", &["-Q", "x"]).env("SQLCMDSERVER", "sql2.prod"));
        assert_eq!(t.host.as_deref(), Some("sql2.prod"));
        let t = target(Run::new("cqlsh", &["cass.prod", "9142", "-k", "shop", "-e", "x"]));
        assert_eq!(
            (t.host.as_deref(), t.port.as_deref(), t.database.as_deref()),
            (Some("cass.prod"), Some("9142"), Some("shop"))
        );
    }

    #[test]
    fn uri_edge_cases() {
        let u = parse_uri("postgresql://[::1]:5432/db%20name", &["postgresql"]).unwrap();
        assert_eq!(
            (u.hosts.as_deref(), u.ports.as_deref(), u.path.as_deref()),
            (Some("::1"), Some("5432"), Some("db name"))
        );
        assert_eq!(parse_uri("mysql://x/y", &["postgresql"]), None);
        assert_eq!(conninfo("host = a  port=5 bad"), vec![("host".into(), "a".into()), ("port".into(), "5".into())]);
    }
}
