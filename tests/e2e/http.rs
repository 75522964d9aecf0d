//! Real curl against a local HTTP server that records every request it receives:
//! a stopped request never arrives; an allowed one does.

use crate::util::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A local HTTP server (python3) that appends `METHOD PATH BODY` per request to a log.
struct Server {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Server {
    fn start(s: &Sandbox) -> Server {
        let log = s.dir.path().join("requests.log");
        let script = r#"
import http.server, sys, hashlib
log = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def handle_any(self):
        n = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(n)
        body = raw.decode('utf-8', 'replace').replace('\n', ' ')
        with open(log, 'a') as f:
            f.write(f"{self.command} {self.headers.get('Host')} {self.path} sha256={hashlib.sha256(raw).hexdigest()} {body}\n")
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(b'{"data":{}}')
    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_any
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        Server { child, port: line.trim().parse().unwrap(), log }
    }

    fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().map(String::from).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn curl(s: &Sandbox, args: &[String]) -> std::process::Output {
    s.command("curl").args(["-sS", "--max-time", "5"]).args(args).env("CURL_HOME", s.dir.path()).output().unwrap()
}

#[test]
fn the_incident_request_never_arrives_and_a_query_does() {
    if !have("curl") || !have("python3") {
        return;
    }
    let s = Sandbox::new();
    s.shim("curl");
    let srv = Server::start(&s);
    // reach the local server under Railway's API host name
    let connect = format!("backboard.railway.app:80:127.0.0.1:{}", srv.port);
    let url = "http://backboard.railway.app/graphql/v2".to_string();
    let mutation = r#"{"query":"mutation { volumeDelete(volumeId: \"3d2c42fb-prod\") }"}"#;
    let out = curl(
        &s,
        &[
            "--connect-to".into(),
            connect.clone(),
            "-X".into(),
            "POST".into(),
            url.clone(),
            "-H".into(),
            "Authorization: Bearer not-a-real-token".into(),
            "-d".into(),
            mutation.into(),
        ],
    );
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let a = artifact(&out);
    assert_eq!(a["rule"], "railway-api.volume-delete");
    assert_eq!(a["operation"], "railway.volumeDelete");
    assert_eq!(a["target"]["host"], "backboard.railway.app");
    assert_eq!(a["target"]["resources"], serde_json::json!(["volumeId: 3d2c42fb-prod"]));
    assert!(srv.requests().is_empty(), "the request arrived: {:?}", srv.requests());

    // the same mutation from a file, from stdin, escaped, aliased
    std::fs::write(s.work.join("body.json"), mutation).unwrap();
    let out =
        curl(&s, &["--connect-to".into(), connect.clone(), url.clone(), "--data-binary".into(), "@body.json".into()]);
    assert_eq!(code(&out), 75);
    let escaped = r#"{"query":"mutation { cleanup: \u0076olumeDelete(volumeId: \"v\") }"}"#;
    let out = s
        .command("curl")
        .args(["-sS", "--connect-to", &connect, &url, "--json", "@-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(escaped.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());

    // a query is allowed and arrives
    let out =
        curl(&s, &["--connect-to".into(), connect, url, "-d".into(), r#"{"query":"query { me { id } }"}"#.into()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(srv.requests().len(), 1);
    assert!(srv.requests()[0].starts_with("POST backboard.railway.app /graphql/v2 "), "{:?}", srv.requests());
}

#[test]
fn delete_is_stopped_on_any_host_and_reads_flow() {
    if !have("curl") || !have("python3") {
        return;
    }
    let s = Sandbox::new();
    s.shim("curl");
    let srv = Server::start(&s);
    let base = format!("http://127.0.0.1:{}", srv.port);
    for args in [
        vec!["-X".to_string(), "DELETE".into(), format!("{base}/things/1")],
        vec!["-sSXDELETE".into(), format!("{base}/things/1")],
        vec![format!("{base}/things/1"), "--request".into(), "delete".into()],
        vec![
            "-H".into(),
            "X-HTTP-Method-Override: DELETE".into(),
            "-d".into(),
            "x=1".into(),
            format!("{base}/things/1"),
        ],
    ] {
        let out = curl(&s, &args);
        assert_eq!(code(&out), 75, "{args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], "http.delete", "{args:?}");
    }
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
    let out = curl(&s, &["-X".into(), "GET".into(), format!("{base}/things?delete=1")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn a_body_read_from_stdin_reaches_the_server_byte_for_byte() {
    if !have("curl") || !have("python3") {
        return;
    }
    let s = Sandbox::new();
    s.shim("curl");
    let srv = Server::start(&s);
    let mut body: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    body.extend_from_slice(b"\0\r\n\xff tail");
    let mut child = s
        .command("curl")
        .args(["-sS", "--max-time", "5", "--data-binary", "@-"])
        .arg(format!("http://127.0.0.1:{}/upload", srv.port))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = {
        let body = body.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            stdin.write_all(&body).unwrap();
        })
    };
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert!(status.success(), "{status:?}");
    let want: String = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&body))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let got = srv.requests();
    assert_eq!(got.len(), 1);
    assert!(got[0].contains(&format!("sha256={want}")), "{got:?}");
}
