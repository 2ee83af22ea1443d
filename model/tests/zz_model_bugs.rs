//! Scratch (uncommitted): tests that show where the model departs from the RFC.
use synscope_model::timeouts::expire;
use synscope_model::{Endpoint, FlowKey, RstClass, SegmentDescriptor, TcpFlags, TcpState, Timeouts, Tracker, TrackerConfig, Verdict};
use TcpState::*;

const C: Endpoint = Endpoint::new(0x0a00_0001, 40000);
const S: Endpoint = Endpoint::new(0x0a00_0002, 80);
fn seg(src: Endpoint, dst: Endpoint, seq: u32, ack: u32, flags: u16, len: u16) -> SegmentDescriptor {
    SegmentDescriptor { src, dst, seq, ack, flags: TcpFlags::new(flags), window: 65535,
        wscale: synscope_model::descriptor::WSCALE_NONE, payload_len: len, time: 1 }
}
fn states(t: &Tracker) -> (TcpState, TcpState) {
    let k = FlowKey::of(C, S).0;
    let e = t.table().entries().find(|e| e.key == k).unwrap();
    (e.client_state(), e.server_state())
}
const A: u16 = TcpFlags::ACK; const SY: u16 = TcpFlags::SYN; const F: u16 = TcpFlags::FIN; const R: u16 = TcpFlags::RST;

// RFC 9293 §3.10.7.3: in SYN-SENT, "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset"; the
// SYN-ACK is not acceptable and the client stays SYN-SENT.
#[test]
fn bug_syn_sent_synack_ack_beyond_snd_nxt_establishes() {
    let mut t = Tracker::new(TrackerConfig::default());
    t.process(&seg(C, S, 1000, 0, SY, 0), &mut ());
    t.process(&seg(S, C, 5000, 1000 + 77, SY | A, 0), &mut ());
    assert_eq!(states(&t), (SynSent, SynReceived));
}

// RFC 9293 §3.10.7.4 fifth check: "If the ACK acks something not yet sent (SEG.ACK > SND.NXT),
// then send an ACK, drop the segment, and return": FIN-WAIT-1 stays.
#[test]
fn bug_fin_wait_1_ack_beyond_snd_nxt_acks_fin() {
    let mut t = Tracker::new(TrackerConfig::default());
    t.process(&seg(C, S, 1000, 0, SY, 0), &mut ());
    t.process(&seg(S, C, 5000, 1001, SY | A, 0), &mut ());
    t.process(&seg(C, S, 1001, 5001, A, 0), &mut ());
    t.process(&seg(C, S, 1001, 5001, F | A, 0), &mut ());
    assert_eq!(states(&t), (FinWait1, CloseWait));
    t.process(&seg(S, C, 5001, 1002 + 100_000, A, 0), &mut ());
    assert_eq!(states(&t), (FinWait1, CloseWait));
}

// RFC 5961 §3.2: a RST at exactly RCV.NXT resets. A duplicate SYN-ACK seen after data rewinds
// the server's SND.NXT in the model, so the server's exact RST is taken as "in window".
#[test]
fn bug_duplicate_synack_rewinds_snd_nxt() {
    let mut t = Tracker::new(TrackerConfig::default());
    t.process(&seg(C, S, 1000, 0, SY, 0), &mut ());
    t.process(&seg(S, C, 5000, 1001, SY | A, 0), &mut ());
    t.process(&seg(C, S, 1001, 5001, A, 0), &mut ());
    t.process(&seg(S, C, 5001, 1001, A, 100), &mut ());
    t.process(&seg(C, S, 1001, 5101, A, 0), &mut ());
    // A network duplicate of the SYN-ACK.
    t.process(&seg(S, C, 5000, 1001, SY | A, 0), &mut ());
    assert_eq!(states(&t), (Established, Established));
    let v = t.process(&seg(S, C, 5101, 1001, R | A, 0), &mut ());
    assert_eq!(v, Verdict::Rst(RstClass::Exact));
    assert_eq!(states(&t), (Closed, Closed));
}

// timeouts.rs: "aging at t1 then at t2 equals aging at t2".
#[test]
fn bug_expire_not_composable() {
    let configs = [
        Timeouts::default(),
        Timeouts { time_wait: 60, embryonic: 60, idle: 30, linger: 10 },
    ];
    let mut fails = Vec::new();
    for t in configs {
        t.validate().unwrap();
        for a in TcpState::ALL {
            for b in TcpState::ALL {
                'x: for t1 in (0..200).step_by(5) {
                    for t2 in (t1..260).step_by(5) {
                        let direct = expire([a, b], 0, t2, &t);
                        let stepped = expire([a, b], 0, t1, &t).and_then(|(s, a1)| expire(s, a1, t2, &t));
                        if direct != stepped {
                            fails.push(format!("{t:?} [{a},{b}] t1={t1} t2={t2}: direct {direct:?} stepped {stepped:?}"));
                            break 'x;
                        }
                    }
                }
            }
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}
