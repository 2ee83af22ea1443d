//! Skipping the cycles in which nothing changes (docs/hdl.md, "Skipping the cycles in which
//! nothing changes") changes nothing but the time a run takes: the same board, driven the same
//! way with and without skipping, gives the same transcript, cycle for cycle. The run mixes
//! what keeps a board busy and what lets it idle: capture frames with their capture times (the
//! sweep's passes, the MDIO master's poll rounds), `EVENT` frames on the line under a rate
//! limit (the millisecond window), requests while frames flow, idle stretches, and the
//! read-out at the end (`DUMP_TABLE`, `READ_COUNTERS`, `READ_PHY`).

mod common;

use common::capture_frames;
use synscope_model::protocol::ConfigItem;
use synscope_sim::board::{BoardSim, FrameEntry, FASTEST_BAUD};

/// Everything a run shows at the board's pins and through the protocol, with the simulated
/// cycle it was seen at.
#[derive(Debug, PartialEq)]
struct Transcript {
    /// (cycle, bytes the board sent since the last read) while frames went in.
    line: Vec<(u64, Vec<u8>)>,
    /// (cycle, counters) of the requests made while frames went in.
    counters: Vec<(u64, Vec<(synscope_model::Counter, u64)>)>,
    events: usize,
    table: Vec<synscope_sim::board::SlotEntry>,
    last_counters: Vec<(synscope_model::Counter, u64)>,
    phy_polls: u16,
    frames_done: u64,
    cycles: u64,
}

/// The first `per_capture` frames of every bundled capture, with their times.
fn sample(per_capture: usize) -> Vec<(u32, Vec<u8>)> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut out = Vec::new();
    for (name, ticks, f) in capture_frames() {
        if seen.last().map(|(n, _)| n) != Some(&name) {
            seen.push((name, 0));
        }
        let count = &mut seen.last_mut().unwrap().1;
        if *count < per_capture {
            *count += 1;
            out.push((ticks, f));
        }
    }
    out
}

/// One run; also the cycles it skipped.
fn run(entry: FrameEntry, skip: bool, per_capture: usize) -> (Transcript, u64) {
    let mut board = BoardSim::with_entry(entry);
    board.set_skip(skip);
    assert_eq!(
        board.skips(),
        skip,
        "this model cannot skip: see build.rs's warning"
    );
    board.set_baud(FASTEST_BAUD).expect("SET_CONFIG baud");
    // Two events a millisecond: most are rate-limited, and the window opens and closes.
    board
        .set_config(ConfigItem::EventRate, &2u16.to_le_bytes())
        .expect("SET_CONFIG event rate");
    let mut t = Transcript {
        line: Vec::new(),
        counters: Vec::new(),
        events: 0,
        table: Vec::new(),
        last_counters: Vec::new(),
        phy_polls: 0,
        frames_done: 0,
        cycles: 0,
    };
    for (i, (ticks, f)) in sample(per_capture).iter().enumerate() {
        board.set_time(*ticks);
        board.send_captured(f);
        t.line.push((board.cycles(), board.uart_read()));
        if i % 150 == 149 {
            let c = board.counters().expect("READ_COUNTERS");
            t.counters.push((board.cycles(), c));
            // An idle stretch: the line drains, the sweep finishes its pass.
            board.run(50_000);
        }
    }
    board.finish();
    t.events = board.take_events().len();
    t.table = board.table().expect("DUMP_TABLE");
    t.last_counters = board.counters().expect("READ_COUNTERS");
    t.phy_polls = board.phy_status().expect("READ_PHY").polls;
    t.frames_done = board.frames_done();
    t.cycles = board.cycles();
    (t, board.cycles_skipped())
}

/// The same transcript with and without skipping; at least `1 / min_share` of the cycles
/// skipped.
fn same_with_and_without_skipping(entry: FrameEntry, per_capture: usize, min_share: u64) {
    let (every, none_skipped) = run(entry, false, per_capture);
    let (skipping, skipped) = run(entry, true, per_capture);
    assert!(every.table.len() > 10 && every.phy_polls > 1, "{every:?}");
    assert!(
        every.line.iter().any(|(_, b)| !b.is_empty()),
        "no events sent"
    );
    assert_eq!(every, skipping);
    assert_eq!(none_skipped, 0);
    assert!(
        skipped * min_share > every.cycles,
        "only {skipped} of {} cycles skipped",
        every.cycles
    );
}

#[test]
fn skipping_changes_nothing_at_the_mii_pins() {
    // Frames at the pins take 8 cycles a byte, none of them skippable.
    same_with_and_without_skipping(FrameEntry::Mii, 30, 10);
}

#[test]
fn skipping_changes_nothing_at_the_fifo_entry() {
    same_with_and_without_skipping(FrameEntry::Fifo, 120, 4);
}
