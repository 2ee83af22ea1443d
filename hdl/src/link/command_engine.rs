//! `command_engine`: the board side of the UART protocol (docs/protocol.md): request frames in
//! from the [`HdlcDeframer`](crate::HdlcDeframer), response and event frames out to the
//! [`HdlcFramer`](crate::HdlcFramer), the connection core driven through its host ports. It
//! knows nothing of the UART (a byte stream each way), so it is tested without bit timing.
//!
//! ## Requests (docs/protocol.md, "Framing" and "Header")
//! Deframed bytes are kept while no request is held: the header in a register, the payload in a
//! 512-byte RAM (a `PING` echoes up to `MAX_PAYLOAD` bytes) and its last 41 bytes in a shift
//! register, from which every fixed-size request's fields are read at constant offsets. Only a
//! frame that the deframer ends with `STATUS_OK` becomes a request; garbage, bad FCS, aborted,
//! short and long frames are dropped there (and counted by the deframer). A frame that starts
//! while a request is held (the host waits for each answer) is ignored.
//!
//! Then, in order: a frame of another kind than request is ignored (our own answers echoed);
//! version ≠ `VERSION` → error `BAD_VERSION` (its header carries `VERSION`); unknown op → `UNKNOWN_OP`;
//! a payload length other than the op's → `BAD_LENGTH`; a bucket past the table, a `SET_CONFIG`
//! item that does not exist, timeouts that `Timeouts::validate` refuses or a baud code past
//! `BAUD_RATES` → `BAD_ARGUMENT` (docs/protocol.md, "Operations": error frame payload).
//!
//! ## Responses
//! A frame is sent as *pieces* of up to [`TX_BYTES`] bytes: the FSM loads a piece (header,
//! identity, one counter, one dumped slot, ...) into a shift register when the previous one has
//! gone, and the framer takes a byte a cycle from its low end; `m_last` marks the frame's last
//! byte. Each piece is a `#[derive(LogicStruct)]` whose fields are declared in wire order (a
//! struct packs LSB first and the protocol is little endian), so a piece is the model's
//! encoding byte for byte; constant pieces (`IDENTIFY`) are the model's `Identity::encode`.
//!
//! * `READ_COUNTERS`: one `counter_snap` pulse copies every counter and gauge of the core's
//!   bank at one clock edge (a copy, not a freeze: a frozen bank would have to catch up on the
//!   increments it missed), and `now` with it; the frame reads the copy (`counter_frozen`).
//!   Indices below `FIRST_COUNTER` (the front end's) read 0. `READ_HISTOGRAM` reads the 22
//!   gauges from the same kind of snapshot.
//! * `READ_LINK`: `LinkCounter` order: the deframer's five counters, then the engine's own
//!   (`responses` counts frames sent in answer to requests, errors and each dump frame included).
//! * `DUMP_TABLE`: from the first bucket in the request to the last, ways 0..3, through the
//!   core's read port (aged entries; dead and empty ways skipped). Live slots go into a
//!   16-record buffer; a frame is sent when the buffer holds `DUMP_ENTRIES_PER_FRAME + 1` of
//!   them (so `MORE` is known before the header: the extra one opens the next frame) or the scan
//!   has reached the end (the last frame, `MORE` clear; an empty table is one frame with `now`
//!   only). Each slot is `DumpChunk::encode`'s: `bucket << 2 | way`, then the `ENTRY_BYTES` (59)
//!   entry bytes; an IPv6 entry is two slots, its head and its continuation (alive while its
//!   head is).
//! * `LOOKUP`: the tuple ordered as `FlowKey::of` ([`FlowKey`]), hashed bit-serially with the
//!   keyed Toeplitz hash (288 cycles: each set input bit, MSB first, XORs in the key window
//!   starting there — `hash::toeplitz`; an IPv4 key's 96 bits come first, then zeros: the
//!   [`LookupHasher`](crate::link::engine::LookupHasher)), then
//!   the bucket's ways read and their keys compared: an IPv4 key in any way, an IPv6 key in an
//!   even way (its head) and, when the head matches, in the way after it (its continuation).
//!   The answer is the slot and the entry's ways (IPv6: head, then continuation).
//! * `GET_CONFIG` / `SET_CONFIG`: the engine holds the configuration. Timeouts are loaded into
//!   the core (`timeouts_load`), a hash key too (`key_load`: the table is emptied, as
//!   `Table::set_hash_key`); `RESET_TABLE` loads the same key again. A baud code changes the
//!   `divisor` output only once the (empty) response has left the framer and `tx_idle` says the
//!   line is idle: the answer goes out at the old rate. `CLEAR_COUNTERS` pulses the core's
//!   `clear_counters` (the table, gauges, time and timeouts stay).
//!
//! ## Events (docs/protocol.md, "Events")
//! When no request is held and nothing is being sent, the oldest record of the core's event
//! FIFO is popped. A record whose kinds are all outside the event mask is dropped (records of
//! expiry only have none); past `event_rate` frames in the current millisecond it is dropped and
//! counted in `events_rate_limited`; otherwise it goes out as an `EVENT` frame with its own
//! sequence number. Defaults: every kind, no rate limit. The
//! [`EventResponder`](crate::link::engine::EventResponder) keeps the record and decides.
//!
//! `reset` (synchronous) returns to idle and clears the engine's counters and configuration to
//! the defaults, except the hash key, which (as in the core) survives a reset.

use crate::conn::counter_bank::{COUNTER_BITS, COUNTER_INDEX_BITS, FIRST_GAUGE, GAUGES};
use crate::conn::entry::{AsCont, EntryBits, STATE_BITS, TIME_BITS, TOP_IP_BITS};
use crate::conn::entry_age::TIMEOUT_BITS;
use crate::conn::flow_key::FlowKey;
use crate::conn::flow_key::IP_BITS;
use crate::conn::toeplitz_hash::{HashWord, HashWord4};
use crate::conn::toeplitz_hash::{INPUT_BITS, KEY_BITS};
pub use crate::link::engine::event_responder::{Event6PieceA, Event6PieceB, EventPiece};
use crate::link::engine::{EventResponder, LookupHasher};
use crate::link::hdlc::{LEN_BITS, STATUS_BITS, STATUS_OK};
use crate::link::uart::{divisors, DIVISOR_BITS};
use rust_hdl::prelude::*;
use synscope_model::hash::{DEFAULT_HASH_KEY, HASH_KEY_BYTES};
use synscope_model::protocol::payload::{event_bits, Identity, LOOKUP_BYTES};
use synscope_model::protocol::{
    ConfigItem, ErrorCode, Kind, LinkCounter, Op, DUMP_ENTRIES_PER_FRAME, ENTRY_BYTES,
    HEADER_BYTES, VERSION,
};
use synscope_model::timeouts::{Timeouts, MAX_TIMEOUT_S};
use synscope_model::Counter;

/// The design version in `IDENTIFY`.
pub const DESIGN_VERSION: u16 = 1;
/// Board codes of `IDENTIFY`.
pub const BOARD_SIM: u8 = 0;
pub const BOARD_35T: u8 = 1;
pub const BOARD_100T: u8 = 2;
/// Bytes of the transmit shift register (the largest piece: a `LOOKUP` answer, 62 bytes).
pub const TX_BYTES: usize = 64;
const TX_BITS: usize = TX_BYTES * 8;
/// Request bytes kept in the payload shift register (the longest fixed request: `SET_CONFIG`
/// with a hash key, item + 40 bytes).
pub const PL_BYTES: usize = KEY_REQ_BYTES;
const PL_BITS: usize = PL_BYTES * 8;
/// Payload RAM address bits (`MAX_PAYLOAD` = 480 bytes).
pub const PAYLOAD_ADDR_BITS: usize = 9;
/// Dump buffer address bits (`DUMP_ENTRIES_PER_FRAME + 1` = 8 records in flight).
pub const DUMP_BUF_BITS: usize = 4;
/// Bytes of the `IDENTIFY` payload.
pub const IDENT_BYTES: usize = 12;
/// Bytes of a dumped slot (slot u16 + entry).
pub const SLOT_BYTES: usize = 2 + ENTRY_BYTES;

/// Payload bytes of `SET_CONFIG` with the timeouts (item + `Timeouts::named`, u32 each) and
/// with a hash key (item + `HASH_KEY_BYTES`).
const TIMEOUTS_REQ_BYTES: usize = 1 + 5 * 4;
const KEY_REQ_BYTES: usize = 1 + HASH_KEY_BYTES;
const _: () = assert!(SLOT_BYTES < TX_BYTES && PL_BITS - 8 == KEY_BITS);
const _: () = assert!(TIMEOUTS_REQ_BYTES < PL_BYTES && LOOKUP_BYTES < PL_BYTES);

/// Bit offset in `pl` of byte `i` of a request payload of `len` bytes (the payload's last byte
/// is the register's top byte). `update()` reads fields at these offsets as literals, checked
/// here.
const fn pl_at(len: usize, i: usize) -> usize {
    (PL_BYTES - len + i) * 8
}
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 1) == 168 && pl_at(TIMEOUTS_REQ_BYTES, 5) == 200);
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 9) == 232 && pl_at(TIMEOUTS_REQ_BYTES, 13) == 264);
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 17) == 296);
const _: () = assert!(pl_at(2, 1) == 320 && pl_at(3, 1) == 312 && pl_at(2, 0) == 312);
const _: () = assert!(pl_at(PL_BYTES, 1) == 8);
const _: () = assert!(LOOKUP_BYTES == 37 && pl_at(LOOKUP_BYTES, 0) == 32);
const _: () = assert!(pl_at(LOOKUP_BYTES, 1) == 40 && pl_at(LOOKUP_BYTES, 17) == 168);
const _: () = assert!(pl_at(LOOKUP_BYTES, 19) == 184 && pl_at(LOOKUP_BYTES, 35) == 312);
const _: () = assert!(PL_BITS - 8 == 320 && pl_at(LOOKUP_BYTES, 5) == 72);
const _: () = assert!(pl_at(LOOKUP_BYTES, 23) == 216);
const _: () = assert!(DUMP_ENTRIES_PER_FRAME < 1 << DUMP_BUF_BITS);
const _: () = assert!(synscope_model::protocol::MAX_PAYLOAD <= 1 << PAYLOAD_ADDR_BITS);

/// FSM states.
mod st {
    pub const IDLE: u64 = 0;
    pub const DECODE: u64 = 1;
    /// Send the header in `kind_q/seq_q/op_q/flags_q`, then go to `ret_q`.
    pub const HDR: u64 = 2;
    pub const ERR_BODY: u64 = 3;
    pub const IDENT_BODY: u64 = 4;
    pub const PING_BODY: u64 = 5;
    pub const CNT_NOW: u64 = 6;
    pub const CNT_BODY: u64 = 7;
    pub const HIST_BODY: u64 = 8;
    pub const LINK_BODY: u64 = 9;
    pub const DUMP_SCAN: u64 = 10;
    pub const DUMP_WAIT: u64 = 11;
    pub const DUMP_NOW: u64 = 12;
    pub const DUMP_BODY: u64 = 13;
    pub const DUMP_NEXT: u64 = 14;
    pub const CFG_T: u64 = 15;
    pub const CFG_REST: u64 = 16;
    pub const LK_HASH: u64 = 17;
    pub const LK_READ: u64 = 18;
    pub const LK_WAIT: u64 = 19;
    pub const LK_BODY: u64 = 20;
    pub const EV_BODY: u64 = 22;
    pub const BAUD_WAIT: u64 = 23;
    /// The request is answered: release it.
    pub const DONE: u64 = 24;
    pub const LK_ANS: u64 = 26;
    pub const CFG_KEY1: u64 = 27;
    pub const CFG_KEY2: u64 = 28;
    pub const LK_READ2: u64 = 29;
    pub const LK_WAIT2: u64 = 30;
    pub const LK_BODY2: u64 = 31;
    pub const EV_BODY2: u64 = 21;
    /// `READ_PHY`: one piece, the MDIO master's last reading.
    pub const PHY_BODY: u64 = 25;
}
const ST_BITS: usize = 5;

/// A frame header (docs/protocol.md, "Header").
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct HeaderPiece {
    pub version_kind: Bits<8>,
    pub seq: Bits<8>,
    pub op: Bits<8>,
    pub flags: Bits<8>,
}

/// An error frame's payload: code, offending op.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ErrorPiece {
    pub code: Bits<8>,
    pub op: Bits<8>,
}

/// `GET_CONFIG`, first part: the five timeouts (`encode_timeouts`).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TimeoutsPiece {
    pub time_wait: Bits<32>,
    pub handshake: Bits<32>,
    pub fin_wait_2: Bits<32>,
    pub idle: Bits<32>,
    pub linger: Bits<32>,
}

