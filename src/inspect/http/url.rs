//! URLs as the rules see them: scheme, host, path and query of the request a client
//! will really send.
//!
//! Rules match `host:` and `path:` with patterns, so spellings that reach the same
//! resource must come out the same: the host is lower-cased without userinfo, port or
//! a trailing dot; `%64elete` is `delete` (unreserved percent-escapes decoded, as
//! servers do) and dot segments are removed (as curl and servers do). There is no IDNA
//! library here: a non-ASCII host is kept as written (lower-cased where ASCII), so a
//! rule written for its ASCII form does not match it.

/// The parts of a URL the rules judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    /// Lower-case scheme (`https`).
    pub scheme: String,
    /// Lower-case host; None when the URL has none guard can read.
    pub host: Option<String>,
    /// Normalized path, `/` at least.
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
}

/// Parses `text`; a URL without `scheme://` gets `default_scheme`.
pub fn parse(text: &str, default_scheme: &str) -> ParsedUrl {
    let without_fragment = text.split('#').next().unwrap_or("");
    let (scheme, rest) = split_scheme(without_fragment.trim(), default_scheme);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let (path_raw, query) = match after.split_once('?') {
        Some((p, q)) => (p, q.to_string()),
        None => (after, String::new()),
    };
    ParsedUrl { scheme, host: host_of(authority), path: normalize_path(path_raw), query }
}

fn split_scheme<'t>(text: &'t str, default_scheme: &str) -> (String, &'t str) {
    if let Some(at) = text.find("://") {
        let candidate = &text[..at];
        let is_scheme = !candidate.is_empty()
            && candidate.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            return (candidate.to_ascii_lowercase(), &text[at + 3..]);
        }
    }
    (default_scheme.to_string(), text)
}

/// The host of an authority (`user:pw@Host.Example.:8080` → `host.example`).
fn host_of(authority: &str) -> Option<String> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        // IPv6 literal: the port follows the closing bracket
        host_port.find(']').map_or(host_port, |end| &host_port[..=end])
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let decoded = decode_unreserved(host).to_ascii_lowercase();
    let trimmed = decoded.strip_suffix('.').unwrap_or(&decoded);
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Decodes percent-escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`), which
/// mean the same escaped or not; every other escape stays as written.
pub fn decode_unreserved(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(decoded) = hex_pair(bytes.get(i + 1).copied(), bytes.get(i + 2).copied())
            && (decoded.is_ascii_alphanumeric() || matches!(decoded, b'-' | b'.' | b'_' | b'~'))
        {
            out.push(char::from(decoded));
            i += 3;
            continue;
        }
        // copy one whole UTF-8 character
        let len = utf8_len(bytes[i]);
        out.push_str(text.get(i..i + len).unwrap_or(""));
        i += len.max(1);
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// The byte two hex digits spell.
pub fn hex_pair(high: Option<u8>, low: Option<u8>) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    let (h, l) = (digit(high?)?, digit(low?)?);
    u8::try_from(h * 16 + l).ok()
}

/// Unreserved escapes decoded, then `.` and `..` segments removed (RFC 3986 5.2.4).
fn normalize_path(raw: &str) -> String {
    let decoded = decode_unreserved(raw);
    let mut kept: Vec<&str> = Vec::new();
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut ends_in_dir = false;
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => ends_in_dir = i == last,
            ".." => {
                kept.pop();
                ends_in_dir = i == last;
            }
            other => {
                kept.push(other);
                ends_in_dir = false;
            }
        }
    }
    let mut path = format!("/{}", kept.join("/"));
    if ends_in_dir && !path.ends_with('/') {
        path.push('/');
    }
    path
}

/// `url` with its path and query replaced by `target` (curl's `--request-target`).
pub fn with_request_target(url: &str, target: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    format!("{scheme}{}{target}", &rest[..authority_end])
}

/// The host a `Host:` header names (lower-case, without port or trailing dot).
pub fn host_header_value(value: &str) -> Option<String> {
    host_of(value.trim())
}

/// The `(name, value)` pairs of a query string or urlencoded form, decoded
/// (`+` is a space). Bounded by the input's length.
pub fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_form(name), decode_form(value))
        })
        .collect()
}

/// Decodes every percent-escape and `+` of a form component (lossy for non-UTF-8).
pub fn decode_form(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(b) = hex_pair(bytes.get(i + 1).copied(), bytes.get(i + 2).copied()) {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters, spaces as `+` (what curl's
/// `--data-urlencode` sends).
pub fn encode_form(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(b)),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (String, Option<String>, String, String) {
        let u = parse(text, "http");
        (u.scheme, u.host, u.path, u.query)
    }

    #[test]
    fn host_is_lower_case_without_userinfo_port_or_trailing_dot() {
        let got = parts("HTTPS://user:pw@BackBoard.Railway.APP.:443/graphql/v2?x=1#frag");
        assert_eq!(got, ("https".into(), Some("backboard.railway.app".into()), "/graphql/v2".into(), "x=1".into()));
        assert_eq!(parts("[::1]:8080/x").1, Some("[::1]".into()));
        assert_eq!(parts("http://a@b@evil.example/").1, Some("evil.example".into()));
    }

    #[test]
    fn missing_scheme_gets_the_default() {
        assert_eq!(
            parts("backboard.railway.com/graphql/v2"),
            ("http".into(), Some("backboard.railway.com".into()), "/graphql/v2".into(), String::new())
        );
        assert_eq!(parse("example.com", "https").scheme, "https");
        assert_eq!(parts("http://example.com").2, "/");
        assert_eq!(parts("http:///x").1, None);
    }

    #[test]
    fn unreserved_escapes_and_dot_segments_normalize() {
        assert_eq!(parts("http://x/a/%64elete").2, "/a/delete");
        assert_eq!(parts("http://x/a/%44ELETE").2, "/a/DELETE");
        assert_eq!(parts("http://x/a/%2Fdelete").2, "/a/%2Fdelete");
        assert_eq!(parts("http://x/a/delete/./").2, "/a/delete/");
        assert_eq!(parts("http://x/a/delete/b/..").2, "/a/delete/");
        assert_eq!(parts("http://x/../../delete").2, "/delete");
        assert_eq!(parts("http://b%61ckboard.railway.app/").1, Some("backboard.railway.app".into()));
        assert_eq!(parts("http://x/caf%C3%A9/é").2, "/caf%C3%A9/é");
    }

    #[test]
    fn request_targets_and_host_headers() {
        assert_eq!(with_request_target("https://x.example/a?b=1", "/v1/delete"), "https://x.example/v1/delete");
        assert_eq!(with_request_target("x.example", "/d"), "x.example/d");
        assert_eq!(host_header_value(" Backboard.Railway.App:443 "), Some("backboard.railway.app".into()));
        assert_eq!(host_header_value(""), None);
    }

    #[test]
    fn non_ascii_hosts_stay_as_written() {
        assert_eq!(parts("http://BÜcher.example/").1, Some("bÜcher.example".into()));
    }

    #[test]
    fn forms_decode_and_encode() {
        assert_eq!(
            form_pairs("a=1&_method=DELETE&b"),
            vec![
                ("a".to_string(), "1".to_string()),
                ("_method".to_string(), "DELETE".to_string()),
                ("b".to_string(), String::new())
            ]
        );
        assert_eq!(decode_form("%5Fmethod+x%zz"), "_method x%zz");
        assert_eq!(encode_form(b"a b&c=~"), "a+b%26c%3D~");
    }
}
