//! Rendering untrusted text (argv, paths, names) for a person's eyes.
//!
//! Control characters, ANSI escapes, bidi overrides, zero-width characters and any
//! non-ASCII character are shown escaped as `\u{…}`, so what a person reads is what
//! will run: a Cyrillic `с` in `сurl` or a right-to-left override cannot disguise it.

pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_what_could_disguise_a_command() {
        assert_eq!(sanitize("git push"), "git push");
        assert_eq!(sanitize("\u{441}url"), "\\u{441}url");
        assert_eq!(sanitize("a\u{202e}b\x1b[2Jc\n"), "a\\u{202e}b\\u{1b}[2Jc\\u{a}");
    }
}
