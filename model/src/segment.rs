//! One segment applied to one connection entry: the pure core of the tracker, with no table,
//! counters or events (the hardware's `segment_apply` block computes exactly this).
//!
//! Every segment is judged as its receiver would judge it, in the order of RFC 9293 §3.10.7.4
//! (Linux function in brackets, `../shared/notes/acceptability.md`):
//!
//! 1. **RST** first, whatever other flags it has ([`apply_rst`]; RFC 5961 §3.2,
//!    `tcp_validate_incoming` / `tcp_reset_check`, `tcp_check_req` for a request socket).
//! 2. **SYN and SYN-ACK** cases a table cannot say ([`syn_case`], [`synack_case`]): a new
//!    incarnation of a finished 4-tuple (RFC 6191, `tcp_timewait_state_process`), a SYN on a
//!    synchronized connection (RFC 5961 §4), a retransmission, and what it proves lost.
//! 3. **Sequence** (first check): a segment beyond its receiver's window is dropped whole
//!    ([`acceptable`]; `tcp_sequence`, `tcp_in_window`).
//! 4. **ACK** (fifth check): an ACK of data never sent drops the segment; in SYN_SENT and
//!    SYN_RECEIVED an acceptable ACK is `SND.UNA < SEG.ACK ≤ SND.NXT` ([`check_ack`]; `tcp_ack`,
//!    `tcp_rcv_synsent_state_process`, `tcp_check_req`).
//! 5. **Data and FIN** (seventh and eighth checks): taken in sequence only; a FIN beyond a hole
//!    is held until the hole fills; a closed window takes no data (a zero-window probe)
//!    ([`deliver`]; `tcp_data_queue`, `tcp_fin`).
//!
//! Then the two transition tables of [`crate::fsm`] move the endpoints, with the class each
//! endpoint took the segment as.
//!
//! **Evidence.** The wire also shows what did *not* arrive: an endpoint's cumulative ACK proves
//! how far it has received (and so when a held FIN took effect); a SYN re-sent after a SYN-ACK
//! shows that SYN-ACK lost; a SYN-ACK re-sent after the ACK shows the ACK not taken (a full
//! accept queue, `tcp_check_req` → listen overflow); a SYN re-sent with no SYN-ACK shows the SYN
//! not taken. Such an endpoint is marked `stalled` until it shows otherwise.
//!
//! **Approximations** (said once, here): the out-of-order queue is not kept, only its right end
//! (`max`) and a held FIN at `max − 1`; when a retransmission fills a hole, how far the receiver's
//! RCV.NXT jumps is taken from its next ACK. The ACK's lower bound (RFC 5961 §5, `SND.UNA −
//! MAX.SND.WND`), PAWS (RFC 7323 §5) and SACK blocks (the right edge of the highest one also takes
//! a RST in Linux) are not tracked. On a connection picked up mid-stream the window scale is
//! unknown and taken as 14 (RFC 7323 §2.3's largest): the window check then never rejects a
//! genuine segment.

use crate::descriptor::{FlowKey, SegmentDescriptor, WSCALE_MAX, WSCALE_NONE};
use crate::end::End;
use crate::entry::{Aux, EndpointTrack, Entry, SeqKnown, Window};
use crate::flags::FlagClass;
use crate::fsm::{receiver_next, sender_next};
use crate::seq::{seq_ge, seq_gt, seq_le, seq_lt};
use crate::state::TcpState;
use crate::tracker::{Reject, RstClass, Verdict};

use TcpState::*;

/// Observations made while applying a segment, counted by the tracker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// A FIN beyond a hole, held until the hole fills.
    pub fin_held: bool,
    /// Data a closed window did not take (a zero-window probe).
    pub window_probe: bool,
    /// The segment proves an earlier handshake segment was not taken.
    pub handshake_lost: bool,
}

/// What applying a segment did besides changing the entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub verdict: Verdict,
    /// A SYN started a new incarnation of a finished 4-tuple.
    pub reincarnated: bool,
    pub notes: Notes,
}

impl Applied {
    fn only(verdict: Verdict) -> Self {
        Applied {
            verdict,
            reincarnated: false,
            notes: Notes::default(),
        }
    }

