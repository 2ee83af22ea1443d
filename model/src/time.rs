//! The time base: ticks of 1/16 s, counted modulo 2³².
//!
//! Timers are compared at sub-second resolution (TIME_WAIT lasts its 60 s, not 59.x s of a
//! floored clock) and a tick is still coarse enough that the hardware stores a time in
//! [`crate::entry::layout::TIME_BITS`] bits. Capture timestamps are converted once, at the
//! front end; every comparison is wraparound-safe, like sequence numbers (RFC 9293 §3.4).

use std::time::Duration;

/// Ticks per second.
pub const TICKS_PER_SECOND: u32 = 16;

/// `s` seconds in ticks.
pub const fn secs(s: u32) -> u32 {
    s * TICKS_PER_SECOND
}

/// A capture timestamp (time since the epoch) in ticks, modulo 2³², rounded down to a tick.
pub fn ticks(t: Duration) -> u32 {
    let whole = t.as_secs().wrapping_mul(TICKS_PER_SECOND as u64);
    let frac = t.subsec_nanos() as u64 * TICKS_PER_SECOND as u64 / 1_000_000_000;
    whole.wrapping_add(frac) as u32
}

/// Whole seconds of a tick count (for display).
pub const fn whole_secs(t: u32) -> u32 {
    t / TICKS_PER_SECOND
}

/// `a` is later than `b` (modulo 2³²).
pub const fn later(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Ticks from `since` to `now`; 0 when `since` is later (a clock that went backwards).
pub const fn elapsed(now: u32, since: u32) -> u32 {
    if later(since, now) {
        0
    } else {
        now.wrapping_sub(since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_second_timestamps_are_kept() {
        assert_eq!(ticks(Duration::from_millis(10_900)), 174);
        assert_eq!(ticks(Duration::from_millis(70_500)), 1128);
        // 59.6 s apart: not yet 60 s.
        assert!(elapsed(1128, 174) < secs(60));
    }

    #[test]
    fn comparisons_wrap() {
        assert!(later(5, u32::MAX - 5));
        assert_eq!(elapsed(5, u32::MAX - 5), 11);
        assert_eq!(elapsed(u32::MAX - 5, 5), 0);
    }
}
