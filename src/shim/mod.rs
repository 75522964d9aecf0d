//! Shim mode: guard invoked through a link named after a program.

pub mod exec;
pub mod pipeline;
pub mod resolve;
