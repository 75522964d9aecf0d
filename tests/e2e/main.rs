//! End-to-end tests: the built `guard` binary, driven through real symlink shims.

mod check;
mod shim;
mod util;
