//! The host's link layer against a scripted peer on a pseudo-terminal pair: answers among
//! garbage, corrupted frames and events; multi-frame answers; and every way a port can fail
//! (silence, another protocol version, an error answer, an unplugged device, a device that is
//! not a synscope): a clear error within a bounded time, never a panic or a hang.

mod common;

use common::{event_frame, identity, pair, peer, respond};
use std::time::{Duration, Instant};
use synscope_model::protocol::payload::EventRecord;
use synscope_model::protocol::{ErrorCode, Frame, Kind, Op, FLAG_MORE, MAX_FRAME};

#[test]
fn answers_are_found_among_garbage_bad_frames_and_events() {
    let (mut link, master) = pair();
    let h = peer(master, 2, |req| {
        let mut out = b"\x00garbage\xff".to_vec();
        let mut bad = respond(req, vec![1, 2, 3]);
        bad[3] ^= 0x10; // a corrupted copy: FCS fails
        out.extend(bad);
        out.extend(event_frame(7));
        let payload = match Op::from_u8(req.header.op) {
            Some(Op::Identify) => identity().encode(),
            _ => req.payload.clone(),
        };
        out.extend(respond(req, payload));
        out
    });
    assert_eq!(link.identify().unwrap(), identity());
    assert_eq!(
        link.request(Op::Ping, vec![0x7e, 0x7d, 1]).unwrap(),
        vec![0x7e, 0x7d, 1]
    );
    // The two corrupted copies, and the second request's garbage: after a frame's closing flag
    // the decoder is inside a frame, so bytes up to the next flag are one bad frame.
    assert_eq!(link.bad_frames(), 3);
    let ev = link.next_event(Duration::from_millis(10)).unwrap().unwrap();
    assert_eq!(ev.header.seq, 7);
    assert!(EventRecord::decode(&ev.payload).is_some());
    h.join().unwrap();
}

#[test]
fn a_long_answer_arrives_in_frames_with_progress() {
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| {
        let mut out = Vec::new();
        for i in 0..5u8 {
            let flags = if i < 4 { FLAG_MORE } else { 0 };
            Frame::new(
                Kind::Response,
                req.header.seq,
                Op::DumpTable,
                flags,
                vec![i; 100],
            )
            .encode(&mut out);
        }
        out
    });
    let mut seen = Vec::new();
    let frames = link
        .request_with(Op::DumpTable, vec![0, 0], |n| seen.push(n))
        .unwrap();
    assert_eq!(frames.len(), 5);
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
    assert_eq!(frames[4].payload, vec![4; 100]);
    h.join().unwrap();
}

#[test]
fn silence_is_a_bounded_clear_error() {
    let (mut link, _master) = pair();
    let t0 = Instant::now();
    let e = link.identify().unwrap_err().to_string();
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert!(e.contains("no answer from pty"), "{e}");
    assert!(e.contains("programmed"), "{e}");
}

#[test]
fn another_protocol_version_is_named() {
    // A board of an older protocol version (2: IPv6 without the issue-11 entry, or the issue-11
    // entry without IPv6; 1: IPv4 only) answering this host (version 3).
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| {
        let mut f = Frame::new(Kind::Response, req.header.seq, Op::Identify, 0, vec![]);
        f.header.version = synscope_model::protocol::VERSION - 1;
        let mut out = Vec::new();
        f.encode(&mut out);
        out
    });
    let e = link.identify().unwrap_err().to_string();
    assert!(e.contains("protocol version mismatch"), "{e}");
    let (theirs, ours) = (
        synscope_model::protocol::VERSION - 1,
        synscope_model::protocol::VERSION,
    );
    assert!(
        e.contains(&format!("version {theirs}")) && e.contains(&format!("synscope {ours}")),
        "{e}"
    );
    h.join().unwrap();
}

#[test]
fn an_error_answer_is_reported() {
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| {
        let mut out = Vec::new();
        Frame::error(&req.header, ErrorCode::UnknownOp).encode(&mut out);
        out
    });
    let e = link.request(Op::ReadLink, vec![]).unwrap_err().to_string();
    assert!(e.contains("refused ReadLink: unknown operation"), "{e}");
    h.join().unwrap();
}

#[test]
fn a_device_that_is_not_a_synscope() {
    // An echoing device (our request comes back) and one answering without the magic.
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| {
        let mut out = Vec::new();
        req.encode(&mut out);
        out
    });
    assert!(link
        .identify()
        .unwrap_err()
        .to_string()
        .contains("no answer"));
    h.join().unwrap();
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| respond(req, b"HELLO".to_vec()));
    let e = link.identify().unwrap_err().to_string();
    assert!(e.contains("not as a synscope"), "{e}");
    h.join().unwrap();
    // A flood of garbage and giant frames: still a bounded, clear error.
    let (mut link, master) = pair();
    let h = peer(master, 1, |_| {
        let mut out: Vec<u8> = (0..MAX_FRAME * 3).map(|i| (i * 7) as u8).collect();
        out.push(0x7e);
        out
    });
    let t0 = Instant::now();
    assert!(link.identify().is_err());
    assert!(t0.elapsed() < Duration::from_secs(2));
    h.join().unwrap();
}

#[test]
fn an_unplugged_device_is_an_error_not_a_hang() {
    let (mut link, master) = pair();
    let h = peer(master, 1, |req| respond(req, identity().encode()));
    assert!(link.identify().is_ok());
    drop(h.join().unwrap()); // the master end closes: the device is gone
    let t0 = Instant::now();
    let e = link.request(Op::Ping, vec![1]).unwrap_err().to_string();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(e.contains("pty"), "{e}");
}

/// A frame whose sender pauses in its middle (a simulated board lagging behind) is waited
/// for, not taken for noise.
#[test]
fn a_frame_interrupted_by_a_pause_is_not_noise() {
    use std::io::Write;
    let (mut link, mut master) = pair();
    let f = event_frame(3);
    master.write_all(&f[..f.len() / 2]).unwrap();
    assert!(link
        .next_event(Duration::from_millis(500))
        .unwrap()
        .is_none());
    master.write_all(&f[f.len() / 2..]).unwrap();
    let ev = link
        .next_event(Duration::from_millis(500))
        .unwrap()
        .unwrap();
    assert_eq!(ev.header.seq, 3);
    assert_eq!(link.bad_frames(), 0);
}
