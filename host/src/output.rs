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

/// Run `f` on a buffered stdout; a reader that went away (`| head`) is not an error.
pub fn with_stdout(
    f: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> Result<()>,
) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match f(&mut out).and_then(|_| out.flush().map_err(Into::into)) {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        r => r,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>()
                .is_some_and(|x| match x.kind() {
                    csv::ErrorKind::Io(io) => io.kind() == ErrorKind::BrokenPipe,
                    _ => false,
                })
    })
}
