//! hdlc_deframer and hdlc_framer under Verilator against `synscope_model::protocol::framing`:
//!
//! * the deframer, fed the bytes of `encode_frame` for random frames mixed with garbage,
//!   corrupted bytes, escape+flag aborts, truncated and oversize frames and idle flags, delivers
//!   exactly what the model `Decoder` delivers (the same frames, the same errors, in order) and
//!   its counters equal the model's tallies and garbage count;
//! * the framer's output is `encode_frame` of each frame, byte for byte, under random input
//!   bubbles and output back-pressure, and one byte a cycle when nothing stalls;
//! * framer into deframer gives the frames back.
//!
//! `SYNSCOPE_LONG=1` runs 2·10⁷ stream bytes instead of 10⁶; `SYNSCOPE_SEED` replays a seed.

mod common;

use common::{seed, Rng};
use synscope_hdl::link::hdlc::{status, MAX_FRAME};
use synscope_model::protocol::{encode_frame, Decoder, FrameError, ESCAPE, FCS, FLAG, MAX_PAYLOAD};
use synscope_sim::models::{HdlcDeframer, HdlcFramer};

const SEED: u64 = 0x4d1c_f4a3;

fn long() -> bool {
    std::env::var("SYNSCOPE_LONG").ok().as_deref() == Some("1")
}

fn seeded(name: &str) -> Rng {
    let seed = seed(SEED);
    eprintln!("{name}: seed {seed} (SYNSCOPE_SEED={seed} replays it)");
    Rng::new(seed)
}

/// What a decoder delivers when a frame ends.
type Event = Result<Vec<u8>, FrameError>;

/// A random byte, flags and escapes much more often than 2 in 256.
fn byte(rng: &mut Rng) -> u8 {
    match rng.below(16) {
        0 => FLAG,
        1 => ESCAPE,
        2 => FLAG ^ 0x20,
        _ => rng.next_u64() as u8,
    }
}

/// Frame content of `len` bytes.
fn content(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| byte(rng)).collect()
}

/// A content length: mostly short, some near and over the limits.
fn content_len(rng: &mut Rng) -> usize {
    let max_content = MAX_FRAME - 2;
    match rng.below(20) {
        0 => rng.below(4) as usize,                              // too short
        1 => max_content - 2 + rng.below(5) as usize,            // at the limit, around it
        2 => max_content + 1 + rng.below(40) as usize,           // too long
        3..=5 => 4 + rng.below(max_content as u64 - 3) as usize, // anything legal
        _ => 4 + rng.below(24) as usize,
    }
}

/// A random stream of about `n` bytes: encoded frames, damaged or not, and noise.
fn stream(rng: &mut Rng, n: usize) -> Vec<u8> {
    let mut s = Vec::with_capacity(n + 2 * MAX_FRAME);
    // Garbage before the first flag (the only bytes the model counts as garbage).
    for _ in 0..rng.below(20) {
        let b = byte(rng);
        if b != FLAG {
            s.push(b);
        }
    }
    while s.len() < n {
        let len = content_len(rng);
        let c = content(rng, len);
        let mut f = Vec::new();
        encode_frame(&c, &mut f);
        match rng.below(16) {
            // A byte changed (flags included: that splits or merges frames).
            0 | 1 => {
                let i = rng.below(f.len() as u64) as usize;
                f[i] ^= 1 << rng.below(8);
            }
            // A byte replaced by something special.
            2 => {
                let i = 1 + rng.below(f.len() as u64 - 2) as usize;
                f[i] = [FLAG, ESCAPE][rng.below(2) as usize];
            }
            // Aborted: escape then flag somewhere inside.
            3 => {
                let i = 1 + rng.below(f.len() as u64 - 1) as usize;
                f.truncate(i);
                f.extend([ESCAPE, FLAG]);
            }
            // Truncated: cut anywhere (the next flag ends it).
            4 => {
                let i = 1 + rng.below(f.len() as u64 - 1) as usize;
                f.truncate(i);
            }
            // Noise between frames (it is a frame attempt of its own to the decoder).
            5 => {
                for _ in 0..1 + rng.below(12) {
                    f.push(rng.next_u64() as u8);
                }
            }
            // Idle fill.
            6 => f.extend(std::iter::repeat(FLAG).take(1 + rng.below(3) as usize)),
            // A byte dropped.
            7 => {
                let i = rng.below(f.len() as u64) as usize;
                f.remove(i);
            }
            _ => {}
        }
        s.extend(f);
    }
    s.push(FLAG);
    s
}

