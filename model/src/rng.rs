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

/// What the traffic generator ([`crate::traffic`]) draws from a generator: numbers below a
/// bound (in 32 or in 64 bits: a stream may draw them differently), 32 random bits and a coin.
pub trait Source {
    /// A number in `0..n` (`n` ≥ 1), drawn in 32 bits.
    fn below32(&mut self, n: u32) -> u32;
    /// A number in `0..n` (`n` ≥ 1), drawn in 64 bits.
    fn below64(&mut self, n: u64) -> u64;
    /// Any 32 bits.
    fn any32(&mut self) -> u32;
    /// True or false, even odds.
    fn coin(&mut self) -> bool;
    /// True with probability `num / den` (a draw of [`Source::below32`]).
    fn chance(&mut self, num: u32, den: u32) -> bool {
        self.below32(den) < num
    }
}

impl Source for Rng {
    fn below32(&mut self, n: u32) -> u32 {
        self.below(n as u64) as u32
    }
    fn below64(&mut self, n: u64) -> u64 {
        self.below(n)
    }
    /// The low half of [`Rng::next_u64`] (as the tests have always taken an ISN).
    fn any32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
}

/// The stream of `synscope generate` since its first version: wyrand (Wang Yi's wyhash
/// generator, final v4.2 constants) with Lemire's multiply-and-shift bounded draws, as the
/// `fastrand` 2 crate computes them (`Rng::with_seed`, `u32(a..b)`, `u64(a..b)`, `bool()`).
/// It is kept so that a seed gives the same capture, byte for byte, and the figures recorded
/// from those captures (docs/) stay reproducible.
#[derive(Clone, Debug)]
pub struct WyRand(u64);

impl WyRand {
    /// A generator whose state is `seed` (any value, 0 included).
    pub const fn new(seed: u64) -> WyRand {
        WyRand(seed)
    }

    /// The next 64 bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = self.0.wrapping_add(0x2d35_8dcc_aa6c_78a5);
        self.0 = s;
        let t = u128::from(s) * u128::from(s ^ 0x8bb8_4b93_962e_acc9);
        (t as u64) ^ (t >> 64) as u64
    }

    /// The next 32 bits: the low half of [`WyRand::next_u64`].
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
}

impl Source for WyRand {
    /// Lemire, "Fast random integer generation in an interval" (2019), in 32 bits.
    fn below32(&mut self, n: u32) -> u32 {
        let mut m = self.next_u32() as u64 * n as u64;
        if (m as u32) < n {
            let t = n.wrapping_neg() % n;
            while (m as u32) < t {
                m = self.next_u32() as u64 * n as u64;
            }
        }
        (m >> 32) as u32
    }
    /// The same in 64 bits.
    fn below64(&mut self, n: u64) -> u64 {
        let mut m = self.next_u64() as u128 * n as u128;
        if (m as u64) < n {
            let t = n.wrapping_neg() % n;
            while (m as u64) < t {
                m = self.next_u64() as u128 * n as u128;
            }
        }
        (m >> 64) as u64
    }
    fn any32(&mut self) -> u32 {
        self.next_u32()
    }
    /// Even low byte.
    fn coin(&mut self) -> bool {
        (self.next_u32() & 1) == 0
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
