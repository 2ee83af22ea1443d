//! Counter rates: per second, from two successive counter snapshots and the host time between
//! them (the board's clock is in whole seconds, too coarse for a refresh every half second).

use std::time::Duration;
use synscope_model::protocol::payload::CounterSnapshot;
use synscope_model::Counter;

/// A counter snapshot and when the host received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed {
    pub snapshot: CounterSnapshot,
    /// Since the monitor started.
    pub at: Duration,
}

/// Per-second rate of every counter between `prev` and `cur`, in `Counter` order. A counter
/// that went down (cleared meanwhile) has no rate (`None`), nor has any when no time passed.
pub fn rates(prev: &Timed, cur: &Timed) -> Vec<Option<f64>> {
    let dt = cur.at.saturating_sub(prev.at).as_secs_f64();
    Counter::ALL
        .iter()
        .map(|c| {
            let (a, b) = (prev.snapshot.get(*c), cur.snapshot.get(*c));
            (dt > 0.0 && b >= a).then(|| (b - a) as f64 / dt)
        })
        .collect()
}

/// A rate for a narrow column: `-` when unknown, `0` when nothing happened, else three
/// significant digits with k/M suffixes.
pub fn format_rate(r: Option<f64>) -> String {
    match r {
        None => "-".to_string(),
        Some(0.0) => "0".to_string(),
        Some(x) if x < 10.0 => format!("{x:.2}"),
        Some(x) if x < 1e3 => format!("{x:.0}"),
        Some(x) if x < 1e6 => format!("{:.1}k", x / 1e3),
        Some(x) => format!("{:.1}M", x / 1e6),
    }
}
