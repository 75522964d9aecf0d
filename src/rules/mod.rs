//! Rule packs: loading, matching and deciding.
//!
//! Built-in packs (`rules/*.yaml`) are validated by `build.rs` and compiled into the
//! binary as static data; the hot path takes only the packs the invoked program needs
//! (see [`embedded`]), compiles no pattern until a condition needs it, and writes
//! nothing.
//!
//! - [`schema`]: the file format.  - [`validate`]: semantic checks (also at build time).
//! - [`matcher`]: evaluates one condition against one operation.
//! - [`decide`]: all rules against all operations → one [`decide::Decision`].
//! - [`examples`]: `guard rules test`.

pub mod decide;
pub mod embedded;
pub mod examples;
pub mod listing;
pub mod matcher;
pub mod schema;
pub mod validate;

use schema::{NodeSpec, PackFile};
use std::borrow::Cow;

/// A pack in memory, with where it came from. Built-in packs are borrowed from static
/// data; packs read from files (later layers) are owned.
#[derive(Debug)]
pub struct LoadedPack {
    /// `rules/git.yaml` for built-ins; a real path for layers added later.
    pub file: Cow<'static, str>,
    pub spec: Cow<'static, PackFile>,
}

/// The packs that judge one invocation. Packs are only ever appended (a wrapper's
/// inner command may need another program's pack), so indexes stay valid.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub packs: Vec<LoadedPack>,
    /// Which built-in packs are loaded (indexes into `embedded::PACKS`).
    builtin: Vec<usize>,
}

impl RuleSet {
    /// The packs an invocation of `program` needs: the pack that defines it and every
    /// pack whose rules name operations it can produce.
    pub fn for_program(program: &str) -> RuleSet {
        let mut set = RuleSet::default();
        set.add_program(program);
        set
    }

    /// Loads the packs `program` needs, if they are not loaded yet.
    pub fn add_program(&mut self, program: &str) {
        for i in embedded::packs_for_program(program) {
            self.add_builtin(i);
        }
    }

    fn add_builtin(&mut self, i: usize) {
        if !self.builtin.contains(&i) {
            self.builtin.push(i);
            self.packs.push(embedded::pack(i));
        }
    }

    /// Every built-in pack (for `guard rules test`/`list`, not the hot path).
    pub fn all() -> RuleSet {
        embedded::load(0..embedded::PACKS.len())
    }

    /// The pack index, canonical program name and command tree for an executable name.
    pub fn program(&self, name: &str) -> Option<(usize, &str, &NodeSpec)> {
        self.packs.iter().enumerate().find_map(|(i, p)| {
            p.spec.programs.iter().find_map(|(key, root)| {
                (key == name || root.aliases.iter().any(|a| a == name)).then_some((i, &**key, root))
            })
        })
    }
}
