//! Times and durations as people read them: local wall-clock timestamps (as tshark and
//! `conntrack -E -o timestamp` print them), short durations (`3m04s`), and the board's clock.

use chrono::{DateTime, Local, TimeZone};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A moment since the epoch as local time, to the millisecond: `2024-05-01 12:03:04.123`.
pub fn timestamp(since_epoch: Duration) -> String {
    match Local.timestamp_opt(
        since_epoch.as_secs() as i64,
        since_epoch.subsec_millis() * 1_000_000,
    ) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        chrono::LocalResult::None => format!("{:.3}", since_epoch.as_secs_f64()),
    }
}

/// `timestamp` for many moments in a row: the local date and time of a second is worked out
/// once (the time zone's rules are not cheap), the milliseconds appended. Connections are
/// listed in order of first appearance, so neighbours share their second.
#[derive(Default)]
pub struct Stamper {
    second: Option<u64>,
    prefix: String,
    out: String,
}

impl Stamper {
    pub fn stamp(&mut self, since_epoch: Duration) -> &str {
        let s = since_epoch.as_secs();
        if self.second != Some(s) {
            let full = timestamp(Duration::from_secs(s));
            // `YYYY-MM-DD HH:MM:SS.000` without the `.000`.
            self.prefix = full.trim_end_matches(".000").to_string();
            self.second = Some(s);
        }
        self.out.clear();
        self.out.push_str(&self.prefix);
        let _ = std::fmt::Write::write_fmt(
            &mut self.out,
            format_args!(".{:03}", since_epoch.subsec_millis()),
        );
        &self.out
    }
}

/// The time of day of a moment, to the millisecond: `12:03:04.123`.
pub fn time_of_day(at: SystemTime) -> String {
    DateTime::<Local>::from(at)
        .format("%H:%M:%S%.3f")
        .to_string()
}

/// Seconds since the epoch of a moment (JSON, CSV).
pub fn epoch_seconds(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// A duration in at most two units: `0.42s`, `59s`, `3m04s`, `2h03m`, `5d03h`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=9 if d.subsec_millis() > 0 => format!("{:.2}s", d.as_secs_f64()),
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        3600..=86_399 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// Whole seconds as a duration (`duration` without the fraction).
pub fn seconds(s: u64) -> String {
    duration(Duration::from_secs(s))
}

/// The board's clock, given in ticks of 1/16 s modulo 2³² (`synscope_model::time`): a real
/// board counts from its reset, the simulated board from its capture's timestamps (modulo 2³²
/// ticks, about 8.5 years, so not a date). Shown as seconds with two decimals.
pub fn board_time(ticks: u32) -> String {
    format!(
        "{:.2} s",
        ticks as f64 / synscope_model::time::TICKS_PER_SECOND as f64
    )
}

/// Extend a 16-bit board time (an event record's) to full seconds with a recent full reading
/// `now` of the same clock: of the values with those low bits, the one nearest `now` (events
/// are read within seconds of the reading, either side of it).
pub fn extend_time(low16: u16, now: u32) -> u32 {
    let base = (now & !0xffff) | low16 as u32;
    [
        base.checked_sub(1 << 16),
        Some(base),
        base.checked_add(1 << 16),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|c| c.abs_diff(now))
    .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_two_units() {
        let d = |s| duration(Duration::from_secs(s));
        assert_eq!(duration(Duration::from_millis(420)), "0.42s");
        assert_eq!(d(0), "0s");
        assert_eq!(d(59), "59s");
        assert_eq!(d(184), "3m04s");
        assert_eq!(d(7380), "2h03m");
        assert_eq!(d(5 * 86_400 + 3 * 3600 + 59), "5d03h");
    }

    #[test]
    fn the_stamper_gives_the_timestamps() {
        let mut st = Stamper::default();
        for ms in [
            0u64,
            1,
            999,
            1000,
            1_700_000_000_123,
            1_700_000_000_999,
            1_700_000_001_000,
        ] {
            let d = Duration::from_millis(ms);
            assert_eq!(st.stamp(d), timestamp(d));
        }
    }

    #[test]
    fn event_times_extend_to_the_full_clock() {
        assert_eq!(extend_time(5, 10), 5);
        assert_eq!(extend_time(0xfff0, 0x1_0005), 0xfff0);
        assert_eq!(extend_time(3, 0x1_0005), 0x1_0003);
        assert_eq!(
            extend_time(0xffff, 3),
            0xffff,
            "before the clock wrapped once: as is"
        );
        assert_eq!(
            extend_time(0, 0x1_ffff),
            0x2_0000,
            "just past a wrap of the low bits"
        );
        assert_eq!(board_time(3725 * 16 + 8), "3725.50 s");
    }
}
