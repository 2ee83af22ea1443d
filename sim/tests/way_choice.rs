//! way_choice under Verilator against the rule of `Table::make_room` (model/src/table.rs),
//! written out here for one bucket of `WAYS` ways: IPv4 takes a free way whose partner is taken, else
//! the lowest free way, else the way that ranks first as a victim (lowest eviction class, then
//! oldest, then lowest way); IPv6 takes the lowest free pair, else the pair whose last-ranked
//! occupant ranks first, every occupant evictable (an IPv6 pair ranked by its head).
//!
//! Buckets are drawn as the table holds them (IPv4 entries, IPv6 pairs, free ways, classes
//! 0..3 with ties of class and age), and half the time with the item ahead's change patched in
//! the way the core does it: the changed way's rank as C1 aged it is garbage and the true one
//! comes in `fa_rank` (a pair written by the item ahead: its head patched, its continuation
//! marked). Random streams replay with `SYNSCOPE_SEED=<seed>`.

mod common;

use common::{seed, seeded, PortValue, Rng};
use synscope_hdl::conn::entry::TIME_BITS;
use synscope_hdl::conn::entry_age::{CLASS_BITS, CLASS_NEVER};
use synscope_hdl::conn::{PAIRS, WAYS};
use synscope_sim::models::WayChoice;

const CASES: usize = 200_000;
const NEVER: u8 = CLASS_NEVER as u8;

/// One way as the table holds it (after the item ahead's change).
#[derive(Clone, Copy, Debug, Default)]
struct Way {
    valid: bool,
    v6: bool,
    class: u8,
    age: u32,
}

impl Way {
    /// An entry of its own (not an IPv6 continuation, which lives in an odd way).
    fn occupant(&self, w: usize) -> bool {
        self.valid && !(w % 2 == 1 && self.v6)
    }

    /// Its rank as a victim (lower goes first), `None` if it is never evicted.
    fn rank(&self, w: usize) -> Option<(u8, std::cmp::Reverse<u32>, usize)> {
        (self.occupant(w) && self.class != NEVER).then_some((
            self.class,
            std::cmp::Reverse(self.age),
            w,
        ))
    }
}

/// What the block must answer: `(free_any, free_way, victim_ok, victim_way, victim_entries)`,
/// the victim's only when there is no free way.
type Choice = (bool, u64, bool, u64, u64);

/// `Table::make_room`'s choice for a key of family `v6` in `ways`.
fn reference(v6: bool, ways: &[Way; WAYS]) -> Choice {
    let free = |w: usize| !ways[w].valid;
    if !v6 {
        let way = (0..WAYS)
            .find(|&w| free(w) && !free(w ^ 1))
            .or_else(|| (0..WAYS).find(|&w| free(w)));
        if let Some(w) = way {
            return (true, w as u64, false, 0, 0);
        }
        return match (0..WAYS).filter_map(|w| ways[w].rank(w)).min() {
            Some((_, _, w)) => (false, 0, true, w as u64, 1),
            None => (false, 0, false, 0, 0),
        };
    }
    if let Some(p) = (0..PAIRS).find(|&p| free(2 * p) && free(2 * p + 1)) {
        return (true, 2 * p as u64, false, 0, 0);
    }
    let pair_rank = |p: usize| {
        [2 * p, 2 * p + 1]
            .into_iter()
            .filter(|&w| ways[w].occupant(w))
            .map(|w| ways[w].rank(w))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .max()
    };
    match (0..PAIRS)
        .filter_map(|p| pair_rank(p).map(|r| (r, p)))
        .min()
    {
        Some((_, p)) => {
            let n = [2 * p, 2 * p + 1]
                .into_iter()
                .filter(|&w| ways[w].occupant(w))
                .count();
            (false, 0, true, 2 * p as u64, n as u64)
        }
        None => (false, 0, false, 0, 0),
    }
}

/// A class with ties: mostly 0..2 (evictable), sometimes `NEVER`.
fn class(rng: &mut Rng) -> u8 {
    rng.below(4) as u8
}

/// The largest age the hardware holds (`TIME_BITS` bits).
const AGE_MAX: u32 = (1 << TIME_BITS) - 1;