/// `GET_CONFIG`, after the timeouts (`Config::encode`); then the key, in two halves.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ConfigPiece {
    pub event_mask: Bits<8>,
    pub event_rate: Bits<16>,
    pub baud_code: Bits<8>,
}

/// Bytes of each half of the key in `GET_CONFIG`.
pub const KEY_HALF_BYTES: usize = HASH_KEY_BYTES / 2;

/// Half the key bytes in wire order (first byte lowest).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct KeyHalfPiece {
    pub bytes: Bits<{ KEY_HALF_BYTES * 8 }>,
}

/// The continuation of an IPv6 entry in a `LOOKUP` answer (after a [`LookupPiece`]).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EntryPiece {
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

/// A dumped slot (`DumpChunk::encode`), as the dump buffer stores it.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SlotPiece {
    pub slot: Bits<16>,
    /// `EntryBits` zero-extended to whole bytes.
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

/// A `LOOKUP` answer (`encode_lookup_answer`; 1 byte when not found).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LookupPiece {
    pub found: Bits<8>,
    pub slot: Bits<16>,
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

/// `READ_LINK`, first part: the deframer's counters (`LinkCounter` order).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LinkPieceA {
    pub frames_ok: Bits<32>,
    pub bad_fcs: Bits<32>,
    pub too_long: Bits<32>,
    pub garbage: Bits<32>,
    pub aborted: Bits<32>,
}

/// `READ_LINK`, second part: the engine's counters.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LinkPieceB {
    pub unknown_op: Bits<32>,
    pub bad_length: Bits<32>,
    pub responses: Bits<32>,
    pub events_sent: Bits<32>,
    pub events_rate_limited: Bits<32>,
    /// The deframer's `too_short` (last in `LinkCounter` order).
    pub too_short: Bits<32>,
}

/// A `READ_PHY` answer (`PhyStatus::encode`: status byte with bit 0 = found, address byte, then
/// PHYIDR1, PHYIDR2, BMSR, PHYSTS and the poll count, little endian).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct PhyPiece {
    pub found: Bit,
    pub zero7: Bits<7>,
    pub addr: Bits<5>,
    pub zero3: Bits<3>,
    pub id1: Bits<16>,
    pub id2: Bits<16>,
    pub bmsr: Bits<16>,
    pub physts: Bits<16>,
    pub polls: Bits<16>,
}

const _: () = assert!(PhyPiece::BITS == synscope_model::protocol::phy::PHY_STATUS_BYTES * 8);

/// The hash key word (`toeplitz_hash::key_word`: the first wire byte is the most significant)
/// of the key bytes in wire order.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct KeyWord {
    pub k39: Bits<8>,
    pub k38: Bits<8>,
    pub k37: Bits<8>,
    pub k36: Bits<8>,
    pub k35: Bits<8>,
    pub k34: Bits<8>,
    pub k33: Bits<8>,
    pub k32: Bits<8>,
    pub k31: Bits<8>,
    pub k30: Bits<8>,
    pub k29: Bits<8>,
    pub k28: Bits<8>,
    pub k27: Bits<8>,
    pub k26: Bits<8>,
    pub k25: Bits<8>,
    pub k24: Bits<8>,
    pub k23: Bits<8>,
    pub k22: Bits<8>,
    pub k21: Bits<8>,
    pub k20: Bits<8>,
    pub k19: Bits<8>,
    pub k18: Bits<8>,
    pub k17: Bits<8>,
    pub k16: Bits<8>,
    pub k15: Bits<8>,
    pub k14: Bits<8>,
    pub k13: Bits<8>,
    pub k12: Bits<8>,
    pub k11: Bits<8>,
    pub k10: Bits<8>,
    pub k9: Bits<8>,
    pub k8: Bits<8>,
    pub k7: Bits<8>,
    pub k6: Bits<8>,
    pub k5: Bits<8>,
    pub k4: Bits<8>,
    pub k3: Bits<8>,
    pub k2: Bits<8>,
    pub k1: Bits<8>,
    pub k0: Bits<8>,
}

const _: () = assert!(SlotPiece::BITS == SLOT_BYTES * 8);
const _: () = assert!(ConfigPiece::BITS + 2 * KeyHalfPiece::BITS == (4 + HASH_KEY_BYTES) * 8);
const _: () = assert!(Event6PieceB::BITS <= TX_BITS && EntryPiece::BITS <= TX_BITS);
const _: () = assert!(KEY_HALF_BYTES * 8 == 160);
const _: () = assert!(LookupPiece::BITS <= TX_BITS);
const _: () = assert!(LinkPieceA::BITS + LinkPieceB::BITS == LinkCounter::COUNT * 32);

/// Bits of `HdlcDeframer`'s counters.
const LINK_BITS: usize = crate::link::hdlc::COUNTER_BITS;

fn c<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}

