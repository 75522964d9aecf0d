//! The built-in packs, compiled into the binary.
//!
//! `build.rs` parses and validates `rules/*.yaml` and writes each pack as `static`
//! data plus an index from executable name to the packs an invocation needs, so the
//! hot path never parses YAML, reads a file or allocates to load its rules.

use super::schema::*;
use super::{LoadedPack, RuleSet};
use std::borrow::Cow;

pub struct EmbeddedPack {
    pub file: &'static str,
    pub spec: PackFile,
}

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// Indexes into [`PACKS`] for an executable name (empty when no pack covers it).
pub fn packs_for_program(program: &str) -> impl Iterator<Item = usize> {
    let found = PROGRAMS.binary_search_by(|(name, _)| (*name).cmp(program)).ok();
    found.into_iter().flat_map(|i| PROGRAMS[i].1.iter().map(|&p| p as usize))
}

/// Every executable name some pack covers, sorted (what `shims/` must list).
pub fn program_names() -> impl Iterator<Item = &'static str> {
    PROGRAMS.iter().map(|(name, _)| *name)
}

pub(super) fn pack(i: usize) -> LoadedPack {
    LoadedPack {
        file: Cow::Borrowed(PACKS[i].file),
        spec: Cow::Borrowed(&PACKS[i].spec),
        layer: super::layers::LayerKind::Builtin,
    }
}

pub(super) fn load(indexes: impl Iterator<Item = usize>) -> RuleSet {
    let mut set = RuleSet::default();
    for i in indexes {
        set.add_builtin(i);
    }
    set
}
#[cfg(test)]
mod tests {
    /// `shims/programs` is what install.sh links; it must name exactly the programs
    /// the packs cover, or a covered program would run unguarded.
    #[test]
    fn shims_list_matches_the_packs() {
        let listed: Vec<&str> = include_str!("../../shims/programs")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        let covered: Vec<&str> = super::program_names().collect();
        assert_eq!(sorted, covered, "shims/programs must list exactly the programs the packs cover");
    }
}
