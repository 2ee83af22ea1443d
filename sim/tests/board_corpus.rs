//! The malformed-frame corpus through the simulated board's MII pins, against the model
//! (issue: "the hardware differential test on the same corpus" the model is fuzzed with).
//!
//! Two sources, every frame sent with a good FCS after a preamble, as a PHY delivers it:
//! - `fuzz/corpus/frame/`: the inputs cargo-fuzz kept for the model's frame parser (each one
//!   reached new code in `parse_frame`; `make fuzz` grows it);
//! - a catalogue built here from a real SYN of a bundled capture, one header field at a time
//!   over its whole range or its edges: every flag byte value with and without AE, IP version,
//!   IHL 0–15, TCP data offset 0–15, IP total length around every boundary, fragment bits and
//!   offsets, protocol numbers, EtherTypes and stacked VLAN tags, and the frame cut at every
//!   length through the headers (padded as a MAC pads, and as a runt).
//!
//! Every frame is counted exactly once, under the same reason as the model's, and what the good
//! ones did to the table is the model's: after the run, the table and every counter are equal.

mod common;

use common::{board_model, compare_board, first_syn, fix_ip_checksum, ETH};
use std::path::PathBuf;
use synscope_model::frame::{mac_receive, pad_to_minimum, with_fcs};
use synscope_model::Counter;
use synscope_sim::board::BoardSim;

/// The inputs cargo-fuzz kept for the `frame` target, in name order.
fn fuzz_corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/frame");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "the committed corpus is missing");
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// One header field at a time over its range (frames as captured: no FCS). A changed IP
/// header field goes out twice: with the stale checksum and with a recomputed one.
fn catalogue(syn: &[u8]) -> Vec<Vec<u8>> {
    let tcp = ETH + 20;
    let mut out = Vec::new();
    let mut with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut v = syn.to_vec();
        f(&mut v);
        if v.len() >= ETH + 20
            && v[12..14] == [0x08, 0x00]
            && v[ETH..ETH + 20] != syn[ETH..ETH + 20]
        {
            let mut fixed = v.clone();
            fix_ip_checksum(&mut fixed);
            out.push(fixed);
        }
        out.push(v);
    };
    // Every flag byte value, with and without AE (the low bit of the data-offset byte).
    for flags in 0..=255u8 {
        for ae in 0..2u8 {
            with(&|v| {
                v[tcp + 13] = flags;
                v[tcp + 12] = (v[tcp + 12] & 0xf0) | ae;
            });
        }
    }
    // IP version and IHL, TCP data offset: every value.
    for x in 0..16u8 {
        with(&|v| v[ETH] = (x << 4) | 5);
        with(&|v| v[ETH] = 0x40 | x);
        with(&|v| v[tcp + 12] = (x << 4) | (v[tcp + 12] & 0x0f));
    }
    // IP total length at and around every boundary.
    let total = u16::from_be_bytes([syn[ETH + 2], syn[ETH + 3]]);
    for len in [
        0,
        1,
        19,
        20,
        21,
        39,
        40,
        41,
        total - 1,
        total,
        total + 1,
        1500,
        0xffff,
    ] {
        with(&|v| v[ETH + 2..ETH + 4].copy_from_slice(&len.to_be_bytes()));
    }
    // Fragments: MF, an offset, both, DF (not a fragment), the reserved bit.
    for frag in [0x2000u16, 0x0001, 0x2001, 0x1fff, 0x4000, 0x8000] {
        with(&|v| v[ETH + 6..ETH + 8].copy_from_slice(&frag.to_be_bytes()));
    }
    // Protocols other than TCP.
    for proto in [0u8, 1, 17, 41, 132, 255] {
        with(&|v| v[ETH + 9] = proto);
    }
    // EtherTypes: ARP, IPv6, a length field, 0x88a8, and 1–4 stacked 802.1Q tags.
    for et in [0x0806u16, 0x86dd, 0x05dc, 0x88a8, 0x0000, 0xffff] {
        with(&|v| v[12..14].copy_from_slice(&et.to_be_bytes()));
    }
    for tags in 1..=4usize {
        with(&|v| {
            for _ in 0..tags {
                v.splice(12..12, [0x81, 0x00, 0x00, 0x2a]);
            }
        });
    }
    // Cut at every length through the headers and a little payload; grown into a giant.
    for n in 1..syn.len().min(tcp + 64) {
        with(&|v| v.truncate(n));
    }
    with(&|v| v.resize(1600, 0x5a));
    out
}

#[test]
fn board_matches_the_model_on_the_malformed_corpus() {
    let syn = first_syn();
    let mut frames = fuzz_corpus();
    let fuzzed = frames.len();
    frames.extend(catalogue(&syn));
    let mut board = BoardSim::quiet().unwrap();
    let mut model = board_model();
    board.set_time(1);
    let mut pad = Vec::new();
    let mut sent = 0u64;
    for f in &frames {
        // As captured (a short one padded by the sender's MAC), and as a runt, unpadded.
        pad_to_minimum(f, &mut pad);
        let mut wires = vec![with_fcs(&pad)];
        if f.len() < pad.len() {
            wires.push(with_fcs(f));
        }
        for wire in wires {
            board.send_raw(&wire, None);
            match mac_receive(&wire, false) {
                Ok(frame) => {
                    let _ = model.process_frame(frame, 1, &mut ());
                }
                Err(reason) => model.drop_frame(reason),
            }
            sent += 1;
        }
    }
    compare_board("corpus", &mut board, &mut model);
    let k = model.counters();
    assert_eq!(k.get(Counter::Frames), sent, "every frame counted once");
    // The catalogue reaches most drop reasons, and some variants still parse.
    let reasons = synscope_model::DropReason::ALL
        .iter()
        .filter(|r| k.get(Counter::drop(**r)) > 0)
        .count();
    eprintln!(
        "corpus: {fuzzed} fuzzed + {} catalogue inputs, {sent} frames on the wire: {} processed, \
         {} dropped under {reasons} reasons, {} entries",
        frames.len() - fuzzed,
        k.get(Counter::Processed),
        k.dropped(),
        model.table().len()
    );
    assert!(reasons >= 8, "only {reasons} drop reasons reached");
    assert!(k.get(Counter::Processed) > 100);
}
