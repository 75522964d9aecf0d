//! The built-in packs, embedded at build time.
//!
//! `build.rs` parses and validates `rules/*.yaml` and writes, into `OUT_DIR`, each pack
//! as compact JSON plus an index from executable name to the packs it needs, so the
//! hot path never parses YAML or reads a file.

use super::{LoadedPack, RuleSet, RulesError};

pub struct EmbeddedPack {
    pub file: &'static str,
    pub name: &'static str,
    pub json: &'static str,
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

pub(super) fn load(indexes: impl Iterator<Item = usize>) -> Result<RuleSet, RulesError> {
    let mut set = RuleSet::default();
    for i in indexes {
        let pack = &PACKS[i];
        let spec = serde_json::from_str(pack.json)
            .map_err(|e| RulesError::Corrupt { file: pack.file.to_string(), message: e.to_string() })?;
        set.packs.push(LoadedPack { file: pack.file.to_string(), spec });
    }
    Ok(set)
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
