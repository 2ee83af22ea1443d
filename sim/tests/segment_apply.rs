//! segment_apply under Verilator against `synscope_model::segment::{open, apply}` (and the
//! tracker's `Invalid` / `Untracked` verdicts), every output field, on random entries and
//! segments built to hit every branch: all states on both ends, each endpoint's sequence space
//! unknown, inferred or seen, with holes and held FINs, receive windows around the peer's
//! RCV.NXT (closed, small, scaled up to 2³⁰, across the wrap of the sequence space), TSvals
//! older and newer, handshake clocks and stalled endpoints; SEG.SEQ / SEG.ACK on, next to and
//! far from every edge, all 512 flag values, every window scale, hits and misses, both
//! directions. Coverage of every verdict, every note and every table cell that moves is
//! asserted (the cells from the model's own trace, `fsm-trace`).

mod common;

use common::{seeded, Rng};
use std::collections::BTreeMap;
use synscope_hdl::conn::entry::{u32s_of_words, words_of_u32s, EntryBits, WORDS};
use synscope_hdl::conn::segment_apply::{reject_code, rst_code, V_INVALID, V_UNTRACKED};
use synscope_model::descriptor::{SegmentDescriptor, WSCALE_NONE};
use synscope_model::entry::{Aux, EndpointTrack, Entry, SeqKnown, Window};
use synscope_model::fsm::{trace, Cell};
use synscope_model::segment::{apply, open, Notes};
use synscope_model::tracker::Reject;
use synscope_model::{End, Endpoint, FlagClass, FlowKey, TcpFlags, TcpState, Verdict};
use synscope_sim::bench::verdict_code;
use synscope_sim::models::SegmentApply as Model;

const SEED: u64 = 0x5e9_a991;
const CASES: usize = 200_000;
/// 32-bit words of the entry ports.
const PORT_WORDS: usize = 15;

/// What the model says about one case.
struct Expected {
    entry: Option<Entry>,
    verdict: Verdict,
    reincarnated: bool,
    notes: Notes,
    /// States of the entry the segment was applied to (`None`: no entry was).
    before: Option<[TcpState; 2]>,
    /// The table cells the model looked up.
    cells: Vec<Cell>,
}

struct Case {
    entry: Entry,
    hit: bool,
    key: FlowKey,
    sender: End,
    d: SegmentDescriptor,
    now: u32,
}

fn expected(c: &Case) -> Expected {
    let class = c.d.flags.class();
    if class == FlagClass::Invalid && !c.d.flags.rst() {
        return Expected {
            entry: c.hit.then_some(c.entry),
            verdict: Verdict::Invalid,
            reincarnated: false,
            notes: Notes::default(),
            before: c.hit.then_some(c.entry.states()),
            cells: Vec::new(),
        };
    }
    if !c.hit && c.d.flags.rst() {
        return Expected {
            entry: None,
            verdict: Verdict::Untracked,
            reincarnated: false,
            notes: Notes::default(),
            before: None,
            cells: Vec::new(),
        };
    }
    let (mut e, created) = if c.hit {
        (c.entry, false)
    } else {
        (open(c.key, c.sender, &c.d, class, c.now), true)
    };
    let before = e.states();
    let mut applied = None;
    let cells = trace::record(|| {
        applied = Some(apply(&mut e, c.sender, &c.d, class, created, c.now));
    });
    let applied = applied.expect("applied");
    Expected {
        entry: Some(e),
        verdict: applied.verdict,
        reincarnated: applied.reincarnated,
        notes: applied.notes,
        before: Some(before),
        cells: cells.into_iter().collect(),
    }
}

