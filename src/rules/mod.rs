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
pub mod layers;
pub mod lint;
pub mod listing;
pub mod matcher;
pub mod policy;
pub mod schema;
pub mod validate;

use layers::LayerKind;
use policy::{LayerPack, Policy};
use schema::{ExceptionSpec, NodeSpec, PackFile};
use std::borrow::Cow;

/// A pack in memory, with where it came from. Built-in packs are borrowed from static
/// data; packs read from layer files are owned.
#[derive(Debug)]
pub struct LoadedPack {
    /// `rules/git.yaml` for built-ins; the real path for a layer file.
    pub file: Cow<'static, str>,
    pub spec: Cow<'static, PackFile>,
    pub layer: LayerKind,
}

/// The packs that judge one invocation. Packs are only ever appended (a wrapper's
/// inner command may need another program's pack), so indexes stay valid.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub packs: Vec<LoadedPack>,
    /// Which built-in packs are loaded (indexes into `embedded::PACKS`).
    builtin: Vec<usize>,
    /// Layer packs not loaded yet: each comes in with the program it concerns.
    waiting: Vec<LayerPack>,
    /// The system layer's exceptions to rules.
    pub exceptions: Vec<ExceptionSpec>,
}

impl RuleSet {
    /// The built-in packs an invocation of `program` needs: the pack that defines it
    /// and every pack whose rules name operations it can produce.
    pub fn for_program(program: &str) -> RuleSet {
        let mut set = RuleSet::default();
        set.add_program(program);
        set
    }

    /// The packs for `program` with the layers of `policy` on top. Layer files that
    /// only judge operations, requests or statements apply to every program.
    pub fn with_policy(program: &str, policy: Policy) -> RuleSet {
        let mut set = RuleSet { exceptions: policy.exceptions, ..RuleSet::default() };
        for pack in policy.packs {
            if pack.spec.extends.is_none() && pack.spec.programs.is_empty() {
                set.push_layer(pack);
            } else {
                set.waiting.push(pack);
            }
        }
        set.add_program(program);
        set
    }

    /// Loads the packs `program` needs, if they are not loaded yet.
    pub fn add_program(&mut self, program: &str) {
        for i in embedded::packs_for_program(program) {
            self.add_builtin(i);
        }
        let defines = |p: &LayerPack| {
            p.spec.programs.iter().any(|(name, root)| name == program || root.aliases.iter().any(|a| a == program))
        };
        while let Some(i) = self.waiting.iter().position(defines) {
            let pack = self.waiting.remove(i);
            self.push_layer(pack);
        }
    }

    fn add_builtin(&mut self, i: usize) {
        if !self.builtin.contains(&i) {
            self.builtin.push(i);
            self.packs.push(embedded::pack(i));
            // layer files that extend this pack come with it
            let name = &embedded::PACKS[i].spec.pack;
            while let Some(j) = self.waiting.iter().position(|p| p.spec.extends.as_deref() == Some(&**name)) {
                let pack = self.waiting.remove(j);
                self.push_layer(pack);
            }
        }
    }

    fn push_layer(&mut self, pack: LayerPack) {
        self.packs.push(LoadedPack {
            file: Cow::Owned(pack.path.display().to_string()),
            spec: Cow::Owned(pack.spec),
            layer: pack.kind,
        });
    }

    /// Every built-in pack (for `guard rules test`/`list`, not the hot path).
    pub fn all() -> RuleSet {
        embedded::load(0..embedded::PACKS.len())
    }

    /// Every built-in pack and every pack of `policy`.
    pub fn all_with(policy: Policy) -> RuleSet {
        let mut set = RuleSet::all();
        set.exceptions = policy.exceptions;
        for pack in policy.packs {
            set.push_layer(pack);
        }
        set
    }

    /// Whether the rules of pack `rules_of` are about the commands of pack `commands_of`:
    /// the same pack, or a layer file that `extends:` it.
    pub fn judges_commands_of(&self, rules_of: usize, commands_of: usize) -> bool {
        rules_of == commands_of
            || self
                .packs
                .get(commands_of)
                .is_some_and(|base| self.packs[rules_of].spec.extends.as_deref() == Some(&*base.spec.pack))
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
