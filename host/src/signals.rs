//! Ctrl-C (SIGINT) and SIGTERM as "stop and report": a stream or a live capture ends, its
//! result is printed, as tshark and tcpdump do. The handler only sets a flag, and is installed
//! without `SA_RESTART`, so a read blocked on a pipe returns (`EINTR`) and the reader looks at
//! the flag.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// From now on SIGINT and SIGTERM set the stop flag instead of ending the process.
pub fn stop_on_interrupt() {
    // SAFETY: a zeroed sigaction is valid; the handler only stores to an atomic, which is
    // async-signal-safe; sa_flags 0 leaves SA_RESTART off.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = 0;
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
    }
}

/// Whether SIGINT or SIGTERM arrived since `stop_on_interrupt`.
pub fn interrupted() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// A reader that ends (reads 0 bytes) once interrupted: standard input under `analyze -`.
pub struct UntilInterrupted<R>(pub R);

impl<R: std::io::Read> std::io::Read for UntilInterrupted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if interrupted() {
                return Ok(0);
            }
            match self.0.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        }
    }
}
