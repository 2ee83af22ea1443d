//! Drawing the monitor's screen from a `View`: status line, per-state histogram, counters with
//! rates, the connection table, recent events, and the key line (or the filter being typed).
//! Pure: tests draw into a `TestBackend` and read the buffer.
//!
//! Two layouts. **Wide** (the table fits beside a 44-column left pane): states and counters on
//! the left, the table on the right, events below. **Compact** (80×24 and anything narrower
//! than wide): the table across the whole width, then a strip with the states that have
//! connections and the busiest counters side by side, then the events. Either way every
//! column shown is as wide as its widest cell: the endpoints and both states always, then
//! idle, time left and slot as they fit, so no address or port is ever cut.

use super::rates::format_rate;
use super::state::View;
use super::table::{cells, essential_width, fit, SortKey, TITLES};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TableRow, Table};
use ratatui::Frame;
use std::time::Duration;
use synscope_model::{Counter, TcpState};

/// Width of the left column (histogram, counters) in the wide layout.
const LEFT: u16 = 44;
/// Height of the events pane, borders included (wide layout).
const EVENTS: u16 = 9;
/// Height of the events pane in the compact layout.
const EVENTS_COMPACT: u16 = 5;
/// Height of the states/counters strip in the compact layout.
const STRIP: u16 = 8;

/// Draw the whole screen; `now` is the time since the monitor started.
pub fn draw(f: &mut Frame, v: &View, now: Duration) {
    let a = f.area();
    if a.width < MIN_WIDTH || a.height < MIN_HEIGHT {
        return too_small(f, v, now);
    }
    let rows = v.visible_rows();
    // The wide layout when the table keeps its essentials and the idle column beside the
    // left pane.
    let need = essential_width(&rows) as u16 + 2 + 7;
    if a.width >= LEFT + need && a.height >= 30 {
        wide(f, v, now);
    } else {
        compact(f, v, now);
    }
    if v.help {
        // Between the status line and the key line.
        let a = f.area();
        help(
            f,
            Rect::new(a.x, a.y + 1, a.width, a.height.saturating_sub(2)),
        );
    }
}

