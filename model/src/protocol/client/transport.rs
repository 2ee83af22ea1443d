//! What carries a client's bytes: a serial port or a pseudo-terminal (the host's `link`), or
//! the simulated board's UART pins (sim's `board`).

use std::io;
use std::time::Duration;

/// Bytes to a board and back, in the transport's own time.
pub trait Transport {
    /// Send `bytes`, all of them.
    fn send(&mut self, bytes: &[u8]) -> io::Result<()>;

    /// Wait a short slice of the transport's time (the granularity of every wait) for bytes,
    /// and append those that came to `into`; none: the line was quiet for the slice. An error:
    /// the transport failed (a port that went away).
    fn receive(&mut self, into: &mut Vec<u8>) -> io::Result<()>;

    /// The transport's clock, from an origin of its own: the wall clock for a port, simulated
    /// time for a simulated board.
    fn now(&self) -> Duration;

    /// Move this end of the line to `baud`; bytes still in flight at the old rate are dropped.
    fn set_baud(&mut self, baud: u32) -> io::Result<()>;

    /// What to check when nothing answers at `baud` (the end of [`super::Error::NoAnswer`]'s
    /// message): for a port, the board's bitstream and line rate.
    fn silence_hint(&self, baud: u32) -> String {
        format!(
            "is the board programmed with synscope (`make program`), and is {baud} baud its \
             rate (--baud)?"
        )
    }
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        (**self).send(bytes)
    }

    fn receive(&mut self, into: &mut Vec<u8>) -> io::Result<()> {
        (**self).receive(into)
    }

    fn now(&self) -> Duration {
        (**self).now()
    }

    fn set_baud(&mut self, baud: u32) -> io::Result<()> {
        (**self).set_baud(baud)
    }

    fn silence_hint(&self, baud: u32) -> String {
        (**self).silence_hint(baud)
    }
}
