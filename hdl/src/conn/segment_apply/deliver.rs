//! `deliver`: what the sender's segment does to its own stream (`synscope_model::segment::
//! deliver`): RFC 9293 §3.10.7.4's seventh and eighth checks (the segment text and FIN), as
//! the receiver queues it.
//!
//! Combinational. A segment with data or FIN is taken when it starts at or before s.nxt and
//! ends past it (in sequence), or starts past s.nxt inside the receiver's window (queued out of
//! order). Nothing is taken past a FIN already taken (s.nxt at a held FIN's end). A closed
//! window (its right edge at s.nxt) takes no data but a bare FIN: such a segment is a window
//! probe. A FIN ahead of s.nxt is held until the stream reaches it.

use super::seq_compare::SeqCompares;
use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;

/// The sender's stream after the segment.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Delivery {
    /// The segment is in sequence (starts at or before s.nxt, ends past it).
    pub in_seq: Bit,
    /// A window probe: in sequence into a closed window.
    pub probe: Bit,
    /// The receiver takes the segment: s.nxt, s.max and the held FIN become `nxt`, `max`, `fin`.
    pub take: Bit,
    pub fin: Bit,
    pub max: Bits<32>,
    pub nxt: Bits<32>,
    /// The FIN takes effect now: the receiver moves on it.
    pub fin_now: Bit,
    /// A FIN at or past what the wire showed the sender send (not an old or forged one).
    pub fin_genuine: Bit,
}

#[derive(LogicBlock, Default)]
pub struct Deliver {
    /// The base sender; whether the receiver has a window.
    pub sender: Signal<In, TrackBits>,
    pub receiver_wnd_known: Signal<In, Bit>,
    pub cmp: Signal<In, SeqCompares>,
    /// SEG.SEQ + SEG.LEN.
    pub seq_end: Signal<In, Bits<32>>,
    /// SEG.LEN = 0; a payload; the FIN bit.
    pub len_zero: Signal<In, Bit>,
    pub plen_nz: Signal<In, Bit>,
    pub f_fin: Signal<In, Bit>,
    /// A SYN or SYN-ACK.
    pub handshake: Signal<In, Bit>,
    /// The receiver takes the segment at all (`takes_handshake`).
    pub taken: Signal<In, Bit>,
    pub out: Signal<Out, Delivery>,
    // The outputs' fields are computed in these first and packed at the end: a struct written
    // field by field and read back in one process is a loop to Verilator (UNOPTFLAT).
    in_seq: Signal<Local, Bit>,
    probe: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    fin: Signal<Local, Bit>,
    queued: Signal<Local, Bit>,
    go: Signal<Local, Bit>,
    jump: Signal<Local, Bit>,
}

impl Logic for Deliver {
    #[hdl_gen]
    fn update(&mut self) {
        self.in_seq.next = self.cmp.val().seq_le_snxt && self.cmp.val().end_gt_snxt;
        self.queued.next = self.cmp.val().seq_gt_snxt
            && (!self.receiver_wnd_known.val() || self.cmp.val().seq_lt_right);
        self.go.next = !self.len_zero.val()
            && (self.in_seq.val() || self.queued.val())
            && !(self.sender.val().fin && (self.sender.val().nxt == self.sender.val().max));
        // A closed window (right edge at s.nxt) takes no data but a bare FIN.
        self.probe.next = self.go.val()
            && self.in_seq.val()
            && self.receiver_wnd_known.val()
            && !self.cmp.val().rright_gt_snxt
            && (!self.f_fin.val() || self.plen_nz.val());
        self.take.next = self.go.val() && !self.probe.val() && self.taken.val();
        // Data past a held FIN: that FIN was not the end of the stream.
        self.fin.next = (self.sender.val().fin && !self.cmp.val().end_gt_smax) || self.f_fin.val();
        self.out.next.max = self.sender.val().max;
        if self.cmp.val().end_gt_smax {
            self.out.next.max = self.seq_end.val();
        }
        // In sequence up to just before a held FIN: the FIN takes effect now.
        self.jump.next =
            !self.cmp.val().end_gt_smax && self.fin.val() && self.cmp.val().end1_eq_smax;
        self.out.next.nxt = self.sender.val().nxt;
        if self.in_seq.val() {
            self.out.next.nxt = self.seq_end.val();
            if self.jump.val() {
                self.out.next.nxt = self.sender.val().max;
            }
        }
        self.out.next.fin_now = !self.handshake.val()
            && self.take.val()
            && self.in_seq.val()
            && ((self.cmp.val().end_gt_smax && self.f_fin.val())
                || (!self.cmp.val().end_gt_smax
                    && self.fin.val()
                    && (self.cmp.val().end1_eq_smax || self.cmp.val().end_eq_smax)));
        self.out.next.fin_genuine = self.f_fin.val() && !self.cmp.val().end_lt_smax;
        self.out.next.in_seq = self.in_seq.val();
        self.out.next.probe = self.probe.val();
        self.out.next.take = self.take.val();
        self.out.next.fin = self.fin.val();
    }
}
