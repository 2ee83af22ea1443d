//! `rst_check`: how far a RST is believed (`synscope_model::segment::classify_rst`): RFC 5961
//! §3.2 as Linux's `tcp_validate_incoming`/`tcp_reset_check` apply it.
//!
//! Combinational. In order:
//! * to a receiver in `SYN_SENT`: exact when it acknowledges the SYN acceptably (RFC 9293
//!   §3.10.7.3), else out of window;
//! * from a sender whose sequence space was never seen: unverified;
//! * SEG.SEQ = RCV.NXT, or RCV.NXT − 1 once the receiver has taken a FIN: exact;
//! * to a receiver in `SYN_RECEIVED`: exact when in the window (`tcp_in_window`), else out;
//! * otherwise in window (a challenge ACK's case) or out of window.
//!
//! Only an exact or unverified RST resets the receiver; an endpoint that only ever answered
//! with RST (sequence unknown, never synchronized) holds no connection and closes.

use super::base_endpoints::{ReceiverView, SenderView};
use super::seq_compare::SeqCompares;
use super::{rst_code, VERDICT_BITS, V_RST};
use rust_hdl::prelude::*;
use synscope_model::RstClass;

#[derive(LogicBlock)]
pub struct RstCheck {
    pub s_view: Signal<In, SenderView>,
    pub r_view: Signal<In, ReceiverView>,
    pub cmp: Signal<In, SeqCompares>,
    /// The segment carries an ACK that the fifth check accepts (`f_ack && !bad`).
    pub ack_ok: Signal<In, Bit>,
    /// The verdict: `V_RST + rst_code(class)`.
    pub code: Signal<Out, Bits<VERDICT_BITS>>,
    /// The receiver resets (and the sender aborted).
    pub accepted: Signal<Out, Bit>,
    /// The RST is not believed, but its sender holds no connection: it closes.
    pub closes_sender: Signal<Out, Bit>,
    exact: Constant<Bits<VERDICT_BITS>>,
    in_window: Constant<Bits<VERDICT_BITS>>,
    out_of_window: Constant<Bits<VERDICT_BITS>>,
    unverified: Constant<Bits<VERDICT_BITS>>,
}

impl Default for RstCheck {
    fn default() -> Self {
        let v = |c| Constant::new((V_RST + rst_code(c)).to_bits());
        Self {
            s_view: Default::default(),
            r_view: Default::default(),
            cmp: Default::default(),
            ack_ok: Default::default(),
            code: Default::default(),
            accepted: Default::default(),
            closes_sender: Default::default(),
            exact: v(RstClass::Exact),
            in_window: v(RstClass::InWindow),
            out_of_window: v(RstClass::OutOfWindow),
            unverified: v(RstClass::Unverified),
        }
    }
}

impl Logic for RstCheck {
    #[hdl_gen]
    fn update(&mut self) {
        if self.r_view.val().syn_sent {
            if self.ack_ok.val() {
                self.code.next = self.exact.val();
            } else {
                self.code.next = self.out_of_window.val();
            }
        } else if self.s_view.val().seq_unknown {
            self.code.next = self.unverified.val();
        } else if self.cmp.val().seq_eq_snxt
            || (self.r_view.val().after_fin && self.cmp.val().seq1_eq_snxt)
        {
            // RCV.NXT, or RCV.NXT − 1 once a FIN was received (tcp_reset_check).
            self.code.next = self.exact.val();
        } else if self.r_view.val().syn_received {
            if self.cmp.val().tiw {
                self.code.next = self.exact.val();
            } else {
                self.code.next = self.out_of_window.val();
            }
        } else if self.cmp.val().seq_ge_left && self.cmp.val().seq_le_right {
            self.code.next = self.in_window.val();
        } else {
            self.code.next = self.out_of_window.val();
        }
        self.accepted.next =
            (self.code.val() == self.exact.val()) || (self.code.val() == self.unverified.val());
        // An endpoint that only ever answered with RST holds no connection.
        self.closes_sender.next = !self.accepted.val()
            && self.s_view.val().seq_unknown
            && !self.s_view.val().sync
            && !self.s_view.val().closed;
    }
}
