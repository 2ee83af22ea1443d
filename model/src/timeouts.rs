//! Timeouts, and how time moves an entry (aging).
//!
//! Time is ticks of [`crate::time`]: capture timestamps offline, a tick counter in the hardware
//! (which the simulator sets from capture timestamps, so idle seconds are never simulated cycle by
//! cycle). Expiry is a pure function of an entry's clocks and the current time, applied whenever
//! an entry is read (lookup, dump) and by the background sweep: an entry is the same whenever and
//! however often it is aged, so the hardware's sweep order cannot make it differ from the model.
//!
//! The timers are the default Linux stack's (`../shared/notes/acceptability.md`, "Timers"):
//!
//! | endpoint | ends after | Linux |
//! |---|---|---|
//! | SYN_SENT, SYN_RECEIVED | silence past its retransmission schedule ([`handshake_silence`]), at most `handshake` | `tcp_syn_retries`, `tcp_synack_retries` (about 127 s and 63 s) |
//! | TIME_WAIT | `time_wait` | `TCP_TIMEWAIT_LEN`, 60 s |
//! | FIN_WAIT_2 | `fin_wait_2` of silence | `tcp_fin_timeout`, 60 s (an orphaned FIN_WAIT_2) |
//!
//! An endpoint that times out is CLOSED; an entry whose two endpoints are CLOSED stays visible for
//! `linger`, and any entry silent for `idle` is forgotten.

use crate::state::TcpState;
use crate::time::{elapsed, later, secs};

/// Largest timeout in seconds: stored times wrap after 2^TIME_BITS ticks (about 18 hours), and
/// the sweep must visit an entry well within that.
pub const MAX_TIMEOUT_S: u32 = 16_383;

/// Linux's initial retransmission timeout for a SYN or SYN-ACK (`TCP_TIMEOUT_INIT`, 1 s; RFC 6298
/// §2.1), in ticks.
pub const RTO_INIT: u32 = secs(1);

/// Configurable timeouts, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// 2MSL: TIME_WAIT → CLOSED (RFC 9293 §3.10.7.4; Linux `TCP_TIMEWAIT_LEN`, 60 s).
    pub time_wait: u32,
    /// The longest silence of an endpoint in SYN_SENT or SYN_RECEIVED before it is taken to have
    /// given up (Linux: `tcp_synack_retries` 5 drops a request about 63 s after its SYN-ACK).
    pub handshake: u32,
    /// An orphaned FIN_WAIT_2 ends after this long without a segment (Linux `tcp_fin_timeout`).
    pub fin_wait_2: u32,
    /// A connection with no segment for this long is forgotten. Longer than the 7200 s
    /// keep-alive time plus its 9 probes 75 s apart (`tcp_keepalive_time`, `_intvl`, `_probes`),
    /// so a keep-alive always finds its entry.
    pub idle: u32,
    /// A connection whose both endpoints are CLOSED stays visible this long, so a dump shows
    /// how it ended.
    pub linger: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            time_wait: 60,
            handshake: 63,
            fin_wait_2: 60,
            idle: 7200 + 9 * 75,
            linger: 10,
        }
    }
}

impl Timeouts {
    /// `(name, seconds)` of every timeout, in wire order.
    pub fn named(&self) -> [(&'static str, u32); 5] {
        [
            ("time_wait", self.time_wait),
            ("handshake", self.handshake),
            ("fin_wait_2", self.fin_wait_2),
            ("idle", self.idle),
            ("linger", self.linger),
        ]
    }

    /// Check every timeout is within 1..=[`MAX_TIMEOUT_S`] and that idle outlasts the others.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in self.named() {
            if v == 0 || v > MAX_TIMEOUT_S {
                return Err(format!(
                    "{name} timeout {v} s is outside 1..={MAX_TIMEOUT_S}"
                ));
            }
        }
        let longest = self.time_wait.max(self.handshake).max(self.fin_wait_2);
        if self.idle <= longest + self.linger {
            return Err(format!(
                "idle timeout {} s must be longer than the state timeouts + linger ({} s)",
                self.idle,
                longest + self.linger
            ));
        }
        Ok(())
    }

    /// The shortest timeout, in ticks: aging leaves alone an entry seen more recently than this
    /// and holding no handshake clock.
    pub fn shortest_ticks(&self) -> u32 {
        secs(
            self.time_wait
                .min(self.fin_wait_2)
                .min(self.idle)
                .min(self.linger),
        )
    }
}

