//! `EventResponder`: the engine's `EVENT` frames (docs/protocol.md, "Events").
//!
//! When the sequencer is idle (no request held, nothing being sent) and the core's event FIFO
//! has a record, it pops it (`take`); this block decides, in that same cycle, whether the record
//! goes out (`send`):
//! * a record whose kinds are all outside the event mask (`SET_CONFIG` `EVENT_MASK`) is dropped
//!   (records of expiry only have none);
//! * past `rate` frames in the current millisecond window (`EVENT_RATE`, 0: no limit) it is
//!   dropped and counted in `events_rate_limited` (`LinkCounter::EventsRateLimited`); a window
//!   opens with the first frame sent and lasts one millisecond, and none is open (its counter
//!   stands still) until a frame is sent;
//! * otherwise it is sent with its own sequence number (`seq`, a count of the `EVENT` frames
//!   sent, from 0 after reset) and counted in `events_sent`.
//!
//! The record popped is kept as the frame's payload: [`EventPiece`] (IPv4), or, for an IPv6
//! record, [`Event6PieceA`] then [`Event6PieceB`] (`EventRecord::encode`; each piece's fields
//! are declared in wire order). The sequencer sends the header, then lets the responder run
//! (`active`): it loads its pieces (`ld`, `n`, `last`) when the transmit register is `free`,
//! `done` with the last one.
//!
//! `reset` (synchronous) clears the counters, the sequence number and the millisecond window.

use crate::conn::entry::{STATE_BITS, TIME_BITS};
use crate::conn::event_queue::EventRecord;
use crate::conn::flow_key::IP_BITS;
use crate::conn::WAY_BITS;
use crate::link::engine::{PIECE_N_BITS, TX_BITS};
use crate::link::hdlc::COUNTER_BITS as LINK_BITS;
use rust_hdl::prelude::*;
use synscope_model::protocol::payload::{EVENT_RECORD_BYTES, EVENT_RECORD_BYTES_V6};

/// Width of the event-rate window counter (1 ms at up to 255 MHz).
const MS_BITS: usize = 18;

/// An `EVENT` frame's payload (`EventRecord::encode`).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EventPiece {
    pub what: Bits<8>,
    pub slot: Bits<16>,
    pub lo_after: Bits<STATE_BITS>,
    pub lo_before: Bits<STATE_BITS>,
    pub hi_after: Bits<STATE_BITS>,
    pub hi_before: Bits<STATE_BITS>,
    pub lo_ip: Bits<32>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub hi_port: Bits<16>,
    /// Low 16 bits of the board's seconds (the record's tick time without its 4 fraction bits).
    pub time: Bits<16>,
    /// The last byte: bit 0 `client_is_lo`, bits 1..7 zero.
    pub client_is_lo: Bit,
    pub role_zero: Bits<7>,
}

/// An IPv6 `EVENT`, first piece: up to the lo address (`EventRecord::encode`).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Event6PieceA {
    pub what: Bits<8>,
    pub slot: Bits<16>,
    pub lo_after: Bits<STATE_BITS>,
    pub lo_before: Bits<STATE_BITS>,
    pub hi_after: Bits<STATE_BITS>,
    pub hi_before: Bits<STATE_BITS>,
    pub lo_ip: Bits<128>,
}

/// An IPv6 `EVENT`, second piece: the rest.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Event6PieceB {
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<128>,
    pub hi_port: Bits<16>,
    /// As [`EventPiece::time`].
    pub time: Bits<16>,
    /// As [`EventPiece::client_is_lo`]: the last byte.
    pub client_is_lo: Bit,
    pub role_zero: Bits<7>,
}

/// The `what` byte of an event (`event_bits`).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct WhatBits {
    pub created: Bit,
    pub refused: Bit,
    pub evicted: Bit,
    pub reincarnated: Bit,
    pub lo_changed: Bit,
    pub hi_changed: Bit,
    /// `event_bits::IPV6`: not a kind.
    pub v6: Bit,
    pub zero: Bit,
}

