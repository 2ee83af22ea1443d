//! The UART wire protocol between the host and the board (docs/protocol.md), defined once: the
//! constants and encodings here are what the hardware's command engine is generated from and
//! what the host speaks.
//!
//! * [`framing`]: octet-stuffed frames with an FCS-16 (RFC 1662 §4, §C.2), the streaming decoder
//!   that resynchronises after garbage.
//! * [`message`]: the typed requests, responses, errors and events carried in frames.
//! * [`payload`], [`phy`]: each operation's payload, encoded and decoded.
//! * [`slot`]: a table slot number as bucket and way, for the board's way count.
//! * [`client`]: the host's side of a conversation, over any transport (a serial port, the
//!   simulated board), with one error type.

pub mod client;
pub mod framing;
pub mod message;
pub mod payload;
pub mod phy;
pub mod slot;

pub use framing::{encode_frame, Decoder, FrameError};
pub use message::{Frame, Header, Kind};

/// Protocol version carried in every header.
/// 2 was taken twice, by IPv6 and by the issue-11 entry (with the event record's role byte), on
/// two branches; 3 is both: 470-bit ways (59 bytes), an IPv6 entry a head and a continuation,
/// five timeouts, ticks, IPv6 endpoints in lookups and events, the event's client role.
pub const VERSION: u8 = 3;
/// Frame delimiter (RFC 1662 §4.1).
pub const FLAG: u8 = 0x7e;
/// Control escape (RFC 1662 §4.2): the next byte is XORed with [`ESCAPE_XOR`].
pub const ESCAPE: u8 = 0x7d;
pub const ESCAPE_XOR: u8 = 0x20;
/// Header bytes: version/kind, seq, op, flags.
pub const HEADER_BYTES: usize = 4;
/// FCS bytes.
pub const FCS_BYTES: usize = 2;
/// Largest payload of a frame.
pub const MAX_PAYLOAD: usize = 480;
/// Largest unescaped frame (header + payload + FCS); longer ones are dropped as `too_long`.
pub const MAX_FRAME: usize = HEADER_BYTES + MAX_PAYLOAD + FCS_BYTES;
/// Header flag: another response frame to the same request follows.
pub const FLAG_MORE: u8 = 0x01;
/// `IDENTIFY` magic.
pub const MAGIC: [u8; 4] = *b"SYNS";
/// Bytes of one table entry on the wire: `entry::layout::ENTRY_BITS` rounded up to bytes.
pub const ENTRY_BYTES: usize = crate::entry::layout::ENTRY_BITS.div_ceil(8);
/// Bytes of one dumped slot: slot (u16) + entry.
pub const SLOT_BYTES: usize = 2 + ENTRY_BYTES;
/// Entries in one `DUMP_TABLE` response frame (after the 4-byte `now`).
pub const DUMP_ENTRIES_PER_FRAME: usize = (MAX_PAYLOAD - 4) / SLOT_BYTES;

const _: () = assert!(ENTRY_BYTES == 59 && DUMP_ENTRIES_PER_FRAME == 7);

/// The FCS: CRC-16/X-25 (RFC 1662 §C.2), sent low byte first.
pub const FCS: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_SDLC);

/// Line rates selectable with `SET_CONFIG baud`; the code is the index. 115200 after reset.
pub const BAUD_RATES: [u32; 5] = [115_200, 921_600, 1_000_000, 2_000_000, 3_000_000];

/// Operations (header byte 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Op {
    Identify = 0x01,
    Ping = 0x02,
    ReadCounters = 0x03,
    ReadHistogram = 0x04,
    DumpTable = 0x05,
    Lookup = 0x06,
    GetConfig = 0x07,
    SetConfig = 0x08,
    ClearCounters = 0x09,
    ResetTable = 0x0a,
    ReadLink = 0x0b,
    ReadPhy = 0x0c,
    Event = 0x80,
}

impl Op {
    pub const ALL: [Op; 13] = [
        Op::Identify,
        Op::Ping,
        Op::ReadCounters,
        Op::ReadHistogram,
        Op::DumpTable,
        Op::Lookup,
        Op::GetConfig,
        Op::SetConfig,
        Op::ClearCounters,
        Op::ResetTable,
        Op::ReadLink,
        Op::ReadPhy,
        Op::Event,
    ];

    pub fn from_u8(b: u8) -> Option<Op> {
        Self::ALL.into_iter().find(|o| *o as u8 == b)
    }
}

/// Error codes (first byte of an error frame's payload; the second is the offending op).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorCode {
    UnknownOp = 1,
    BadLength = 2,
    BadArgument = 3,
    BadVersion = 4,
    Busy = 5,
}

impl ErrorCode {
    pub fn from_u8(b: u8) -> Option<ErrorCode> {
        [
            ErrorCode::UnknownOp,
            ErrorCode::BadLength,
            ErrorCode::BadArgument,
            ErrorCode::BadVersion,
            ErrorCode::Busy,
        ]
        .into_iter()
        .find(|c| *c as u8 == b)
    }

    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::UnknownOp => "unknown operation",
            ErrorCode::BadLength => "bad request length",
            ErrorCode::BadArgument => "bad argument",
            ErrorCode::BadVersion => "protocol version mismatch",
            ErrorCode::Busy => "busy",
        }
    }
}

/// `SET_CONFIG` items (first payload byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ConfigItem {
    Timeouts = 1,
    EventMask = 2,
    EventRate = 3,
    Baud = 4,
    HashKey = 5,
}

crate::coded_enum! {
    /// Link counters, in `READ_LINK` order (docs/protocol.md).
    pub enum LinkCounter {
        FramesOk => "frames_ok",
        BadFcs => "bad_fcs",
        TooLong => "too_long",
        Garbage => "garbage",
        Aborted => "aborted",
        UnknownOp => "unknown_op",
        BadLength => "bad_length",
        Responses => "responses",
        EventsSent => "events_sent",
        EventsRateLimited => "events_rate_limited",
        TooShort => "too_short",
    }
}

impl LinkCounter {}

/// Bytes on the wire for a dump of `entries` live entries: frames of up to
/// `DUMP_ENTRIES_PER_FRAME` entries, each with header, `now`, FCS and one flag (the closing flag
/// of one frame opens the next), and the stuffing of random data (2 of 256 byte values).
pub fn dump_wire_bytes(entries: usize) -> f64 {
    let frames = entries.div_ceil(DUMP_ENTRIES_PER_FRAME).max(1);
    let inner = entries * SLOT_BYTES + frames * (HEADER_BYTES + 4 + FCS_BYTES);
    inner as f64 * (1.0 + 2.0 / 256.0) + (frames + 1) as f64
}

/// Seconds to send `bytes` at `baud` (8N1: 10 bits a byte).
pub fn wire_seconds(bytes: f64, baud: u32) -> f64 {
    bytes * 10.0 / baud as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_codes_round_trip() {
        for op in Op::ALL {
            assert_eq!(Op::from_u8(op as u8), Some(op));
        }
        assert_eq!(Op::from_u8(0x7f), None);
    }

    #[test]
    fn fcs_is_x25() {
        // CRC-16/X-25 check value (the catalogue's "123456789").
        assert_eq!(FCS.checksum(b"123456789"), 0x906e);
    }

    #[test]
    fn a_full_8k_dump_takes_under_two_seconds_at_3_mbaud() {
        // 59-byte entries (both endpoints' sequence spaces and windows): 7 per frame.
        let bytes = dump_wire_bytes(8192);
        let s = wire_seconds(bytes, 3_000_000);
        assert!(s < 2.0, "{bytes} bytes, {s} s");
    }
}
