//! Requests of whole command lines, through the real grammar in rules/http.yaml.

use super::testing::*;
use crate::inspect::payload::{Payload, Sources};
use crate::inspect::{self, Ctx};
use crate::rules::RuleSet;
use crate::target::Env;
use std::cell::RefCell;
use std::path::Path;

fn get(url: &str) -> (String, String) {
    ("GET".into(), url.into())
}

fn with(method: &str, url: &str) -> (String, String) {
    (method.into(), url.into())
}

#[test]
fn curl_method_spellings() {
    let url = "https://api.example.com/v1/items/42";
    for line in [
        "curl -X DELETE https://api.example.com/v1/items/42",
        "curl -XDELETE https://api.example.com/v1/items/42",
        "curl -sSXDELETE https://api.example.com/v1/items/42",
        "curl --request DELETE https://api.example.com/v1/items/42",
        "curl -X delete https://api.example.com/v1/items/42",
        "curl https://api.example.com/v1/items/42 -X DELETE",
        "curl --request=DELETE https://api.example.com/v1/items/42",
        "curl -X GET -X DELETE https://api.example.com/v1/items/42",
    ] {
        assert_eq!(methods_and_urls(line), vec![with("DELETE", url)], "{line}");
    }
    assert_eq!(methods_and_urls("curl -X DELETE -X GET https://x.example/"), vec![get("https://x.example/")]);
}

#[test]
fn curl_implied_methods() {
    assert_eq!(methods_and_urls("curl https://example.com"), vec![get("https://example.com")]);
    assert_eq!(
        methods_and_urls("curl -I https://example.com/delete"),
        vec![with("HEAD", "https://example.com/delete")]
    );
    assert_eq!(methods_and_urls("curl -d a=1 https://x.example/p"), vec![with("POST", "https://x.example/p")]);
    assert_eq!(methods_and_urls("curl -F a=1 https://x.example/p"), vec![with("POST", "https://x.example/p")]);
    assert_eq!(methods_and_urls("curl -d a=1 -X PUT https://x.example/p"), vec![with("PUT", "https://x.example/p")]);
    assert_eq!(
        methods_and_urls("curl -G -d q=delete -d n=1 https://x.example/s"),
        vec![get("https://x.example/s?q=delete&n=1")]
    );
    assert_eq!(methods_and_urls("curl -G -d q=1 'https://x.example/s?a=2'"), vec![get("https://x.example/s?a=2&q=1")]);
    let world = World { files: vec![("up.bin", b"bytes")], ..World::default() };
    let put = one_in("curl -T up.bin https://x.example/f", &world);
    assert_eq!((put.method.as_str(), body_text(&put).as_str()), ("PUT", "bytes"));
}

#[test]
fn what_the_server_sees_wins_over_the_url() {
    let r = one("curl -k -H 'Host: backboard.railway.app' -X POST https://203.0.113.9/graphql/v2");
    assert_eq!(r.host.as_deref(), Some("backboard.railway.app"));
    let r = one("curl --request-target /v1/items/delete -X POST https://x.example/v1/items");
    assert_eq!((r.path.as_str(), r.url.as_str()), ("/v1/items/delete", "https://x.example/v1/items/delete"));
    let world = World { files: vec![("out/delete", b"x")], ..World::default() };
    assert_eq!(one_in("curl -T out/delete https://x.example/api/", &world).path, "/api/delete");
    assert_eq!(one_in("curl -T out/delete https://x.example", &world).path, "/delete");
    assert_eq!(one_in("curl -T out/delete https://x.example/api/put", &world).path, "/api/put");
}

#[test]
fn look_alike_query_stays_a_get() {
    let r = one("curl -X GET 'https://api.example.com/v1/items?action=delete'");
    assert_eq!((r.method.as_str(), r.path.as_str(), r.query.as_str()), ("GET", "/v1/items", "action=delete"));
    assert_eq!(r.host.as_deref(), Some("api.example.com"));
    assert_eq!(r.body, None);
}

