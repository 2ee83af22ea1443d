//! `base_endpoints`: the two endpoints a segment is judged against, as sender and receiver:
//! the stored entry's (`hit`), or what `synscope_model::segment::open` makes of the first
//! segment seen (`!hit`), and their states decoded once for every check after.
//!
//! Combinational. `open` (the model's, as the Linux stack's conntrack picks a connection up):
//! both ends fresh (`CLOSED`, no window scale), then by the segment's class:
//! * a SYN: the sender is the client (its `SYN_SENT` comes from the transition tables);
//! * a SYN-ACK: the client's SYN was not seen, so the receiver is a client in `SYN_SENT` whose
//!   stream stands where the SYN-ACK's ACK says (inferred), and the sender was listening;
//! * anything else: a mid-stream pickup, both `ESTABLISHED`, the sender's stream inferred from
//!   SEG.SEQ and the receiver's from SEG.ACK when the ACK bit is set; the client is the end with
//!   the higher port (an ephemeral port against a service's).

use super::codes::{seq_code, state_code};
use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;
use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::entry::SeqKnown;
use synscope_model::TcpState;

/// The base sender's state, decoded.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SenderView {
    /// `ESTABLISHED` or later (synchronized, RFC 9293 §3.5).
    pub sync: Bit,
    /// `CLOSED` or `TIME_WAIT`.
    pub finished: Bit,
    pub closed: Bit,
    pub syn_sent: Bit,
    pub syn_received: Bit,
    pub established: Bit,
    /// `SeqKnown::Unknown` / `Seen`.
    pub seq_unknown: Bit,
    pub seq_seen: Bit,
}

/// The base receiver's state, decoded.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ReceiverView {
    pub sync: Bit,
    pub finished: Bit,
    pub closed: Bit,
    pub listen: Bit,
    pub syn_sent: Bit,
    pub syn_received: Bit,
    pub time_wait: Bit,
    /// `CLOSE_WAIT`, `CLOSING` or `LAST_ACK`: it has received its peer's FIN.
    pub after_fin: Bit,
    pub seq_unknown: Bit,
    pub seq_inferred: Bit,
    pub seq_seen: Bit,
}

#[derive(LogicBlock)]
pub struct BaseEndpoints {
    /// The stored endpoints and flag (meaningful when `hit`).
    pub stored_lo: Signal<In, TrackBits>,
    pub stored_hi: Signal<In, TrackBits>,
    pub stored_picked_up: Signal<In, Bit>,
    pub hit: Signal<In, Bit>,
    pub sender_is_lo: Signal<In, Bit>,
    pub lo_port: Signal<In, Bits<16>>,
    pub hi_port: Signal<In, Bits<16>>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    pub is_syn: Signal<In, Bit>,
    pub is_synack: Signal<In, Bit>,
    pub f_ack: Signal<In, Bit>,
    /// The base sender and receiver.
    pub sender: Signal<Out, TrackBits>,
    pub receiver: Signal<Out, TrackBits>,
    /// The entry is (or would be, opened) a mid-stream pickup.
    pub picked_up: Signal<Out, Bit>,
    /// `open` takes the sender for the client.
    pub open_client_is_sender: Signal<Out, Bit>,
    pub s_view: Signal<Out, SenderView>,
    pub r_view: Signal<Out, ReceiverView>,
    in_s: Signal<Local, TrackBits>,
    in_r: Signal<Local, TrackBits>,
    op_s: Signal<Local, TrackBits>,
    op_r: Signal<Local, TrackBits>,
    src_port_lt: Signal<Local, Bit>,
    fresh: Constant<TrackBits>,
    st_closed: Constant<Bits<4>>,
    st_listen: Constant<Bits<4>>,
    st_syn_sent: Constant<Bits<4>>,
    st_syn_received: Constant<Bits<4>>,
    st_established: Constant<Bits<4>>,
    st_close_wait: Constant<Bits<4>>,
    st_closing: Constant<Bits<4>>,
    st_last_ack: Constant<Bits<4>>,
    st_time_wait: Constant<Bits<4>>,
    sk_unknown: Constant<Bits<2>>,
    sk_inferred: Constant<Bits<2>>,
    sk_seen: Constant<Bits<2>>,
}

impl Default for BaseEndpoints {
    fn default() -> Self {
        Self {
            stored_lo: Default::default(),
            stored_hi: Default::default(),
            stored_picked_up: Default::default(),
            hit: Default::default(),
            sender_is_lo: Default::default(),
            lo_port: Default::default(),
            hi_port: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            is_syn: Default::default(),
            is_synack: Default::default(),
            f_ack: Default::default(),
            sender: Default::default(),
            receiver: Default::default(),
            picked_up: Default::default(),
            open_client_is_sender: Default::default(),
            s_view: Default::default(),
            r_view: Default::default(),
            in_s: Default::default(),
            in_r: Default::default(),
            op_s: Default::default(),
            op_r: Default::default(),
            src_port_lt: Default::default(),
            fresh: fresh_endpoint(),
            st_closed: state_code(TcpState::Closed),
            st_listen: state_code(TcpState::Listen),
            st_syn_sent: state_code(TcpState::SynSent),
            st_syn_received: state_code(TcpState::SynReceived),
            st_established: state_code(TcpState::Established),
            st_close_wait: state_code(TcpState::CloseWait),
            st_closing: state_code(TcpState::Closing),
            st_last_ack: state_code(TcpState::LastAck),
            st_time_wait: state_code(TcpState::TimeWait),
            sk_unknown: seq_code(SeqKnown::Unknown),
            sk_inferred: seq_code(SeqKnown::Inferred),
            sk_seen: seq_code(SeqKnown::Seen),
        }
    }
}

