//! `DumpResponder`: `DUMP_TABLE` (docs/protocol.md, "Operations").
//!
//! From the first bucket in the request to the last, every way, through the core's read
//! port (aged entries; dead and empty ways skipped). Live slots go into a 16-record buffer; a
//! frame is sent when the buffer holds `DUMP_ENTRIES_PER_FRAME + 1` of them (so `MORE` is
//! known before the header: the extra one opens the next frame) or the scan has reached the
//! end (the last frame, `MORE` clear; an empty table is one frame with `now` only). Each slot
//! is `DumpChunk::encode`'s ([`SlotPiece`]): `bucket << WAY_BITS | way`, then the `ENTRY_BYTES` (59)
//! entry bytes; an IPv6 entry is two slots, its head and its continuation (alive while its
//! head is).
//!
//! The sequencer lets the responder run while `active`. When a frame is ready it asks for a
//! header (`hdr_req`, with `flags`) and the sequencer sends it and hands back; then the frame
//! body: the core's `now` (4 bytes), then the slots, a piece each (`ld`, `n`, `last`, a cycle's
//! `hold` after each: the buffer's read is registered). `done` when the last frame has gone.

use crate::conn::entry::EntryBits;
use crate::conn::{WAYS, WAY_BITS};
use crate::link::engine::{PIECE_N_BITS, TX_BITS};
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::protocol::{DUMP_ENTRIES_PER_FRAME, ENTRY_BYTES};

/// Dump buffer address bits (`DUMP_ENTRIES_PER_FRAME + 1` = 8 records in flight).
pub const DUMP_BUF_BITS: usize = 4;
/// Bytes of a dumped slot (slot u16 + entry).
pub const SLOT_BYTES: usize = 2 + ENTRY_BYTES;

/// A dumped slot (`DumpChunk::encode`), as the dump buffer stores it.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SlotPiece {
    pub slot: Bits<16>,
    /// `EntryBits` zero-extended to whole bytes.
    pub entry: Bits<{ ENTRY_BYTES * 8 }>,
}

const _: () = assert!(SlotPiece::BITS == SLOT_BYTES * 8 && SlotPiece::BITS <= TX_BITS);
const _: () = assert!(DUMP_ENTRIES_PER_FRAME < 1 << DUMP_BUF_BITS);

/// The responder's steps.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum DumpStep {
    /// Read the next slot, or ask for a header when a frame is ready.
    Scan,
    /// The core's read: a live slot into the buffer; the next slot.
    Wait,
    /// The frame's `now`.
    Now,
    /// A slot a piece.
    Body,
    /// The frame has gone: scan on, or done.
    Next,
}

