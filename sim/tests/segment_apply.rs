//! segment_apply under Verilator against `synscope_model::segment::{open, apply}` (and the
//! tracker's `Invalid` / `Untracked` verdicts), every output field, on random entries and
//! segments built to hit every branch: all states on both ends, SND.NXT known or not, SEG.SEQ /
//! SEG.ACK equal to, next to and far from the entry's SND.NXTs, all 512 flag values, every
//! window scale, hits and misses, both directions. Coverage of every verdict and every table
//! cell that moves is asserted.

mod common;

use common::Rng;
use std::collections::BTreeMap;
use synscope_hdl::segment_apply::{
    rst_code, V_INVALID, V_RST, V_SYN_CHALLENGED, V_TRACKED, V_UNTRACKED,
};
use synscope_model::descriptor::{SegmentDescriptor, WSCALE_NONE};
use synscope_model::entry::{EndpointTrack, Entry, LO};
use synscope_model::fsm::{RECEIVER, SENDER};
use synscope_model::segment::{apply, open};
use synscope_model::{Endpoint, FlagClass, FlowKey, TcpFlags, TcpState, Verdict};
use synscope_sim::models::SegmentApply as Model;

const SEED: u64 = 0x5e9_a991;
const CASES: usize = 200_000;

fn to_u32s(w: [u64; 4]) -> [u32; 7] {
    let mut o = [0u32; 7];
    for (i, x) in o.iter_mut().enumerate() {
        *x = (w[i / 2] >> (32 * (i % 2))) as u32;
    }
    o
}

fn to_u64s(w: [u32; 7]) -> [u64; 4] {
    let mut o = [0u64; 4];
    for (i, x) in w.iter().enumerate() {
        o[i / 2] |= (*x as u64) << (32 * (i % 2));
    }
    o
}

fn verdict_code(v: Verdict) -> u64 {
    match v {
        Verdict::Tracked => V_TRACKED,
        Verdict::SynChallenged => V_SYN_CHALLENGED,
        Verdict::Invalid => V_INVALID,
        Verdict::Untracked => V_UNTRACKED,
        Verdict::Rst(c) => V_RST + rst_code(c),
        Verdict::Refused => unreachable!("not a segment_apply verdict"),
    }
}

/// What the model says about one case.
struct Expected {
    entry: Option<Entry>,
    verdict: Verdict,
    reincarnated: bool,
    /// States of the entry the segment was applied to (`None`: no entry was).
    before: Option<[TcpState; 2]>,
    /// The table cells consulted: `(acks, sender state, receiver state)`.
    cells: Option<(bool, TcpState, TcpState)>,
}

struct Case {
    entry: Entry,
    hit: bool,
    key: FlowKey,
    sender: usize,
    d: SegmentDescriptor,
    now: u32,
}

fn expected(c: &Case) -> Expected {
    let class = c.d.flags.class();
    if class == FlagClass::Invalid {
        return Expected {
            entry: c.hit.then_some(c.entry),
            verdict: Verdict::Invalid,
            reincarnated: false,
            before: c.hit.then_some(c.entry.states()),
            cells: None,
        };
    }
    if !c.hit && class == FlagClass::Rst {
        return Expected {
            entry: None,
            verdict: Verdict::Untracked,
            reincarnated: false,
            before: None,
            cells: None,
        };
    }
    let (mut e, created) = if c.hit {
        (c.entry, false)
    } else {
        (open(c.key, c.sender, &c.d, class, c.now), true)
    };
    let before = e.states();
    let applied = apply(&mut e, c.sender, &c.d, class, created, c.now);
    // Which table cells were read (for coverage only): the tables are consulted when the
    // segment is tracked through them (not a RST, not a SYN-ACK retransmission to a
    // synchronized receiver).
    let r_before = if applied.reincarnated {
        EndpointTrack::new(TcpState::Closed)
    } else {
        let pre = if c.hit {
            c.entry
        } else {
            open(c.key, c.sender, &c.d, class, c.now)
        };
        pre.ends[1 - c.sender]
    };
    let s_state = if applied.reincarnated {
        TcpState::Closed
    } else {
        before[c.sender]
    };
    let cells = (applied.verdict == Verdict::Tracked
        && class != FlagClass::Rst
        && !(class == FlagClass::SynAck && r_before.state.is_synchronized()))
    .then(|| {
        let acks = c.d.flags.ack() && r_before.snd_valid && c.d.ack == r_before.snd_nxt;
        (acks, s_state, r_before.state)
    });
    Expected {
        entry: Some(e),
        verdict: applied.verdict,
        reincarnated: applied.reincarnated,
        before: Some(before),
        cells,
    }
}