/// A fresh endpoint (`EndpointTrack::default()`): `CLOSED`, nothing known, no window scale.
pub fn fresh_endpoint() -> Constant<TrackBits> {
    Constant::new(TrackBits {
        state: (TcpState::Closed as u64).to_bits(),
        wscale: (WSCALE_NONE as u64).to_bits(),
        ..Default::default()
    })
}

impl Logic for BaseEndpoints {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- the stored entry as sender / receiver
        if self.sender_is_lo.val() {
            self.in_s.next = self.stored_lo.val();
            self.in_r.next = self.stored_hi.val();
            self.src_port_lt.next = self.lo_port.val() < self.hi_port.val();
        } else {
            self.in_s.next = self.stored_hi.val();
            self.in_r.next = self.stored_lo.val();
            self.src_port_lt.next = self.hi_port.val() < self.lo_port.val();
        }

        // ---- `open`: both ends fresh, then by class
        self.op_s.next = self.fresh.val();
        self.op_r.next = self.fresh.val();
        self.open_client_is_sender.next = true;
        if self.is_synack.val() {
            // The client's SYN was not seen: it is SYN_SENT, the SYN-ACK's ACK says where its
            // stream stands; the server was listening.
            self.op_r.next.state = self.st_syn_sent.val();
            self.op_r.next.seq = self.sk_inferred.val();
            self.op_r.next.nxt = self.ack.val();
            self.op_r.next.max = self.ack.val();
            self.op_s.next.state = self.st_listen.val();
            self.open_client_is_sender.next = false;
        } else if !self.is_syn.val() {
            // Mid-stream pickup.
            self.op_s.next.state = self.st_established.val();
            self.op_r.next.state = self.st_established.val();
            self.op_s.next.seq = self.sk_inferred.val();
            self.op_s.next.nxt = self.seq.val();
            self.op_s.next.max = self.seq.val();
            if self.f_ack.val() {
                self.op_r.next.seq = self.sk_inferred.val();
                self.op_r.next.nxt = self.ack.val();
                self.op_r.next.max = self.ack.val();
            }
            self.open_client_is_sender.next = !self.src_port_lt.val();
        }
        if self.hit.val() {
            self.sender.next = self.in_s.val();
            self.receiver.next = self.in_r.val();
            self.picked_up.next = self.stored_picked_up.val();
        } else {
            self.sender.next = self.op_s.val();
            self.receiver.next = self.op_r.val();
            self.picked_up.next = !self.is_syn.val();
        }

        // ---- their states, decoded
        self.s_view.next.sync = self.sender.val().state >= self.st_established.val();
        self.s_view.next.finished = (self.sender.val().state == self.st_closed.val())
            || (self.sender.val().state == self.st_time_wait.val());
        self.s_view.next.closed = self.sender.val().state == self.st_closed.val();
        self.s_view.next.syn_sent = self.sender.val().state == self.st_syn_sent.val();
        self.s_view.next.syn_received = self.sender.val().state == self.st_syn_received.val();
        self.s_view.next.established = self.sender.val().state == self.st_established.val();
        self.s_view.next.seq_unknown = self.sender.val().seq == self.sk_unknown.val();
        self.s_view.next.seq_seen = self.sender.val().seq == self.sk_seen.val();
        self.r_view.next.sync = self.receiver.val().state >= self.st_established.val();
        self.r_view.next.finished = (self.receiver.val().state == self.st_closed.val())
            || (self.receiver.val().state == self.st_time_wait.val());
        self.r_view.next.closed = self.receiver.val().state == self.st_closed.val();
        self.r_view.next.listen = self.receiver.val().state == self.st_listen.val();
        self.r_view.next.syn_sent = self.receiver.val().state == self.st_syn_sent.val();
        self.r_view.next.syn_received = self.receiver.val().state == self.st_syn_received.val();
        self.r_view.next.time_wait = self.receiver.val().state == self.st_time_wait.val();
        self.r_view.next.after_fin = (self.receiver.val().state == self.st_close_wait.val())
            || (self.receiver.val().state == self.st_closing.val())
            || (self.receiver.val().state == self.st_last_ack.val());
        self.r_view.next.seq_unknown = self.receiver.val().seq == self.sk_unknown.val();
        self.r_view.next.seq_inferred = self.receiver.val().seq == self.sk_inferred.val();
        self.r_view.next.seq_seen = self.receiver.val().seq == self.sk_seen.val();
    }
}