    fn lost(verdict: Verdict) -> Self {
        Applied {
            notes: Notes {
                handshake_lost: true,
                ..Notes::default()
            },
            ..Applied::only(verdict)
        }
    }
}

/// Nothing is known of an endpoint but the peer's ACK of its stream: it has received up to there.
fn infer(end: &mut EndpointTrack, ack: u32) {
    end.seq = SeqKnown::Inferred;
    end.nxt = ack;
    end.max = ack;
}

/// A new entry for a segment that matches no connection (RST excluded), before [`apply`].
/// A SYN opens it with the sender as client; anything else is a mid-stream pickup whose
/// roles are inferred: a SYN-ACK's sender is the server, otherwise the lower port is.
pub fn open(key: FlowKey, sender: End, d: &SegmentDescriptor, class: FlagClass, now: u32) -> Entry {
    let receiver = sender.other();
    let mut ends = [EndpointTrack::new(Closed); 2];
    let client = match class {
        FlagClass::Syn => sender,
        FlagClass::SynAck => {
            // The client sent a SYN we did not see: it is SYN_SENT, and the SYN-ACK's ACK says
            // where its stream stands; the server was listening.
            ends[receiver].state = SynSent;
            infer(&mut ends[receiver], d.ack);
            ends[sender].state = Listen;
            receiver
        }
        _ => {
            for end in ends.iter_mut() {
                end.state = Established;
            }
            // Everything the sender sent before this segment has arrived.
            ends[sender].seq = SeqKnown::Inferred;
            ends[sender].nxt = d.seq;
            ends[sender].max = d.seq;
            if d.flags.ack() {
                infer(&mut ends[receiver], d.ack);
            }
            if d.src.port < d.dst.port {
                receiver
            } else {
                sender
            }
        }
    };
    Entry {
        key,
        client_is_lo: client.is_lo(),
        picked_up: class != FlagClass::Syn,
        ends,
        last_seen: now,
    }
}

/// `tcp_in_window()` of Linux (`tcp_minisocks.c`): the window check of a request socket and of
/// an orphaned FIN_WAIT_2.
fn tcp_in_window(seq: u32, end: u32, s_win: u32, e_win: u32) -> bool {
    seq == s_win || (seq_gt(end, s_win) && seq_lt(seq, e_win)) || (seq == e_win && seq == end)
}

/// The right edge of `r`'s receive window for `s`'s stream, never left of `s.nxt` (a window
/// the sender overran is closed, not negative); `None` when `r` has not advertised one.
fn right_edge(s: &EndpointTrack, r: &EndpointTrack) -> Option<u32> {
    r.window.map(|w| {
        if seq_gt(w.right, s.nxt) {
            w.right
        } else {
            s.nxt
        }
    })
}

/// First check (RFC 9293 §3.10.7.4): would `r`, synchronized or a request socket in
/// SYN_RECEIVED, accept this segment from `s`? Linux `tcp_sequence`: not wholly before the left
/// edge of the window it last advertised (`before(end_seq, rcv_wup)`: an old duplicate), not
/// beyond its right edge (`after(seq, rcv_nxt + window)`); a request socket checks
/// `tcp_in_window` against `RCV.NXT` and its window. `None`: acceptable.
pub fn unacceptable(s: &EndpointTrack, r: &EndpointTrack, d: &SegmentDescriptor) -> Option<Reject> {
    if s.seq == SeqKnown::Unknown {
        return None;
    }
    let (Some(w), Some(right)) = (r.window, right_edge(s, r)) else {
        return None;
    };
    let (seq, end) = (d.seq, d.seq_end());
    if r.state == SynReceived {
        return (!tcp_in_window(seq, end, s.nxt, right)).then_some(Reject::OutOfWindow);
    }
    if seq_gt(seq, right) {
        Some(Reject::OutOfWindow)
    } else if seq_lt(end, w.left) {
        Some(Reject::Old)
    } else {
        None
    }
}

/// The outcome of the fifth check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AckCheck {
    /// No ACK bit.
    None,
    /// Acceptable; `acks`: it acknowledges `r`'s SYN (in SYN_SENT / SYN_RECEIVED) or `r`'s FIN.
    Ok { acks: bool },
    /// It acknowledges something `r` never sent: the segment is dropped.
    Bad,
}

