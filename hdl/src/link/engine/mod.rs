//! The parts of the [`CommandEngine`](crate::link::command_engine::CommandEngine), one block a
//! file: the engine itself (`command_engine.rs`) is the sequencer that decodes a request, sends
//! the header of its answer and hands the transmit register to the responder of the operation,
//! which loads its pieces; the blocks here do the work of one operation each.
//!
//! * [`request_front`]: deframed bytes → the held request (header, payload RAM and shift
//!   register) and its validation (the error code).
//! * [`short_responder`]: the one-piece bodies (an error's code, `IDENTIFY`, `READ_LINK`,
//!   `READ_PHY`) and `PING`'s echo.
//! * [`counter_responder`]: `READ_COUNTERS` and `READ_HISTOGRAM` from a snapshot of the bank.
//! * [`dump_responder`]: `DUMP_TABLE`: the scan, the record buffer, the frames.
//! * [`lookup_responder`]: `LOOKUP`: the hash, the ways read and compared, the answer.
//! * [`lookup_hasher`]: `LOOKUP`'s bit-serial keyed Toeplitz hash (288 cycles).
//! * [`config_responder`]: the configuration, `GET_CONFIG`/`SET_CONFIG`, the baud switch, and
//!   the core pulses of `CLEAR_COUNTERS` and `RESET_TABLE`.
//! * [`event_responder`]: `EVENT` frames: the mask, the rate limit, the sequence number.
//!
//! A responder loads a piece into the engine's transmit register with `ld` (its `piece` is zero
//! otherwise, so the engine ORs the pieces: every bit of the register has only the pieces that
//! reach it), `n` bytes of it, `last` marking the frame's last piece; it acts only while the
//! sequencer has made it `active`, and when the register is `free`.

pub mod config_responder;
pub mod counter_responder;
pub mod dump_responder;
pub mod event_responder;
pub mod lookup_hasher;
pub mod lookup_responder;
pub mod request_front;
pub mod short_responder;

pub use config_responder::ConfigResponder;
pub use counter_responder::CounterResponder;
pub use dump_responder::DumpResponder;
pub use event_responder::EventResponder;
pub use lookup_hasher::LookupHasher;
pub use lookup_responder::LookupResponder;
pub use request_front::RequestFrontEnd;
pub use short_responder::ShortResponder;

use rust_hdl::prelude::Bits;

/// Bytes of the engine's transmit shift register (the largest piece: a `LOOKUP` answer, 62
/// bytes).
pub const TX_BYTES: usize = 64;
pub const TX_BITS: usize = TX_BYTES * 8;
/// Bits of a piece's byte count (up to `TX_BYTES` − 1).
pub const PIECE_N_BITS: usize = 6;

/// Bytes as a little-endian `N`-bit word (the first byte lowest).
pub(crate) fn le_word<const N: usize>(bytes: &[u8]) -> Bits<N> {
    let mut w = Bits::<N>::default();
    for (i, byte) in bytes.iter().enumerate() {
        for b in 0..8 {
            w = w.replace_bit(i * 8 + b, byte >> b & 1 == 1);
        }
    }
    w
}
