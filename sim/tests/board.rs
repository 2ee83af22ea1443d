//! The simulated board (the station: MII pins → mii_rx → frame_parser → conn_core, 2048 × 4
//! entries, and the command engine behind the UART pins) on every bundled capture, frame by
//! frame at 100 Mb/s nibble timing with preamble, FCS and inter-frame gap, against the model
//! with the same table shape: after the capture and a full aging sweep, the table read out of
//! the board through the protocol (`DUMP_TABLE`, `READ_COUNTERS` over the simulated serial
//! line at 3 Mbaud) equals the model's entry for entry, and every counter
//! (front end included: `frames = processed + Σ drops`) is equal. The model's end states are
//! held to the captures' kernel truth by `model/tests/captures.rs`, so these are too.
//! Then damaged frames (bad FCS, RX_ER, runts, giants) through the same pins. Each test runs
//! again with frames entering at the receive FIFO (`FrameEntry::Fifo`, past the MII receiver):
//! the same tables and counters, so the faster entry point gives the board's answer.

mod common;

use common::{
    board_model as model, capture_frames, compare_board as compare, long_run, seeded, Rng,
};
use std::path::PathBuf;
use std::time::Instant;
use synscope_model::capture::{for_each_frame, read_file};
use synscope_model::frame::{mac_receive, pad_to_minimum, with_fcs, MIN_FRAME_LEN};
use synscope_model::Counter;
use synscope_sim::board::{BoardSim, FrameEntry};

fn captures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

#[test]
fn board_matches_the_model_on_every_capture() {
    matches_on_every_capture(FrameEntry::Mii);
}

#[test]
fn board_fifo_entry_matches_the_model_on_every_capture() {
    matches_on_every_capture(FrameEntry::Fifo);
}

fn matches_on_every_capture(entry: FrameEntry) {
    for path in captures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let t = Instant::now();
        let bytes = read_file(&path).unwrap();
        let mut board = BoardSim::quiet_with(entry).expect("the board answers");
        let mut model = model();
        let mut pad = Vec::new();
        let frames = for_each_frame(&bytes, |f| {
            if f.is_truncated() {
                return;
            }
            let time = synscope_model::time::ticks(f.timestamp);
            board.set_time(time);
            board.send_captured(f.data);
            let frame = if f.data.len() < MIN_FRAME_LEN {
                pad_to_minimum(f.data, &mut pad);
                &pad[..]
            } else {
                f.data
            };
            let _ = model.process_frame(frame, time, &mut ());
        })
        .unwrap();
        compare(&name, &mut board, &mut model);
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "board ({}) {name}: {frames} frames, {} entries, {} cycles, {:.1} s ({:.0} frames/s)",
            entry.name(),
            model.table().len(),
            board.cycles(),
            s,
            frames as f64 / s
        );
    }
}

#[test]
fn board_counts_damaged_frames_by_reason() {
    damaged_frames(FrameEntry::Mii);
}

#[test]
fn board_fifo_entry_counts_damaged_frames_by_reason() {
    damaged_frames(FrameEntry::Fifo);
}

fn damaged_frames(entry: FrameEntry) {
    // Frames of a capture, each also sent damaged: FCS flipped, RX_ER mid-frame, cut to a runt,
    // and a giant: the good ones tracked as the model tracks them, the others counted.
    let bytes = read_file(&captures()[0]).unwrap();
    let mut board = BoardSim::quiet_with(entry).expect("the board answers");
    let mut model = model();
    let mut pad = Vec::new();
    let mut n = 0usize;
    for_each_frame(&bytes, |f| {
        let time = synscope_model::time::ticks(f.timestamp);
        board.set_time(time);
        let frame = if f.data.len() < MIN_FRAME_LEN {
            pad_to_minimum(f.data, &mut pad);
            pad.clone()
        } else {
            f.data.to_vec()
        };
        let good = with_fcs(&frame);
        match n % 5 {
            0 => {
                let mut bad = good.clone();
                *bad.last_mut().unwrap() ^= 0x01;
                board.send_raw(&bad, None);
                model.drop_frame(synscope_model::DropReason::BadFcs);
            }
            1 => {
                board.send_raw(&good, Some(good.len() / 2));
                model.drop_frame(synscope_model::DropReason::RxError);
            }
            2 => {
                board.send_raw(&with_fcs(&frame[..40]), None);
                model.drop_frame(synscope_model::DropReason::Runt);
            }
            3 => {
                let mut giant = frame.clone();
                giant.resize(1600, 0xab);
                board.send_raw(&with_fcs(&giant), None);
                model.drop_frame(synscope_model::DropReason::Oversize);
            }
            _ => {}
        }
        board.send_raw(&good, None);
        let _ = model.process_frame(&frame, time, &mut ());
        n += 1;
    })
    .unwrap();
    compare("damaged", &mut board, &mut model);
    let k = model.counters();
    assert!(k.get(Counter::DropBadFcs) > 0 && k.get(Counter::DropOversize) > 0);
}

