//! Overload accounting on the whole simulated board (issue: "nothing lost silently"):
//! minimum-size frames back to back at 100 Mb/s (preamble, 60 bytes, FCS, the 96-bit gap), each
//! a SYN of a new connection, so the core produces an event record for every segment while the
//! UART (3 Mbaud) carries only a small fraction of them. At the end:
//! - `frames = processed + Σ drop_*` exactly, and equal to what was sent (no receive FIFO
//!   overflow: every stage keeps up with line rate);
//! - every record is accounted once: sent as an `EVENT` frame (each one received by the host
//!   here), withheld by the engine's rate limit (`events_rate_limited`), or lost because the
//!   core's event FIFO was full (`events_dropped`);
//! - every tracking counter and the per-state gauges equal the model's.

mod common;

use common::descriptor_frame;
use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::frame::{mac_receive, with_fcs, MIN_FRAME_LEN};
use synscope_model::protocol::framing::Decoder;
use synscope_model::protocol::message::{Frame, Kind};
use synscope_model::protocol::payload::Histogram;
use synscope_model::protocol::{LinkCounter, Op};
use synscope_model::tracker::{Tracker, TrackerConfig};
use synscope_model::{
    Counter, Endpoint, SegmentDescriptor, TableShape, TcpFlags, TcpState, Timeouts,
};
use synscope_sim::board::{BoardSim, FASTEST_BAUD};

/// Frames in the burst: enough to overflow the 64-record event FIFO at 3 Mbaud.
const BURST: u32 = 1_200;

/// A bare SYN (no options, so the frame is the 60-byte minimum) from a new client `i` to one
/// server, as a sender's MAC puts it on the wire: FCS appended.
fn syn_from(i: u32) -> Vec<u8> {
    let d = SegmentDescriptor {
        src: Endpoint::v4(0x0b00_0000 + i, 40_000 + (i % 20_000) as u16),
        dst: Endpoint::v4(0x0a00_0002, 80),
        seq: i.wrapping_mul(0x9e37_79b9),
        ack: 0,
        flags: TcpFlags::new(TcpFlags::SYN),
        window: 64_240,
        wscale: WSCALE_NONE,
        payload_len: 0,
        tsval: None,
        time: 1,
    };
    with_fcs(&descriptor_frame(&d))
}

/// Count the `EVENT` frames in `bytes` (the decoder keeps partial frames between calls).
fn count_events(dec: &mut Decoder, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .filter_map(|b| dec.push(*b))
        .filter_map(|r| r.ok())
        .filter_map(|c| Frame::parse(&c).ok())
        .filter(|f| f.header.kind == Kind::Event)
        .count() as u64
}

#[test]
fn board_accounts_for_every_frame_and_event_under_overload() {
    // The burst is made of minimum-size frames.
    assert_eq!(syn_from(0).len(), MIN_FRAME_LEN + 4);
    let mut board = BoardSim::new();
    board.set_baud(FASTEST_BAUD).unwrap();
    let mut model = Tracker::new(TrackerConfig {
        shape: TableShape::ARTY_35T,
        timeouts: Timeouts::default(),
    });
    board.set_time(1);
    let mut dec = Decoder::new();
    let mut events_seen = 0;
    let mut records = 0u64;
    let mut ev = Vec::new();
    for i in 0..BURST {
        let wire = syn_from(i);
        board.send_raw(&wire, None);
        ev.clear();
        let _ = model.process_frame(mac_receive(&wire, false).unwrap(), 1, &mut ev);
        // One record per segment that produced anything reportable (here: every one).
        records += u64::from(!ev.is_empty());
        events_seen += count_events(&mut dec, &board.uart_read());
    }
    assert_eq!(records, u64::from(BURST));
    board.drain();
    // Let the line carry what is still queued, until it has been quiet for 20 frame times.
    let quiet_cycles = 20 * 64 * 10 * u64::from(board.divisor());
    let mut quiet = 0;
    while quiet < quiet_cycles {
        board.run(10_000);
        let bytes = board.uart_read();
        quiet = if bytes.is_empty() { quiet + 10_000 } else { 0 };
        events_seen += count_events(&mut dec, &bytes);
    }
    board.finish();
    model.finish(&mut ());

    let counters = board.counters().unwrap();
    let k = model.counters();
    for (c, v) in &counters {
        if *c != Counter::EventsDropped {
            assert_eq!(*v, k.get(*c), "counter {}", c.name());
        }
    }
    let get = |c: Counter| counters.iter().find(|(x, _)| *x == c).unwrap().1;
    assert_eq!(get(Counter::Frames), u64::from(BURST));
    assert_eq!(get(Counter::Processed), u64::from(BURST));
    assert_eq!(get(Counter::DropFifoOverflow), 0);
    let link: Vec<u64> = board
        .request(Op::ReadLink, &[])
        .unwrap()
        .chunks_exact(4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        .collect();
    let sent = link[LinkCounter::EventsSent as usize];
    let limited = link[LinkCounter::EventsRateLimited as usize];
    let dropped = get(Counter::EventsDropped);
    // Events that arrived during the counter requests were kept aside by the driver.
    events_seen += board.take_events().len() as u64;
    eprintln!(
        "overload: {BURST} back-to-back minimum frames, {records} event records: {sent} sent \
         ({events_seen} received), {limited} rate-limited, {dropped} dropped (FIFO full)"
    );
    assert_eq!(sent, events_seen, "every event sent was received");
    assert_eq!(
        sent + limited + dropped,
        records,
        "every record accounted once"
    );
    assert!(dropped > 0, "the burst must overflow the event FIFO");
    // The live-entry gauges (the table itself is compared entry by entry in board.rs).
    let h = Histogram::decode(&board.request(Op::ReadHistogram, &[]).unwrap()).unwrap();
    let [client, _] = model.state_histogram();
    for s in TcpState::ALL {
        assert_eq!(
            u64::from(h.client[s as usize]),
            client[s as usize],
            "{}",
            s.name()
        );
    }
}
