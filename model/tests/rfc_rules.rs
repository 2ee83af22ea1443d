//! Golden tests of the tracker, one per rule, ordered like the state machine (smoltcp style).
//!
//! Heads up! Read RFC 9293 §3.3.2 (the state diagram), §3.5 (opening), §3.6 (closing) and §3.10
//! (event processing), RFC 5961 §3–4 (RST and SYN validation) and the preamble of
//! `synscope_model::fsm` first: every segment is applied to its sender (what it must have done to
//! send it) and to its receiver (assumed delivered), so the receiver of a SYN is SYN_RECEIVED at
//! once and a segment's receiver moves when it is seen, not when it is answered.
//!
//! Layout: constants and the segment template, helpers (a `Conn` that drives one tracker and
//! knows both endpoints' SND.NXT, and constructors that bring it to a pair of states), then one
//! section per state (CLOSED … TIME_WAIT), then themes: RST (RFC 5961 §3), SYN in a synchronized
//! state (RFC 5961 §4), invalid flags, mid-stream pickup, timeouts, the bounded table.
//! Names read `test_<state>_<event>[_<twist>]`; states are the client's first where the pair
//! matters.

use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::entry::Entry;
use synscope_model::fsm::Cell;
use synscope_model::time::secs;
use synscope_model::tracker::Reject;
use synscope_model::tracker::RemoveReason;
use synscope_model::{
    Counter, Endpoint, Event, FlagClass, FlowKey, RstClass, SegmentDescriptor, TableShape,
    TcpFlags, TcpState, Timeouts, Tracker, TrackerConfig, Verdict,
};
use TcpState::*;

// ================================================================================================
// Constants
// ================================================================================================

const FIN: u16 = TcpFlags::FIN;
const SYN: u16 = TcpFlags::SYN;
const RST: u16 = TcpFlags::RST;
const PSH: u16 = TcpFlags::PSH;
const ACK: u16 = TcpFlags::ACK;

/// 10.0.0.1:40000, the active opener (it is `key.lo`).
const CLIENT: Endpoint = Endpoint::v4(0x0a00_0001, 40000);
/// 10.0.0.2:80, the listener.
const SERVER: Endpoint = Endpoint::v4(0x0a00_0002, 80);
/// An unrelated pair whose segments only move the clock.
const OTHER_A: Endpoint = Endpoint::v4(0xc0a8_0001, 1111);
const OTHER_B: Endpoint = Endpoint::v4(0xc0a8_0002, 2222);

const C_ISS: u32 = 1_000;
const S_ISS: u32 = 5_000_000;
/// Advertised by both in every segment: kept as ⌈log₂⌉ = 16, a 64 KiB window, no scaling.
const WIN: u16 = 65_535;
/// Start of every scenario, so that nothing is "older than 0".
const T0: u32 = 100;

/// The template every segment is a struct update of: client → server, a bare ACK.
const TEMPL: SegmentDescriptor = SegmentDescriptor {
    src: CLIENT,
    dst: SERVER,
    seq: 0,
    ack: 0,
    flags: TcpFlags::new(ACK),
    window: WIN,
    wscale: synscope_model::descriptor::WSCALE_NONE,
    payload_len: 0,
    tsval: None,
    time: T0,
};

// ================================================================================================
// Helpers
// ================================================================================================

/// A segment from the template: endpoints, seq, ack, flags, payload length, time (whole
/// seconds; the descriptor carries ticks).
fn seg(
    src: Endpoint,
    dst: Endpoint,
    seq: u32,
    ack: u32,
    flags: u16,
    len: u16,
    time: u32,
) -> SegmentDescriptor {
    SegmentDescriptor {
        src,
        dst,
        seq,
        ack,
        flags: TcpFlags::new(flags),
        payload_len: len,
        time: secs(time),
        ..TEMPL
    }
}

fn key() -> FlowKey {
    FlowKey::of(CLIENT, SERVER).0
}

/// One connection under test: a tracker, its events, and the SND.NXT of both endpoints as the
/// endpoints themselves know it (what the next segment of each carries).
struct Conn {
    t: Tracker,
    ev: Vec<Event>,
    c_nxt: u32,
    s_nxt: u32,
    time: u32,
}

impl Conn {
    fn new() -> Self {
        Self::with_shape(TableShape::ARTY_35T)
    }

    fn with_shape(shape: TableShape) -> Self {
        Conn {
            t: Tracker::new(TrackerConfig {
                shape,
                ..TrackerConfig::default()
            }),
            ev: Vec::new(),
            c_nxt: C_ISS,
            s_nxt: S_ISS,
            time: T0,
        }
    }

    /// Process a raw descriptor.
    fn send(&mut self, d: SegmentDescriptor) -> Verdict {
        self.t.process(&d, &mut self.ev)
    }

    /// The client sends at its SND.NXT, acknowledging everything the server sent.
    fn client(&mut self, flags: u16, len: u16) -> Verdict {
        let d = seg(
            CLIENT, SERVER, self.c_nxt, self.s_nxt, flags, len, self.time,
        );
        self.c_nxt = d.seq_end();
        self.send(d)
    }

    /// The server sends at its SND.NXT, acknowledging everything the client sent.
    fn server(&mut self, flags: u16, len: u16) -> Verdict {
        let d = seg(
            SERVER, CLIENT, self.s_nxt, self.c_nxt, flags, len, self.time,
        );
        self.s_nxt = d.seq_end();
        self.send(d)
    }

    /// A segment with explicit numbers that does not move the harness' own SND.NXT.
    fn client_raw(&mut self, seq: u32, ack: u32, flags: u16, len: u16) -> Verdict {
        let d = seg(CLIENT, SERVER, seq, ack, flags, len, self.time);
        self.send(d)
    }

    fn server_raw(&mut self, seq: u32, ack: u32, flags: u16, len: u16) -> Verdict {
        let d = seg(SERVER, CLIENT, seq, ack, flags, len, self.time);
        self.send(d)
    }

    /// Move the clock with a segment of an unrelated, untracked 4-tuple (a RST opens nothing).
    fn tick(&mut self, time: u32) {
        self.time = time;
        let d = seg(OTHER_A, OTHER_B, 1, 1, RST, 0, time);
        assert_eq!(self.send(d), Verdict::Untracked);
    }

    /// The connection as it stands at the current time (aged).
    fn entry(&self) -> Option<Entry> {
        self.t.entry_now(&key())
    }

    /// (client state, server state).
    fn states(&self) -> (TcpState, TcpState) {
        let e = self.entry().expect("connection tracked");
        assert_eq!(e.client(), CLIENT, "roles");
        (e.client_state(), e.server_state())
    }

    fn count(&self, c: Counter) -> u64 {
        self.t.counters().get(c)
    }

    /// State changes since the last call, as (is_client, from, to).
    fn changes(&mut self) -> Vec<(bool, TcpState, TcpState)> {
        let v = self
            .ev
            .iter()
            .filter_map(|e| match *e {
                Event::StateChanged {
                    is_client,
                    from,
                    to,
                    ..
                } => Some((is_client, from, to)),
                _ => None,
            })
            .collect();
        self.ev.clear();
        v
    }
}

/// Client SYN seen: SYN_SENT / SYN_RECEIVED.
fn syn_sent() -> Conn {
    let mut c = Conn::new();
    assert_eq!(c.client(SYN, 0), Verdict::Tracked);
    c
}

/// SYN, SYN-ACK seen: ESTABLISHED / SYN_RECEIVED.
fn syn_received() -> Conn {
    let mut c = syn_sent();
    assert_eq!(c.server(SYN | ACK, 0), Verdict::Tracked);
    c
}

/// The three-way handshake done: ESTABLISHED / ESTABLISHED.
fn established() -> Conn {
    let mut c = syn_received();
    assert_eq!(c.client(ACK, 0), Verdict::Tracked);
    assert_eq!(c.states(), (Established, Established));
    c.changes();
    c
}

/// The client closed: FIN_WAIT_1 / CLOSE_WAIT.
fn client_fin_wait_1() -> Conn {
    let mut c = established();
    c.client(FIN | ACK, 0);
    assert_eq!(c.states(), (FinWait1, CloseWait));
    c.changes();
    c
}

/// The client's FIN acknowledged: FIN_WAIT_2 / CLOSE_WAIT (half closed).
fn client_fin_wait_2() -> Conn {
    let mut c = client_fin_wait_1();
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
    c.changes();
    c
}

/// The server closed too: TIME_WAIT / LAST_ACK.
fn server_last_ack() -> Conn {
    let mut c = client_fin_wait_2();
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (TimeWait, LastAck));
    c.changes();
    c
}

/// The last ACK seen: TIME_WAIT / CLOSED.
fn client_time_wait() -> Conn {
    let mut c = server_last_ack();
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.changes();
    c
}

/// Both FINs crossed on the wire: CLOSING / CLOSING.
fn closing() -> Conn {
    let mut c = established();
    let c_fin = c.c_nxt;
    c.client(FIN | ACK, 0);
    // The server's FIN left before the client's arrived: it does not acknowledge it.
    c.server_raw(c.s_nxt, c_fin, FIN | ACK, 0);
    c.s_nxt += 1;
    assert_eq!(c.states(), (Closing, Closing));
    c.changes();
    c
}

/// Every flag value (9 bits) whose class is `Invalid`.
fn invalid_flags() -> Vec<u16> {
    (0..=TcpFlags::MASK)
        .filter(|b| TcpFlags::new(*b).class() == FlagClass::Invalid)
        .collect()
}

/// The invalid flag values without RST (a RST is examined before the flag policy).
fn invalid_flags_without_rst() -> Vec<u16> {
    invalid_flags()
        .into_iter()
        .filter(|b| b & RST == 0)
        .collect()
}

/// Applies `f` and checks it changed neither state nor emitted a state change.
fn assert_no_change(c: &mut Conn, f: impl FnOnce(&mut Conn)) {
    let before = c.states();
    let changes_before = c.count(Counter::StateChanges);
    c.changes();
    f(c);
    assert_eq!(c.states(), before);
    assert_eq!(c.count(Counter::StateChanges), changes_before);
    assert!(c.changes().is_empty());
}

// ================================================================================================
// CLOSED: no connection yet
// ================================================================================================

// RFC 9293 §3.10.1 (OPEN: "send SYN, enter SYN-SENT") and §3.10.7.2 (LISTEN: SYN → SYN-RECEIVED).
#[test]
fn test_closed_syn_opens_syn_sent_syn_received() {
    let mut c = Conn::new();
    assert_eq!(c.client(SYN, 0), Verdict::Tracked);
    assert_eq!(c.states(), (SynSent, SynReceived));
    let e = c.entry().unwrap();
    assert!(!e.picked_up);
    assert_eq!(e.server(), SERVER);
    assert_eq!(c.count(Counter::Created), 1);
    assert_eq!(c.count(Counter::ClassSyn), 1);
    assert_eq!(c.count(Counter::PickedUp), 0);
    assert!(matches!(c.ev[0], Event::Created { .. }));
    assert_eq!(
        c.changes(),
        vec![(true, Closed, SynSent), (false, Closed, SynReceived)]
    );
}

// RFC 9293 §3.10.7.1: "An incoming segment containing a RST is discarded"; nothing to track.
#[test]
fn test_closed_rst_is_untracked() {
    let mut c = Conn::new();
    assert_eq!(c.client_raw(7, 0, RST, 0), Verdict::Untracked);
    assert_eq!(c.server_raw(9, 1234, RST | ACK, 0), Verdict::Untracked);
    assert_eq!(c.count(Counter::Untracked), 2);
    assert_eq!(c.count(Counter::ClassRst), 2);
    assert_eq!(c.count(Counter::Created), 0);
    assert!(c.t.table().is_empty());
    assert!(c.ev.is_empty());
}

// ================================================================================================
// SYN_SENT / SYN_RECEIVED: the three-way handshake
// ================================================================================================

