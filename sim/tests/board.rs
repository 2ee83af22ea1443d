//! The simulated board (MII pins → mii_rx → frame_parser → conn_core, 2048 × 4 entries) on every
//! bundled capture, frame by frame at 100 Mb/s nibble timing with preamble, FCS and inter-frame
//! gap, against the model with the same table shape: after the capture and a full aging sweep,
//! the table read out of the board equals the model's entry for entry, and every counter
//! (front end included: `frames = processed + Σ drops`) is equal. The model's end states are
//! held to the captures' kernel truth by `model/tests/captures.rs`, so these are too.
//! Then damaged frames (bad FCS, RX_ER, runts, giants) through the same pins.

use std::path::PathBuf;
use std::time::Instant;
use synscope_model::capture::{for_each_frame, read_file};
use synscope_model::frame::{pad_to_minimum, with_fcs, MIN_FRAME_LEN};
use synscope_model::tracker::{Tracker, TrackerConfig};
use synscope_model::{Counter, TableShape, Timeouts};
use synscope_sim::board::BoardSim;

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

fn model() -> Tracker {
    Tracker::new(TrackerConfig {
        shape: TableShape::ARTY_35T,
        timeouts: Timeouts::default(),
    })
}

/// Compare the board's table and counters with the model's (after both finished).
fn compare(name: &str, board: &mut BoardSim, model: &mut Tracker) {
    board.finish();
    model.finish(&mut ());
    let mut got: Vec<_> = board
        .table()
        .into_iter()
        .map(|s| (s.bucket * 4 + s.way, s.entry))
        .collect();
    got.sort_by_key(|(slot, _)| *slot);
    let want: Vec<_> = model
        .table()
        .entries_with_slot()
        .map(|(slot, e)| (slot, *e))
        .collect();
    assert_eq!(got.len(), want.len(), "{name}: live entries");
    for ((gs, ge), (ws, we)) in got.iter().zip(&want) {
        assert_eq!(gs, ws, "{name}: slot");
        assert_eq!(ge, we, "{name}: entry in slot {gs}");
    }
    for (c, v) in board.counters() {
        assert_eq!(v, model.counters().get(c), "{name}: counter {}", c.name());
    }
    let k = model.counters();
    assert_eq!(
        k.get(Counter::Frames),
        k.get(Counter::Processed) + k.dropped()
    );
}

#[test]
fn board_matches_the_model_on_every_capture() {
    for path in captures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let t = Instant::now();
        let bytes = read_file(&path).unwrap();
        let mut board = BoardSim::new();
        let mut model = model();
        let mut pad = Vec::new();
        let frames = for_each_frame(&bytes, |f| {
            if f.is_truncated() {
                return;
            }
            let time = f.timestamp.as_secs() as u32;
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
            "board {name}: {frames} frames, {} entries, {} cycles, {:.1} s ({:.0} frames/s)",
            model.table().len(),
            board.cycles(),
            s,
            frames as f64 / s
        );
    }
}

#[test]
fn board_counts_damaged_frames_by_reason() {
    // Frames of a capture, each also sent damaged: FCS flipped, RX_ER mid-frame, cut to a runt,
    // and a giant: the good ones tracked as the model tracks them, the others counted.
    let bytes = read_file(&captures()[0]).unwrap();
    let mut board = BoardSim::new();
    let mut model = model();
    let mut pad = Vec::new();
    let mut n = 0usize;
    for_each_frame(&bytes, |f| {
        let time = f.timestamp.as_secs() as u32;
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