/// Fifth check (RFC 9293 §3.10.7.3–4): the ACK of a segment to `r`. `SEG.ACK > SND.NXT` is an
/// ACK of data never sent (`tcp_ack`, "data not yet sent"); in SYN_SENT and SYN_RECEIVED it must
/// also acknowledge the SYN, `SND.UNA < SEG.ACK` (`tcp_rcv_synsent_state_process`,
/// `tcp_check_req`) — a partial acknowledgement of a SYN that carried data (TCP Fast Open, RFC
/// 7413) is acceptable. What `r` sent is what the wire showed: `r.nxt` is ISN + 1 while its SYN is
/// unacknowledged, `r.max` is past the last byte seen. An endpoint not seen sending takes the ACK
/// as what it has sent.
fn check_ack(r: &EndpointTrack, d: &SegmentDescriptor) -> AckCheck {
    if !d.flags.ack() {
        return AckCheck::None;
    }
    let handshake = matches!(r.state, SynSent | SynReceived);
    let fin_acked = r.fin && d.ack == r.max;
    match r.seq {
        SeqKnown::Seen => {
            if seq_gt(d.ack, r.max) || (handshake && seq_lt(d.ack, r.nxt)) {
                AckCheck::Bad
            } else {
                AckCheck::Ok {
                    acks: handshake || fin_acked,
                }
            }
        }
        SeqKnown::Inferred | SeqKnown::Unknown => AckCheck::Ok {
            acks: handshake || (fin_acked && r.seq == SeqKnown::Inferred),
        },
    }
}

/// `s`'s segment is a retransmission of its SYN (SYN-ACK): the same ISN.
fn same_isn(s: &EndpointTrack, d: &SegmentDescriptor) -> bool {
    s.seq == SeqKnown::Seen && (d.seq.wrapping_add(1) == s.nxt || d.seq_end() == s.max)
}

/// The retransmission clock after `s` sends its SYN (SYN-ACK) at `now`.
fn handshake_clock(s: &EndpointTrack, d: &SegmentDescriptor, now: u32) -> Aux {
    let gap = match s.aux {
        Aux::Handshake { at, .. } if same_isn(s, d) => crate::time::elapsed(now, at),
        _ => 0,
    };
    Aux::Handshake {
        at: now,
        gap: gap.min(crate::entry::layout::GAP_MAX),
    }
}

/// Linux accepts a SYN to TIME_WAIT as a new incarnation when its sequence number is after the
/// old RCV.NXT, or when its TSval is newer than the last one received (RFC 6191;
/// `tcp_timewait_state_process`).
fn time_wait_takes(s: &EndpointTrack, d: &SegmentDescriptor) -> bool {
    let newer_ts = matches!((d.tsval, s.aux), (Some(new), Aux::Ts(old))
        if (old.wrapping_sub(new) as i32) < 0);
    seq_gt(d.seq, s.nxt) || newer_ts
}

/// What to do with a SYN before the tables.
enum SynCase {
    /// The general path.
    Proceed,
    /// A new incarnation of a finished 4-tuple, then the general path.
    Reincarnate,
    Done(Applied),
}