/// The table dump responder of an engine whose core has `2^B` buckets.
#[derive(LogicBlock)]
pub struct DumpResponder<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Start a dump from the request's first bucket.
    pub start: Signal<In, Bit>,
    pub first_bucket: Signal<In, Bits<B>>,
    /// The sequencer has handed the transmit register to this responder.
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    // ---- the core's read port and time
    pub rd_req: Signal<Out, Bit>,
    pub rd_bucket: Signal<Out, Bits<B>>,
    pub rd_way: Signal<Out, Bits<WAY_BITS>>,
    pub rd_valid: Signal<In, Bit>,
    pub rd_entry: Signal<In, EntryBits>,
    pub rd_alive: Signal<In, Bit>,
    pub now: Signal<In, Bits<32>>,
    // ---- to the sequencer and the transmit register
    /// Send a response header with `flags` (`MORE` or none), then hand back.
    pub hdr_req: Signal<Out, Bit>,
    pub flags: Signal<Out, Bits<8>>,
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// Hold the transmit register a cycle (the next slot is being read).
    pub hold: Signal<Out, Bit>,
    /// The last frame has gone.
    pub done: Signal<Out, Bit>,
    step: DFF<DumpStep>,
    cur_bucket: DFF<Bits<B>>,
    cur_way: DFF<Bits<WAY_BITS>>,
    scan_done: DFF<Bit>,
    fcount: DFF<Bits<DUMP_BUF_BITS>>,
    nent_m1: DFF<Bits<DUMP_BUF_BITS>>,
    wr_ptr: DFF<Bits<DUMP_BUF_BITS>>,
    rd_ptr: DFF<Bits<DUMP_BUF_BITS>>,
    /// Slots sent in the current frame.
    idx: DFF<Bits<DUMP_BUF_BITS>>,
    dbuf: RAM<SlotPiece, DUMP_BUF_BITS>,
    rd_rec: Signal<Local, SlotPiece>,
    tx_none: Constant<Bits<TX_BITS>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_now: Constant<Bits<PIECE_N_BITS>>,
    n_slot: Constant<Bits<PIECE_N_BITS>>,
    db_zero: Constant<Bits<DUMP_BUF_BITS>>,
    db_one: Constant<Bits<DUMP_BUF_BITS>>,
    db_frame: Constant<Bits<DUMP_BUF_BITS>>,
    db_full: Constant<Bits<DUMP_BUF_BITS>>,
    way_last: Constant<Bits<WAY_BITS>>,
    way_zero: Constant<Bits<WAY_BITS>>,
    way_one: Constant<Bits<WAY_BITS>>,
    way_shift: Constant<Bits<4>>,
    last_bucket: Constant<Bits<B>>,
    one_b: Constant<Bits<B>>,
    zero8: Constant<Bits<8>>,
    flag_more: Constant<Bits<8>>,
}

impl<const B: usize> Default for DumpResponder<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            first_bucket: Default::default(),
            active: Default::default(),
            free: Default::default(),
            rd_req: Default::default(),
            rd_bucket: Default::default(),
            rd_way: Default::default(),
            rd_valid: Default::default(),
            rd_entry: Default::default(),
            rd_alive: Default::default(),
            now: Default::default(),
            hdr_req: Default::default(),
            flags: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            hold: Default::default(),
            done: Default::default(),
            step: Default::default(),
            cur_bucket: Default::default(),
            cur_way: Default::default(),
            scan_done: Default::default(),
            fcount: Default::default(),
            nent_m1: Default::default(),
            wr_ptr: Default::default(),
            rd_ptr: Default::default(),
            idx: Default::default(),
            dbuf: Default::default(),
            rd_rec: Default::default(),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            n_zero: c(0),
            n_now: c(4),
            n_slot: c(SLOT_BYTES as u64),
            db_zero: c(0),
            db_one: c(1),
            db_frame: c(DUMP_ENTRIES_PER_FRAME as u64 - 1),
            db_full: c(DUMP_ENTRIES_PER_FRAME as u64 + 1),
            way_last: c(WAYS as u64 - 1),
            way_zero: c(0),
            way_one: c(1),
            way_shift: c(WAY_BITS as u64),
            last_bucket: c((1 << B) - 1),
            one_b: c(1),
            zero8: c(0),
            flag_more: c(synscope_model::protocol::FLAG_MORE as u64),
        }
    }
}

