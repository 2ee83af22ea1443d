//! Why a client could not open its port or get an answer, each said so the user knows what to
//! do. The messages are the console's (docs/console.md): its tests check them.

use crate::protocol::{ErrorCode, Op, BAUD_RATES, VERSION};
use std::io;
use std::time::Duration;

/// Why opening a port, or a request, failed. The I/O errors are part of the message, not a
/// source: the console prints one line (`{:#}`), which would repeat them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The port does not exist.
    #[error(
        "no such port: {port} (`synscope ports` lists the serial ports; \
         `synscope sim CAPTURE --serve` starts a simulated board)"
    )]
    NoSuchPort { port: String },

    /// Another program holds the port (`holders`: who, as `NAME (pid N)`, when visible).
    #[error(
        "port in use: {port} is held by {} (one program at a time: end it, or watch with \
         `synscope monitor` there)",
        held_by(.holders)
    )]
    PortBusy { port: String, holders: Vec<String> },

    /// The user may not open the port: it belongs to `group`.
    #[error(
        "permission denied on {port}: it belongs to group '{group}'; add yourself \
         (sudo usermod -aG {group} $USER) and log in again"
    )]
    PermissionDenied { port: String, group: String },

    /// The path is no terminal device.
    #[error("cannot open {port}: not a serial port (not a terminal device)")]
    NotATerminal { port: String },

    /// Any other failure to open the port.
    #[error("cannot open {port}: {reason}")]
    CannotOpen { port: String, reason: String },

    /// This end of the line could not change its rate.
    #[error("{port}: cannot set {baud} baud: {error}")]
    SetBaud {
        port: String,
        baud: u32,
        error: io::Error,
    },

    /// A line rate the board does not have.
    #[error("{baud} baud: the board runs at one of {:?}", BAUD_RATES)]
    UnknownBaud { baud: u32 },

    /// The transport failed while sending or waiting.
    #[error(
        "{port}: the link failed ({error}): was the board unplugged, or the simulator stopped?"
    )]
    Io { port: String, error: io::Error },

    /// Nothing came for `silent` (`heard`: what came before that, or empty; `hint`: what to
    /// check, from the transport: [`super::Transport::silence_hint`]).
    #[error(
        "no answer from {port} (silent for {:.1} s{heard}): {hint}",
        .silent.as_secs_f64()
    )]
    NoAnswer {
        port: String,
        baud: u32,
        silent: Duration,
        heard: String,
        hint: String,
    },

    /// Bytes kept coming that make no synscope frame (`text`: they read as text, which no line
    /// rate would make a synscope).
    #[error(
        "{port} at {baud} baud does not speak synscope: {bytes} bytes in {:.1} s, none of \
         them a synscope frame; they look like {looks_like}: another device on this port, or \
         a board at another line rate (--baud)?",
        .lasted.as_secs_f64()
    )]
    NotSynscope {
        port: String,
        baud: u32,
        bytes: usize,
        lasted: Duration,
        looks_like: String,
        text: bool,
    },

    /// `IDENTIFY` was answered without a synscope's identity.
    #[error("{port} answered, but not as a synscope")]
    NotIdentified { port: String },

    /// The board's `IDENTIFY` answer gives a way count that makes no table (`ways`: not a
    /// power of two, or fewer than 2): its slot numbers could not be split into bucket and way.
    #[error(
        "{port} answered as a synscope whose table has {ways} ways per bucket, which no \
         synscope has (a power of two, at least 2: 2, 4 or 8); update the host tool or the \
         bitstream"
    )]
    BadWays { port: String, ways: usize },

    /// The board's `IDENTIFY` answer gives more buckets than a slot number can name (a slot
    /// is 16 bits: `bucket_bits` plus the way bits must fit).
    #[error(
        "{port} answered as a synscope whose table has 2^{bucket_bits} buckets of {ways} ways, \
         more than a 16-bit slot number can name; update the host tool or the bitstream"
    )]
    BadBuckets {
        port: String,
        bucket_bits: u8,
        ways: usize,
    },

    /// The board answered in another protocol version (`theirs`).
    #[error(
        "protocol version mismatch: {port} speaks version {theirs}, this synscope {}; update \
         the host tool or the bitstream",
        VERSION
    )]
    VersionMismatch { port: String, theirs: u8 },

    /// The board refused the request's protocol version.
    #[error("protocol version mismatch: {port} does not speak version {}", VERSION)]
    BadVersion { port: String },

    /// The board answered with an error frame (`code`: `None` when unknown).
    #[error(
        "{port} refused {op:?}: {}",
        .code.map_or("unknown error", |c| c.name())
    )]
    Refused {
        port: String,
        op: Op,
        code: Option<ErrorCode>,
    },

    /// An answer that does not decode as its operation's (`what`: which, and how).
    #[error("{port}: {what}")]
    Malformed { port: String, what: &'static str },

    /// An operation that takes one answer frame got `frames`.
    #[error("{port}: {frames} answer frames to {op:?}, which takes one")]
    Unexpected { port: String, op: Op, frames: usize },
}

/// Who holds a port, for [`Error::PortBusy`].
fn held_by(holders: &[String]) -> String {
    if holders.is_empty() {
        "another program".to_string()
    } else {
        holders.join(", ")
    }
}
