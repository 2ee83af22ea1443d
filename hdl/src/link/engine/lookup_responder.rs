//! `LookupResponder`: `LOOKUP` (docs/protocol.md, "Operations").
//!
//! The tuple in the request (`tuple_v6`, then source and destination, `encode_lookup`) is
//! ordered as `FlowKey::of` ([`FlowKey`]) and hashed bit-serially with the keyed Toeplitz hash
//! ([`LookupHasher`], 288 cycles: each set input bit, MSB first, XORs in the key window
//! starting there, `hash::toeplitz`; an IPv4 key's 96 bits come first, then zeros). Then the
//! bucket's ways are read and their keys compared: an IPv4 key in any way, an IPv6 key in an
//! even way (its head) and, when the head matches, in the way after it (its continuation).
//! The answer ([`LookupPiece`], `encode_lookup_answer`) is the slot and the entry's ways
//! (IPv6: head, then continuation, an [`EntryPiece`]); 1 byte (`found` = 0) when absent.
//!
//! The sequencer starts it as it accepts the request (`start`: the tuple and the key are taken
//! in that cycle) and lets it run while `active`; with the answer known it asks for a header
//! (`hdr_req`), then loads its pieces (`ld`, `n`, `last`) when the transmit register is `free`;
//! `done` with the last one.

use crate::conn::entry::{AsCont, EntryBits, TOP_IP_BITS};
use crate::conn::flow_key::FlowKey;
use crate::conn::toeplitz_hash::{HashWord, HashWord4, INPUT_BITS, KEY_BITS};
use crate::conn::{WAYS, WAY_BITS};
use crate::link::engine::request_front::TUPLE_BITS;
use crate::link::engine::{LookupHasher, PIECE_N_BITS, TX_BITS};
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::protocol::ENTRY_BYTES;

/// A `LOOKUP` answer (`encode_lookup_answer`; 1 byte when not found).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LookupPiece {
    pub found: Bits<8>,
    pub slot: Bits<16>,
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

/// The continuation of an IPv6 entry in a `LOOKUP` answer (after a [`LookupPiece`]).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EntryPiece {
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

const _: () = assert!(LookupPiece::BITS <= TX_BITS && EntryPiece::BITS <= TX_BITS);

/// The responder's steps.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum LookupStep {
    /// The hasher places the tuple's bucket.
    Hash,
    /// Read a way (its head, for IPv6), then compare it.
    Read,
    Wait,
    /// IPv6: read the way after a matching head (its continuation), then compare it.
    Read2,
    Wait2,
    /// The answer is known: ask for the header.
    Answer,
    /// The answer, then (IPv6 found) its continuation.
    Body,
    Body2,
}

/// The lookup responder of an engine whose core has `2^B` buckets.
#[derive(LogicBlock)]
pub struct LookupResponder<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Take the tuple (IPv6 or IPv4, `RequestFrontEnd::tuple`) and the hash key, and start
    /// hashing.
    pub start: Signal<In, Bit>,
    pub tuple_v6: Signal<In, Bit>,
    pub tuple: Signal<In, Bits<TUPLE_BITS>>,
    /// `toeplitz_hash::key_word` of the hash key.
    pub key: Signal<In, Bits<KEY_BITS>>,
    /// The sequencer has handed the transmit register to this responder.
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    // ---- the core's read port
    pub rd_req: Signal<Out, Bit>,
    pub rd_bucket: Signal<Out, Bits<B>>,
    pub rd_way: Signal<Out, Bits<WAY_BITS>>,
    pub rd_valid: Signal<In, Bit>,
    pub rd_entry: Signal<In, EntryBits>,
    pub rd_alive: Signal<In, Bit>,
    // ---- to the sequencer and the transmit register
    /// Send a response header, then hand back.
    pub hdr_req: Signal<Out, Bit>,
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// The answer's last piece is loaded.
    pub done: Signal<Out, Bit>,
    step: DFF<LookupStep>,
    fkey: FlowKey,
    v6: DFF<Bit>,
    lo_ip: DFF<Bits<32>>,
    lo_top: DFF<Bits<TOP_IP_BITS>>,
    lo_port: DFF<Bits<16>>,
    hi_ip: DFF<Bits<32>>,
    hi_top: DFF<Bits<TOP_IP_BITS>>,
    hi_port: DFF<Bits<16>>,
    /// The tuple's hash (`toeplitz_hash::input_word` of it: IPv6 or IPv4).
    hasher: LookupHasher,
    hash_word: Signal<Local, HashWord>,
    hash_word4: Signal<Local, HashWord4>,
    hash_in: Signal<Local, Bits<INPUT_BITS>>,
    cur_bucket: DFF<Bits<B>>,
    cur_way: DFF<Bits<WAY_BITS>>,
    rd_bits: Signal<Local, Bits<{ ENTRY_BYTES * 8 }>>,
    rd_cont: AsCont,
    /// A head (IPv6: an even way) or an IPv4 entry holding the key's low bits and ports; a
    /// continuation holding its top bits.
    head_match: Signal<Local, Bit>,
    top_match: Signal<Local, Bit>,
    found: DFF<Bit>,
    answer: DFF<LookupPiece>,
    cont: DFF<EntryPiece>,
    tx_none: Constant<Bits<TX_BITS>>,
    zero192: Constant<Bits<{ INPUT_BITS - 96 }>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_one: Constant<Bits<PIECE_N_BITS>>,
    n_lookup: Constant<Bits<PIECE_N_BITS>>,
    n_entry: Constant<Bits<PIECE_N_BITS>>,
    way_last: Constant<Bits<WAY_BITS>>,
    way_zero: Constant<Bits<WAY_BITS>>,
    way_one: Constant<Bits<WAY_BITS>>,
    way_shift: Constant<Bits<4>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
}

