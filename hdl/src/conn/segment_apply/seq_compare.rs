//! `seq_compare`: every sequence comparison a segment's checks read, made once on the base
//! endpoints (RFC 9293 §3.4: sequence numbers compare modulo 2^32, as the sign of a 32-bit
//! difference), and the receiver's window for the sender's stream.
//!
//! Combinational. Each comparison is the model's own (`seq_lt(a, b)`: a − b < 0; `seq_le(a,
//! b)`: a − b ≤ 0): at exactly 2^31 apart `seq_le(a, b)` and `seq_gt(a, b)` are both true, so
//! no comparison is taken as another's negation. rust-hdl cannot bit-select an expression, so
//! each difference is a signal (`sgn_*`) of which only bit 31 is read.

use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;

/// The comparisons, named `<segment field>_<relation>_<endpoint field>`: `snxt`/`smax` are the
/// sender's `nxt`/`max`, `rnxt`/`rmax` the receiver's, `rleft`/`rright` the receiver's window
/// edges, `right`/`left` the window the checks use.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SeqCompares {
    pub seq_eq_snxt: Bit,
    /// SEG.SEQ + 1 = s.nxt.
    pub seq1_eq_snxt: Bit,
    /// SEG.SEQ + SEG.LEN (`end`) = s.max.
    pub end_eq_smax: Bit,
    pub end1_eq_smax: Bit,
    pub ack_eq_rmax: Bit,
    pub seq_gt_snxt: Bit,
    pub end_gt_snxt: Bit,
    pub end_gt_smax: Bit,
    pub end_lt_smax: Bit,
    pub ack_gt_rmax: Bit,
    pub ack_lt_rnxt: Bit,
    pub ack_gt_rnxt: Bit,
    pub ack_le_rmax: Bit,
    pub seq_le_snxt: Bit,
    /// The receiver's window reaches past s.nxt.
    pub rright_gt_snxt: Bit,
    pub seq_lt_right: Bit,
    pub seq_gt_right: Bit,
    pub seq_ge_left: Bit,
    pub seq_le_right: Bit,
    pub end_lt_rleft: Bit,
    /// `tcp_in_window(seq, end, s.nxt, right)` (Linux tcp_minisocks.c).
    pub tiw: Bit,
}

#[derive(LogicBlock)]
pub struct SeqCompare {
    /// The base sender and receiver.
    pub sender: Signal<In, TrackBits>,
    pub receiver: Signal<In, TrackBits>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    /// SEG.SEQ + SEG.LEN, SEG.SEQ + 1 and SEG.SEQ + SEG.LEN + 1 (descriptor-only sums).
    pub seq_end: Signal<In, Bits<32>>,
    pub seq_plus1: Signal<In, Bits<32>>,
    pub seq_end_plus1: Signal<In, Bits<32>>,
    /// SEG.LEN = 0 (no payload, SYN or FIN).
    pub len_zero: Signal<In, Bit>,
    pub cmp: Signal<Out, SeqCompares>,
    sgn_snxt_seq: Signal<Local, Bits<32>>,
    sgn_snxt_end: Signal<Local, Bits<32>>,
    sgn_smax_end: Signal<Local, Bits<32>>,
    sgn_end_smax: Signal<Local, Bits<32>>,
    sgn_snxt_rright: Signal<Local, Bits<32>>,
    sgn_seq_right: Signal<Local, Bits<32>>,
    sgn_right_seq: Signal<Local, Bits<32>>,
    sgn_left_seq: Signal<Local, Bits<32>>,
    sgn_seq_snxt: Signal<Local, Bits<32>>,
    sgn_ack_rmax: Signal<Local, Bits<32>>,
    sgn_end_rleft: Signal<Local, Bits<32>>,
    sgn_rmax_ack: Signal<Local, Bits<32>>,
    sgn_ack_rnxt: Signal<Local, Bits<32>>,
    sgn_rnxt_ack: Signal<Local, Bits<32>>,
    /// `right_edge(s, r)` when `r` has a window.
    re: Signal<Local, Bits<32>>,
    /// The right edge the RST check uses (an unknown window is the largest unscaled one).
    right: Signal<Local, Bits<32>>,
    left: Signal<Local, Bits<32>>,
    max_unscaled: Constant<Bits<32>>,
}

impl Default for SeqCompare {
    fn default() -> Self {
        Self {
            sender: Default::default(),
            receiver: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            seq_end: Default::default(),
            seq_plus1: Default::default(),
            seq_end_plus1: Default::default(),
            len_zero: Default::default(),
            cmp: Default::default(),
            sgn_snxt_seq: Default::default(),
            sgn_snxt_end: Default::default(),
            sgn_smax_end: Default::default(),
            sgn_end_smax: Default::default(),
            sgn_snxt_rright: Default::default(),
            sgn_seq_right: Default::default(),
            sgn_right_seq: Default::default(),
            sgn_left_seq: Default::default(),
            sgn_seq_snxt: Default::default(),
            sgn_ack_rmax: Default::default(),
            sgn_end_rleft: Default::default(),
            sgn_rmax_ack: Default::default(),
            sgn_ack_rnxt: Default::default(),
            sgn_rnxt_ack: Default::default(),
            re: Default::default(),
            right: Default::default(),
            left: Default::default(),
            max_unscaled: Constant::new((u16::MAX as u64).to_bits()),
        }
    }
}

