//! `monitor --once`: one snapshot of the board as plain text, for scripts and for a `demo`
//! without a terminal: states, counters with rates over about a second, the whole table, and
//! the events that arrived meanwhile.

use super::rates::format_rate;
use super::state::{Update, View};
use super::table::{cells, SortKey};
use crate::console::{dump_with, read_states};
use crate::events::EventStream;
use crate::link::Link;
use anyhow::Result;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use synscope_model::{Counter, TcpState};

/// The shortest time between the two counter readings that give the rates.
const RATE_SPAN: Duration = Duration::from_secs(1);

/// Read one snapshot from `link` into `view`: counters and states, the table, counters again.
pub fn snapshot(link: &mut Link, view: &mut View) -> Result<()> {
    let start = Instant::now();
    let stats = |link: &mut Link| -> Result<Update> {
        let (counters, histogram) = read_states(link)?;
        Ok(Update::Stats {
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
        slots,
        took: t0.elapsed(),
        at: start.elapsed(),
    });
    std::thread::sleep(RATE_SPAN.saturating_sub(start.elapsed()));
    view.apply(stats(link)?);
    let mut events = EventStream::new();
    while let Some(f) = link.next_event(Duration::ZERO)? {
        if let Some(r) = events.accept(&f) {
            view.apply(Update::Event(r));
        }
    }
    Ok(())
}

/// The snapshot as text.
pub fn text(v: &View) -> String {
    let mut s = String::new();
    let id = &v.identity;
    let _ = writeln!(
        s,
        "synscope monitor | {} @ {} baud | {} (protocol {}, design {}, {} entries) | board time {} s",
        v.port,
        v.baud,
        id.board_name(),
        id.protocol,
        id.design,
        id.capacity(),
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
            let x = c.snapshot.get(*k);
            if x != 0 {
                let rate = format_rate(v.rates.get(*k as usize).copied().flatten());
                let _ = writeln!(s, "{:<24} {:>12} {:>8}", k.name(), x, rate);
            }
        }
    }
    let rows = v.visible_rows();
    let _ = writeln!(
        s,
        "\nconnections: {} of {} shown, sorted by {}",
        rows.len(),
        v.rows.len(),
        v.sort.title()
    );
    let t = SortKey::ALL.map(|k| k.title());
    let _ = writeln!(
        s,
        "{:<21} {:<21} {:<12} {:<12} {:>7}  {}",
        t[0], t[1], t[2], t[3], t[4], t[5]
    );
    for r in rows {
        let c = cells(r);
        let _ = writeln!(
            s,
            "{:<21} {:<21} {:<12} {:<12} {:>7}  {}",
            c[0], c[1], c[2], c[3], c[4], c[5]
        );
    }
    let _ = writeln!(s, "\nevents: {} received", v.events_seen);
    for e in &v.events {
        let _ = writeln!(s, "{e}");
    }
    s
}
