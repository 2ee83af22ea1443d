//! Drawing the monitor's screen from a `View`: status line, per-state histogram, counters with
//! rates, the connection table, recent events, and the key line (or the filter being typed).
//! Pure: tests draw into a `TestBackend` and read the buffer.

use super::rates::format_rate;
use super::state::View;
use super::table::{cells, SortKey};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TableRow, Table};
use ratatui::Frame;
use std::time::Duration;
use synscope_model::{Counter, TcpState};

/// Width of the left column (histogram, counters).
const LEFT: u16 = 44;
/// Height of the events pane, borders included.
const EVENTS: u16 = 9;

/// Draw the whole screen; `now` is the time since the monitor started.
pub fn draw(f: &mut Frame, v: &View, now: Duration) {
    let a = f.area();
    if a.width < MIN_WIDTH || a.height < MIN_HEIGHT {
        return too_small(f, v, now);
    }
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
    f.render_widget(histogram(v), hist);
    f.render_widget(counters_table(v), counters);
    connections(f, v, right);
    f.render_widget(events_pane(v, events.height.saturating_sub(2)), events);
    f.render_widget(
        Paragraph::new(bottom_line(v)).style(Style::new().add_modifier(Modifier::REVERSED)),
        keys,
    );
    if v.help {
        // Between the status line and the key line.
        let a = f.area();
        help(
            f,
            Rect::new(a.x, a.y + 1, a.width, a.height.saturating_sub(2)),
        );
    }
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
        f.render_widget(
            Paragraph::new(bottom_line(v)).style(Style::new().add_modifier(Modifier::REVERSED)),
            line(a.height - 1),
        );
    }
}

/// The bottom line: the error if there is one (not while a filter is typed), else the keys.
fn bottom_line(v: &View) -> String {
    match &v.error {
        Some(e) if v.editing.is_none() => format!("error: {e}"),
        _ => key_line(v),
    }
}

/// The status line: port, baud, board, last refresh, state, error (the error is also on the
/// bottom line, where a long one has the whole width).
pub fn status_line(v: &View, now: Duration) -> String {
    let id = &v.identity;
    let refreshed = match v.last_refresh {
        Some(t) => format!("refreshed {:.1} s ago", now.saturating_sub(t).as_secs_f64()),
        None => "waiting for the board".to_string(),
    };
    let mut s = format!(
        "synscope monitor | {} @ {} | {}, {} entries (protocol {}, design {}) | {}",
        v.port,
        v.baud,
        id.board_name(),
        id.capacity(),
        id.protocol,
        id.design,
        refreshed
    );
    if v.paused {
        s.push_str(" | PAUSED");
    }
    if let Some(e) = &v.error {
        s.push_str(" | error: ");
        s.push_str(e);
    }
    s
}

fn histogram(v: &View) -> Table<'static> {
    let h = v.histogram.unwrap_or_default();
    let mut rows: Vec<TableRow> = TcpState::ALL
        .iter()
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
        v.rows.len(),
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
            "| board time {} s, dump {:.1} s ",
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
    let body: Vec<TableRow> = rows
        .iter()
        .skip(skip)
        .take(room)
        .map(|r| TableRow::new(cells(r).map(Cell::from)))
        .collect();
    let header = TableRow::new(SortKey::ALL.map(|k| {
        let mut c = Cell::from(k.title());
        if k == v.sort {
            c = c.style(Style::new().add_modifier(Modifier::UNDERLINED));
        }
        c
    }))
    .style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(
        body,
        [
            Constraint::Length(21),
            Constraint::Length(21),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(7),
            Constraint::Min(8),
        ],
    )
    .header(header)
    .block(
        Block::new()
            .borders(Borders::ALL)
            .title(table_title(v, rows.len())),
    );
    f.render_widget(table, area);
}

fn events_pane(v: &View, lines: u16) -> Paragraph<'static> {
    let text: Vec<Line> = v
        .events
        .iter()
        .skip(v.events.len().saturating_sub(lines as usize))
        .map(|l| Line::from(l.clone()))
        .collect();
    Paragraph::new(text).block(
        Block::new()
            .borders(Borders::ALL)
            .title(format!(" events ({} received) ", v.events_seen)),
    )
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
    "synscope monitor: the board's connections, states, counters and events, live",
    "",
    "  q, Esc     quit",
    "  s          sort by the next column (client, server, states, idle, slot)",
    "  r          reverse the sort",
    "  /          filter: type words (all must match: an address, ADDR:PORT, :PORT",
    "             exactly, or a state name such as time_wait); Enter keeps it, Esc drops it",
    "  c          clear the filter",
    "  p          pause / resume (the board is not polled while paused)",
    "  arrows, PgUp/PgDn, Home   scroll the table",
    "  ?          this help (any key closes it)",
    "",
    "Counters and states refresh every half second, the table every few seconds;",
    "rates are per second between the last two counter readings.",
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