fn drive(m: &mut Model, c: &Case) {
    let mut w = c.entry.pack();
    if !c.hit && c.entry.last_seen & 1 == 1 {
        // A miss: whatever the RAM holds, valid or not, must not matter.
        w[0] &= !1;
    }
    m.set_entry_in(u32s_of_words::<PORT_WORDS>(&w));
    m.set_hit(c.hit);
    m.set_sender_is_lo(c.sender.is_lo());
    m.set_seq(c.d.seq as u64);
    m.set_ack(c.d.ack as u64);
    m.set_seq_end(c.d.seq_end() as u64);
    m.set_seq_plus1(c.d.seq.wrapping_add(1) as u64);
    m.set_seq_end_plus1(c.d.seq_end().wrapping_add(1) as u64);
    m.set_flags(c.d.flags.bits() as u64);
    m.set_flag_class(c.d.flags.class() as u8 as u64);
    m.set_window(c.d.window as u64);
    m.set_wscale(c.d.wscale as u64);
    m.set_payload_len(c.d.payload_len as u64);
    m.set_tsval(c.d.tsval.unwrap_or(0) as u64);
    m.set_ts_ok(c.d.tsval.is_some());
    m.set_v6(c.key.is_v6());
    m.set_lo_ip(c.key.lo.addr_bits() as u32 as u64);
    m.set_lo_port(c.key.lo.port as u64);
    m.set_hi_ip(c.key.hi.addr_bits() as u32 as u64);
    m.set_hi_port(c.key.hi.port as u64);
    m.set_now((c.now & 0xf_ffff) as u64);
    m.eval();
}

fn entry_out(m: &Model) -> [u64; WORDS] {
    words_of_u32s(&m.entry_out())
}

/// Compare every output; `Err` describes the first difference.
fn check(m: &Model, c: &Case, x: &Expected) -> Result<(), String> {
    let got_v = m.verdict();
    if got_v != verdict_code(x.verdict) {
        return Err(format!("verdict {got_v}, model {:?}", x.verdict));
    }
    if m.reincarnated() != x.reincarnated {
        return Err(format!(
            "reincarnated {}, model {}",
            m.reincarnated(),
            x.reincarnated
        ));
    }
    let notes = Notes {
        fin_held: m.fin_held(),
        window_probe: m.window_probe(),
        handshake_lost: m.handshake_lost(),
    };
    if notes != x.notes {
        return Err(format!("notes {notes:?}, model {:?}", x.notes));
    }
    let out = entry_out(m);
    match x.entry {
        Some(e) => {
            if out != e.pack() {
                let got = synscope_hdl::conn::entry::unpack_bits(&out);
                return Err(format!(
                    "entry_out\n  hw    {got:?}\n  model {:?}",
                    EntryBits::of(&e)
                ));
            }
        }
        None => {
            if out[0] & 1 != 0 {
                return Err("entry_out valid, model has no entry".into());
            }
        }
    }
    let changed = [m.lo_changed(), m.hi_changed()];
    match (x.before, x.entry) {
        (Some(before), Some(after)) => {
            let got = [m.lo_before(), m.hi_before()];
            let want = [before[0] as u64, before[1] as u64];
            if got != want {
                return Err(format!("before {got:?}, model {want:?}"));
            }
            let want_changed = [
                before[0] != after.ends[0].state,
                before[1] != after.ends[1].state,
            ];
            if changed != want_changed {
                return Err(format!("changed {changed:?}, model {want_changed:?}"));
            }
        }
        _ => {
            if changed != [false, false] {
                return Err(format!("changed {changed:?} without an entry"));
            }
        }
    }
    // `kept`: the stored entry comes out as it went in; otherwise the entry that comes out
    // was touched now.
    if let Some(e) = x.entry {
        let unchanged = c.hit && e.pack() == c.entry.pack();
        if m.kept() && !unchanged {
            return Err("kept, but the entry changed".into());
        }
        if !m.kept() && (e.last_seen ^ c.now) & 0xf_ffff != 0 {
            return Err(format!(
                "not kept, but last_seen {} is not now {}",
                e.last_seen, c.now
            ));
        }
    }
    Ok(())
}

/// A sequence number near `base`: equal, ±1, a little off, or anywhere.
fn near(rng: &mut Rng, base: u32) -> u32 {
    match rng.below(10) {
        0..=2 => base,
        3 => base.wrapping_add(1),
        4 => base.wrapping_sub(1),
        5 => base.wrapping_add(rng.below(3000) as u32),
        6 => base.wrapping_sub(rng.below(3000) as u32),
        7 => base.wrapping_add(rng.below(1 << 31) as u32),
        8 => base ^ (1 << rng.below(32)),
        _ => rng.next_u64() as u32,
    }
}

const STATES: [TcpState; TcpState::COUNT] = TcpState::ALL;

