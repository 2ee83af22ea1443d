//! The connection table: set-associative and bounded, as in the hardware, or unbounded for offline
//! analysis of large captures.
//!
//! Bounded: `buckets × ways` slots; the bucket of a key is the low bits of its keyed Toeplitz
//! hash ([`crate::hash`]). A bucket is read and written whole (the hardware keeps each way in
//! its own block RAM and reads all of them at the bucket's address in one cycle: docs/core.md,
//! "Pipeline"), so the lookup, the choice of a free or victim way and aging all see the same
//! bucket at once. An IPv6 entry takes two ways, an even one (its slot) and the next (its
//! *continuation*, holding the rest of its addresses: `entry::layout`); [`Table::make_room`]
//! is the one place ways are chosen, for both families (docs/core.md, "The table key").

use crate::descriptor::FlowKey;
use crate::entry::Entry;
use crate::hash::{ToeplitzTable, DEFAULT_HASH_KEY, HASH_KEY_BYTES};
use crate::prefetch::prefetch_whole;

mod index;
use index::SlotIndex;
pub(crate) use index::{flow_hash, flow_hash_v4};

/// Shape of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableShape {
    /// `buckets` (a power of two) × `ways` slots, as in the hardware.
    Bounded { buckets: usize, ways: usize },
    /// No limit (offline analysis only).
    Unbounded,
}

impl TableShape {
    /// The Arty A7-35T's table: 2K entries, 512 buckets × 4 ways. An entry is
    /// `entry::layout::ENTRY_BITS` (470) wide, so a way of 512 entries takes 7 RAMB36 (512 × 72
    /// each) and the table 28 of the part's 50 (1.8 Mb); 1024 buckets would take 56 (docs/core.md,
    /// "Block RAM"). The hardware's geometry is read from here (`conn_core::BUCKET_BITS_35T`).
    pub const ARTY_35T: TableShape = TableShape::Bounded {
        buckets: 512,
        ways: 4,
    };
    /// The Arty A7-100T's table: 8K entries, 2048 buckets × 4 ways: 27 RAMB36 (2K × 18 each) a
    /// way, 108 of the part's 135 (4.86 Mb); 4096 buckets would take 212.
    pub const ARTY_100T: TableShape = TableShape::Bounded {
        buckets: 2048,
        ways: 4,
    };

    /// `log2(buckets)` of a bounded shape whose bucket count is a power of two (the hardware's
    /// bucket address width); 0 otherwise.
    pub const fn bucket_bits(&self) -> usize {
        match self {
            TableShape::Bounded { buckets, .. } if buckets.is_power_of_two() => {
                buckets.trailing_zeros() as usize
            }
            _ => 0,
        }
    }

    pub fn capacity(&self) -> Option<usize> {
        match self {
            TableShape::Bounded { buckets, ways } => Some(buckets * ways),
            TableShape::Unbounded => None,
        }
    }
}

/// The entries [`Table::make_room`] removed (at most two: an IPv6 entry's pair).
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evicted {
    slots: [Option<(usize, Entry)>; 2],
}

impl Evicted {
    fn push(&mut self, slot: usize, e: Entry) {
        let free = self.slots.iter_mut().find(|s| s.is_none());
        *free.expect("at most two evicted") = Some((slot, e));
    }

    /// `(slot, entry)` of each, lowest slot first.
    pub fn iter(&self) -> impl Iterator<Item = (usize, Entry)> + '_ {
        self.slots.iter().flatten().copied()
    }
}

enum Index {
    /// Set-associative: the bucket of a key is its hash's low bits.
    Bounded { ways: usize, bucket_mask: u32 },
    /// An index from key to slot, and the slots freed for reuse.
    Unbounded { map: SlotIndex, free: Vec<u32> },
}

/// The connection table: slots holding entries, and how a key finds its slot. A slot index is
/// stable for the life of an entry (the hardware's table address; offline, a handle for
/// per-connection statistics).
pub struct Table {
    slots: Vec<Option<Entry>>,
    /// Bounded: slot `i` is the continuation of the IPv6 entry in slot `i - 1`.
    continuation: Vec<bool>,
    index: Index,
    hash_key: [u8; HASH_KEY_BYTES],
    hasher: ToeplitzTable,
}

impl Table {
    pub fn new(shape: TableShape) -> Self {
        let (slots, index) = match shape {
            TableShape::Bounded { buckets, ways } => {
                assert!(
                    buckets.is_power_of_two() && ways > 0,
                    "buckets must be a power of two"
                );
                (
                    vec![None; buckets * ways],
                    Index::Bounded {
                        ways,
                        bucket_mask: (buckets - 1) as u32,
                    },
                )
            }
            TableShape::Unbounded => (
                Vec::new(),
                Index::Unbounded {
                    map: SlotIndex::new(),
                    free: Vec::new(),
                },
            ),
        };
        Table {
            continuation: vec![false; slots.len()],
            slots,
            index,
            hash_key: DEFAULT_HASH_KEY,
            hasher: ToeplitzTable::new(&DEFAULT_HASH_KEY),
        }
    }

