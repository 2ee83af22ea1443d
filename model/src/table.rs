//! The connection table: set-associative and bounded, as in the hardware, or unbounded for offline
//! analysis of large captures.
//!
//! Bounded: `buckets × ways` slots; the bucket of a key is the low bits of its keyed Toeplitz
//! hash ([`crate::hash`]). A bucket is read and written whole (the hardware keeps a bucket in one
//! wide block-RAM word), so the lookup, the choice of a free or victim way and aging all see the
//! same bucket at once.

use crate::descriptor::FlowKey;
use crate::entry::Entry;
use crate::hash::{toeplitz, DEFAULT_HASH_KEY, HASH_KEY_BYTES};
use rustc_hash::FxHashMap;

/// Shape of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableShape {
    /// `buckets` (a power of two) × `ways` slots, as in the hardware.
    Bounded { buckets: usize, ways: usize },
    /// No limit (offline analysis only).
    Unbounded,
}

impl TableShape {
    /// The hardware's default: 8K entries, 2048 buckets × 4 ways (Arty A7-35T).
    pub const ARTY_35T: TableShape = TableShape::Bounded {
        buckets: 2048,
        ways: 4,
    };
    /// 32K entries, 8192 buckets × 4 ways (Arty A7-100T).
    pub const ARTY_100T: TableShape = TableShape::Bounded {
        buckets: 8192,
        ways: 4,
    };

    pub fn capacity(&self) -> Option<usize> {
        match self {
            TableShape::Bounded { buckets, ways } => Some(buckets * ways),
            TableShape::Unbounded => None,
        }
    }
}

/// Where a key lives, or could live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Bounded(usize),
    Unbounded,
}

pub(crate) enum Store {
    Bounded {
        ways: usize,
        bucket_mask: u32,
        slots: Vec<Option<Entry>>,
    },
    Unbounded(FxHashMap<FlowKey, Entry>),
}

/// The connection table.
pub struct Table {
    pub(crate) store: Store,
    hash_key: [u8; HASH_KEY_BYTES],
}

impl Table {
    pub fn new(shape: TableShape) -> Self {
        let store = match shape {
            TableShape::Bounded { buckets, ways } => {
                assert!(
                    buckets.is_power_of_two() && ways > 0,
                    "buckets must be a power of two"
                );
                Store::Bounded {
                    ways,
                    bucket_mask: (buckets - 1) as u32,
                    slots: vec![None; buckets * ways],
                }
            }
            TableShape::Unbounded => Store::Unbounded(FxHashMap::default()),
        };
        Table {
            store,
            hash_key: DEFAULT_HASH_KEY,
        }
    }

    /// Set the hash key. Entries are placed by the key, so the table is emptied (as the
    /// hardware does on a key change).
    pub fn set_hash_key(&mut self, key: [u8; HASH_KEY_BYTES]) {
        self.hash_key = key;
        self.clear();
    }

    pub fn hash_key(&self) -> [u8; HASH_KEY_BYTES] {
        self.hash_key
    }

    pub fn clear(&mut self) {
        match &mut self.store {
            Store::Bounded { slots, .. } => slots.iter_mut().for_each(|s| *s = None),
            Store::Unbounded(m) => m.clear(),
        }
    }

    /// The bucket index of `key` (bounded tables).
    pub fn bucket_of(&self, key: &FlowKey) -> usize {
        match &self.store {
            Store::Bounded { bucket_mask, .. } => {
                (toeplitz(&self.hash_key, &key.hash_input()) & bucket_mask) as usize
            }
            Store::Unbounded(_) => 0,
        }
    }

    /// The slot indices of the bucket of `key` (empty for an unbounded table).
    pub fn bucket_slots(&self, key: &FlowKey) -> std::ops::Range<usize> {
        match &self.store {
            Store::Bounded { ways, .. } => {
                let b = self.bucket_of(key);
                b * ways..(b + 1) * ways
            }
            Store::Unbounded(_) => 0..0,
        }
    }

    /// The entry at a slot index of a bounded table.
    pub fn slot(&self, i: usize) -> Option<&Entry> {
        match &self.store {
            Store::Bounded { slots, .. } => slots.get(i).and_then(|s| s.as_ref()),
            Store::Unbounded(_) => None,
        }
    }

    pub(crate) fn slot_mut(&mut self, i: usize) -> &mut Option<Entry> {
        match &mut self.store {
            Store::Bounded { slots, .. } => &mut slots[i],
            Store::Unbounded(_) => unreachable!("slot_mut on an unbounded table"),
        }
    }

    pub fn is_bounded(&self) -> bool {
        matches!(self.store, Store::Bounded { .. })
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Bounded { slots, .. } => slots.iter().filter(|s| s.is_some()).count(),
            Store::Unbounded(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All entries (bounded: in slot order; unbounded: in no particular order).
    pub fn entries(&self) -> Box<dyn Iterator<Item = &Entry> + '_> {
        match &self.store {
            Store::Bounded { slots, .. } => Box::new(slots.iter().flatten()),
            Store::Unbounded(m) => Box::new(m.values()),
        }
    }
}