/// How long an endpoint in SYN_SENT or SYN_RECEIVED may stay silent after its last SYN (SYN-ACK)
/// while still retransmitting, `gap` being the interval before that one (0: it was the first).
///
/// The retransmission timeout at most doubles from one retransmission to the next (RFC 6298
/// §5.5; Linux `tcp_retransmit_timer` and `reqsk_timer_handler`; it stays the same while
/// `tcp_syn_linear_timeouts` applies), starting at [`RTO_INIT`]. So the next SYN is due at most
/// `2g` after the last, `g` the last interval seen: allow a quarter more for the kernel's timer
/// wheel (its granularity is about 1/8 of a timeout) and one second for capture timestamps.
/// Silence beyond that means the endpoint gave up (connect() timed out, the request was dropped)
/// — or, never having sent, that it never took the peer's SYN.
pub fn handshake_silence(gap: u32) -> u32 {
    let g = gap.max(RTO_INIT);
    2 * g + g / 4 + secs(1)
}

/// The clocks of an entry that time acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clocks {
    pub states: [TcpState; 2],
    /// Each endpoint's handshake clock `(at, gap)`, in SYN_SENT / SYN_RECEIVED.
    pub handshake: [Option<(u32, u32)>; 2],
    /// When the connection was last seen, re-anchored to each timeout as it fires.
    pub last_seen: u32,
}

/// When a handshake endpoint whose clock is `(at, gap)` gives up.
pub fn handshake_deadline(at: u32, gap: u32, t: &Timeouts) -> u32 {
    at.wrapping_add(handshake_silence(gap).min(secs(t.handshake)))
}

/// When endpoint `i`'s timer fires, if it has one.
fn deadline(c: &Clocks, i: usize, t: &Timeouts) -> Option<u32> {
    match c.states[i] {
        TcpState::SynSent | TcpState::SynReceived => {
            let (at, gap) = c.handshake[i].unwrap_or((c.last_seen, 0));
            Some(handshake_deadline(at, gap, t))
        }
        TcpState::TimeWait => Some(c.last_seen.wrapping_add(secs(t.time_wait))),
        TcpState::FinWait2 => Some(c.last_seen.wrapping_add(secs(t.fin_wait_2))),
        _ => None,
    }
}

/// An entry's clocks after aging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aged {
    Alive(Clocks),
    /// Gone from the table, with its last states (both CLOSED after `linger`, or as they were
    /// when it went `idle`).
    Gone(Clocks),
}

impl Aged {
    /// The clocks if the entry is still there.
    pub fn alive(self) -> Option<Clocks> {
        match self {
            Aged::Alive(c) => Some(c),
            Aged::Gone(_) => None,
        }
    }
}

/// What time does to an entry's clocks at `now`.
///
/// The endpoint timers fire in the order of their deadlines (the lo endpoint first on a tie);
/// each one makes its endpoint CLOSED, and the one that leaves both CLOSED re-anchors
/// `last_seen` to its deadline when that is later. Then an entry whose endpoints are both CLOSED
/// for `linger`, or silent for `idle`, is gone. Running the timers in deadline order, and moving
/// the anchor only when no timer runs from it any more, makes aging composable: aging at t₁ then
/// at t₂ equals aging at t₂.
pub fn expire(clocks: Clocks, now: u32, t: &Timeouts) -> Aged {
    // The common case first: no endpoint timer, and neither linger nor idle due.
    let timers = clocks.states.iter().any(|s| {
        matches!(
            s,
            TcpState::SynSent | TcpState::SynReceived | TcpState::TimeWait | TcpState::FinWait2
        )
    });
    if !timers {
        let silent = elapsed(now, clocks.last_seen);
        let closed = clocks.states == [TcpState::Closed; 2];
        if silent < secs(t.idle) && !(closed && silent >= secs(t.linger)) {
            return Aged::Alive(clocks);
        }
    }
    let mut c = clocks;
    // Each step closes an endpoint, so at most two fire.
    loop {
        let due = |i: usize| deadline(&c, i, t).filter(|d| !later(*d, now));
        let fire = match (due(0), due(1)) {
            (Some(a), Some(b)) => Some(if later(a, b) { (1, b) } else { (0, a) }),
            (Some(a), None) => Some((0, a)),
            (None, Some(b)) => Some((1, b)),
            (None, None) => None,
        };
        let Some((i, d)) = fire else { break };
        c.states[i] = TcpState::Closed;
        c.handshake[i] = None;
        // Both CLOSED now: the linger counts from here. (Only then: the other endpoint's timer
        // may run from `last_seen` too, and must not move.)
        if c.states == [TcpState::Closed; 2] && later(d, c.last_seen) {
            c.last_seen = d;
        }
    }
    let silent = elapsed(now, c.last_seen);
    let closed = c.states == [TcpState::Closed; 2];
    if (closed && silent >= secs(t.linger)) || silent >= secs(t.idle) {
        return Aged::Gone(c);
    }
    Aged::Alive(c)
}

