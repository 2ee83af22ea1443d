//! The simulated board's bring-up risks (issue 13), through its pins as on the Arty:
//! * the MDIO master finds the PHY (a DP83848J model on the MDIO pins, `synscope_sim::phy`) by
//!   scanning addresses, reads its identifier, and keeps its link state current (a poll round
//!   each tick of the board's time); the host reads it with `READ_PHY`;
//! * between rounds the MDIO master is still: MDC stands low;
//! * `READ_COUNTERS` is one snapshot taken at one clock edge: read again and again while frames
//!   (good and bad) flow through the MII pins, every answer holds `frames = processed + Σ drops`.
//!
//! Both also run with frames entering at the receive FIFO (`FrameEntry::Fifo`): that model is
//! the same board past its MII receiver, with the same MDIO master and counters.

mod common;

use common::capture_frames;
use synscope_model::protocol::phy::PhyStatus;
use synscope_model::{Counter, DropReason};
use synscope_sim::board::{BoardSim, FrameEntry, FASTEST_BAUD};
use synscope_sim::phy::{PhyModel, DP83848_ID1, DP83848_ID2};

/// Run until the MDIO master has completed `rounds` more poll rounds than `after` (bounded).
/// The master polls once after finding the PHY, then once a tick of the board's time: the
/// time moves on a tick each time round.
fn poll_rounds(board: &mut BoardSim, after: u16, rounds: u16) -> PhyStatus {
    for _ in 0..200 {
        let s = board.phy_status().expect("READ_PHY answered");
        if s.polls.wrapping_sub(after) >= rounds && s.known() {
            return s;
        }
        board.set_time(board.now().wrapping_add(1));
        board.run(20_000);
    }
    panic!("the MDIO master completed no poll round");
}

#[test]
fn mdio_master_finds_the_phy_and_reads_its_link() {
    finds_the_phy_and_reads_its_link(FrameEntry::Mii);
}

#[test]
fn fifo_entry_mdio_master_finds_the_phy_and_reads_its_link() {
    finds_the_phy_and_reads_its_link(FrameEntry::Fifo);
}

fn finds_the_phy_and_reads_its_link(entry: FrameEntry) {
    let mut board = BoardSim::quiet_with(entry).expect("the board answers");
    let s = poll_rounds(&mut board, 0, 1);
    assert_eq!(s.addr, 1);
    assert_eq!(s.id1, DP83848_ID1);
    assert_eq!(s.id2, DP83848_ID2);
    assert_eq!(s.speed_mbps(), Some(100));
    assert_eq!(s.full_duplex(), Some(true));
    assert!(s.autoneg_complete());
    assert_eq!(s.short(), "100M/full");
    // The link drops, then comes back at 10 Mb/s half duplex: the next rounds say so.
    board.phy.set_link(None);
    let s = poll_rounds(&mut board, s.polls, 2);
    assert!(!s.link_up(), "{}", s.describe());
    assert_eq!(s.short(), "down");
    board.phy.set_link(Some((10, false)));
    let s = poll_rounds(&mut board, s.polls, 2);
    assert_eq!((s.speed_mbps(), s.full_duplex()), (Some(10), Some(false)));
    assert!(board.phy.reads >= 6, "{} reads", board.phy.reads);
}

#[test]
fn mdio_master_scans_for_a_phy_at_another_address() {
    // A PHY strapped to address 5: the scan finds nothing at 1..4 (MDIO reads all ones there).
    let mut board = BoardSim::with_phy(PhyModel::new(5));
    board.set_baud(FASTEST_BAUD).expect("the board answers");
    let s = poll_rounds(&mut board, 0, 1);
    assert_eq!(s.addr, 5, "{}", s.describe());
    assert_eq!(s.phy_id(), 0x2000_5c90);
}

#[test]
fn counters_are_one_snapshot_while_frames_flow() {
    one_snapshot_while_frames_flow(FrameEntry::Mii);
}

#[test]
fn fifo_entry_counters_are_one_snapshot_while_frames_flow() {
    one_snapshot_while_frames_flow(FrameEntry::Fifo);
}

fn one_snapshot_while_frames_flow(entry: FrameEntry) {
    let frames: Vec<Vec<u8>> = capture_frames()
        .into_iter()
        .map(|(_, _, f)| f)
        .take(400)
        .collect();
    let mut board = BoardSim::quiet_with(entry).expect("the board answers");
    // Good frames and, every third one, the same with a bad FCS, queued at the entry: they
    // go in while the requests below wait for their answers. The FIFO entry takes frames
    // without the MII's 8 cycles a byte, so it gets the capture four times over to still be
    // flowing across several requests.
    let rounds = match entry {
        FrameEntry::Mii => 1,
        FrameEntry::Fifo => 4,
    };
    for (i, f) in frames
        .iter()
        .cycle()
        .take(rounds * frames.len())
        .enumerate()
    {
        board.queue_captured(f);
        if i % 3 == 0 {
            board.queue_bad_fcs(f);
        }
    }
    let drops: Vec<Counter> = DropReason::ALL.iter().map(|r| Counter::drop(*r)).collect();
    let mut replies = 0;
    let mut moving = 0;
    let mut last_frames = None;
    while board.frames_queued() > 0 {
        let c = board.counters().expect("READ_COUNTERS answered");
        let get = |k: Counter| c.iter().find(|(x, _)| *x == k).unwrap().1;
        let (total, processed) = (get(Counter::Frames), get(Counter::Processed));
        let dropped: u64 = drops.iter().map(|k| get(*k)).sum();
        assert_eq!(
            total,
            processed + dropped,
            "reply {replies}: frames {total} != processed {processed} + drops {dropped}"
        );
        if last_frames.is_some_and(|l| l != total) {
            moving += 1;
        }
        last_frames = Some(total);
        replies += 1;
    }
    assert!(
        moving >= 3,
        "only {moving} of {replies} replies saw the counters move: traffic did not flow"
    );
    board.drain();
    let c = board.counters().expect("READ_COUNTERS answered");
    let get = |k: Counter| c.iter().find(|(x, _)| *x == k).unwrap().1;
    assert_eq!(get(Counter::Frames), board.frames_sent());
    assert!(get(Counter::DropBadFcs) > 0);
}

#[test]
fn mdio_master_is_still_between_poll_rounds() {
    let mut board = BoardSim::quiet_with(FrameEntry::Mii).expect("the board answers");
    poll_rounds(&mut board, 0, 1);
    // Any round the last tick started is over after this.
    board.run(100_000);
    let before = board.phy_status().expect("READ_PHY answered");
    let reads = board.phy.reads;
    board.run(400_000);
    let after = board.phy_status().expect("READ_PHY answered");
    assert_eq!(after.polls, before.polls, "a round without a tick");
    assert_eq!(board.phy.reads, reads, "MDIO frames without a tick");
    board.set_time(board.now().wrapping_add(1));
    board.run(20_000);
    let ticked = board.phy_status().expect("READ_PHY answered");
    assert_eq!(ticked.polls, before.polls.wrapping_add(1));
    assert_eq!(board.phy.reads, reads + 2, "BMSR and PHYSTS, once each");
}
