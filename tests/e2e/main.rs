//! End-to-end tests: the built `guard` binary, driven through real symlink shims.

mod check;
mod clouds;
mod confirm;
mod exec;
mod exec_payloads;
mod failclosed;
mod fs;
mod git;
mod hooks;
mod http;
mod infra;
mod layers;
mod paas;
mod pg;
mod platforms;
mod railway;
mod shim;
mod util;
