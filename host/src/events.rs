//! The board's unsolicited event frames (docs/protocol.md, "Events"), decoded and formatted
//! once: `synscope events` prints them like `conntrack -E`, `synscope monitor` shows the same
//! lines in its events pane.

use crate::link::Link;
use anyhow::{anyhow, Result};
use serde_json::{json, Value};
use synscope_model::protocol::payload::{event_bits, Config, EventRecord};
use synscope_model::protocol::{ConfigItem, Frame, Op};

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

/// What happened, as `conntrack -E` names it: `NEW`, `REFUSED`, `EVICTED`, `REUSED`, else
/// `UPDATE` (a state change).
pub fn event_kind(e: &EventRecord) -> String {
    let names: Vec<&str> = [
        (event_bits::CREATED, "NEW"),
        (event_bits::REFUSED, "REFUSED"),
        (event_bits::EVICTED, "EVICTED"),
        (event_bits::REINCARNATED, "REUSED"),
    ]
    .into_iter()
    .filter(|(bit, _)| e.what & bit != 0)
    .map(|(_, name)| name)
    .collect();
    if names.is_empty() {
        "UPDATE".to_string()
    } else {
        names.join(",")
    }
}

/// One event as a line, like `conntrack -E`.
pub fn event_line(e: &EventRecord) -> String {
    format!(
        "[{:>5}] {:<8} {} {}->{}  {} {}->{}  slot {}/{}",
        e.time,
        event_kind(e),
        e.key.lo,
        e.lo_before.name(),
        e.lo_after.name(),
        e.key.hi,
        e.hi_before.name(),
        e.hi_after.name(),
        e.slot >> 2,
        e.slot & 3
    )
}

/// One event as a JSON object (`events --json`).
pub fn event_json(e: &EventRecord) -> Value {
    json!({
        "time": e.time, "what": e.what, "slot": e.slot,
        "lo": e.key.lo.to_string(), "hi": e.key.hi.to_string(),
        "lo_state": [e.lo_before.name(), e.lo_after.name()],
        "hi_state": [e.hi_before.name(), e.hi_after.name()],
    })
}

/// The line telling that `n` event frames were lost on the link.
pub fn lost_line(n: u8) -> String {
    format!("{n} event frame(s) lost on the link")
}

/// Make sure the board sends every kind of event: read its configuration and widen the event
/// mask to all kinds when it was narrowed. Returns the mask it had.
pub fn enable_all(link: &mut Link) -> Result<u8> {
    let cfg = Config::decode(&link.request(Op::GetConfig, vec![])?)
        .ok_or_else(|| anyhow!("{}: malformed configuration answer", link.name()))?;
    if cfg.event_mask != event_bits::ALL {
        link.request(
            Op::SetConfig,
            vec![ConfigItem::EventMask as u8, event_bits::ALL],
        )?;
    }
    Ok(cfg.event_mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::protocol::Kind;
    use synscope_model::{Endpoint, FlowKey, TcpState};

    fn record(what: u8) -> EventRecord {
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
        }
    }

    #[test]
    fn lines_name_the_kind_and_both_endpoints() {
        let l = event_line(&record(event_bits::CREATED | event_bits::LO_CHANGED));
        assert_eq!(
            l,
            "[   12] NEW      10.0.0.1:40000 CLOSED->SYN_SENT  10.0.0.2:80 CLOSED->LISTEN  slot 4/1"
        );
        assert_eq!(event_kind(&record(event_bits::HI_CHANGED)), "UPDATE");
        assert_eq!(
            event_kind(&record(event_bits::EVICTED | event_bits::REINCARNATED)),
            "EVICTED,REUSED"
        );
    }

    #[test]
    fn a_gap_in_the_sequence_is_counted() {
        let f = |seq| Frame::new(Kind::Event, seq, Op::Event, 0, record(1).encode());
        let mut s = EventStream::new();
        assert_eq!(s.accept(&f(255)).unwrap().lost_before, 0);
        assert_eq!(s.accept(&f(0)).unwrap().lost_before, 0);
        assert_eq!(s.accept(&f(3)).unwrap().lost_before, 2);
        let bad = Frame::new(Kind::Event, 4, Op::Event, 0, vec![1, 2]);
        assert!(s.accept(&bad).is_none());
        assert_eq!(s.accept(&f(5)).unwrap().lost_before, 0);
    }
}
