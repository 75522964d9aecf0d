//! `guard rules list` and README's coverage table: each pack, its programs, its rules
//! and how many examples test them.

use super::RuleSet;

pub struct PackRow {
    pub pack: String,
    /// `built-in`, `system`, `user` or `project`.
    pub layer: &'static str,
    pub file: String,
    /// Executable names, aliases included.
    pub programs: Vec<String>,
    pub rules: usize,
    pub confirm_examples: usize,
    pub allow_examples: usize,
}

pub fn rows(set: &RuleSet) -> Vec<PackRow> {
    set.packs
        .iter()
        .map(|p| PackRow {
            pack: p.spec.pack.to_string(),
            layer: p.layer.name(),
            file: p.file.to_string(),
            programs: p
                .spec
                .programs
                .iter()
                .flat_map(|(name, root)| std::iter::once(name).chain(root.aliases.iter()).map(|n| n.to_string()))
                .collect(),
            rules: p.spec.rules.len(),
            confirm_examples: p.spec.rules.iter().map(|r| r.confirm.len()).sum(),
            allow_examples: p.spec.rules.iter().map(|r| r.allow.len()).sum(),
        })
        .collect()
}

/// Tab-separated, one pack per line, for `guard rules list`.
pub fn tsv(rows: &[PackRow]) -> String {
    let mut out = String::from("PACK\tLAYER\tFILE\tPROGRAMS\tRULES\tCONFIRM_EXAMPLES\tALLOW_EXAMPLES\n");
    for r in rows {
        let programs = if r.programs.is_empty() { "-".to_string() } else { r.programs.join(",") };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.pack, r.layer, r.file, programs, r.rules, r.confirm_examples, r.allow_examples
        ));
    }
    out
}

/// The Markdown table README carries (a test keeps the two equal).
pub fn markdown(rows: &[PackRow]) -> String {
    let mut out = String::from("| pack | programs | rules | examples (confirm / allow) |\n|---|---|---|---|\n");
    for r in rows {
        let programs = if r.programs.is_empty() {
            "— (operations from any client)".to_string()
        } else {
            r.programs.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" ")
        };
        out.push_str(&format!(
            "| [{}]({}) | {} | {} | {} / {} |\n",
            r.pack, r.file, programs, r.rules, r.confirm_examples, r.allow_examples
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_coverage_table_is_current() {
        let readme = include_str!("../../README.md");
        let start = readme.find("<!-- coverage:start -->\n").expect("README has the coverage start marker");
        let end = readme.find("<!-- coverage:end -->").expect("README has the coverage end marker");
        let table = &readme[start + "<!-- coverage:start -->\n".len()..end];
        let want = markdown(&rows(&RuleSet::all()));
        assert!(table == want, "README's coverage table is stale; replace it with:\n{want}");
    }
}