// RFC 9293 §3.5 Figure 6, each step for both endpoints.
#[test]
fn test_syn_sent_three_way_handshake_step_by_step() {
    let mut c = Conn::new();
    c.client(SYN, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    c.changes();
    c.server(SYN | ACK, 0);
    assert_eq!(c.states(), (Established, SynReceived));
    assert_eq!(c.changes(), vec![(true, SynSent, Established)]);
    c.client(ACK, 0);
    assert_eq!(c.states(), (Established, Established));
    assert_eq!(c.changes(), vec![(false, SynReceived, Established)]);
    assert_eq!(c.count(Counter::StateChanges), 4);
    assert_eq!(c.count(Counter::ClassSynAck), 1);
    assert_eq!(c.count(Counter::ClassAck), 1);
}

// RFC 9293 §3.7 (retransmission) once the server answered: the same SYN again moves nothing
// (a request socket answers each with its SYN-ACK, Linux `tcp_check_req`).
#[test]
fn test_syn_received_syn_retransmitted_after_answer() {
    let mut c = syn_sent();
    c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    c.s_nxt = S_ISS + 1;
    // The SYN-ACK was lost: the client re-sends its SYN (see the evidence tests).
    c.client_raw(C_ISS, 0, SYN, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    c.changes();
    assert_no_change(&mut c, |c| {
        assert_eq!(c.client_raw(C_ISS, 0, SYN, 0), Verdict::Tracked);
    });
    assert_eq!(c.count(Counter::SynInSync), 0);
}

// A SYN re-sent with no SYN-ACK ever seen: a SYN_RECEIVED endpoint answers each SYN
// (`tcp_check_req`), so the server never took it (dropped: full queue, filter); it stays CLOSED
// while the SYNs keep coming, and takes the next one it answers.
#[test]
fn test_syn_sent_syn_retransmitted_unanswered_server_closed() {
    let mut c = syn_sent();
    c.changes();
    assert_eq!(c.client_raw(C_ISS, 0, SYN, 0), Verdict::Tracked);
    assert_eq!(c.states(), (SynSent, Closed));
    assert_eq!(c.changes(), vec![(false, SynReceived, Closed)]);
    assert_eq!(c.count(Counter::HandshakeLost), 1);
    assert_no_change(&mut c, |c| {
        assert_eq!(c.client_raw(C_ISS, 0, SYN, 0), Verdict::Tracked);
    });
    // An answer at last: the server took that SYN.
    c.server(SYN | ACK, 0);
    assert_eq!(c.states(), (Established, SynReceived));
    c.client(ACK, 0);
    assert_eq!(c.states(), (Established, Established));
}

// RFC 9293 §3.10.7.3: a SYN-ACK whose ACK is not SND.NXT is unacceptable: no change.
#[test]
fn test_syn_sent_synack_wrong_ack_ignored() {
    let mut c = syn_sent();
    c.changes();
    assert_no_change(&mut c, |c| {
        // SEG.ACK =< ISS: one short of the SYN, and far behind it.
        c.server_raw(S_ISS, C_ISS, SYN | ACK, 0);
        c.server_raw(S_ISS, C_ISS.wrapping_sub(1 << 30), SYN | ACK, 0);
    });
    assert_eq!(c.states(), (SynSent, SynReceived));
}

// RFC 9293 §3.10.7.3: a bare ACK (no SYN) in SYN-SENT is dropped.
#[test]
fn test_syn_sent_ack_without_syn_ignored() {
    let mut c = syn_sent();
    assert_no_change(&mut c, |c| {
        c.server_raw(S_ISS, C_ISS + 1, ACK, 0);
    });
}

// RFC 9293 §3.7: a retransmitted SYN-ACK (the server has not seen the ACK yet) moves nothing.
#[test]
fn test_syn_received_synack_retransmitted() {
    let mut c = syn_received();
    c.changes();
    assert_no_change(&mut c, |c| {
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    });
    assert_eq!(c.states(), (Established, SynReceived));
    assert_eq!(c.count(Counter::SynInSync), 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (Established, Established));
}

// The SYN-ACK re-sent after the client's ACK: that ACK was not taken (Linux drops it when the
// accept queue is full: `tcp_check_req` → listen overflow), so the server is still
// SYN_RECEIVED, and takes none of the client's ACKs until it shows otherwise; data from it
// shows it ESTABLISHED.
#[test]
fn test_established_synack_retransmitted_after_ack_server_syn_received() {
    let mut c = established();
    assert_eq!(
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0),
        Verdict::Tracked
    );
    assert_eq!(c.states(), (Established, SynReceived));
    assert_eq!(c.count(Counter::HandshakeLost), 1);
    assert_no_change(&mut c, |c| {
        c.client(ACK, 0);
        c.client(PSH | ACK, 100);
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    });
    // It never took the client's 100 bytes: its data acknowledges the SYN only.
    c.server_raw(c.s_nxt, C_ISS + 1, PSH | ACK, 10);
    assert_eq!(c.states(), (Established, Established));
}

// RFC 9293 §3.10.7.4 fifth check: the first data segment acknowledging the SYN establishes.
#[test]
fn test_syn_received_data_acking_syn_establishes() {
    let mut c = syn_received();
    c.changes();
    c.client(PSH | ACK, 100);
    assert_eq!(c.states(), (Established, Established));
    assert_eq!(c.changes(), vec![(false, SynReceived, Established)]);
}

// RFC 9293 §3.10.7.4: SYN-RECEIVED, a FIN that acknowledges our SYN: ESTABLISHED (fifth check),
// then CLOSE-WAIT (eighth check).
#[test]
fn test_syn_received_fin_acking_syn_close_wait() {
    let mut c = syn_received();
    c.changes();
    c.client(FIN | ACK, 0);
    assert_eq!(c.states(), (FinWait1, CloseWait));
    assert_eq!(
        c.changes(),
        vec![
            (true, Established, FinWait1),
            (false, SynReceived, CloseWait)
        ]
    );
}

// RFC 9293 §3.5 Figure 8: simultaneous open, both bare SYNs cross, then both SYN-ACKs.
#[test]
fn test_syn_sent_simultaneous_open() {
    let mut c = Conn::new();
    c.client(SYN, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    // The server's own SYN, sent before the client's arrived: no ACK.
    c.server(SYN, 0);
    assert_eq!(c.states(), (SynReceived, SynReceived));
    assert_eq!(c.count(Counter::SynInSync), 0);
    // Each answers with a SYN-ACK repeating its ISN (§3.10.7.3 "form a SYN,ACK").
    c.client_raw(C_ISS, c.s_nxt, SYN | ACK, 0);
    assert_eq!(c.states(), (SynReceived, Established));
    c.server_raw(S_ISS, c.c_nxt, SYN | ACK, 0);
    assert_eq!(c.states(), (Established, Established));
    assert_eq!(c.count(Counter::Reincarnations), 0);
    assert_eq!(c.t.table().len(), 1);
}

// RFC 9293 §3.10.7.3: "If the ACK was acceptable then signal … connection reset … enter CLOSED"
// (a refused connection).
#[test]
fn test_syn_sent_rst_acceptable_ack_refused() {
    let mut c = syn_sent();
    c.changes();
    assert_eq!(
        c.server_raw(0, C_ISS + 1, RST | ACK, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
    assert_eq!(c.count(Counter::RstExact), 1);
    let mut ch = c.changes();
    ch.sort();
    assert_eq!(
        ch,
        vec![(false, SynReceived, Closed), (true, SynSent, Closed)]
    );
}

// RFC 9293 §3.10.7.3: a RST without an acceptable ACK is dropped in SYN-SENT. The client stays
// SYN_SENT; the server, which only ever answered with RST, holds no connection (§3.10.7.1: a
// CLOSED endpoint answers every segment with a reset).
#[test]
fn test_syn_sent_rst_wrong_ack_ignored() {
    let mut c = syn_sent();
    assert_eq!(
        c.server_raw(0, C_ISS + 2, RST | ACK, 0),
        Verdict::Rst(RstClass::OutOfWindow)
    );
    assert_eq!(c.states(), (SynSent, Closed));
    // No ACK at all: "If the RST bit is set … Otherwise (no ACK), drop the segment".
    assert_eq!(
        c.server_raw(0, C_ISS + 1, RST, 0),
        Verdict::Rst(RstClass::OutOfWindow)
    );
    assert_eq!(c.states(), (SynSent, Closed));
    assert_eq!(c.count(Counter::RstOutOfWindow), 2);
    assert_eq!(c.count(Counter::RstExact), 0);
}

// RFC 9293 §3.10.5 (ABORT in SYN-SENT) and RFC 5961 §3.2: the client gives up with a RST at its
// SND.NXT, which is exactly the server's RCV.NXT.
#[test]
fn test_syn_received_client_rst_exact_closes() {
    let mut c = syn_sent();
    assert_eq!(
        c.client_raw(C_ISS + 1, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
}

// ================================================================================================
// ESTABLISHED
// ================================================================================================

// RFC 9293 §3.10.7.4: data and acknowledgements in ESTABLISHED change no state.
#[test]
fn test_established_data_both_ways() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        for _ in 0..3 {
            c.client(PSH | ACK, 1000);
            c.server(ACK, 0);
            c.server(PSH | ACK, 1460);
            c.client(ACK, 0);
        }
    });
    assert_eq!(c.count(Counter::ClassAck), 1 + 12);
}

// RFC 9293 §3.10.7.4 first check: a duplicate (old) segment is acknowledged and dropped.
#[test]
fn test_established_duplicate_data() {
    let mut c = established();
    let seq = c.c_nxt;
    c.client(PSH | ACK, 500);
    c.server(ACK, 0);
    assert_no_change(&mut c, |c| {
        c.client_raw(seq, c.s_nxt, PSH | ACK, 500);
        c.client_raw(seq, c.s_nxt, PSH | ACK, 500);
        // A duplicate ACK from the server.
        c.server_raw(c.s_nxt, c.c_nxt, ACK, 0);
    });
}

// RFC 9293 §3.10.7.4 first check: an out-of-order segment is queued, nothing moves.
#[test]
fn test_established_out_of_order_data() {
    let mut c = established();
    let first = c.c_nxt;
    assert_no_change(&mut c, |c| {
        // The second segment overtakes the first; the server acks only up to the hole.
        c.client_raw(first + 1000, c.s_nxt, PSH | ACK, 1000);
        c.server_raw(c.s_nxt, first, ACK, 0);
        c.client_raw(first, c.s_nxt, PSH | ACK, 1000);
        c.server_raw(c.s_nxt, first + 2000, ACK, 0);
    });
    c.c_nxt = first + 2000;
    // The FIN after it is acknowledged by sequence number as usual.
    c.client(FIN | ACK, 0);
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// RFC 9293 §3.8.4 (keep-alives: SEG.SEQ = SND.NXT−1, zero or one byte) never move a state.
#[test]
fn test_established_keepalive() {
    let mut c = established();
    c.client(PSH | ACK, 10);
    c.server(ACK, 0);
    assert_no_change(&mut c, |c| {
        c.client_raw(c.c_nxt - 1, c.s_nxt, ACK, 0);
        c.client_raw(c.c_nxt - 1, c.s_nxt, ACK, 1);
        c.server_raw(c.s_nxt - 1, c.c_nxt, ACK, 0);
        c.server_raw(c.s_nxt, c.c_nxt, ACK, 0);
    });
    // The keep-alive did not shift the client's sequence space: a FIN at SND.NXT acked works.
    c.client(FIN | ACK, 0);
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// RFC 9293 §3.8.6.1 (zero-window probes): a one-byte probe into a closed window moves nothing.
#[test]
fn test_established_zero_window_probe() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        let d = SegmentDescriptor {
            window: 0,
            ..seg(SERVER, CLIENT, c.s_nxt, c.c_nxt, ACK, 0, c.time)
        };
        c.send(d);
        c.client_raw(c.c_nxt, c.s_nxt, ACK, 1);
        c.client_raw(c.c_nxt, c.s_nxt, ACK, 1);
    });
}

// RFC 9293 §3.10.4 (CLOSE in ESTABLISHED) and §3.10.7.4 eighth check: client closes first.
#[test]
fn test_established_client_fin() {
    let mut c = established();
    c.client(FIN | ACK, 0);
    assert_eq!(c.states(), (FinWait1, CloseWait));
    assert_eq!(
        c.changes(),
        vec![
            (true, Established, FinWait1),
            (false, Established, CloseWait)
        ]
    );
    assert_eq!(c.count(Counter::ClassFin), 1);
}

// RFC 9293 §3.6 Figure 12, client first: through to TIME_WAIT / CLOSED.
#[test]
fn test_established_client_close_to_time_wait() {
    let mut c = established();
    c.client(FIN | ACK, 0);
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (TimeWait, LastAck));
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// RFC 9293 §3.6 Figure 12, server first: CLOSED / TIME_WAIT.
#[test]
fn test_established_server_close_to_time_wait() {
    let mut c = established();
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (CloseWait, FinWait1));
    assert_eq!(
        c.changes(),
        vec![
            (false, Established, FinWait1),
            (true, Established, CloseWait)
        ]
    );
    c.client(ACK, 0);
    assert_eq!(c.states(), (CloseWait, FinWait2));
    c.client(FIN | ACK, 0);
    assert_eq!(c.states(), (LastAck, TimeWait));
    c.server(ACK, 0);
    assert_eq!(c.states(), (Closed, TimeWait));
    assert_eq!(c.changes().last(), Some(&(true, LastAck, Closed)));
}

// ================================================================================================
// FIN_WAIT_1
// ================================================================================================

// RFC 9293 §3.10.7.4 fifth check, FIN-WAIT-1: "if the FIN segment is now acknowledged, enter
// FIN-WAIT-2".
#[test]
fn test_fin_wait_1_ack_of_fin() {
    let mut c = client_fin_wait_1();
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
    assert_eq!(c.changes(), vec![(true, FinWait1, FinWait2)]);
}

// RFC 9293 §3.10.7.4: an ACK of data sent before the FIN does not acknowledge the FIN.
#[test]
fn test_fin_wait_1_ack_short_of_fin() {
    let mut c = established();
    c.client(PSH | ACK, 100);
    c.client(FIN | ACK, 0);
    assert_no_change(&mut c, |c| {
        // Acks the data, not the FIN (SEG.ACK = FIN's sequence number).
        c.server_raw(c.s_nxt, c.c_nxt - 1, ACK, 0);
        c.server_raw(c.s_nxt, c.c_nxt - 101, ACK, 0);
    });
    assert_eq!(c.states(), (FinWait1, CloseWait));
}

// RFC 9293 §3.10.7.4 eighth check, FIN-WAIT-1: "If our FIN has been ACKed … enter TIME-WAIT".
#[test]
fn test_fin_wait_1_fin_ack_acking_fin_time_wait() {
    let mut c = client_fin_wait_1();
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (TimeWait, LastAck));
    let mut ch = c.changes();
    ch.sort();
    assert_eq!(
        ch,
        vec![(false, CloseWait, LastAck), (true, FinWait1, TimeWait)]
    );
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// RFC 9293 §3.6 Figure 13: simultaneous close, both FINs cross: CLOSING, then TIME-WAIT both.
#[test]
fn test_fin_wait_1_simultaneous_close() {
    let mut c = closing();
    // Each acknowledges the other's FIN (§3.10.7.4 fifth check, CLOSING → TIME-WAIT).
    c.client(ACK, 0);
    assert_eq!(c.states(), (Closing, TimeWait));
    c.server(ACK, 0);
    assert_eq!(c.states(), (TimeWait, TimeWait));
}

// RFC 9293 §3.7: the FIN retransmitted in FIN-WAIT-1 moves nothing.
#[test]
fn test_fin_wait_1_fin_retransmitted() {
    let mut c = client_fin_wait_1();
    assert_no_change(&mut c, |c| {
        c.client_raw(c.c_nxt - 1, c.s_nxt, FIN | ACK, 0);
        c.client_raw(c.c_nxt - 1, c.s_nxt, FIN | ACK, 0);
    });
}

// ================================================================================================
// FIN_WAIT_2 / CLOSE_WAIT: half close
// ================================================================================================

// RFC 9293 §3.6 (half close: "the other direction remains open"): data flows server → client.
#[test]
fn test_fin_wait_2_data_from_close_wait() {
    let mut c = client_fin_wait_2();
    assert_no_change(&mut c, |c| {
        for _ in 0..5 {
            c.server(PSH | ACK, 1460);
            c.client(ACK, 0);
        }
        // Keep-alive from the half-closed client: SND.NXT − 1 (after its FIN).
        c.client_raw(c.c_nxt - 1, c.s_nxt, ACK, 0);
    });
    c.server(FIN | ACK, 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// RFC 9293 §3.10.7.4 eighth check, CLOSE-WAIT: "Remain in the CLOSE-WAIT state" on a
// retransmitted FIN.
#[test]
fn test_close_wait_fin_retransmitted() {
    let mut c = client_fin_wait_2();
    assert_no_change(&mut c, |c| {
        c.client_raw(c.c_nxt - 1, c.s_nxt, FIN | ACK, 0);
    });
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// RFC 9293 §3.10.4 (CLOSE in CLOSE-WAIT: "send a FIN … enter LAST-ACK") and §3.10.7.4 eighth
// check (FIN-WAIT-2 → TIME-WAIT).
#[test]
fn test_close_wait_fin_last_ack() {
    let mut c = client_fin_wait_2();
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (TimeWait, LastAck));
    let mut ch = c.changes();
    ch.sort();
    assert_eq!(
        ch,
        vec![(false, CloseWait, LastAck), (true, FinWait2, TimeWait)]
    );
}

// RFC 9293 §3.6: half close in the other direction: the server closes, still receives data.
#[test]
fn test_close_wait_client_keeps_sending() {
    let mut c = established();
    c.server(FIN | ACK, 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (CloseWait, FinWait2));
    assert_no_change(&mut c, |c| {
        for _ in 0..4 {
            c.client(PSH | ACK, 700);
            c.server(ACK, 0);
        }
    });
}

// ================================================================================================
// CLOSING
// ================================================================================================

// RFC 9293 §3.10.7.4 fifth check, CLOSING: "if the ACK acknowledges our FIN, enter TIME-WAIT".
#[test]
fn test_closing_ack_time_wait() {
    let mut c = closing();
    c.server(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closing));
    assert_eq!(c.changes(), vec![(true, Closing, TimeWait)]);
}

// RFC 9293 §3.10.7.4 eighth check, CLOSING: "Remain in the CLOSING state" on a retransmitted FIN
// that still does not acknowledge ours.
#[test]
fn test_closing_fin_retransmitted() {
    let mut c = closing();
    let c_fin = c.c_nxt - 1;
    assert_no_change(&mut c, |c| {
        c.server_raw(c.s_nxt - 1, c_fin, FIN | ACK, 0);
    });
    // Retransmitted again, now acknowledging the client's FIN: fifth check → TIME-WAIT.
    c.server_raw(c.s_nxt - 1, c.c_nxt, FIN | ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closing));
}

// ================================================================================================
// LAST_ACK
// ================================================================================================

// RFC 9293 §3.10.7.4 fifth check, LAST-ACK: "If our FIN is now acknowledged, delete the TCB,
// enter the CLOSED state".
#[test]
fn test_last_ack_ack_closed() {
    let mut c = server_last_ack();
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
    assert_eq!(c.changes(), vec![(false, LastAck, Closed)]);
}

// RFC 9293 §3.10.7.4: an ACK short of our FIN leaves LAST-ACK alone.
#[test]
fn test_last_ack_old_ack() {
    let mut c = server_last_ack();
    assert_no_change(&mut c, |c| {
        c.client_raw(c.c_nxt, c.s_nxt - 1, ACK, 0);
    });
}

// RFC 9293 §3.7 and §3.10.7.4 eighth check (TIME-WAIT: "Remain in the TIME-WAIT state"): the
// server's FIN retransmitted in LAST-ACK.
#[test]
fn test_last_ack_fin_retransmitted() {
    let mut c = server_last_ack();
    assert_no_change(&mut c, |c| {
        c.server_raw(c.s_nxt - 1, c.c_nxt, FIN | ACK, 0);
        c.server_raw(c.s_nxt - 1, c.c_nxt, FIN | ACK, 0);
    });
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// ================================================================================================
// TIME_WAIT
// ================================================================================================

// RFC 9293 §3.10.7.4 eighth check, TIME-WAIT: a retransmitted FIN is acknowledged, "restart the
// 2 MSL time-out".
#[test]
fn test_time_wait_fin_retransmitted_restarts_2msl() {
    let mut c = client_time_wait();
    c.tick(T0 + 50);
    assert_no_change(&mut c, |c| {
        c.server_raw(c.s_nxt - 1, c.c_nxt, FIN | ACK, 0);
        c.client(ACK, 0);
    });
    // 60 s after the first ACK but only 10 s after the retransmission: still TIME_WAIT.
    c.tick(T0 + 60);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 109);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 110);
    assert_eq!(c.states(), (Closed, Closed));
}