    /// Set the hash key. Entries are placed by the key, so the table is emptied (as the
    /// hardware does on a key change).
    pub fn set_hash_key(&mut self, key: [u8; HASH_KEY_BYTES]) {
        self.hash_key = key;
        self.hasher = ToeplitzTable::new(&key);
        self.clear();
    }

    pub fn hash_key(&self) -> [u8; HASH_KEY_BYTES] {
        self.hash_key
    }

    pub fn clear(&mut self) {
        match &mut self.index {
            Index::Bounded { .. } => {
                self.slots.iter_mut().for_each(|s| *s = None);
                self.continuation.iter_mut().for_each(|c| *c = false);
            }
            Index::Unbounded { map, free } => {
                map.clear();
                free.clear();
                self.slots.clear();
            }
        }
    }

    /// The bucket index of `key` (0 for an unbounded table).
    pub fn bucket_of(&self, key: &FlowKey) -> usize {
        match &self.index {
            Index::Bounded { bucket_mask, .. } => {
                (self.hasher.hash(key.hash_input().as_slice()) & bucket_mask) as usize
            }
            Index::Unbounded { .. } => 0,
        }
    }

    /// The slot indices of the bucket of `key` (empty for an unbounded table).
    pub fn bucket_slots(&self, key: &FlowKey) -> std::ops::Range<usize> {
        match &self.index {
            Index::Bounded { ways, .. } => {
                let b = self.bucket_of(key);
                b * ways..(b + 1) * ways
            }
            Index::Unbounded { .. } => 0..0,
        }
    }

    /// The slot of `key`, whose [`flow_hash`] is `hash`, in an unbounded table (without aging).
    #[inline]
    pub(crate) fn find_unbounded(&self, key: &FlowKey, hash: u32) -> Option<usize> {
        match &self.index {
            Index::Unbounded { map, .. } => map.find(key, hash, &self.slots),
            Index::Bounded { .. } => None,
        }
    }

    /// Whether a lookup of this table starts at a key's [`flow_hash`] (unbounded tables): what
    /// [`Table::prefetch_lookup`] and [`Table::find_unbounded`] take.
    #[inline]
    pub(crate) fn is_hashed(&self) -> bool {
        matches!(self.index, Index::Unbounded { .. })
    }

    /// Start loading the index bucket a lookup of the key whose [`flow_hash`] is `hash` reads
    /// first (a hint for an unbounded table; nothing for a bounded one, which is small enough
    /// to stay in the cache).
    #[inline]
    pub(crate) fn prefetch_lookup(&self, hash: u32) {
        if let Index::Unbounded { map, .. } = &self.index {
            map.prefetch(hash);
        }
    }

    /// The slot that most likely holds the key whose [`flow_hash`] is `hash` in an unbounded
    /// table, read without aging or confirming the key (a hint, once [`Table::prefetch_lookup`]
    /// has had time to load the index bucket); its entry starts loading. `None` for a bounded
    /// table.
    #[inline]
    pub(crate) fn peek_slot(&self, hash: u32) -> Option<usize> {
        let Index::Unbounded { map, .. } = &self.index else {
            return None;
        };
        let i = map.candidate(hash)?;
        prefetch_whole(&self.slots[i]);
        Some(i)
    }

