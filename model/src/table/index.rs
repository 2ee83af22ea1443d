//! The unbounded table's index: 4-tuple → slot, by open addressing with linear probing.
//!
//! A bucket is 8 bytes: 32 bits of the key's hash (the tag) and the slot. The key itself is not
//! stored: a tag match is confirmed against the key in the slot, which the tracker reads next
//! anyway. A lookup so touches one bucket (eight to a cache line) and then the slot, where a
//! general-purpose map with the key beside its value touched a control line, a key line and then
//! the slot. Removal shifts the following buckets back (no tombstones), so the table never needs
//! cleaning and a miss ends at the first empty bucket.

use crate::descriptor::FlowKey;
use crate::entry::Entry;
use crate::prefetch::prefetch;

/// An empty bucket. A full one holds `tag << 32 | (slot + 1)`, never 0.
const EMPTY: u64 = 0;

/// Fewest buckets (a power of two).
const MIN_BUCKETS: usize = 64;

/// 32 bits of a key's hash. Its top bits pick the home bucket, so a bucket's tag alone says
/// where its entry belongs (removal and growth never read a slot).
#[inline]
pub(crate) fn flow_hash(key: &FlowKey) -> u32 {
    let (lo, hi) = (key.lo.addr_bits(), key.hi.addr_bits());
    // An IPv6 address's 128 bits folded to 32 (for IPv4 the same 32 bits); the family bit
    // keeps an IPv4 key and an IPv6 one with the same folds apart.
    let fold = |a: u128| (a as u32) ^ (a >> 32) as u32 ^ (a >> 64) as u32 ^ (a >> 96) as u32;
    let ips = (fold(lo) as u64) << 32 | fold(hi) as u64 ^ (key.is_v6() as u64) << 31;
    mix(ips, (key.lo.port as u64) << 16 | key.hi.port as u64)
}

/// [`flow_hash`] of the key of an IPv4 segment from `src` to `dst`, each `address << 16 |
/// port` (so that their order is [`FlowKey::of`]'s), without building the key: the lookahead's
/// hint, on every frame.
#[inline]
pub(crate) fn flow_hash_v4(src: u64, dst: u64) -> u32 {
    let (lo, hi) = if src <= dst { (src, dst) } else { (dst, src) };
    let ips = (lo >> 16) << 32 | hi >> 16;
    mix(ips, (lo & 0xffff) << 16 | (hi & 0xffff))
}

/// The hash of the folded addresses and the ports.
#[inline(always)]
fn mix(ips: u64, ports: u64) -> u32 {
    // Two multiplications by odd constants (Fibonacci hashing): every input bit reaches the
    // top 32 bits of the product.
    let h = (ips.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ ports).wrapping_mul(0xd6e8_feb8_6659_fd93);
    (h >> 32) as u32
}

/// Map from a live entry's key to its slot.
pub(super) struct SlotIndex {
    /// A power of two of buckets, at least twice as many as entries.
    buckets: Vec<u64>,
    len: usize,
}