/// A SYN from `sender`: the cases a table cannot say.
fn syn_case(e: &mut Entry, sender: End, d: &SegmentDescriptor, created: bool, now: u32) -> SynCase {
    let receiver = sender.other();
    let [s, r] = [e.ends[sender], e.ends[receiver]];
    if created {
        return SynCase::Proceed;
    }
    if s.state.is_finished() && r.state.is_finished() {
        if r.state == TimeWait && !time_wait_takes(&s, d) {
            // "Otherwise … send an ACK": TIME_WAIT stays (tcp_timewait_state_process).
            return SynCase::Done(Applied::only(Verdict::Unacceptable(Reject::TimeWaitSyn)));
        }
        return SynCase::Reincarnate;
    }
    let same = same_isn(&s, d);
    match (s.state, r.state) {
        // A retransmitted SYN after the SYN-ACK was seen: the SYN-ACK did not arrive (an
        // ESTABLISHED endpoint never sends a bare SYN); the client is still SYN_SENT.
        (Established, SynReceived) if same => {
            let end = &mut e.ends[sender];
            end.aux = handshake_clock(&s, d, now);
            end.state = SynSent;
            end.stalled = true;
            e.last_seen = now;
            SynCase::Done(Applied::lost(Verdict::Tracked))
        }
        (SynSent, SynReceived) | (SynSent, Closed | Listen) if same => {
            e.ends[sender].aux = handshake_clock(&s, d, now);
            e.last_seen = now;
            if r.state == SynReceived && r.seq == SeqKnown::Unknown {
                // SYNs re-sent and never answered: a SYN_RECEIVED endpoint answers each one
                // (tcp_check_req), so this one never took the SYN.
                let end = &mut e.ends[receiver];
                end.state = Closed;
                end.stalled = true;
                end.aux = Aux::None;
                return SynCase::Done(Applied::lost(Verdict::Tracked));
            }
            // A request socket answers a retransmitted SYN with its SYN-ACK again.
            SynCase::Done(Applied::only(Verdict::Tracked))
        }
        // A new ISN to a request socket: in its window it resets the embryonic connection
        // (tcp_check_req "embryonic_reset"), outside it is answered by an ACK.
        (SynSent, SynReceived) if r.seq == SeqKnown::Seen => match right_edge(&s, &r) {
            Some(right) if !tcp_in_window(d.seq, d.seq_end(), s.nxt, right) => {
                SynCase::Done(Applied::only(Verdict::SynChallenged))
            }
            _ => {
                let end = &mut e.ends[receiver];
                end.state = Closed;
                end.aux = Aux::None;
                let end = &mut e.ends[sender];
                end.seq = SeqKnown::Seen;
                end.nxt = d.seq.wrapping_add(1);
                end.max = d.seq_end();
                end.wscale = d.wscale;
                end.aux = Aux::Handshake { at: now, gap: 0 };
                e.last_seen = now;
                SynCase::Done(Applied::only(Verdict::Tracked))
            }
        },
        // RFC 5961 §4: a SYN in a synchronized state is answered by a challenge ACK.
        (a, b) if a.is_synchronized() || b.is_synchronized() => {
            SynCase::Done(Applied::only(Verdict::SynChallenged))
        }
        _ => SynCase::Proceed,
    }
}

/// A SYN-ACK from `sender`: the cases a table cannot say. `None`: the general path.
fn synack_case(e: &mut Entry, sender: End, d: &SegmentDescriptor, now: u32) -> Option<Applied> {
    let receiver = sender.other();
    let [s, r] = [e.ends[sender], e.ends[receiver]];
    if !r.state.is_synchronized() {
        return None;
    }
    let same = same_isn(&s, d);
    match s.state {
        // A SYN-ACK re-sent after the peer's ACK: that ACK was not taken (a full accept queue
        // drops it, tcp_check_req → listen overflow); the sender is still SYN_RECEIVED.
        Established if same => {
            let end = &mut e.ends[sender];
            end.aux = handshake_clock(&s, d, now);
            end.state = SynReceived;
            end.stalled = true;
            e.last_seen = now;
            Some(Applied::lost(Verdict::Tracked))
        }
        // Re-sent on its timer or for a duplicate SYN: nothing moves.
        SynReceived if same => {
            e.ends[sender].aux = handshake_clock(&s, d, now);
            e.last_seen = now;
            Some(Applied::only(Verdict::Tracked))
        }
        // RFC 5961 §4.2: "If the SYN bit is set, irrespective of the sequence number", a
        // synchronized receiver answers with a challenge ACK.
        _ => Some(Applied::only(Verdict::SynChallenged)),
    }
}

/// Start a new incarnation of a finished 4-tuple with `sender` as client.
fn reincarnate(e: &mut Entry, sender: End) {
    e.ends = [EndpointTrack::new(Closed); 2];
    e.client_is_lo = sender.is_lo();
    e.picked_up = false;
}

