//! `command_engine`: the board side of the UART protocol (docs/protocol.md): request frames in
//! from the [`HdlcDeframer`](crate::HdlcDeframer), response and event frames out to the
//! [`HdlcFramer`](crate::HdlcFramer), the connection core driven through its host ports. It
//! knows nothing of the UART (a byte stream each way), so it is tested without bit timing.
//!
//! The engine is a sequencer over one block per part of the work (`link/engine/`, one a file):
//! the [`RequestFrontEnd`] keeps and validates the request; the sequencer ([`EngineState`])
//! decodes it, sends the answer's header and the small bodies itself, and hands the transmit
//! register to the responder of the operation ([`CounterResponder`], [`DumpResponder`],
//! [`LookupResponder`], [`ConfigResponder`], [`EventResponder`]) until it is `done`.
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
//!   gauges from the same kind of snapshot ([`CounterResponder`]).
//! * `READ_LINK`: `LinkCounter` order: the deframer's five counters, then the engine's own
//!   (`responses` counts frames sent in answer to requests, errors and each dump frame included).
//! * `DUMP_TABLE`: from the first bucket in the request to the last, ways 0..WAYS, through the
//!   core's read port (aged entries; dead and empty ways skipped). Live slots go into a
//!   16-record buffer; a frame is sent when the buffer holds `DUMP_ENTRIES_PER_FRAME + 1` of
//!   them (so `MORE` is known before the header: the extra one opens the next frame) or the scan
//!   has reached the end (the last frame, `MORE` clear; an empty table is one frame with `now`
//!   only). Each slot is `DumpChunk::encode`'s: `bucket << WAY_BITS | way`, then the `ENTRY_BYTES` (59)
//!   entry bytes; an IPv6 entry is two slots, its head and its continuation (alive while its
//!   head is) ([`DumpResponder`]).
//! * `LOOKUP`: the tuple ordered as `FlowKey::of` ([`FlowKey`](crate::conn::flow_key::FlowKey)),
//!   hashed bit-serially with the keyed Toeplitz hash (288 cycles: each set input bit, MSB
//!   first, XORs in the key window starting there — `hash::toeplitz`; an IPv4 key's 96 bits
//!   come first, then zeros: the [`LookupHasher`](crate::link::engine::LookupHasher)), then
//!   the bucket's ways read and their keys compared: an IPv4 key in any way, an IPv6 key in an
//!   even way (its head) and, when the head matches, in the way after it (its continuation).
//!   The answer is the slot and the entry's ways (IPv6: head, then continuation)
//!   ([`LookupResponder`]).
//! * `GET_CONFIG` / `SET_CONFIG`: the engine holds the configuration ([`ConfigResponder`]).
//!   Timeouts are loaded into the core (`timeouts_load`), a hash key too (`key_load`: the table
//!   is emptied, as `Table::set_hash_key`); `RESET_TABLE` loads the same key again. A baud code
//!   changes the `divisor` output only once the (empty) response has left the framer and
//!   `tx_idle` says the line is idle: the answer goes out at the old rate. `CLEAR_COUNTERS`
//!   pulses the core's `clear_counters` (the table, gauges, time and timeouts stay).
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

use crate::conn::counter_bank::{COUNTER_BITS, COUNTER_INDEX_BITS};
pub use crate::link::engine::config_responder::{
    ConfigPiece, KeyHalfPiece, KeyWord, TimeoutsPiece, KEY_HALF_BYTES,
};
pub use crate::link::engine::dump_responder::{SlotPiece, DUMP_BUF_BITS, SLOT_BYTES};
pub use crate::link::engine::event_responder::{Event6PieceA, Event6PieceB, EventPiece};
pub use crate::link::engine::lookup_responder::{EntryPiece, LookupPiece};
pub use crate::link::engine::request_front::{PAYLOAD_ADDR_BITS, PL_BYTES};
pub use crate::link::engine::short_responder::{
    ErrorPiece, LinkPieceA, LinkPieceB, PhyPiece, IDENT_BYTES,
};
pub use crate::link::engine::TX_BYTES;
use crate::link::engine::{
    le_word, ConfigResponder, CounterResponder, DumpResponder, EventResponder, LookupResponder,
    RequestFrontEnd, ShortResponder, PIECE_N_BITS, TX_BITS,
};
use crate::link::hdlc::LEN_BITS;
use crate::link::uart::DIVISOR_BITS;
use crate::parts::konst::konst as c;
use crate::ports::byte_stream::{FrameBytesIn, PacketOut};
use crate::ports::core_host::CoreClient;
use rust_hdl::prelude::*;
use synscope_model::protocol::payload::Identity;
use synscope_model::protocol::{Kind, Op, VERSION};
use synscope_model::Counter;