impl<const B: usize> Default for LookupResponder<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            tuple_v6: Default::default(),
            tuple: Default::default(),
            key: Default::default(),
            active: Default::default(),
            free: Default::default(),
            rd_req: Default::default(),
            rd_bucket: Default::default(),
            rd_way: Default::default(),
            rd_valid: Default::default(),
            rd_entry: Default::default(),
            rd_alive: Default::default(),
            hdr_req: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            done: Default::default(),
            step: Default::default(),
            fkey: Default::default(),
            v6: Default::default(),
            lo_ip: Default::default(),
            lo_top: Default::default(),
            lo_port: Default::default(),
            hi_ip: Default::default(),
            hi_top: Default::default(),
            hi_port: Default::default(),
            hasher: Default::default(),
            hash_word: Default::default(),
            hash_word4: Default::default(),
            hash_in: Default::default(),
            cur_bucket: Default::default(),
            cur_way: Default::default(),
            rd_bits: Default::default(),
            rd_cont: Default::default(),
            head_match: Default::default(),
            top_match: Default::default(),
            found: Default::default(),
            answer: Default::default(),
            cont: Default::default(),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            zero192: Constant::new(Default::default()),
            n_zero: c(0),
            n_one: c(1),
            n_lookup: c(LookupPiece::BITS as u64 / 8),
            n_entry: c(ENTRY_BYTES as u64),
            way_last: c(WAYS as u64 - 1),
            way_zero: c(0),
            way_one: c(1),
            way_shift: c(WAY_BITS as u64),
            zero8: c(0),
            one8: c(1),
        }
    }
}