    /// Put `entry`, whose key's [`flow_hash`] is `hash`, into a new slot of an unbounded table.
    pub(crate) fn alloc_unbounded(&mut self, entry: Entry, hash: u32) -> usize {
        let Index::Unbounded { map, free } = &mut self.index else {
            unreachable!("alloc_unbounded on a bounded table")
        };
        let i = match free.pop() {
            Some(i) => i as usize,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        debug_assert_eq!(hash, flow_hash(&entry.key));
        map.insert(hash, i);
        self.slots[i] = Some(entry);
        i
    }

    /// Empty slot `i` (and its continuation), returning what it held.
    pub(crate) fn remove(&mut self, i: usize) -> Option<Entry> {
        let e = self.slots[i].take()?;
        match &mut self.index {
            Index::Unbounded { map, free } => {
                map.remove(flow_hash(&e.key), i);
                free.push(i as u32);
            }
            Index::Bounded { .. } => {
                if e.key.is_v6() {
                    self.continuation[i + 1] = false;
                }
            }
        }
        Some(e)
    }

    /// Put `entry` into slot `i` of a bounded table, which [`Table::make_room`] chose for it
    /// (an IPv6 entry: its continuation into `i + 1`).
    pub(crate) fn put(&mut self, i: usize, entry: Entry) {
        if entry.key.is_v6() {
            self.continuation[i + 1] = true;
        }
        self.slots[i] = Some(entry);
    }

    /// The entry whose continuation slot `i` is (bounded tables; `None` for any other slot).
    pub fn continuation_of(&self, i: usize) -> Option<&Entry> {
        if *self.continuation.get(i)? {
            self.slots[i - 1].as_ref()
        } else {
            None
        }
    }

    /// Room for a new entry of `key` in its bucket of a bounded table, at time `now`: the slot
    /// it goes to and the entries removed to make room (lowest way first), or `None` when every
    /// choice would evict a live connection (the table is full there).
    ///
    /// * **IPv4** takes one way: a free way whose partner (the other way of its even/odd pair)
    ///   is taken, else the lowest free way (so free pairs are kept for IPv6); with no free way,
    ///   the entry that ranks first as a victim (lowest eviction class, then longest silent, then
    ///   lowest way; an IPv6 entry is ranked by its head and leaves both its ways).
    /// * **IPv6** takes a pair (an even way and the next): the lowest free pair; else the pair
    ///   whose occupants are all evictable and whose last-ranked occupant ranks first (the pair
    ///   that costs the least to clear, ranked by the connection it would keep longest), every
    ///   occupant evicted. A pair half free is cleared like a full one.
    pub(crate) fn make_room(&mut self, key: &FlowKey, now: u32) -> Option<(usize, Evicted)> {
        let range = self.bucket_slots(key);
        let base = range.start;
        let ways = range.len();
        let free = |t: &Table, w: usize| t.slots[base + w].is_none() && !t.continuation[base + w];
        // Rank of the entry in way `w` as a victim (lower goes first), `None` if there is no
        // entry there or it is never evicted.
        let rank = |t: &Table, w: usize| {
            let e = t.slots[base + w].as_ref()?;
            let class = e.eviction_class()?;
            Some((class, u32::MAX - crate::time::elapsed(now, e.last_seen), w))
        };
        let mut evicted = Evicted::default();
        if !key.is_v6() {
            let taken_partner = |w: usize| w ^ 1 < ways && !free(self, w ^ 1);
            let way = (0..ways)
                .find(|w| free(self, *w) && taken_partner(*w))
                .or_else(|| (0..ways).find(|w| free(self, *w)));
            if let Some(w) = way {
                return Some((base + w, evicted));
            }
            let (_, _, w) = (0..ways).filter_map(|w| rank(self, w)).min()?;
            evicted.push(base + w, self.remove(base + w).expect("victim present"));
            return Some((base + w, evicted));
        }
        let pairs = ways / 2;
        if let Some(p) = (0..pairs).find(|p| free(self, 2 * p) && free(self, 2 * p + 1)) {
            return Some((base + 2 * p, evicted));
        }
        let pair_rank = |t: &Table, p: usize| {
            let occupants = [2 * p, 2 * p + 1].map(|w| (t.slots[base + w].is_some(), w));
            occupants
                .iter()
                .filter(|(taken, _)| *taken)
                .map(|(_, w)| rank(t, *w))
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .max()
        };
        let (_, _, last) = (0..pairs).filter_map(|p| pair_rank(self, p)).min()?;
        let p = last / 2;
        for w in [2 * p, 2 * p + 1] {
            if let Some(e) = self.remove(base + w) {
                evicted.push(base + w, e);
            }
        }
        Some((base + 2 * p, evicted))
    }

    /// The entry at slot `i`.
    pub fn slot(&self, i: usize) -> Option<&Entry> {
        self.slots.get(i).and_then(|s| s.as_ref())
    }

    pub(crate) fn slot_mut(&mut self, i: usize) -> &mut Option<Entry> {
        &mut self.slots[i]
    }

    /// Number of slots (bounded: the capacity; unbounded: as many as were ever needed at once).
    pub fn capacity_slots(&self) -> usize {
        self.slots.len()
    }

    pub fn is_bounded(&self) -> bool {
        matches!(self.index, Index::Bounded { .. })
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        match &self.index {
            Index::Bounded { .. } => self.slots.iter().filter(|s| s.is_some()).count(),
            Index::Unbounded { map, .. } => map.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All entries, in slot order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.slots.iter().flatten()
    }

    /// All entries with their slot index.
    pub fn entries_with_slot(&self) -> impl Iterator<Item = (usize, &Entry)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|e| (i, e)))
    }
}
