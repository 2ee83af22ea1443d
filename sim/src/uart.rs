//! The host's end of the simulated serial line, 8N1, advanced one system clock cycle at a time
//! beside the board: host bytes are serialised onto the board's receive pin, and the board's
//! transmit pin is sampled back into bytes. Both directions run at a divisor (clock cycles per
//! bit) latched at each byte's start bit, so a baud change never cuts a byte in two; the
//! simulated board passes the board's own `divisor` output every cycle, which is what a host
//! does when it switches its port after `SET_CONFIG baud` is answered.

use std::collections::VecDeque;

/// Bits of one character on the line: a start bit, 8 data bits (LSB first), a stop bit.
pub const BITS_PER_CHAR: u32 = 10;

/// Transmitter state: the character being sent and where in it we are.
#[derive(Clone, Copy, Debug)]
struct Sending {
    /// The 10 line levels, bit 0 first (start bit low, data, stop bit high).
    bits: u16,
    bit: u32,
    left: u32,
    divisor: u32,
}

/// Receiver state: a character being sampled.
#[derive(Clone, Copy, Debug)]
enum Sampling {
    /// Line high, waiting for a start bit.
    Idle,
    /// Counting down to the next sample: `bit` 0 is the start bit's middle, 1..=8 data, 9 stop.
    Char {
        bit: u32,
        left: u32,
        data: u8,
        divisor: u32,
    },
    /// A stop bit was low: wait for the line to go high again (a break counts once).
    WaitHigh,
}

/// The line: queued host bytes, the one on the wire, and the receiver.
#[derive(Debug)]
pub struct UartLine {
    queue: VecDeque<u8>,
    sending: Option<Sending>,
    sampling: Sampling,
    received: Vec<u8>,
    framing_errors: u64,
}

impl Default for UartLine {
    fn default() -> Self {
        Self::new()
    }
}

impl UartLine {
    pub fn new() -> UartLine {
        UartLine {
            queue: VecDeque::new(),
            sending: None,
            sampling: Sampling::Idle,
            received: Vec::new(),
            framing_errors: 0,
        }
    }

    /// Queue bytes for the board.
    pub fn write(&mut self, bytes: &[u8]) {
        self.queue.extend(bytes);
    }

    /// Bytes queued or on the wire towards the board.
    pub fn pending(&self) -> usize {
        self.queue.len() + usize::from(self.sending.is_some())
    }

    /// Bytes received from the board since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.received)
    }

    /// Characters from the board whose stop bit was low.
    pub fn framing_errors(&self) -> u64 {
        self.framing_errors
    }

    /// The level on the board's receive pin during the next cycle (high when idle).
    pub fn level(&self) -> bool {
        match &self.sending {
            Some(s) => (s.bits >> s.bit) & 1 == 1,
            None => true,
        }
    }

    /// Cycles from now for which [`level`](Self::level) stays as it is (`None`: for as long as
    /// nothing is written): the span a batch of cycles may run with a constant receive pin.
    pub fn steady_cycles(&self) -> Option<u64> {
        match &self.sending {
            Some(s) => Some(u64::from(s.left)),
            // The next step starts a character: its start bit drives the cycle after it.
            None if !self.queue.is_empty() => Some(1),
            None => None,
        }
    }

    /// Nothing queued or on the wire towards the board and no character being sampled: a
    /// step with the board's pin high changes nothing.
    pub fn is_quiet(&self) -> bool {
        self.sending.is_none() && self.queue.is_empty() && matches!(self.sampling, Sampling::Idle)
    }

    /// `cycles` steps in which the board's transmit pin is `board_tx` (the same `divisor`).
    pub fn steps(&mut self, board_tx: bool, divisor: u32, cycles: u64) {
        if board_tx && self.is_quiet() {
            return;
        }
        for _ in 0..cycles {
            self.step(board_tx, divisor);
        }
    }

    /// One clock cycle: `board_tx` is the board's transmit pin during it, `divisor` the board's
    /// cycles per bit (taken at each character's start). Call [`level`](Self::level) before for
    /// the receive pin's level in this cycle.
    pub fn step(&mut self, board_tx: bool, divisor: u32) {
        let divisor = divisor.max(1);
        self.step_send(divisor);
        self.step_sample(board_tx, divisor);
    }

    fn step_send(&mut self, divisor: u32) {
        if let Some(s) = &mut self.sending {
            s.left -= 1;
            if s.left == 0 {
                s.bit += 1;
                s.left = s.divisor;
                if s.bit == BITS_PER_CHAR {
                    self.sending = None;
                }
            }
        }
        if self.sending.is_none() {
            if let Some(b) = self.queue.pop_front() {
                self.sending = Some(Sending {
                    bits: (u16::from(b) << 1) | (1 << 9),
                    bit: 0,
                    left: divisor,
                    divisor,
                });
            }
        }
    }

    fn step_sample(&mut self, line: bool, divisor: u32) {
        self.sampling = match self.sampling {
            Sampling::Idle if !line => Sampling::Char {
                bit: 0,
                left: divisor.div_ceil(2),
                data: 0,
                divisor,
            },
            Sampling::Idle => Sampling::Idle,
            Sampling::WaitHigh if line => Sampling::Idle,
            Sampling::WaitHigh => Sampling::WaitHigh,
            Sampling::Char {
                bit,
                left,
                data,
                divisor,
            } if left > 1 => Sampling::Char {
                bit,
                left: left - 1,
                data,
                divisor,
            },
            Sampling::Char {
                bit, data, divisor, ..
            } => match bit {
                // The start bit's middle: a line high again was a glitch.
                0 if line => Sampling::Idle,
                0 => Sampling::Char {
                    bit: 1,
                    left: divisor,
                    data,
                    divisor,
                },
                1..=8 => Sampling::Char {
                    bit: bit + 1,
                    left: divisor,
                    data: data | (u8::from(line) << (bit - 1)),
                    divisor,
                },
                _ if line => {
                    self.received.push(data);
                    Sampling::Idle
                }
                _ => {
                    self.framing_errors += 1;
                    Sampling::WaitHigh
                }
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line's transmitter looped into its own receiver: every byte value, back to back, at
    /// a few divisors, comes back; one character takes `BITS_PER_CHAR × divisor` cycles.
    #[test]
    fn loopback_every_byte() {
        for divisor in [8u32, 33, 109] {
            let mut line = UartLine::new();
            let bytes: Vec<u8> = (0..=255).collect();
            line.write(&bytes);
            let mut cycles = 0u64;
            while line.pending() > 0 || line.received.len() < bytes.len() {
                let l = line.level();
                line.step(l, divisor);
                cycles += 1;
                assert!(cycles < 20_000 * divisor as u64);
            }
            assert_eq!(line.take(), bytes);
            assert_eq!(line.framing_errors(), 0);
            let per_char = BITS_PER_CHAR as u64 * divisor as u64;
            assert!(cycles <= 256 * per_char + 1, "{divisor}: {cycles} cycles");
        }
    }

    /// A low stop bit is a framing error, not a byte; a glitch shorter than half a bit is no
    /// start bit.
    #[test]
    fn framing_error_and_glitch() {
        let d = 16u32;
        let mut line = UartLine::new();
        let mut levels = vec![true; 4];
        levels.extend([false; 3]); // glitch
        levels.extend(vec![true; 2 * d as usize]);
        levels.extend(vec![false; 10 * d as usize]); // break
        levels.extend(vec![true; 2 * d as usize]);
        for l in levels {
            line.step(l, d);
        }
        assert!(line.take().is_empty());
        assert_eq!(line.framing_errors(), 1);
    }
}
