//! Octet-stuffed framing with an FCS-16 (RFC 1662 §4 and §C.2): the encoder, and a streaming
//! decoder that takes bytes as they arrive, resynchronises on every flag, and counts what it
//! throws away.

use super::{ESCAPE, ESCAPE_XOR, FCS, FCS_BYTES, FLAG, HEADER_BYTES, MAX_FRAME};

/// Append the frame of `content` (header + payload, without FCS) to `out`: flag, stuffed
/// content and FCS, flag.
pub fn encode_frame(content: &[u8], out: &mut Vec<u8>) {
    let fcs = FCS.checksum(content).to_le_bytes();
    out.push(FLAG);
    for &b in content.iter().chain(fcs.iter()) {
        if b == FLAG || b == ESCAPE {
            out.extend_from_slice(&[ESCAPE, b ^ ESCAPE_XOR]);
        } else {
            out.push(b);
        }
    }
    out.push(FLAG);
}

/// Why bytes were thrown away (each maps to a link counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The FCS did not match (RFC 1662 §C.2).
    BadFcs,
    /// Longer than `MAX_FRAME` before its closing flag.
    TooLong,
    /// Shorter than a header and an FCS.
    TooShort,
    /// An escape immediately followed by a flag (RFC 1662 §4.2: the frame is aborted).
    Aborted,
}

impl FrameError {
    pub const fn name(self) -> &'static str {
        match self {
            FrameError::BadFcs => "bad FCS",
            FrameError::TooLong => "frame too long",
            FrameError::TooShort => "frame too short",
            FrameError::Aborted => "frame aborted",
        }
    }
}

/// The decoder's state: bytes are outside a frame until a flag, inside after it.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    in_frame: bool,
    escaped: bool,
    overflow: bool,
    /// Bytes received before the first flag (after it, every byte belongs to some frame).
    pub garbage: u64,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            buf: Vec::with_capacity(MAX_FRAME),
            in_frame: false,
            escaped: false,
            overflow: false,
            garbage: 0,
        }
    }
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Take one byte. Returns a checked frame's content (header + payload, FCS removed) when
    /// `b` closes one, an error when `b` closes a frame that was thrown away, `None` otherwise.
    pub fn push(&mut self, b: u8) -> Option<Result<Vec<u8>, FrameError>> {
        if b == FLAG {
            let was = (self.in_frame, self.escaped, self.overflow);
            self.in_frame = true;
            self.escaped = false;
            self.overflow = false;
            let content = std::mem::replace(&mut self.buf, Vec::with_capacity(MAX_FRAME));
            return match was {
                (false, _, _) => None,
                (true, true, _) => Some(Err(FrameError::Aborted)),
                (true, _, true) => Some(Err(FrameError::TooLong)),
                (true, false, false) if content.is_empty() => None, // idle fill
                (true, false, false) => Some(check(content)),
            };
        }
        if !self.in_frame {
            self.garbage += 1;
            return None;
        }
        let b = if self.escaped {
            self.escaped = false;
            b ^ ESCAPE_XOR
        } else if b == ESCAPE {
            self.escaped = true;
            return None;
        } else {
            b
        };
        if self.buf.len() == MAX_FRAME {
            self.overflow = true;
        } else if !self.overflow {
            self.buf.push(b);
        }
        None
    }
}

/// Check and strip the FCS of an unstuffed frame.
fn check(mut content: Vec<u8>) -> Result<Vec<u8>, FrameError> {
    if content.len() < HEADER_BYTES + FCS_BYTES {
        return Err(FrameError::TooShort);
    }
    let n = content.len() - FCS_BYTES;
    let fcs = u16::from_le_bytes([content[n], content[n + 1]]);
    if FCS.checksum(&content[..n]) != fcs {
        return Err(FrameError::BadFcs);
    }
    content.truncate(n);
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<FrameError>, Decoder) {
        let mut d = Decoder::new();
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        for &b in bytes {
            match d.push(b) {
                Some(Ok(f)) => ok.push(f),
                Some(Err(e)) => bad.push(e),
                None => {}
            }
        }
        (ok, bad, d)
    }

    #[test]
    fn round_trip_with_every_byte_value() {
        let content: Vec<u8> = (0..=255u8).chain([FLAG, ESCAPE, FLAG]).collect();
        let mut wire = Vec::new();
        encode_frame(&content, &mut wire);
        assert_eq!(wire.iter().filter(|b| **b == FLAG).count(), 2);
        let (ok, bad, _) = decode_all(&wire);
        assert_eq!((ok, bad), (vec![content], vec![]));
    }

    #[test]
    fn resynchronises_after_garbage_and_counts_it() {
        let mut wire = b"noise\x7d\x00".to_vec();
        encode_frame(b"\x13\x01\x02\x00", &mut wire);
        let (ok, bad, d) = decode_all(&wire);
        assert_eq!(ok, vec![b"\x13\x01\x02\x00".to_vec()]);
        assert!(bad.is_empty());
        assert_eq!(d.garbage, 7);
    }

    #[test]
    fn a_flipped_bit_is_a_bad_fcs_and_the_next_frame_decodes() {
        let mut wire = Vec::new();
        encode_frame(b"\x10\x05\x02\x00hello", &mut wire);
        wire[6] ^= 0x04;
        encode_frame(b"\x10\x06\x02\x00", &mut wire);
        let (ok, bad, _) = decode_all(&wire);
        assert_eq!(bad, vec![FrameError::BadFcs]);
        assert_eq!(ok, vec![b"\x10\x06\x02\x00".to_vec()]);
    }

    #[test]
    fn aborted_truncated_and_giant_frames() {
        let mut wire = vec![FLAG, 1, 2, ESCAPE, FLAG]; // escape + flag: aborted
        wire.extend([3, 4, FLAG]); // shorter than header + FCS
        wire.extend(std::iter::repeat_n(0x55, MAX_FRAME + 10));
        wire.push(FLAG); // too long
        encode_frame(b"\x10\x07\x01\x00", &mut wire);
        let (ok, bad, _) = decode_all(&wire);
        assert_eq!(
            bad,
            vec![
                FrameError::Aborted,
                FrameError::TooShort,
                FrameError::TooLong
            ]
        );
        assert_eq!(ok.len(), 1);
    }
}