// RFC 9293 §3.10.7.4 (TIME-WAIT, "2 MSL time-out … delete the TCB"), Linux's 60 s, driven by the
// time of descriptors; then the closed entry lingers (10 s) and is removed.
#[test]
fn test_time_wait_expires_after_60s_then_lingers() {
    let mut c = client_time_wait();
    c.tick(T0 + 59);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 60);
    assert_eq!(c.states(), (Closed, Closed));
    assert_eq!(c.count(Counter::Expired), 0);
    c.tick(T0 + 69);
    assert_eq!(c.states(), (Closed, Closed));
    c.tick(T0 + 70);
    assert!(c.entry().is_none());
    assert_eq!(c.count(Counter::Expired), 1);
    assert!(c.ev.iter().any(|e| matches!(
        e,
        Event::Removed {
            reason: RemoveReason::Expired,
            ..
        }
    )));
}

// Timeouts are configurable (design.md): a 5 s TIME_WAIT and 2 s linger.
#[test]
fn test_time_wait_configurable_timeout() {
    let mut c = client_time_wait();
    c.t.set_timeouts(Timeouts {
        time_wait: 5,
        linger: 2,
        ..Timeouts::default()
    });
    c.tick(T0 + 4);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 5);
    assert_eq!(c.states(), (Closed, Closed));
    c.tick(T0 + 7);
    assert!(c.entry().is_none());
}

// The unbounded table ages lazily: the entry read at lookup, and every entry by `finish`.
#[test]
fn test_time_wait_expires_unbounded() {
    let mut c = Conn::with_shape(TableShape::Unbounded);
    c.client(SYN, 0);
    c.server(SYN | ACK, 0);
    c.client(ACK, 0);
    c.client(FIN | ACK, 0);
    c.server(FIN | ACK, 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 60);
    c.t.finish(&mut c.ev);
    assert_eq!(c.states(), (Closed, Closed));
    c.tick(T0 + 70);
    c.t.finish(&mut c.ev);
    assert!(c.entry().is_none());
    assert_eq!(c.count(Counter::Expired), 1);
}