/// RFC 5961 §3.2 (and RFC 9293 §3.10.7.3 in SYN_SENT): how this RST from `sender` relates to
/// its receiver's window.
pub fn classify_rst(e: &Entry, sender: End, d: &SegmentDescriptor) -> RstClass {
    let s = &e.ends[sender];
    let r = &e.ends[sender.other()];
    if r.state == SynSent {
        // "If the ACK was acceptable then … enter CLOSED"; without an acceptable ACK the
        // RST is dropped.
        return match check_ack(r, d) {
            AckCheck::Ok { acks: true } => RstClass::Exact,
            _ => RstClass::OutOfWindow,
        };
    }
    if s.seq == SeqKnown::Unknown {
        return RstClass::Unverified;
    }
    let rcv_nxt = s.nxt;
    // Linux `tcp_reset_check` also takes RCV.NXT − 1 once a FIN was received.
    let after_fin = matches!(r.state, CloseWait | Closing | LastAck);
    if d.seq == rcv_nxt || (after_fin && d.seq == rcv_nxt.wrapping_sub(1)) {
        return RstClass::Exact;
    }
    // An unknown window is taken as the largest unscaled one.
    let right = right_edge(s, r).unwrap_or(rcv_nxt.wrapping_add(u16::MAX as u32));
    let left = r.window.map_or(rcv_nxt, |w| w.left);
    if r.state == SynReceived {
        // A request socket is reset by any RST in its window (tcp_check_req).
        return if tcp_in_window(d.seq, d.seq_end(), rcv_nxt, right) {
            RstClass::Exact
        } else {
            RstClass::OutOfWindow
        };
    }
    // Inside what `tcp_sequence` takes: a challenge ACK.
    if seq_ge(d.seq, left) && seq_le(d.seq, right) {
        RstClass::InWindow
    } else {
        RstClass::OutOfWindow
    }
}

/// A segment with RST set (second check, before any flag policy: a RST inside an invalid
/// combination resets an endpoint as well).
fn apply_rst(e: &mut Entry, sender: End, d: &SegmentDescriptor, now: u32) -> Applied {
    let receiver = sender.other();
    let rc = classify_rst(e, sender, d);
    let s = e.ends[sender];
    if rc.accepted() {
        // RFC 9293 §3.10.7.4 second check / RFC 5961 §3.2: the receiver resets; the sender
        // aborted (§3.10.5, ABORT call: "send a reset … enter CLOSED").
        for i in [sender, receiver] {
            e.ends[i].state = Closed;
            e.ends[i].aux = Aux::None;
        }
        e.last_seen = now;
    } else if s.seq == SeqKnown::Unknown && !s.state.is_synchronized() && s.state != Closed {
        // An endpoint that only ever answered with RST holds no connection: a CLOSED endpoint
        // answers every segment with a reset (§3.10.7.1).
        e.ends[sender].state = Closed;
        e.ends[sender].aux = Aux::None;
        e.last_seen = now;
    }
    Applied::only(Verdict::Rst(rc))
}

/// What delivering a segment's data and FIN did (seventh and eighth checks).
#[derive(Clone, Copy, Debug, Default)]
struct Delivery {
    /// The sender's FIN reached the receiver in sequence with this segment.
    fin: bool,
    notes: Notes,
}

/// Seventh and eighth checks for `s`'s segment to `r` (Linux `tcp_data_queue`): data and FIN
/// are taken in sequence; out of order (in the window) they are queued, a FIN held until
/// everything before it has arrived; a closed window takes no data but a bare FIN; nothing is
/// taken after a FIN.
fn deliver(s: &mut EndpointTrack, right: Option<u32>, d: &SegmentDescriptor) -> Delivery {
    let mut out = Delivery::default();
    let len = d.seg_len();
    if len == 0 {
        return out;
    }
    let (seq, end, fin) = (d.seq, d.seq_end(), d.flags.fin());
    let in_sequence = seq_le(seq, s.nxt) && seq_gt(end, s.nxt);
    let queued = seq_gt(seq, s.nxt) && right.is_none_or(|right| seq_lt(seq, right));
    if !(in_sequence || queued) || s.fin_delivered() {
        // An old duplicate, beyond the window, or after the FIN: nothing new.
        return out;
    }
    if in_sequence {
        let closed = right.is_some_and(|right| right == s.nxt);
        let bare_fin = fin && d.payload_len == 0;
        if closed && !bare_fin {
            out.notes.window_probe = true;
            return out;
        }
    }
    // Data past a held FIN: that FIN was not the end of the stream.
    if s.fin && seq_gt(end, s.max) {
        s.fin = false;
    }
    if seq_gt(end, s.max) {
        s.max = end;
    }
    if fin {
        s.fin = true;
    }
    if in_sequence {
        s.nxt = end;
        if s.fin && s.nxt == s.max.wrapping_sub(1) {
            // Everything before the held FIN has arrived: it takes effect now.
            s.nxt = s.max;
        }
        out.fin = s.fin_delivered();
    } else if fin {
        out.notes.fin_held = true;
    }
    out
}

