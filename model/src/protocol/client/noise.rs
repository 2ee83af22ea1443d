//! Bytes that make no synscope frame (another device, or a board at another line rate), and
//! how much of them a wait tolerates.

use crate::protocol::MAX_FRAME;
use std::time::Duration;

/// How much a wait tolerates of bytes that make no synscope frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// At most this many bytes since the last valid frame (a synscope frame is at most
    /// `2 * MAX_FRAME + 2` bytes on the line, all escaped)...
    pub noise_bytes: usize,
    /// ...for at most this long.
    pub noise_time: Duration,
}

impl Patience {
    /// Before the device has answered as a synscope: a few frames' worth.
    pub const IDENTIFY: Patience = Patience {
        noise_bytes: 1024,
        noise_time: Duration::from_secs(5),
    };
    /// Once it has: long answers (a dump from a simulated board at 115200 baud brings a frame
    /// every few seconds) stay within it.
    pub const ANSWERING: Patience = Patience {
        noise_bytes: 4 * (2 * MAX_FRAME + 2),
        noise_time: Duration::from_secs(30),
    };
}

/// The first bytes kept to say what the noise looks like.
const SAMPLE: usize = 96;

/// Bytes since the last valid frame, since when (the transport's time), and a sample of them
/// for the message.
#[derive(Debug, Default)]
pub(super) struct Noise {
    pub bytes: usize,
    pub since: Option<Duration>,
    sample: Vec<u8>,
}

impl Noise {
    /// Count `b`, heard at `now`.
    pub fn add(&mut self, b: &[u8], now: Duration) {
        if b.is_empty() {
            return;
        }
        self.since.get_or_insert(now);
        self.bytes += b.len();
        let room = SAMPLE.saturating_sub(self.sample.len());
        self.sample.extend_from_slice(&b[..room.min(b.len())]);
    }

    pub fn clear(&mut self) {
        *self = Noise::default();
    }

    /// How long the noise has lasted at `now`.
    pub fn lasted(&self, now: Duration) -> Duration {
        self.since.map_or(Duration::ZERO, |t| now.saturating_sub(t))
    }

    /// What the bytes look like: text (shown), or binary (the first few in hex).
    pub fn looks_like(&self) -> String {
        let s = &self.sample;
        if self.is_text() {
            let text: String = String::from_utf8_lossy(s).chars().take(48).collect();
            format!("text: {text:?}")
        } else {
            let hex: Vec<String> = s.iter().take(12).map(|b| format!("{b:02x}")).collect();
            format!("binary bytes ({} ...)", hex.join(" "))
        }
    }

    /// Whether the bytes read as text (a console, a modem, a logger): no line rate makes them
    /// a synscope.
    pub fn is_text(&self) -> bool {
        let s = &self.sample;
        let printable = s
            .iter()
            .filter(|b| b.is_ascii_graphic() || matches!(b, b' ' | b'\r' | b'\n' | b'\t'))
            .count();
        !s.is_empty() && printable * 10 >= s.len() * 9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_binary_are_told_apart() {
        let mut n = Noise::default();
        n.add(b"+CSQ: 12,99\r\nOK\r\n", Duration::from_secs(1));
        assert!(n.is_text());
        assert_eq!(n.looks_like(), r#"text: "+CSQ: 12,99\r\nOK\r\n""#);
        assert_eq!(n.lasted(Duration::from_secs(3)), Duration::from_secs(2));
        n.clear();
        n.add(&[0, 1, 0xff], Duration::ZERO);
        assert!(!n.is_text());
        assert_eq!(n.looks_like(), "binary bytes (00 01 ff ...)");
    }
}