// RFC 9293 §3.10.7.4 first check, TIME-WAIT: "If the RST bit is set, then enter the CLOSED
// state" (RFC 1337's assassination, which Linux allows by default).
#[test]
fn test_time_wait_rst_exact_closes() {
    let mut c = client_time_wait();
    assert_eq!(
        c.server_raw(c.s_nxt, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
}

// RFC 1122 §4.2.2.13 / RFC 6191: a new SYN on a 4-tuple in TIME-WAIT opens a new incarnation.
#[test]
fn test_time_wait_syn_new_incarnation() {
    let mut c = client_time_wait();
    c.tick(T0 + 5);
    c.c_nxt = C_ISS + 1_000_000;
    c.s_nxt = S_ISS + 3_000_000;
    assert_eq!(c.client(SYN, 0), Verdict::Tracked);
    assert_eq!(c.states(), (SynSent, SynReceived));
    assert_eq!(c.count(Counter::Reincarnations), 1);
    assert_eq!(c.count(Counter::SynInSync), 0);
    assert_eq!(c.count(Counter::Created), 1);
    assert!(c
        .ev
        .iter()
        .any(|e| matches!(e, Event::Reincarnated { key: k, .. } if *k == key())));
    let e = c.entry().unwrap();
    assert!(!e.picked_up);
    assert_eq!(e.last_seen, secs(T0 + 5));
    assert_eq!(
        c.changes(),
        vec![(true, TimeWait, SynSent), (false, Closed, SynReceived)]
    );
    // The new incarnation completes on its own sequence space.
    c.server(SYN | ACK, 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (Established, Established));
}

// RFC 6191 (the other side reuses the tuple): the sender of the new SYN becomes the client.
#[test]
fn test_time_wait_syn_from_old_server_swaps_roles() {
    let mut c = client_time_wait();
    assert_eq!(c.server_raw(S_ISS + 9_000_000, 0, SYN, 0), Verdict::Tracked);
    let e = c.entry().unwrap();
    assert_eq!(e.client(), SERVER);
    assert_eq!((e.client_state(), e.server_state()), (SynSent, SynReceived));
    assert_eq!(c.count(Counter::Reincarnations), 1);
}

// Both in TIME-WAIT (after a simultaneous close) also end with 2MSL.
#[test]
fn test_time_wait_both_expire() {
    let mut c = closing();
    c.client(ACK, 0);
    c.server(ACK, 0);
    assert_eq!(c.states(), (TimeWait, TimeWait));
    c.tick(T0 + 60);
    assert_eq!(c.states(), (Closed, Closed));
}

// ================================================================================================
// CLOSED: a finished connection
// ================================================================================================

// A new SYN on a 4-tuple whose both ends are CLOSED (lingering after a RST): a new incarnation.
#[test]
fn test_closed_syn_after_rst_new_incarnation() {
    let mut c = established();
    c.client_raw(c.c_nxt, 0, RST, 0);
    assert_eq!(c.states(), (Closed, Closed));
    c.changes();
    c.c_nxt = C_ISS + 50_000;
    c.client(SYN, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    assert_eq!(c.count(Counter::Reincarnations), 1);
    assert_eq!(c.count(Counter::Created), 1);
}

// After the linger the entry is gone: a new SYN creates a fresh entry, not an incarnation.
#[test]
fn test_closed_syn_after_linger_is_a_new_entry() {
    let mut c = client_time_wait();
    c.tick(T0 + 70);
    assert!(c.entry().is_none());
    c.c_nxt = C_ISS + 50_000;
    c.client(SYN, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    assert_eq!(c.count(Counter::Reincarnations), 0);
    assert_eq!(c.count(Counter::Created), 2);
}

// RFC 9293 §3.10.7.1: a refused connection's entry takes no further RST.
#[test]
fn test_closed_rst_on_closed_entry_changes_nothing() {
    let mut c = syn_sent();
    c.server_raw(0, C_ISS + 1, RST | ACK, 0);
    assert_no_change(&mut c, |c| {
        c.server_raw(0, C_ISS + 1, RST | ACK, 0);
    });
    assert_eq!(c.states(), (Closed, Closed));
}

// ================================================================================================
// RST (RFC 5961 §3)
// ================================================================================================

// RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly matches the next expected
// sequence number (RCV.NXT), then TCP MUST reset the connection."
#[test]
fn test_established_rst_exact() {
    let mut c = established();
    c.client(PSH | ACK, 300);
    c.server(ACK, 0);
    assert_eq!(
        c.client_raw(c.c_nxt, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
    assert_eq!(c.count(Counter::RstExact), 1);
    assert_eq!(
        c.changes(),
        vec![(true, Established, Closed), (false, Established, Closed)]
    );
}

// RFC 5961 §3.2: RST+ACK from the server, exact.
#[test]
fn test_established_rst_ack_exact_from_server() {
    let mut c = established();
    c.server(PSH | ACK, 10);
    assert_eq!(
        c.server_raw(c.s_nxt, c.c_nxt, RST | ACK, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
}

// RFC 5961 §3.2: "If the RST bit is set and the sequence number does not exactly match … but is
// within the current receive window, TCP MUST send an ACK (challenge ACK)": no change.
#[test]
fn test_established_rst_in_window() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        for off in [1, 1000, 65_000] {
            assert_eq!(
                c.client_raw(c.c_nxt + off, 0, RST, 0),
                Verdict::Rst(RstClass::InWindow)
            );
        }
    });
    assert_eq!(c.count(Counter::RstInWindow), 3);
    assert_eq!(c.count(Counter::RstExact), 0);
}

// RFC 5961 §3.2: "If the RST bit is set and the sequence number is outside the current receive
// window, silently drop the segment."
#[test]
fn test_established_rst_out_of_window() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        for seq in [c.c_nxt - 1, c.c_nxt + 70_000, c.c_nxt.wrapping_add(1 << 31)] {
            assert_eq!(
                c.client_raw(seq, 0, RST | ACK, 0),
                Verdict::Rst(RstClass::OutOfWindow)
            );
        }
    });
    assert_eq!(c.count(Counter::RstOutOfWindow), 3);
}

// RFC 5961 §3 (blind reset attack): RSTs with the right 4-tuple from an off-path attacker who
// guesses the sequence number never close the connection unless the guess is exact.
#[test]
fn test_established_rst_blind_wrong_seq() {
    let mut c = established();
    let mut guess: u32 = 0x1234_5678;
    assert_no_change(&mut c, |c| {
        for i in 0..2_000u32 {
            guess = guess.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let (seq, from_client) = (guess, i % 2 == 0);
            let exact = if from_client { c.c_nxt } else { c.s_nxt };
            if seq == exact {
                continue;
            }
            let v = if from_client {
                c.client_raw(seq, 0, RST, 0)
            } else {
                c.server_raw(seq, 0, RST, 0)
            };
            assert!(matches!(
                v,
                Verdict::Rst(RstClass::InWindow | RstClass::OutOfWindow)
            ));
        }
    });
    assert_eq!(
        c.count(Counter::RstInWindow) + c.count(Counter::RstOutOfWindow),
        2_000
    );
}

// RFC 5961 §3.2 against a FIN: the RST after a FIN is exact at SND.NXT past the FIN.
#[test]
fn test_fin_wait_2_rst_after_fin_exact() {
    let mut c = client_fin_wait_2();
    assert_eq!(
        c.client_raw(c.c_nxt - 2, 0, RST, 0),
        Verdict::Rst(RstClass::OutOfWindow)
    );
    assert_eq!(c.states(), (FinWait2, CloseWait));
    assert_eq!(
        c.client_raw(c.c_nxt, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
}

// Linux `tcp_reset_check`: once a FIN was received (CLOSE_WAIT, CLOSING, LAST_ACK), a RST at
// RCV.NXT − 1 (the FIN's own sequence number) is taken as well.
#[test]
fn test_close_wait_rst_at_fin_sequence_resets() {
    for mut c in [client_fin_wait_2(), closing(), server_last_ack()] {
        // The client's FIN is at c_nxt − 1; the server has received it.
        assert_eq!(
            c.client_raw(c.c_nxt - 1, 0, RST, 0),
            Verdict::Rst(RstClass::Exact)
        );
        assert_eq!(c.states(), (Closed, Closed));
    }
    // Not in ESTABLISHED: there RCV.NXT − 1 is an old sequence number.
    let mut c = established();
    assert_eq!(
        c.client_raw(c.c_nxt - 1, 0, RST, 0),
        Verdict::Rst(RstClass::OutOfWindow)
    );
    assert_eq!(c.states(), (Established, Established));
}

// ================================================================================================
// SYN on a synchronized connection (RFC 5961 §4)
// ================================================================================================

// RFC 5961 §4.2: "If the SYN bit is set, irrespective of the sequence number, TCP MUST send an
// ACK (also referred to as challenge ACK)": counted, nothing moves.
#[test]
fn test_established_syn_challenged() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        for (seq, from_client) in [(c.c_nxt, true), (12345, true), (c.s_nxt, false), (7, false)] {
            let v = if from_client {
                c.client_raw(seq, 0, SYN, 0)
            } else {
                c.server_raw(seq, 0, SYN, 0)
            };
            assert_eq!(v, Verdict::SynChallenged);
        }
    });
    assert_eq!(c.count(Counter::SynInSync), 4);
    assert_eq!(c.count(Counter::Reincarnations), 0);
    // The sequence space was not reset: the exact RST still closes.
    assert_eq!(
        c.client_raw(c.c_nxt, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
}

// RFC 5961 §4: the same in a closing state that is not finished (FIN_WAIT_2 / CLOSE_WAIT).
#[test]
fn test_close_wait_syn_challenged() {
    let mut c = client_fin_wait_2();
    assert_no_change(&mut c, |c| {
        assert_eq!(c.client_raw(99, 0, SYN, 0), Verdict::SynChallenged);
    });
    assert_eq!(c.count(Counter::SynInSync), 1);
    assert_eq!(c.count(Counter::Reincarnations), 0);
}

// ================================================================================================
// Invalid flag combinations
// ================================================================================================

// Linux tcp_valid_flags[] (nf_conntrack): 9 of 32 FIN/SYN/RST/ACK/URG combinations are valid,
// so 368 of the 512 nine-bit values are invalid.
#[test]
fn test_flags_invalid_count() {
    assert_eq!(invalid_flags().len(), 512 - 9 * 16);
    for b in [
        0,
        FIN,
        SYN | FIN,
        SYN | RST,
        RST | FIN,
        FIN | PSH | 0x20,
        SYN | ACK | FIN,
    ] {
        assert!(invalid_flags().contains(&b), "{}", TcpFlags::new(b));
    }
}

// design.md: invalid combinations are counted and change no state, on an established connection
// (those with RST are examined as RSTs first: see `test_established_rst_in_invalid_combination`).
#[test]
fn test_established_invalid_flags_change_nothing() {
    let mut c = established();
    let bad = invalid_flags_without_rst();
    let before = c.entry().unwrap();
    assert_no_change(&mut c, |c| {
        for b in &bad {
            for (seq, ack) in [
                (c.c_nxt, c.s_nxt),
                (c.c_nxt + 5, c.s_nxt.wrapping_add(1 << 20)),
            ] {
                assert_eq!(c.client_raw(seq, ack, *b, 0), Verdict::Invalid);
                assert_eq!(c.server_raw(ack, seq, *b, 17), Verdict::Invalid);
            }
        }
    });
    assert_eq!(c.count(Counter::ClassInvalid), 4 * bad.len() as u64);
    // Not even the sequence bookkeeping moved.
    assert_eq!(c.entry().unwrap(), before);
}

// design.md: an invalid combination with no connection creates no entry (with RST it is an
// untracked RST).
#[test]
fn test_closed_invalid_flags_create_nothing() {
    let mut c = Conn::new();
    for b in invalid_flags() {
        let want = if b & RST != 0 {
            Verdict::Untracked
        } else {
            Verdict::Invalid
        };
        assert_eq!(c.client_raw(1, 2, b, 0), want);
        assert_eq!(c.server_raw(3, 4, b, 10), want);
    }
    let with_rst = invalid_flags().len() - invalid_flags_without_rst().len();
    assert!(c.t.table().is_empty());
    assert_eq!(c.count(Counter::Created), 0);
    assert_eq!(c.count(Counter::Untracked), 2 * with_rst as u64);
    assert_eq!(c.count(Counter::ClassInvalid), 2 * 368);
    assert!(c.ev.is_empty());
}

// RFC 9293 §3.10.7.4 checks the RST bit (second) before anything a flag policy says: SYN+RST or
// RST+FIN+ACK at RCV.NXT resets a Linux endpoint (`tcp_validate_incoming`). Counted as invalid
// combinations and as RSTs.
#[test]
fn test_established_rst_in_invalid_combination() {
    for flags in [SYN | RST, RST | FIN | ACK, RST | FIN, SYN | RST | ACK] {
        let mut c = established();
        assert_eq!(
            c.client_raw(c.c_nxt + 9, c.s_nxt, flags, 0),
            Verdict::Rst(RstClass::InWindow)
        );
        assert_eq!(c.states(), (Established, Established));
        assert_eq!(
            c.client_raw(c.c_nxt, c.s_nxt, flags, 0),
            Verdict::Rst(RstClass::Exact)
        );
        assert_eq!(c.states(), (Closed, Closed), "{}", TcpFlags::new(flags));
        assert_eq!(c.count(Counter::ClassInvalid), 2);
        assert_eq!(c.count(Counter::RstExact), 1);
    }
}

// design.md: invalid combinations during the handshake and the close move nothing either.
#[test]
fn test_syn_sent_and_fin_wait_1_invalid_flags_change_nothing() {
    for mut c in [
        syn_sent(),
        client_fin_wait_1(),
        closing(),
        server_last_ack(),
    ] {
        assert_no_change(&mut c, |c| {
            for b in invalid_flags_without_rst() {
                c.client_raw(c.c_nxt, c.s_nxt, b, 0);
                c.server_raw(c.s_nxt, c.c_nxt, b, 0);
            }
        });
    }
}

// ================================================================================================
// Acceptability: what the receiver would take (RFC 9293 §3.10.7.4 first, fifth, eighth checks)
// ================================================================================================

/// The client's RCV.NXT/`max` as the model keeps it (the server's view of the client's stream).
fn client_stream(c: &Conn) -> (u32, u32) {
    let e = c.entry().unwrap();
    let t = e.ends[e.client_end()];
    (t.nxt, t.max)
}

// First check (`tcp_sequence`): a data byte beyond the receiver's window is dropped whole: not
// taken, not even as the sender's SND.NXT. The blind close that follows it (a RST just after
// that byte, RFC 5961 §3) then meets the real RCV.NXT and closes nothing.
#[test]
fn test_established_blind_close_data_beyond_window_then_rst() {
    let mut c = established();
    let before = c.entry().unwrap();
    for far in [70_000u32, 1 << 20, 1 << 31, 3_000_000_000] {
        let seq = c.c_nxt.wrapping_add(far);
        // Beyond the window, or (more than half the sequence space ahead) before it.
        assert!(matches!(
            c.client_raw(seq, 0, ACK, 1),
            Verdict::Unacceptable(Reject::OutOfWindow | Reject::Old)
        ));
        let v = c.client_raw(seq.wrapping_add(1), 0, RST, 0);
        assert!(matches!(
            v,
            Verdict::Rst(RstClass::OutOfWindow | RstClass::InWindow)
        ));
        assert_eq!(c.states(), (Established, Established));
    }
    assert_eq!(c.entry().unwrap().ends, before.ends);
    assert_eq!(
        c.count(Counter::SegOutOfWindow) + c.count(Counter::SegOld),
        4
    );
    assert_eq!(c.count(Counter::RstExact), 0);
}

// First check: data at the right edge of the window is not taken (RFC 9293 §3.10.7.4 table:
// `SEG.SEQ < RCV.NXT + RCV.WND`); data inside it but past a hole is queued, not delivered.
#[test]
fn test_established_window_edges() {
    let mut c = established();
    let (nxt, _) = client_stream(&c);
    let edge = c.c_nxt + WIN as u32;
    assert_eq!(
        c.client_raw(edge + 1, c.s_nxt, ACK, 10),
        Verdict::Unacceptable(Reject::OutOfWindow)
    );
    // At the edge: passes `tcp_sequence`, but out of window for data (`tcp_data_queue`).
    assert_eq!(c.client_raw(edge, c.s_nxt, ACK, 10), Verdict::Tracked);
    assert_eq!(client_stream(&c), (nxt, nxt));
    // Inside, past a hole: queued.
    assert_eq!(
        c.client_raw(c.c_nxt + 100, c.s_nxt, ACK, 10),
        Verdict::Tracked
    );
    assert_eq!(client_stream(&c), (nxt, nxt + 110));
    // A RST at the end of the queued data is in the window, not exact.
    assert_eq!(
        c.client_raw(nxt + 110, 0, RST, 0),
        Verdict::Rst(RstClass::InWindow)
    );
    assert_eq!(c.states(), (Established, Established));
}

// RFC 9293 §3.8.6.1 / `tcp_data_queue`: into a zero window a one-byte probe is not data the
// receiver takes; once the window opens the same byte is.
#[test]
fn test_established_zero_window_probe_is_not_taken() {
    let mut c = established();
    // The client's data fills the server's buffer: it acknowledges it with a zero window.
    c.client(PSH | ACK, 100);
    c.send(SegmentDescriptor {
        window: 0,
        ..seg(SERVER, CLIENT, c.s_nxt, c.c_nxt, ACK, 0, c.time)
    });
    let (nxt, _) = client_stream(&c);
    assert_eq!(c.client_raw(c.c_nxt, c.s_nxt, ACK, 1), Verdict::Tracked);
    assert_eq!(client_stream(&c), (nxt, nxt));
    assert_eq!(c.count(Counter::WindowProbes), 1);
    // A RST right after the probe byte is not at RCV.NXT.
    assert_eq!(
        c.client_raw(nxt + 1, 0, RST, 0),
        Verdict::Rst(RstClass::OutOfWindow)
    );
    // The window opens: the byte is data now.
    c.server(ACK, 0);
    assert_eq!(c.client(ACK, 1), Verdict::Tracked);
    assert_eq!(client_stream(&c), (nxt + 1, nxt + 1));
}

// RFC 7323 §2.2-2.3: the shift offered in the SYNs scales every later window when both offered
// it (never the SYNs' own windows); an offer from one side only scales nothing.
#[test]
fn test_established_window_scale_both_or_neither() {
    for (c_ws, s_ws, right) in [
        (7u8, 7u8, 512u32 << 7),
        (7, WSCALE_NONE, 512),
        (14, 2, 512 << 2),
    ] {
        let mut c = Conn::new();
        c.send(SegmentDescriptor {
            wscale: c_ws,
            ..seg(CLIENT, SERVER, C_ISS, 0, SYN, 0, T0)
        });
        c.c_nxt = C_ISS + 1;
        c.send(SegmentDescriptor {
            wscale: s_ws,
            window: 100,
            ..seg(SERVER, CLIENT, S_ISS, C_ISS + 1, SYN | ACK, 0, T0)
        });
        c.s_nxt = S_ISS + 1;
        c.client(ACK, 0);
        // The server advertises 512 (scaled by its own shift when in force).
        c.send(SegmentDescriptor {
            window: 512,
            ..seg(SERVER, CLIENT, c.s_nxt, c.c_nxt, ACK, 0, T0)
        });
        assert_eq!(
            c.client_raw(c.c_nxt + right - 1, c.s_nxt, ACK, 1),
            Verdict::Tracked
        );
        assert_eq!(
            c.client_raw(c.c_nxt + right + 1, c.s_nxt, ACK, 1),
            Verdict::Unacceptable(Reject::OutOfWindow),
            "shifts {c_ws}/{s_ws}"
        );
    }
}

// First check, left edge (`tcp_sequence`: `before(end_seq, rcv_wup)`): a segment wholly before
// the window the receiver last advertised is an old duplicate, acknowledged and dropped; its ACK
// is not taken either.
#[test]
fn test_established_old_duplicate_dropped_whole() {
    let mut c = client_fin_wait_1();
    let fin_end = c.c_nxt;
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
    c.server(PSH | ACK, 100);
    c.client(ACK, 0);
    // A retransmission of data the client has acknowledged (a window update since): dropped,
    // and the FIN+ACK in it with it.
    assert_no_change(&mut c, |c| {
        assert_eq!(
            c.send(seg(
                SERVER,
                CLIENT,
                c.s_nxt - 100,
                fin_end,
                FIN | ACK,
                50,
                c.time
            )),
            Verdict::Unacceptable(Reject::Old)
        );
    });
    assert_eq!(c.count(Counter::SegOld), 1);
}

// RFC 9293 §3.4: sequence arithmetic is modulo 2³²: a window and a hole across the wrap.
#[test]
fn test_established_sequence_wraparound() {
    let mut c = Conn::new();
    c.c_nxt = u32::MAX - 100;
    c.s_nxt = u32::MAX - 5;
    c.client(SYN, 0);
    c.server(SYN | ACK, 0);
    c.client(ACK, 0);
    c.client(PSH | ACK, 300); // crosses 2³²
    c.server(ACK, 0);
    assert_eq!(client_stream(&c), (c.c_nxt, c.c_nxt));
    assert!(c.c_nxt < 1000);
    assert_eq!(
        c.client_raw(c.c_nxt.wrapping_add(70_000), c.s_nxt, ACK, 1),
        Verdict::Unacceptable(Reject::OutOfWindow)
    );
    c.client(FIN | ACK, 0);
    c.server(FIN | ACK, 0);
    c.client(ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// Fifth check (`tcp_ack`): a segment acknowledging data never sent is dropped, and the FIN in it
// with it; a FIN out of the window does nothing either (first check).
#[test]
fn test_established_fin_unsent_ack_or_out_of_window_ignored() {
    let mut c = established();
    assert_no_change(&mut c, |c| {
        assert_eq!(
            c.client_raw(c.c_nxt, c.s_nxt + 1000, FIN | ACK, 0),
            Verdict::Unacceptable(Reject::BadAck)
        );
        assert_eq!(
            c.client_raw(c.c_nxt + 1_000_000, c.s_nxt, FIN | ACK, 0),
            Verdict::Unacceptable(Reject::OutOfWindow)
        );
    });
    assert_eq!(c.count(Counter::SegBadAck), 1);
    assert_eq!(c.count(Counter::SegOutOfWindow), 1);
}

// Eighth check: a FIN before RCV.NXT is an old duplicate (or forged): it closes neither side.
#[test]
fn test_established_old_duplicate_fin_ignored() {
    let mut c = established();
    c.client(PSH | ACK, 500);
    c.server(ACK, 0);
    assert_no_change(&mut c, |c| {
        c.client_raw(c.c_nxt - 100, c.s_nxt, FIN | ACK, 0);
        c.client_raw(c.c_nxt - 500, c.s_nxt, FIN | PSH | ACK, 400);
    });
}

// Eighth check: "processed only when it is in sequence": a FIN beyond a hole is held (the sender
// did close: FIN_WAIT_1) and takes effect when the hole fills, here by the retransmission.
#[test]
fn test_established_fin_beyond_hole_held_until_retransmission() {
    let mut c = established();
    let hole = c.c_nxt;
    c.client_raw(hole + 100, c.s_nxt, FIN | PSH | ACK, 100);
    assert_eq!(c.states(), (FinWait1, Established));
    assert_eq!(c.count(Counter::FinHeld), 1);
    // A RST at the FIN's end is not exact yet.
    c.server_raw(c.s_nxt, hole, ACK, 0);
    assert_eq!(c.states(), (FinWait1, Established));
    // The retransmission fills the hole and carries the rest with the FIN.
    c.client_raw(hole, c.s_nxt, FIN | PSH | ACK, 200);
    assert_eq!(c.states(), (FinWait1, CloseWait));
    c.c_nxt = hole + 201;
    c.server(ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// A held FIN also takes effect when the receiver's own ACK covers it (it had the rest queued):
// its cumulative ACK is what it received.
#[test]
fn test_established_fin_beyond_hole_taken_by_the_receivers_ack() {
    let mut c = established();
    let hole = c.c_nxt;
    c.client_raw(hole + 100, c.s_nxt, FIN | PSH | ACK, 100);
    c.client_raw(hole, c.s_nxt, PSH | ACK, 100);
    assert_eq!(c.states(), (FinWait1, Established));
    c.server_raw(c.s_nxt, hole + 201, ACK, 0);
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// RFC 9293 §3.10.7.3: `SND.UNA < SEG.ACK =< SND.NXT` is acceptable in SYN-SENT: a Fast Open
// SYN carrying data (RFC 7413) whose SYN-ACK acknowledges only the SYN (a stale cookie)
// establishes the client; the data follows with its ACK (`E6_fastopen`).
#[test]
fn test_syn_sent_fast_open_partial_ack_establishes() {
    let mut c = Conn::new();
    c.client(SYN, 300);
    assert_eq!(
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0),
        Verdict::Tracked
    );
    c.s_nxt = S_ISS + 1;
    assert_eq!(c.states(), (Established, SynReceived));
    assert_eq!(client_stream(&c), (C_ISS + 1, C_ISS + 301));
    c.client_raw(C_ISS + 1, c.s_nxt, PSH | ACK, 300);
    assert_eq!(c.states(), (Established, Established));
    assert_eq!(client_stream(&c), (C_ISS + 301, C_ISS + 301));
    // With a valid cookie the SYN-ACK acknowledges the data too.
    let mut c = Conn::new();
    c.client(SYN, 300);
    c.server_raw(S_ISS, C_ISS + 301, SYN | ACK, 0);
    assert_eq!(c.states(), (Established, SynReceived));
    assert_eq!(client_stream(&c), (C_ISS + 301, C_ISS + 301));
    // One acknowledging nothing of the SYN, or beyond it, is unacceptable.
    let mut c = Conn::new();
    c.client(SYN, 300);
    for ack in [C_ISS, C_ISS + 302] {
        assert_eq!(
            c.server_raw(S_ISS, ack, SYN | ACK, 0),
            Verdict::Unacceptable(Reject::BadAck)
        );
    }
    assert_eq!(c.states(), (SynSent, SynReceived));
}

// ================================================================================================
// Evidence: what later segments prove about earlier ones
// ================================================================================================

// An ESTABLISHED endpoint never sends a bare SYN: a SYN re-sent with the same ISN after the
// SYN-ACK was seen shows the SYN-ACK lost; the client is still SYN_SENT and takes no SYN-ACK
// until it acknowledges one (`X6_syn_retries`).
#[test]
fn test_established_syn_retransmitted_after_synack_client_syn_sent() {
    let mut c = syn_received();
    c.time = T0 + 1;
    assert_eq!(c.client_raw(C_ISS, 0, SYN, 0), Verdict::Tracked);
    assert_eq!(c.states(), (SynSent, SynReceived));
    assert_eq!(c.count(Counter::HandshakeLost), 1);
    c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    assert_eq!(c.states(), (SynSent, SynReceived));
    // Its ACK at last: it got one.
    c.client(ACK, 0);
    assert_eq!(c.states(), (Established, Established));
}

// Linux `tcp_check_req`: a SYN with a new ISN inside a request socket's window resets the
// embryonic connection; outside the window it is answered with an ACK and changes nothing.
#[test]
fn test_syn_received_new_isn_in_window_resets_request() {
    let mut c = syn_sent();
    c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    c.client_raw(C_ISS, 0, SYN, 0); // the SYN-ACK was lost: SYN_SENT again
    assert_eq!(
        c.client_raw(C_ISS + 1_000_000, 0, SYN, 0),
        Verdict::SynChallenged
    );
    assert_eq!(c.states(), (SynSent, SynReceived));
    assert_eq!(c.client_raw(C_ISS + 10, 0, SYN, 0), Verdict::Tracked);
    assert_eq!(c.states(), (SynSent, Closed));
    assert_eq!(client_stream(&c), (C_ISS + 11, C_ISS + 11));
}

// RFC 9293 §3.10.7.1: an endpoint that only ever answered with RST holds no connection.
#[test]
fn test_closed_data_answered_only_by_rst() {
    let mut c = Conn::new();
    c.client_raw(C_ISS, S_ISS, PSH | ACK, 100);
    assert_eq!(c.states(), (Established, Established));
    // RFC 9293 §3.10.7.1: the reset takes its sequence number from the segment's ACK field.
    assert_eq!(
        c.server_raw(S_ISS, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
    assert_eq!(c.states(), (Closed, Closed));
}

// ================================================================================================
// TIME_WAIT reuse (RFC 6191, Linux `tcp_timewait_state_process`)
// ================================================================================================

// A SYN whose sequence number is not after RCV.NXT, and without a newer timestamp, is not a new
// incarnation: TIME_WAIT answers it with an ACK and stays.
#[test]
fn test_time_wait_syn_older_sequence_refused() {
    let mut c = client_time_wait();
    // The server reconnects: its SYN lands in the client's TIME_WAIT.
    assert_eq!(
        c.server_raw(c.s_nxt - 10, 0, SYN, 0),
        Verdict::Unacceptable(Reject::TimeWaitSyn)
    );
    assert_eq!(c.states(), (TimeWait, Closed));
    assert_eq!(c.count(Counter::TimeWaitSynRefused), 1);
    assert_eq!(c.count(Counter::Reincarnations), 0);
}

// RFC 6191: with timestamps, a newer TSval makes any SYN a new incarnation (Linux:
// `(s32)(tw_ts_recent - rcv_tsval) < 0`); an older one does not.
#[test]
fn test_time_wait_syn_newer_timestamp_accepted() {
    let mut c = established();
    let ts = |c: &Conn, from_client: bool, flags: u16, tsval: u32| {
        let (src, dst, seq, ack) = if from_client {
            (CLIENT, SERVER, c.c_nxt, c.s_nxt)
        } else {
            (SERVER, CLIENT, c.s_nxt, c.c_nxt)
        };
        SegmentDescriptor {
            tsval: Some(tsval),
            ..seg(src, dst, seq, ack, flags, 0, c.time)
        }
    };
    c.send(ts(&c, true, FIN | ACK, 1_000));
    c.c_nxt += 1;
    c.send(ts(&c, false, FIN | ACK, 9_000));
    c.s_nxt += 1;
    c.send(ts(&c, true, ACK, 1_001));
    assert_eq!(c.states(), (TimeWait, Closed));
    let old_seq = c.s_nxt - 1000;
    let refused = SegmentDescriptor {
        tsval: Some(8_000),
        ..seg(SERVER, CLIENT, old_seq, 0, SYN, 0, c.time)
    };
    assert_eq!(c.send(refused), Verdict::Unacceptable(Reject::TimeWaitSyn));
    let newer = SegmentDescriptor {
        tsval: Some(9_500),
        ..refused
    };
    assert_eq!(c.send(newer), Verdict::Tracked);
    assert_eq!(c.count(Counter::Reincarnations), 1);
    let e = c.entry().unwrap();
    assert_eq!(e.client(), SERVER);
}

// ================================================================================================
// Mid-stream pickup
// ================================================================================================

// design.md: data with no SYN seen: both ESTABLISHED, picked up, the lower port is the server.
#[test]
fn test_closed_data_picks_up_mid_stream() {
    for (src, dst) in [(CLIENT, SERVER), (SERVER, CLIENT)] {
        let mut c = Conn::new();
        assert_eq!(
            c.send(seg(src, dst, 777, 888, PSH | ACK, 100, T0)),
            Verdict::Tracked
        );
        assert_eq!(c.states(), (Established, Established));
        let e = c.entry().unwrap();
        assert!(e.picked_up);
        assert_eq!(e.server(), SERVER, "lower port is the server");
        assert_eq!(c.count(Counter::PickedUp), 1);
        assert_eq!(c.count(Counter::Created), 1);
    }
}

// A connection picked up from a keep-alive (SEG.SEQ = SND.NXT − 1, no data: Linux
// `tcp_xmit_probe_skb`) does not misplace the sender's SND.NXT: the peer's ACK (SND.NXT itself)
// is taken, and then a RST at SND.NXT is exact.
#[test]
fn test_closed_keepalive_pickup_keeps_snd_nxt() {
    let mut c = Conn::new();
    let snd_nxt = 5_000;
    assert_eq!(c.client_raw(snd_nxt - 1, 9_000, ACK, 0), Verdict::Tracked);
    assert_eq!(c.server_raw(9_000, snd_nxt, ACK, 0), Verdict::Tracked);
    assert_eq!(client_stream(&c), (snd_nxt, snd_nxt));
    assert_eq!(
        c.client_raw(snd_nxt, 0, RST, 0),
        Verdict::Rst(RstClass::Exact)
    );
}

// design.md + RFC 5961 §3.2: a picked-up connection knows both sequence spaces from the first
// segment (SEQ and ACK), so its RSTs are classified.
#[test]
fn test_pickup_rst_classified() {
    let mut c = Conn::new();
    c.send(seg(CLIENT, SERVER, 777, 888, PSH | ACK, 100, T0));
    assert_eq!(
        c.server_raw(888 + 5, 0, RST, 0),
        Verdict::Rst(RstClass::InWindow)
    );
    assert_eq!(c.server_raw(888, 0, RST, 0), Verdict::Rst(RstClass::Exact));
    assert_eq!(c.states(), (Closed, Closed));
}

// design.md: a picked-up FIN closes as usual (§3.10.7.4 eighth check).
#[test]
fn test_closed_fin_picks_up_and_closes() {
    let mut c = Conn::new();
    c.send(seg(CLIENT, SERVER, 777, 888, FIN | ACK, 0, T0));
    assert_eq!(c.states(), (FinWait1, CloseWait));
    c.send(seg(SERVER, CLIENT, 888, 778, FIN | ACK, 0, T0));
    assert_eq!(c.states(), (TimeWait, LastAck));
    c.send(seg(CLIENT, SERVER, 778, 889, ACK, 0, T0));
    assert_eq!(c.states(), (TimeWait, Closed));
}

// design.md ("a SYN-ACK's sender is the server") and RFC 9293 §3.10.7.3: the client's SYN was not
// seen; it is ESTABLISHED once the SYN-ACK acknowledges it, the server SYN_RECEIVED.
#[test]
fn test_closed_synack_picks_up_sender_is_server() {
    // The SYN-ACK comes from the higher port here: roles come from the SYN-ACK, not the ports.
    let hi_server = Endpoint::v4(0x0a00_0002, 50000);
    let lo_client = Endpoint::v4(0x0a00_0001, 22);
    let mut c = Conn::new();
    c.send(seg(
        hi_server,
        lo_client,
        S_ISS,
        C_ISS + 1,
        SYN | ACK,
        0,
        T0,
    ));
    let e = *c.t.table().entries().next().unwrap();
    assert!(e.picked_up);
    assert_eq!((e.client(), e.server()), (lo_client, hi_server));
    assert_eq!(
        (e.client_state(), e.server_state()),
        (Established, SynReceived)
    );
    assert_eq!(c.count(Counter::PickedUp), 1);
    c.send(seg(lo_client, hi_server, C_ISS + 1, S_ISS + 1, ACK, 0, T0));
    let e = *c.t.table().entries().next().unwrap();
    assert_eq!(
        (e.client_state(), e.server_state()),
        (Established, Established)
    );
}

// ================================================================================================
// Timeouts
// ================================================================================================

// RFC 6298 §5.5 (the RTO at most doubles) and Linux's SYN retransmissions
// (`tcp_syn_retries`): a client that re-sent its SYN every second and then fell silent for more
// than twice that (plus a quarter for the timer wheel and a second of slack) has given up:
// connect() timed out, the client is CLOSED (`X6_syn_retries`).
#[test]
fn test_syn_sent_silent_past_its_retransmissions_gives_up() {
    let mut c = syn_sent();
    for t in 1..=5 {
        c.time = T0 + t;
        c.client_raw(C_ISS, 0, SYN, 0);
    }
    // The last SYN at T0 + 5, 1 s after the one before: the next was due by T0 + 7.
    c.tick(T0 + 8);
    assert_eq!(c.states().0, SynSent);
    c.send(SegmentDescriptor {
        time: secs(T0 + 8) + 4,
        ..seg(OTHER_A, OTHER_B, 1, 1, RST, 0, 0)
    });
    assert_eq!(c.states().0, Closed);
}

// A SYN_RECEIVED endpoint answers at once and re-sends its SYN-ACK on its own timer; one silent
// for more than twice its initial RTO never took the SYN (it was dropped after the capture
// point). Then the lone client gives up too, and the closed entry lingers and goes.
#[test]
fn test_syn_received_never_answering_closes() {
    let mut c = syn_sent();
    c.tick(T0 + 3);
    assert_eq!(c.states(), (SynSent, SynReceived));
    c.tick(T0 + 5);
    assert_eq!(c.states(), (Closed, Closed));
    c.tick(T0 + 15);
    assert!(c.entry().is_none());
    assert_eq!(c.count(Counter::Expired), 1);
}

// Linux `tcp_synack_retries` (5): the SYN-ACK re-sent after 1, 2, 4, 8 and 16 s, then the request
// is dropped: the server is CLOSED a little after 63 s (twice the last interval plus slack).
#[test]
fn test_syn_received_synack_retries_then_closed() {
    let mut c = syn_sent();
    c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    // The SYN-ACK was lost: the client re-sends its SYN once, then is gone.
    c.time = T0 + 1;
    c.client_raw(C_ISS, 0, SYN, 0);
    for t in [1, 3, 7, 15, 31] {
        c.time = T0 + t;
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0);
    }
    c.tick(T0 + 67);
    assert_eq!(c.states(), (Closed, SynReceived));
    c.tick(T0 + 69);
    assert_eq!(c.states(), (Closed, Closed));
}

// The handshake timeout (63 s by default, configurable) caps a silence however long the last
// interval was: SYNs 1, 2, 4, … 32 s apart would allow 73 s after the last.
#[test]
fn test_syn_sent_handshake_timeout_caps_the_silence() {
    let mut c = syn_sent();
    for t in [1, 3, 7, 15, 31, 63] {
        c.time = T0 + t;
        c.client_raw(C_ISS, 0, SYN, 0);
    }
    c.tick(T0 + 63 + 62);
    assert_eq!(c.states().0, SynSent);
    c.tick(T0 + 63 + 63);
    assert_eq!(c.states().0, Closed);
}

// Linux `tcp_fin_timeout` (60 s): an orphaned FIN_WAIT_2 ends after 60 s without a segment.
#[test]
fn test_fin_wait_2_orphan_ends_after_fin_timeout() {
    let mut c = client_fin_wait_2();
    c.tick(T0 + 59);
    assert_eq!(c.states(), (FinWait2, CloseWait));
    c.tick(T0 + 60);
    assert_eq!(c.states(), (Closed, CloseWait));
}

// A half-closed FIN_WAIT_2 whose peer keeps sending is not silent: it stays.
#[test]
fn test_fin_wait_2_half_close_traffic_keeps_it() {
    let mut c = client_fin_wait_2();
    for t in [30, 60, 90] {
        c.time = T0 + t;
        c.server(PSH | ACK, 100);
        c.client(ACK, 0);
    }
    c.tick(T0 + 149);
    assert_eq!(c.states(), (FinWait2, CloseWait));
}

// Sub-second time is kept (ticks of 1/16 s): a TIME_WAIT entered at 10.9 s is still there at
// 70.5 s (59.6 s later), not ended by a clock floored to whole seconds.
#[test]
fn test_time_wait_lasts_60s_at_sub_second_resolution() {
    let mut c = server_last_ack();
    let entered = secs(T0) + 14; // T0 + 0.875 s
    c.send(SegmentDescriptor {
        time: entered,
        ..seg(CLIENT, SERVER, c.c_nxt, c.s_nxt, ACK, 0, 0)
    });
    assert_eq!(c.states(), (TimeWait, Closed));
    let at = |t: u32| SegmentDescriptor {
        time: t,
        ..seg(OTHER_A, OTHER_B, 1, 1, RST, 0, 0)
    };
    c.send(at(entered + secs(60) - 1));
    assert_eq!(c.states(), (TimeWait, Closed));
    c.send(at(entered + secs(60)));
    assert_eq!(c.states(), (Closed, Closed));
}

// design.md: a connection silent for the idle timeout (7200 s) is forgotten.
#[test]
fn test_established_idle_timeout() {
    let mut c = established();
    let idle = Timeouts::default().idle;
    c.tick(T0 + idle - 1);
    assert_eq!(c.states(), (Established, Established));
    c.tick(T0 + idle);
    assert!(c.entry().is_none());
    assert_eq!(c.count(Counter::Expired), 1);
}

// The idle timeout is not the keep-alive time: Linux probes a silent connection after 7200 s
// (`tcp_keepalive_time`) with `SEG.SEQ = SND.UNA − 1` and no data; the probe finds its entry, is
// an old duplicate to its receiver (answered by an ACK), and moves nothing — SND.NXT included.
#[test]
fn test_established_keepalive_at_7200s_finds_its_entry() {
    let mut c = established();
    c.client(PSH | ACK, 10);
    c.server(ACK, 0);
    c.tick(T0 + 7_200);
    let before = c.entry().expect("entry still there at 7200 s");
    c.time = T0 + 7_200;
    assert_eq!(
        c.client_raw(c.c_nxt - 1, c.s_nxt, ACK, 0),
        Verdict::Unacceptable(Reject::Old)
    );
    assert_eq!(c.server(ACK, 0), Verdict::Tracked);
    let after = c.entry().unwrap();
    assert_eq!(after.ends, before.ends);
    assert_eq!(c.states(), (Established, Established));
}

// Timeouts are configurable: embryonic 3 s, idle 20 s, linger 1 s.
#[test]
fn test_timeouts_configurable() {
    let t = Timeouts {
        time_wait: 8,
        handshake: 3,
        fin_wait_2: 8,
        idle: 20,
        linger: 1,
    };
    t.validate().unwrap();
    let mut c = Conn::new();
    c.t.set_timeouts(t);
    assert_eq!(c.t.timeouts(), t);
    c.client(SYN, 0);
    c.tick(T0 + 3);
    assert_eq!(c.states(), (Closed, Closed));
    c.tick(T0 + 4);
    assert!(c.entry().is_none());

    let mut c = established();
    c.t.set_timeouts(t);
    c.tick(T0 + 19);
    assert_eq!(c.states(), (Established, Established));
    c.tick(T0 + 20);
    assert!(c.entry().is_none());
}

// A data segment refreshes the idle clock.
#[test]
fn test_established_traffic_refreshes_idle() {
    let mut c = established();
    c.tick(T0 + 7_000);
    c.client(PSH | ACK, 1);
    c.tick(T0 + 14_000);
    assert_eq!(c.states(), (Established, Established));
}

// ================================================================================================
// The bounded table
// ================================================================================================

const SMALL: TableShape = TableShape::Bounded {
    buckets: 16,
    ways: 4,
};

/// Client endpoints (to `SERVER`) whose keys share the bucket of the first one.
fn same_bucket(n: usize) -> Vec<Endpoint> {
    let t = Tracker::new(TrackerConfig {
        shape: SMALL,
        ..TrackerConfig::default()
    });
    let bucket_of = |ep: Endpoint| t.table().bucket_of(&FlowKey::of(ep, SERVER).0);
    let target = bucket_of(Endpoint::v4(0x0a00_0001, 30000));
    let v: Vec<Endpoint> = (30000..40000)
        .map(|p| Endpoint::v4(0x0a00_0001, p))
        .filter(|ep| bucket_of(*ep) == target)
        .take(n)
        .collect();
    assert_eq!(v.len(), n);
    v
}

fn open(t: &mut Tracker, ev: &mut Vec<Event>, c: Endpoint, time: u32) -> Verdict {
    t.process(&seg(c, SERVER, 1, 0, SYN, 0, time), ev)
}

fn establish(t: &mut Tracker, ev: &mut Vec<Event>, c: Endpoint, time: u32) {
    assert_eq!(open(t, ev, c, time), Verdict::Tracked);
    t.process(&seg(SERVER, c, 100, 2, SYN | ACK, 0, time), ev);
    t.process(&seg(c, SERVER, 2, 101, ACK, 0, time), ev);
}

fn states_of(t: &Tracker, c: Endpoint) -> Option<(TcpState, TcpState)> {
    let k = FlowKey::of(c, SERVER).0;
    t.table()
        .entries()
        .find(|e| e.key == k)
        .map(|e| (e.client_state(), e.server_state()))
}

// design.md ("Table"): a bucket of live ESTABLISHED connections refuses a new one.
#[test]
fn test_table_full_bucket_refuses_syn() {
    let eps = same_bucket(5);
    let mut t = Tracker::new(TrackerConfig {
        shape: SMALL,
        ..TrackerConfig::default()
    });
    let mut ev = Vec::new();
    for ep in &eps[..4] {
        establish(&mut t, &mut ev, *ep, T0);
        assert_eq!(states_of(&t, *ep), Some((Established, Established)));
    }
    ev.clear();
    assert_eq!(open(&mut t, &mut ev, eps[4], T0 + 1), Verdict::Refused);
    assert_eq!(t.counters().get(Counter::TableFull), 1);
    assert_eq!(t.counters().get(Counter::Evicted), 0);
    assert_eq!(states_of(&t, eps[4]), None);
    assert_eq!(t.table().len(), 4);
    assert!(matches!(ev.as_slice(), [Event::Refused { .. }]));
    // Data (a pickup) is refused the same way; the live ones are untouched.
    let d = seg(eps[4], SERVER, 5, 6, ACK, 10, T0 + 1);
    assert_eq!(t.process(&d, &mut ev), Verdict::Refused);
    assert_eq!(t.counters().get(Counter::TableFull), 2);
    for ep in &eps[..4] {
        assert_eq!(states_of(&t, *ep), Some((Established, Established)));
    }
}

// design.md ("Table"): a finished entry in a full bucket is evicted for the new connection.
#[test]
fn test_table_full_bucket_evicts_finished() {
    let eps = same_bucket(5);
    let mut t = Tracker::new(TrackerConfig {
        shape: SMALL,
        ..TrackerConfig::default()
    });
    let mut ev = Vec::new();
    for ep in &eps[..4] {
        establish(&mut t, &mut ev, *ep, T0);
    }
    // eps[2] closes: RST → CLOSED/CLOSED (finished, lingering).
    t.process(&seg(eps[2], SERVER, 2, 0, RST, 0, T0 + 1), &mut ev);
    assert_eq!(states_of(&t, eps[2]), Some((Closed, Closed)));
    ev.clear();
    assert_eq!(open(&mut t, &mut ev, eps[4], T0 + 2), Verdict::Tracked);
    assert_eq!(states_of(&t, eps[4]), Some((SynSent, SynReceived)));
    assert_eq!(states_of(&t, eps[2]), None);
    assert_eq!(t.counters().get(Counter::Evicted), 1);
    assert_eq!(t.counters().get(Counter::TableFull), 0);
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::Removed { entry, reason: RemoveReason::Evicted, .. } if entry.client() == eps[2]
    )));
}

// design.md ("Table"): the victim is the finished, then the half-open, then the closing entry;
// within a class, the longest silent.
#[test]
fn test_table_eviction_order() {
    let eps = same_bucket(9);
    let mut t = Tracker::new(TrackerConfig {
        shape: SMALL,
        ..TrackerConfig::default()
    });
    let mut ev = Vec::new();
    // way A: closing (FIN_WAIT_1 / CLOSE_WAIT), the oldest of all.
    establish(&mut t, &mut ev, eps[0], T0);
    t.process(&seg(eps[0], SERVER, 2, 101, FIN | ACK, 0, T0), &mut ev);
    // ways B, C: half-open, B older than C.
    open(&mut t, &mut ev, eps[1], T0 + 1);
    open(&mut t, &mut ev, eps[2], T0 + 2);
    // way D: finished (TIME_WAIT / CLOSED), the newest.
    establish(&mut t, &mut ev, eps[3], T0 + 3);
    t.process(&seg(eps[3], SERVER, 2, 101, FIN | ACK, 0, T0 + 3), &mut ev);
    t.process(&seg(SERVER, eps[3], 101, 3, FIN | ACK, 0, T0 + 3), &mut ev);
    t.process(&seg(eps[3], SERVER, 3, 102, ACK, 0, T0 + 3), &mut ev);
    assert_eq!(states_of(&t, eps[0]), Some((FinWait1, CloseWait)));
    assert_eq!(states_of(&t, eps[1]), Some((SynSent, SynReceived)));
    assert_eq!(states_of(&t, eps[3]), Some((TimeWait, Closed)));

    let evicted = |ev: &mut Vec<Event>| -> Vec<Endpoint> {
        let v = ev
            .iter()
            .filter_map(|e| match e {
                Event::Removed {
                    entry,
                    reason: RemoveReason::Evicted,
                    ..
                } => Some(entry.client()),
                _ => None,
            })
            .collect();
        ev.clear();
        v
    };
    ev.clear();
    // New connections (each then established, so it is never a victim itself).
    establish(&mut t, &mut ev, eps[4], T0 + 4);
    assert_eq!(evicted(&mut ev), vec![eps[3]], "finished first");
    establish(&mut t, &mut ev, eps[5], T0 + 5);
    assert_eq!(evicted(&mut ev), vec![eps[1]], "then the oldest half-open");
    establish(&mut t, &mut ev, eps[6], T0 + 6);
    assert_eq!(evicted(&mut ev), vec![eps[2]], "then the other half-open");
    establish(&mut t, &mut ev, eps[7], T0 + 7);
    assert_eq!(evicted(&mut ev), vec![eps[0]], "then the closing one");
    assert_eq!(t.counters().get(Counter::Evicted), 4);
    assert_eq!(open(&mut t, &mut ev, eps[8], T0 + 8), Verdict::Refused);
    assert_eq!(t.counters().get(Counter::TableFull), 1);
}

// design.md ("Table"): an expired entry frees its way before any eviction is needed.
#[test]
fn test_table_expired_entry_frees_its_way() {
    let eps = same_bucket(5);
    let mut t = Tracker::new(TrackerConfig {
        shape: SMALL,
        ..TrackerConfig::default()
    });
    let mut ev = Vec::new();
    for ep in &eps[..3] {
        establish(&mut t, &mut ev, *ep, T0);
    }
    open(&mut t, &mut ev, eps[3], T0); // half-open: embryonic 60 s, linger 10 s.
    assert_eq!(open(&mut t, &mut ev, eps[4], T0 + 70), Verdict::Tracked);
    assert_eq!(t.counters().get(Counter::Expired), 1);
    assert_eq!(t.counters().get(Counter::Evicted), 0);
}

// The unbounded table never refuses.
#[test]
fn test_table_unbounded_never_refuses() {
    let eps = same_bucket(40);
    let mut t = Tracker::new(TrackerConfig {
        shape: TableShape::Unbounded,
        ..TrackerConfig::default()
    });
    let mut ev = Vec::new();
    for ep in &eps {
        establish(&mut t, &mut ev, *ep, T0);
    }
    assert_eq!(t.table().len(), 40);
    assert_eq!(t.counters().get(Counter::TableFull), 0);
}

// ===================================================================================== //
// Regressions (found by review of the model; each was a real divergence from the RFCs)
// ===================================================================================== //

// RFC 9293 §3.10.7.3: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset": a SYN-ACK whose
// ACK is beyond the SYN does not establish the client (a blind SYN-ACK injection).
#[test]
fn test_syn_sent_synack_acking_beyond_snd_nxt_ignored() {
    let mut c = syn_sent();
    c.server_raw(S_ISS, C_ISS + 77, SYN | ACK, 0);
    assert_eq!(c.states().0, SynSent);
}

// RFC 9293 §3.10.7.4 (fifth check): an ACK of something not yet sent is dropped, so it does
// not acknowledge our FIN.
#[test]
fn test_fin_wait_1_ack_beyond_fin_ignored() {
    let mut c = client_fin_wait_1();
    c.server_raw(S_ISS + 1, C_ISS + 100_000, ACK, 0);
    assert_eq!(c.states(), (FinWait1, CloseWait));
}

// RFC 5961 §4.2: a duplicate SYN-ACK on a synchronized connection is answered by a challenge
// ACK; it must not rewind the server's sequence space, so a later exact RST still resets.
#[test]
fn test_established_duplicate_synack_does_not_rewind_sequence_space() {
    let mut c = established();
    c.server(PSH | ACK, 100);
    c.client(ACK, 0);
    assert_eq!(
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0),
        Verdict::SynChallenged
    );
    assert_eq!(c.count(Counter::SynInSync), 1);
    let v = c.server_raw(S_ISS + 101, 0, RST, 0);
    assert_eq!(v, Verdict::Rst(RstClass::Exact));
    assert_eq!(c.states(), (Closed, Closed));
}

// A late duplicate SYN-ACK after an orderly close changes nothing, and the entry then ages
// out (2MSL, then linger).
#[test]
fn test_time_wait_late_synack_then_aging() {
    let mut c = client_time_wait();
    c.tick(T0 + 2);
    assert_eq!(
        c.server_raw(S_ISS, C_ISS + 1, SYN | ACK, 0),
        Verdict::SynChallenged
    );
    assert_eq!(c.states(), (TimeWait, Closed));
    c.tick(T0 + 200);
    c.t.finish(&mut c.ev);
    assert!(c.entry().is_none());
}

// The host's half-open gauge, read from the per-state histogram (`Histogram::half_open`),
// counts the entries the table evicts first as half-open (`Entry::eviction_class` 1) on a
// flood's mix: lone SYNs and simultaneous opens are half-open; SYN + SYN-ACK is not (its client
// is ESTABLISHED as soon as it is seen to receive the SYN-ACK), nor are completed or closing
// connections.
#[test]
fn test_half_open_gauge_counts_the_half_open_eviction_class() {
    use synscope_model::protocol::payload::Histogram;
    let mut t = Tracker::new(TrackerConfig::default());
    let mut ev = Vec::new();
    let mut time = T0;
    for i in 0..40u32 {
        let c = Endpoint::v4(0x0b00_0000 + i, 30_000 + i as u16);
        let s = Endpoint::v4(0x0a00_0002, 80);
        let mut go = |src, dst, seq, ack, flags| {
            time += 1;
            // All within the first second: no handshake has been silent long enough to end.
            t.process(
                &seg(src, dst, seq, ack, flags, 0, T0 + time / 1000),
                &mut ev,
            );
        };
        go(c, s, C_ISS, 0, SYN);
        match i % 5 {
            0 => {} // a flood's lone SYN
            1 => go(s, c, S_ISS, C_ISS + 1, SYN | ACK),
            2 => go(s, c, S_ISS, 0, SYN), // simultaneous open
            3 => {
                go(s, c, S_ISS, C_ISS + 1, SYN | ACK);
                go(c, s, C_ISS + 1, S_ISS + 1, ACK);
            }
            _ => {
                go(s, c, S_ISS, C_ISS + 1, SYN | ACK);
                go(c, s, C_ISS + 1, S_ISS + 1, ACK);
                go(c, s, C_ISS + 1, S_ISS + 1, FIN | ACK);
            }
        }
    }
    let [client, server] = t.state_histogram();
    let mut h = Histogram::default();
    for s in TcpState::ALL {
        h.client[s as usize] = client[s as usize] as u16;
        h.server[s as usize] = server[s as usize] as u16;
    }
    let half_open = t
        .table()
        .entries()
        .filter(|e| e.eviction_class() == Some(1))
        .count();
    assert_eq!(half_open, 16, "lone SYNs and simultaneous opens");
    assert_eq!(h.half_open() as usize, half_open);
}

// ================================================================================================
// The rarer corners of the handshake and the close
// ================================================================================================

// RFC 9293 §3.10.4, CLOSE in SYN-RECEIVED: "form a FIN segment and send it, and enter FIN-WAIT-1"
// — the server closes before the client's ACK arrived.
#[test]
fn test_syn_received_server_closes_before_the_ack() {
    let mut c = syn_received();
    c.server(FIN | ACK, 0);
    assert_eq!(c.states(), (CloseWait, FinWait1));
}

// §3.10.7.3: a SYN_SENT client acknowledging the server's SYN received the SYN-ACK (here not
// captured) and was ESTABLISHED; its FIN then takes it to FIN-WAIT-1.
#[test]
fn test_syn_sent_fin_acking_an_unseen_synack() {
    let mut c = syn_sent();
    c.client_raw(c.c_nxt, S_ISS + 1, FIN | ACK, 0);
    c.c_nxt += 1;
    assert_eq!(c.states(), (FinWait1, CloseWait));
}

// §3.5 Figure 8, simultaneous open: an endpoint in SYN-RECEIVED acknowledging the peer's SYN in
// its FIN closes from there (FIN-WAIT-1).
#[test]
fn test_syn_sent_simultaneous_open_then_fin() {
    let mut c = syn_sent();
    c.server_raw(S_ISS, 0, SYN, 0);
    c.s_nxt = S_ISS + 1;
    assert_eq!(c.states(), (SynReceived, SynReceived));
    c.client(FIN | ACK, 0);
    assert_eq!(c.states().0, FinWait1);
}

// §3.10.7.3 "Otherwise, enter SYN-RECEIVED, form a SYN,ACK": a one-sided capture of a
// simultaneous open, where the peer's SYN is never seen: the SYN-ACK shows its sender took it.
#[test]
fn test_syn_sent_synack_from_a_syn_sent_endpoint() {
    let mut c = syn_sent();
    c.client_raw(C_ISS, 0, SYN, 0); // never answered: the server is CLOSED
    assert_eq!(c.states(), (SynSent, Closed));
    c.client_raw(C_ISS, S_ISS + 1, SYN | ACK, 0);
    assert_eq!(c.states().0, SynReceived);
    // The same while the peer is taken to be SYN_RECEIVED: the SYN-ACK acknowledges its SYN.
    let mut c = syn_sent();
    c.client_raw(C_ISS, S_ISS + 1, SYN | ACK, 0);
    assert_eq!(c.states().0, SynReceived);
}

// Eighth check in FIN-WAIT-2: the server's FIN held beyond a hole reaches the client when the
// client's own ACK covers it: TIME-WAIT.
#[test]
fn test_fin_wait_2_held_fin_taken_by_the_clients_ack() {
    let mut c = client_fin_wait_2();
    let hole = c.s_nxt;
    c.server_raw(hole + 100, c.c_nxt, FIN | PSH | ACK, 100);
    assert_eq!(c.states(), (FinWait2, LastAck));
    c.server_raw(hole, c.c_nxt, PSH | ACK, 100);
    assert_eq!(c.states(), (FinWait2, LastAck));
    c.client_raw(c.c_nxt, hole + 201, ACK, 0);
    assert_eq!(c.states(), (TimeWait, Closed));
}

// ================================================================================================
// Coverage of the transition tables
// ================================================================================================

/// Why a moving cell can never be reached, or `None`.
fn unreachable(c: &Cell) -> Option<&'static str> {
    use synscope_model::fsm::Side;
    match (c.side, c.acks, c.class, c.state) {
        (_, true, FlagClass::Syn, _) => Some("a SYN carries no ACK"),
        (_, _, _, Listen) => Some(
            "LISTEN exists only in an entry picked up from a SYN-ACK, whose sender leaves it at once",
        ),
        (Side::Receiver, true, FlagClass::Fin, Established | Closing | LastAck) => Some(
            "acks = 1 needs the receiver's own FIN, so it is not ESTABLISHED; in CLOSING and \
             LAST_ACK the sender's FIN was taken already, so a second one is not in sequence",
        ),
        _ => None,
    }
}

/// Every golden test of this file, by name (`named_tests!` keeps the list and the functions in
/// step: a name that is not a test does not compile).
macro_rules! named_tests {
    ($($t:ident),* $(,)?) => {
        [$((stringify!($t), $t as fn())),*]
    };
}

// nf_conntrack's discipline: every cell of the tables that moves a state is exercised by a named
// test. Fails, naming the cells, if one is not.
#[test]
fn every_moving_cell_is_hit_by_a_named_test() {
    use std::collections::BTreeMap;
    use synscope_model::fsm::trace;
    let tests = named_tests![
        test_closed_syn_opens_syn_sent_syn_received,
        test_closed_rst_is_untracked,
        test_syn_sent_three_way_handshake_step_by_step,
        test_syn_received_syn_retransmitted_after_answer,
        test_syn_sent_syn_retransmitted_unanswered_server_closed,
        test_syn_sent_synack_wrong_ack_ignored,
        test_syn_sent_ack_without_syn_ignored,
        test_syn_received_synack_retransmitted,
        test_established_synack_retransmitted_after_ack_server_syn_received,
        test_syn_received_data_acking_syn_establishes,
        test_syn_received_fin_acking_syn_close_wait,
        test_syn_sent_simultaneous_open,
        test_syn_sent_rst_acceptable_ack_refused,
        test_syn_sent_rst_wrong_ack_ignored,
        test_syn_received_client_rst_exact_closes,
        test_established_data_both_ways,
        test_established_duplicate_data,
        test_established_out_of_order_data,
        test_established_keepalive,
        test_established_zero_window_probe,
        test_established_client_fin,
        test_established_client_close_to_time_wait,
        test_established_server_close_to_time_wait,
        test_fin_wait_1_ack_of_fin,
        test_fin_wait_1_ack_short_of_fin,
        test_fin_wait_1_fin_ack_acking_fin_time_wait,
        test_fin_wait_1_simultaneous_close,
        test_fin_wait_1_fin_retransmitted,
        test_fin_wait_2_data_from_close_wait,
        test_close_wait_fin_retransmitted,
        test_close_wait_fin_last_ack,
        test_close_wait_client_keeps_sending,
        test_closing_ack_time_wait,
        test_closing_fin_retransmitted,
        test_last_ack_ack_closed,
        test_last_ack_old_ack,
        test_last_ack_fin_retransmitted,
        test_time_wait_fin_retransmitted_restarts_2msl,
        test_time_wait_expires_after_60s_then_lingers,
        test_time_wait_configurable_timeout,
        test_time_wait_expires_unbounded,
        test_time_wait_rst_exact_closes,
        test_time_wait_syn_new_incarnation,
        test_time_wait_syn_from_old_server_swaps_roles,
        test_time_wait_both_expire,
        test_closed_syn_after_rst_new_incarnation,
        test_closed_syn_after_linger_is_a_new_entry,
        test_closed_rst_on_closed_entry_changes_nothing,
        test_established_rst_exact,
        test_established_rst_ack_exact_from_server,
        test_established_rst_in_window,
        test_established_rst_out_of_window,
        test_established_rst_blind_wrong_seq,
        test_fin_wait_2_rst_after_fin_exact,
        test_close_wait_rst_at_fin_sequence_resets,
        test_established_syn_challenged,
        test_close_wait_syn_challenged,
        test_flags_invalid_count,
        test_established_invalid_flags_change_nothing,
        test_closed_invalid_flags_create_nothing,
        test_established_rst_in_invalid_combination,
        test_syn_sent_and_fin_wait_1_invalid_flags_change_nothing,
        test_established_blind_close_data_beyond_window_then_rst,
        test_established_window_edges,
        test_established_zero_window_probe_is_not_taken,
        test_established_window_scale_both_or_neither,
        test_established_old_duplicate_dropped_whole,
        test_established_sequence_wraparound,
        test_established_fin_unsent_ack_or_out_of_window_ignored,
        test_established_old_duplicate_fin_ignored,
        test_established_fin_beyond_hole_held_until_retransmission,
        test_established_fin_beyond_hole_taken_by_the_receivers_ack,
        test_syn_sent_fast_open_partial_ack_establishes,
        test_established_syn_retransmitted_after_synack_client_syn_sent,
        test_syn_received_new_isn_in_window_resets_request,
        test_closed_data_answered_only_by_rst,
        test_time_wait_syn_older_sequence_refused,
        test_time_wait_syn_newer_timestamp_accepted,
        test_closed_data_picks_up_mid_stream,
        test_closed_keepalive_pickup_keeps_snd_nxt,
        test_pickup_rst_classified,
        test_closed_fin_picks_up_and_closes,
        test_closed_synack_picks_up_sender_is_server,
        test_syn_sent_silent_past_its_retransmissions_gives_up,
        test_syn_received_never_answering_closes,
        test_syn_received_synack_retries_then_closed,
        test_syn_sent_handshake_timeout_caps_the_silence,
        test_fin_wait_2_orphan_ends_after_fin_timeout,
        test_fin_wait_2_half_close_traffic_keeps_it,
        test_time_wait_lasts_60s_at_sub_second_resolution,
        test_established_idle_timeout,
        test_established_keepalive_at_7200s_finds_its_entry,
        test_timeouts_configurable,
        test_established_traffic_refreshes_idle,
        test_table_full_bucket_refuses_syn,
        test_table_full_bucket_evicts_finished,
        test_table_eviction_order,
        test_table_expired_entry_frees_its_way,
        test_table_unbounded_never_refuses,
        test_syn_sent_synack_acking_beyond_snd_nxt_ignored,
        test_fin_wait_1_ack_beyond_fin_ignored,
        test_established_duplicate_synack_does_not_rewind_sequence_space,
        test_time_wait_late_synack_then_aging,
        test_half_open_gauge_counts_the_half_open_eviction_class,
        test_syn_received_server_closes_before_the_ack,
        test_syn_sent_fin_acking_an_unseen_synack,
        test_syn_sent_simultaneous_open_then_fin,
        test_syn_sent_synack_from_a_syn_sent_endpoint,
        test_fin_wait_2_held_fin_taken_by_the_clients_ack,
    ];
    let mut first_hit: BTreeMap<Cell, &str> = BTreeMap::new();
    for (name, f) in tests {
        for cell in trace::record(f) {
            first_hit.entry(cell).or_insert(name);
        }
    }
    let missing: Vec<String> = Cell::moving()
        .into_iter()
        .filter(|c| !first_hit.contains_key(c) && unreachable(c).is_none())
        .map(|c| {
            format!(
                "{:?} {} {:?} {} -> {}",
                c.side,
                c.acks as u8,
                c.class,
                c.state,
                c.next()
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "moving cells no named test hits:\n{}",
        missing.join("\n")
    );
}
