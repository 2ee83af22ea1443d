//! Timeouts, and how time moves an entry (aging).
//!
//! Time is whole seconds of a time base: capture timestamps offline, a seconds counter in the
//! hardware (which the simulator sets from capture timestamps, so idle seconds are never simulated
//! cycle by cycle). Expiry is a pure function of an entry and the current time, applied whenever
//! an entry is read (lookup, dump) and by the background sweep: an entry is the same whenever and
//! however often it is aged, so the hardware's sweep order cannot make it differ from the model.

use crate::state::TcpState;

/// Largest timeout in seconds: entries store the time they were last seen in 16 bits, and the
/// sweep removes every entry older than the largest timeout long before that wraps.
pub const MAX_TIMEOUT_S: u32 = (1 << 15) - 1;

/// Configurable timeouts, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// 2MSL: TIME_WAIT → CLOSED (RFC 9293 §3.10.7.4; Linux uses 60 s).
    pub time_wait: u32,
    /// A handshake that never completes (no endpoint synchronized): → CLOSED.
    pub embryonic: u32,
    /// A connection with no segment for this long is forgotten.
    pub idle: u32,
    /// A connection whose both endpoints are CLOSED stays visible this long, so a dump shows
    /// how it ended.
    pub linger: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            time_wait: 60,
            embryonic: 60,
            idle: 7200,
            linger: 10,
        }
    }
}

impl Timeouts {
    /// Check every timeout is within [`MAX_TIMEOUT_S`] and time_wait/embryonic + linger is too.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("time_wait", self.time_wait),
            ("embryonic", self.embryonic),
            ("idle", self.idle),
            ("linger", self.linger),
        ] {
            if v == 0 || v > MAX_TIMEOUT_S {
                return Err(format!(
                    "{name} timeout {v} s is outside 1..={MAX_TIMEOUT_S}"
                ));
            }
        }
        if self.time_wait + self.embryonic + self.linger > MAX_TIMEOUT_S {
            return Err("time_wait + embryonic + linger is too long".into());
        }
        // Aging is composable only if a connection cannot go idle before its handshake or its
        // TIME_WAIT has timed out and lingered.
        if self.idle <= self.time_wait.max(self.embryonic) + self.linger {
            return Err(format!(
                "idle timeout {} s must be longer than time_wait/embryonic + linger",
                self.idle
            ));
        }
        Ok(())
    }
}

/// Seconds from `since` to `now` (0 if the clock went backwards).
pub fn elapsed(now: u32, since: u32) -> u32 {
    now.saturating_sub(since)
}

/// What time does to a pair of endpoint states last seen at `last_seen`, at `now`.
///
/// Returns the new states and the new anchor time, or `None` when the entry is gone:
/// 1. a handshake with no synchronized endpoint older than `embryonic` → both CLOSED, anchored
///    at the moment it timed out;
/// 2. an endpoint in TIME_WAIT older than `time_wait` → CLOSED (2MSL), anchored likewise;
///    (1 and 2 repeat while they apply: [TIME_WAIT, SYN_RECEIVED] becomes half-open after 2MSL);
/// 3. both CLOSED for `linger` → gone;
/// 4. anything else silent for `idle` → gone.
///
/// Re-anchoring makes aging composable: aging at t₁ then at t₂ equals aging at t₂.
pub fn expire(
    states: [TcpState; 2],
    last_seen: u32,
    now: u32,
    t: &Timeouts,
) -> Option<([TcpState; 2], u32)> {
    let mut e = elapsed(now, last_seen);
    let mut anchor = last_seen;
    let mut out = states;
    // At most three steps ([TIME_WAIT, SYN_RECEIVED] → [CLOSED, SYN_RECEIVED] → [CLOSED,
    // CLOSED]); each consumes its timeout, so the loop ends.
    loop {
        let [a, b] = out;
        let both_closed = a == TcpState::Closed && b == TcpState::Closed;
        let embryonic = !(a.is_synchronized() || b.is_synchronized() || both_closed);
        if embryonic && e >= t.embryonic {
            out = [TcpState::Closed, TcpState::Closed];
            anchor += t.embryonic;
            e -= t.embryonic;
        } else if (a == TcpState::TimeWait || b == TcpState::TimeWait) && e >= t.time_wait {
            out = out.map(|s| {
                if s == TcpState::TimeWait {
                    TcpState::Closed
                } else {
                    s
                }
            });
            anchor += t.time_wait;
            e -= t.time_wait;
        } else {
            break;
        }
    }
    let closed = out[0] == TcpState::Closed && out[1] == TcpState::Closed;
    if (closed && e >= t.linger) || e >= t.idle {
        return None;
    }
    Some((out, anchor))
}

