//! `monitor -i IFACE`: the model tracks a live capture, and its table, counters, states and
//! events feed the same screen a board does. The model's events (one per change) are grouped
//! per frame into the board's kind of event (one per segment, both endpoints); entries that
//! age out are shown as `EXPIRED`.

use super::state::{Source, Update};
use super::table::Row;
use super::worker::{histogram_of, spawn_with, Timing, Worker};
use crate::events::{ConnEvent, EXPIRED};
use crate::live::{Input, Live, LiveArgs};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use synscope_model::entry::Entry;
use synscope_model::frame::{pad_to_minimum, MIN_FRAME_LEN};
use synscope_model::protocol::payload::{event_bits, CounterSnapshot};
use synscope_model::segment;
use synscope_model::table::Table;
use synscope_model::tracker::{Event, RemoveReason};
use synscope_model::{
    Counter, End, Endpoint, FlowKey, SegmentDescriptor, TcpState, Tracker, TrackerConfig,
};

/// The model's table entry of `key`, if any.
fn find(table: &Table, key: &FlowKey) -> Option<Entry> {
    table
        .bucket_slots(key)
        .find_map(|i| table.slot(i).filter(|e| e.key == *key).copied())
}

/// The event of an entry as it is (`before` = `after` = its states), of kind `what`.
fn of_entry(e: &Entry, what: u8, at: SystemTime, now: u32) -> ConnEvent {
    let (c, s) = (e.client_state(), e.server_state());
    ConnEvent {
        at,
        board_time: Some(synscope_model::time::whole_secs(now)),
        what,
        client: e.client(),
        server: e.server(),
        client_states: (c, c),
        server_states: (s, s),
        slot: None,
    }
}

/// The events of one frame (or of a move of time, `d` = none), the board's way: one per
/// connection that was created, changed, reused or refused, plus one per entry removed.
pub fn group(
    events: &[Event],
    table: &Table,
    d: Option<&SegmentDescriptor>,
    at: SystemTime,
    now: u32,
) -> Vec<ConnEvent> {
    let mut out = Vec::new();
    let mut by_key: BTreeMap<FlowKey, ConnEvent> = BTreeMap::new();
    for ev in events {
        match ev {
            Event::Created { entry, .. } => {
                by_key.insert(entry.key, of_entry(entry, event_bits::CREATED, at, now));
            }
            Event::StateChanged {
                key,
                endpoint,
                is_client,
                from,
                to,
                ..
            } => {
                let e = by_key.entry(*key).or_insert_with(|| {
                    let other = if key.lo == *endpoint { key.hi } else { key.lo };
                    let (client, server): (Endpoint, Endpoint) = if *is_client {
                        (*endpoint, other)
                    } else {
                        (other, *endpoint)
                    };
                    let cur = find(table, key);
                    let states = |client_side: bool| {
                        cur.map_or((TcpState::Closed, TcpState::Closed), |e| {
                            let s = if client_side {
                                e.client_state()
                            } else {
                                e.server_state()
                            };
                            (s, s)
                        })
                    };
                    ConnEvent {
                        at,
                        board_time: Some(synscope_model::time::whole_secs(now)),
                        what: 0,
                        client,
                        server,
                        client_states: states(true),
                        server_states: states(false),
                        slot: None,
                    }
                });
                let side = if *is_client {
                    &mut e.client_states
                } else {
                    &mut e.server_states
                };
                *side = (side.0, *to);
                if e.what & event_bits::CREATED == 0 && side.0 == side.1 {
                    side.0 = *from;
                }
            }
            Event::Reincarnated { key, .. } => {
                if let Some(e) = by_key.get_mut(key) {
                    e.what |= event_bits::REINCARNATED;
                } else if let Some(entry) = find(table, key) {
                    by_key.insert(*key, of_entry(&entry, event_bits::REINCARNATED, at, now));
                }
            }
            Event::Removed { entry, reason, .. } => {
                let what = match reason {
                    RemoveReason::Expired => EXPIRED,
                    RemoveReason::Evicted => event_bits::EVICTED,
                };
                let mut e = of_entry(entry, what, at, now);
                e.client_states.1 = TcpState::Closed;
                e.server_states.1 = TcpState::Closed;
                out.push(e);
            }
            Event::Refused { key, .. } => {
                if let Some(d) = d {
                    let (_, src_is_lo) = FlowKey::of(d.src, d.dst);
                    let sender = End::lo_if(src_is_lo);
                    let would = segment::open(*key, sender, d, d.flags.class(), now);
                    by_key.insert(*key, of_entry(&would, event_bits::REFUSED, at, now));
                }
            }
        }
    }
    out.extend(by_key.into_values());
    out
}

