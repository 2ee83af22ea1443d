//! The connection table as the monitor shows it: one row per dumped entry, sorted by a column
//! the user cycles through, filtered by text (address, port or state).

use crate::human;
use std::cmp::Ordering;
use synscope_model::entry::Entry;
use synscope_model::protocol::payload::Slot;
use synscope_model::protocol::slot::{SlotLayout, SlotPos};
use synscope_model::time::{elapsed, whole_secs};
use synscope_model::{Endpoint, TcpState, Timeouts};

/// One connection, both endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub client: Endpoint,
    pub server: Endpoint,
    pub client_state: TcpState,
    pub server_state: TcpState,
    /// Seconds since the connection was last seen.
    pub idle: u32,
    /// Seconds until the entry leaves the table without new segments (conntrack's countdown),
    /// when the timeouts are known.
    pub expires: Option<u64>,
    /// Where a board holds it; none for the model's unbounded table.
    pub slot: Option<SlotPos>,
    /// First seen mid-stream: the roles were inferred.
    pub picked_up: bool,
}

impl Row {
    /// The row of a dumped slot, its idle time measured at the board's `now`; `layout` splits
    /// its slot (the board's `IDENTIFY`).
    pub fn of(now: u32, s: &Slot, layout: SlotLayout) -> Row {
        Row::of_entry(now, &s.entry, Some(layout.pos(s.slot)), None)
    }

    /// The row of an entry at `now`, with its time left when the timeouts `t` are known.
    pub fn of_entry(now: u32, e: &Entry, slot: Option<SlotPos>, t: Option<&Timeouts>) -> Row {
        Row {
            client: e.client(),
            server: e.server(),
            client_state: e.client_state(),
            server_state: e.server_state(),
            idle: whole_secs(elapsed(now, e.last_seen)),
            expires: t.map(|t| crate::console::expires_in(e, now, t)),
            slot,
            picked_up: e.picked_up,
        }
    }

    /// Whether every whitespace-separated term of `filter` matches this row (case-insensitive).
    /// A term `:PORT` matches either endpoint's port exactly; any other term matches a
    /// substring of either endpoint (`ADDR:PORT`) or either state's name.
    pub fn matches(&self, filter: &str) -> bool {
        filter
            .split_whitespace()
            .all(|term| self.matches_term(term))
    }

    fn matches_term(&self, term: &str) -> bool {
        if let Some(port) = term.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()) {
            return self.client.port == port || self.server.port == port;
        }
        let term = term.to_ascii_uppercase();
        [
            self.client.to_string(),
            self.server.to_string(),
            self.client_state.name().to_string(),
            self.server_state.name().to_string(),
        ]
        .iter()
        .any(|field| field.contains(&term))
    }
}

/// The column the table is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Client,
    Server,
    ClientState,
    ServerState,
    Idle,
    Slot,
}

impl SortKey {
    /// Every column, in the order `s` cycles through them.
    pub const ALL: [SortKey; 6] = [
        SortKey::Client,
        SortKey::Server,
        SortKey::ClientState,
        SortKey::ServerState,
        SortKey::Idle,
        SortKey::Slot,
    ];

    /// The next column (`s`).
    pub fn next(self) -> SortKey {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The column's heading.
    pub const fn title(self) -> &'static str {
        match self {
            SortKey::Client => "CLIENT",
            SortKey::Server => "SERVER",
            SortKey::ClientState => "CLIENT STATE",
            SortKey::ServerState => "SERVER STATE",
            SortKey::Idle => "IDLE",
            SortKey::Slot => "SLOT",
        }
    }

    /// Order two rows by this column, ties broken by client then server (a stable screen).
    pub fn compare(self, a: &Row, b: &Row) -> Ordering {
        let primary = match self {
            SortKey::Client => Ordering::Equal,
            SortKey::Server => a.server.cmp(&b.server),
            SortKey::ClientState => (a.client_state as u8).cmp(&(b.client_state as u8)),
            SortKey::ServerState => (a.server_state as u8).cmp(&(b.server_state as u8)),
            SortKey::Idle => a.idle.cmp(&b.idle),
            SortKey::Slot => a.slot.cmp(&b.slot),
        };
        primary
            .then_with(|| a.client.cmp(&b.client))
            .then_with(|| a.server.cmp(&b.server))
    }
}