const _: () = assert!(EventPiece::BITS == EVENT_RECORD_BYTES * 8);
const _: () = assert!(Event6PieceA::BITS + Event6PieceB::BITS == EVENT_RECORD_BYTES_V6 * 8);
const _: () = assert!(Event6PieceA::BITS <= TX_BITS && Event6PieceB::BITS <= TX_BITS);

/// The responder's steps in sending a frame's body.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum EventStep {
    /// The record (IPv4), or an IPv6 record's first piece.
    Body,
    /// An IPv6 record's second piece.
    Body2,
}

/// The event responder of an engine whose core has `2^B` buckets.
#[derive(LogicBlock)]
pub struct EventResponder<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// The sequencer pops the core's oldest record in this cycle.
    pub take: Signal<In, Bit>,
    /// The configuration: the kinds to send (`event_bits`) and the frames per millisecond.
    pub mask: Signal<In, Bits<8>>,
    pub rate: Signal<In, Bits<16>>,
    // ---- the core's oldest record (its event FIFO's output)
    /// The record (`ev_record`), its bucket and its whole addresses, as the host port has them.
    pub ev_record: Signal<In, EventRecord>,
    pub ev_bucket: Signal<In, Bits<B>>,
    pub ev_lo_ip: Signal<In, Bits<IP_BITS>>,
    pub ev_hi_ip: Signal<In, Bits<IP_BITS>>,
    /// The record taken in this cycle is to be sent (with `take` only).
    pub send: Signal<Out, Bit>,
    /// Its frame's sequence number.
    pub seq: Signal<Out, Bits<8>>,
    /// The sequencer has handed the transmit register to this responder (after the header).
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// The frame's last piece is loaded.
    pub done: Signal<Out, Bit>,
    /// `LinkCounter::EventsSent` and `EventsRateLimited`.
    pub events_sent: Signal<Out, Bits<LINK_BITS>>,
    pub events_rate_limited: Signal<Out, Bits<LINK_BITS>>,
    step: DFF<EventStep>,
    ev_piece: DFF<EventPiece>,
    piece6a: Signal<Local, Event6PieceA>,
    piece6b: Signal<Local, Event6PieceB>,
    v6_q: DFF<Bit>,
    ev_lo6: DFF<Bits<128>>,
    ev_hi6: DFF<Bits<128>>,
    /// The record's time (a local: yosys 0.23 takes no part-select of a struct field's).
    ev_time: Signal<Local, Bits<TIME_BITS>>,
    ev_what: Signal<Local, WhatBits>,
    ev_what_bits: Signal<Local, Bits<8>>,
    way_shift: Constant<Bits<4>>,
    ev_kinds: Signal<Local, Bits<8>>,
    ev_seq: DFF<Bits<8>>,
    /// Clock cycles into the current millisecond window, and the frames sent in it (0: no
    /// window open).
    ms_cnt: DFF<Bits<MS_BITS>>,
    ev_in_ms: DFF<Bits<16>>,
    n_events_sent: DFF<Bits<LINK_BITS>>,
    n_rate_limited: DFF<Bits<LINK_BITS>>,
    ms_last: Constant<Bits<MS_BITS>>,
    ms_zero: Constant<Bits<MS_BITS>>,
    ms_one: Constant<Bits<MS_BITS>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    zero_link: Constant<Bits<LINK_BITS>>,
    one_link: Constant<Bits<LINK_BITS>>,
    tx_none: Constant<Bits<TX_BITS>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_event: Constant<Bits<PIECE_N_BITS>>,
    n_event6a: Constant<Bits<PIECE_N_BITS>>,
    n_event6b: Constant<Bits<PIECE_N_BITS>>,
}

