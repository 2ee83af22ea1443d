//! `hdlc_deframer`, `hdlc_framer`: the link layer of the UART protocol (docs/protocol.md) in
//! hardware: octet-stuffed frames with an FCS-16 (RFC 1662 §4, §C.2), exactly as
//! `synscope_model::protocol::framing` defines them.
//!
//! ## Deframer
//! Bytes from the receiver (`s_data` with a one-cycle `s_valid`, at most one a cycle, no
//! back-pressure: the line cannot wait) come out unstuffed (RFC 1662 §4.2) on `m_data`/`m_valid`,
//! `m_first` marking a frame's first byte, and the FCS removed: each byte is held back two bytes
//! and the last two of a frame (its FCS) never come out. The FCS is checked on the fly, a byte a
//! cycle ([`Fcs16`]): over content and FCS the register ends at [`FCS_GOOD`] (RFC 1662 §C.2).
//! A flag ends a frame with a one-cycle `m_end` and `m_status` ([`STATUS_OK`] or why it is
//! dropped, the `FrameError`s of the model); the consumer keeps a frame's bytes only when
//! `m_end` says OK. Resynchronisation is the model `Decoder`'s, byte for byte: every flag
//! (RFC 1662 §4.1) starts a frame; an escape then a flag aborts it (§4.2); more than
//! [`MAX_FRAME`] unstuffed bytes is `too_long` (its bytes after `MAX_FRAME` are dropped and not
//! output); fewer than header + FCS is `too_short`; an empty frame (two flags) is idle fill and
//! ends nothing; bytes before the first flag are `garbage`. Each end status, and garbage, is
//! counted (32 bits, wrapping, named after `LinkCounter`; `too_short` has no `LinkCounter`).
//! Latency: `m_valid`/`m_end` two cycles after the `s_valid` of the byte that causes them.
//!
//! ## Framer
//! Frame bytes (header + payload) in on `s_data`/`s_valid`/`s_ready`, `s_last` on a frame's
//! last byte (frames are never empty: they have a header); out on `m_data`/`m_valid`/`m_ready`
//! (AXI-Stream style: a byte moves in a cycle where both are high): flag, the stuffed bytes,
//! the FCS low byte first (stuffed), flag, exactly the bytes of `encode_frame`, one a cycle
//! when `m_ready` stays high (a stuffed byte costs one more). The output is a register.
//!
//! `reset` (synchronous) returns both to idle, outside a frame, and clears the counters.

//!
//! One block per file: [`fcs16`] (the FCS register's next value), [`deframer`], [`framer`];
//! this module holds the facts they share (status codes, widths, the FCS function).

use synscope_model::protocol::FrameError;

pub mod deframer;
pub mod fcs16;
pub mod framer;

pub use deframer::HdlcDeframer;
pub use fcs16::Fcs16;
pub use framer::HdlcFramer;

pub use synscope_model::protocol::MAX_FRAME;

/// Width of the drop counters.
pub const COUNTER_BITS: usize = 32;
/// Width of the frame-length counter (unstuffed bytes, up to `MAX_FRAME`).
pub const LEN_BITS: usize = 9;
/// FCS register at the start of a frame (RFC 1662 §C.2 `PPPINITFCS16`).
pub const FCS_INIT: u16 = 0xffff;
/// FCS register after a frame's content and its FCS when they match (`PPPGOODFCS16`).
pub const FCS_GOOD: u16 = 0xf0b8;
/// Width of `m_status`.
pub const STATUS_BITS: usize = 3;
/// `m_status` of a good frame.
pub const STATUS_OK: u64 = 0;
/// `m_status`: `FrameError::BadFcs`.
pub const STATUS_BAD_FCS: u64 = 1;
/// `m_status`: `FrameError::TooLong`.
pub const STATUS_TOO_LONG: u64 = 2;
/// `m_status`: `FrameError::TooShort`.
pub const STATUS_TOO_SHORT: u64 = 3;
/// `m_status`: `FrameError::Aborted`.
pub const STATUS_ABORTED: u64 = 4;

const _: () = assert!(MAX_FRAME < 1 << LEN_BITS);

/// The model's meaning of an `m_status` value.
pub fn status(code: u64) -> Option<Result<(), FrameError>> {
    match code {
        STATUS_OK => Some(Ok(())),
        STATUS_BAD_FCS => Some(Err(FrameError::BadFcs)),
        STATUS_TOO_LONG => Some(Err(FrameError::TooLong)),
        STATUS_TOO_SHORT => Some(Err(FrameError::TooShort)),
        STATUS_ABORTED => Some(Err(FrameError::Aborted)),
        _ => None,
    }
}

/// One byte into the FCS-16 register: RFC 1662 §C.2's `(fcs >> 8) ^ fcstab[(fcs ^ c) & 0xff]`
/// (CRC-16/X-25, reflected polynomial 0x8408) in closed form. Linear in (`fcs`, `octet`).
pub const fn fcs16_update(fcs: u16, octet: u8) -> u16 {
    let mut t = (fcs as u8) ^ octet;
    t ^= t << 4;
    let t = t as u16;
    (fcs >> 8) ^ (t << 8) ^ (t << 3) ^ (t >> 4)
}

/// [`fcs16_update`] as logic: each output bit is the parity of a few input bits (at most 12 of
#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::protocol::FCS;

    /// The closed form is the model's FCS (CRC-16/X-25), and a frame followed by its FCS leaves
    /// the good-FCS residue.
    #[test]
    fn fcs16_update_is_the_model_fcs() {
        let mut s = 0x1234_5678u32;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 17;
                    s ^= s << 5;
                    s as u8
                })
                .collect();
            let reg = data.iter().fold(FCS_INIT, |r, b| fcs16_update(r, *b));
            assert_eq!(!reg, FCS.checksum(&data), "len {len}");
            let fcs = (!reg).to_le_bytes();
            let res = fcs.iter().fold(reg, |r, b| fcs16_update(r, *b));
            assert_eq!(res, FCS_GOOD, "len {len}");
        }
    }
}
