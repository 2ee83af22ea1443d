//! One segment applied to one connection entry: the pure core of the tracker, with no table,
//! counters or events (the hardware's `segment_apply` block computes exactly this).

use crate::descriptor::{FlowKey, SegmentDescriptor, WSCALE_NONE};
use crate::entry::{EndpointTrack, Entry, LO};
use crate::flags::FlagClass;
use crate::fsm::{receiver_next, sender_next};
use crate::seq::{ceil_log2, seq_gt};
use crate::state::TcpState;
use crate::tracker::{RstClass, Verdict};

/// What applying a segment did besides changing the entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub verdict: Verdict,
    /// A SYN started a new incarnation of a finished 4-tuple.
    pub reincarnated: bool,
}

impl Applied {
    fn only(verdict: Verdict) -> Self {
        Applied {
            verdict,
            reincarnated: false,
        }
    }
}

/// A new entry for a segment that matches no connection (RST excluded).
/// A SYN opens it with the sender as client; anything else is a mid-stream pickup whose
/// roles are inferred: a SYN-ACK's sender is the server, otherwise the lower port is.
pub fn open(
    key: FlowKey,
    sender: usize,
    d: &SegmentDescriptor,
    class: FlagClass,
    now: u32,
) -> Entry {
    let receiver = 1 - sender;
    let mut ends = [EndpointTrack::new(TcpState::Closed); 2];
    let client = match class {
        FlagClass::Syn => sender,
        FlagClass::SynAck => {
            // The client sent a SYN we did not see: it is SYN_SENT, its SYN ends where the
            // SYN-ACK's ACK points; the server was listening.
            ends[receiver].state = TcpState::SynSent;
            ends[receiver].snd_nxt = d.ack;
            ends[receiver].snd_valid = true;
            ends[sender].state = TcpState::Listen;
            receiver
        }
        _ => {
            for end in ends.iter_mut() {
                end.state = TcpState::Established;
            }
            ends[sender].snd_nxt = d.seq;
            ends[sender].snd_valid = true;
            ends[receiver].snd_nxt = d.ack;
            ends[receiver].snd_valid = d.flags.ack();
            if d.src.port < d.dst.port {
                receiver
            } else {
                sender
            }
        }
    };
    Entry {
        key,
        client_is_lo: client == LO,
        picked_up: class != FlagClass::Syn,
        ends,
        last_seen: now,
    }
}

/// RFC 5961 §3.2 (and RFC 9293 §3.10.7.3 in SYN_SENT): is this RST from `sender` acceptable
/// to the receiver?
pub fn classify_rst(e: &Entry, sender: usize, d: &SegmentDescriptor) -> RstClass {
    let s = &e.ends[sender];
    let r = &e.ends[1 - sender];
    if r.state == TcpState::SynSent {
        // "If the ACK was acceptable then … enter CLOSED"; without an acceptable ACK the
        // RST is dropped.
        return if d.flags.ack() && r.snd_valid && d.ack == r.snd_nxt {
            RstClass::Exact
        } else {
            RstClass::OutOfWindow
        };
    }
    if !s.snd_valid {
        return RstClass::Unverified;
    }
    // The receiver's RCV.NXT is the sender's SND.NXT (everything seen is delivered).
    let d_seq = d.seq.wrapping_sub(s.snd_nxt);
    if d_seq == 0 {
        RstClass::Exact
    } else if (d_seq as u64) < (1u64 << r.wnd_log2) {
        RstClass::InWindow
    } else {
        RstClass::OutOfWindow
    }
}

/// Apply one segment to its connection's entry, in place (RFC 9293 §3.10.7 and RFC 5961, as
/// laid out in the crate docs). `created`: the entry was just opened by this segment.
pub fn apply(
    e: &mut Entry,
    sender: usize,
    d: &SegmentDescriptor,
    class: FlagClass,
    created: bool,
    now: u32,
) -> Applied {
    let receiver = 1 - sender;
    let mut reincarnated = false;
    match class {
        FlagClass::Rst => {
            let rc = classify_rst(e, sender, d);
            if rc.accepted() {
                // RFC 9293 §3.10.7.4 first check / RFC 5961 §3.2: the receiver resets;
                // the sender aborted (§3.10.5, ABORT call: "send a reset … enter CLOSED").
                e.ends[receiver].state = TcpState::Closed;
                e.ends[sender].state = TcpState::Closed;
                e.last_seen = now;
            }
            return Applied::only(Verdict::Rst(rc));
        }
        FlagClass::Syn => {
            let [a, b] = e.states();
            if created {
                // The SYN that just opened the entry.
            } else if a.is_finished() && b.is_finished() {
                // A new incarnation of a finished 4-tuple (RFC 9293 §3.10.7.4, SYN in
                // TIME_WAIT; RFC 6191): start over with the sender as client.
                reincarnated = true;
                e.ends = [EndpointTrack::new(TcpState::Closed); 2];
                e.client_is_lo = sender == LO;
                e.picked_up = false;
            } else if a.is_synchronized() || b.is_synchronized() {
                // RFC 5961 §4: a SYN in a synchronized state is answered by a challenge
                // ACK and changes nothing.
                return Applied::only(Verdict::SynChallenged);
            }
        }
        FlagClass::SynAck => {
            let s = &e.ends[sender];
            if e.ends[1 - sender].state.is_synchronized() {
                if s.snd_valid && d.seq_end() == s.snd_nxt {
                    // A retransmitted SYN-ACK (its ACK was lost): acknowledged again by
                    // the receiver, nothing moves (RFC 9293 §3.10.7.4).
                    e.last_seen = now;
                    return Applied::only(Verdict::Tracked);
                }
                // RFC 5961 §4.2: "If the SYN bit is set, irrespective of the sequence
                // number", a synchronized receiver answers with a challenge ACK; nothing
                // moves (nor is the sender's sequence space rewound).
                return Applied::only(Verdict::SynChallenged);
            }
        }
        _ => {}
    }

    let r = e.ends[receiver];
    // Acknowledges all the receiver sent: SEG.ACK = SND.NXT. An ACK beyond SND.NXT
    // acknowledges something not yet sent and is dropped (RFC 9293 §3.10.7.3 in SYN-SENT,
    // §3.10.7.4 fifth check elsewhere).
    let acks = d.flags.ack() && r.snd_valid && d.ack == r.snd_nxt;
    let s_next = sender_next(acks, class, e.ends[sender].state);
    let r_next = receiver_next(acks, class, r.state);

    // Sequence and window bookkeeping of the sender.
    let s = &mut e.ends[sender];
    let end = d.seq_end();
    let handshake = matches!(class, FlagClass::Syn | FlagClass::SynAck);
    if handshake {
        // A SYN (re)starts the sender's sequence space and carries its scale offer.
        s.snd_nxt = end;
        s.snd_valid = true;
        s.wscale = d.wscale;
    } else if !s.snd_valid || seq_gt(end, s.snd_nxt) {
        s.snd_nxt = end;
        s.snd_valid = true;
    }
    // RFC 7323 §2.2: the window of a SYN is never scaled; scaling is in force only when
    // both sides offered it.
    let shift = if !handshake && s.wscale != WSCALE_NONE && r.wscale != WSCALE_NONE {
        s.wscale as u32
    } else {
        0
    };
    s.wnd_log2 = ceil_log2((d.window as u32) << shift);

    e.ends[sender].state = s_next;
    e.ends[receiver].state = r_next;
    e.last_seen = now;
    Applied {
        verdict: Verdict::Tracked,
        reincarnated,
    }
}
