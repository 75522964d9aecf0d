//! Database clients: the statements a command sends, and which of them destroy.
//!
//! CONTRACT (implementation pending): for a command whose pack names a SQL-family
//! inspector (`psql`, `mysql`, `sqlite3`, `mongosh`, `redis-cli`), read the statements
//! it will send (arguments, `-f` files, stdin) through `ctx.sources` and return one
//! `Operation::Sql` per destroying or unparsable statement, or `Operation::Unjudged`
//! when the payload cannot be read.

use super::Ctx;
use crate::operation::{Command, Operation};

pub fn inspect(_inspector: &str, _cmd: &Command, _ctx: &Ctx) -> Vec<Operation> {
    Vec::new()
}