/// The sender's window-scale shift for the windows it advertises after its SYN (RFC 7323
/// §2.2–2.3: in force only when both SYNs carried the option; unknown on a picked-up
/// connection, taken as the largest).
fn scale(e: &Entry, s: &EndpointTrack, r: &EndpointTrack) -> u32 {
    if e.picked_up && (s.wscale == WSCALE_NONE || r.wscale == WSCALE_NONE) {
        WSCALE_MAX as u32
    } else if s.wscale != WSCALE_NONE && r.wscale != WSCALE_NONE {
        s.wscale as u32
    } else {
        0
    }
}

/// `r` takes `class` from `s` as it arrives, unless evidence shows it does not take the
/// peer's handshake: a stalled endpoint ignores a SYN while CLOSED/LISTEN, a SYN-ACK in
/// SYN_SENT and the ACK of its SYN in SYN_RECEIVED.
fn takes_handshake(r: &EndpointTrack, class: FlagClass) -> bool {
    !(r.stalled
        && match r.state {
            Closed | Listen => class == FlagClass::Syn,
            SynSent => class == FlagClass::SynAck,
            SynReceived => true,
            _ => false,
        })
}

/// Apply one segment to its connection's entry, in place. `created`: the entry was just opened
/// by this segment ([`open`]).
pub fn apply(
    e: &mut Entry,
    sender: End,
    d: &SegmentDescriptor,
    class: FlagClass,
    created: bool,
    now: u32,
) -> Applied {
    if d.flags.rst() {
        return apply_rst(e, sender, d, now);
    }
    let receiver = sender.other();
    let mut reincarnated = false;
    match class {
        FlagClass::Syn => match syn_case(e, sender, d, created, now) {
            SynCase::Proceed => {}
            SynCase::Reincarnate => {
                reincarnate(e, sender);
                reincarnated = true;
            }
            SynCase::Done(a) => return a,
        },
        FlagClass::SynAck => {
            if let Some(a) = synack_case(e, sender, d, now) {
                return a;
            }
        }
        _ => {}
    }
    let handshake = matches!(class, FlagClass::Syn | FlagClass::SynAck);
    let [s, r] = [e.ends[sender], e.ends[receiver]];

    // First check: sequence acceptability.
    let checks_window = r.state.is_synchronized() || r.state == SynReceived;
    if checks_window && !handshake {
        if let Some(reject) = unacceptable(&s, &r, d) {
            return Applied::only(Verdict::Unacceptable(reject));
        }
    }
    // Fifth check: the ACK.
    let ack = check_ack(&r, d);
    if ack == AckCheck::Bad {
        return Applied::only(Verdict::Unacceptable(Reject::BadAck));
    }
    let acks = matches!(ack, AckCheck::Ok { acks: true });
    let taken = takes_handshake(&r, class);
    let mut notes = Notes::default();

    // The sender's stream.
    let sender_fin_genuine;
    let mut fin_now = false;
    {
        let shift = scale(e, &s, &r);
        let end = &mut e.ends[sender];
        if handshake {
            if !same_isn(&s, d) {
                // A SYN starts the sender's sequence space: the peer's RCV.NXT becomes ISN + 1
                // once it arrives; data in a SYN is queued until the SYN-ACK's ACK shows it
                // taken (§3.10.7.2; RFC 7413).
                end.seq = SeqKnown::Seen;
                end.nxt = d.seq.wrapping_add(1);
                end.max = d.seq_end();
                end.fin = false;
            } else if seq_gt(d.seq_end(), end.max) {
                end.max = d.seq_end();
            }
            end.wscale = d.wscale;
            end.aux = handshake_clock(&s, d, now);
            sender_fin_genuine = false;
        } else {
            // A picked-up sender's own first segment may be a keep-alive or a probe (SEG.SEQ =
            // SND.NXT − 1): its position stays loose until the peer's ACK or its next segment.
            if !created {
                end.seq = SeqKnown::Seen;
            }
            // A FIN is the sender's last byte: one before what the wire already showed it send
            // is an old duplicate or forged.
            sender_fin_genuine = d.flags.fin() && !seq_lt(d.seq_end(), s.max);
            if taken {
                let delivery = deliver(end, right_edge(&s, &r), d);
                fin_now = delivery.fin;
                notes = delivery.notes;
            }
        }
        if d.flags.ack() {
            // Its receive window (a SYN-ACK's window is never scaled, RFC 7323 §2.2).
            let wnd = if handshake {
                d.window as u32
            } else {
                (d.window as u32) << shift
            };
            let w = Window {
                left: d.ack,
                right: d.ack.wrapping_add(wnd),
            };
            // The latest advertisement wins: a later ACK, or the same one with a window moved
            // right (a window update). A segment that left after one already seen (reordered
            // on the way to the capture point) does not move the window back (RFC 9293
            // §3.10.7.4, the SND.WL1/SND.WL2 rule of the peer that uses this window).
            let newer = end.window.is_none_or(|old| {
                seq_gt(w.left, old.left) || (w.left == old.left && seq_gt(w.right, old.right))
            });
            if newer {
                end.window = Some(w);
            }
        }
        // It has sent something other than the handshake segment that showed it stalled.
        end.stalled = false;
    }

    // The sender's ACK: how far it has received the receiver's stream.
    let mut peer_fin_now = false;
    if d.flags.ack() && taken {
        let end = &mut e.ends[receiver];
        match end.seq {
            SeqKnown::Unknown => infer(end, d.ack),
            SeqKnown::Inferred if seq_gt(d.ack, end.max) => infer(end, d.ack),
            _ => {
                if seq_gt(d.ack, end.nxt) && seq_le(d.ack, end.max) {
                    let held = end.fin && !end.fin_delivered();
                    end.nxt = d.ack;
                    peer_fin_now = held && end.fin_delivered();
                }
            }
        }
    }

    // The tables. The sender took the receiver's held FIN before sending this.
    let mut s_state = e.ends[sender].state;
    if peer_fin_now {
        s_state = receiver_next(false, FlagClass::Fin, s_state);
    }
    let s_class = match class {
        FlagClass::Fin if !sender_fin_genuine => FlagClass::Ack,
        c => c,
    };
    s_state = sender_next(acks, s_class, s_state);
    if s_state == SynReceived && s_class == FlagClass::Ack && d.payload_len > 0 {
        // A request socket sends only its SYN-ACK and bare ACKs (tcp_check_req): data shows
        // the sender took the peer's ACK and is ESTABLISHED (§3.10.7.4 fifth check).
        s_state = Established;
    }
    let r_state = if taken {
        let r_class = match class {
            FlagClass::Fin | FlagClass::Ack if fin_now => FlagClass::Fin,
            FlagClass::Fin => FlagClass::Ack,
            c => c,
        };
        receiver_next(acks, r_class, r.state)
    } else {
        r.state
    };
    e.ends[sender].state = s_state;
    if !handshake && !matches!(s_state, SynSent | SynReceived) {
        // Outside the handshake its word keeps the TSval it sent last (RFC 7323 §3).
        let end = &mut e.ends[sender];
        if let Some(ts) = d.tsval {
            end.aux = Aux::Ts(ts);
        } else if matches!(end.aux, Aux::Handshake { .. }) {
            end.aux = Aux::None;
        }
    }
    if r_state == SynReceived && !matches!(r.aux, Aux::Handshake { .. }) {
        // Entering SYN_RECEIVED: it must answer; its silence is timed from now.
        e.ends[receiver].aux = Aux::Handshake { at: now, gap: 0 };
    }
    e.ends[receiver].state = r_state;
    e.last_seen = now;
    Applied {
        verdict: Verdict::Tracked,
        reincarnated,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_in_window_matches_linux() {
        // seq at the left edge, or overlapping it, or a zero-length segment at the right edge.
        assert!(tcp_in_window(100, 100, 100, 200));
        assert!(tcp_in_window(90, 101, 100, 200));
        assert!(!tcp_in_window(90, 100, 100, 200));
        assert!(tcp_in_window(199, 300, 100, 200));
        assert!(!tcp_in_window(200, 201, 100, 200));
        assert!(tcp_in_window(200, 200, 100, 200));
    }
}
