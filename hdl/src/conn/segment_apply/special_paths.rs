//! `special_paths`: the endpoints after a RST, or after a SYN or SYN-ACK that takes one of
//! `syn_cases`' special paths (`synscope_model::segment::{apply_rst, syn_case, synack_case}`):
//! the stored entry with the endpoints they change, and whether they change any.
//!
//! Combinational.
//! * A believed RST closes both ends (RFC 9293 §3.10.7.4 "second, check the RST bit"; RFC 5961
//!   §3.2); one that is not believed closes only a sender that held no connection.
//! * A re-sent SYN whose SYN-ACK was lost (`c1`): the client is still `SYN_SENT`, stalled, its
//!   retransmission clock restarted; a re-sent SYN (`c2`) restarts that clock, and, never
//!   answered (`c2_lost`), shows the server never reached `SYN_RECEIVED`.
//! * A new ISN inside a request socket's window (`c3`, Linux `tcp_check_req`) resets it: the
//!   sender's sequence space starts again from this SYN.
//! * A re-sent SYN-ACK (`k1`: the peer's ACK was not taken, the sender is still
//!   `SYN_RECEIVED`; `k2`) restarts the sender's clock.

use super::codes::{c, seq_code, state_code};
use super::syn_cases::SynCase;
use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;
use synscope_model::entry::layout::{AUX_HANDSHAKE, AUX_NONE};
use synscope_model::entry::SeqKnown;
use synscope_model::TcpState;

#[derive(LogicBlock)]
pub struct SpecialPaths {
    /// The base sender and receiver.
    pub sender: Signal<In, TrackBits>,
    pub receiver: Signal<In, TrackBits>,
    pub f_rst: Signal<In, Bit>,
    pub is_syn: Signal<In, Bit>,
    pub is_synack: Signal<In, Bit>,
    /// `rst_check`'s outcome.
    pub rst_accepted: Signal<In, Bit>,
    pub rst_closes_sender: Signal<In, Bit>,
    pub cases: Signal<In, SynCase>,
    /// The sender's handshake clock restarted now (with the gap since its last SYN), and a
    /// fresh one (gap 0).
    pub hs_word: Signal<In, Bits<32>>,
    pub hs0_word: Signal<In, Bits<32>>,
    pub seq_plus1: Signal<In, Bits<32>>,
    pub seq_end: Signal<In, Bits<32>>,
    pub wscale: Signal<In, Bits<4>>,
    pub sender_out: Signal<Out, TrackBits>,
    pub receiver_out: Signal<Out, TrackBits>,
    /// Either endpoint changed.
    pub changed: Signal<Out, Bit>,
    st_closed: Constant<Bits<4>>,
    st_syn_sent: Constant<Bits<4>>,
    st_syn_received: Constant<Bits<4>>,
    sk_seen: Constant<Bits<2>>,
    aux_none: Constant<Bits<2>>,
    aux_hs: Constant<Bits<2>>,
    zero32: Constant<Bits<32>>,
}

impl Default for SpecialPaths {
    fn default() -> Self {
        Self {
            sender: Default::default(),
            receiver: Default::default(),
            f_rst: Default::default(),
            is_syn: Default::default(),
            is_synack: Default::default(),
            rst_accepted: Default::default(),
            rst_closes_sender: Default::default(),
            cases: Default::default(),
            hs_word: Default::default(),
            hs0_word: Default::default(),
            seq_plus1: Default::default(),
            seq_end: Default::default(),
            wscale: Default::default(),
            sender_out: Default::default(),
            receiver_out: Default::default(),
            changed: Default::default(),
            st_closed: state_code(TcpState::Closed),
            st_syn_sent: state_code(TcpState::SynSent),
            st_syn_received: state_code(TcpState::SynReceived),
            sk_seen: seq_code(SeqKnown::Seen),
            aux_none: c(AUX_NONE),
            aux_hs: c(AUX_HANDSHAKE),
            zero32: c(0),
        }
    }
}

impl Logic for SpecialPaths {
    #[hdl_gen]
    fn update(&mut self) {
        self.sender_out.next = self.sender.val();
        self.receiver_out.next = self.receiver.val();
        self.changed.next = false;
        if self.f_rst.val() {
            if self.rst_accepted.val() {
                // The receiver resets; the sender aborted.
                self.sender_out.next.state = self.st_closed.val();
                self.sender_out.next.aux_kind = self.aux_none.val();
                self.sender_out.next.aux = self.zero32.val();
                self.receiver_out.next.state = self.st_closed.val();
                self.receiver_out.next.aux_kind = self.aux_none.val();
                self.receiver_out.next.aux = self.zero32.val();
                self.changed.next = true;
            } else if self.rst_closes_sender.val() {
                self.sender_out.next.state = self.st_closed.val();
                self.sender_out.next.aux_kind = self.aux_none.val();
                self.sender_out.next.aux = self.zero32.val();
                self.changed.next = true;
            }
        } else if self.is_syn.val() {
            if self.cases.val().c1 {
                // The SYN-ACK did not arrive: the client is still SYN_SENT.
                self.sender_out.next.aux_kind = self.aux_hs.val();
                self.sender_out.next.aux = self.hs_word.val();
                self.sender_out.next.state = self.st_syn_sent.val();
                self.sender_out.next.stalled = true;
                self.changed.next = true;
            } else if self.cases.val().c2 {
                self.sender_out.next.aux_kind = self.aux_hs.val();
                self.sender_out.next.aux = self.hs_word.val();
                self.changed.next = true;
                if self.cases.val().c2_lost {
                    // SYNs re-sent and never answered: no SYN_RECEIVED.
                    self.receiver_out.next.state = self.st_closed.val();
                    self.receiver_out.next.stalled = true;
                    self.receiver_out.next.aux_kind = self.aux_none.val();
                    self.receiver_out.next.aux = self.zero32.val();
                }
            } else if self.cases.val().c3 && !self.cases.val().c3_chal {
                // A new ISN in a request socket's window resets it (tcp_check_req).
                self.receiver_out.next.state = self.st_closed.val();
                self.receiver_out.next.aux_kind = self.aux_none.val();
                self.receiver_out.next.aux = self.zero32.val();
                self.sender_out.next.seq = self.sk_seen.val();
                self.sender_out.next.nxt = self.seq_plus1.val();
                self.sender_out.next.max = self.seq_end.val();
                self.sender_out.next.wscale = self.wscale.val();
                self.sender_out.next.aux_kind = self.aux_hs.val();
                self.sender_out.next.aux = self.hs0_word.val();
                self.changed.next = true;
            }
        } else if self.is_synack.val() && self.cases.val().k1 {
            // The peer's ACK was not taken: the sender is still SYN_RECEIVED.
            self.sender_out.next.aux_kind = self.aux_hs.val();
            self.sender_out.next.aux = self.hs_word.val();
            self.sender_out.next.state = self.st_syn_received.val();
            self.sender_out.next.stalled = true;
            self.changed.next = true;
        } else if self.is_synack.val() && self.cases.val().k2 {
            self.sender_out.next.aux_kind = self.aux_hs.val();
            self.sender_out.next.aux = self.hs_word.val();
            self.changed.next = true;
        }
    }
}