impl<const B: usize> Logic for LookupResponder<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, step, v6, lo_ip, lo_top, lo_port, hi_ip, hi_top, hi_port, cur_bucket,
            cur_way, found, answer, cont
        );
        self.hasher.clock.next = self.clock.val();
        self.rd_req.next = false;
        self.rd_bucket.next = self.cur_bucket.q.val();
        self.rd_way.next = self.cur_way.q.val();
        // The tuple: family, then source and destination (`encode_lookup`), in key order.
        self.fkey.src_ip.next = self.tuple.val().get_bits::<128>(0);
        self.fkey.src_port.next = self.tuple.val().get_bits::<16>(128);
        self.fkey.dst_ip.next = self.tuple.val().get_bits::<128>(144);
        self.fkey.dst_port.next = self.tuple.val().get_bits::<16>(272);
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
        if self.tuple_v6.val() {
            self.hash_in.next = self.hash_word.val().into();
        }
        self.hasher.data.next = self.hash_in.val();
        self.hasher.key.next = self.key.val();
        self.hasher.start.next = self.start.val();
        // The way read, against the key.
        self.rd_bits.next =
            bit_cast::<{ ENTRY_BYTES * 8 }, { EntryBits::BITS }>(self.rd_entry.val().into());
        self.head_match.next = self.rd_alive.val()
            & (self.rd_entry.val().v6 == self.v6.q.val())
            & (!self.v6.q.val()
                | ((self.cur_way.q.val() & self.way_one.val()) == self.way_zero.val()))
            & (self.rd_entry.val().lo_ip == self.lo_ip.q.val())
            & (self.rd_entry.val().lo_port == self.lo_port.q.val())
            & (self.rd_entry.val().hi_ip == self.hi_ip.q.val())
            & (self.rd_entry.val().hi_port == self.hi_port.q.val());
        self.rd_cont.word.next = self.rd_entry.val();
        self.top_match.next = (self.rd_cont.cont.val().lo_ip_top == self.lo_top.q.val())
            & (self.rd_cont.cont.val().hi_ip_top == self.hi_top.q.val());
        self.hdr_req.next = false;
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.done.next = false;
        if self.start.val() {
            self.v6.d.next = self.tuple_v6.val();
            self.lo_ip.d.next = self.fkey.lo_ip.val().get_bits::<32>(0);
            self.lo_top.d.next = self.fkey.lo_ip.val().get_bits::<TOP_IP_BITS>(32);
            self.lo_port.d.next = self.fkey.lo_port.val();
            self.hi_ip.d.next = self.fkey.hi_ip.val().get_bits::<32>(0);
            self.hi_top.d.next = self.fkey.hi_ip.val().get_bits::<TOP_IP_BITS>(32);
            self.hi_port.d.next = self.fkey.hi_port.val();
            self.step.d.next = LookupStep::Hash;
        }
        if self.active.val() {
            match self.step.q.val() {
                LookupStep::Hash => {
                    if self.hasher.done.val() {
                        self.cur_bucket.d.next = self.hasher.hash.val().get_bits::<B>(0);
                        self.cur_way.d.next = self.way_zero.val();
                        self.step.d.next = LookupStep::Read;
                    }
                }
                LookupStep::Read => {
                    self.rd_req.next = true;
                    self.step.d.next = LookupStep::Wait;
                }
                LookupStep::Wait => {
                    if self.rd_valid.val() {
                        self.answer.d.next.slot = (bit_cast::<16, B>(self.cur_bucket.q.val())
                            << self.way_shift.val())
                            | bit_cast::<16, WAY_BITS>(self.cur_way.q.val());
                        self.answer.d.next.entry = self.rd_bits.val();
                        if self.head_match.val() & self.v6.q.val() {
                            // The head of an IPv6 entry with the key's low bits: its
                            // continuation next.
                            self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                            self.step.d.next = LookupStep::Read2;
                        } else if self.head_match.val() {
                            self.found.d.next = true;
                            self.answer.d.next.found = self.one8.val();
                            self.step.d.next = LookupStep::Answer;
                        } else if self.cur_way.q.val() == self.way_last.val() {
                            self.found.d.next = false;
                            self.answer.d.next.found = self.zero8.val();
                            self.step.d.next = LookupStep::Answer;
                        } else {
                            self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                            self.step.d.next = LookupStep::Read;
                        }
                    }
                }
                LookupStep::Read2 => {
                    self.rd_req.next = true;
                    self.step.d.next = LookupStep::Wait2;
                }
                LookupStep::Wait2 => {
                    if self.rd_valid.val() {
                        self.cont.d.next.entry = self.rd_bits.val();
                        if self.rd_alive.val() & self.top_match.val() {
                            self.found.d.next = true;
                            self.answer.d.next.found = self.one8.val();
                            self.step.d.next = LookupStep::Answer;
                        } else if self.cur_way.q.val() == self.way_last.val() {
                            self.found.d.next = false;
                            self.answer.d.next.found = self.zero8.val();
                            self.step.d.next = LookupStep::Answer;
                        } else {
                            self.cur_way.d.next = self.cur_way.q.val() + self.way_one.val();
                            self.step.d.next = LookupStep::Read;
                        }
                    }
                }
                LookupStep::Answer => {
                    self.hdr_req.next = true;
                    self.step.d.next = LookupStep::Body;
                }
                LookupStep::Body => {
                    if self.free.val() {
                        self.ld.next = true;
                        self.piece.next =
                            bit_cast::<TX_BITS, { LookupPiece::BITS }>(self.answer.q.val().into());
                        self.n.next = self.n_one.val();
                        if self.found.q.val() {
                            self.n.next = self.n_lookup.val();
                        }
                        self.last.next = true;
                        self.done.next = true;
                        if self.found.q.val() & self.v6.q.val() {
                            self.last.next = false;
                            self.done.next = false;
                            self.step.d.next = LookupStep::Body2;
                        }
                    }
                }
                LookupStep::Body2 => {
                    if self.free.val() {
                        self.ld.next = true;
                        self.piece.next =
                            bit_cast::<TX_BITS, { EntryPiece::BITS }>(self.cont.q.val().into());
                        self.n.next = self.n_entry.val();
                        self.last.next = true;
                        self.done.next = true;
                    }
                }
            }
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize>() -> LookupResponder<B> {
    let mut u = LookupResponder::<B>::default();
    u.clock.connect();
    u.start.connect();
    u.tuple_v6.connect();
    u.tuple.connect();
    u.key.connect();
    u.active.connect();
    u.free.connect();
    u.rd_valid.connect();
    u.rd_entry.connect();
    u.rd_alive.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_responder_is_synthesizable() {
        let mut u = connected::<{ crate::conn::conn_core::BUCKET_BITS_SMALL }>();
        u.connect_all();
        yosys_validate("synscope_lookup_responder", &generate_verilog(&u)).unwrap();
    }
}
