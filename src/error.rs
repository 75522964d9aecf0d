//! The errors that stop guard, each with a one-line message for a person.
//!
//! Every variant means the guarded command did not run. `exit_code` maps each to the
//! table in [`crate::exit`].

use crate::exit;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("{program}: not found on PATH (guard skipped its own shims); nothing was run")]
    RealBinaryNotFound { program: String },
    #[error("{path}: cannot execute: {source}; nothing was run")]
    CannotExecute { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Pattern(#[from] crate::rules::matcher::PatternError),
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error("cannot determine the current directory ({0}); a stopped command's request depends on it")]
    NoCwd(std::io::Error),
    #[error("cannot find your home directory in the user database: {0}")]
    NoHome(String),
    /// A layer file is malformed, invalid or unsafe: nothing guarded runs until it is fixed.
    #[error("{0}; guarded commands do not run until it is fixed (`guard rules lint` lists every problem)")]
    Policy(#[from] crate::rules::layers::LayerError),
    #[error("{0}")]
    Usage(String),
    /// A person-only action attempted where no person can be asked.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Other(String),
}

impl GuardError {
    pub fn exit_code(&self) -> u8 {
        match self {
            GuardError::RealBinaryNotFound { .. } => exit::NOT_FOUND,
            // as a shell reports it: a missing interpreter is "not found"
            GuardError::CannotExecute { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                exit::NOT_FOUND
            }
            GuardError::CannotExecute { .. } => exit::CANNOT_EXECUTE,
            GuardError::Usage(_) => exit::USAGE,
            GuardError::Refused(_) => exit::DENIED,
            _ => exit::GUARD_ERROR,
        }
    }
}