/// The design version in `IDENTIFY`.
pub const DESIGN_VERSION: u16 = 1;
/// Board codes of `IDENTIFY`.
pub const BOARD_SIM: u8 = 0;
pub const BOARD_35T: u8 = 1;
pub const BOARD_100T: u8 = 2;

/// The sequencer's states.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum EngineState {
    /// No request held: pop the oldest event record, if any.
    Idle,
    /// Check the held request and start its answer.
    Decode,
    /// Send the header in `kind_q/seq_q/op_q/flags_q`, then go to `ret_q`.
    Header,
    /// A responder has the transmit register until it is done (the header is the
    /// sequencer's): an error frame's body, `IDENTIFY`, `PING`, `READ_LINK`, `READ_PHY`
    /// ([`ShortResponder`]);
    Short,
    /// `READ_COUNTERS`, `READ_HISTOGRAM` ([`CounterResponder`]);
    Counters,
    /// `DUMP_TABLE` ([`DumpResponder`]: it asks for each frame's header);
    Dump,
    /// `LOOKUP` ([`LookupResponder`]: it asks for the header once the answer is known);
    Lookup,
    /// `GET_CONFIG`, and `SET_CONFIG`'s baud switch ([`ConfigResponder`]);
    Config,
    /// an `EVENT` frame ([`EventResponder`]): then back to `Idle`.
    Event,
    /// The request is answered: release it.
    Done,
}

/// A frame header (docs/protocol.md, "Header").
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct HeaderPiece {
    pub version_kind: Bits<8>,
    pub seq: Bits<8>,
    pub op: Bits<8>,
    pub flags: Bits<8>,
}

/// Bits of `HdlcDeframer`'s counters.
const LINK_BITS: usize = crate::link::hdlc::COUNTER_BITS;

