//! Exit statuses (docs/console.md, "Exit status"; the man page's EXIT STATUS):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | failure: one line on stderr says what went wrong |
//! | 2 | the command line is wrong (clap's usage error) |
//! | 3 | nothing found: `lookup` found no such connection (as `conntrack -G` fails), or `analyze` tracked no connection out of a non-empty capture |

use std::fmt;
use std::process::ExitCode;

pub const SUCCESS: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const NOT_FOUND: u8 = 3;

/// The error a command returns when it ran but found nothing: exit status [`NOT_FOUND`], and
/// its message (if any) on stderr.
#[derive(Debug)]
pub struct NothingFound(pub Option<String>);

impl fmt::Display for NothingFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or("nothing found"))
    }
}

impl std::error::Error for NothingFound {}

/// Report a command's result on stderr and give its exit status.
pub fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(SUCCESS),
        Err(e) => match e.downcast_ref::<NothingFound>() {
            Some(NothingFound(None)) => ExitCode::from(NOT_FOUND),
            Some(NothingFound(Some(m))) => {
                eprintln!("synscope: {m}");
                ExitCode::from(NOT_FOUND)
            }
            None => {
                eprintln!("synscope: {e:#}");
                ExitCode::from(FAILURE)
            }
        },
    }
}

/// The EXIT STATUS section of the man page and of `--help`.
pub const EXIT_STATUS_HELP: &str =
    "Exit status: 0 success; 1 failure (one line on stderr says why); \
2 command-line error; 3 nothing found (`lookup` found no such connection, `analyze` tracked \
no connection out of a non-empty capture).";