/// When an entry with these clocks leaves the table if no segment comes: the first time at
/// which [`expire`] says it is gone. What `conntrack -L` shows as an entry's remaining timeout
/// is this minus the current time.
///
/// The entry goes when it has been silent for `idle`, or both endpoints have been CLOSED for
/// `linger`, counted from `last_seen` as the endpoint timers re-anchor it: so the candidates
/// are `idle` and `linger` after the anchor before and after every timer has fired, and the
/// answer is the earliest of them that [`expire`] takes (it is the one definition).
pub fn removal_time(clocks: Clocks, t: &Timeouts) -> u32 {
    // Every timer fired: the clocks as they will be once no endpoint timer runs any more (the
    // timers end within `handshake`, `time_wait` or `fin_wait_2`, all below `idle`).
    let settled = match expire(clocks, clocks.last_seen.wrapping_add(secs(t.idle) - 1), t) {
        Aged::Alive(c) | Aged::Gone(c) => c,
    };
    let mut candidates = [
        clocks.last_seen.wrapping_add(secs(t.linger)),
        clocks.last_seen.wrapping_add(secs(t.idle)),
        settled.last_seen.wrapping_add(secs(t.linger)),
        settled.last_seen.wrapping_add(secs(t.idle)),
    ];
    // Earliest first, wraparound-safe (all lie within 2³¹ ticks after `last_seen`).
    candidates.sort_by_key(|c| c.wrapping_sub(clocks.last_seen));
    candidates
        .into_iter()
        .find(|&at| matches!(expire(clocks, at, t), Aged::Gone(_)))
        .unwrap_or(candidates[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState::*;

    const T: Timeouts = Timeouts {
        time_wait: 60,
        handshake: 63,
        fin_wait_2: 60,
        idle: 1000,
        linger: 10,
    };

    fn clocks(states: [TcpState; 2], last_seen: u32) -> Clocks {
        Clocks {
            states,
            handshake: [None; 2],
            last_seen,
        }
    }

    #[test]
    fn time_wait_closes_after_2msl_then_lingers() {
        let c = clocks([TimeWait, Closed], 100);
        assert_eq!(expire(c, 100 + secs(60) - 1, &T).alive(), Some(c));
        let closed = clocks([Closed, Closed], 100 + secs(60));
        assert_eq!(expire(c, 100 + secs(60), &T).alive(), Some(closed));
        assert_eq!(expire(c, 100 + secs(70) - 1, &T).alive(), Some(closed));
        assert_eq!(expire(c, 100 + secs(70), &T).alive(), None);
    }

    #[test]
    fn both_in_time_wait_close_together() {
        let c = clocks([TimeWait, TimeWait], 0);
        assert_eq!(
            expire(c, secs(60), &T).alive(),
            Some(clocks([Closed, Closed], secs(60)))
        );
    }

    #[test]
    fn fin_wait_2_ends_after_the_fin_timeout() {
        let c = clocks([FinWait2, CloseWait], 0);
        assert_eq!(expire(c, secs(60) - 1, &T).alive(), Some(c));
        assert_eq!(
            expire(c, secs(60), &T).alive(),
            Some(clocks([Closed, CloseWait], 0))
        );
    }

    #[test]
    fn a_silent_handshake_endpoint_gives_up_after_twice_its_last_interval() {
        // SYNs 1 s apart, the last at 5 s: the next is due by 7 s (+ slack).
        let c = Clocks {
            states: [SynSent, SynReceived],
            handshake: [Some((secs(5), secs(1))), Some((secs(11), secs(4)))],
            last_seen: secs(11),
        };
        let limit = secs(5) + handshake_silence(secs(1));
        assert_eq!(limit, secs(5) + secs(2) + 4 + secs(1));
        assert_eq!(expire(c, limit - 1, &T).alive(), Some(c));
        let aged = expire(c, limit, &T).alive().unwrap();
        assert_eq!(aged.states, [Closed, SynReceived]);
        // The deadline was before the last segment: the anchor stays.
        assert_eq!(aged.last_seen, secs(11));
        // The server's own schedule: 4 s interval -> 8 + 1 + 1 s.
        let server = secs(11) + handshake_silence(secs(4));
        assert_eq!(
            expire(c, server, &T).alive().unwrap().states,
            [Closed, Closed]
        );
        assert_eq!(expire(c, server + secs(10), &T).alive(), None);
    }

    #[test]
    fn the_handshake_timeout_caps_a_long_interval() {
        let c = Clocks {
            states: [SynReceived, Closed],
            handshake: [Some((0, secs(100))), None],
            last_seen: 0,
        };
        assert_eq!(
            expire(c, secs(63) - 1, &T).alive().unwrap().states[0],
            SynReceived
        );
        assert_eq!(expire(c, secs(63), &T).alive().unwrap().states[0], Closed);
    }

    #[test]
    fn aging_is_composable() {
        let cases = [
            clocks([TimeWait, Closed], 0),
            clocks([TimeWait, LastAck], 0),
            clocks([FinWait2, TimeWait], 0),
            clocks([TimeWait, TimeWait], 0),
            clocks([Established, CloseWait], 0),
            clocks([Closed, Closed], 0),
            Clocks {
                states: [SynSent, SynReceived],
                handshake: [Some((0, secs(1))), Some((secs(3), 0))],
                last_seen: secs(3),
            },
            Clocks {
                states: [TimeWait, SynReceived],
                handshake: [None, Some((secs(20), secs(30)))],
                last_seen: secs(10),
            },
        ];
        let step = 8; // half a second
        for c in cases {
            for t1 in (0..secs(160)).step_by(step) {
                for t2 in (t1..secs(170)).step_by(step * 3) {
                    let direct = expire(c, t2, &T).alive();
                    let stepped = expire(c, t1, &T)
                        .alive()
                        .and_then(|a| expire(a, t2, &T).alive());
                    assert_eq!(direct, stepped, "{c:?} {t1} {t2}");
                }
            }
        }
    }

    #[test]
    fn idle_forgets_a_silent_connection() {
        let c = clocks([Established, Established], 0);
        assert_eq!(expire(c, secs(1000) - 1, &T).alive(), Some(c));
        assert_eq!(expire(c, secs(1000), &T).alive(), None);
    }

    #[test]
    fn removal_time_is_when_expire_lets_go() {
        let handshaking = Clocks {
            states: [SynSent, SynReceived],
            handshake: [Some((100, secs(1))), Some((110, secs(4)))],
            last_seen: 110,
        };
        let mut cases = vec![handshaking];
        for s in [
            [TimeWait, Closed],
            [TimeWait, SynReceived],
            [SynSent, Closed],
            [Established, CloseWait],
            [FinWait2, CloseWait],
            [FinWait2, LastAck],
            [Closed, Closed],
            [Established, Established],
        ] {
            cases.push(clocks(s, 100));
            cases.push(clocks(s, u32::MAX - 20)); // across the wrap
        }
        for c in cases {
            let at = removal_time(c, &T);
            assert!(later(at, c.last_seen), "{c:?}");
            assert!(
                expire(c, at.wrapping_sub(1), &T).alive().is_some(),
                "{c:?} {at}"
            );
            assert_eq!(expire(c, at, &T).alive(), None, "{c:?} {at}");
        }
        // TIME_WAIT 60 s, then linger 10 s.
        assert_eq!(
            removal_time(clocks([TimeWait, Closed], 100), &T),
            100 + secs(70)
        );
        assert_eq!(
            removal_time(clocks([Established; 2], 100), &T),
            100 + secs(1000)
        );
    }

    #[test]
    fn defaults_are_valid_and_idle_outlasts_the_keepalive() {
        let d = Timeouts::default();
        d.validate().unwrap();
        assert!(d.idle > 7200);
        assert!(Timeouts { idle: 0, ..T }.validate().is_err());
        assert!(Timeouts { idle: 70, ..T }.validate().is_err());
    }
}