fn random_state(rng: &mut Rng) -> TcpState {
    STATES[rng.below(TcpState::COUNT as u64) as usize]
}

/// An endpoint's own stream around `base` (the peer's RCV.NXT): its state, how much is known,
/// `nxt ≤ max` with a hole now and then, a FIN at `max − 1`, a handshake clock or a TSval.
fn random_stream(rng: &mut Rng, base: u32, now: u32) -> EndpointTrack {
    let mut e = EndpointTrack::new(random_state(rng));
    e.seq = match rng.below(8) {
        0 => SeqKnown::Unknown,
        1 | 2 => SeqKnown::Inferred,
        _ => SeqKnown::Seen,
    };
    e.nxt = base;
    e.max = match rng.below(4) {
        0 => base.wrapping_add(1 + rng.below(5000) as u32),
        _ => base,
    };
    e.fin = rng.chance(1, 4);
    if e.fin && e.nxt == e.max && rng.chance(1, 2) {
        // A FIN beyond a one-byte hole, or just taken.
        e.max = e.max.wrapping_add(1 + rng.below(2) as u32);
    }
    e.wscale = match rng.below(4) {
        0 => WSCALE_NONE,
        1 => 14,
        _ => rng.below(16) as u8,
    };
    e.stalled = rng.chance(1, 6);
    e.aux = match rng.below(3) {
        0 => Aux::None,
        1 => Aux::Ts(rng.next_u64() as u32),
        _ => Aux::Handshake {
            at: now.wrapping_sub(match rng.below(3) {
                0 => rng.below(64) as u32,
                1 => rng.below(8192) as u32,
                _ => rng.below(1 << 19) as u32,
            }),
            gap: rng.below(4096) as u32,
        },
    };
    e
}

/// The receive window `r` advertised for a stream at `nxt`: around it, closed, or far.
fn random_window(rng: &mut Rng, nxt: u32) -> Option<Window> {
    if rng.chance(1, 5) {
        return None;
    }
    let left = match rng.below(4) {
        0 => nxt,
        1 => nxt.wrapping_sub(rng.below(3000) as u32),
        2 => nxt.wrapping_add(rng.below(100) as u32),
        _ => rng.next_u64() as u32,
    };
    let size = match rng.below(6) {
        0 => 0,
        1 => rng.below(4) as u32,
        2 => rng.below(65536) as u32,
        3 => (rng.below(65536) as u32) << rng.below(15),
        4 => 1 << rng.below(31),
        _ => rng.next_u64() as u32 >> 1,
    };
    Some(Window {
        left,
        right: left.wrapping_add(size),
    })
}

fn random_flags(rng: &mut Rng) -> TcpFlags {
    use TcpFlags as F;
    const COMMON: [u16; 10] = [
        F::SYN,
        F::SYN | F::ACK,
        F::FIN | F::ACK,
        F::ACK,
        F::ACK | F::PSH,
        F::RST,
        F::RST | F::ACK,
        F::SYN | F::RST,
        F::RST | F::FIN | F::ACK,
        F::SYN | F::ECE | F::CWR,
    ];
    if rng.chance(1, 4) {
        TcpFlags::new(rng.below(512) as u16)
    } else {
        let extra = if rng.chance(1, 4) {
            (rng.below(512) as u16) & (F::PSH | F::ECE | F::CWR | F::AE | F::URG)
        } else {
            0
        };
        TcpFlags::new(COMMON[rng.below(COMMON.len() as u64) as usize] | extra)
    }
}

