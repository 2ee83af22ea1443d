//! Where a table slot is. The slot numbers the board sends (`DUMP_TABLE`, `LOOKUP`, `EVENT`)
//! are `bucket << WAY_BITS | way`, `WAY_BITS` the log2 of the ways per bucket: a build
//! parameter of the hardware (2, 4 or 8), reported in the `IDENTIFY` answer
//! ([`super::payload::Identity::layout`]). A slot is split here, and nowhere else.

use std::fmt;

/// The most ways per bucket a layout takes (the largest power of two an `IDENTIFY` answer's
/// `u8` can carry).
pub const MAX_WAYS: usize = 128;

/// A way count that makes no table: not a power of two, or fewer than 2 (an IPv6 entry takes
/// a pair of ways, its head in the even one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{ways} ways per bucket: a synscope table has a power of two of them, at least 2 (2, 4 or 8)"
)]
pub struct BadWays {
    pub ways: usize,
}

/// How slot numbers split into bucket and way, for a table of [`SlotLayout::ways`] ways per
/// bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SlotLayout {
    way_bits: u8,
}

impl SlotLayout {
    /// The layout of a table of `ways` ways per bucket.
    pub const fn new(ways: usize) -> Result<SlotLayout, BadWays> {
        if ways >= 2 && ways <= MAX_WAYS && ways.is_power_of_two() {
            Ok(SlotLayout {
                way_bits: ways.trailing_zeros() as u8,
            })
        } else {
            Err(BadWays { ways })
        }
    }

    /// Ways per bucket.
    pub const fn ways(self) -> usize {
        1 << self.way_bits
    }

    /// Bits of a way index: log2 of [`SlotLayout::ways`].
    pub const fn way_bits(self) -> u32 {
        self.way_bits as u32
    }

    /// The bucket of `slot`.
    pub const fn bucket(self, slot: u16) -> usize {
        (slot >> self.way_bits) as usize
    }

    /// The way of `slot` in its bucket.
    pub const fn way(self, slot: u16) -> usize {
        slot as usize & (self.ways() - 1)
    }

    /// Bucket and way of `slot`.
    pub const fn pos(self, slot: u16) -> SlotPos {
        SlotPos {
            bucket: self.bucket(slot),
            way: self.way(slot),
        }
    }

    /// The slot number of `pos`; `None` when its way is not one of this layout's, or the
    /// number does not fit the protocol's `u16`.
    pub fn slot(self, pos: SlotPos) -> Option<u16> {
        if pos.way >= self.ways() {
            return None;
        }
        u16::try_from(pos.bucket << self.way_bits | pos.way).ok()
    }
}

/// A slot as bucket and way; it prints as `bucket/way`. Ordered as the slot numbers are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotPos {
    pub bucket: usize,
    pub way: usize,
}

impl fmt::Display for SlotPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.bucket, self.way)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(ways: usize) -> SlotLayout {
        SlotLayout::new(ways).unwrap()
    }

    #[test]
    fn known_slots_split_by_the_way_count() {
        // 0x1235 = 0b1_0010_0011_0101.
        let cases = [
            (2, 0x1235, 0x91a, 1),
            (4, 0x1235, 0x48d, 1),
            (8, 0x1235, 0x246, 5),
            (2, 0, 0, 0),
            (4, 7, 1, 3),
            (8, 7, 0, 7),
            (8, 8, 1, 0),
            (8, 0xffff, 0x1fff, 7),
        ];
        for (ways, slot, bucket, way) in cases {
            let l = layout(ways);
            assert_eq!(
                (l.bucket(slot), l.way(slot)),
                (bucket, way),
                "{ways} ways, {slot}"
            );
            assert_eq!(l.pos(slot), SlotPos { bucket, way });
        }
        assert_eq!(layout(2).way_bits(), 1);
        assert_eq!(layout(4).way_bits(), 2);
        assert_eq!(layout(8).way_bits(), 3);
        assert_eq!(layout(8).ways(), 8);
    }

    #[test]
    fn slots_round_trip() {
        for ways in [2, 4, 8] {
            let l = layout(ways);
            for slot in (0..=u16::MAX).step_by(7).chain([u16::MAX]) {
                let p = l.pos(slot);
                assert!(p.way < ways);
                assert_eq!(l.slot(p), Some(slot), "{ways} ways, {slot}");
            }
            for bucket in [0, 1, 5, 100] {
                for way in 0..ways {
                    let p = SlotPos { bucket, way };
                    assert_eq!(l.pos(l.slot(p).unwrap()), p);
                }
            }
            assert_eq!(
                l.slot(SlotPos {
                    bucket: 0,
                    way: ways
                }),
                None
            );
            assert_eq!(
                l.slot(SlotPos {
                    bucket: 1 << 16,
                    way: 0
                }),
                None
            );
        }
    }

    #[test]
    fn slot_order_is_bucket_then_way() {
        let l = layout(8);
        let mut pos: Vec<SlotPos> = [9u16, 0, 17, 8, 7, 16].iter().map(|s| l.pos(*s)).collect();
        pos.sort();
        let slots: Vec<u16> = pos.iter().map(|p| l.slot(*p).unwrap()).collect();
        assert_eq!(slots, [0, 7, 8, 9, 16, 17]);
    }

    #[test]
    fn a_position_prints_as_bucket_slash_way() {
        assert_eq!(layout(4).pos(4 << 2 | 1).to_string(), "4/1");
        assert_eq!(layout(8).pos(4 << 2 | 1).to_string(), "2/1");
    }

    #[test]
    fn way_counts_that_make_no_table_are_refused() {
        for ways in [0, 1, 3, 5, 6, 7, 12, 255, 256] {
            assert_eq!(SlotLayout::new(ways), Err(BadWays { ways }), "{ways}");
        }
        for ways in [2, 4, 8, 16, 128] {
            assert_eq!(SlotLayout::new(ways).map(SlotLayout::ways), Ok(ways));
        }
        assert_eq!(
            BadWays { ways: 3 }.to_string(),
            "3 ways per bucket: a synscope table has a power of two of them, at least 2 (2, 4 or 8)"
        );
    }
}
