//! Connection events (docs/protocol.md, "Events"), decoded and formatted once: `synscope
//! events` prints them like `conntrack -E`, `synscope monitor` shows the same lines in its
//! events pane. An event names the client and the server (the board's record carries the
//! role), its kinds by name, both endpoints' states before and after, the time it arrived and
//! the board's clock at the time it happened.

use crate::filter::{Conn, FilterArgs};
use crate::human;
use crate::link::Link;
use anyhow::Result;
use serde_json::{json, Value};
use std::time::SystemTime;
use synscope_model::protocol::payload::{event_bits, CounterSnapshot, EventRecord};
use synscope_model::protocol::slot::{SlotLayout, SlotPos};
use synscope_model::protocol::{ConfigItem, Frame, LinkCounter, Op};
use synscope_model::{Counter, Endpoint, TcpState};

/// An entry removed by its timeout (the model's events on a live capture; the board counts
/// these instead of sending them).
pub const EXPIRED: u8 = 1 << 6;

/// The kinds of an event, by name, in the order they are listed (`conntrack -E` says NEW,
/// UPDATE, DESTROY; synscope also says why an entry went or was not made).
const KINDS: [(u8, &str); 5] = [
    (event_bits::CREATED, "NEW"),
    (event_bits::REFUSED, "REFUSED"),
    (event_bits::EVICTED, "EVICTED"),
    (event_bits::REINCARNATED, "REUSED"),
    (EXPIRED, "EXPIRED"),
];

/// One connection event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnEvent {
    /// When the host received it.
    pub at: SystemTime,
    /// The board's clock when it happened (full seconds), when known.
    pub board_time: Option<u32>,
    /// `event_bits` and [`EXPIRED`].
    pub what: u8,
    pub client: Endpoint,
    pub server: Endpoint,
    /// Before and after.
    pub client_states: (TcpState, TcpState),
    pub server_states: (TcpState, TcpState),
    /// Where the board holds it (none for the model's table).
    pub slot: Option<SlotPos>,
}

impl ConnEvent {
    /// A board's event record received at `at`; `now` is a recent reading of the board's
    /// clock, in ticks (its record keeps 16 bits of its whole seconds); `layout` splits its
    /// slot (the board's `IDENTIFY`).
    pub fn of_record(
        r: &EventRecord,
        at: SystemTime,
        now: Option<u32>,
        layout: SlotLayout,
    ) -> ConnEvent {
        ConnEvent {
            at,
            board_time: now
                .map(|n| human::extend_time(r.time, synscope_model::time::whole_secs(n))),
            what: r.what,
            client: r.client(),
            server: r.server(),
            client_states: r.client_states(),
            server_states: r.server_states(),
            slot: Some(layout.pos(r.slot)),
        }
    }

    /// The kinds' names: `NEW`, `REFUSED`, `EVICTED`, `REUSED`, `EXPIRED`, else `UPDATE` (a
    /// state change).
    pub fn kinds(&self) -> Vec<&'static str> {
        let names: Vec<&str> = KINDS
            .iter()
            .filter(|(bit, _)| self.what & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        if names.is_empty() {
            vec!["UPDATE"]
        } else {
            names
        }
    }

    /// Whether the connection passes `f` (states after the event).
    pub fn matches(&self, f: &FilterArgs) -> bool {
        f.is_empty()
            || f.matches(&Conn {
                client: self.client,
                server: self.server,
                client_state: self.client_states.1,
                server_state: self.server_states.1,
            })
    }

    /// The line, like `conntrack -E`, as wide as it can be within `width` (monitor); `None`
    /// is the whole line. Addresses and ports are never cut: narrower forms drop the slot,
    /// then the states before.
    pub fn line(&self, width: Option<usize>) -> String {
        let time = human::time_of_day(self.at);
        let head = format!(
            "{time} {:<8} {} -> {}",
            self.kinds().join(","),
            self.client,
            self.server
        );
        let (c, s) = (self.client_states, self.server_states);
        let states = format!(
            "  client {}->{}  server {}->{}",
            c.0.name(),
            c.1.name(),
            s.0.name(),
            s.1.name()
        );
        let slot = self.slot.map(|x| format!("  slot {x}")).unwrap_or_default();
        let forms = [
            format!("{head}{states}{slot}"),
            format!("{head}{states}"),
            format!("{head}  {}/{}", c.1.name(), s.1.name()),
        ];
        match width {
            None => forms[0].clone(),
            Some(w) => forms
                .iter()
                .find(|f| f.chars().count() <= w)
                .unwrap_or(&forms[2])
                .clone(),
        }
    }