/// The rows to show: those matching `filter`, sorted by `key` (`descending` reverses).
pub fn visible<'a>(rows: &'a [Row], filter: &str, key: SortKey, descending: bool) -> Vec<&'a Row> {
    let mut v: Vec<&Row> = rows.iter().filter(|r| r.matches(filter)).collect();
    v.sort_by(|a, b| {
        let o = key.compare(a, b);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    v
}

/// The cells of a row, in column order (`SortKey::ALL`, then the time left): what the screen
/// and `--once` print.
pub fn cells(r: &Row) -> [String; 7] {
    [
        r.client.to_string(),
        r.server.to_string(),
        r.client_state.name().to_string(),
        r.server_state.name().to_string(),
        human::seconds(r.idle as u64),
        r.slot.map_or("-".to_string(), |s| {
            format!("{s}{}", if r.picked_up { " picked-up" } else { "" })
        }),
        r.expires.map_or("-".to_string(), |s| s.to_string()),
    ]
}

/// Column indices of `cells` in the order they are shown: client, server, both states, idle,
/// time left, slot.
pub const SHOWN: [usize; 7] = [0, 1, 2, 3, 4, 6, 5];
/// Headings of `cells`' columns.
pub const TITLES: [&str; 7] = [
    "CLIENT",
    "SERVER",
    "CLIENT STATE",
    "SERVER STATE",
    "IDLE",
    "SLOT",
    "EXPIRES",
];
/// The columns every layout shows whole: both endpoints and both states.
const ESSENTIAL: usize = 4;

/// Which columns fit in `width` characters, and each one's width: the endpoints and states
/// always (as wide as the widest shown), then idle, time left and slot while they fit. Never
/// an address or a port cut: a width too small for the essentials gives them anyway (the
/// caller's layout makes room first).
pub fn fit(rows: &[&Row], width: usize) -> Vec<(usize, usize)> {
    let all: Vec<[String; 7]> = rows.iter().map(|r| cells(r)).collect();
    let col_width = |i: usize| {
        all.iter()
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
            .max(TITLES[i].len().min(if i < ESSENTIAL { 99 } else { 7 }))
    };
    let mut out = Vec::new();
    let mut used = 0;
    for (n, &i) in SHOWN.iter().enumerate() {
        let w = col_width(i);
        let need = w + usize::from(!out.is_empty());
        if n >= ESSENTIAL && used + need > width {
            break;
        }
        used += need;
        out.push((i, w));
    }
    out
}

/// The width the essential columns of `rows` need (with their gaps).
pub fn essential_width(rows: &[&Row]) -> usize {
    fit(rows, 0).iter().map(|(_, w)| w + 1).sum::<usize>() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::entry::EndpointTrack;
    use synscope_model::FlowKey;

    #[test]
    fn the_slot_cell_is_bucket_and_way_of_the_boards_layout() {
        let (key, client_is_lo) = FlowKey::of(
            Endpoint::v4(0x0a00_0001, 40000),
            Endpoint::v4(0x0a00_0002, 80),
        );
        let s = Slot {
            slot: 0x1235,
            entry: Entry {
                key,
                client_is_lo,
                picked_up: true,
                ends: [
                    EndpointTrack::new(TcpState::Established),
                    EndpointTrack::new(TcpState::Established),
                ],
                last_seen: 0,
            },
        };
        for (ways, cell) in [(2, "2330/1"), (4, "1165/1"), (8, "582/5")] {
            let r = Row::of(0, &s, SlotLayout::new(ways).unwrap());
            assert_eq!(cells(&r)[5], format!("{cell} picked-up"), "{ways} ways");
        }
    }
}