/// A damaged or odd version of a good frame (as captured, no FCS): what goes on the pins (FCS
/// included) and where RX_ER is raised.
fn mangle(rng: &mut Rng, good: &[u8]) -> (Vec<u8>, Option<usize>) {
    let mut f = good.to_vec();
    if f.len() < MIN_FRAME_LEN {
        f.resize(MIN_FRAME_LEN, 0);
    }
    match rng.below(12) {
        0 => {
            // FCS wrong.
            let mut b = with_fcs(&f);
            let i = rng.below(b.len() as u64) as usize;
            b[i] ^= 1 << rng.below(8);
            (b, None)
        }
        1 => {
            let b = with_fcs(&f);
            let at = rng.below(b.len() as u64) as usize;
            (b, Some(at))
        }
        2 => {
            // Runt with a good FCS.
            let n = 1 + rng.below(MIN_FRAME_LEN as u64 - 1) as usize;
            (with_fcs(&f[..n.min(f.len())]), None)
        }
        3 => {
            // Giant.
            f.resize(1519 + rng.below(200) as usize, 0x5a);
            (with_fcs(&f), None)
        }
        4 => {
            // A header byte changed (IP version/IHL, lengths, protocol, TCP offset…), FCS good.
            let i = 12 + rng.below(40) as usize;
            f[i] = rng.next_u64() as u8;
            (with_fcs(&f), None)
        }
        5 => {
            // Random bytes.
            let n = MIN_FRAME_LEN + rng.below(200) as usize;
            let r: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            (with_fcs(&r), None)
        }
        6 => {
            // An 802.1Q tag (or two) inserted.
            let tags = 1 + rng.below(3) as usize;
            for _ in 0..tags {
                f.splice(12..12, [0x81, 0x00, 0x00, rng.below(64) as u8]);
            }
            (with_fcs(&f), None)
        }
        7 => {
            // Every flag byte value.
            let ip = 14;
            let ihl = ((f[ip] & 0x0f) as usize) * 4;
            if f.len() > ip + ihl + 13 {
                f[ip + ihl + 13] = rng.next_u64() as u8;
                f[ip + ihl + 12] ^= (rng.below(2) as u8) & 1;
            }
            (with_fcs(&f), None)
        }
        _ => (with_fcs(&f), None),
    }
}

#[test]
fn board_random_malformed_frames() {
    random_malformed(FrameEntry::Mii);
}

#[test]
fn board_fifo_entry_random_malformed_frames() {
    random_malformed(FrameEntry::Fifo);
}

fn random_malformed(entry: FrameEntry) {
    // Capture frames, most of them damaged (bad FCS, RX_ER, runts, giants, changed header
    // bytes, random bytes, VLAN tags, any flag byte), in time order, through the pins (or the
    // FIFO): the table and every counter equal the model's, so every frame was counted once
    // under the same reason. 10^5 frames with SYNSCOPE_LONG=1, 1,500 otherwise.
    let n = if long_run() { 100_000 } else { 1_500 };
    let seed = 0xb0a2d;
    let mut rng = seeded(seed);
    let frames = capture_frames();
    let mut board = BoardSim::quiet_with(entry).expect("the board answers");
    let mut model = model();
    let t = Instant::now();
    let mut time = 0u32;
    for i in 0..n {
        let (_, _, good) = &frames[rng.below(frames.len() as u64) as usize];
        if rng.chance(1, 50) {
            time += rng.below(90) as u32;
        }
        board.set_time(time);
        let (bytes, er) = mangle(&mut rng, good);
        board.send_raw(&bytes, er);
        match mac_receive(&bytes, er.is_some()) {
            Ok(f) => {
                let _ = model.process_frame(f, time, &mut ());
            }
            Err(r) => model.drop_frame(r),
        }
        if i % 10_000 == 9_999 {
            eprintln!(
                "board random: {} frames, {:.0} s",
                i + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
    compare(&format!("random (seed {seed})"), &mut board, &mut model);
    let k = model.counters();
    let s = t.elapsed().as_secs_f64();
    eprintln!(
        "board random: {n} frames (seed {seed}): {} processed, {} dropped, {} entries; {:.1} s, {:.0} frames/s",
        k.get(Counter::Processed),
        k.dropped(),
        model.table().len(),
        s,
        n as f64 / s
    );
    assert!(k.dropped() > n as u64 / 3 && k.get(Counter::Processed) > n as u64 / 10);
}

#[test]
fn serial_answers_while_frames_arrive() {
    // A PING queued on the 115200 line (~300 k cycles for request and answer) while capture
    // frames go through the MII pins (and their EVENT frames share the line): the answer is
    // back before the frames are done, and both are right (the frames all counted, the
    // echo exact).
    use synscope_model::protocol::{Decoder, Frame, Kind, Op};
    let mut board = BoardSim::new();
    let payload: Vec<u8> = (0..24).collect();
    let mut wire = Vec::new();
    Frame::request(7, Op::Ping, payload.clone()).encode(&mut wire);
    board.uart_write(&wire);
    let frames = capture_frames();
    let mut sent = 0u64;
    let mut got = Vec::new();
    for (_, _, f) in frames.iter().take(600) {
        board.send_captured(f);
        sent += 1;
        got.extend(board.uart_read());
    }
    let mut dec = Decoder::new();
    let mut answer = None;
    for b in got {
        if let Some(Ok(c)) = dec.push(b) {
            let f = Frame::parse(&c).expect("a frame");
            // EVENT frames (the default mask) share the line with the answer.
            if f.header.kind != Kind::Event {
                answer = Some(f);
            }
        }
    }
    let answer = answer.unwrap_or_else(|| panic!("no answer while {sent} frames went in"));
    assert_eq!((answer.header.kind, answer.header.seq), (Kind::Response, 7));
    assert_eq!(answer.payload, payload);
    board.drain();
    let counters = board.counters().expect("READ_COUNTERS");
    let frames_counted = counters
        .iter()
        .find(|(c, _)| *c == Counter::Frames)
        .map(|(_, v)| *v);
    assert_eq!(frames_counted, Some(sent));
}
