//! HTTP clients (curl, wget, HTTPie, xh): the requests a command will send.
//!
//! CONTRACT (implementation pending): from the normalized command of an HTTP client
//! (its grammar in rules/http.yaml), produce every request it sends, reading bodies,
//! config files and header files through `ctx.sources`.

use super::Ctx;
use crate::operation::{Command, HttpRequest};

/// The requests `cmd` sends; Err when guard cannot tell (e.g. an unreadable config
/// file that could set the URL or method).
pub fn requests(_cmd: &Command, _ctx: &Ctx) -> Result<Vec<HttpRequest>, String> {
    Ok(Vec::new())
}