/// The model's events for `bytes`, each with the index of the byte that ended it.
fn model_events(bytes: &[u8]) -> (Vec<(usize, Event)>, u64) {
    let mut d = Decoder::new();
    let ev = bytes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| d.push(*b).map(|e| (i, e)))
        .collect();
    (ev, d.garbage)
}

/// The deframer's outputs, gathered into events.
#[derive(Default)]
struct Collector {
    buf: Vec<u8>,
    in_frame: bool,
    events: Vec<Event>,
}

impl Collector {
    fn observe(&mut self, m: &HdlcDeframer) {
        assert!(
            !(m.m_valid() && m.m_end()),
            "byte and end in one cycle (event {})",
            self.events.len()
        );
        if m.m_valid() {
            if m.m_first() {
                assert!(
                    !self.in_frame,
                    "event {}: m_first inside a frame",
                    self.events.len()
                );
                self.in_frame = true;
                self.buf.clear();
            }
            assert!(
                self.in_frame,
                "event {}: a byte outside a frame",
                self.events.len()
            );
            self.buf.push(m.m_data() as u8);
            assert!(
                self.buf.len() <= MAX_FRAME - 2,
                "event {}: more than MAX_FRAME - 2 bytes",
                self.events.len()
            );
        }
        if m.m_end() {
            let st = status(m.m_status()).expect("m_status is a known code");
            let buf = std::mem::take(&mut self.buf);
            let had_bytes = self.in_frame;
            self.in_frame = false;
            self.events.push(st.map(|()| {
                assert!(had_bytes, "an OK frame without bytes");
                buf
            }));
        }
    }
}

/// Feed `bytes` to a deframer (with idle cycles between bytes when `gaps`), compare every event
/// with the model's as it happens, and the counters at the end.
/// Returns the model's tallies: frames OK, bad FCS, too long, too short, aborted, garbage.
fn run_deframer(rng: &mut Rng, bytes: &[u8], gaps: bool, what: &str) -> [u64; 6] {
    let (want, garbage) = model_events(bytes);
    let mut m = HdlcDeframer::new();
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    let mut col = Collector::default();
    let check = |col: &Collector, i: usize| {
        let k = col.events.len() - 1;
        let (at, w) = want
            .get(k)
            .unwrap_or_else(|| panic!("{what}: extra event {k} ({:?}) at byte {i}", col.events[k]));
        let g = &col.events[k];
        if g != w {
            panic!(
                "{what}: event {k} (ended by byte {at}, seen after byte {i}): hardware \
                 {:?}, model {:?}",
                g.as_ref().map(|b| (b.len(), &b[..b.len().min(16)])),
                w.as_ref().map(|b| (b.len(), &b[..b.len().min(16)])),
            );
        }
    };
    for (i, &b) in bytes.iter().enumerate() {
        m.set_s_data(b as u64);
        m.set_s_valid(true);
        m.tick();
        let n = col.events.len();
        col.observe(&m);
        if col.events.len() > n {
            check(&col, i);
        }
        m.set_s_valid(false);
        let idle = if gaps { rng.below(3) } else { 0 };
        for _ in 0..idle {
            m.set_s_data(rng.next_u64() & 0xff); // ignored without s_valid
            m.tick();
            let n = col.events.len();
            col.observe(&m);
            if col.events.len() > n {
                check(&col, i);
            }
        }
    }
    for _ in 0..4 {
        m.tick();
        let n = col.events.len();
        col.observe(&m);
        if col.events.len() > n {
            check(&col, bytes.len());
        }
    }
    assert_eq!(col.events.len(), want.len(), "{what}: events");
    let count = |e: Option<FrameError>| {
        want.iter()
            .filter(|(_, w)| w.as_ref().err().copied() == e)
            .count() as u64
    };
    assert_eq!(m.frames_ok(), count(None), "{what}: frames_ok");
    assert_eq!(
        m.bad_fcs(),
        count(Some(FrameError::BadFcs)),
        "{what}: bad_fcs"
    );
    assert_eq!(
        m.too_long(),
        count(Some(FrameError::TooLong)),
        "{what}: too_long"
    );
    assert_eq!(
        m.too_short(),
        count(Some(FrameError::TooShort)),
        "{what}: too_short"
    );
    assert_eq!(
        m.aborted(),
        count(Some(FrameError::Aborted)),
        "{what}: aborted"
    );
    assert_eq!(m.garbage(), garbage, "{what}: garbage");
    [
        count(None),
        count(Some(FrameError::BadFcs)),
        count(Some(FrameError::TooLong)),
        count(Some(FrameError::TooShort)),
        count(Some(FrameError::Aborted)),
        garbage,
    ]
}

