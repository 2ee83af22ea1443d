//! Blind injection (RFC 5961 §1, §3-5): an off-path attacker who knows only a connection's
//! 4-tuple guesses sequence and acknowledgement numbers. Against live connections with real
//! windows, 10⁴ forged pairs (a data byte, then a RST just after it: the "blind close") and 10⁴
//! forged FINs change no endpoint's state; every forged segment is counted by the class its
//! receiver puts it in.

use synscope_model::rng::Rng;
use synscope_model::time::secs;
use synscope_model::{
    Counter, Endpoint, Event, SegmentDescriptor, TableShape, TcpFlags, TcpState, Tracker,
    TrackerConfig,
};

const CONNECTIONS: u32 = 200;
const FORGED: usize = 10_000;

struct Conn {
    client: Endpoint,
    server: Endpoint,
}

fn seg(
    src: Endpoint,
    dst: Endpoint,
    seq: u32,
    ack: u32,
    flags: u16,
    len: u16,
) -> SegmentDescriptor {
    SegmentDescriptor {
        window: 502,
        payload_len: len,
        time: secs(1_000),
        ..SegmentDescriptor::new(src, dst, seq, ack, TcpFlags::new(flags))
    }
}

/// Live connections with a scaled window of 502 << 7 (64 KB) and some data both ways.
fn live(t: &mut Tracker, rng: &mut Rng) -> Vec<Conn> {
    use TcpFlags as F;
    (0..CONNECTIONS)
        .map(|i| {
            let client = Endpoint::v4(0x0a01_0000 + i, 40_000 + i as u16);
            let server = Endpoint::v4(0x0a02_0001, 443);
            let (c_isn, s_isn) = (rng.next_u32(), rng.next_u32());
            let syn = SegmentDescriptor {
                wscale: 7,
                ..seg(client, server, c_isn, 0, F::SYN, 0)
            };
            t.process(&syn, &mut ());
            let synack = SegmentDescriptor {
                wscale: 7,
                ..seg(server, client, s_isn, c_isn + 1, F::SYN | F::ACK, 0)
            };
            t.process(&synack, &mut ());
            let (c, s) = (c_isn + 1, s_isn + 1);
            t.process(&seg(client, server, c, s, F::ACK | F::PSH, 300), &mut ());
            t.process(
                &seg(server, client, s, c + 300, F::ACK | F::PSH, 1400),
                &mut (),
            );
            t.process(&seg(client, server, c + 300, s + 1400, F::ACK, 0), &mut ());
            Conn { client, server }
        })
        .collect()
}

#[test]
fn blind_injection_changes_no_state_and_is_counted() {
    use TcpFlags as F;
    let mut t = Tracker::new(TrackerConfig {
        shape: TableShape::Unbounded,
        ..TrackerConfig::default()
    });
    // Deterministic, so the figures below are exact.
    let mut rng = Rng::new(0x5eed_0001);
    let conns = live(&mut t, &mut rng);
    assert!(t
        .table()
        .entries()
        .all(|e| e.states() == [TcpState::Established; 2]));
    let before: Vec<_> = t.table().entries().map(|e| (e.key, e.states())).collect();
    let start = t.counters().clone();
    let mut ev: Vec<Event> = Vec::new();
    for i in 0..FORGED {
        let c = &conns[rng.next_u32() as usize % conns.len()];
        let (src, dst) = if i % 2 == 0 {
            (c.client, c.server)
        } else {
            (c.server, c.client)
        };
        let seq = rng.next_u32();
        // The blind close: one byte somewhere, then a RST just after it.
        t.process(&seg(src, dst, seq, rng.next_u32(), F::ACK, 1), &mut ev);
        t.process(&seg(src, dst, seq.wrapping_add(1), 0, F::RST, 0), &mut ev);
        // A forged FIN with guessed numbers.
        let c = &conns[rng.next_u32() as usize % conns.len()];
        t.process(
            &seg(
                c.client,
                c.server,
                rng.next_u32(),
                rng.next_u32(),
                F::FIN | F::ACK,
                0,
            ),
            &mut ev,
        );
    }
    let after: Vec<_> = t.table().entries().map(|e| (e.key, e.states())).collect();
    assert_eq!(before, after, "a forged segment changed a state");
    assert!(
        !ev.iter().any(|e| matches!(e, Event::StateChanged { .. })),
        "state-change events"
    );
    let n = |k: Counter| t.counters().get(k) - start.get(k);
    // Every forged RST is classified, none exact.
    assert_eq!(n(Counter::RstExact), 0);
    assert_eq!(
        n(Counter::RstInWindow) + n(Counter::RstOutOfWindow),
        FORGED as u64
    );
    // The data bytes and FINs: outside the window (ahead or behind), an ACK of data never sent,
    // or (the few that land inside a 64 KB window) queued out of order and held.
    let rejected = n(Counter::SegOutOfWindow) + n(Counter::SegOld) + n(Counter::SegBadAck);
    let inside = 2 * FORGED as u64 - rejected;
    println!(
        "forged: {} out of window, {} old, {} bad ACK, {} in window (queued), {} FINs held; \
         RST: {} in window, {} out of window",
        n(Counter::SegOutOfWindow),
        n(Counter::SegOld),
        n(Counter::SegBadAck),
        inside,
        n(Counter::FinHeld),
        n(Counter::RstInWindow),
        n(Counter::RstOutOfWindow)
    );
    // A 64 KB window is 1/65536 of the sequence space.
    assert!(inside <= 5, "{inside} forged segments landed in a window");
    assert_eq!(n(Counter::StateChanges), 0);
}