/// The command engine for a core of `2^B` buckets.
#[derive(LogicBlock)]
pub struct CommandEngine<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    // ---- requests from the deframer
    /// Request frames from the deframer.
    pub s: FrameBytesIn,
    /// The deframer's counters (`READ_LINK`).
    pub frames_ok: Signal<In, Bits<LINK_BITS>>,
    pub bad_fcs: Signal<In, Bits<LINK_BITS>>,
    pub too_long: Signal<In, Bits<LINK_BITS>>,
    pub garbage: Signal<In, Bits<LINK_BITS>>,
    pub aborted: Signal<In, Bits<LINK_BITS>>,
    pub too_short: Signal<In, Bits<LINK_BITS>>,
    // ---- frames to the framer
    /// Answer frames to the framer.
    pub m: PacketOut,
    /// The line has sent everything (framer and transmitter idle): a new baud rate may apply.
    pub tx_idle: Signal<In, Bit>,
    /// Clock cycles per bit for the UART (`uart::divisor` of the baud code).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    // ---- core ports
    /// The core's host port (configuration, table read, time, events).
    pub core: CoreClient<B>,
    pub core_counter_index: Signal<Out, Bits<COUNTER_INDEX_BITS>>,
    pub core_counter_value: Signal<In, Bits<COUNTER_BITS>>,
    pub core_counter_snap: Signal<Out, Bit>,
    pub core_counter_frozen: Signal<Out, Bit>,
    // ---- the PHY as the MDIO master last read it (`READ_PHY`)
    pub phy_found: Signal<In, Bit>,
    pub phy_addr: Signal<In, Bits<5>>,
    pub phy_id1: Signal<In, Bits<16>>,
    pub phy_id2: Signal<In, Bits<16>>,
    pub phy_bmsr: Signal<In, Bits<16>>,
    pub phy_physts: Signal<In, Bits<16>>,
    pub phy_polls: Signal<In, Bits<16>>,
    // ---- the blocks
    front: RequestFrontEnd<B>,
    short: ShortResponder,
    counters: CounterResponder,
    dump: DumpResponder<B>,
    lookup: LookupResponder<B>,
    settings: ConfigResponder,
    events: EventResponder<B>,
    // ---- transmit
    tx_sr: DFF<Bits<TX_BITS>>,
    tx_n: DFF<Bits<PIECE_N_BITS>>,
    tx_final: DFF<Bit>,
    /// A responder loads a piece (the one that is `active`): `tx_sr` loads the OR of the
    /// pieces, each zero unless loaded, so every bit has only the pieces that reach it, not a
    /// priority chain of every state (3,814 LUTs of the engine synthesized alone, 35T-sized).
    ld_hdr: Signal<Local, Bit>,
    tx_hdr: Signal<Local, Bits<TX_BITS>>,
    ld_resp: Signal<Local, Bit>,
    tx_none: Constant<Bits<TX_BITS>>,
    /// One cycle after a load: a registered read (counter, RAM) is not yet valid.
    wait_q: DFF<Bit>,
    free: Signal<Local, Bit>,
    // ---- the sequencer
    state: DFF<EngineState>,
    ret_q: DFF<EngineState>,
    kind_q: DFF<Bits<8>>,
    seq_q: DFF<Bits<8>>,
    op_q: DFF<Bits<8>>,
    flags_q: DFF<Bits<8>>,
    hdr_final: DFF<Bit>,
    n_responses: DFF<Bits<LINK_BITS>>,
    hdr_piece: Signal<Local, HeaderPiece>,
    // ---- constants
    len_zero: Constant<Bits<LEN_BITS>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_one: Constant<Bits<PIECE_N_BITS>>,
    n_hdr: Constant<Bits<PIECE_N_BITS>>,
    one_link: Constant<Bits<LINK_BITS>>,
    zero_link: Constant<Bits<LINK_BITS>>,
    zero8: Constant<Bits<8>>,
    vk_response: Constant<Bits<8>>,
    vk_error: Constant<Bits<8>>,
    vk_event: Constant<Bits<8>>,
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
    op_phy: Constant<Bits<8>>,
    op_event: Constant<Bits<8>>,
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

impl<const B: usize> CommandEngine<B> {
    /// An engine for `board` (`BOARD_*`) clocked at `clock_mhz`.
    pub fn new(board: u8, clock_mhz: u8) -> Self {
        let id = identity(B, board, clock_mhz).encode();
        assert_eq!(id.len(), IDENT_BYTES);
        let vk = |k: Kind| ((VERSION << 4) | k as u8) as u64;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s: Default::default(),
            frames_ok: Default::default(),
            bad_fcs: Default::default(),
            too_long: Default::default(),
            too_short: Default::default(),
            garbage: Default::default(),
            aborted: Default::default(),
            m: Default::default(),
            tx_idle: Default::default(),
            divisor: Default::default(),
            core: Default::default(),
            core_counter_index: Default::default(),
            core_counter_value: Default::default(),
            core_counter_snap: Default::default(),
            core_counter_frozen: Default::default(),
            phy_found: Default::default(),
            phy_addr: Default::default(),
            phy_id1: Default::default(),
            phy_id2: Default::default(),
            phy_bmsr: Default::default(),
            phy_physts: Default::default(),
            phy_polls: Default::default(),
            front: Default::default(),
            short: ShortResponder::new(le_word(&id)),
            counters: Default::default(),
            dump: Default::default(),
            lookup: Default::default(),
            settings: ConfigResponder::new(clock_mhz),
            events: EventResponder::new(clock_mhz),
            tx_sr: Default::default(),
            tx_n: Default::default(),
            tx_final: Default::default(),
            ld_hdr: Default::default(),
            tx_hdr: Default::default(),
            ld_resp: Default::default(),
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
            n_responses: Default::default(),
            hdr_piece: Default::default(),
            len_zero: c(0),
            n_zero: c(0),
            n_one: c(1),
            n_hdr: c(HeaderPiece::BITS as u64 / 8),
            one_link: c(1),
            zero_link: c(0),
            zero8: c(0),
            vk_response: c(vk(Kind::Response)),
            vk_error: c(vk(Kind::Error)),
            vk_event: c(vk(Kind::Event)),
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
            op_phy: c(Op::ReadPhy as u64),
            op_event: c(Op::Event as u64),
        }
    }
}

