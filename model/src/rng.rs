//! The deterministic random-number generator of the tests and benches: the same seed gives the
//! same stream on every machine, so a generated case, capture or workload can be replayed and
//! its figures recorded.
//!
//! xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators,
//! scrambled", 2016: shifts 12, 25, 27, multiplier 2685821657736338717): small, fast, and good
//! enough for test streams; not for anything an adversary may predict.

/// A xorshift64* generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose state is `seed` (0, a fixed point of xorshift, is taken as 1).
    pub const fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 1 } else { seed })
    }

    /// A generator whose state is `seed` mixed (one SplitMix64 multiply): small or adjacent
    /// seeds start streams that look unrelated.
    pub const fn mixed(seed: u64) -> Rng {
        Rng((seed ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1)
    }

    /// The next 64 bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// The next 32 bits: the high half of [`Rng::next_u64`] (its best bits).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// The next 128 bits: two [`Rng::next_u64`], the first high.
    pub fn next_u128(&mut self) -> u128 {
        ((self.next_u64() as u128) << 64) | self.next_u64() as u128
    }

    /// A number in `0..n` (`next_u64() % n`: the small bias is no matter for tests).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `num / den`.
    #[inline]
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream is pinned: tests and benches record figures computed from it.
    #[test]
    fn the_stream_is_xorshift64_star() {
        let mut r = Rng::new(1);
        assert_eq!(r.next_u64(), 0x47e4_ce4b_896c_dd1d);
        assert_eq!(Rng::new(0).next_u64(), Rng::new(1).next_u64());
        let mut a = Rng::new(0x5eed);
        let mut b = Rng::new(0x5eed);
        let x = a.next_u64();
        assert_eq!(b.next_u32(), (x >> 32) as u32);
        assert_eq!(
            Rng::mixed(3).next_u64(),
            Rng::new((3 ^ 0x9e37_79b9_7f4a_7c15u64).wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1)
                .next_u64()
        );
    }
}