/// The command engine for a core of `2^B` buckets.
#[derive(LogicBlock)]
pub struct CommandEngine<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    // ---- requests from the deframer
    pub s_data: Signal<In, Bits<8>>,
    pub s_valid: Signal<In, Bit>,
    pub s_first: Signal<In, Bit>,
    pub s_end: Signal<In, Bit>,
    pub s_status: Signal<In, Bits<STATUS_BITS>>,
    /// The deframer's counters (`READ_LINK`).
    pub frames_ok: Signal<In, Bits<LINK_BITS>>,
    pub bad_fcs: Signal<In, Bits<LINK_BITS>>,
    pub too_long: Signal<In, Bits<LINK_BITS>>,
    pub garbage: Signal<In, Bits<LINK_BITS>>,
    pub aborted: Signal<In, Bits<LINK_BITS>>,
    pub too_short: Signal<In, Bits<LINK_BITS>>,
    // ---- frames to the framer
    pub m_data: Signal<Out, Bits<8>>,
    pub m_last: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    /// The line has sent everything (framer and transmitter idle): a new baud rate may apply.
    pub tx_idle: Signal<In, Bit>,
    /// Clock cycles per bit for the UART (`uart::divisor` of the baud code).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    // ---- core ports
    pub core_hash_key: Signal<Out, Bits<KEY_BITS>>,
    pub core_key_load: Signal<Out, Bit>,
    pub core_time_wait: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_handshake: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_fin_wait_2: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_idle: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_linger: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_timeouts_load: Signal<Out, Bit>,
    pub core_clear_counters: Signal<Out, Bit>,
    pub core_rd_req: Signal<Out, Bit>,
    pub core_rd_bucket: Signal<Out, Bits<B>>,
    pub core_rd_way: Signal<Out, Bits<2>>,
    pub core_rd_valid: Signal<In, Bit>,
    pub core_rd_entry: Signal<In, EntryBits>,
    pub core_rd_alive: Signal<In, Bit>,
    pub core_counter_index: Signal<Out, Bits<COUNTER_INDEX_BITS>>,
    pub core_counter_value: Signal<In, Bits<COUNTER_BITS>>,
    pub core_counter_snap: Signal<Out, Bit>,
    pub core_counter_frozen: Signal<Out, Bit>,
    pub core_now: Signal<In, Bits<32>>,
    pub core_ev_pop: Signal<Out, Bit>,
    pub core_ev_valid: Signal<In, Bit>,
    pub core_ev_created: Signal<In, Bit>,
    pub core_ev_refused: Signal<In, Bit>,
    pub core_ev_evicted: Signal<In, Bit>,
    pub core_ev_reincarnated: Signal<In, Bit>,
    pub core_ev_lo_changed: Signal<In, Bit>,
    pub core_ev_hi_changed: Signal<In, Bit>,
    pub core_ev_bucket: Signal<In, Bits<B>>,
    pub core_ev_way: Signal<In, Bits<2>>,
    pub core_ev_lo_before: Signal<In, Bits<STATE_BITS>>,
    pub core_ev_hi_before: Signal<In, Bits<STATE_BITS>>,
    pub core_ev_lo_after: Signal<In, Bits<STATE_BITS>>,
    pub core_ev_hi_after: Signal<In, Bits<STATE_BITS>>,
    pub core_ev_v6: Signal<In, Bit>,
    pub core_ev_lo_ip: Signal<In, Bits<IP_BITS>>,
    pub core_ev_lo_port: Signal<In, Bits<16>>,
    pub core_ev_hi_ip: Signal<In, Bits<IP_BITS>>,
    pub core_ev_hi_port: Signal<In, Bits<16>>,
    pub core_ev_time: Signal<In, Bits<TIME_BITS>>,
    pub core_ev_client_is_lo: Signal<In, Bit>,
    // ---- the PHY as the MDIO master last read it (`READ_PHY`)
    pub phy_found: Signal<In, Bit>,
    pub phy_addr: Signal<In, Bits<5>>,
    pub phy_id1: Signal<In, Bits<16>>,
    pub phy_id2: Signal<In, Bits<16>>,
    pub phy_bmsr: Signal<In, Bits<16>>,
    pub phy_physts: Signal<In, Bits<16>>,
    pub phy_polls: Signal<In, Bits<16>>,
    phy_piece: Signal<Local, PhyPiece>,
    op_phy: Constant<Bits<8>>,
    n_phy: Constant<Bits<6>>,
    s_phy_body: Constant<Bits<ST_BITS>>,
    // ---- request buffer
    taking: DFF<Bit>,
    held: DFF<Bit>,
    rx_len: DFF<Bits<LEN_BITS>>,
    hdr: DFF<Bits<32>>,
    item: DFF<Bits<8>>,
    pl: DFF<Bits<PL_BITS>>,
    pram: crate::parts::ram::StyledRam<Bits<8>, PAYLOAD_ADDR_BITS>,
    plen: Signal<Local, Bits<LEN_BITS>>,
    plen_m1: Signal<Local, Bits<LEN_BITS>>,
    // ---- transmit
    tx_sr: DFF<Bits<TX_BITS>>,
    tx_n: DFF<Bits<6>>,
    tx_final: DFF<Bit>,
    /// One-hot piece loads (`ld_*`, set by the FSM) and each piece gated by its load
    /// (`tx_*`): `tx_sr` loads their OR, so every bit has only the pieces that reach it, not a
    /// priority chain of every state (3,814 LUTs of the engine synthesized alone, 35T-sized).
    ld_hdr: Signal<Local, Bit>,
    tx_hdr: Signal<Local, Bits<TX_BITS>>,
    ld_err: Signal<Local, Bit>,
    tx_err: Signal<Local, Bits<TX_BITS>>,
    ld_ident: Signal<Local, Bit>,
    tx_ident: Signal<Local, Bits<TX_BITS>>,
    ld_ping: Signal<Local, Bit>,
    tx_ping: Signal<Local, Bits<TX_BITS>>,
    ld_cnt_now: Signal<Local, Bit>,
    tx_cnt_now: Signal<Local, Bits<TX_BITS>>,
    ld_counter: Signal<Local, Bit>,
    tx_counter: Signal<Local, Bits<TX_BITS>>,
    ld_gauge: Signal<Local, Bit>,
    tx_gauge: Signal<Local, Bits<TX_BITS>>,
    ld_link_a: Signal<Local, Bit>,
    tx_link_a: Signal<Local, Bits<TX_BITS>>,
    ld_link_b: Signal<Local, Bit>,
    tx_link_b: Signal<Local, Bits<TX_BITS>>,
    ld_phy: Signal<Local, Bit>,
    tx_phy: Signal<Local, Bits<TX_BITS>>,
    ld_dump_now: Signal<Local, Bit>,
    tx_dump_now: Signal<Local, Bits<TX_BITS>>,
    ld_slot: Signal<Local, Bit>,
    tx_slot: Signal<Local, Bits<TX_BITS>>,
    ld_cfg_t: Signal<Local, Bit>,
    tx_cfg_t: Signal<Local, Bits<TX_BITS>>,
    ld_cfg_rest: Signal<Local, Bit>,
    tx_cfg_rest: Signal<Local, Bits<TX_BITS>>,
    ld_key_half0: Signal<Local, Bit>,
    tx_key_half0: Signal<Local, Bits<TX_BITS>>,
    ld_key_half1: Signal<Local, Bit>,
    tx_key_half1: Signal<Local, Bits<TX_BITS>>,
    ld_lookup: Signal<Local, Bit>,
    tx_lookup: Signal<Local, Bits<TX_BITS>>,
    ld_cont: Signal<Local, Bit>,
    tx_cont: Signal<Local, Bits<TX_BITS>>,
    ld_event: Signal<Local, Bit>,
    tx_event: Signal<Local, Bits<TX_BITS>>,
    ld_event6a: Signal<Local, Bit>,
    tx_event6a: Signal<Local, Bits<TX_BITS>>,
    ld_event6b: Signal<Local, Bit>,
    tx_event6b: Signal<Local, Bits<TX_BITS>>,
    tx_load: Signal<Local, Bit>,
    tx_none: Constant<Bits<TX_BITS>>,
    /// One cycle after a load: a registered read (counter, RAM) is not yet valid.
    wait_q: DFF<Bit>,
    free: Signal<Local, Bit>,
    // ---- FSM
    state: DFF<Bits<ST_BITS>>,
    ret_q: DFF<Bits<ST_BITS>>,
    kind_q: DFF<Bits<8>>,
    seq_q: DFF<Bits<8>>,
    op_q: DFF<Bits<8>>,
    flags_q: DFF<Bits<8>>,
    hdr_final: DFF<Bit>,
    err_q: DFF<Bits<8>>,
    idx: DFF<Bits<LEN_BITS>>,
    cidx: DFF<Bits<COUNTER_INDEX_BITS>>,
    snap_q: DFF<Bit>,
    frozen_q: DFF<Bit>,
    now_snap: DFF<Bits<32>>,
    // ---- configuration
    tw_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    hs_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    fw2_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    idle_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    linger_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    mask_q: DFFWithInit<Bits<8>>,
    rate_q: DFF<Bits<16>>,
    baud_q: DFF<Bits<3>>,
    new_baud: DFF<Bits<3>>,
    key_wire: DFFWithInit<Bits<KEY_BITS>>,
    key_load_q: DFF<Bit>,
    to_load_q: DFF<Bit>,
    clear_q: DFF<Bit>,
    key_word_s: Signal<Local, KeyWord>,
    key_word: Signal<Local, Bits<KEY_BITS>>,
    // ---- request fields (constant offsets into `pl`)
    op: Signal<Local, Bits<8>>,
    t_tw: Signal<Local, Bits<32>>,
    t_hs: Signal<Local, Bits<32>>,
    t_fw2: Signal<Local, Bits<32>>,
    t_idle: Signal<Local, Bits<32>>,
    t_linger: Signal<Local, Bits<32>>,
    t_max: Signal<Local, Bits<34>>,
    t_need: Signal<Local, Bits<34>>,
    t_ok: Signal<Local, Bit>,
    t_need_q: DFF<Bits<34>>,
    t_fields_q: DFF<Bit>,
    t_ok_q: DFF<Bit>,
    first_bucket: Signal<Local, Bits<16>>,
    /// The error code of the request being decoded (0: none).
    d_err: Signal<Local, Bits<8>>,
    // ---- engine counters
    n_unknown_op: DFF<Bits<LINK_BITS>>,
    n_bad_length: DFF<Bits<LINK_BITS>>,
    n_responses: DFF<Bits<LINK_BITS>>,
    link_a: Signal<Local, LinkPieceA>,
    link_b: Signal<Local, LinkPieceB>,
    // ---- dump
    cur_bucket: DFF<Bits<B>>,
    cur_way: DFF<Bits<2>>,
    scan_done: DFF<Bit>,
    fcount: DFF<Bits<DUMP_BUF_BITS>>,
    nent_m1: DFF<Bits<DUMP_BUF_BITS>>,
    wr_ptr: DFF<Bits<DUMP_BUF_BITS>>,
    rd_ptr: DFF<Bits<DUMP_BUF_BITS>>,
    dbuf: RAM<SlotPiece, DUMP_BUF_BITS>,
    cur_slot: Signal<Local, Bits<16>>,
    rd_rec: Signal<Local, SlotPiece>,
    // ---- lookup
    fkey: FlowKey,
    lk_v6: DFF<Bit>,
    lk_lo_ip: DFF<Bits<32>>,
    lk_lo_top: DFF<Bits<TOP_IP_BITS>>,
    lk_lo_port: DFF<Bits<16>>,
    lk_hi_ip: DFF<Bits<32>>,
    lk_hi_top: DFF<Bits<TOP_IP_BITS>>,
    lk_hi_port: DFF<Bits<16>>,
    /// `LOOKUP`'s hash of the tuple (`toeplitz_hash::input_word` of it: IPv6 or IPv4).
    hasher: LookupHasher,
    hash_in: Signal<Local, Bits<INPUT_BITS>>,
    lk_cont: DFF<EntryPiece>,
    lk_top_match: Signal<Local, Bit>,
    lk_family_ok: Signal<Local, Bit>,
    rd_cont: AsCont,
    hash_word4: Signal<Local, HashWord4>,
    key_half0: Signal<Local, KeyHalfPiece>,
    key_half1: Signal<Local, KeyHalfPiece>,
    zero96: Constant<Bits<TOP_IP_BITS>>,
    zero192: Constant<Bits<{ INPUT_BITS - 96 }>>,
    len_37: Constant<Bits<LEN_BITS>>,
    len_key: Constant<Bits<LEN_BITS>>,
    n_key_half: Constant<Bits<6>>,
    n_entry: Constant<Bits<6>>,
    n_event6a: Constant<Bits<6>>,
    n_event6b: Constant<Bits<6>>,
    s_cfg_key1: Constant<Bits<ST_BITS>>,
    s_cfg_key2: Constant<Bits<ST_BITS>>,
    s_lk_read2: Constant<Bits<ST_BITS>>,
    s_lk_wait2: Constant<Bits<ST_BITS>>,
    s_lk_body2: Constant<Bits<ST_BITS>>,
    s_ev_body2: Constant<Bits<ST_BITS>>,
    lk_found: DFF<Bit>,
    lk_piece: DFF<LookupPiece>,
    hash_word: Signal<Local, HashWord>,
    lk_match: Signal<Local, Bit>,
    // ---- events
    events: EventResponder<B>,
    // ---- pieces
    hdr_piece: Signal<Local, HeaderPiece>,
    err_piece: Signal<Local, ErrorPiece>,
    cfg_t: Signal<Local, TimeoutsPiece>,
    cfg_rest: Signal<Local, ConfigPiece>,
    // ---- constants
    ident: Constant<Bits<{ IDENT_BYTES * 8 }>>,
    div0: Constant<Bits<DIVISOR_BITS>>,
    div1: Constant<Bits<DIVISOR_BITS>>,
    div2: Constant<Bits<DIVISOR_BITS>>,
    div3: Constant<Bits<DIVISOR_BITS>>,
    div4: Constant<Bits<DIVISOR_BITS>>,
    tw_default: Constant<Bits<TIMEOUT_BITS>>,
    hs_default: Constant<Bits<TIMEOUT_BITS>>,
    fw2_default: Constant<Bits<TIMEOUT_BITS>>,
    idle_default: Constant<Bits<TIMEOUT_BITS>>,
    linger_default: Constant<Bits<TIMEOUT_BITS>>,
    last_bucket: Constant<Bits<B>>,
    last_bucket16: Constant<Bits<16>>,
    max_timeout: Constant<Bits<32>>,
    st_ok: Constant<Bits<STATUS_BITS>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    len_hdr: Constant<Bits<LEN_BITS>>,
    len_hdr1: Constant<Bits<LEN_BITS>>,
    len_2: Constant<Bits<LEN_BITS>>,
    len_3: Constant<Bits<LEN_BITS>>,
    len_timeouts: Constant<Bits<LEN_BITS>>,
    len_last_counter: Constant<Bits<LEN_BITS>>,
    len_last_gauge: Constant<Bits<LEN_BITS>>,
    n_zero: Constant<Bits<6>>,
    n_one: Constant<Bits<6>>,
    n_hdr: Constant<Bits<6>>,
    n_err: Constant<Bits<6>>,
    n_ident: Constant<Bits<6>>,
    n_now: Constant<Bits<6>>,
    n_counter: Constant<Bits<6>>,
    n_gauge: Constant<Bits<6>>,
    n_link: Constant<Bits<6>>,
    n_link_b: Constant<Bits<6>>,
    n_slot: Constant<Bits<6>>,
    n_cfg_t: Constant<Bits<6>>,
    n_cfg_rest: Constant<Bits<6>>,
    n_lookup: Constant<Bits<6>>,
    n_event: Constant<Bits<6>>,
    ci_zero: Constant<Bits<COUNTER_INDEX_BITS>>,
    ci_one: Constant<Bits<COUNTER_INDEX_BITS>>,
    ci_gauge: Constant<Bits<COUNTER_INDEX_BITS>>,
    db_zero: Constant<Bits<DUMP_BUF_BITS>>,
    db_one: Constant<Bits<DUMP_BUF_BITS>>,
    db_frame: Constant<Bits<DUMP_BUF_BITS>>,
    db_full: Constant<Bits<DUMP_BUF_BITS>>,
    way_last: Constant<Bits<2>>,
    way_zero: Constant<Bits<2>>,
    way_one: Constant<Bits<2>>,
    one_b: Constant<Bits<B>>,
    one_link: Constant<Bits<LINK_BITS>>,
    zero_link: Constant<Bits<LINK_BITS>>,
    zero8: Constant<Bits<8>>,
    zero7: Constant<Bits<7>>,
    zero3: Constant<Bits<3>>,
    one8: Constant<Bits<8>>,
    zero16: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    version: Constant<Bits<4>>,
    kind_request: Constant<Bits<4>>,
    vk_response: Constant<Bits<8>>,
    vk_error: Constant<Bits<8>>,
    vk_event: Constant<Bits<8>>,
    flag_more: Constant<Bits<8>>,
    op_identify: Constant<Bits<8>>,
    op_ping: Constant<Bits<8>>,
    op_counters: Constant<Bits<8>>,
    op_histogram: Constant<Bits<8>>,
    op_dump: Constant<Bits<8>>,
    op_lookup: Constant<Bits<8>>,
    op_get_config: Constant<Bits<8>>,
    op_set_config: Constant<Bits<8>>,
    op_clear: Constant<Bits<8>>,
    op_reset_table: Constant<Bits<8>>,
    op_link: Constant<Bits<8>>,
    op_event: Constant<Bits<8>>,
    e_unknown_op: Constant<Bits<8>>,
    e_bad_length: Constant<Bits<8>>,
    e_bad_argument: Constant<Bits<8>>,
    e_bad_version: Constant<Bits<8>>,
    item_timeouts: Constant<Bits<8>>,
    item_mask: Constant<Bits<8>>,
    item_rate: Constant<Bits<8>>,
    item_baud: Constant<Bits<8>>,
    item_key: Constant<Bits<8>>,
    baud_last: Constant<Bits<8>>,
    mask_all: Constant<Bits<8>>,
    baud_zero: Constant<Bits<3>>,
    baud_one: Constant<Bits<3>>,
    baud_two: Constant<Bits<3>>,
    baud_three: Constant<Bits<3>>,
    s_idle: Constant<Bits<ST_BITS>>,
    s_decode: Constant<Bits<ST_BITS>>,
    s_hdr: Constant<Bits<ST_BITS>>,
    s_err_body: Constant<Bits<ST_BITS>>,
    s_ident_body: Constant<Bits<ST_BITS>>,
    s_ping_body: Constant<Bits<ST_BITS>>,
    s_cnt_now: Constant<Bits<ST_BITS>>,
    s_cnt_body: Constant<Bits<ST_BITS>>,
    s_hist_body: Constant<Bits<ST_BITS>>,
    s_link_body: Constant<Bits<ST_BITS>>,
    s_dump_scan: Constant<Bits<ST_BITS>>,
    s_dump_wait: Constant<Bits<ST_BITS>>,
    s_dump_now: Constant<Bits<ST_BITS>>,
    s_dump_body: Constant<Bits<ST_BITS>>,
    s_dump_next: Constant<Bits<ST_BITS>>,
    s_cfg_t: Constant<Bits<ST_BITS>>,
    s_cfg_rest: Constant<Bits<ST_BITS>>,
    s_lk_hash: Constant<Bits<ST_BITS>>,
    s_lk_read: Constant<Bits<ST_BITS>>,
    s_lk_wait: Constant<Bits<ST_BITS>>,
    s_lk_ans: Constant<Bits<ST_BITS>>,
    s_lk_body: Constant<Bits<ST_BITS>>,
    s_ev_body: Constant<Bits<ST_BITS>>,
    s_baud_wait: Constant<Bits<ST_BITS>>,
    s_done: Constant<Bits<ST_BITS>>,
}

/// The `IDENTIFY` payload of a design (the model's `Identity::encode`), as a word.
pub fn identity(bucket_bits: usize, board: u8, clock_mhz: u8) -> Identity {
    Identity {
        protocol: VERSION,
        design: DESIGN_VERSION,
        board,
        bucket_bits: bucket_bits as u8,
        ways: crate::conn::WAYS as u8,
        counters: Counter::COUNT as u8,
        clock_mhz,
    }
}

/// Bytes as a little-endian `N`-bit word (the first byte lowest).
fn le_word<const N: usize>(bytes: &[u8]) -> Bits<N> {
    let mut w = Bits::<N>::default();
    for (i, byte) in bytes.iter().enumerate() {
        for b in 0..8 {
            w = w.replace_bit(i * 8 + b, byte >> b & 1 == 1);
        }
    }
    w
}