// `update()` takes no match guards (`#[hdl_gen]`): an arm's condition is an `if` in it.
#[allow(clippy::collapsible_match)]
impl<const B: usize> Logic for CommandEngine<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
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
            n_responses
        );
        // ---- the blocks' clocks and inputs
        self.front.clock.next = self.clock.val();
        self.front.reset.next = self.reset.val();
        self.front.s_data.next = self.s.data.val();
        self.front.s_valid.next = self.s.valid.val();
        self.front.s_first.next = self.s.first.val();
        self.front.s_end.next = self.s.end.val();
        self.front.s_status.next = self.s.status.val();
        self.front.rd_addr.next = self.short.rd_addr.val();
        self.short.clock.next = self.clock.val();
        self.short.err.next = self.front.err.val();
        self.short.op.next = self.op_q.q.val();
        self.short.rd_data.next = self.front.rd_data.val();
        self.short.plen_m1.next = self.front.plen_m1.val();
        self.short.frames_ok.next = self.frames_ok.val();
        self.short.bad_fcs.next = self.bad_fcs.val();
        self.short.too_long.next = self.too_long.val();
        self.short.garbage.next = self.garbage.val();
        self.short.aborted.next = self.aborted.val();
        self.short.too_short.next = self.too_short.val();
        self.short.unknown_op.next = self.front.unknown_op.val();
        self.short.bad_length.next = self.front.bad_length.val();
        self.short.responses.next = self.n_responses.q.val();
        self.short.events_sent.next = self.events.events_sent.val();
        self.short.events_rate_limited.next = self.events.events_rate_limited.val();
        self.short.phy_found.next = self.phy_found.val();
        self.short.phy_addr.next = self.phy_addr.val();
        self.short.phy_id1.next = self.phy_id1.val();
        self.short.phy_id2.next = self.phy_id2.val();
        self.short.phy_bmsr.next = self.phy_bmsr.val();
        self.short.phy_physts.next = self.phy_physts.val();
        self.short.phy_polls.next = self.phy_polls.val();
        self.counters.clock.next = self.clock.val();
        self.counters.reset.next = self.reset.val();
        self.counters.counter_value.next = self.core_counter_value.val();
        self.counters.now.next = self.core.now.val();
        self.dump.clock.next = self.clock.val();
        self.dump.first_bucket.next = self.front.first_bucket.val();
        self.dump.rd_valid.next = self.core.rd_valid.val();
        self.dump.rd_entry.next = self.core.rd_entry.val();
        self.dump.rd_alive.next = self.core.rd_alive.val();
        self.dump.now.next = self.core.now.val();
        self.lookup.clock.next = self.clock.val();
        self.lookup.tuple_v6.next = self.front.tuple_v6.val();
        self.lookup.tuple.next = self.front.tuple.val();
        self.lookup.key.next = self.settings.key_word.val();
        self.lookup.rd_valid.next = self.core.rd_valid.val();
        self.lookup.rd_entry.next = self.core.rd_entry.val();
        self.lookup.rd_alive.next = self.core.rd_alive.val();
        self.settings.clock.next = self.clock.val();
        self.settings.reset.next = self.reset.val();
        self.settings.item.next = self.front.item.val();
        self.settings.setting.next = self.front.setting.val();
        self.settings.tx_idle.next = self.tx_idle.val();
        // The core's oldest event record into the responder, which decides as the sequencer
        // pops it.
        self.events.clock.next = self.clock.val();
        self.events.reset.next = self.reset.val();
        self.events.mask.next = self.settings.event_mask.val();
        self.events.rate.next = self.settings.event_rate.val();
        self.events.ev_record.next = self.core.ev_record.val();
        self.events.ev_bucket.next = self.core.ev_bucket.val();
        self.events.ev_lo_ip.next = self.core.ev_lo_ip.val();
        self.events.ev_hi_ip.next = self.core.ev_hi_ip.val();

        // ---- outputs: the blocks' core ports; the transmit register's low byte
        self.divisor.next = self.settings.divisor.val();
        self.core.hash_key.next = self.settings.key_word.val();
        self.core.key_load.next = self.settings.core_key_load.val();
        self.core.time_wait.next = self.settings.core_time_wait.val();
        self.core.handshake.next = self.settings.core_handshake.val();
        self.core.fin_wait_2.next = self.settings.core_fin_wait_2.val();
        self.core.idle.next = self.settings.core_idle.val();
        self.core.linger.next = self.settings.core_linger.val();
        self.core.timeouts_load.next = self.settings.core_timeouts_load.val();
        self.core.clear_counters.next = self.settings.core_clear_counters.val();
        self.core_counter_index.next = self.counters.counter_index.val();
        self.core_counter_snap.next = self.counters.counter_snap.val();
        self.core_counter_frozen.next = self.counters.counter_frozen.val();
        // The core's read port: the dump's, or the lookup's while it runs.
        self.core.rd_req.next = self.dump.rd_req.val() | self.lookup.rd_req.val();
        self.core.rd_bucket.next = self.dump.rd_bucket.val();
        self.core.rd_way.next = self.dump.rd_way.val();
        if self.state.q.val() == EngineState::Lookup {
            self.core.rd_bucket.next = self.lookup.rd_bucket.val();
            self.core.rd_way.next = self.lookup.rd_way.val();
        }
        self.m.data.next = self.tx_sr.q.val().get_bits::<8>(0);
        self.m.valid.next = self.tx_n.q.val() != self.n_zero.val();
        self.m.last.next = self.tx_final.q.val() & (self.tx_n.q.val() == self.n_one.val());
        self.wait_q.d.next = false;

        // ---- transmit: a byte a cycle from the low end of the piece
        if (self.tx_n.q.val() != self.n_zero.val()) & self.m.ready.val() {
            self.tx_sr.d.next = self.tx_sr.q.val() >> 8;
            self.tx_n.d.next = self.tx_n.q.val() - self.n_one.val();
        }
        // Free: the piece has gone and no registered read is pending. (Each block's input is
        // written from the registers: through a local Verilator would see the sequencer and
        // the blocks as one loop.)
        self.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.short.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.counters.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.dump.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.lookup.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.settings.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.events.free.next = (self.tx_n.q.val() == self.n_zero.val()) & !self.wait_q.q.val();
        self.short.active.next = self.state.q.val() == EngineState::Short;
        self.counters.active.next = self.state.q.val() == EngineState::Counters;
        self.dump.active.next = self.state.q.val() == EngineState::Dump;
        self.lookup.active.next = self.state.q.val() == EngineState::Lookup;
        self.settings.active.next = self.state.q.val() == EngineState::Config;
        self.events.active.next = self.state.q.val() == EngineState::Event;

        // ---- the sequencer
        self.front.answered.next = false;
        self.front.decide.next = false;
        self.short.start_error.next = false;
        self.short.start_identify.next = false;
        self.short.start_ping.next = false;
        self.short.start_link.next = false;
        self.short.start_phy.next = false;
        self.counters.start.next = false;
        self.counters.gauges.next = false;
        self.counters.answered.next = false;
        self.dump.start.next = false;
        self.lookup.start.next = false;
        self.settings.set.next = false;
        self.settings.get.next = false;
        self.settings.clear.next = false;
        self.settings.reload_key.next = false;
        self.events.take.next = false;
        self.core.ev_pop.next = false;
        self.ld_hdr.next = false;
        match self.state.q.val() {
            EngineState::Idle => {
                if self.front.held.val() {
                    self.state.d.next = EngineState::Decode;
                } else if self.core.ev_valid.val() {
                    // The oldest event record: the responder keeps it and says whether it
                    // goes out.
                    self.core.ev_pop.next = true;
                    self.events.take.next = true;
                    if self.events.send.val() {
                        self.kind_q.d.next = self.vk_event.val();
                        self.seq_q.d.next = self.events.seq.val();
                        self.op_q.d.next = self.op_event.val();
                        self.flags_q.d.next = self.zero8.val();
                        self.hdr_final.d.next = false;
                        self.ret_q.d.next = EngineState::Event;
                        self.state.d.next = EngineState::Header;
                    }
                }
            }
            EngineState::Decode => {
                // Answer header fields; then the front end's verdict, and each op's start.
                self.seq_q.d.next = self.front.seq.val();
                self.op_q.d.next = self.front.op.val();
                self.flags_q.d.next = self.zero8.val();
                self.kind_q.d.next = self.vk_response.val();
                self.hdr_final.d.next = true;
                self.ret_q.d.next = EngineState::Done;
                self.state.d.next = EngineState::Header;
                self.front.decide.next = true;
                if !self.front.is_request.val() {
                    // Not a request (our own frames echoed): no answer.
                    self.front.answered.next = true;
                    self.state.d.next = EngineState::Idle;
                } else if self.front.err.val() != self.zero8.val() {
                    // A refused request: an error frame (header, then code and op).
                    self.kind_q.d.next = self.vk_error.val();
                    self.short.start_error.next = true;
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Short;
                } else if self.front.op.val() == self.op_identify.val() {
                    self.short.start_identify.next = true;
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Short;
                } else if self.front.op.val() == self.op_ping.val() {
                    if self.front.plen.val() != self.len_zero.val() {
                        self.short.start_ping.next = true;
                        self.hdr_final.d.next = false;
                        self.ret_q.d.next = EngineState::Short;
                    }
                } else if (self.front.op.val() == self.op_counters.val())
                    | (self.front.op.val() == self.op_histogram.val())
                {
                    self.counters.start.next = true;
                    self.counters.gauges.next = self.front.op.val() == self.op_histogram.val();
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Counters;
                } else if self.front.op.val() == self.op_dump.val() {
                    self.dump.start.next = true;
                    self.state.d.next = EngineState::Dump;
                } else if self.front.op.val() == self.op_lookup.val() {
                    self.lookup.start.next = true;
                    self.state.d.next = EngineState::Lookup;
                } else if self.front.op.val() == self.op_get_config.val() {
                    self.settings.get.next = true;
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Config;
                } else if self.front.op.val() == self.op_set_config.val() {
                    self.settings.set.next = true;
                    if self.settings.set_waits.val() {
                        // The baud: switched once the (empty) answer has left.
                        self.ret_q.d.next = EngineState::Config;
                    }
                } else if self.front.op.val() == self.op_clear.val() {
                    self.settings.clear.next = true;
                } else if self.front.op.val() == self.op_reset_table.val() {
                    self.settings.reload_key.next = true;
                } else if self.front.op.val() == self.op_link.val() {
                    self.short.start_link.next = true;
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Short;
                } else if self.front.op.val() == self.op_phy.val() {
                    self.short.start_phy.next = true;
                    self.hdr_final.d.next = false;
                    self.ret_q.d.next = EngineState::Short;
                }
            }
            EngineState::Header => {
                if self.free.val() {
                    self.ld_hdr.next = true;
                    self.tx_n.d.next = self.n_hdr.val();
                    self.tx_final.d.next = self.hdr_final.q.val();
                    self.state.d.next = self.ret_q.q.val();
                    if self.kind_q.q.val() != self.vk_event.val() {
                        self.n_responses.d.next = self.n_responses.q.val() + self.one_link.val();
                    }
                }
            }
            EngineState::Done => {
                // The request is answered: release it.
                self.front.answered.next = true;
                self.counters.answered.next = true;
                self.state.d.next = EngineState::Idle;
            }
            _ => {
                // Short, Counters, Dump, Lookup, Config, Event: a responder has the transmit
                // register (below; `match` arms take no `|` patterns in `update()`).
            }
        }
        // The responder asks for its frame's header (then gets the register back), or is done.
        if self.dump.hdr_req.val() | self.lookup.hdr_req.val() {
            self.kind_q.d.next = self.vk_response.val();
            self.flags_q.d.next = self.dump.flags.val();
            self.hdr_final.d.next = false;
            self.ret_q.d.next = self.state.q.val();
            self.state.d.next = EngineState::Header;
        }
        if self.short.done.val()
            | self.counters.done.val()
            | self.dump.done.val()
            | self.lookup.done.val()
            | self.settings.done.val()
        {
            self.state.d.next = EngineState::Done;
        }
        if self.events.done.val() {
            // An event frame answers no request.
            self.state.d.next = EngineState::Idle;
        }
        // A responder's piece.
        self.ld_resp.next = self.short.ld.val()
            | self.counters.ld.val()
            | self.dump.ld.val()
            | self.lookup.ld.val()
            | self.settings.ld.val()
            | self.events.ld.val();
        if self.ld_resp.val() {
            self.tx_n.d.next = self.short.n.val()
                | self.counters.n.val()
                | self.dump.n.val()
                | self.lookup.n.val()
                | self.settings.n.val()
                | self.events.n.val();
            self.tx_final.d.next = self.short.last.val()
                | self.counters.last.val()
                | self.dump.last.val()
                | self.lookup.last.val()
                | self.settings.last.val()
                | self.events.last.val();
        }
        if self.short.hold.val() | self.counters.hold.val() | self.dump.hold.val() {
            self.wait_q.d.next = true;
        }

        // ---- the piece loaded this cycle (at most one load: one state, one responder)
        self.hdr_piece.next.version_kind = self.kind_q.q.val();
        self.hdr_piece.next.seq = self.seq_q.q.val();
        self.hdr_piece.next.op = self.op_q.q.val();
        self.hdr_piece.next.flags = self.flags_q.q.val();
        self.tx_hdr.next = self.tx_none.val();
        if self.ld_hdr.val() {
            self.tx_hdr.next = bit_cast::<TX_BITS, 32>(self.hdr_piece.val().into());
        }
        if self.ld_hdr.val() | self.ld_resp.val() {
            self.tx_sr.d.next = self.tx_hdr.val()
                | self.short.piece.val()
                | self.counters.piece.val()
                | self.dump.piece.val()
                | self.lookup.piece.val()
                | self.settings.piece.val()
                | self.events.piece.val();
        }

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.state.d.next = EngineState::Idle;
            self.tx_n.d.next = self.n_zero.val();
            self.wait_q.d.next = false;
            self.n_responses.d.next = self.zero_link.val();
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize>(board: u8, clock_mhz: u8) -> CommandEngine<B> {
    let mut u = CommandEngine::<B>::new(board, clock_mhz);
    u.clock.connect();
    u.reset.connect();
    u.s.link_connect_dest();
    u.frames_ok.connect();
    u.bad_fcs.connect();
    u.too_long.connect();
    u.too_short.connect();
    u.garbage.connect();
    u.aborted.connect();
    u.m.link_connect_dest();
    u.tx_idle.connect();
    u.core.link_connect_dest();
    u.core_counter_value.connect();
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
        assert_eq!(id.capacity(), 2048 * crate::conn::WAYS);
    }
}