/// The model's counters as a board's snapshot.
fn snapshot(t: &Tracker) -> CounterSnapshot {
    CounterSnapshot {
        now: t.now(),
        values: Counter::ALL.iter().map(|c| t.counters().get(*c)).collect(),
    }
}

fn wall_secs() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as u32
}

/// Start the worker capturing on `iface`, the model configured by `config`.
pub fn spawn(iface: String, config: TrackerConfig, timing: Timing, start: Instant) -> Worker {
    spawn_with(move |tx, sw| {
        let mut cap = Live::open(&iface)?;
        let _ = tx.send(Update::Connected(Source {
            port: iface.clone(),
            baud: None,
            identity: None,
            timeouts: Some(config.timeouts),
        }));
        let mut tracker = Tracker::new(config);
        let mut events: Vec<Event> = Vec::new();
        let mut pad = Vec::new();
        let mut next_stats = Instant::now();
        let mut next_table = Instant::now();
        let mut gone = false;
        let summary = cap.run(&LiveArgs::default(), |input| {
            let send = |u: Update, gone: &mut bool| {
                if tx.send(u).is_err() {
                    *gone = true;
                }
            };
            match input {
                Input::Frame {
                    timestamp, data, ..
                } => {
                    let frame = if data.len() < MIN_FRAME_LEN {
                        pad_to_minimum(data, &mut pad);
                        &pad[..]
                    } else {
                        data
                    };
                    events.clear();
                    let d = tracker
                        .process_frame(frame, timestamp.as_secs() as u32, &mut events)
                        .ok()
                        .map(|x| x.0);
                    let now = tracker.now();
                    for e in group(&events, tracker.table(), d.as_ref(), SystemTime::now(), now) {
                        send(Update::Event(e), &mut gone);
                    }
                }
                Input::Tick => {
                    if sw.stopped() {
                        return false;
                    }
                    // Time moves on between frames: entries age as they would on a board.
                    events.clear();
                    tracker.advance_time(wall_secs(), &mut events);
                    let now = tracker.now();
                    for e in group(&events, tracker.table(), None, SystemTime::now(), now) {
                        send(Update::Event(e), &mut gone);
                    }
                    if sw.polling() && Instant::now() >= next_stats {
                        send(
                            Update::Stats {
                                counters: snapshot(&tracker),
                                histogram: histogram_of(tracker.state_histogram()),
                                losses: None,
                                at: start.elapsed(),
                            },
                            &mut gone,
                        );
                        next_stats = Instant::now() + timing.stats_every;
                    }
                    if sw.polling() && Instant::now() >= next_table {
                        let t0 = Instant::now();
                        let timeouts = tracker.timeouts();
                        let rows = tracker
                            .table()
                            .entries()
                            .map(|e| Row::of_entry(now, e, None, Some(&timeouts)))
                            .collect();
                        send(
                            Update::Table {
                                now,
                                rows,
                                took: t0.elapsed(),
                                at: start.elapsed(),
                            },
                            &mut gone,
                        );
                        next_table =
                            Instant::now() + timing.table_every.min(Duration::from_secs(1));
                    }
                }
            }
            !gone
        })?;
        if summary.dropped > 0 {
            let _ = tx.send(Update::Note(format!(
                "{} frames dropped by the kernel (the capture could not keep up)",
                summary.dropped
            )));
        }
        Ok(())
    })
}