impl<const B: usize> Logic for DumpResponder<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, step, cur_bucket, cur_way, scan_done, fcount, nent_m1, wr_ptr, rd_ptr, idx
        );
        self.dbuf.read_clock.next = self.clock.val();
        self.dbuf.write_clock.next = self.clock.val();
        self.rd_req.next = false;
        self.rd_bucket.next = self.cur_bucket.q.val();
        self.rd_way.next = self.cur_way.q.val();
        self.rd_rec.next.slot = (bit_cast::<16, B>(self.cur_bucket.q.val())
            << self.way_shift.val())
            | bit_cast::<16, WAY_BITS>(self.cur_way.q.val());
        self.rd_rec.next.entry =
            bit_cast::<{ ENTRY_BYTES * 8 }, { EntryBits::BITS }>(self.rd_entry.val().into());
        self.dbuf.write_enable.next = false;
        self.dbuf.write_address.next = self.wr_ptr.q.val();
        self.dbuf.write_data.next = self.rd_rec.val();
        self.dbuf.read_address.next = self.rd_ptr.q.val();
        self.hdr_req.next = false;
        self.flags.next = self.zero8.val();
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.hold.next = false;
        self.done.next = false;
        if self.start.val() {
            self.cur_bucket.d.next = self.first_bucket.val();
            self.cur_way.d.next = self.way_zero.val();
            self.scan_done.d.next = false;
            self.fcount.d.next = self.db_zero.val();
            self.wr_ptr.d.next = self.db_zero.val();
            self.rd_ptr.d.next = self.db_zero.val();
            self.step.d.next = DumpStep::Scan;
        }
        if self.active.val() {
            match self.step.q.val() {
                DumpStep::Scan => {
                    // Scan until one more live slot than a frame holds, or the end of the table.
                    if (self.fcount.q.val() == self.db_full.val()) | self.scan_done.q.val() {
                        self.hdr_req.next = true;
                        self.nent_m1.d.next = self.fcount.q.val() - self.db_one.val();
                        if self.fcount.q.val() == self.db_full.val() {
                            self.flags.next = self.flag_more.val();
                            self.nent_m1.d.next = self.db_frame.val();
                        }
                        self.step.d.next = DumpStep::Now;
                    } else {
                        self.rd_req.next = true;
                        self.step.d.next = DumpStep::Wait;
                    }
                }
                DumpStep::Wait => {
                    if self.rd_valid.val() {
                        if self.rd_alive.val() {
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
                        self.step.d.next = DumpStep::Scan;
                    }
                }
                DumpStep::Now => {
                    if self.free.val() {
                        self.ld.next = true;
                        self.piece.next = bit_cast::<TX_BITS, 32>(self.now.val());
                        self.n.next = self.n_now.val();
                        self.idx.d.next = self.db_zero.val();
                        self.last.next = self.fcount.q.val() == self.db_zero.val();
                        if self.fcount.q.val() == self.db_zero.val() {
                            self.step.d.next = DumpStep::Next;
                        } else {
                            self.step.d.next = DumpStep::Body;
                        }
                    }
                }
                DumpStep::Body => {
                    if self.free.val() {
                        self.ld.next = true;
                        self.piece.next = bit_cast::<TX_BITS, { SlotPiece::BITS }>(
                            self.dbuf.read_data.val().into(),
                        );
                        self.n.next = self.n_slot.val();
                        self.last.next = self.idx.q.val() == self.nent_m1.q.val();
                        self.idx.d.next = self.idx.q.val() + self.db_one.val();
                        self.rd_ptr.d.next = self.rd_ptr.q.val() + self.db_one.val();
                        self.hold.next = true;
                        if self.idx.q.val() == self.nent_m1.q.val() {
                            self.step.d.next = DumpStep::Next;
                        }
                    }
                }
                DumpStep::Next => {
                    if self.fcount.q.val() == self.db_full.val() {
                        // The extra slot opens the next frame.
                        self.fcount.d.next = self.db_one.val();
                        self.step.d.next = DumpStep::Scan;
                    } else {
                        self.done.next = true;
                    }
                }
            }
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize>() -> DumpResponder<B> {
    let mut u = DumpResponder::<B>::default();
    u.clock.connect();
    u.start.connect();
    u.first_bucket.connect();
    u.active.connect();
    u.free.connect();
    u.rd_valid.connect();
    u.rd_entry.connect();
    u.rd_alive.connect();
    u.now.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_responder_is_synthesizable() {
        let mut u = connected::<{ crate::conn::conn_core::BUCKET_BITS_SMALL }>();
        u.connect_all();
        yosys_validate("synscope_dump_responder", &generate_verilog(&u)).unwrap();
    }
}
