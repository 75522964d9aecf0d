//! The `guard` binary: all logic lives in the library; see `guard::main`.
//!
//! `no_main`: guard starts without Rust's runtime setup. That setup ignores SIGPIPE, a
//! disposition the real program guard execs would inherit (`git log | head` would no
//! longer end the way it does without guard), and reads /proc/self/maps to place the
//! main thread's stack guard, a measurable part of what a shim costs. Arguments still
//! come from the C runtime as usual (glibc's init_array, macOS's _NSGetArgv).
#![no_main]

use std::ffi::{c_char, c_int};

#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    c_int::from(guard::main())
}
