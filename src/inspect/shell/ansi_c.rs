//! Decoding of bash's ANSI-C quoting, `$'…'`.
//!
//! `$'\x72\x6d'` is `rm`: a classifier that compares the raw text would miss it. brush
//! hands over the text between the quotes undecoded; this applies bash's escapes. As in
//! bash, a NUL (`\0`, `\x00`) ends the string. Text that decodes to invalid UTF-8 is
//! reported as undecodable, so the word becomes unknown.

/// The decoded text, or `None` when it is not valid UTF-8.
pub(super) fn decode(quoted: &str) -> Option<String> {
    let mut bytes: Vec<u8> = Vec::with_capacity(quoted.len());
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            push_char(&mut bytes, c);
            continue;
        }
        let Some(escape) = chars.next() else {
            bytes.push(b'\\');
            break;
        };
        let decoded: Decoded = match escape {
            'a' => Decoded::Byte(0x07),
            'b' => Decoded::Byte(0x08),
            'e' | 'E' => Decoded::Byte(0x1b),
            'f' => Decoded::Byte(0x0c),
            'n' => Decoded::Byte(b'\n'),
            'r' => Decoded::Byte(b'\r'),
            't' => Decoded::Byte(b'\t'),
            'v' => Decoded::Byte(0x0b),
            '\\' | '\'' | '"' | '?' => Decoded::Byte(escape as u8),
            '0'..='7' => {
                let value: u32 = digits(escape, &mut chars, 8, 2);
                Decoded::Byte((value & 0xff) as u8)
            }
            'x' => match chars.peek().and_then(|d| d.to_digit(16)) {
                Some(_) => Decoded::Byte((read_digits(&mut chars, 16, 2) & 0xff) as u8),
                None => Decoded::Verbatim(escape),
            },
            'u' | 'U' => {
                let width: usize = if escape == 'u' { 4 } else { 8 };
                match chars.peek().and_then(|d| d.to_digit(16)) {
                    Some(_) => Decoded::Char(char::from_u32(read_digits(&mut chars, 16, width))?),
                    None => Decoded::Verbatim(escape),
                }
            }
            'c' => match chars.next() {
                Some(control) => Decoded::Byte(control_byte(control)?),
                None => Decoded::Verbatim(escape),
            },
            other => Decoded::Verbatim(other),
        };
        match decoded {
            Decoded::Byte(0) => break,
            Decoded::Byte(b) => bytes.push(b),
            Decoded::Char('\0') => break,
            Decoded::Char(c) => push_char(&mut bytes, c),
            Decoded::Verbatim(c) => {
                bytes.push(b'\\');
                push_char(&mut bytes, c);
            }
        }
    }
    String::from_utf8(bytes).ok()
}

enum Decoded {
    Byte(u8),
    Char(char),
    /// An escape bash leaves as written, backslash included.
    Verbatim(char),
}

fn push_char(bytes: &mut Vec<u8>, c: char) {
    let mut buffer = [0u8; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
}

/// `first` is already a digit; reads up to `more` further digits.
fn digits(first: char, chars: &mut std::iter::Peekable<std::str::Chars>, radix: u32, more: usize) -> u32 {
    let mut value: u32 = first.to_digit(radix).unwrap_or(0);
    for _ in 0..more {
        match chars.peek().and_then(|d| d.to_digit(radix)) {
            Some(d) => {
                value = value * radix + d;
                chars.next();
            }
            None => break,
        }
    }
    value
}

/// Reads between one and `width` digits.
fn read_digits(chars: &mut std::iter::Peekable<std::str::Chars>, radix: u32, width: usize) -> u32 {
    let mut value: u32 = 0;
    for _ in 0..width {
        match chars.peek().and_then(|d| d.to_digit(radix)) {
            Some(d) => {
                value = value.saturating_mul(radix).saturating_add(d);
                chars.next();
            }
            None => break,
        }
    }
    value
}

/// `\cX`: the control character for X (`\c?` is DEL).
fn control_byte(c: char) -> Option<u8> {
    if c == '?' {
        return Some(0x7f);
    }
    let ascii: u8 = u8::try_from(c).ok().filter(u8::is_ascii)?;
    Some(ascii.to_ascii_uppercase() & 0x1f)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_bash_escapes() {
        assert_eq!(decode(r"\x72\x6d").as_deref(), Some("rm"));
        assert_eq!(decode(r"\162\155").as_deref(), Some("rm"));
        assert_eq!(decode(r"\u0072m").as_deref(), Some("rm"));
        assert_eq!(decode(r"a\tb\n").as_deref(), Some("a\tb\n"));
        assert_eq!(decode(r"it\'s").as_deref(), Some("it's"));
        assert_eq!(decode(r"\q\x").as_deref(), Some(r"\q\x"));
        assert_eq!(decode(r"\cA").as_deref(), Some("\u{1}"));
        assert_eq!(decode(r"\xc3\xa9").as_deref(), Some("é"));
    }

    #[test]
    fn nul_ends_the_string_and_bad_utf8_is_undecodable() {
        assert_eq!(decode(r"r\0m").as_deref(), Some("r"));
        assert_eq!(decode(r"\xff"), None);
    }
}