/// An age with ties: from a handful of values half the time.
fn age(rng: &mut Rng) -> u32 {
    if rng.chance(1, 2) {
        [0, 1, 7, AGE_MAX / 2 + 1, AGE_MAX][rng.below(5) as usize]
    } else {
        rng.next_u32() & AGE_MAX
    }
}

/// A bucket as the table may hold it, and whether the item ahead wrote a pair at `pair_at`.
fn bucket(rng: &mut Rng) -> [Way; WAYS] {
    let mut ways = [Way::default(); WAYS];
    for p in 0..PAIRS {
        match rng.below(4) {
            0 => {
                // An IPv6 entry: its head, and its continuation (never evicted on its own).
                ways[2 * p] = Way {
                    valid: true,
                    v6: true,
                    class: class(rng),
                    age: age(rng),
                };
                ways[2 * p + 1] = Way {
                    valid: true,
                    v6: true,
                    class: NEVER,
                    age: age(rng),
                };
            }
            _ => {
                for w in [2 * p, 2 * p + 1] {
                    // Full buckets most of the time: the victim is the interesting part.
                    ways[w] = Way {
                        valid: rng.chance(4, 5),
                        v6: false,
                        class: class(rng),
                        age: age(rng),
                    };
                }
            }
        }
    }
    ways
}

/// Drive the block with `ways`, where the item ahead (if `patch` names a way) changed that
/// way: C1's rank of it is garbage and `fa_rank` holds the true one (a pair written: its
/// continuation's rank is garbage too and it is marked).
fn drive(m: &mut WayChoice, rng: &mut Rng, v6: bool, ways: &[Way; WAYS], patch: Option<usize>) {
    let mut rank = ways.map(|w| (w.class, w.age));
    let mut patched = [false; WAYS];
    let mut cont_patched = [false; PAIRS];
    let mut fa_rank = (class(rng), age(rng));
    if let Some(w) = patch {
        fa_rank = rank[w];
        rank[w] = (class(rng), age(rng));
        patched[w] = true;
        if ways[w].v6 {
            rank[w + 1] = (class(rng), age(rng));
            cont_patched[w / 2] = true;
        }
    }
    m.set_v6(v6);
    for w in 0..WAYS {
        m.set_rank_class_at(w, rank[w].0.into());
        m.set_rank_age_at(w, rank[w].1.into());
        m.set_patched_at(w, patched[w]);
        m.set_slot_valid_at(w, ways[w].valid);
        m.set_slot_v6_at(w, ways[w].v6);
    }
    for (p, c) in cont_patched.into_iter().enumerate() {
        m.set_cont_patched_at(p, c);
    }
    m.set_fa_rank(u64::from(fa_rank.0) | u64::from(fa_rank.1) << CLASS_BITS);
    m.eval();
}

/// The block's answer, with the victim's fields cleared where they mean nothing.
fn answer(m: &WayChoice) -> Choice {
    if m.free_any() {
        (true, m.free_way().to_u64(), false, 0, 0)
    } else if m.victim_ok() {
        (false, 0, true, m.victim_way().to_u64(), m.victim_entries())
    } else {
        (false, 0, false, 0, 0)
    }
}

#[test]
fn way_choice_matches_make_room_on_random_buckets() {
    let mut rng = seeded(0x7a11_c401);
    let mut m = WayChoice::new();
    let mut seen = [0usize; 4];
    for case in 0..CASES {
        let ways = bucket(&mut rng);
        let v6 = rng.chance(1, 3);
        // The item ahead changed an entry of its own (a pair's head for IPv6).
        let owned: Vec<usize> = (0..WAYS).filter(|&w| ways[w].occupant(w)).collect();
        let patch = (!owned.is_empty() && rng.chance(1, 2))
            .then(|| owned[rng.below(owned.len() as u64) as usize]);
        drive(&mut m, &mut rng, v6, &ways, patch);
        let want = reference(v6, &ways);
        assert_eq!(
            answer(&m),
            want,
            "case {case} (SYNSCOPE_SEED={}): v6 {v6}, patch {patch:?}, ways {ways:?}",
            seed(0x7a11_c401)
        );
        seen[usize::from(want.0) * 2 + usize::from(want.2)] += 1;
    }
    // Free ways, victims and full buckets of never-evictable entries all occur.
    assert!(
        seen[2] > 0 && seen[1] > CASES / 10 && seen[0] > 0,
        "{seen:?}"
    );
}