impl<const B: usize> EventResponder<B> {
    /// The responder of an engine clocked at `clock_mhz` (its millisecond).
    pub fn new(clock_mhz: u8) -> Self {
        let ms = clock_mhz as u64 * 1000 - 1;
        assert!(ms < 1 << MS_BITS);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            take: Default::default(),
            mask: Default::default(),
            rate: Default::default(),
            ev_record: Default::default(),
            ev_bucket: Default::default(),
            ev_lo_ip: Default::default(),
            ev_hi_ip: Default::default(),
            send: Default::default(),
            seq: Default::default(),
            active: Default::default(),
            free: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            done: Default::default(),
            events_sent: Default::default(),
            events_rate_limited: Default::default(),
            step: Default::default(),
            ev_piece: Default::default(),
            piece6a: Default::default(),
            piece6b: Default::default(),
            v6_q: Default::default(),
            ev_lo6: Default::default(),
            ev_hi6: Default::default(),
            ev_time: Default::default(),
            ev_what: Default::default(),
            ev_what_bits: Default::default(),
            way_shift: Constant::new((WAY_BITS as u64).to_bits()),
            ev_kinds: Default::default(),
            ev_seq: Default::default(),
            ms_cnt: Default::default(),
            ev_in_ms: Default::default(),
            n_events_sent: Default::default(),
            n_rate_limited: Default::default(),
            ms_last: Constant::new(ms.to_bits()),
            ms_zero: Constant::new(0u64.to_bits()),
            ms_one: Constant::new(1u64.to_bits()),
            zero8: Constant::new(0u64.to_bits()),
            one8: Constant::new(1u64.to_bits()),
            zero16: Constant::new(0u64.to_bits()),
            one16: Constant::new(1u64.to_bits()),
            zero_link: Constant::new(0u64.to_bits()),
            one_link: Constant::new(1u64.to_bits()),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            n_zero: Constant::new(0u64.to_bits()),
            n_event: Constant::new((EventPiece::BITS as u64 / 8).to_bits()),
            n_event6a: Constant::new((Event6PieceA::BITS as u64 / 8).to_bits()),
            n_event6b: Constant::new((Event6PieceB::BITS as u64 / 8).to_bits()),
        }
    }
}

