//! guard's exit codes: a contract for agents, harnesses and scripts.
//!
//! | code | meaning |
//! |------|---------|
//! | the real program's | the command was allowed and ran (exec'd in place, or `guard exec`'s child) |
//! | 0    | `guard check`: allowed |
//! | 64   | usage error in a `guard` subcommand |
//! | 70   | guard error: rules, settings, state or an internal fault; nothing ran |
//! | 75   | confirmation required: stopped, a person can approve it (EX_TEMPFAIL) |
//! | 77   | denied: stopped, no approval can unlock it (EX_NOPERM) |
//! | 126  | the real program was found but could not be executed |
//! | 127  | the real program was not found on PATH; nothing ran |
//! | 2    | `guard hook`: block (the only code Claude Code, Codex and Gemini treat as one) |

pub const USAGE: u8 = 64;
pub const GUARD_ERROR: u8 = 70;
pub const CONFIRMATION_REQUIRED: u8 = 75;
pub const DENIED: u8 = 77;
pub const CANNOT_EXECUTE: u8 = 126;
pub const NOT_FOUND: u8 = 127;
pub const HOOK_BLOCK: u8 = 2;
