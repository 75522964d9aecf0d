//! Cheap checks before any parser sees a string, and the budgets the walk runs under.
//!
//! brush-parser recurses once per nesting level and overflows its stack near 2,000
//! levels; the sandbox would catch that, but refusing early is faster and gives a clearer
//! reason. The same nesting check runs on every string parsed later (`$(…)` bodies,
//! `eval` strings), counted from the depth they are found at, because such strings can be
//! assembled at "run time" from small pieces (`eval "$a$a$a"`).

use super::ShellError;

/// Larger strings are refused rather than judged by a prefix.
pub(super) const MAX_INPUT_BYTES: usize = 1 << 20;
/// Nesting of `( { $(` and backticks, and of compound commands during the walk.
pub(super) const MAX_DEPTH: usize = 64;
/// Walk steps (commands and words visited) before the string counts as too complex.
pub(super) const MAX_STEPS: usize = 200_000;
/// Words one brace or glob expansion may produce before it is left unknown.
pub(super) const MAX_EXPANSION_WORDS: usize = 4_096;
/// A variable whose value grows past this is forgotten (`x=$x$x` doubling).
pub(super) const MAX_VALUE_BYTES: usize = 64 << 10;

pub(super) fn check_size(text: &str) -> Result<(), ShellError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ShellError(format!(
            "the shell string is {} bytes, over the {MAX_INPUT_BYTES}-byte limit",
            text.len()
        )));
    }
    Ok(())
}

/// Refuses `text` when its nesting, added to the depth it was found at, exceeds
/// [`MAX_DEPTH`].
pub(super) fn check_nesting(text: &str, base_depth: usize) -> Result<(), ShellError> {
    let depth: usize = base_depth.saturating_add(nesting_depth(text));
    if depth > MAX_DEPTH {
        return Err(ShellError(format!("the shell string nests more than {MAX_DEPTH} levels deep")));
    }
    Ok(())
}

/// The deepest nesting of brackets and backticks, counted without regard to quoting:
/// an over-count only refuses odd strings, an under-count could let a deep one through.
pub(super) fn nesting_depth(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut deepest: usize = 0;
    let mut in_backticks: bool = false;
    for byte in text.bytes() {
        match byte {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            b'`' => {
                in_backticks = !in_backticks;
                if in_backticks {
                    depth += 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_kind_of_bracket() {
        assert_eq!(nesting_depth("echo hi"), 0);
        assert_eq!(nesting_depth("(a; { b; })"), 2);
        assert_eq!(nesting_depth("echo $(a $(b))"), 2);
        assert_eq!(nesting_depth("echo `a` ${x}"), 1);
        assert_eq!(nesting_depth(")))((("), 3);
    }

    #[test]
    fn refuses_deep_and_large_strings() {
        assert!(check_nesting(&"(".repeat(64), 0).is_ok());
        assert!(check_nesting(&"(".repeat(65), 0).is_err());
        assert!(check_nesting(&"(".repeat(10), 60).is_err());
        assert!(check_size(&"a".repeat(MAX_INPUT_BYTES)).is_ok());
        assert!(check_size(&"a".repeat(MAX_INPUT_BYTES + 1)).is_err());
    }
}