#[test]
fn curl_data_bodies() {
    let world = World {
        files: vec![("body.txt", b"a=1\r\nb=2\n\0"), ("q.json", b"{\"query\":\n\"x\"}\n")],
        stdin: Some(b"from-stdin\n"),
        ..World::default()
    };
    let r = one_in("curl -d a=1 --data b=2 --data-ascii c=3 https://x.example/", &world);
    assert_eq!(body_text(&r), "a=1&b=2&c=3");
    assert_eq!(r.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(body_text(&one_in("curl -d @body.txt https://x.example/", &world)), "a=1b=2");
    assert_eq!(body_text(&one_in("curl --data-binary @body.txt https://x.example/", &world)), "a=1\r\nb=2\n\0");
    assert_eq!(body_text(&one_in("curl --data-binary @- https://x.example/", &world)), "from-stdin\n");
    assert_eq!(body_text(&one_in("curl --data-raw @body.txt https://x.example/", &world)), "@body.txt");
    let json = one_in("curl --json @q.json https://x.example/graphql", &world);
    assert_eq!(
        (body_text(&json).as_str(), json.content_type.as_deref()),
        ("{\"query\":\n\"x\"}\n", Some("application/json"))
    );
    assert_eq!(body_text(&one_in("curl --json '{\"a\":' --json '1}' https://x.example/", &world)), "{\"a\":1}");
    let typed = one_in("curl -H 'content-type: application/graphql' -d '{x}' https://x.example/", &world);
    assert_eq!(typed.content_type.as_deref(), Some("application/graphql"));
}

#[test]
fn curl_urlencoded_data() {
    let world = World { files: vec![("v.txt", b"a b&c")], ..World::default() };
    let r = one_in(
        "curl --data-urlencode 'x y' --data-urlencode '=a&b' --data-urlencode 'n=a b' --data-urlencode @v.txt --data-urlencode 'f@v.txt' --data-urlencode 'e=@v.txt' https://x.example/",
        &world,
    );
    assert_eq!(body_text(&r), "x+y&a%26b&n=a+b&a+b%26c&f=a+b%26c&e=%40v.txt");
}

#[test]
fn unreadable_bodies_are_unreadable_not_empty() {
    let r = one("curl --data-binary @- https://x.example/");
    assert_eq!(r.body, Some(Payload::Unreadable("stdin is a terminal".into())));
    let r = one("curl -d @missing.json https://x.example/");
    assert_eq!(r.body, Some(Payload::Unreadable("missing.json: no such file".into())));
    assert_eq!(r.method, "POST");
    let r = one("curl --data-binary '@body.json!0-99' https://x.example/");
    assert!(matches!(&r.body, Some(Payload::Unreadable(m)) if m.contains("byte range")), "{r:?}");
    assert!(run("curl -G --data-urlencode q@missing https://x.example/").is_err());
}

#[test]
fn curl_forms_read_their_files() {
    let world = World { files: vec![("x.json", b"{\"query\":\"mutation{a}\"}")], ..World::default() };
    let r = one_in("curl -F 'file=@x.json;type=application/json' -F '_method=DELETE' https://x.example/u", &world);
    let body = body_text(&r);
    assert!(body.contains("name=\"file\"\r\n\r\n{\"query\":\"mutation{a}\"}\r\n"), "{body}");
    assert!(r.content_type.as_deref().is_some_and(|c| c.starts_with("multipart/form-data; boundary=")));
    assert_eq!(r.method, "DELETE");
    let r = one_in("curl -F 'v=<x.json' --form-string 'raw=@x.json' https://x.example/u", &world);
    assert!(body_text(&r).contains("name=\"v\"\r\n\r\n{\"query\""));
    assert!(body_text(&r).contains("name=\"raw\"\r\n\r\n@x.json\r\n"));
}

#[test]
fn several_urls_and_globs() {
    assert_eq!(
        methods_and_urls("curl -X DELETE https://a.example/1 --url https://b.example/2 https://c.example/3"),
        vec![
            with("DELETE", "https://a.example/1"),
            with("DELETE", "https://c.example/3"),
            with("DELETE", "https://b.example/2"),
        ]
    );
    assert_eq!(
        methods_and_urls("curl -X POST 'https://x.example/{list,delete}'"),
        vec![with("POST", "https://x.example/list"), with("POST", "https://x.example/delete"),]
    );
    assert_eq!(
        methods_and_urls("curl -g -X POST 'https://x.example/{a,b}'"),
        vec![with("POST", "https://x.example/{a,b}")]
    );
    // a download glob too large to list is judged as its pattern; a write is not
    let big = one("curl -O 'https://{a,b}.example/img[1-1000].png'");
    assert_eq!((big.method.as_str(), big.host.as_deref()), ("GET", None));
    assert!(run("curl -X DELETE 'https://x.example/img[1-1000]'").unwrap_err().contains("more than 256"));
}

#[test]
fn no_url_no_request() {
    assert_eq!(run("curl -X DELETE").unwrap(), vec![]);
}

#[test]
fn config_files_set_method_and_url() {
    let world = World {
        files: vec![
            ("del.cfg", b"# danger\nrequest = DELETE\nurl = \"https://api.example.com/v1/x\"\n"),
            ("outer.cfg", b"config del.cfg\n"),
            ("/home/me/.curlrc", b"-X DELETE\n"),
        ],
        stdin: Some(b"url: https://stdin.example/y\nrequest PATCH\n"),
        env: vec![],
    };
    assert_eq!(
        run_in("curl -K del.cfg", &world).unwrap().iter().map(|r| r.method.clone()).collect::<Vec<_>>(),
        vec!["DELETE"]
    );
    assert_eq!(one_in("curl -K del.cfg", &world).url, "https://api.example.com/v1/x");
    assert_eq!(one_in("curl --config outer.cfg", &world).method, "DELETE");
    let from_stdin = one_in("curl -K -", &world);
    assert_eq!((from_stdin.method.as_str(), from_stdin.url.as_str()), ("PATCH", "https://stdin.example/y"));
    // the command line after -K wins over it
    assert_eq!(one_in("curl -K del.cfg -X GET", &world).method, "GET");
    let err = run_in("curl -K nope.cfg https://x.example/", &world).unwrap_err();
    assert_eq!(err, "cannot read the curl config nope.cfg: nope.cfg: no such file");
    assert!(run_in("curl -K -", &World::default()).unwrap_err().contains("stdin is a terminal"));
}

#[test]
fn curlrc_is_read_unless_disabled_first() {
    let world = World {
        files: vec![("/home/me/.curlrc", b"request = DELETE\n")],
        env: vec![("HOME", "/home/me")],
        ..World::default()
    };
    assert_eq!(one_in("curl https://x.example/a", &world).method, "DELETE");
    assert_eq!(one_in("curl -q https://x.example/a", &world).method, "GET");
    assert_eq!(one_in("curl https://x.example/a -q", &world).method, "DELETE");
    let xdg = World {
        files: vec![("/x/.curlrc", b"-d x=1\n"), ("/home/me/.curlrc", b"request = DELETE\n")],
        env: vec![("HOME", "/home/me"), ("XDG_CONFIG_HOME", "/x")],
        ..World::default()
    };
    assert_eq!(one_in("curl https://x.example/a", &xdg).method, "POST");
    let bad = World { files: vec![("/home/me/.curlrc", b"bogus-option\n")], ..world };
    assert!(run_in("curl https://x.example/a", &bad).unwrap_err().contains("bogus-option"));
}

#[test]
fn next_starts_fresh_options() {
    assert_eq!(
        methods_and_urls("curl -X DELETE https://a.example/1 --next https://b.example/2 -: -d x https://c.example/3"),
        vec![with("DELETE", "https://a.example/1"), get("https://b.example/2"), with("POST", "https://c.example/3"),]
    );
}

#[test]
fn headers_from_files_and_overrides() {
    let world =
        World { files: vec![("h.txt", b"Accept: */*\r\nX-HTTP-Method-Override: delete\n\n")], ..World::default() };
    let r = one_in("curl -H @h.txt -d x https://x.example/a", &world);
    assert_eq!(
        r.headers,
        vec![("Accept".to_string(), "*/*".to_string()), ("X-HTTP-Method-Override".to_string(), "delete".to_string())]
    );
    assert_eq!(r.method, "DELETE");
    assert!(run("curl -H @nope.txt https://x.example/").unwrap_err().contains("nope.txt"));
    for header in ["X-HTTP-Method: DELETE", "x-method-override: DELETE", "X-HTTP-Method-Override:DELETE"] {
        assert_eq!(one(&format!("curl -X POST -H '{header}' https://x.example/a")).method, "DELETE", "{header}");
    }
    // an override never makes a request look weaker than what is sent
    assert_eq!(one("curl -d q=1 -H 'X-HTTP-Method-Override: GET' https://x.example/a").method, "POST");
    assert_eq!(one("curl -H 'X-HTTP-Method-Override: GET' https://x.example/a").method, "GET");
    assert_eq!(one("curl -X DELETE -H 'X-HTTP-Method-Override: POST' https://x.example/a").method, "DELETE");
}

#[test]
fn method_parameters() {
    assert_eq!(one("curl -d _method=DELETE https://x.example/p/3").method, "DELETE");
    assert_eq!(one("curl -d a=1 -d '_method=delete' https://x.example/p/3").method, "DELETE");
    assert_eq!(one("curl 'https://x.example/p/3?_method=DELETE'").method, "DELETE");
    assert_eq!(one("curl --url-query _method=PUT https://x.example/p").method, "PUT");
    assert_eq!(one("curl --json '{\"_method\":\"DELETE\"}' https://x.example/p").method, "DELETE");
    assert_eq!(one("curl -d 'note=_method=DELETE' https://x.example/p").method, "POST");
}

#[test]
fn wget_requests() {
    assert_eq!(
        methods_and_urls("wget --method=DELETE https://x.example/a"),
        vec![with("DELETE", "https://x.example/a")]
    );
    assert_eq!(methods_and_urls("wget --method delete -qO- x.example/a"), vec![with("DELETE", "x.example/a")]);
    assert_eq!(one("wget x.example/a").scheme_host_path(), ("x.example".into(), "/a".into()));
    assert_eq!(
        methods_and_urls("wget -e method=DELETE https://x.example/a"),
        vec![with("DELETE", "https://x.example/a")]
    );
    assert_eq!(methods_and_urls("wget https://x.example/a"), vec![get("https://x.example/a")]);
    let post = one("wget --method=PUT --post-data='a=1' https://x.example/a");
    assert_eq!((post.method.as_str(), body_text(&post).as_str()), ("POST", "a=1"));
    let body = one("wget --method=PATCH --body-data=x https://x.example/a");
    assert_eq!((body.method.as_str(), body_text(&body).as_str()), ("PATCH", "x"));
    let world = World {
        files: vec![("urls.txt", b"https://a.example/1\n\n# c\nhttps://b.example/2\n"), ("b.json", b"{}")],
        ..World::default()
    };
    assert_eq!(run_in("wget --method=DELETE -i urls.txt", &world).unwrap().len(), 2);
    assert_eq!(body_text(&one_in("wget --post-file=b.json https://x.example/a", &world)), "{}");
    assert!(run("wget -i https://evil.example/list").is_err());
    assert!(run("wget -r --method=DELETE https://x.example/").is_err());
    let h = one("wget --header='X-HTTP-Method-Override: DELETE' --post-data=x https://x.example/a");
    assert_eq!(h.method, "DELETE");
}

#[test]
fn wgetrc_applies_before_options() {
    let world = World {
        files: vec![("/home/me/.wgetrc", b"# rc\nmethod = DELETE\nbody_data = x\n")],
        env: vec![("HOME", "/home/me")],
        ..World::default()
    };
    assert_eq!(one_in("wget https://x.example/a", &world).method, "DELETE");
    assert_eq!(one_in("wget --method=GET https://x.example/a", &world).method, "GET");
    assert_eq!(one_in("wget --no-config https://x.example/a", &world).method, "GET");
}

#[test]
fn httpie_and_xh_requests() {
    assert_eq!(methods_and_urls("http DELETE https://x.example/a"), vec![with("DELETE", "https://x.example/a")]);
    assert_eq!(methods_and_urls("xh delete x.example/a"), vec![with("DELETE", "http://x.example/a")]);
    assert_eq!(methods_and_urls("xhs delete x.example/a"), vec![with("DELETE", "https://x.example/a")]);
    assert_eq!(methods_and_urls("https :8443/a"), vec![get("https://localhost:8443/a")]);
    assert_eq!(methods_and_urls("http GET x.example/a q==delete"), vec![get("http://x.example/a?q=delete")]);
    assert_eq!(run("http --offline DELETE x.example/a").unwrap(), vec![]);
    assert_eq!(run("xh --curl DELETE x.example/a").unwrap(), vec![]);
    let r = one("http x.example/graphql query='mutation { a }' n:=1 X-Key:v");
    assert_eq!(r.method, "POST");
    assert_eq!(body_text(&r), "{\"query\":\"mutation { a }\",\"n\":1}");
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(r.headers, vec![("X-Key".to_string(), "v".to_string())]);
    let form = one("http -f POST x.example/a _method=DELETE b='x y'");
    assert_eq!((form.method.as_str(), body_text(&form).as_str()), ("DELETE", "_method=DELETE&b=x+y"));
    assert!(run("http x.example/a 'a[b]=1'").unwrap_err().contains("nested"));
    assert!(run("http x.example/a n:=nope").is_err());
}

#[test]
fn httpie_bodies_from_files_and_stdin() {
    let world = World { files: vec![("b.json", b"{\"q\":1}")], stdin: Some(b"piped"), ..World::default() };
    let r = one_in("http x.example/a @b.json", &world);
    assert_eq!((r.method.as_str(), body_text(&r).as_str()), ("POST", "{\"q\":1}"));
    let r = one_in("http x.example/a", &world);
    assert_eq!((r.method.as_str(), body_text(&r).as_str()), ("POST", "piped"));
    let r = one_in("http -I x.example/a", &world);
    assert_eq!((r.method.as_str(), body_text(&r).as_str()), ("GET", "<none>"));
    let r = one_in("xh PUT x.example/a --raw 'x'", &world);
    assert_eq!((r.method.as_str(), body_text(&r).as_str()), ("PUT", "x"));
    let r = one_in("http x.example/a doc=@b.json", &world);
    assert_eq!(body_text(&r), "{\"doc\":\"{\\\"q\\\":1}\"}");
    let r = one_in("http x.example/a X-HTTP-Method-Override:@b.json", &world);
    assert_eq!(r.headers, vec![("X-HTTP-Method-Override".to_string(), "{\"q\":1}".to_string())]);
}

#[test]
fn httpie_default_options_from_config() {
    let world = World {
        files: vec![("/home/me/.config/httpie/config.json", b"{\"default_options\": [\"--form\"]}")],
        env: vec![("HOME", "/home/me")],
        ..World::default()
    };
    let r = one_in("http x.example/a a=1", &world);
    assert_eq!((body_text(&r).as_str(), r.content_type.as_deref()), ("a=1", Some("application/x-www-form-urlencoded")));
    let bad = World {
        files: vec![("/home/me/.config/httpie/config.json", b"{\"default_options\": [\"--bogus\"]}")],
        ..world
    };
    assert!(run_in("http x.example/a", &bad).unwrap_err().contains("--bogus"));
}

/// Counts what a command makes guard read.
#[derive(Default)]
struct CountingSources {
    files: RefCell<Vec<String>>,
}

impl Sources for CountingSources {
    fn file(&self, _dir: &Path, name: &str) -> Payload {
        self.files.borrow_mut().push(name.to_string());
        Payload::Unreadable(format!("{name}: No such file or directory (os error 2)"))
    }
    fn stdin(&self) -> Option<Payload> {
        self.files.borrow_mut().push("<stdin>".into());
        None
    }
    fn digests(&self) -> Vec<[u8; 32]> {
        Vec::new()
    }
}

#[test]
fn a_plain_curl_reads_nothing_but_the_curlrc_check() {
    let rules = RuleSet::for_program("curl");
    let words = vec!["https://example.com".to_string()];
    let cmd = inspect::command(&rules, "curl", &words, Path::new("/w")).unwrap();
    let sources = CountingSources::default();
    let env = Env::fixed([("HOME".to_string(), "/home/me".into())].into_iter().collect());
    let ctx = Ctx { cwd: Path::new("/w"), real_binary: None, sources: &sources, env: &env };
    let got = super::requests_with(&rules, &cmd, &ctx).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(*sources.files.borrow(), vec!["/home/me/.curlrc"]);
}

trait HostPath {
    fn scheme_host_path(&self) -> (String, String);
}

impl HostPath for crate::operation::HttpRequest {
    fn scheme_host_path(&self) -> (String, String) {
        (self.host.clone().unwrap_or_default(), self.path.clone())
    }
}

#[test]
fn the_incident_request_reaches_the_graphql_reader_whole() {
    let line = r#"curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer t" -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'"#;
    let r = one(line);
    assert_eq!(
        (r.method.as_str(), r.host.as_deref(), r.path.as_str(), r.content_type.as_deref()),
        ("POST", Some("backboard.railway.app"), "/graphql/v2", Some("application/x-www-form-urlencoded"))
    );
    assert_eq!(body_text(&r), r#"{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}"#);
    assert_eq!(r.headers, vec![("Authorization".to_string(), "Bearer t".to_string())]);
}