fn wide(f: &mut Frame, v: &View, now: Duration) {
    let [status, main, events, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(EVENTS),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let [left, right] =
        Layout::horizontal([Constraint::Length(LEFT), Constraint::Min(20)]).areas(main);
    let [hist, counters] = Layout::vertical([
        Constraint::Length(TcpState::COUNT as u16 + 3),
        Constraint::Min(3),
    ])
    .areas(left);
    f.render_widget(Paragraph::new(status_line(v, now)), status);
    f.render_widget(histogram(v, false), hist);
    f.render_widget(counters_table(v), counters);
    connections(f, v, right);
    events_pane(f, v, events);
    key_bar(f, v, keys);
}

fn compact(f: &mut Frame, v: &View, now: Duration) {
    let [status, table, strip, events, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(STRIP),
        Constraint::Length(EVENTS_COMPACT),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let [hist, counters] =
        Layout::horizontal([Constraint::Length(38), Constraint::Min(20)]).areas(strip);
    f.render_widget(Paragraph::new(status_line(v, now)), status);
    connections(f, v, table);
    f.render_widget(histogram(v, true), hist);
    f.render_widget(counters_table(v), counters);
    events_pane(f, v, events);
    key_bar(f, v, keys);
}

/// Below this size only the status line, a note and the key line are drawn.
const MIN_WIDTH: u16 = 60;
const MIN_HEIGHT: u16 = 16;

fn too_small(f: &mut Frame, v: &View, now: Duration) {
    let a = f.area();
    let line = |y: u16| Rect::new(a.x, a.y + y, a.width, 1);
    f.render_widget(Paragraph::new(status_line(v, now)), line(0));
    if a.height >= 3 {
        let note = format!("enlarge the terminal (at least {MIN_WIDTH} x {MIN_HEIGHT})");
        f.render_widget(Paragraph::new(note), line(a.height / 2));
    }
    if a.height >= 2 {
        key_bar(f, v, line(a.height - 1));
    }
}

fn key_bar(f: &mut Frame, v: &View, area: Rect) {
    f.render_widget(
        Paragraph::new(bottom_line(v)).style(Style::new().add_modifier(Modifier::REVERSED)),
        area,
    );
}

/// The bottom line: the error if there is one (not while a filter is typed), else the keys.
fn bottom_line(v: &View) -> String {
    match &v.error {
        Some(e) if v.editing.is_none() => format!("error: {e}"),
        _ => key_line(v),
    }
}

/// The status line: source, last refresh, state, error (the error is also on the bottom
/// line, where a long one has the whole width).
pub fn status_line(v: &View, now: Duration) -> String {
    let refreshed = match v.last_refresh {
        Some(t) => format!("refreshed {:.1} s ago", now.saturating_sub(t).as_secs_f64()),
        None if v.connected => "waiting for the first reading".to_string(),
        None => "q quits".to_string(),
    };
    let mut s = format!("synscope monitor | {} | {}", v.source_line(), refreshed);
    if v.paused {
        s.push_str(" | PAUSED");
    }
    if let Some(e) = &v.error {
        s.push_str(" | error: ");
        s.push_str(e);
    }
    s
}

/// The per-state histogram; `compact`: only the states that have connections.
fn histogram(v: &View, compact: bool) -> Table<'static> {
    let h = v.histogram.unwrap_or_default();
    let mut rows: Vec<TableRow> = TcpState::ALL
        .iter()
        .filter(|s| !compact || h.client[**s as usize] + h.server[**s as usize] > 0)
        .map(|s| {
            TableRow::new([
                s.name().to_string(),
                h.client[*s as usize].to_string(),
                h.server[*s as usize].to_string(),
            ])
        })
        .collect();
    let total = |x: &[u16]| x.iter().map(|n| *n as u32).sum::<u32>().to_string();
    rows.push(
        TableRow::new(["total".to_string(), total(&h.client), total(&h.server)])
            .style(Style::new().add_modifier(Modifier::BOLD)),
    );
    Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(8),
        ],
    )
    .header(bold_row(["STATE", "CLIENT", "SERVER"]))
    .block(Block::new().borders(Borders::ALL).title(states_title(v)))
}

/// The histogram's title: the SYN-flood signs, the half-open gauge and SYN:SYN-ACK (as `stats`).
fn states_title(v: &View) -> String {
    let ratio = v
        .counters
        .as_ref()
        .and_then(|c| crate::console::syn_to_synack(&c.snapshot))
        .map_or("-".to_string(), |r| format!("{r:.2}"));
    let half_open = v.histogram.map_or(0, |h| h.half_open());
    format!(" states · half-open {half_open} · SYN:SYN-ACK {ratio} ")
}

fn counters_table(v: &View) -> Table<'static> {
    let rows: Vec<TableRow> = match &v.counters {
        None => Vec::new(),
        Some(c) => Counter::ALL
            .iter()
            .filter(|k| c.snapshot.get(**k) != 0)
            .map(|k| {
                let rate = v.rates.get(*k as usize).copied().flatten();
                TableRow::new([
                    k.name().to_string(),
                    c.snapshot.get(*k).to_string(),
                    format_rate(rate),
                ])
            })
            .collect(),
    };
    Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Length(11),
            Constraint::Length(7),
        ],
    )
    .header(bold_row(["COUNTER", "VALUE", "/s"]))
    .block(
        Block::new()
            .borders(Borders::ALL)
            .title(" counters (non-zero) "),
    )
}