fn random_case(rng: &mut Rng) -> Case {
    let ip = |rng: &mut Rng| rng.next_u64() as u32;
    let (a, b) = (
        Endpoint::v4(ip(rng), rng.next_u64() as u16),
        Endpoint::v4(ip(rng), rng.next_u64() as u16),
    );
    let b = match rng.below(4) {
        // Same address (ports decide the key order and the pickup roles), equal ports.
        0 => Endpoint::new(a.ip, b.port),
        1 => Endpoint::new(b.ip, a.port),
        _ => b,
    };
    let (key, _) = FlowKey::of(a, b);
    let now = rng.next_u64() as u32;
    let sender = End::BOTH[rng.below(2) as usize];
    // Streams near the wrap of the sequence space now and then.
    let base = |rng: &mut Rng| {
        if rng.chance(1, 8) {
            (rng.below(8000) as u32).wrapping_sub(4000)
        } else {
            rng.next_u64() as u32
        }
    };
    let (bs, br) = (base(rng), base(rng));
    let mut s = random_stream(rng, bs, now);
    let mut r = random_stream(rng, br, now);
    r.window = random_window(rng, s.nxt);
    s.window = random_window(rng, r.nxt);
    // Realistic pairs now and then: both finished (reincarnation), both handshaking, both
    // synchronized.
    match rng.below(8) {
        0 => {
            for e in [&mut s, &mut r] {
                e.state = if rng.chance(1, 2) {
                    TcpState::Closed
                } else {
                    TcpState::TimeWait
                };
            }
        }
        1 => {
            for e in [&mut s, &mut r] {
                e.state = STATES[rng.below(4) as usize];
            }
        }
        2 | 3 => {
            for e in [&mut s, &mut r] {
                e.state = STATES[4 + rng.below(7) as usize];
            }
        }
        _ => {}
    }
    let mut ends = [s, r];
    if sender == End::Hi {
        ends.swap(0, 1);
    }
    let entry = Entry {
        key,
        client_is_lo: rng.chance(1, 2),
        picked_up: rng.chance(1, 2),
        ends,
        last_seen: now.wrapping_sub(rng.below(1 << 19) as u32),
    };
    let flags = random_flags(rng);
    let payload_len = match rng.below(6) {
        0..=2 => 0,
        3 => rng.below(1500) as u16,
        4 => 65535,
        _ => rng.next_u64() as u16,
    };
    let seg_len = payload_len as u32 + flags.syn() as u32 + flags.fin() as u32;
    let right = r.window.map_or(s.nxt, |w| w.right);
    let left = r.window.map_or(s.nxt, |w| w.left);
    let seq = match rng.below(12) {
        // Ends exactly at the sender's SND.NXT, or its max (retransmissions), or SYN + 1.
        0 => s.nxt.wrapping_sub(seg_len),
        1 => s.max.wrapping_sub(seg_len),
        2 => s.nxt.wrapping_sub(1),
        3 => s.max,
        // On and around the receiver's window edges.
        4 => near(rng, right),
        5 => right.wrapping_sub(seg_len),
        6 => near(rng, left),
        7 => left.wrapping_sub(seg_len),
        8 => s.max.wrapping_sub(1),
        _ => near(rng, s.nxt),
    };
    let ack = match rng.below(6) {
        0 => r.max,
        1 => r.max.wrapping_add(1),
        2 => r.nxt,
        3 => r.nxt.wrapping_add(1 + rng.below(3) as u32),
        4 => r.max.wrapping_sub(1),
        _ => near(rng, r.nxt),
    };
    let window = match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 65535,
        4 => 1 << rng.below(16),
        5 => (1u32 << rng.below(17)).wrapping_sub(1) as u16,
        _ => rng.next_u64() as u16,
    };
    let tsval = match (rng.below(4), s.aux) {
        (0, _) => None,
        (1, Aux::Ts(old)) => Some(old.wrapping_add(rng.below(3) as u32).wrapping_sub(1)),
        _ => Some(rng.next_u64() as u32),
    };
    let src = key.endpoint(sender);
    let dst = key.endpoint(sender.other());
    let d = SegmentDescriptor {
        src,
        dst,
        seq,
        ack,
        flags,
        window,
        wscale: rng.below(16) as u8,
        payload_len,
        tsval,
        time: now,
    };
    Case {
        entry,
        hit: rng.chance(5, 6),
        key,
        sender,
        d,
        now,
    }
}

/// Every table cell that moves a state and can be reached by some entry (a SYN never carries
/// ACK, so the `acks = 1` SYN row cannot be).
fn moving_cells() -> Vec<Cell> {
    Cell::moving()
        .into_iter()
        .filter(|c| !(c.acks && c.class == FlagClass::Syn))
        .collect()
}