/// When an entry in `states`, last seen at `last_seen`, leaves the table if no segment comes:
/// the first time at which [`expire`] gives `None` (its steps taken to their ends). What
/// `conntrack -L` shows as an entry's remaining timeout is this minus the current time.
pub fn removal_time(states: [TcpState; 2], last_seen: u32, t: &Timeouts) -> u64 {
    let mut anchor = last_seen as u64;
    let mut out = states;
    loop {
        let [a, b] = out;
        let both_closed = a == TcpState::Closed && b == TcpState::Closed;
        if !(a.is_synchronized() || b.is_synchronized() || both_closed) {
            out = [TcpState::Closed, TcpState::Closed];
            anchor += t.embryonic as u64;
        } else if a == TcpState::TimeWait || b == TcpState::TimeWait {
            out = out.map(|s| {
                if s == TcpState::TimeWait {
                    TcpState::Closed
                } else {
                    s
                }
            });
            anchor += t.time_wait as u64;
        } else if both_closed {
            return anchor + t.linger as u64;
        } else {
            return anchor + t.idle as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState::*;

    const T: Timeouts = Timeouts {
        time_wait: 60,
        embryonic: 30,
        idle: 1000,
        linger: 10,
    };

    #[test]
    fn time_wait_closes_after_2msl_then_lingers() {
        let s = [TimeWait, Closed];
        assert_eq!(expire(s, 100, 159, &T), Some((s, 100)));
        assert_eq!(expire(s, 100, 160, &T), Some(([Closed, Closed], 160)));
        assert_eq!(expire(s, 100, 169, &T), Some(([Closed, Closed], 160)));
        assert_eq!(expire(s, 100, 170, &T), None);
    }

    #[test]
    fn aging_is_composable() {
        for s in [
            [TimeWait, Closed],
            [TimeWait, LastAck],
            [SynSent, SynReceived],
            [Established, CloseWait],
            [Closed, Closed],
        ] {
            for t1 in 0..120 {
                for t2 in t1..130 {
                    let direct = expire(s, 0, t2, &T);
                    let stepped = expire(s, 0, t1, &T).and_then(|(s1, a1)| expire(s1, a1, t2, &T));
                    assert_eq!(direct, stepped, "{s:?} {t1} {t2}");
                }
            }
        }
    }

    #[test]
    fn embryonic_and_idle() {
        assert_eq!(
            expire([SynSent, SynReceived], 0, 30, &T),
            Some(([Closed, Closed], 30))
        );
        assert_eq!(expire([SynSent, SynReceived], 0, 40, &T), None);
        assert_eq!(
            expire([Established, Established], 0, 999, &T),
            Some(([Established, Established], 0))
        );
        assert_eq!(expire([Established, Established], 0, 1000, &T), None);
    }

    #[test]
    fn removal_time_is_when_expire_lets_go() {
        for s in [
            [TimeWait, Closed],
            [TimeWait, SynReceived],
            [SynSent, SynReceived],
            [SynSent, Closed],
            [Established, CloseWait],
            [FinWait2, CloseWait],
            [Closed, Closed],
        ] {
            let at = removal_time(s, 100, &T);
            assert!(at > 100, "{s:?}");
            assert!(expire(s, 100, at as u32 - 1, &T).is_some(), "{s:?} {at}");
            assert_eq!(expire(s, 100, at as u32, &T), None, "{s:?} {at}");
        }
        assert_eq!(removal_time([TimeWait, Closed], 100, &T), 170);
        assert_eq!(removal_time([Established, Established], 100, &T), 1100);
    }

    #[test]
    fn defaults_are_valid() {
        Timeouts::default().validate().unwrap();
        assert!(Timeouts { idle: 0, ..T }.validate().is_err());
    }
}
