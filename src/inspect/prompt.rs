//! Commands whose own safeguard is a "yes" typed at their prompt (`terraform apply`
//! without a plan file shows the plan and asks). Input piped into them answers that
//! prompt instead of a person — `echo yes | terraform apply` is the agent confirming
//! for itself — so input that could answer makes the command unjudged.

use super::Ctx;
use super::payload::Payload;
use super::unwrap::unjudged;
use crate::operation::{Command, Operation};

/// Unjudged when something other than a person would answer the prompt.
pub fn answered_by_input(cmd: &Command, ctx: &Ctx) -> Option<Operation> {
    // a plan file is applied without a prompt, and `-input=false` refuses to ask
    let asks = cmd.operands.is_empty() && cmd.option_values("input").last().is_none_or(|v| !is_false(v));
    if !asks {
        return None;
    }
    let reason = match ctx.sources.stdin()? {
        // nothing to read (`< /dev/null`, a closed stdin): the prompt gets no "yes"
        Payload::Bytes(b) if b.iter().all(u8::is_ascii_whitespace) => return None,
        Payload::Bytes(_) => "its input would answer its confirmation prompt instead of a person".to_string(),
        Payload::Unreadable(why) => format!("its confirmation prompt would be answered by its input ({why})"),
    };
    Some(unjudged(&format!("{} {}", cmd.program, cmd.path_string()), &reason))
}

fn is_false(value: &str) -> bool {
    matches!(value, "false" | "0" | "f" | "F" | "FALSE" | "False")
}