    /// One JSON object (`events --format json|ndjson`).
    pub fn json(&self) -> Value {
        let state = |(b, a): (TcpState, TcpState)| json!({"before": b.name(), "after": a.name()});
        json!({
            "time": human::epoch_seconds(self.at),
            "board_time": self.board_time,
            "type": self.kinds().join(","),
            "types": self.kinds(),
            "client": self.client.to_string(),
            "server": self.server.to_string(),
            "client_state": state(self.client_states),
            "server_state": state(self.server_states),
            "slot": self.slot.map(|s| json!({"bucket": s.bucket, "way": s.way})),
        })
    }
}

/// Decodes a stream of event frames, noticing frames lost on the wire by their sequence.
#[derive(Debug, Default)]
pub struct EventStream {
    expect_seq: Option<u8>,
}

/// One decoded event and how many event frames were lost just before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    pub record: EventRecord,
    pub lost_before: u8,
}

impl EventStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decode one event frame; `None` if its payload is not an event record.
    pub fn accept(&mut self, f: &Frame) -> Option<Received> {
        let lost_before = match self.expect_seq {
            Some(s) => f.header.seq.wrapping_sub(s),
            None => 0,
        };
        self.expect_seq = Some(f.header.seq.wrapping_add(1));
        let record = EventRecord::decode(&f.payload)?;
        Some(Received {
            record,
            lost_before,
        })
    }
}

/// The line telling that `n` event frames were lost on the link.
pub fn lost_line(n: u64) -> String {
    format!("{n} event frame(s) lost on the link")
}

/// Events the board could not send: its event queue was full (`events_dropped`, a counter) or
/// they exceeded the rate limit (`events_rate_limited`, a link counter). Counted from the
/// first reading, reported as they grow (as `conntrack -E` warns when it loses events).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoardLosses {
    pub queue_full: u64,
    pub rate_limited: u64,
}

impl BoardLosses {
    /// Read both counters.
    pub fn read(link: &mut Link) -> Result<(BoardLosses, u32)> {
        let c = link.counters()?;
        let l = link.request(Op::ReadLink, vec![])?;
        Ok((Self::of(&c, &l), c.now))
    }

    /// From a counter snapshot and a `READ_LINK` answer.
    pub fn of(c: &CounterSnapshot, link: &[u8]) -> BoardLosses {
        let at = LinkCounter::EventsRateLimited as usize * 4;
        let rate_limited = link
            .get(at..at + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64);
        BoardLosses {
            queue_full: c.get(Counter::EventsDropped),
            rate_limited,
        }
    }

    /// Losses since `since` (0 when a counter went down: cleared meanwhile).
    pub fn since(&self, since: &BoardLosses) -> BoardLosses {
        BoardLosses {
            queue_full: self.queue_full.saturating_sub(since.queue_full),
            rate_limited: self.rate_limited.saturating_sub(since.rate_limited),
        }
    }

    pub fn total(&self) -> u64 {
        self.queue_full + self.rate_limited
    }

    /// `N events lost on the board (X: event queue full, Y: over the rate limit)`.
    pub fn line(&self) -> String {
        format!(
            "{} events lost on the board ({} with its event queue full, {} over the rate limit: \
             `synscope config --event-rate 0` lifts it)",
            self.total(),
            self.queue_full,
            self.rate_limited
        )
    }
}