fn bold_row<const N: usize>(cells: [&'static str; N]) -> TableRow<'static> {
    TableRow::new(cells).style(Style::new().add_modifier(Modifier::BOLD))
}

/// The connection table's title: what is shown, the sort, the filter, the dump.
pub fn table_title(v: &View, shown: usize) -> String {
    let mut t = format!(
        " connections: {shown} of {} | sort {} {} ",
        v.selected(),
        v.sort.title(),
        if v.descending { "desc" } else { "asc" }
    );
    let filter = v.active_filter();
    if !filter.is_empty() {
        t.push_str(&format!("| filter \"{filter}\" "));
    }
    match (v.dump_progress, v.dump_took) {
        (Some(n), _) => t.push_str(&format!("| reading table: {n} frames ")),
        (None, Some(d)) => t.push_str(&format!(
            "| {} time {} s, read in {:.1} s ",
            if v.live { "model" } else { "board" },
            synscope_model::time::whole_secs(v.table_now),
            d.as_secs_f64()
        )),
        (None, None) => t.push_str("| reading table... "),
    }
    t
}

fn connections(f: &mut Frame, v: &View, area: Rect) {
    let rows = v.visible_rows();
    let room = area.height.saturating_sub(3) as usize;
    let skip = v.scroll.min(rows.len().saturating_sub(room));
    let shown: Vec<_> = rows.iter().skip(skip).take(room).copied().collect();
    // Widths from every row that passes the filter, so scrolling does not move the columns.
    let cols = fit(&rows, area.width.saturating_sub(2) as usize);
    let body: Vec<TableRow> = shown
        .iter()
        .map(|r| {
            let c = cells(r);
            TableRow::new(cols.iter().map(|(i, _)| Cell::from(c[*i].clone())))
        })
        .collect();
    let header = TableRow::new(cols.iter().map(|(i, _)| {
        let mut c = Cell::from(TITLES[*i]);
        if SortKey::ALL.get(*i).is_some_and(|k| *k == v.sort) {
            c = c.style(Style::new().add_modifier(Modifier::UNDERLINED));
        }
        c
    }))
    .style(Style::new().add_modifier(Modifier::BOLD));
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, w)| Constraint::Length(*w as u16))
        .collect();
    let table = Table::new(body, widths)
        .column_spacing(1)
        .header(header)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(table_title(v, rows.len())),
        );
    f.render_widget(table, area);
}

/// The events pane's title: received, and lost on the board since the monitor started.
fn events_title(v: &View) -> String {
    let lost = v.lost_on_board();
    if lost > 0 {
        format!(
            " events ({} received · {lost} lost on the board) ",
            v.events_seen
        )
    } else {
        format!(" events ({} received) ", v.events_seen)
    }
}

fn events_pane(f: &mut Frame, v: &View, area: Rect) {
    let lines = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let text: Vec<Line> = v
        .events
        .iter()
        .skip(v.events.len().saturating_sub(lines))
        .map(|l| Line::from(l.text(Some(width))))
        .collect();
    f.render_widget(
        Paragraph::new(text).block(Block::new().borders(Borders::ALL).title(events_title(v))),
        area,
    );
}

/// The bottom line: the keys, or the filter being typed.
pub fn key_line(v: &View) -> String {
    match &v.editing {
        Some(t) => format!("filter (address, :port or state; Enter keeps, Esc drops): {t}_"),
        None => "q quit  s sort  r reverse  / filter  c clear filter  p pause  \u{2191}\u{2193} scroll  ? help"
            .to_string(),
    }
}

/// The help text (`?`).
pub const HELP: &[&str] = &[
    "synscope monitor: connections, states, counters and events, live",
    "",
    "  q, Esc     quit",
    "  s          sort by the next column (client, server, states, idle, slot)",
    "  r          reverse the sort",
    "  /          filter: type words (all must match: an address, ADDR:PORT, :PORT",
    "             exactly, or a state name such as time_wait); Enter keeps it, Esc drops it",
    "  c          clear the filter",
    "  p          pause / resume (the source is not polled while paused)",
    "  arrows, PgUp/PgDn, Home   scroll the table",
    "  ?          this help (any key closes it)",
    "",
    "Counters and states refresh every half second, the table every few seconds;",
    "rates are per second between the last two counter readings; EXPIRES is the",
    "seconds an entry has left without new segments, as conntrack counts down.",
];

fn help(f: &mut Frame, area: Rect) {
    let w = 84.min(area.width);
    let h = (HELP.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(HELP.iter().map(|l| Line::from(*l)).collect::<Vec<_>>())
            .block(Block::new().borders(Borders::ALL).title(" help ")),
        r,
    );
}