impl SlotIndex {
    pub fn new() -> Self {
        SlotIndex {
            buckets: vec![EMPTY; MIN_BUCKETS],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(|b| *b = EMPTY);
        self.len = 0;
    }

    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    /// The home bucket of a hash.
    #[inline]
    fn home(&self, hash: u32) -> usize {
        // Buckets are at least MIN_BUCKETS and at most 2^32, so the shift is in 0..32.
        ((hash as u64) >> (32 - self.buckets.len().trailing_zeros())) as usize
    }

    /// Start loading the home bucket of `hash` (a hint).
    #[inline(always)]
    pub fn prefetch(&self, hash: u32) {
        prefetch(&self.buckets[self.home(hash)]);
    }

    /// The slot of the first bucket under `hash`, without reading the slot to confirm the key:
    /// most likely the key's slot (a hint; [`SlotIndex::find`] decides).
    #[inline]
    pub fn candidate(&self, hash: u32) -> Option<usize> {
        let mask = self.mask();
        let mut i = self.home(hash);
        loop {
            let b = self.buckets[i];
            if b == EMPTY {
                return None;
            }
            if (b >> 32) as u32 == hash {
                return Some((b as u32 - 1) as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot holding `key` (whose hash is `hash`).
    #[inline]
    pub fn find(&self, key: &FlowKey, hash: u32, slots: &[Option<Entry>]) -> Option<usize> {
        let mask = self.mask();
        let mut i = self.home(hash);
        loop {
            let b = self.buckets[i];
            if b == EMPTY {
                return None;
            }
            if (b >> 32) as u32 == hash {
                let slot = (b as u32 - 1) as usize;
                if slots[slot].as_ref().is_some_and(|e| e.key == *key) {
                    return Some(slot);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Index `slot` under `hash` (its key is not in the index yet).
    pub fn insert(&mut self, hash: u32, slot: usize) {
        assert!(slot < u32::MAX as usize, "too many slots for the index");
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow();
        }
        self.place((hash as u64) << 32 | (slot as u64 + 1));
        self.len += 1;
    }

    /// Put a full bucket value into the first empty bucket from its home.
    fn place(&mut self, b: u64) {
        let mask = self.mask();
        let mut i = self.home((b >> 32) as u32);
        while self.buckets[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.buckets[i] = b;
    }

    fn grow(&mut self) {
        let n = self.buckets.len() * 2;
        let old = std::mem::replace(&mut self.buckets, vec![EMPTY; n]);
        for b in old.into_iter().filter(|b| *b != EMPTY) {
            self.place(b);
        }
    }

    /// Forget `slot`, indexed under `hash`.
    pub fn remove(&mut self, hash: u32, slot: usize) {
        let mask = self.mask();
        let want = (hash as u64) << 32 | (slot as u64 + 1);
        let mut i = self.home(hash);
        while self.buckets[i] != want {
            assert!(self.buckets[i] != EMPTY, "slot {slot} is not indexed");
            i = (i + 1) & mask;
        }
        // Backward shift: each following bucket of the run moves into the hole unless the hole
        // lies before its home (it would then be unreachable from there).
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let b = self.buckets[j];
            if b == EMPTY {
                break;
            }
            let home = self.home((b >> 32) as u32);
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(i) & mask) {
                self.buckets[i] = b;
                i = j;
            }
        }
        self.buckets[i] = EMPTY;
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::Endpoint;
    use crate::entry::EndpointTrack;
    use crate::state::TcpState;

    fn entry(n: u32) -> Entry {
        Entry {
            key: FlowKey {
                lo: Endpoint::v4(n, (n % 7) as u16),
                hi: Endpoint::v4(n.rotate_left(16), 80),
            },
            client_is_lo: true,
            picked_up: false,
            ends: [EndpointTrack::new(TcpState::Established); 2],
            last_seen: 0,
        }
    }

    /// The IPv4 form gives the key's hash, whichever way the segment goes.
    #[test]
    fn the_ipv4_form_is_the_keys_hash() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..10_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Some pairs share an address, some an address and a port.
            let (a, p) = (x as u32, x as u16);
            let b = if n % 3 == 0 { a } else { (x >> 32) as u32 };
            let q = if n % 5 == 0 { p } else { (x >> 48) as u16 };
            let (src, dst) = (Endpoint::v4(a, p), Endpoint::v4(b, q));
            let packed = |e: Endpoint| (e.addr_bits() as u64) << 16 | e.port as u64;
            let want = flow_hash(&FlowKey::of(src, dst).0);
            assert_eq!(flow_hash_v4(packed(src), packed(dst)), want);
            assert_eq!(flow_hash_v4(packed(dst), packed(src)), want);
        }
    }

    /// Random inserts and removals against a plain map, with a small bucket array so that runs
    /// wrap around its end and removals shift entries back.
    #[test]
    fn agrees_with_a_map() {
        let mut slots: Vec<Option<Entry>> = vec![None; 512];
        let mut idx = SlotIndex::new();
        let mut model = std::collections::HashMap::new();
        let mut x = 0x9e37_79b9_u32;
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let s = (x % 512) as usize;
            // Few distinct keys per slot, so keys come back after being removed.
            let e = entry(x % 4096);
            match &slots[s] {
                Some(old) => {
                    idx.remove(flow_hash(&old.key), s);
                    model.remove(&old.key);
                    slots[s] = None;
                }
                None if !model.contains_key(&e.key) => {
                    slots[s] = Some(e);
                    idx.insert(flow_hash(&e.key), s);
                    model.insert(e.key, s);
                }
                None => {}
            }
            assert_eq!(idx.len(), model.len());
            if step % 97 == 0 {
                for k in 0..4096 {
                    let key = entry(k).key;
                    let found = idx.find(&key, flow_hash(&key), &slots);
                    assert_eq!(found, model.get(&key).copied(), "step {step} key {k}");
                }
            }
        }
    }
}