impl<const B: usize> CommandEngine<B> {
    /// An engine for `board` (`BOARD_*`) clocked at `clock_mhz`.
    pub fn new(board: u8, clock_mhz: u8) -> Self {
        let id = identity(B, board, clock_mhz).encode();
        assert_eq!(id.len(), IDENT_BYTES);
        let t = Timeouts::default();
        let hz = clock_mhz as u32 * 1_000_000;
        let d = divisors(hz);
        let vk = |k: Kind| ((VERSION << 4) | k as u8) as u64;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_data: Default::default(),
            s_valid: Default::default(),
            s_first: Default::default(),
            s_end: Default::default(),
            s_status: Default::default(),
            frames_ok: Default::default(),
            bad_fcs: Default::default(),
            too_long: Default::default(),
            too_short: Default::default(),
            garbage: Default::default(),
            aborted: Default::default(),
            m_data: Default::default(),
            m_last: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            tx_idle: Default::default(),
            divisor: Default::default(),
            core_hash_key: Default::default(),
            core_key_load: Default::default(),
            core_time_wait: Default::default(),
            core_handshake: Default::default(),
            core_fin_wait_2: Default::default(),
            core_idle: Default::default(),
            core_linger: Default::default(),
            core_timeouts_load: Default::default(),
            core_clear_counters: Default::default(),
            core_rd_req: Default::default(),
            core_rd_bucket: Default::default(),
            core_rd_way: Default::default(),
            core_rd_valid: Default::default(),
            core_rd_entry: Default::default(),
            core_rd_alive: Default::default(),
            core_counter_index: Default::default(),
            core_counter_value: Default::default(),
            core_counter_snap: Default::default(),
            core_counter_frozen: Default::default(),
            core_now: Default::default(),
            core_ev_pop: Default::default(),
            core_ev_valid: Default::default(),
            core_ev_created: Default::default(),
            core_ev_refused: Default::default(),
            core_ev_evicted: Default::default(),
            core_ev_reincarnated: Default::default(),
            core_ev_lo_changed: Default::default(),
            core_ev_hi_changed: Default::default(),
            core_ev_bucket: Default::default(),
            core_ev_way: Default::default(),
            core_ev_lo_before: Default::default(),
            core_ev_hi_before: Default::default(),
            core_ev_lo_after: Default::default(),
            core_ev_hi_after: Default::default(),
            core_ev_v6: Default::default(),
            core_ev_lo_ip: Default::default(),
            core_ev_lo_port: Default::default(),
            core_ev_hi_ip: Default::default(),
            core_ev_hi_port: Default::default(),
            core_ev_time: Default::default(),
            core_ev_client_is_lo: Default::default(),
            phy_found: Default::default(),
            phy_addr: Default::default(),
            phy_id1: Default::default(),
            phy_id2: Default::default(),
            phy_bmsr: Default::default(),
            phy_physts: Default::default(),
            phy_polls: Default::default(),
            phy_piece: Default::default(),
            op_phy: c(Op::ReadPhy as u64),
            n_phy: c(PhyPiece::BITS as u64 / 8),
            s_phy_body: c(st::PHY_BODY),
            taking: Default::default(),
            held: Default::default(),
            rx_len: Default::default(),
            hdr: Default::default(),
            item: Default::default(),
            pl: Default::default(),
            pram: Default::default(),
            plen: Default::default(),
            plen_m1: Default::default(),
            tx_sr: Default::default(),
            tx_n: Default::default(),
            tx_final: Default::default(),
            ld_hdr: Default::default(),
            tx_hdr: Default::default(),
            ld_err: Default::default(),
            tx_err: Default::default(),
            ld_ident: Default::default(),
            tx_ident: Default::default(),
            ld_ping: Default::default(),
            tx_ping: Default::default(),
            ld_cnt_now: Default::default(),
            tx_cnt_now: Default::default(),
            ld_counter: Default::default(),
            tx_counter: Default::default(),
            ld_gauge: Default::default(),
            tx_gauge: Default::default(),
            ld_link_a: Default::default(),
            tx_link_a: Default::default(),
            ld_link_b: Default::default(),
            tx_link_b: Default::default(),
            ld_phy: Default::default(),
            tx_phy: Default::default(),
            ld_dump_now: Default::default(),
            tx_dump_now: Default::default(),
            ld_slot: Default::default(),
            tx_slot: Default::default(),
            ld_cfg_t: Default::default(),
            tx_cfg_t: Default::default(),
            ld_cfg_rest: Default::default(),
            tx_cfg_rest: Default::default(),
            ld_key_half0: Default::default(),
            tx_key_half0: Default::default(),
            ld_key_half1: Default::default(),
            tx_key_half1: Default::default(),
            ld_lookup: Default::default(),
            tx_lookup: Default::default(),
            ld_cont: Default::default(),
            tx_cont: Default::default(),
            ld_event: Default::default(),
            tx_event: Default::default(),
            ld_event6a: Default::default(),
            tx_event6a: Default::default(),
            ld_event6b: Default::default(),
            tx_event6b: Default::default(),
            tx_load: Default::default(),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            wait_q: Default::default(),
            free: Default::default(),
            state: Default::default(),
            ret_q: Default::default(),
            kind_q: Default::default(),
            seq_q: Default::default(),
            op_q: Default::default(),
            flags_q: Default::default(),
            hdr_final: Default::default(),
            err_q: Default::default(),
            idx: Default::default(),
            cidx: Default::default(),
            snap_q: Default::default(),
            frozen_q: Default::default(),
            now_snap: Default::default(),
            tw_q: DFFWithInit::new((t.time_wait as u64).to_bits()),
            hs_q: DFFWithInit::new((t.handshake as u64).to_bits()),
            fw2_q: DFFWithInit::new((t.fin_wait_2 as u64).to_bits()),
            idle_q: DFFWithInit::new((t.idle as u64).to_bits()),
            linger_q: DFFWithInit::new((t.linger as u64).to_bits()),
            mask_q: DFFWithInit::new((event_bits::ALL as u64).to_bits()),
            rate_q: Default::default(),
            baud_q: Default::default(),
            new_baud: Default::default(),
            key_wire: DFFWithInit::new(le_word(&DEFAULT_HASH_KEY)),
            key_load_q: Default::default(),
            to_load_q: Default::default(),
            clear_q: Default::default(),
            key_word_s: Default::default(),
            key_word: Default::default(),
            op: Default::default(),
            t_tw: Default::default(),
            t_hs: Default::default(),
            t_fw2: Default::default(),
            t_idle: Default::default(),
            t_linger: Default::default(),
            t_max: Default::default(),
            t_need: Default::default(),
            t_ok: Default::default(),
            t_need_q: Default::default(),
            t_fields_q: Default::default(),
            t_ok_q: Default::default(),
            first_bucket: Default::default(),
            d_err: Default::default(),
            n_unknown_op: Default::default(),
            n_bad_length: Default::default(),
            n_responses: Default::default(),
            link_a: Default::default(),
            link_b: Default::default(),
            cur_bucket: Default::default(),
            cur_way: Default::default(),
            scan_done: Default::default(),
            fcount: Default::default(),
            nent_m1: Default::default(),
            wr_ptr: Default::default(),
            rd_ptr: Default::default(),
            dbuf: Default::default(),
            cur_slot: Default::default(),
            rd_rec: Default::default(),
            fkey: Default::default(),
            lk_v6: Default::default(),
            lk_lo_ip: Default::default(),
            lk_lo_top: Default::default(),
            lk_lo_port: Default::default(),
            lk_hi_ip: Default::default(),
            lk_hi_top: Default::default(),
            lk_hi_port: Default::default(),
            hasher: Default::default(),
            hash_in: Default::default(),
            lk_cont: Default::default(),
            lk_top_match: Default::default(),
            lk_family_ok: Default::default(),
            rd_cont: Default::default(),
            hash_word4: Default::default(),
            key_half0: Default::default(),
            key_half1: Default::default(),
            zero96: Constant::new(Default::default()),
            zero192: Constant::new(Default::default()),
            len_37: c(LOOKUP_BYTES as u64),
            len_key: c(KEY_REQ_BYTES as u64),
            n_key_half: c(KEY_HALF_BYTES as u64),
            n_entry: c(ENTRY_BYTES as u64),
            n_event6a: c(Event6PieceA::BITS as u64 / 8),
            n_event6b: c(Event6PieceB::BITS as u64 / 8),
            s_cfg_key1: c(st::CFG_KEY1),
            s_cfg_key2: c(st::CFG_KEY2),
            s_lk_read2: c(st::LK_READ2),
            s_lk_wait2: c(st::LK_WAIT2),
            s_lk_body2: c(st::LK_BODY2),
            s_ev_body2: c(st::EV_BODY2),
            lk_found: Default::default(),
            lk_piece: Default::default(),
            hash_word: Default::default(),
            lk_match: Default::default(),
            events: EventResponder::new(clock_mhz),
            hdr_piece: Default::default(),
            err_piece: Default::default(),
            cfg_t: Default::default(),
            cfg_rest: Default::default(),
            ident: Constant::new(le_word(&id)),
            div0: c(d[0] as u64),
            div1: c(d[1] as u64),
            div2: c(d[2] as u64),
            div3: c(d[3] as u64),
            div4: c(d[4] as u64),
            tw_default: c(t.time_wait as u64),
            hs_default: c(t.handshake as u64),
            fw2_default: c(t.fin_wait_2 as u64),
            idle_default: c(t.idle as u64),
            linger_default: c(t.linger as u64),
            last_bucket: c((1 << B) - 1),
            last_bucket16: c((1 << B) - 1),
            max_timeout: c(MAX_TIMEOUT_S as u64),
            st_ok: c(STATUS_OK),
            len_zero: c(0),
            len_one: c(1),
            len_hdr: c(HEADER_BYTES as u64),
            len_hdr1: c(HEADER_BYTES as u64 + 1),
            len_2: c(2),
            len_3: c(3),
            len_timeouts: c(TIMEOUTS_REQ_BYTES as u64),
            len_last_counter: c(Counter::COUNT as u64 - 1),
            len_last_gauge: c(GAUGES as u64 - 1),
            n_zero: c(0),
            n_one: c(1),
            n_hdr: c(HeaderPiece::BITS as u64 / 8),
            n_err: c(ErrorPiece::BITS as u64 / 8),
            n_ident: c(IDENT_BYTES as u64),
            n_now: c(4),
            n_counter: c(6),
            n_gauge: c(2),
            n_link: c(LinkPieceA::BITS as u64 / 8),
            n_link_b: c(LinkPieceB::BITS as u64 / 8),
            n_slot: c(SLOT_BYTES as u64),
            n_cfg_t: c(TimeoutsPiece::BITS as u64 / 8),
            n_cfg_rest: c(ConfigPiece::BITS as u64 / 8),
            n_lookup: c(LookupPiece::BITS as u64 / 8),
            n_event: c(EventPiece::BITS as u64 / 8),
            ci_zero: c(0),
            ci_one: c(1),
            ci_gauge: c(FIRST_GAUGE as u64),
            db_zero: c(0),
            db_one: c(1),
            db_frame: c(DUMP_ENTRIES_PER_FRAME as u64 - 1),
            db_full: c(DUMP_ENTRIES_PER_FRAME as u64 + 1),
            way_last: c(3),
            way_zero: c(0),
            way_one: c(1),
            one_b: c(1),
            one_link: c(1),
            zero_link: c(0),
            zero8: c(0),
            zero7: c(0),
            zero3: c(0),
            one8: c(1),
            zero16: c(0),
            zero32: c(0),
            version: c(VERSION as u64),
            kind_request: c(Kind::Request as u64),
            vk_response: c(vk(Kind::Response)),
            vk_error: c(vk(Kind::Error)),
            vk_event: c(vk(Kind::Event)),
            flag_more: c(synscope_model::protocol::FLAG_MORE as u64),
            op_identify: c(Op::Identify as u64),
            op_ping: c(Op::Ping as u64),
            op_counters: c(Op::ReadCounters as u64),
            op_histogram: c(Op::ReadHistogram as u64),
            op_dump: c(Op::DumpTable as u64),
            op_lookup: c(Op::Lookup as u64),
            op_get_config: c(Op::GetConfig as u64),
            op_set_config: c(Op::SetConfig as u64),
            op_clear: c(Op::ClearCounters as u64),
            op_reset_table: c(Op::ResetTable as u64),
            op_link: c(Op::ReadLink as u64),
            op_event: c(Op::Event as u64),
            e_unknown_op: c(ErrorCode::UnknownOp as u64),
            e_bad_length: c(ErrorCode::BadLength as u64),
            e_bad_argument: c(ErrorCode::BadArgument as u64),
            e_bad_version: c(ErrorCode::BadVersion as u64),
            item_timeouts: c(ConfigItem::Timeouts as u64),
            item_mask: c(ConfigItem::EventMask as u64),
            item_rate: c(ConfigItem::EventRate as u64),
            item_baud: c(ConfigItem::Baud as u64),
            item_key: c(ConfigItem::HashKey as u64),
            baud_last: c(synscope_model::protocol::BAUD_RATES.len() as u64 - 1),
            mask_all: c(event_bits::ALL as u64),
            baud_zero: c(0),
            baud_one: c(1),
            baud_two: c(2),
            baud_three: c(3),
            s_idle: c(st::IDLE),
            s_decode: c(st::DECODE),
            s_hdr: c(st::HDR),
            s_err_body: c(st::ERR_BODY),
            s_ident_body: c(st::IDENT_BODY),
            s_ping_body: c(st::PING_BODY),
            s_cnt_now: c(st::CNT_NOW),
            s_cnt_body: c(st::CNT_BODY),
            s_hist_body: c(st::HIST_BODY),
            s_link_body: c(st::LINK_BODY),
            s_dump_scan: c(st::DUMP_SCAN),
            s_dump_wait: c(st::DUMP_WAIT),
            s_dump_now: c(st::DUMP_NOW),
            s_dump_body: c(st::DUMP_BODY),
            s_dump_next: c(st::DUMP_NEXT),
            s_cfg_t: c(st::CFG_T),
            s_cfg_rest: c(st::CFG_REST),
            s_lk_hash: c(st::LK_HASH),
            s_lk_read: c(st::LK_READ),
            s_lk_wait: c(st::LK_WAIT),
            s_lk_ans: c(st::LK_ANS),
            s_lk_body: c(st::LK_BODY),
            s_ev_body: c(st::EV_BODY),
            s_baud_wait: c(st::BAUD_WAIT),
            s_done: c(st::DONE),
        }
    }
}

