//! Which endpoint of a connection's key: the index of everything kept per endpoint.

use core::ops::{Index, IndexMut};

/// One of the two endpoints of a [`crate::FlowKey`], named by the key's canonical order
/// (address family, address, then port; [`crate::FlowKey::of`]): `Lo` is `key.lo`, the endpoint
/// that sorts first, `Hi` is `key.hi`. An entry keeps its endpoints' state as `[lo, hi]`
/// ([`crate::Entry::ends`]) and the hardware table lays them out in that order; a segment's
/// sender is one of them and its receiver [`End::other`].
///
/// Not to be confused with [`crate::fsm::Side`], which names a transition table (what a
/// segment does to its sender or to its receiver).
///
/// Any `[T; 2]` kept per endpoint is indexed by it (`ends[End::Lo]`) with no bounds check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum End {
    Lo = 0,
    Hi = 1,
}

impl End {
    /// Both, in the key's order.
    pub const BOTH: [End; 2] = [End::Lo, End::Hi];

    /// `Lo` if `is_lo` (as [`crate::FlowKey::of`] says of a segment's source), else `Hi`.
    #[inline(always)]
    pub const fn lo_if(is_lo: bool) -> End {
        if is_lo {
            End::Lo
        } else {
            End::Hi
        }
    }

    /// The other endpoint of the key (a sender's receiver).
    #[inline(always)]
    pub const fn other(self) -> End {
        match self {
            End::Lo => End::Hi,
            End::Hi => End::Lo,
        }
    }

    /// Its position in a `[lo, hi]` pair: 0 or 1.
    #[inline(always)]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// It is `key.lo`.
    #[inline(always)]
    pub const fn is_lo(self) -> bool {
        matches!(self, End::Lo)
    }
}

impl<T> Index<End> for [T; 2] {
    type Output = T;
    #[inline(always)]
    fn index(&self, end: End) -> &T {
        // 0 or 1: the check against 2 folds away.
        &self[end.index()]
    }
}

impl<T> IndexMut<End> for [T; 2] {
    #[inline(always)]
    fn index_mut(&mut self, end: End) -> &mut T {
        &mut self[end.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_the_pair_in_key_order() {
        let mut pair = ["lo", "hi"];
        assert_eq!(pair[End::Lo], "lo");
        assert_eq!(pair[End::Hi], "hi");
        pair[End::Hi.other()] = "first";
        assert_eq!(pair, ["first", "hi"]);
        for end in End::BOTH {
            assert_eq!(pair[end], pair[end.index()]);
            assert_eq!(end.other().other(), end);
            assert_eq!(End::lo_if(end.is_lo()), end);
        }
    }
}