impl Logic for SeqCompare {
    #[hdl_gen]
    fn update(&mut self) {
        self.cmp.next.seq_eq_snxt = self.seq.val() == self.sender.val().nxt;
        self.cmp.next.seq1_eq_snxt = self.seq_plus1.val() == self.sender.val().nxt;
        self.cmp.next.end_eq_smax = self.seq_end.val() == self.sender.val().max;
        self.cmp.next.end1_eq_smax = self.seq_end_plus1.val() == self.sender.val().max;
        self.cmp.next.ack_eq_rmax = self.ack.val() == self.receiver.val().max;
        self.sgn_snxt_seq.next = self.sender.val().nxt - self.seq.val();
        self.cmp.next.seq_gt_snxt = self.sgn_snxt_seq.val().get_bit(31);
        self.sgn_snxt_end.next = self.sender.val().nxt - self.seq_end.val();
        self.cmp.next.end_gt_snxt = self.sgn_snxt_end.val().get_bit(31);
        self.sgn_smax_end.next = self.sender.val().max - self.seq_end.val();
        self.cmp.next.end_gt_smax = self.sgn_smax_end.val().get_bit(31);
        self.sgn_end_smax.next = self.seq_end.val() - self.sender.val().max;
        self.cmp.next.end_lt_smax = self.sgn_end_smax.val().get_bit(31);
        self.sgn_rmax_ack.next = self.receiver.val().max - self.ack.val();
        self.cmp.next.ack_gt_rmax = self.sgn_rmax_ack.val().get_bit(31);
        self.sgn_ack_rnxt.next = self.ack.val() - self.receiver.val().nxt;
        self.cmp.next.ack_lt_rnxt = self.sgn_ack_rnxt.val().get_bit(31);
        self.sgn_rnxt_ack.next = self.receiver.val().nxt - self.ack.val();
        self.cmp.next.ack_gt_rnxt = self.sgn_rnxt_ack.val().get_bit(31);
        self.sgn_ack_rmax.next = self.ack.val() - self.receiver.val().max;
        self.cmp.next.ack_le_rmax =
            self.sgn_ack_rmax.val().get_bit(31) || (self.ack.val() == self.receiver.val().max);
        self.sgn_seq_snxt.next = self.seq.val() - self.sender.val().nxt;
        self.cmp.next.seq_le_snxt =
            self.sgn_seq_snxt.val().get_bit(31) || (self.seq.val() == self.sender.val().nxt);

        // ---- the receiver's window for the sender's stream: `right_edge(s, r)`, never left of
        // s.nxt; the RST check takes an unknown window as the largest unscaled one.
        self.sgn_snxt_rright.next = self.sender.val().nxt - self.receiver.val().wnd_right;
        self.cmp.next.rright_gt_snxt = self.sgn_snxt_rright.val().get_bit(31);
        self.re.next = self.sender.val().nxt;
        if self.sgn_snxt_rright.val().get_bit(31) {
            self.re.next = self.receiver.val().wnd_right;
        }
        self.right.next = self.sender.val().nxt + self.max_unscaled.val();
        self.left.next = self.sender.val().nxt;
        if self.receiver.val().wnd_known {
            self.right.next = self.re.val();
            self.left.next = self.receiver.val().wnd_left;
        }
        self.sgn_seq_right.next = self.seq.val() - self.right.val();
        self.cmp.next.seq_lt_right = self.sgn_seq_right.val().get_bit(31);
        self.sgn_right_seq.next = self.right.val() - self.seq.val();
        self.cmp.next.seq_gt_right = self.sgn_right_seq.val().get_bit(31);
        self.sgn_left_seq.next = self.left.val() - self.seq.val();
        self.cmp.next.seq_ge_left =
            self.sgn_left_seq.val().get_bit(31) || (self.seq.val() == self.left.val());
        self.cmp.next.seq_le_right =
            self.sgn_seq_right.val().get_bit(31) || (self.seq.val() == self.right.val());
        self.sgn_end_rleft.next = self.seq_end.val() - self.receiver.val().wnd_left;
        self.cmp.next.end_lt_rleft = self.sgn_end_rleft.val().get_bit(31);
        self.cmp.next.tiw = (self.seq.val() == self.sender.val().nxt)
            || (self.sgn_snxt_end.val().get_bit(31) && self.sgn_seq_right.val().get_bit(31))
            || ((self.seq.val() == self.right.val()) && self.len_zero.val());
    }
}
