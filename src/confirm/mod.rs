//! Only a person confirms: pending requests, grants, and the approval prompt.
//!
//! - [`pending`]: every real stop records a request a person can look at.
//! - [`grants`]: an approval is a single-use grant bound to the request's fingerprint,
//!   consumed atomically by the identical re-run.
//! - [`passes`]: one approval of a hook request lets its commands through the shims once.
//! - [`ancestry`]: approval refuses to run inside a `guard exec` process tree.
//! - [`tty`]: the controlling terminal, opened directly; stdin is never the answer.
//! - [`approve`]: `guard pending`, `guard approve`, `guard deny`, and the [`approve::Approver`]
//!   seam for stronger human factors.
//! - [`wait`]: wait mode, where a stopped command waits for a person instead of exiting.

pub mod ancestry;
pub mod approve;
pub mod grants;
pub mod passes;
pub mod pending;
pub mod tty;
pub mod wait;
