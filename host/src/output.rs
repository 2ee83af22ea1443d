//! Writing to stdout without panicking when the reader goes away (`synscope … | head`).

use anyhow::Result;
use std::io::{ErrorKind, Write};

/// Write `bytes` to stdout; a closed pipe is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