impl<const B: usize> Logic for EventResponder<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            step,
            ev_piece,
            v6_q,
            ev_lo6,
            ev_hi6,
            ev_seq,
            ms_cnt,
            ev_in_ms,
            n_events_sent,
            n_rate_limited
        );
        self.seq.next = self.ev_seq.q.val();
        self.events_sent.next = self.n_events_sent.q.val();
        self.events_rate_limited.next = self.n_rate_limited.q.val();
        // The record's kinds (for the mask), then its `what` byte.
        self.ev_time.next = self.ev_record.val().time;
        self.ev_what.next.created = self.ev_record.val().created;
        self.ev_what.next.refused = self.ev_record.val().refused;
        self.ev_what.next.evicted = self.ev_record.val().evicted;
        self.ev_what.next.reincarnated = self.ev_record.val().reincarnated;
        self.ev_what.next.lo_changed = self.ev_record.val().lo_changed;
        self.ev_what.next.hi_changed = self.ev_record.val().hi_changed;
        self.ev_what.next.v6 = false;
        self.ev_what.next.zero = false;
        self.ev_kinds.next = self.ev_what.val().into();
        self.ev_what.next.v6 = self.ev_record.val().v6;
        self.ev_what_bits.next = self.ev_what.val().into();
        // An IPv6 event's two pieces.
        self.piece6a.next.what = self.ev_piece.q.val().what;
        self.piece6a.next.slot = self.ev_piece.q.val().slot;
        self.piece6a.next.lo_after = self.ev_piece.q.val().lo_after;
        self.piece6a.next.lo_before = self.ev_piece.q.val().lo_before;
        self.piece6a.next.hi_after = self.ev_piece.q.val().hi_after;
        self.piece6a.next.hi_before = self.ev_piece.q.val().hi_before;
        self.piece6a.next.lo_ip = self.ev_lo6.q.val();
        self.piece6b.next.lo_port = self.ev_piece.q.val().lo_port;
        self.piece6b.next.hi_ip = self.ev_hi6.q.val();
        self.piece6b.next.hi_port = self.ev_piece.q.val().hi_port;
        self.piece6b.next.time = self.ev_piece.q.val().time;
        self.piece6b.next.client_is_lo = self.ev_piece.q.val().client_is_lo;
        self.piece6b.next.role_zero = self.ev_piece.q.val().role_zero;

        // The record taken, decided as it is popped: outside the mask (or expiry only),
        // dropped; past the rate, dropped and counted; else sent.
        self.send.next = false;
        if self.take.val() {
            self.ev_piece.d.next.what = self.ev_what_bits.val();
            self.ev_piece.d.next.slot = (bit_cast::<16, B>(self.ev_bucket.val())
                << self.way_shift.val())
                | bit_cast::<16, WAY_BITS>(self.ev_record.val().way);
            self.ev_piece.d.next.lo_before = self.ev_record.val().lo_before;
            self.ev_piece.d.next.lo_after = self.ev_record.val().lo_after;
            self.ev_piece.d.next.hi_before = self.ev_record.val().hi_before;
            self.ev_piece.d.next.hi_after = self.ev_record.val().hi_after;
            self.ev_piece.d.next.lo_ip = self.ev_record.val().lo_ip;
            self.ev_piece.d.next.lo_port = self.ev_record.val().lo_port;
            self.ev_piece.d.next.hi_ip = self.ev_record.val().hi_ip;
            self.v6_q.d.next = self.ev_record.val().v6;
            self.ev_lo6.d.next = self.ev_lo_ip.val();
            self.ev_hi6.d.next = self.ev_hi_ip.val();
            self.ev_piece.d.next.hi_port = self.ev_record.val().hi_port;
            self.ev_piece.d.next.time = self.ev_time.val().get_bits::<16>(4);
            self.ev_piece.d.next.client_is_lo = self.ev_record.val().client_is_lo;
            if (self.ev_kinds.val() & self.mask.val()) == self.zero8.val() {
                // Not a kind the host asked for.
            } else if (self.rate.val() != self.zero16.val())
                & (self.ev_in_ms.q.val() >= self.rate.val())
            {
                self.n_rate_limited.d.next = self.n_rate_limited.q.val() + self.one_link.val();
            } else {
                self.send.next = true;
                self.step.d.next = EventStep::Body;
                self.ev_seq.d.next = self.ev_seq.q.val() + self.one8.val();
                self.n_events_sent.d.next = self.n_events_sent.q.val() + self.one_link.val();
                self.ev_in_ms.d.next = self.ev_in_ms.q.val() + self.one16.val();
            }
        }

        // The frame's body, once the sequencer has sent the header.
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.done.next = false;
        if self.active.val() & self.free.val() {
            self.ld.next = true;
            match self.step.q.val() {
                EventStep::Body => {
                    if self.v6_q.q.val() {
                        self.piece.next =
                            bit_cast::<TX_BITS, { Event6PieceA::BITS }>(self.piece6a.val().into());
                        self.n.next = self.n_event6a.val();
                        self.step.d.next = EventStep::Body2;
                    } else {
                        self.piece.next =
                            bit_cast::<TX_BITS, { EventPiece::BITS }>(self.ev_piece.q.val().into());
                        self.n.next = self.n_event.val();
                        self.last.next = true;
                        self.done.next = true;
                    }
                }
                EventStep::Body2 => {
                    self.piece.next =
                        bit_cast::<TX_BITS, { Event6PieceB::BITS }>(self.piece6b.val().into());
                    self.n.next = self.n_event6b.val();
                    self.last.next = true;
                    self.done.next = true;
                }
            }
        }

        // The event-rate window: one millisecond from the first frame sent in it (a frame
        // sent in the window's last cycle is not counted in the next one). No window is open
        // while no frame was sent: the counter stands still.
        if self.ev_in_ms.q.val() != self.zero16.val() {
            if self.ms_cnt.q.val() == self.ms_last.val() {
                self.ms_cnt.d.next = self.ms_zero.val();
                self.ev_in_ms.d.next = self.zero16.val();
            } else {
                self.ms_cnt.d.next = self.ms_cnt.q.val() + self.ms_one.val();
            }
        }

        // Synchronous reset (last: it wins).
        if self.reset.val() {
            self.n_events_sent.d.next = self.zero_link.val();
            self.n_rate_limited.d.next = self.zero_link.val();
            self.ev_seq.d.next = self.zero8.val();
            self.ms_cnt.d.next = self.ms_zero.val();
            self.ev_in_ms.d.next = self.zero16.val();
        }
    }
}