#[test]
fn hdlc_deframer_matches_the_model_decoder_on_fixed_cases() {
    let mut rng = Rng::new(seed(1));
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // The model's own unit-test streams.
    let mut w = b"noise\x7d\x00".to_vec();
    encode_frame(b"\x13\x01\x02\x00", &mut w);
    cases.push(("garbage then a frame", w));
    let mut w = vec![FLAG, 1, 2, ESCAPE, FLAG];
    w.extend([3, 4, FLAG]);
    w.extend(std::iter::repeat(0x55).take(MAX_FRAME + 10));
    w.push(FLAG);
    encode_frame(b"\x10\x07\x01\x00", &mut w);
    cases.push(("aborted, short, too long, good", w));
    // Every byte value, and flags/escapes in content and FCS.
    let mut w = Vec::new();
    encode_frame(
        &(0..=255u8).chain([FLAG, ESCAPE, FLAG]).collect::<Vec<_>>(),
        &mut w,
    );
    cases.push(("every byte value", w));
    // Exactly MAX_FRAME unstuffed bytes (good), and one more (too long).
    let mut w = Vec::new();
    encode_frame(&vec![0x7e; MAX_FRAME - 2], &mut w);
    encode_frame(&vec![0x11; MAX_FRAME - 1], &mut w);
    cases.push(("at and over MAX_FRAME", w));
    // Lengths 1..=6 between flags (1..5 too short; 6 = header + FCS with a bad FCS).
    let mut w = vec![FLAG];
    for n in 1..=6 {
        w.extend(std::iter::repeat(0x42).take(n));
        w.push(FLAG);
    }
    cases.push(("short frames", w));
    // Escape at the end of an overflowing frame: aborted wins over too long (the model's order).
    let mut w = vec![FLAG];
    w.extend(std::iter::repeat(0x33).take(MAX_FRAME + 3));
    w.extend([ESCAPE, FLAG, FLAG, ESCAPE, FLAG]);
    cases.push(("escape+flag after overflow, and in an empty frame", w));
    // A doubled escape: the second is data (0x7d ^ 0x20 = 0x5d).
    let mut w = vec![FLAG, 1, 2, 3, ESCAPE, ESCAPE, 4];
    w.push(FLAG);
    cases.push(("escape escape", w));
    for (what, bytes) in &cases {
        for gaps in [false, true] {
            run_deframer(&mut rng, bytes, gaps, what);
        }
    }
}

#[test]
fn hdlc_deframer_matches_the_model_decoder_on_random_streams() {
    let mut rng = seeded("hdlc_deframer_random");
    let n = if long() { 20_000_000 } else { 1_000_000 };
    let t = std::time::Instant::now();
    let mut total = 0;
    let mut tally = [0u64; 6];
    let mut i = 0;
    let mut add = |t: [u64; 6]| tally.iter_mut().zip(t).for_each(|(a, b)| *a += b);
    while total < n {
        let bytes = stream(&mut rng, 20_000);
        total += bytes.len();
        let gaps = i % 2 == 1;
        add(run_deframer(
            &mut rng,
            &bytes,
            gaps,
            &format!("stream {i} (gaps {gaps})"),
        ));
        i += 1;
    }
    // Pure noise with some flags.
    let noise: Vec<u8> = (0..n / 10).map(|_| byte(&mut rng)).collect();
    add(run_deframer(&mut rng, &noise, false, "noise"));
    eprintln!(
        "hdlc_deframer: {} bytes in {i} streams and noise, {:.1} s; frames ok {}, bad_fcs {}, \
         too_long {}, too_short {}, aborted {}, garbage {}",
        total + noise.len(),
        t.elapsed().as_secs_f64(),
        tally[0],
        tally[1],
        tally[2],
        tally[3],
        tally[4],
        tally[5]
    );
    // Every outcome happened (the streams are worth something).
    assert!(tally.iter().all(|&c| c > 0), "{tally:?}");
}

