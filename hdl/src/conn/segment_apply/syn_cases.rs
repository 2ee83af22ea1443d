//! `syn_cases`: what a SYN or a SYN-ACK to an existing entry is (`synscope_model::segment::
//! {syn_case, synack_case}`), decided on the base endpoints.
//!
//! Combinational.
//! * A SYN to a finished pair (`CLOSED`/`TIME_WAIT` both) starts a new incarnation, unless the
//!   receiver is in `TIME_WAIT` and the SYN is neither above the old stream's end nor newer by
//!   its timestamp (RFC 6191, Linux `tcp_timewait_state_process`): then it is refused.
//! * A re-sent SYN (same ISN: SEG.SEQ + 1 = s.nxt, or its end at s.max) says what was lost:
//!   the SYN-ACK (`c1`: the client is still `SYN_SENT`), or, from a client whose SYNs were never
//!   answered, that the server never reached `SYN_RECEIVED` (`c2`, `c2_lost`).
//! * A new ISN to a request socket (`c3`) resets it when inside its window (Linux
//!   `tcp_check_req`), else is challenged.
//! * A SYN to a synchronized pair (`c4`) is challenged (RFC 5961 §4).
//! * A SYN-ACK to a synchronized receiver: a re-sent one (`k1`/`k2`, same ISN) shows the
//!   peer's ACK lost; any other is challenged.

use super::base_endpoints::{ReceiverView, SenderView};
use super::codes::c;
use super::seq_compare::SeqCompares;
use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;
use synscope_model::entry::layout::AUX_TS;

/// The cases, named as `segment::syn_case` / `synack_case` name them.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SynCase {
    /// A retransmission of the sender's SYN (SYN-ACK): the same ISN (`same_isn`).
    pub same: Bit,
    /// A SYN refused by a receiver in `TIME_WAIT`.
    pub tw_refuse: Bit,
    /// A SYN that starts a new incarnation of a finished pair.
    pub reinc: Bit,
    pub c1: Bit,
    pub c2: Bit,
    pub c2_lost: Bit,
    pub c3: Bit,
    /// `c3`'s SYN is outside the request socket's window: challenged, not a reset.
    pub c3_chal: Bit,
    /// The SYN takes a special path (not the general one).
    pub syn_done: Bit,
    pub k1: Bit,
    pub k2: Bit,
    /// The SYN-ACK takes a special path.
    pub synack_done: Bit,
}

#[derive(LogicBlock)]
pub struct SynCases {
    pub sender: Signal<In, TrackBits>,
    pub receiver_wnd_known: Signal<In, Bit>,
    pub s_view: Signal<In, SenderView>,
    pub r_view: Signal<In, ReceiverView>,
    pub cmp: Signal<In, SeqCompares>,
    pub hit: Signal<In, Bit>,
    pub is_syn: Signal<In, Bit>,
    pub is_synack: Signal<In, Bit>,
    /// The segment's TSval, when it has a Timestamps option (`ts_ok`).
    pub tsval: Signal<In, Bits<32>>,
    pub ts_ok: Signal<In, Bit>,
    pub cases: Signal<Out, SynCase>,
    /// The sender's last TSval is older than this one (RFC 6191: a newer timestamp).
    sgn_saux_ts: Signal<Local, Bits<32>>,
    tw_takes: Signal<Local, Bit>,
    c4: Signal<Local, Bit>,
    aux_ts: Constant<Bits<2>>,
}

impl Default for SynCases {
    fn default() -> Self {
        Self {
            sender: Default::default(),
            receiver_wnd_known: Default::default(),
            s_view: Default::default(),
            r_view: Default::default(),
            cmp: Default::default(),
            hit: Default::default(),
            is_syn: Default::default(),
            is_synack: Default::default(),
            tsval: Default::default(),
            ts_ok: Default::default(),
            cases: Default::default(),
            sgn_saux_ts: Default::default(),
            tw_takes: Default::default(),
            c4: Default::default(),
            aux_ts: c(AUX_TS),
        }
    }
}

impl Logic for SynCases {
    #[hdl_gen]
    fn update(&mut self) {
        self.cases.next.same = self.hit.val()
            && self.s_view.val().seq_seen
            && (self.cmp.val().seq1_eq_snxt || self.cmp.val().end_eq_smax);
        self.sgn_saux_ts.next = self.sender.val().aux - self.tsval.val();
        self.tw_takes.next = self.cmp.val().seq_gt_snxt
            || (self.ts_ok.val()
                && (self.sender.val().aux_kind == self.aux_ts.val())
                && self.sgn_saux_ts.val().get_bit(31));
        self.cases.next.tw_refuse = self.s_view.val().finished
            && self.r_view.val().finished
            && self.r_view.val().time_wait
            && !self.tw_takes.val();
        self.cases.next.reinc = self.hit.val()
            && self.is_syn.val()
            && self.s_view.val().finished
            && self.r_view.val().finished
            && !self.cases.val().tw_refuse;
        self.cases.next.c1 = self.s_view.val().established
            && self.r_view.val().syn_received
            && self.cases.val().same;
        self.cases.next.c2 = self.s_view.val().syn_sent
            && (self.r_view.val().syn_received
                || self.r_view.val().closed
                || self.r_view.val().listen)
            && self.cases.val().same;
        self.cases.next.c2_lost = self.r_view.val().syn_received && self.r_view.val().seq_unknown;
        self.cases.next.c3 = self.s_view.val().syn_sent
            && self.r_view.val().syn_received
            && self.r_view.val().seq_seen;
        self.cases.next.c3_chal = self.receiver_wnd_known.val() && !self.cmp.val().tiw;
        self.c4.next = self.s_view.val().sync || self.r_view.val().sync;
        self.cases.next.syn_done = self.hit.val()
            && self.is_syn.val()
            && (self.cases.val().tw_refuse
                || (!(self.s_view.val().finished && self.r_view.val().finished)
                    && (self.cases.val().c1
                        || self.cases.val().c2
                        || self.cases.val().c3
                        || self.c4.val())));
        // ---- a SYN-ACK's cases (`synack_case`), to a synchronized receiver
        self.cases.next.k1 = self.s_view.val().established && self.cases.val().same;
        self.cases.next.k2 = self.s_view.val().syn_received && self.cases.val().same;
        self.cases.next.synack_done =
            self.hit.val() && self.is_synack.val() && self.r_view.val().sync;
    }
}