#[test]
fn segment_apply_matches_the_model() {
    let seed = std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let mut rng = seeded(SEED);
    let mut m = Model::new();
    let mut verdicts: BTreeMap<u64, usize> = BTreeMap::new();
    let mut cells: BTreeMap<Cell, usize> = BTreeMap::new();
    let mut notes = [0usize; 3];
    let mut state_changes = 0usize;
    let mut reincarnations = 0usize;
    let mut opened = 0usize;
    let mut classes = [0usize; 6];
    let mut flag_values = vec![false; 512];
    for i in 0..CASES {
        let c = random_case(&mut rng);
        let x = expected(&c);
        drive(&mut m, &c);
        if let Err(msg) = check(&m, &c, &x) {
            panic!(
                "case {i} (SYNSCOPE_SEED={seed}): {msg}\n  hit {} sender {:?} class {:?} now {} d {:?}\n  entry {:?}",
                c.hit,
                c.sender,
                c.d.flags.class(),
                c.now,
                c.d,
                c.entry
            );
        }
        *verdicts.entry(verdict_code(x.verdict)).or_default() += 1;
        classes[c.d.flags.class() as usize] += 1;
        flag_values[c.d.flags.bits() as usize] = true;
        reincarnations += x.reincarnated as usize;
        notes[0] += x.notes.fin_held as usize;
        notes[1] += x.notes.window_probe as usize;
        notes[2] += x.notes.handshake_lost as usize;
        opened += (!c.hit && x.entry.is_some()) as usize;
        if let (Some(b), Some(a)) = (x.before, x.entry) {
            state_changes +=
                (b[0] != a.ends[0].state) as usize + (b[1] != a.ends[1].state) as usize;
        }
        for cell in x.cells {
            *cells.entry(cell).or_default() += 1;
        }
    }
    // Coverage: every verdict, every note, every class, every flag value, every moving cell.
    let mut all_verdicts = vec![
        Verdict::Tracked,
        Verdict::SynChallenged,
        Verdict::Invalid,
        Verdict::Untracked,
    ];
    all_verdicts.extend(
        [
            synscope_model::RstClass::Exact,
            synscope_model::RstClass::InWindow,
            synscope_model::RstClass::OutOfWindow,
            synscope_model::RstClass::Unverified,
        ]
        .map(Verdict::Rst),
    );
    all_verdicts.extend(Reject::ALL.map(Verdict::Unacceptable));
    for v in all_verdicts {
        let code = verdict_code(v);
        assert!(
            verdicts.get(&code).copied().unwrap_or(0) >= 50,
            "verdict {v:?} seen {:?} times",
            verdicts.get(&code)
        );
    }
    assert_eq!(verdict_code(Verdict::Invalid), V_INVALID);
    assert_eq!(verdict_code(Verdict::Untracked), V_UNTRACKED);
    assert!(rst_code(synscope_model::RstClass::Unverified) == 3);
    assert!(reject_code(Reject::TimeWaitSyn) == 3);
    assert!(notes.iter().all(|n| *n >= 50), "notes {notes:?}");
    assert!(classes.iter().all(|n| *n > 1000), "classes {classes:?}");
    assert!(
        flag_values.iter().all(|s| *s),
        "not every flag value was tried"
    );
    let missing: Vec<_> = moving_cells()
        .into_iter()
        .filter(|k| cells.get(k).copied().unwrap_or(0) < 5)
        .collect();
    assert!(
        missing.is_empty(),
        "table cells that move, not exercised: {missing:?}"
    );
    // A stub (entry passed through, or fixed outputs) fails these.
    assert!(
        state_changes > CASES / 10,
        "only {state_changes} state changes"
    );
    assert!(reincarnations > 100, "only {reincarnations} reincarnations");
    assert!(opened > CASES / 20, "only {opened} entries opened");
    println!(
        "{CASES} cases: verdicts {verdicts:?}, notes {notes:?}, {state_changes} state changes, \
         {reincarnations} reincarnations, {opened} opened, {} cells",
        cells.len()
    );
}