/// Make sure the board sends every kind of event: read its configuration and widen the event
/// mask to all kinds when it was narrowed, to be put back when the link closes. Returns the
/// mask it had.
pub fn enable_all(link: &mut Link) -> Result<u8> {
    let cfg = link.config()?;
    if cfg.event_mask != event_bits::ALL {
        link.set_config(ConfigItem::EventMask, &[event_bits::ALL])?;
        link.restore_on_close(ConfigItem::EventMask, vec![cfg.event_mask]);
    }
    Ok(cfg.event_mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};
    use synscope_model::protocol::Kind;
    use synscope_model::FlowKey;

    fn record(what: u8, client_is_lo: bool) -> EventRecord {
        EventRecord {
            what,
            slot: 4 << 2 | 1,
            lo_before: TcpState::Closed,
            lo_after: TcpState::SynSent,
            hi_before: TcpState::Closed,
            hi_after: TcpState::Listen,
            key: FlowKey::of(
                Endpoint::v4(0x0a00_0001, 40000),
                Endpoint::v4(0x0a00_0002, 80),
            )
            .0,
            time: 12,
            client_is_lo,
        }
    }

    fn at() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn ways(n: usize) -> SlotLayout {
        SlotLayout::new(n).unwrap()
    }

    #[test]
    fn lines_name_the_kind_and_the_roles() {
        let e = ConnEvent::of_record(
            &record(event_bits::CREATED | event_bits::LO_CHANGED, true),
            at(),
            Some(70_000 * 16),
            ways(4),
        );
        let l = e.line(None);
        assert!(
            l.ends_with(
                " NEW      10.0.0.1:40000 -> 10.0.0.2:80  client CLOSED->SYN_SENT  server \
                 CLOSED->LISTEN  slot 4/1"
            ),
            "{l}"
        );
        assert_eq!(e.board_time, Some(65_536 + 12));
        // The client is the key's hi endpoint: the roles follow the record's bit.
        let flipped =
            ConnEvent::of_record(&record(event_bits::HI_CHANGED, false), at(), None, ways(4));
        assert_eq!(flipped.client.to_string(), "10.0.0.2:80");
        assert_eq!(flipped.client_states, (TcpState::Closed, TcpState::Listen));
        assert_eq!(flipped.kinds(), ["UPDATE"]);
        let two = ConnEvent::of_record(
            &record(event_bits::EVICTED | event_bits::REINCARNATED, true),
            at(),
            None,
            ways(4),
        );
        assert_eq!(two.kinds().join(","), "EVICTED,REUSED");
        let j = two.json();
        assert_eq!(j["types"], json!(["EVICTED", "REUSED"]));
        assert_eq!(j["client_state"]["after"], "SYN_SENT");
        assert_eq!(j["slot"]["bucket"], 4);
    }

    #[test]
    fn the_slot_is_split_by_the_boards_way_count() {
        // Slot 4 << 2 | 1 = 17: bucket 4, way 1 at 4 ways; bucket 8, way 1 at 2; bucket 2,
        // way 1 at 8.
        for (n, bucket, way) in [(2, 8, 1), (4, 4, 1), (8, 2, 1)] {
            let e = ConnEvent::of_record(&record(event_bits::CREATED, true), at(), None, ways(n));
            assert!(
                e.line(None).ends_with(&format!("  slot {bucket}/{way}")),
                "{n}: {}",
                e.line(None)
            );
            let j = e.json();
            assert_eq!(j["slot"], json!({"bucket": bucket, "way": way}), "{n}");
        }
        let e = ConnEvent::of_record(&record(event_bits::CREATED, true), at(), None, ways(8));
        assert_eq!(e.slot, Some(SlotPos { bucket: 2, way: 1 }));
    }

    #[test]
    fn narrow_lines_keep_whole_endpoints() {
        let e = ConnEvent::of_record(&record(event_bits::CREATED, true), at(), None, ways(4));
        let least = e.line(Some(0)).chars().count();
        for w in [40, 60, 70, 80, 100, 200] {
            let l = e.line(Some(w));
            assert!(l.contains("10.0.0.1:40000 -> 10.0.0.2:80"), "{w}: {l}");
            assert!(l.chars().count() <= w.max(least), "{w}: {l}");
        }
        assert!(e.line(Some(70)).ends_with("SYN_SENT/LISTEN"));
        assert_eq!(e.line(Some(200)), e.line(None));
    }

    #[test]
    fn a_gap_in_the_sequence_is_counted() {
        let f = |seq| Frame::new(Kind::Event, seq, Op::Event, 0, record(1, true).encode());
        let mut s = EventStream::new();
        assert_eq!(s.accept(&f(255)).unwrap().lost_before, 0);
        assert_eq!(s.accept(&f(0)).unwrap().lost_before, 0);
        assert_eq!(s.accept(&f(3)).unwrap().lost_before, 2);
        let bad = Frame::new(Kind::Event, 4, Op::Event, 0, vec![1, 2]);
        assert!(s.accept(&bad).is_none());
        assert_eq!(s.accept(&f(5)).unwrap().lost_before, 0);
    }

    #[test]
    fn losses_count_from_the_first_reading() {
        let mut values = vec![0; Counter::COUNT];
        values[Counter::EventsDropped as usize] = 620;
        let c = CounterSnapshot { now: 1, values };
        let mut link = vec![0u8; LinkCounter::COUNT * 4];
        link[LinkCounter::EventsRateLimited as usize * 4] = 7;
        let now = BoardLosses::of(&c, &link);
        assert_eq!(now.total(), 627);
        let first = BoardLosses {
            queue_full: 600,
            rate_limited: 0,
        };
        let d = now.since(&first);
        assert_eq!((d.queue_full, d.rate_limited), (20, 7));
        assert!(d.line().starts_with("27 events lost on the board (20 with"));
    }
}
