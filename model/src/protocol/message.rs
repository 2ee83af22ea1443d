//! What frames carry: the header, and typed payloads for each operation (docs/protocol.md).

use super::{encode_frame, ErrorCode, Op, FLAG_MORE, HEADER_BYTES, VERSION};

/// Frame kinds (low nibble of header byte 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Request = 0,
    Response = 1,
    Error = 2,
    Event = 3,
}

impl Kind {
    pub fn from_u8(b: u8) -> Option<Kind> {
        [Kind::Request, Kind::Response, Kind::Error, Kind::Event]
            .into_iter()
            .find(|k| *k as u8 == b)
    }
}

/// A frame's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub kind: Kind,
    pub seq: u8,
    /// The raw op byte (an unknown op must still be answered by name).
    pub op: u8,
    pub flags: u8,
}

impl Header {
    pub fn more(&self) -> bool {
        self.flags & FLAG_MORE != 0
    }
}

/// A decoded frame: header and payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub header: Header,
    pub payload: Vec<u8>,
}

/// Why a checked frame's content is not a frame of this protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    TooShort,
    UnknownKind(u8),
}

impl Frame {
    /// A frame of this protocol version.
    pub fn new(kind: Kind, seq: u8, op: Op, flags: u8, payload: Vec<u8>) -> Frame {
        Frame {
            header: Header {
                version: VERSION,
                kind,
                seq,
                op: op as u8,
                flags,
            },
            payload,
        }
    }

    /// A request.
    pub fn request(seq: u8, op: Op, payload: Vec<u8>) -> Frame {
        Frame::new(Kind::Request, seq, op, 0, payload)
    }

    /// The error answer to a request with header `to`.
    pub fn error(to: &Header, code: ErrorCode) -> Frame {
        let mut f = Frame::new(
            Kind::Error,
            to.seq,
            Op::Identify,
            0,
            vec![code as u8, to.op],
        );
        f.header.op = to.op;
        f
    }

    /// Parse checked frame content (header + payload).
    pub fn parse(content: &[u8]) -> Result<Frame, HeaderError> {
        if content.len() < HEADER_BYTES {
            return Err(HeaderError::TooShort);
        }
        let kind = Kind::from_u8(content[0] & 0x0f).ok_or(HeaderError::UnknownKind(content[0]))?;
        Ok(Frame {
            header: Header {
                version: content[0] >> 4,
                kind,
                seq: content[1],
                op: content[2],
                flags: content[3],
            },
            payload: content[HEADER_BYTES..].to_vec(),
        })
    }

    /// Header and payload, before framing.
    pub fn content(&self) -> Vec<u8> {
        let h = &self.header;
        let mut c = vec![h.version << 4 | h.kind as u8, h.seq, h.op, h.flags];
        c.extend_from_slice(&self.payload);
        c
    }

    /// Append the framed bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_frame(&self.content(), out);
    }

    /// The error of an error frame: its code (`None` if unknown) and the op it answers.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.payload.first().and_then(|b| ErrorCode::from_u8(*b))
    }
}

/// A little-endian reader over a payload that reports a short payload instead of panicking.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (h, t) = self.bytes.split_at(n);
        self.bytes = t;
        Some(h)
    }

    /// A little-endian unsigned integer of `n` ≤ 8 bytes.
    pub fn uint(&mut self, n: usize) -> Option<u64> {
        let b = self.take(n)?;
        Some(b.iter().rev().fold(0, |v, x| v << 8 | *x as u64))
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.uint(1).map(|v| v as u8)
    }
    pub fn u16(&mut self) -> Option<u16> {
        self.uint(2).map(|v| v as u16)
    }
    pub fn u32(&mut self) -> Option<u32> {
        self.uint(4).map(|v| v as u32)
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }
}

/// Append `v` as `n` little-endian bytes.
pub fn put_uint(out: &mut Vec<u8>, v: u64, n: usize) {
    out.extend((0..n).map(|i| (v >> (8 * i)) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Decoder;

    #[test]
    fn frame_round_trip_through_the_wire() {
        let f = Frame::new(
            Kind::Response,
            9,
            Op::DumpTable,
            FLAG_MORE,
            vec![0x7e, 1, 2],
        );
        let mut wire = Vec::new();
        f.encode(&mut wire);
        let mut d = Decoder::new();
        let got: Vec<_> = wire.iter().filter_map(|b| d.push(*b)).collect();
        assert_eq!(got.len(), 1);
        let g = Frame::parse(got[0].as_ref().unwrap()).unwrap();
        assert_eq!(g, f);
        assert!(g.header.more());
    }

    #[test]
    fn error_frames_name_the_op() {
        let req = Frame::request(3, Op::Ping, vec![]);
        let mut h = req.header;
        h.op = 0x55;
        let e = Frame::error(&h, ErrorCode::UnknownOp);
        assert_eq!(e.header.kind, Kind::Error);
        assert_eq!((e.header.seq, e.header.op), (3, 0x55));
        assert_eq!(e.error_code(), Some(ErrorCode::UnknownOp));
    }

    #[test]
    fn reader_reports_short_payloads() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16(), Some(0x0201));
        assert_eq!(r.u32(), None);
        assert_eq!(r.u8(), Some(3));
        let mut v = Vec::new();
        put_uint(&mut v, 0x0102_0304_0506, 6);
        assert_eq!(Reader::new(&v).uint(6), Some(0x0102_0304_0506));
    }
}