/// A whole connection, segment by segment, fed back through the block (entry_out → entry_in),
/// as the core does: handshake with timestamps, data with a hole and a held FIN, a zero-window
/// probe, the close, TIME_WAIT refusing an old SYN and taking a newer one.
#[test]
fn segment_apply_follows_a_connection() {
    let mut m = Model::new();
    let cl = Endpoint::v4(0xc0a8_0001, 51000);
    let sv = Endpoint::v4(0x0a00_0001, 443);
    let (key, _) = FlowKey::of(cl, sv);
    let seg = |from_client: bool, flags: u16, seq: u32, ack: u32, len: u16, window: u16, t: u32| {
        SegmentDescriptor {
            src: if from_client { cl } else { sv },
            dst: if from_client { sv } else { cl },
            seq,
            ack,
            flags: TcpFlags::new(flags),
            window,
            wscale: if flags & TcpFlags::SYN != 0 {
                7
            } else {
                WSCALE_NONE
            },
            payload_len: len,
            tsval: Some(1000 + t),
            time: t,
        }
    };
    use TcpFlags as F;
    let mut script = [
        seg(true, F::SYN, 100, 0, 0, 64240, 16),
        seg(false, F::SYN | F::ACK, 900, 101, 0, 65160, 17),
        seg(true, F::ACK, 101, 901, 0, 502, 18),
        // Data with a hole: 101..401 lost, 401..701 queued, then a FIN beyond the hole.
        seg(true, F::ACK | F::PSH, 401, 901, 300, 502, 20),
        seg(true, F::FIN | F::ACK, 701, 901, 0, 502, 21),
        seg(false, F::ACK, 901, 101, 0, 509, 22),
        // The hole fills: the held FIN takes effect with the server's ACK.
        seg(true, F::ACK | F::PSH, 101, 901, 300, 502, 23),
        seg(false, F::ACK, 901, 702, 0, 509, 24),
        // Server data, then the client closes its window: the probe byte is not taken, the
        // bare FIN is.
        seg(false, F::ACK | F::PSH, 901, 702, 500, 509, 25),
        seg(true, F::ACK, 702, 1401, 0, 0, 26),
        seg(false, F::ACK | F::PSH, 1401, 702, 1, 509, 27),
        seg(false, F::FIN | F::ACK, 1401, 702, 0, 509, 28),
        seg(true, F::ACK, 702, 1402, 0, 502, 29),
        // A SYN to the client's TIME_WAIT with an older sequence number and TSval is refused
        // (RFC 6191); the client's own new SYN starts a new incarnation.
        seg(false, F::SYN, 50, 0, 0, 64240, 40),
        seg(true, F::SYN, 7000, 0, 0, 64240, 41),
    ];
    script[13].tsval = Some(900);
    let mut model: Option<Entry> = None;
    let mut hw: Option<[u32; PORT_WORDS]> = None;
    let mut moves = 0;
    let mut verdicts = Vec::new();
    let (mut probes, mut held) = (0, 0);
    for (i, d) in script.iter().enumerate() {
        let (_, src_is_lo) = FlowKey::of(d.src, d.dst);
        let sender = End::lo_if(src_is_lo);
        let c = Case {
            entry: model.unwrap_or(Entry {
                key,
                client_is_lo: false,
                picked_up: false,
                ends: [EndpointTrack::new(TcpState::Closed); 2],
                last_seen: 0,
            }),
            hit: model.is_some(),
            key,
            sender,
            d: *d,
            now: d.time,
        };
        let x = expected(&c);
        drive(&mut m, &c);
        if let Some(w) = hw {
            // The block's own output is what the model's entry packs to.
            assert_eq!(
                words_of_u32s(&w),
                c.entry.pack(),
                "segment {i}: fed-back entry"
            );
        }
        check(&m, &c, &x).unwrap_or_else(|e| panic!("segment {i}: {e}"));
        moves += m.lo_changed() as usize + m.hi_changed() as usize;
        verdicts.push(x.verdict);
        probes += x.notes.window_probe as usize;
        held += x.notes.fin_held as usize;
        model = x.entry;
        hw = Some(m.entry_out());
    }
    let e = model.unwrap();
    assert_eq!(
        e.client_state(),
        TcpState::SynSent,
        "reincarnated by the last SYN"
    );
    assert_eq!(e.server_state(), TcpState::SynReceived);
    assert_eq!(
        verdicts[13],
        Verdict::Unacceptable(Reject::TimeWaitSyn),
        "{verdicts:?}"
    );
    assert!(
        probes >= 1 && held >= 1,
        "probes {probes}, held FINs {held}"
    );
    assert!(moves >= 10, "{moves} state changes");
}