/// Push `frames` through a framer, with input bubbles and output stalls of the given odds
/// (out of 4), and return the output bytes and the cycles it took.
fn run_framer(rng: &mut Rng, frames: &[Vec<u8>], bubbles: u64, stalls: u64) -> (Vec<u8>, usize) {
    let mut m = HdlcFramer::new();
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    let (mut f, mut k) = (0, 0);
    let mut out = Vec::new();
    let mut cycles = 0;
    let mut idle = 0;
    loop {
        let have = f < frames.len();
        let valid = have && !rng.chance(bubbles, 4);
        m.set_s_valid(valid);
        m.set_s_data(if have { frames[f][k] as u64 } else { 0 });
        m.set_s_last(have && k + 1 == frames[f].len());
        let ready = !rng.chance(stalls, 4);
        m.set_m_ready(ready);
        m.eval();
        if m.m_valid() && ready {
            out.push(m.m_data() as u8);
        }
        if valid && m.s_ready() {
            k += 1;
            if k == frames[f].len() {
                f += 1;
                k = 0;
            }
        }
        m.tick();
        cycles += 1;
        idle = if !have && !m.m_valid() { idle + 1 } else { 0 };
        if idle > 4 {
            break;
        }
        assert!(cycles < 100 * (out.len() + 1000), "framer stuck");
    }
    (out, cycles)
}

fn random_frames(rng: &mut Rng, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|_| {
            let len = if rng.chance(1, 8) {
                4 + rng.below(MAX_PAYLOAD as u64 + 1) as usize
            } else {
                4 + rng.below(20) as usize
            };
            content(rng, len)
        })
        .collect()
}

fn compare_wire(got: &[u8], frames: &[Vec<u8>], what: &str) {
    let mut at = 0;
    for (i, f) in frames.iter().enumerate() {
        let mut want = Vec::new();
        encode_frame(f, &mut want);
        for (j, w) in want.iter().enumerate() {
            let g = got.get(at + j);
            assert_eq!(
                g,
                Some(w),
                "{what}: frame {i} (content {} bytes), wire byte {j} (stream byte {})",
                f.len(),
                at + j
            );
        }
        at += want.len();
    }
    assert_eq!(got.len(), at, "{what}: extra bytes after the last frame");
}

#[test]
fn hdlc_framer_output_is_encode_frame() {
    let mut rng = seeded("hdlc_framer");
    let mut frames = random_frames(&mut rng, if long() { 20_000 } else { 2_000 });
    // Every byte value; content of flags and escapes only; an FCS that needs escaping (found by
    // search: 4-byte contents whose FCS low, then high, byte is a flag or an escape).
    frames.push((0..=255u8).collect());
    frames.push(vec![FLAG, ESCAPE, FLAG, ESCAPE]);
    for byte_i in 0..2 {
        let c = (0u32..)
            .map(|x| x.to_le_bytes().to_vec())
            .find(|c| [FLAG, ESCAPE].contains(&FCS.checksum(c).to_le_bytes()[byte_i]))
            .expect("some content has it");
        frames.push(c);
    }
    for (bubbles, stalls) in [(0, 0), (1, 0), (0, 1), (2, 2)] {
        let (got, cycles) = run_framer(&mut rng, &frames, bubbles, stalls);
        let what = format!("bubbles {bubbles}/4 stalls {stalls}/4");
        compare_wire(&got, &frames, &what);
        if (bubbles, stalls) == (0, 0) {
            // Nothing stalls: one byte a cycle, plus reset and the drain.
            assert!(
                cycles <= got.len() + 8,
                "{what}: {cycles} cycles for {} bytes",
                got.len()
            );
        }
    }
}

#[test]
fn hdlc_framer_into_deframer_gives_the_frames_back() {
    let mut rng = seeded("hdlc_round_trip");
    let frames = random_frames(&mut rng, 500);
    let (wire, _) = run_framer(&mut rng, &frames, 1, 1);
    let want: Vec<(usize, Event)> = frames.iter().map(|f| (0, Ok(f.clone()))).collect();
    let (model, _) = model_events(&wire);
    assert_eq!(
        model.iter().map(|e| &e.1).collect::<Vec<_>>(),
        want.iter().map(|e| &e.1).collect::<Vec<_>>()
    );
    let t = run_deframer(&mut rng, &wire, true, "round trip");
    assert_eq!(t, [frames.len() as u64, 0, 0, 0, 0, 0]);
}