impl<const B: usize> Logic for CommandEngine<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            taking,
            held,
            rx_len,
            hdr,
            item,
            pl,
            tx_sr,
            tx_n,
            tx_final,
            wait_q,
            state,
            ret_q,
            kind_q,
            seq_q,
            op_q,
            flags_q,
            hdr_final,
            err_q,
            idx,
            cidx,
            snap_q,
            frozen_q,
            now_snap,
            tw_q,
            hs_q,
            fw2_q,
            idle_q,
            linger_q,
            mask_q,
            rate_q,
            baud_q,
            new_baud,
            key_wire,
            key_load_q,
            to_load_q,
            clear_q,
            n_unknown_op,
            n_bad_length,
            n_responses,
            cur_bucket,
            cur_way,
            scan_done,
            fcount,
            nent_m1,
            wr_ptr,
            rd_ptr,
            lk_v6,
            lk_lo_ip,
            lk_lo_top,
            lk_lo_port,
            lk_hi_ip,
            lk_hi_top,
            lk_hi_port,
            lk_cont,
            lk_found,
            lk_piece,
            t_need_q,
            t_fields_q,
            t_ok_q
        );
        self.pram.read_clock.next = self.clock.val();
        self.pram.write_clock.next = self.clock.val();
        self.dbuf.read_clock.next = self.clock.val();
        self.dbuf.write_clock.next = self.clock.val();
        self.hasher.clock.next = self.clock.val();

        // ---- outputs: the transmit register's low byte; the core's host ports
        self.m_data.next = self.tx_sr.q.val().get_bits::<8>(0);
        self.m_valid.next = self.tx_n.q.val() != self.n_zero.val();
        self.m_last.next = self.tx_final.q.val() & (self.tx_n.q.val() == self.n_one.val());
        self.key_word_s.next.k0 = self.key_wire.q.val().get_bits::<8>(0);
        self.key_word_s.next.k1 = self.key_wire.q.val().get_bits::<8>(8);
        self.key_word_s.next.k2 = self.key_wire.q.val().get_bits::<8>(16);
        self.key_word_s.next.k3 = self.key_wire.q.val().get_bits::<8>(24);
        self.key_word_s.next.k4 = self.key_wire.q.val().get_bits::<8>(32);
        self.key_word_s.next.k5 = self.key_wire.q.val().get_bits::<8>(40);
        self.key_word_s.next.k6 = self.key_wire.q.val().get_bits::<8>(48);
        self.key_word_s.next.k7 = self.key_wire.q.val().get_bits::<8>(56);
        self.key_word_s.next.k8 = self.key_wire.q.val().get_bits::<8>(64);
        self.key_word_s.next.k9 = self.key_wire.q.val().get_bits::<8>(72);
        self.key_word_s.next.k10 = self.key_wire.q.val().get_bits::<8>(80);
        self.key_word_s.next.k11 = self.key_wire.q.val().get_bits::<8>(88);
        self.key_word_s.next.k12 = self.key_wire.q.val().get_bits::<8>(96);
        self.key_word_s.next.k13 = self.key_wire.q.val().get_bits::<8>(104);
        self.key_word_s.next.k14 = self.key_wire.q.val().get_bits::<8>(112);
        self.key_word_s.next.k15 = self.key_wire.q.val().get_bits::<8>(120);
        self.key_word_s.next.k16 = self.key_wire.q.val().get_bits::<8>(128);
        self.key_word_s.next.k17 = self.key_wire.q.val().get_bits::<8>(136);
        self.key_word_s.next.k18 = self.key_wire.q.val().get_bits::<8>(144);
        self.key_word_s.next.k19 = self.key_wire.q.val().get_bits::<8>(152);
        self.key_word_s.next.k20 = self.key_wire.q.val().get_bits::<8>(160);
        self.key_word_s.next.k21 = self.key_wire.q.val().get_bits::<8>(168);
        self.key_word_s.next.k22 = self.key_wire.q.val().get_bits::<8>(176);
        self.key_word_s.next.k23 = self.key_wire.q.val().get_bits::<8>(184);
        self.key_word_s.next.k24 = self.key_wire.q.val().get_bits::<8>(192);
        self.key_word_s.next.k25 = self.key_wire.q.val().get_bits::<8>(200);
        self.key_word_s.next.k26 = self.key_wire.q.val().get_bits::<8>(208);
        self.key_word_s.next.k27 = self.key_wire.q.val().get_bits::<8>(216);
        self.key_word_s.next.k28 = self.key_wire.q.val().get_bits::<8>(224);
        self.key_word_s.next.k29 = self.key_wire.q.val().get_bits::<8>(232);
        self.key_word_s.next.k30 = self.key_wire.q.val().get_bits::<8>(240);
        self.key_word_s.next.k31 = self.key_wire.q.val().get_bits::<8>(248);
        self.key_word_s.next.k32 = self.key_wire.q.val().get_bits::<8>(256);
        self.key_word_s.next.k33 = self.key_wire.q.val().get_bits::<8>(264);
        self.key_word_s.next.k34 = self.key_wire.q.val().get_bits::<8>(272);
        self.key_word_s.next.k35 = self.key_wire.q.val().get_bits::<8>(280);
        self.key_word_s.next.k36 = self.key_wire.q.val().get_bits::<8>(288);
        self.key_word_s.next.k37 = self.key_wire.q.val().get_bits::<8>(296);
        self.key_word_s.next.k38 = self.key_wire.q.val().get_bits::<8>(304);
        self.key_word_s.next.k39 = self.key_wire.q.val().get_bits::<8>(312);
        self.key_word.next = self.key_word_s.val().into();
        self.core_hash_key.next = self.key_word.val();
        self.core_key_load.next = self.key_load_q.q.val();
        self.core_time_wait.next = self.tw_q.q.val();
        self.core_handshake.next = self.hs_q.q.val();
        self.core_fin_wait_2.next = self.fw2_q.q.val();
        self.core_idle.next = self.idle_q.q.val();
        self.core_linger.next = self.linger_q.q.val();
        self.core_timeouts_load.next = self.to_load_q.q.val();
        self.core_clear_counters.next = self.clear_q.q.val();
        self.core_counter_snap.next = self.snap_q.q.val();
        self.core_counter_frozen.next = self.frozen_q.q.val();
        self.core_counter_index.next = self.cidx.q.val();
        self.core_rd_req.next = false;
        self.core_rd_bucket.next = self.cur_bucket.q.val();
        self.core_rd_way.next = self.cur_way.q.val();
        self.core_ev_pop.next = false;
        self.divisor.next = self.div4.val();
        if self.baud_q.q.val() == self.baud_zero.val() {
            self.divisor.next = self.div0.val();
        } else if self.baud_q.q.val() == self.baud_one.val() {
            self.divisor.next = self.div1.val();
        } else if self.baud_q.q.val() == self.baud_two.val() {
            self.divisor.next = self.div2.val();
        } else if self.baud_q.q.val() == self.baud_three.val() {
            self.divisor.next = self.div3.val();
        }
        // One-cycle pulses.
        self.key_load_q.d.next = false;
        self.to_load_q.d.next = false;
        self.clear_q.d.next = false;
        self.snap_q.d.next = false;
        self.wait_q.d.next = false;
        // `now` of the counter snapshot is taken with it.
        if self.snap_q.q.val() {
            self.now_snap.d.next = self.core_now.val();
        }

        // ---- requests: header bytes into `hdr`, payload into the RAM and `pl`
        self.plen.next = self.rx_len.q.val() - self.len_hdr.val();
        self.plen_m1.next = self.rx_len.q.val() - self.len_hdr1.val();
        self.pram.write_enable.next = false;
        self.pram.write_address.next = self.plen.val();
        self.pram.write_data.next = self.s_data.val();
        self.pram.read_address.next = self.idx.q.val();
        if self.s_valid.val() {
            if self.s_first.val() {
                self.taking.d.next = !self.held.q.val();
                if !self.held.q.val() {
                    self.rx_len.d.next = self.len_one.val();
                    self.hdr.d.next =
                        (self.hdr.q.val() >> 8) | (bit_cast::<32, 8>(self.s_data.val()) << 24);
                }
            } else if self.taking.q.val() {
                self.rx_len.d.next = self.rx_len.q.val() + self.len_one.val();
                if self.rx_len.q.val() < self.len_hdr.val() {
                    self.hdr.d.next =
                        (self.hdr.q.val() >> 8) | (bit_cast::<32, 8>(self.s_data.val()) << 24);
                } else {
                    self.pram.write_enable.next = true;
                    self.pl.d.next =
                        (self.pl.q.val() >> 8) | (bit_cast::<PL_BITS, 8>(self.s_data.val()) << 320);
                    if self.rx_len.q.val() == self.len_hdr.val() {
                        self.item.d.next = self.s_data.val();
                    }
                }
            }
        }
        if self.s_end.val() {
            self.taking.d.next = false;
            if self.taking.q.val() & (self.s_status.val() == self.st_ok.val()) {
                self.held.d.next = true;
            }
        }

        // ---- request fields
        self.op.next = self.hdr.q.val().get_bits::<8>(16);
        self.t_tw.next = self.pl.q.val().get_bits::<32>(168);
        self.t_hs.next = self.pl.q.val().get_bits::<32>(200);
        self.t_fw2.next = self.pl.q.val().get_bits::<32>(232);
        self.t_idle.next = self.pl.q.val().get_bits::<32>(264);
        self.t_linger.next = self.pl.q.val().get_bits::<32>(296);
        // The longest state timeout, + linger: idle must outlast it.
        self.t_max.next = bit_cast::<34, 32>(self.t_hs.val());
        if (self.t_tw.val() >= self.t_hs.val()) && (self.t_tw.val() >= self.t_fw2.val()) {
            self.t_max.next = bit_cast::<34, 32>(self.t_tw.val());
        } else if self.t_fw2.val() > self.t_hs.val() {
            self.t_max.next = bit_cast::<34, 32>(self.t_fw2.val());
        }
        self.t_need.next = self.t_max.val() + bit_cast::<34, 32>(self.t_linger.val());
        // `Timeouts::validate`, in two registered steps (the field checks and the sum, then the
        // compare): `pl` is stable for a whole byte time (the closing flag) before the request
        // is decoded, so `t_ok_q` is the check of the request by then.
        self.t_need_q.d.next = self.t_need.val();
        self.t_fields_q.d.next = (self.t_tw.val() != self.zero32.val())
            & (self.t_hs.val() != self.zero32.val())
            & (self.t_fw2.val() != self.zero32.val())
            & (self.t_idle.val() != self.zero32.val())
            & (self.t_linger.val() != self.zero32.val())
            & (self.t_tw.val() <= self.max_timeout.val())
            & (self.t_hs.val() <= self.max_timeout.val())
            & (self.t_fw2.val() <= self.max_timeout.val())
            & (self.t_idle.val() <= self.max_timeout.val())
            & (self.t_linger.val() <= self.max_timeout.val());
        self.t_ok.next = self.t_fields_q.q.val()
            & (bit_cast::<34, 32>(self.t_idle.val()) > self.t_need_q.q.val());
        self.t_ok_q.d.next = self.t_ok.val();
        self.first_bucket.next = self.pl.q.val().get_bits::<16>(312);
        // LOOKUP: family, then source and destination (`encode_lookup`).
        self.fkey.src_ip.next = self.pl.q.val().get_bits::<128>(40);
        self.fkey.src_port.next = self.pl.q.val().get_bits::<16>(168);
        self.fkey.dst_ip.next = self.pl.q.val().get_bits::<128>(184);
        self.fkey.dst_port.next = self.pl.q.val().get_bits::<16>(312);
        // Family 0 (IPv4, whose addresses have no bits above 32) or 1 (IPv6).
        self.lk_family_ok.next = (self.pl.q.val().get_bits::<8>(32) == self.one8.val())
            || ((self.pl.q.val().get_bits::<8>(32) == self.zero8.val())
                && (self.pl.q.val().get_bits::<TOP_IP_BITS>(72) == self.zero96.val())
                && (self.pl.q.val().get_bits::<TOP_IP_BITS>(216) == self.zero96.val()));
        self.hash_word.next.lo_ip = self.fkey.lo_ip.val();
        self.hash_word.next.hi_ip = self.fkey.hi_ip.val();
        self.hash_word.next.lo_port = self.fkey.lo_port.val();
        self.hash_word.next.hi_port = self.fkey.hi_port.val();
        self.hash_word4.next.zero = self.zero192.val();
        self.hash_word4.next.lo_ip = self.fkey.lo_ip.val().get_bits::<32>(0);
        self.hash_word4.next.hi_ip = self.fkey.hi_ip.val().get_bits::<32>(0);
        self.hash_word4.next.lo_port = self.fkey.lo_port.val();
        self.hash_word4.next.hi_port = self.fkey.hi_port.val();
        self.hash_in.next = self.hash_word4.val().into();
        if self.pl.q.val().get_bit(32) {
            self.hash_in.next = self.hash_word.val().into();
        }
        self.hasher.data.next = self.hash_in.val();
        self.hasher.key.next = self.key_word.val();
        self.hasher.start.next = false;

        // ---- pieces
        self.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.hdr_piece.next.version_kind = self.kind_q.q.val();
        self.hdr_piece.next.seq = self.seq_q.q.val();
        self.hdr_piece.next.op = self.op_q.q.val();
        self.hdr_piece.next.flags = self.flags_q.q.val();
        self.err_piece.next.code = self.err_q.q.val();
        self.err_piece.next.op = self.op_q.q.val();
        self.cfg_t.next.time_wait = bit_cast::<32, TIMEOUT_BITS>(self.tw_q.q.val());
        self.cfg_t.next.handshake = bit_cast::<32, TIMEOUT_BITS>(self.hs_q.q.val());
        self.cfg_t.next.fin_wait_2 = bit_cast::<32, TIMEOUT_BITS>(self.fw2_q.q.val());
        self.cfg_t.next.idle = bit_cast::<32, TIMEOUT_BITS>(self.idle_q.q.val());
        self.cfg_t.next.linger = bit_cast::<32, TIMEOUT_BITS>(self.linger_q.q.val());
        self.cfg_rest.next.event_mask = self.mask_q.q.val();
        self.cfg_rest.next.event_rate = self.rate_q.q.val();
        self.cfg_rest.next.baud_code = bit_cast::<8, 3>(self.baud_q.q.val());
        self.key_half0.next.bytes = self.key_wire.q.val().get_bits::<160>(0);
        self.key_half1.next.bytes = self.key_wire.q.val().get_bits::<160>(160);
        self.link_a.next.frames_ok = self.frames_ok.val();
        self.link_a.next.bad_fcs = self.bad_fcs.val();
        self.link_a.next.too_long = self.too_long.val();
        self.link_a.next.garbage = self.garbage.val();
        self.link_a.next.aborted = self.aborted.val();
        self.link_b.next.unknown_op = self.n_unknown_op.q.val();
        self.link_b.next.bad_length = self.n_bad_length.q.val();
        self.link_b.next.responses = self.n_responses.q.val();
        self.link_b.next.events_sent = self.events.events_sent.val();
        self.link_b.next.events_rate_limited = self.events.events_rate_limited.val();
        self.link_b.next.too_short = self.too_short.val();
        self.phy_piece.next.found = self.phy_found.val();
        self.phy_piece.next.zero7 = self.zero7.val();
        self.phy_piece.next.addr = self.phy_addr.val();
        self.phy_piece.next.zero3 = self.zero3.val();
        self.phy_piece.next.id1 = self.phy_id1.val();
        self.phy_piece.next.id2 = self.phy_id2.val();
        self.phy_piece.next.bmsr = self.phy_bmsr.val();
        self.phy_piece.next.physts = self.phy_physts.val();
        self.phy_piece.next.polls = self.phy_polls.val();
        self.d_err.next = self.zero8.val();
        self.cur_slot.next = (bit_cast::<16, B>(self.cur_bucket.q.val()) << 2)
            | bit_cast::<16, 2>(self.cur_way.q.val());
        self.rd_rec.next.slot = self.cur_slot.val();
        self.rd_rec.next.entry =
            bit_cast::<{ ENTRY_BYTES * 8 }, { EntryBits::BITS }>(self.core_rd_entry.val().into());
        self.dbuf.write_enable.next = false;
        self.dbuf.write_address.next = self.wr_ptr.q.val();
        self.dbuf.write_data.next = self.rd_rec.val();
        self.dbuf.read_address.next = self.rd_ptr.q.val();
        // A head (IPv6: an even way) or an IPv4 entry holding the key's low bits and ports.
        self.lk_match.next = self.core_rd_alive.val()
            & (self.core_rd_entry.val().v6 == self.lk_v6.q.val())
            & (!self.lk_v6.q.val() | !self.cur_way.q.val().get_bit(0))
            & (self.core_rd_entry.val().lo_ip == self.lk_lo_ip.q.val())
            & (self.core_rd_entry.val().lo_port == self.lk_lo_port.q.val())
            & (self.core_rd_entry.val().hi_ip == self.lk_hi_ip.q.val())
            & (self.core_rd_entry.val().hi_port == self.lk_hi_port.q.val());
        self.rd_cont.word.next = self.core_rd_entry.val();
        self.lk_top_match.next = (self.rd_cont.cont.val().lo_ip_top == self.lk_lo_top.q.val())
            & (self.rd_cont.cont.val().hi_ip_top == self.lk_hi_top.q.val());
        // ---- events: the core's oldest record into the responder, which decides as the
        // sequencer pops it
        self.events.clock.next = self.clock.val();
        self.events.reset.next = self.reset.val();
        self.events.take.next = false;
        self.events.mask.next = self.mask_q.q.val();
        self.events.rate.next = self.rate_q.q.val();
        self.events.ev_created.next = self.core_ev_created.val();
        self.events.ev_refused.next = self.core_ev_refused.val();
        self.events.ev_evicted.next = self.core_ev_evicted.val();
        self.events.ev_reincarnated.next = self.core_ev_reincarnated.val();
        self.events.ev_lo_changed.next = self.core_ev_lo_changed.val();
        self.events.ev_hi_changed.next = self.core_ev_hi_changed.val();
        self.events.ev_bucket.next = self.core_ev_bucket.val();
        self.events.ev_way.next = self.core_ev_way.val();
        self.events.ev_lo_before.next = self.core_ev_lo_before.val();
        self.events.ev_hi_before.next = self.core_ev_hi_before.val();
        self.events.ev_lo_after.next = self.core_ev_lo_after.val();
        self.events.ev_hi_after.next = self.core_ev_hi_after.val();
        self.events.ev_v6.next = self.core_ev_v6.val();
        self.events.ev_lo_ip.next = self.core_ev_lo_ip.val();
        self.events.ev_lo_port.next = self.core_ev_lo_port.val();
        self.events.ev_hi_ip.next = self.core_ev_hi_ip.val();
        self.events.ev_hi_port.next = self.core_ev_hi_port.val();
        self.events.ev_time.next = self.core_ev_time.val();
        self.events.ev_client_is_lo.next = self.core_ev_client_is_lo.val();

        // ---- transmit: a byte a cycle from the low end of the piece
        if (self.tx_n.q.val() != self.n_zero.val()) & self.m_ready.val() {
            self.tx_sr.d.next = self.tx_sr.q.val() >> 8;
            self.tx_n.d.next = self.tx_n.q.val() - self.n_one.val();
        }

        // ---- the FSM
        self.ld_hdr.next = false;
        self.ld_err.next = false;
        self.ld_ident.next = false;
        self.ld_ping.next = false;
        self.ld_cnt_now.next = false;
        self.ld_counter.next = false;
        self.ld_gauge.next = false;
        self.ld_link_a.next = false;
        self.ld_link_b.next = false;
        self.ld_phy.next = false;
        self.ld_dump_now.next = false;
        self.ld_slot.next = false;
        self.ld_cfg_t.next = false;
        self.ld_cfg_rest.next = false;
        self.ld_key_half0.next = false;
        self.ld_key_half1.next = false;
        self.ld_lookup.next = false;
        self.ld_cont.next = false;
        self.ld_event.next = false;
        self.ld_event6a.next = false;
        self.ld_event6b.next = false;
        if self.state.q.val() == self.s_idle.val() {
            if self.held.q.val() {
                self.state.d.next = self.s_decode.val();
            } else if self.core_ev_valid.val() {
                // The oldest event record: the responder keeps it and says whether it goes out.
                self.core_ev_pop.next = true;
                self.events.take.next = true;
                if self.events.send.val() {
                    self.kind_q.d.next = self.vk_event.val();
                    self.seq_q.d.next = self.events.seq.val();
                    self.op_q.d.next = self.op_event.val();
                    self.flags_q.d.next = self.zero8.val();
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_ev_body.val();
                    self.state.d.next = self.s_hdr.val();
                }
            }
        } else if self.state.q.val() == self.s_decode.val() {
            // Answer header fields; then the checks, in the order of the module doc.
            self.seq_q.d.next = self.hdr.q.val().get_bits::<8>(8);
            self.op_q.d.next = self.op.val();
            self.flags_q.d.next = self.zero8.val();
            self.idx.d.next = self.len_zero.val();
            self.kind_q.d.next = self.vk_response.val();
            self.hdr_final.d.next = true;
            self.ret_q.d.next = self.s_done.val();
            self.state.d.next = self.s_hdr.val();
            if self.hdr.q.val().get_bits::<4>(0) != self.kind_request.val() {
                // Not a request (our own frames echoed): no answer.
                self.held.d.next = false;
                self.state.d.next = self.s_idle.val();
            } else if self.hdr.q.val().get_bits::<4>(4) != self.version.val() {
                self.d_err.next = self.e_bad_version.val();
            } else if self.op.val() == self.op_identify.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_ident_body.val();
                }
            } else if self.op.val() == self.op_ping.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_ping_body.val();
                }
            } else if self.op.val() == self.op_counters.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.snap_q.d.next = true;
                    self.frozen_q.d.next = true;
                    self.cidx.d.next = self.ci_zero.val();
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_cnt_now.val();
                }
            } else if self.op.val() == self.op_histogram.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.snap_q.d.next = true;
                    self.frozen_q.d.next = true;
                    self.cidx.d.next = self.ci_gauge.val();
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_hist_body.val();
                }
            } else if self.op.val() == self.op_dump.val() {
                if self.plen.val() != self.len_2.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else if self.first_bucket.val() > self.last_bucket16.val() {
                    self.d_err.next = self.e_bad_argument.val();
                } else {
                    self.cur_bucket.d.next = self.first_bucket.val().get_bits::<B>(0);
                    self.cur_way.d.next = self.way_zero.val();
                    self.scan_done.d.next = false;
                    self.fcount.d.next = self.db_zero.val();
                    self.wr_ptr.d.next = self.db_zero.val();
                    self.rd_ptr.d.next = self.db_zero.val();
                    self.state.d.next = self.s_dump_scan.val();
                }
            } else if self.op.val() == self.op_lookup.val() {
                if self.plen.val() != self.len_37.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else if !self.lk_family_ok.val() {
                    self.d_err.next = self.e_bad_argument.val();
                } else {
                    self.lk_v6.d.next = self.pl.q.val().get_bit(32);
                    self.lk_lo_ip.d.next = self.fkey.lo_ip.val().get_bits::<32>(0);
                    self.lk_lo_top.d.next = self.fkey.lo_ip.val().get_bits::<TOP_IP_BITS>(32);
                    self.lk_lo_port.d.next = self.fkey.lo_port.val();
                    self.lk_hi_ip.d.next = self.fkey.hi_ip.val().get_bits::<32>(0);
                    self.lk_hi_top.d.next = self.fkey.hi_ip.val().get_bits::<TOP_IP_BITS>(32);
                    self.lk_hi_port.d.next = self.fkey.hi_port.val();
                    self.hasher.start.next = true;
                    self.state.d.next = self.s_lk_hash.val();
                }
            } else if self.op.val() == self.op_get_config.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_cfg_t.val();
                }
            } else if self.op.val() == self.op_set_config.val() {
                if self.plen.val() == self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else if self.item.q.val() == self.item_timeouts.val() {
                    if self.plen.val() != self.len_timeouts.val() {
                        self.d_err.next = self.e_bad_length.val();
                    } else if !self.t_ok_q.q.val() {
                        self.d_err.next = self.e_bad_argument.val();
                    } else {
                        self.tw_q.d.next = self.t_tw.val().get_bits::<TIMEOUT_BITS>(0);
                        self.hs_q.d.next = self.t_hs.val().get_bits::<TIMEOUT_BITS>(0);
                        self.fw2_q.d.next = self.t_fw2.val().get_bits::<TIMEOUT_BITS>(0);
                        self.idle_q.d.next = self.t_idle.val().get_bits::<TIMEOUT_BITS>(0);
                        self.linger_q.d.next = self.t_linger.val().get_bits::<TIMEOUT_BITS>(0);
                        self.to_load_q.d.next = true;
                    }
                } else if self.item.q.val() == self.item_mask.val() {
                    if self.plen.val() != self.len_2.val() {
                        self.d_err.next = self.e_bad_length.val();
                    } else {
                        self.mask_q.d.next = self.pl.q.val().get_bits::<8>(320);
                    }
                } else if self.item.q.val() == self.item_rate.val() {
                    if self.plen.val() != self.len_3.val() {
                        self.d_err.next = self.e_bad_length.val();
                    } else {
                        self.rate_q.d.next = self.pl.q.val().get_bits::<16>(312);
                    }
                } else if self.item.q.val() == self.item_baud.val() {
                    if self.plen.val() != self.len_2.val() {
                        self.d_err.next = self.e_bad_length.val();
                    } else if self.pl.q.val().get_bits::<8>(320) > self.baud_last.val() {
                        self.d_err.next = self.e_bad_argument.val();
                    } else {
                        self.new_baud.d.next = self.pl.q.val().get_bits::<3>(320);
                        self.ret_q.d.next = self.s_baud_wait.val();
                    }
                } else if self.item.q.val() == self.item_key.val() {
                    if self.plen.val() != self.len_key.val() {
                        self.d_err.next = self.e_bad_length.val();
                    } else {
                        self.key_wire.d.next = self.pl.q.val().get_bits::<KEY_BITS>(8);
                        self.key_load_q.d.next = true;
                    }
                } else {
                    self.d_err.next = self.e_bad_argument.val();
                }
            } else if self.op.val() == self.op_clear.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.clear_q.d.next = true;
                }
            } else if self.op.val() == self.op_reset_table.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.key_load_q.d.next = true;
                }
            } else if self.op.val() == self.op_link.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_link_body.val();
                }
            } else if self.op.val() == self.op_phy.val() {
                if self.plen.val() != self.len_zero.val() {
                    self.d_err.next = self.e_bad_length.val();
                } else {
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = self.s_phy_body.val();
                }
            } else {
                self.d_err.next = self.e_unknown_op.val();
            }
            // A refused request: an error frame (header, then code and op).
            self.err_q.d.next = self.d_err.val();
            if self.d_err.val() != self.zero8.val() {
                self.kind_q.d.next = self.vk_error.val();
                self.hdr_final.d.next = false;
                self.ret_q.d.next = self.s_err_body.val();
                self.state.d.next = self.s_hdr.val();
                if self.d_err.val() == self.e_unknown_op.val() {
                    self.n_unknown_op.d.next = self.n_unknown_op.q.val() + self.one_link.val();
                }
                if self.d_err.val() == self.e_bad_length.val() {
                    self.n_bad_length.d.next = self.n_bad_length.q.val() + self.one_link.val();
                }
            }
        } else if self.state.q.val() == self.s_hdr.val() {
            if self.free.val() {
                self.ld_hdr.next = true;
                self.tx_n.d.next = self.n_hdr.val();
                self.tx_final.d.next = self.hdr_final.q.val();
                self.state.d.next = self.ret_q.q.val();
                if self.kind_q.q.val() != self.vk_event.val() {
                    self.n_responses.d.next = self.n_responses.q.val() + self.one_link.val();
                }
            }
        } else if self.state.q.val() == self.s_err_body.val() {
            if self.free.val() {
                self.ld_err.next = true;
                self.tx_n.d.next = self.n_err.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_ident_body.val() {
            if self.free.val() {
                self.ld_ident.next = true;
                self.tx_n.d.next = self.n_ident.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_ping_body.val() {
            if self.free.val() {
                self.ld_ping.next = true;
                self.tx_n.d.next = self.n_one.val();
                self.tx_final.d.next = self.idx.q.val() == self.plen_m1.val();
                self.idx.d.next = self.idx.q.val() + self.len_one.val();
                self.wait_q.d.next = true;
                if self.idx.q.val() == self.plen_m1.val() {
                    self.state.d.next = self.s_done.val();
                }
            }
        } else if self.state.q.val() == self.s_cnt_now.val() {
            if self.free.val() {
                self.ld_cnt_now.next = true;
                self.tx_n.d.next = self.n_now.val();
                self.tx_final.d.next = false;
                self.state.d.next = self.s_cnt_body.val();
            }
        } else if self.state.q.val() == self.s_cnt_body.val() {
            if self.free.val() {
                self.ld_counter.next = true;
                self.tx_n.d.next = self.n_counter.val();
                self.tx_final.d.next = self.idx.q.val() == self.len_last_counter.val();
                self.idx.d.next = self.idx.q.val() + self.len_one.val();
                self.cidx.d.next = self.cidx.q.val() + self.ci_one.val();
                self.wait_q.d.next = true;
                if self.idx.q.val() == self.len_last_counter.val() {
                    self.state.d.next = self.s_done.val();
                }
            }
        } else if self.state.q.val() == self.s_hist_body.val() {
            if self.free.val() {
                self.ld_gauge.next = true;
                self.tx_n.d.next = self.n_gauge.val();
                self.tx_final.d.next = self.idx.q.val() == self.len_last_gauge.val();
                self.idx.d.next = self.idx.q.val() + self.len_one.val();
                self.cidx.d.next = self.cidx.q.val() + self.ci_one.val();
                self.wait_q.d.next = true;
                if self.idx.q.val() == self.len_last_gauge.val() {
                    self.state.d.next = self.s_done.val();
                }
            }
        } else if self.state.q.val() == self.s_link_body.val() {
            // `LinkCounter` order: the deframer's five, the engine's five, then `too_short`.
            if self.free.val() {
                self.tx_n.d.next = self.n_link.val();
                if self.idx.q.val() == self.len_zero.val() {
                    self.ld_link_a.next = true;
                    self.tx_final.d.next = false;
                    self.idx.d.next = self.len_one.val();
                } else {
                    self.tx_n.d.next = self.n_link_b.val();
                    self.ld_link_b.next = true;
                    self.tx_final.d.next = true;
                    self.state.d.next = self.s_done.val();
                }
            }
        } else if self.state.q.val() == self.s_phy_body.val() {
            if self.free.val() {
                self.tx_n.d.next = self.n_phy.val();
                self.ld_phy.next = true;
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_dump_scan.val() {
            // Scan until one more live slot than a frame holds, or the end of the table.
            if (self.fcount.q.val() == self.db_full.val()) | self.scan_done.q.val() {
                self.kind_q.d.next = self.vk_response.val();
                self.flags_q.d.next = self.zero8.val();
                self.nent_m1.d.next = self.fcount.q.val() - self.db_one.val();
                if self.fcount.q.val() == self.db_full.val() {
                    self.flags_q.d.next = self.flag_more.val();
                    self.nent_m1.d.next = self.db_frame.val();
                }
                self.hdr_final.d.next = false;
                self.ret_q.d.next = self.s_dump_now.val();
                self.state.d.next = self.s_hdr.val();
            } else {
                self.core_rd_req.next = true;
                self.state.d.next = self.s_dump_wait.val();
            }
        } else if self.state.q.val() == self.s_dump_wait.val() {
            if self.core_rd_valid.val() {
                if self.core_rd_alive.val() {
                    self.dbuf.write_enable.next = true;
                    self.wr_ptr.d.next = self.wr_ptr.q.val() + self.db_one.val();
                    self.fcount.d.next = self.fcount.q.val() + self.db_one.val();
                }
                if self.cur_way.q.val() == self.way_last.val() {
                    self.cur_way.d.next = self.way_zero.val();
                    if self.cur_bucket.q.val() == self.last_bucket.val() {
                        self.scan_done.d.next = true;
                    } else {
                        self.cur_bucket.d.next = self.cur_bucket.q.val() + self.one_b.val();
                    }
                } else {
                    self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                }
                self.state.d.next = self.s_dump_scan.val();
            }
        } else if self.state.q.val() == self.s_dump_now.val() {
            if self.free.val() {
                self.ld_dump_now.next = true;
                self.tx_n.d.next = self.n_now.val();
                self.idx.d.next = self.len_zero.val();
                self.tx_final.d.next = self.fcount.q.val() == self.db_zero.val();
                if self.fcount.q.val() == self.db_zero.val() {
                    self.state.d.next = self.s_dump_next.val();
                } else {
                    self.state.d.next = self.s_dump_body.val();
                }
            }
        } else if self.state.q.val() == self.s_dump_body.val() {
            if self.free.val() {
                self.ld_slot.next = true;
                self.tx_n.d.next = self.n_slot.val();
                self.tx_final.d.next =
                    self.idx.q.val().get_bits::<DUMP_BUF_BITS>(0) == self.nent_m1.q.val();
                self.idx.d.next = self.idx.q.val() + self.len_one.val();
                self.rd_ptr.d.next = self.rd_ptr.q.val() + self.db_one.val();
                self.wait_q.d.next = true;
                if self.idx.q.val().get_bits::<DUMP_BUF_BITS>(0) == self.nent_m1.q.val() {
                    self.state.d.next = self.s_dump_next.val();
                }
            }
        } else if self.state.q.val() == self.s_dump_next.val() {
            if self.fcount.q.val() == self.db_full.val() {
                // The extra slot opens the next frame.
                self.fcount.d.next = self.db_one.val();
                self.state.d.next = self.s_dump_scan.val();
            } else {
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_cfg_t.val() {
            if self.free.val() {
                self.ld_cfg_t.next = true;
                self.tx_n.d.next = self.n_cfg_t.val();
                self.tx_final.d.next = false;
                self.state.d.next = self.s_cfg_rest.val();
            }
        } else if self.state.q.val() == self.s_cfg_rest.val() {
            if self.free.val() {
                self.ld_cfg_rest.next = true;
                self.tx_n.d.next = self.n_cfg_rest.val();
                self.tx_final.d.next = false;
                self.state.d.next = self.s_cfg_key1.val();
            }
        } else if self.state.q.val() == self.s_cfg_key1.val() {
            if self.free.val() {
                self.ld_key_half0.next = true;
                self.tx_n.d.next = self.n_key_half.val();
                self.tx_final.d.next = false;
                self.state.d.next = self.s_cfg_key2.val();
            }
        } else if self.state.q.val() == self.s_cfg_key2.val() {
            if self.free.val() {
                self.ld_key_half1.next = true;
                self.tx_n.d.next = self.n_key_half.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_lk_hash.val() {
            // The bit-serial hash (`LookupHasher`) places the tuple's bucket.
            if self.hasher.done.val() {
                self.cur_bucket.d.next = self.hasher.hash.val().get_bits::<B>(0);
                self.cur_way.d.next = self.way_zero.val();
                self.state.d.next = self.s_lk_read.val();
            }
        } else if self.state.q.val() == self.s_lk_read.val() {
            self.core_rd_req.next = true;
            self.state.d.next = self.s_lk_wait.val();
        } else if self.state.q.val() == self.s_lk_wait.val() {
            if self.core_rd_valid.val() {
                self.lk_piece.d.next.slot = self.cur_slot.val();
                self.lk_piece.d.next.entry = self.rd_rec.val().entry;
                if self.lk_match.val() & self.lk_v6.q.val() {
                    // The head of an IPv6 entry with the key's low bits: its continuation next.
                    self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                    self.state.d.next = self.s_lk_read2.val();
                } else if self.lk_match.val() {
                    self.lk_found.d.next = true;
                    self.lk_piece.d.next.found = self.one8.val();
                    self.state.d.next = self.s_lk_ans.val();
                } else if self.cur_way.q.val() == self.way_last.val() {
                    self.lk_found.d.next = false;
                    self.lk_piece.d.next.found = self.zero8.val();
                    self.state.d.next = self.s_lk_ans.val();
                } else {
                    self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                    self.state.d.next = self.s_lk_read.val();
                }
            }
        } else if self.state.q.val() == self.s_lk_read2.val() {
            self.core_rd_req.next = true;
            self.state.d.next = self.s_lk_wait2.val();
        } else if self.state.q.val() == self.s_lk_wait2.val() {
            if self.core_rd_valid.val() {
                self.lk_cont.d.next.entry = self.rd_rec.val().entry;
                if self.core_rd_alive.val() & self.lk_top_match.val() {
                    self.lk_found.d.next = true;
                    self.lk_piece.d.next.found = self.one8.val();
                    self.state.d.next = self.s_lk_ans.val();
                } else if self.cur_way.q.val() == self.way_last.val() {
                    self.lk_found.d.next = false;
                    self.lk_piece.d.next.found = self.zero8.val();
                    self.state.d.next = self.s_lk_ans.val();
                } else {
                    self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                    self.state.d.next = self.s_lk_read.val();
                }
            }
        } else if self.state.q.val() == self.s_lk_ans.val() {
            self.kind_q.d.next = self.vk_response.val();
            self.flags_q.d.next = self.zero8.val();
            self.hdr_final.d.next = false;
            self.ret_q.d.next = self.s_lk_body.val();
            self.state.d.next = self.s_hdr.val();
        } else if self.state.q.val() == self.s_lk_body.val() {
            if self.free.val() {
                self.ld_lookup.next = true;
                self.tx_n.d.next = self.n_one.val();
                if self.lk_found.q.val() {
                    self.tx_n.d.next = self.n_lookup.val();
                }
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
                if self.lk_found.q.val() & self.lk_v6.q.val() {
                    self.tx_final.d.next = false;
                    self.state.d.next = self.s_lk_body2.val();
                }
            }
        } else if self.state.q.val() == self.s_lk_body2.val() {
            if self.free.val() {
                self.ld_cont.next = true;
                self.tx_n.d.next = self.n_entry.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_done.val();
            }
        } else if self.state.q.val() == self.s_ev_body.val() {
            if self.free.val() {
                self.ld_event.next = true;
                self.tx_n.d.next = self.n_event.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_idle.val();
                if self.events.v6.val() {
                    self.ld_event.next = false;
                    self.ld_event6a.next = true;
                    self.tx_n.d.next = self.n_event6a.val();
                    self.tx_final.d.next = false;
                    self.state.d.next = self.s_ev_body2.val();
                }
            }
        } else if self.state.q.val() == self.s_ev_body2.val() {
            if self.free.val() {
                self.ld_event6b.next = true;
                self.tx_n.d.next = self.n_event6b.val();
                self.tx_final.d.next = true;
                self.state.d.next = self.s_idle.val();
            }
        } else if self.state.q.val() == self.s_baud_wait.val() {
            // The answer has left at the old rate: switch.
            if self.free.val() & self.tx_idle.val() {
                self.baud_q.d.next = self.new_baud.q.val();
                self.state.d.next = self.s_done.val();
            }
        } else {
            // DONE: release the request.
            self.held.d.next = false;
            self.frozen_q.d.next = false;
            self.state.d.next = self.s_idle.val();
        }

        // ---- the piece loaded this cycle (at most one `ld_*` is set: the FSM is in one state)
        self.tx_hdr.next = self.tx_none.val();
        if self.ld_hdr.val() {
            self.tx_hdr.next = bit_cast::<TX_BITS, 32>(self.hdr_piece.val().into());
        }
        self.tx_err.next = self.tx_none.val();
        if self.ld_err.val() {
            self.tx_err.next = bit_cast::<TX_BITS, 16>(self.err_piece.val().into());
        }
        self.tx_ident.next = self.tx_none.val();
        if self.ld_ident.val() {
            self.tx_ident.next = bit_cast::<TX_BITS, { IDENT_BYTES * 8 }>(self.ident.val());
        }
        self.tx_ping.next = self.tx_none.val();
        if self.ld_ping.val() {
            self.tx_ping.next = bit_cast::<TX_BITS, 8>(self.pram.read_data.val());
        }
        self.tx_cnt_now.next = self.tx_none.val();
        if self.ld_cnt_now.val() {
            self.tx_cnt_now.next = bit_cast::<TX_BITS, 32>(self.now_snap.q.val());
        }
        self.tx_counter.next = self.tx_none.val();
        if self.ld_counter.val() {
            self.tx_counter.next = bit_cast::<TX_BITS, COUNTER_BITS>(self.core_counter_value.val());
        }
        self.tx_gauge.next = self.tx_none.val();
        if self.ld_gauge.val() {
            self.tx_gauge.next =
                bit_cast::<TX_BITS, 16>(self.core_counter_value.val().get_bits::<16>(0));
        }
        self.tx_link_a.next = self.tx_none.val();
        if self.ld_link_a.val() {
            self.tx_link_a.next =
                bit_cast::<TX_BITS, { LinkPieceA::BITS }>(self.link_a.val().into());
        }
        self.tx_link_b.next = self.tx_none.val();
        if self.ld_link_b.val() {
            self.tx_link_b.next =
                bit_cast::<TX_BITS, { LinkPieceB::BITS }>(self.link_b.val().into());
        }
        self.tx_phy.next = self.tx_none.val();
        if self.ld_phy.val() {
            self.tx_phy.next = bit_cast::<TX_BITS, { PhyPiece::BITS }>(self.phy_piece.val().into());
        }
        self.tx_dump_now.next = self.tx_none.val();
        if self.ld_dump_now.val() {
            self.tx_dump_now.next = bit_cast::<TX_BITS, 32>(self.core_now.val());
        }
        self.tx_slot.next = self.tx_none.val();
        if self.ld_slot.val() {
            self.tx_slot.next =
                bit_cast::<TX_BITS, { SlotPiece::BITS }>(self.dbuf.read_data.val().into());
        }
        self.tx_cfg_t.next = self.tx_none.val();
        if self.ld_cfg_t.val() {
            self.tx_cfg_t.next =
                bit_cast::<TX_BITS, { TimeoutsPiece::BITS }>(self.cfg_t.val().into());
        }
        self.tx_cfg_rest.next = self.tx_none.val();
        if self.ld_cfg_rest.val() {
            self.tx_cfg_rest.next =
                bit_cast::<TX_BITS, { ConfigPiece::BITS }>(self.cfg_rest.val().into());
        }
        self.tx_key_half0.next = self.tx_none.val();
        if self.ld_key_half0.val() {
            self.tx_key_half0.next =
                bit_cast::<TX_BITS, { KeyHalfPiece::BITS }>(self.key_half0.val().into());
        }
        self.tx_key_half1.next = self.tx_none.val();
        if self.ld_key_half1.val() {
            self.tx_key_half1.next =
                bit_cast::<TX_BITS, { KeyHalfPiece::BITS }>(self.key_half1.val().into());
        }
        self.tx_lookup.next = self.tx_none.val();
        if self.ld_lookup.val() {
            self.tx_lookup.next =
                bit_cast::<TX_BITS, { LookupPiece::BITS }>(self.lk_piece.q.val().into());
        }
        self.tx_cont.next = self.tx_none.val();
        if self.ld_cont.val() {
            self.tx_cont.next =
                bit_cast::<TX_BITS, { EntryPiece::BITS }>(self.lk_cont.q.val().into());
        }
        self.tx_event.next = self.tx_none.val();
        if self.ld_event.val() {
            self.tx_event.next =
                bit_cast::<TX_BITS, { EventPiece::BITS }>(self.events.piece.val().into());
        }
        self.tx_event6a.next = self.tx_none.val();
        if self.ld_event6a.val() {
            self.tx_event6a.next =
                bit_cast::<TX_BITS, { Event6PieceA::BITS }>(self.events.piece6a.val().into());
        }
        self.tx_event6b.next = self.tx_none.val();
        if self.ld_event6b.val() {
            self.tx_event6b.next =
                bit_cast::<TX_BITS, { Event6PieceB::BITS }>(self.events.piece6b.val().into());
        }
        self.tx_load.next = self.ld_hdr.val()
            | self.ld_err.val()
            | self.ld_ident.val()
            | self.ld_ping.val()
            | self.ld_cnt_now.val()
            | self.ld_counter.val()
            | self.ld_gauge.val()
            | self.ld_link_a.val()
            | self.ld_link_b.val()
            | self.ld_phy.val()
            | self.ld_dump_now.val()
            | self.ld_slot.val()
            | self.ld_cfg_t.val()
            | self.ld_cfg_rest.val()
            | self.ld_key_half0.val()
            | self.ld_key_half1.val()
            | self.ld_lookup.val()
            | self.ld_cont.val()
            | self.ld_event.val()
            | self.ld_event6a.val()
            | self.ld_event6b.val();
        if self.tx_load.val() {
            self.tx_sr.d.next = self.tx_hdr.val()
                | self.tx_err.val()
                | self.tx_ident.val()
                | self.tx_ping.val()
                | self.tx_cnt_now.val()
                | self.tx_counter.val()
                | self.tx_gauge.val()
                | self.tx_link_a.val()
                | self.tx_link_b.val()
                | self.tx_phy.val()
                | self.tx_dump_now.val()
                | self.tx_slot.val()
                | self.tx_cfg_t.val()
                | self.tx_cfg_rest.val()
                | self.tx_key_half0.val()
                | self.tx_key_half1.val()
                | self.tx_lookup.val()
                | self.tx_cont.val()
                | self.tx_event.val()
                | self.tx_event6a.val()
                | self.tx_event6b.val();
        }

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.state.d.next = self.s_idle.val();
            self.held.d.next = false;
            self.taking.d.next = false;
            self.tx_n.d.next = self.n_zero.val();
            self.wait_q.d.next = false;
            self.frozen_q.d.next = false;
            self.key_load_q.d.next = false;
            self.to_load_q.d.next = false;
            self.clear_q.d.next = false;
            self.snap_q.d.next = false;
            self.tw_q.d.next = self.tw_default.val();
            self.hs_q.d.next = self.hs_default.val();
            self.fw2_q.d.next = self.fw2_default.val();
            self.idle_q.d.next = self.idle_default.val();
            self.linger_q.d.next = self.linger_default.val();
            self.mask_q.d.next = self.mask_all.val();
            self.rate_q.d.next = self.zero16.val();
            self.baud_q.d.next = self.baud_zero.val();
            self.n_unknown_op.d.next = self.zero_link.val();
            self.n_bad_length.d.next = self.zero_link.val();
            self.n_responses.d.next = self.zero_link.val();
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize>(board: u8, clock_mhz: u8) -> CommandEngine<B> {
    let mut u = CommandEngine::<B>::new(board, clock_mhz);
    u.clock.connect();
    u.reset.connect();
    u.s_data.connect();
    u.s_valid.connect();
    u.s_first.connect();
    u.s_end.connect();
    u.s_status.connect();
    u.frames_ok.connect();
    u.bad_fcs.connect();
    u.too_long.connect();
    u.too_short.connect();
    u.garbage.connect();
    u.aborted.connect();
    u.m_ready.connect();
    u.tx_idle.connect();
    u.core_rd_valid.connect();
    u.core_rd_entry.connect();
    u.core_rd_alive.connect();
    u.core_counter_value.connect();
    u.core_now.connect();
    u.core_ev_valid.connect();
    u.core_ev_created.connect();
    u.core_ev_refused.connect();
    u.core_ev_evicted.connect();
    u.core_ev_reincarnated.connect();
    u.core_ev_lo_changed.connect();
    u.core_ev_hi_changed.connect();
    u.core_ev_bucket.connect();
    u.core_ev_way.connect();
    u.core_ev_lo_before.connect();
    u.core_ev_hi_before.connect();
    u.core_ev_lo_after.connect();
    u.core_ev_hi_after.connect();
    u.core_ev_v6.connect();
    u.core_ev_lo_ip.connect();
    u.core_ev_lo_port.connect();
    u.core_ev_hi_ip.connect();
    u.core_ev_hi_port.connect();
    u.core_ev_time.connect();
    u.core_ev_client_is_lo.connect();
    u.phy_found.connect();
    u.phy_addr.connect();
    u.phy_id1.connect();
    u.phy_id2.connect();
    u.phy_bmsr.connect();
    u.phy_physts.connect();
    u.phy_polls.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_engine_is_synthesizable() {
        let mut u: CommandEngine<{ crate::conn::conn_core::BUCKET_BITS_SMALL }> =
            connected(BOARD_SIM, 100);
        u.connect_all();
        yosys_validate("synscope_command_engine", &generate_verilog(&u)).unwrap();
    }

    #[test]
    fn identity_is_the_models_encoding() {
        let id = identity(11, BOARD_35T, 100);
        assert_eq!(id.encode().len(), IDENT_BYTES);
        assert_eq!(Identity::decode(&id.encode()), Some(id));
        assert_eq!(id.capacity(), 8192);
    }
}