fn drive(m: &mut Model, c: &Case) {
    let mut w = c.entry.pack();
    if !c.hit && c.entry.last_seen & 1 == 1 {
        // A miss: whatever the RAM holds, valid or not, must not matter.
        w[0] &= !1;
    }
    m.set_entry_in(to_u32s(w));
    m.set_hit(c.hit);
    m.set_sender_is_lo(c.sender == LO);
    m.set_seq(c.d.seq as u64);
    m.set_ack(c.d.ack as u64);
    m.set_flags(c.d.flags.bits() as u64);
    m.set_flag_class(c.d.flags.class() as u8 as u64);
    m.set_window(c.d.window as u64);
    m.set_wscale(c.d.wscale as u64);
    m.set_payload_len(c.d.payload_len as u64);
    m.set_v6(c.key.is_v6());
    m.set_lo_ip(c.key.lo.addr_bits() as u32 as u64);
    m.set_lo_port(c.key.lo.port as u64);
    m.set_hi_ip(c.key.hi.addr_bits() as u32 as u64);
    m.set_hi_port(c.key.hi.port as u64);
    m.set_now((c.now & 0xffff) as u64);
    m.eval();
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
    let out = to_u64s(m.entry_out());
    match x.entry {
        Some(e) => {
            if out != e.pack() {
                let got = synscope_hdl::entry::unpack_bits(&out);
                return Err(format!(
                    "entry_out\n  hw    {got:?}\n  model {:?}",
                    synscope_hdl::entry::EntryBits::of(&e)
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
    // `kept` (conn_core patches a successor with a changed entry aged from `now`,
    // docs/core.md): kept = the stored entry comes out as it went in; otherwise the entry that
    // comes out was touched now.
    if let Some(e) = x.entry {
        let unchanged = c.hit && e.pack() == c.entry.pack();
        if m.kept() && !unchanged {
            return Err("kept, but the entry changed".into());
        }
        if !m.kept() && e.last_seen != c.now {
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
    match rng.below(8) {
        0 | 1 => base,
        2 => base.wrapping_add(1),
        3 => base.wrapping_sub(1),
        4 => base.wrapping_add(rng.below(1 << 20) as u32),
        5 => base.wrapping_sub(rng.below(1 << 20) as u32),
        6 => base ^ (1 << rng.below(32)),
        _ => rng.next_u64() as u32,
    }
}

const STATES: [TcpState; TcpState::COUNT] = TcpState::ALL;

fn random_track(rng: &mut Rng, pool: &[u32]) -> EndpointTrack {
    EndpointTrack {
        state: STATES[rng.below(TcpState::COUNT as u64) as usize],
        snd_nxt: if rng.chance(3, 4) {
            pool[rng.below(pool.len() as u64) as usize]
        } else {
            rng.next_u64() as u32
        },
        snd_valid: rng.chance(3, 4),
        wscale: if rng.chance(1, 3) {
            WSCALE_NONE
        } else {
            rng.below(16) as u8
        },
        wnd_log2: if rng.chance(1, 8) {
            31
        } else {
            rng.below(31) as u8
        },
    }
}

fn random_flags(rng: &mut Rng) -> TcpFlags {
    use TcpFlags as F;
    const COMMON: [u16; 8] = [
        F::SYN,
        F::SYN | F::ACK,
        F::FIN | F::ACK,
        F::ACK,
        F::ACK | F::PSH,
        F::RST,
        F::RST | F::ACK,
        F::SYN | F::ECE | F::CWR,
    ];
    if rng.chance(1, 3) {
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
    let pool: Vec<u32> = (0..3).map(|_| rng.next_u64() as u32).collect();
    let mut ends = [random_track(rng, &pool), random_track(rng, &pool)];
    // Realistic pairs now and then: both finished (reincarnation), both handshaking.
    match rng.below(6) {
        0 => {
            for e in ends.iter_mut() {
                e.state = if rng.chance(1, 2) {
                    TcpState::Closed
                } else {
                    TcpState::TimeWait
                };
            }
        }
        1 => {
            for e in ends.iter_mut() {
                e.state = STATES[rng.below(4) as usize];
            }
        }
        _ => {}
    }
    let entry = Entry {
        key,
        client_is_lo: rng.chance(1, 2),
        picked_up: rng.chance(1, 2),
        ends,
        last_seen: rng.next_u64() as u32,
    };
    let sender = rng.below(2) as usize;
    let (s, r) = (entry.ends[sender], entry.ends[1 - sender]);
    let flags = random_flags(rng);
    let payload_len = match rng.below(6) {
        0..=2 => 0,
        3 => rng.below(1500) as u16,
        4 => 65535,
        _ => rng.next_u64() as u16,
    };
    let seg_len = payload_len as u32 + flags.syn() as u32 + flags.fin() as u32;
    let seq = if rng.chance(1, 6) {
        // A segment that ends exactly at the sender's SND.NXT (a retransmission).
        s.snd_nxt.wrapping_sub(seg_len)
    } else if rng.chance(1, 8) {
        // Just inside / outside the receiver's window.
        let w = 1u64 << r.wnd_log2;
        s.snd_nxt
            .wrapping_add((w as u32).wrapping_add(rng.below(3) as u32).wrapping_sub(1))
    } else {
        near(rng, s.snd_nxt)
    };
    let ack = near(rng, r.snd_nxt);
    let window = match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 65535,
        4 => 1 << rng.below(16),
        5 => (1u32 << rng.below(17)).wrapping_sub(1) as u16,
        _ => rng.next_u64() as u16,
    };
    let src = if sender == LO { key.lo } else { key.hi };
    let dst = if sender == LO { key.hi } else { key.lo };
    let now = rng.next_u64() as u32;
    let d = SegmentDescriptor {
        src,
        dst,
        seq,
        ack,
        flags,
        window,
        wscale: rng.below(16) as u8,
        payload_len,
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

/// Every table cell that moves a state and can be reached (a SYN never carries ACK, so the
/// `acks = 1` SYN row cannot be): `(table, acks, class, state)`.
fn moving_cells() -> Vec<(&'static str, usize, usize, usize)> {
    let mut v = Vec::new();
    for (name, table) in [("sender", &SENDER), ("receiver", &RECEIVER)] {
        for (acks, rows) in table.iter().enumerate() {
            for (cls, row) in rows.iter().enumerate() {
                if acks == 1 && cls == FlagClass::Syn as usize {
                    continue;
                }
                for (st, next) in row.iter().enumerate() {
                    if *next as usize != st {
                        v.push((name, acks, cls, st));
                    }
                }
            }
        }
    }
    v
}

#[test]
fn segment_apply_matches_the_model() {
    let seed = std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let mut rng = Rng::new(SEED);
    let mut m = Model::new();
    let mut verdicts: BTreeMap<u64, usize> = BTreeMap::new();
    let mut cells: BTreeMap<(&'static str, usize, usize, usize), usize> = BTreeMap::new();
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
                "case {i} (SYNSCOPE_SEED={seed}): {msg}\n  hit {} sender {} class {:?} d {:?}\n  entry {:?}",
                c.hit,
                c.sender,
                c.d.flags.class(),
                c.d,
                c.entry
            );
        }
        *verdicts.entry(verdict_code(x.verdict)).or_default() += 1;
        classes[c.d.flags.class() as usize] += 1;
        flag_values[c.d.flags.bits() as usize] = true;
        reincarnations += x.reincarnated as usize;
        opened += (!c.hit && x.entry.is_some()) as usize;
        if let (Some(b), Some(a)) = (x.before, x.entry) {
            state_changes +=
                (b[0] != a.ends[0].state) as usize + (b[1] != a.ends[1].state) as usize;
        }
        if let Some((acks, s, r)) = x.cells {
            let cls = c.d.flags.class() as usize;
            *cells
                .entry(("sender", acks as usize, cls, s as usize))
                .or_default() += 1;
            *cells
                .entry(("receiver", acks as usize, cls, r as usize))
                .or_default() += 1;
        }
    }
    // Coverage: every verdict, every class, every flag value, every moving cell.
    let all_verdicts = [
        V_TRACKED,
        V_SYN_CHALLENGED,
        V_INVALID,
        V_UNTRACKED,
        V_RST,
        V_RST + 1,
        V_RST + 2,
        V_RST + 3,
    ];
    for v in all_verdicts {
        assert!(
            verdicts.get(&v).copied().unwrap_or(0) >= 50,
            "verdict {v} seen {:?} times",
            verdicts.get(&v)
        );
    }
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
        "{CASES} cases: verdicts {verdicts:?}, {state_changes} state changes, \
         {reincarnations} reincarnations, {opened} opened, {} cells",
        cells.len()
    );
}

/// A whole connection, segment by segment, fed back through the block (entry_out → entry_in),
/// as the core does: handshake, data, simultaneous-ish close, TIME_WAIT reincarnation.
#[test]
fn segment_apply_follows_a_connection() {
    let mut m = Model::new();
    let cl = Endpoint::v4(0xc0a8_0001, 51000);
    let sv = Endpoint::v4(0x0a00_0001, 443);
    let (key, _) = FlowKey::of(cl, sv);
    let seg =
        |from_client: bool, flags: u16, seq: u32, ack: u32, len: u16, t: u32| SegmentDescriptor {
            src: if from_client { cl } else { sv },
            dst: if from_client { sv } else { cl },
            seq,
            ack,
            flags: TcpFlags::new(flags),
            window: 501,
            wscale: if flags & TcpFlags::SYN != 0 {
                7
            } else {
                WSCALE_NONE
            },
            payload_len: len,
            time: t,
        };
    use TcpFlags as F;
    let script = [
        seg(true, F::SYN, 100, 0, 0, 1),
        seg(false, F::SYN | F::ACK, 900, 101, 0, 1),
        seg(true, F::ACK, 101, 901, 0, 2),
        seg(true, F::ACK | F::PSH, 101, 901, 300, 2),
        seg(false, F::ACK, 901, 401, 0, 3),
        seg(true, F::FIN | F::ACK, 401, 901, 0, 4),
        seg(false, F::FIN | F::ACK, 901, 402, 0, 4),
        seg(true, F::ACK, 402, 902, 0, 5),
        seg(true, F::SYN, 7000, 0, 0, 9),
    ];
    let mut model: Option<Entry> = None;
    let mut hw: Option<[u32; 7]> = None;
    let mut moves = 0;
    for (i, d) in script.iter().enumerate() {
        let (_, src_is_lo) = FlowKey::of(d.src, d.dst);
        let sender = if src_is_lo { 0 } else { 1 };
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
            assert_eq!(to_u64s(w), c.entry.pack(), "segment {i}: fed-back entry");
        }
        check(&m, &c, &x).unwrap_or_else(|e| panic!("segment {i}: {e}"));
        moves += m.lo_changed() as usize + m.hi_changed() as usize;
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
    assert!(moves >= 10, "{moves} state changes");
}
