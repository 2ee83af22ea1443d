//! `monitor --once`: one snapshot of the board as plain text, for scripts and for a `demo`
//! without a terminal: states, counters with rates over about a second, the whole table, and
//! the events that arrived meanwhile.

use super::rates::format_rate;
use super::state::{Update, View};
use super::table::{cells, fit, Row, TITLES};
use crate::console::{dump_with, read_states};
use crate::events::{BoardLosses, ConnEvent, EventStream};
use crate::link::Link;
use anyhow::Result;
use std::fmt::Write as _;
use std::time::SystemTime;
use std::time::{Duration, Instant};
use synscope_model::protocol::slot::SlotLayout;
use synscope_model::{Counter, TcpState};

/// The shortest time between the two counter readings that give the rates.
const RATE_SPAN: Duration = Duration::from_secs(1);

/// Read one snapshot from `link` into `view`: counters and states, the table, counters again;
/// `layout` splits the board's slots (its `IDENTIFY`).
pub fn snapshot(link: &mut Link, view: &mut View, layout: SlotLayout) -> Result<()> {
    let start = Instant::now();
    let stats = |link: &mut Link| -> Result<Update> {
        let (counters, histogram) = read_states(link)?;
        let l = link.request(synscope_model::protocol::Op::ReadLink, vec![])?;
        Ok(Update::Stats {
            losses: Some(BoardLosses::of(&counters, &l)),
            counters,
            histogram,
            at: start.elapsed(),
        })
    };
    view.apply(stats(link)?);
    let t0 = Instant::now();
    let (now, slots) = dump_with(link, |_| {})?;
    view.apply(Update::Table {
        now,
        rows: slots.iter().map(|s| Row::of(now, s, layout)).collect(),
        took: t0.elapsed(),
        at: start.elapsed(),
    });
    std::thread::sleep(RATE_SPAN.saturating_sub(start.elapsed()));
    view.apply(stats(link)?);
    let board_now = view.counters.as_ref().map(|c| c.snapshot.now);
    let mut events = EventStream::new();
    while let Some(f) = link.next_event(Duration::ZERO)? {
        if let Some(r) = events.accept(&f) {
            if r.lost_before > 0 {
                view.apply(Update::Lost(r.lost_before as u64));
            }
            let e = ConnEvent::of_record(&r.record, SystemTime::now(), board_now, layout);
            view.apply(Update::Event(e));
        }
    }
    Ok(())
}

/// The snapshot as text.
pub fn text(v: &View) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "synscope monitor | {} | board time {} s",
        v.source_line(),
        synscope_model::time::whole_secs(v.table_now)
    );
    let h = v.histogram.unwrap_or_default();
    let _ = writeln!(s, "\n{:<12} {:>8} {:>8}", "STATE", "CLIENT", "SERVER");
    for st in TcpState::ALL {
        let (c, sv) = (h.client[st as usize], h.server[st as usize]);
        if c != 0 || sv != 0 {
            let _ = writeln!(s, "{:<12} {:>8} {:>8}", st.name(), c, sv);
        }
    }
    if let Some(c) = &v.counters {
        let _ = writeln!(s, "\n{:<24} {:>12} {:>8}", "COUNTER", "VALUE", "/s");
        for k in Counter::ALL {
            let x = c.snapshot.get(k);
            if x != 0 {
                let rate = format_rate(v.rates.get(k as usize).copied().flatten());
                let _ = writeln!(s, "{:<24} {:>12} {:>8}", k.name(), x, rate);
            }
        }
    }
    let rows = v.visible_rows();
    let _ = writeln!(
        s,
        "\nconnections: {} of {} shown, sorted by {}",
        rows.len(),
        v.selected(),
        v.sort.title()
    );
    let cols = fit(&rows, usize::MAX);
    let line = |cells: &[&str]| -> String {
        let parts: Vec<String> = cols
            .iter()
            .map(|(i, w)| format!("{:<w$}", cells[*i], w = *w))
            .collect();
        parts.join(" ").trim_end().to_string()
    };
    let _ = writeln!(s, "{}", line(&TITLES));
    for r in rows {
        let c = cells(r);
        let refs: Vec<&str> = c.iter().map(String::as_str).collect();
        let _ = writeln!(s, "{}", line(&refs));
    }
    let lost = v.lost_on_board();
    let _ = writeln!(
        s,
        "\nevents: {} received{}",
        v.events_seen,
        if lost > 0 {
            format!(", {lost} lost on the board")
        } else {
            String::new()
        }
    );
    for e in &v.events {
        let _ = writeln!(s, "{}", e.text(None));
    }
    s
}
