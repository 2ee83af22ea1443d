//! The board commands: `ping`, `stats`, `table`, `lookup`, `config`, `events`. Each opens the
//! link (`--port`, or the Arty's UART found by `ports::pick`), finds the board's line rate and
//! raises it to the fastest reliable one (`negotiate`; `--baud` skips that), checks that a
//! synscope answers, and prints a table or another `--format`.

use crate::connection::{ConnectionJson, SlotJson};
use crate::events::{enable_all, lost_line, BoardLosses, ConnEvent, EventStream};
use crate::exit::NothingFound;
use crate::filter::{Conn, FilterArgs};
use crate::format::{Format, FormatArgs};
use crate::link::Link;
use crate::negotiate::{self, baud_code};
use crate::output::{with_stdout, write_stdout};
use crate::{human, signals};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime};
use synscope_model::entry::Entry;
use synscope_model::entry::{Aux, EndpointTrack};
use synscope_model::protocol::payload::{
    encode_timeouts, Config, CounterSnapshot, Histogram, Identity, Slot,
};
use synscope_model::protocol::phy::PhyStatus;
use synscope_model::protocol::slot::{SlotLayout, SlotPos};
use synscope_model::protocol::{ConfigItem, LinkCounter, Op, BAUD_RATES};
use synscope_model::time::{elapsed, whole_secs};
use synscope_model::timeouts::removal_time;
use synscope_model::{Counter, Endpoint, TcpState, Timeouts};

/// Where the board is.
#[derive(Args, Clone, Debug)]
pub struct PortArgs {
    /// Serial port of the board (default: the Arty's USB-UART, found by `synscope ports`), or
    /// the pseudo-terminal printed by `synscope sim CAPTURE --serve`.
    #[arg(long, global = true, env = "SYNSCOPE_PORT")]
    pub port: Option<String>,
    /// The board's line rate, used as it is. Without it synscope finds the rate and raises it
    /// to the fastest reliable one (3000000) for the command, then puts it back.
    #[arg(long, global = true, env = "SYNSCOPE_BAUD")]
    pub baud: Option<u32>,
    /// How long an answer may pause before the board counts as silent; `None`: a board's
    /// (`ANSWER_TIMEOUT`). `demo` waits longer for the simulated board it starts.
    #[arg(skip)]
    pub answer_timeout: Option<Duration>,
}

impl PortArgs {
    /// The port's name: `--port`, or the board `synscope ports` finds.
    pub fn name(&self) -> Result<String> {
        match &self.port {
            Some(p) => Ok(p.clone()),
            None => crate::ports::pick(),
        }
    }

    /// Open the link at the board's fastest reliable rate and identify the board.
    pub fn connect(&self) -> Result<(Link, Identity)> {
        negotiate::connect(&self.name()?, self.baud, self.answer_timeout)
    }
}

#[derive(Subcommand, Debug)]
pub enum BoardCommand {
    /// Check the board answers; print what it is and the round-trip time.
    Ping(JsonArg),
    /// Counters (every drop reason, flag, class, RST class…) and the per-state histogram
    /// (of the connections the filters pass, when some are given).
    Stats(StatsArgs),
    /// Dump the connection table (both endpoints' states, idle time, time left, slot).
    Table(TableArgs),
    /// Look up one connection by its 4-tuple (either direction).
    Lookup(LookupArgs),
    /// Show the configuration, or change it.
    Config(ConfigArgs),
    /// Stream events (created, state changed, evicted, refused) like `conntrack -E`.
    Events(EventsArgs),
}

#[derive(Args, Debug)]
pub struct JsonArg {
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Args, Debug)]
pub struct TableArgs {
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "Exit status 3 when the connection is not in the table (as conntrack -G).")]
pub struct LookupArgs {
    /// One endpoint: ADDR:PORT, or [IPV6-ADDR]:PORT (quote it in a shell: '[::1]:80').
    pub src: String,
    /// The other endpoint, of the same family.
    pub dst: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// TIME_WAIT timeout, seconds (all five timeouts are sent together).
    #[arg(long)]
    pub time_wait: Option<u32>,
    /// Longest silence of a SYN_SENT / SYN_RECEIVED endpoint, seconds.
    #[arg(long)]
    pub handshake: Option<u32>,
    /// Orphaned FIN_WAIT_2 timeout, seconds.
    #[arg(long)]
    pub fin_wait_2: Option<u32>,
    #[arg(long)]
    pub idle: Option<u32>,
    #[arg(long)]
    pub linger: Option<u32>,
    /// Switch the board's line rate and leave it there (115200, 921600, 1000000, 2000000,
    /// 3000000); other commands find it.
    #[arg(long)]
    pub set_baud: Option<u32>,
    /// Load a new hash key: 32 hex digits, or `random` (empties the table).
    #[arg(long)]
    pub hash_key: Option<String>,
    /// Events per millisecond before the board drops (and counts) them; 0 = unlimited.
    #[arg(long)]
    pub event_rate: Option<u16>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Ctrl-C ends it (the board's event mask and line rate are put back). \
Events the board could not send are reported on stderr as they are counted."
)]
pub struct EventsArgs {
    /// Stop after this many events (default: until interrupted).
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop after this many seconds without an event.
    #[arg(long)]
    pub idle_exit: Option<f64>,
    /// `table` prints lines like `conntrack -E`; `json`/`ndjson` one object per line; `csv`.
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
}

pub fn run(cmd: &BoardCommand, port: &PortArgs) -> Result<()> {
    // Formats are checked before the board is opened.
    let table_format = match cmd {
        BoardCommand::Table(a) => Some(a.format.pick("table", &LISTS)?),
        BoardCommand::Events(a) => Some(a.format.pick("events", &LISTS)?),
        _ => None,
    };
    let (mut link, id) = port.connect()?;
    // The board's way count splits its slot numbers (checked when it identified).
    let layout = id.layout()?;
    match cmd {
        BoardCommand::Ping(a) => ping(&mut link, &id, a.json),
        BoardCommand::Stats(a) => stats(&mut link, &id, a),
        BoardCommand::Table(a) => table(
            &mut link,
            &id,
            layout,
            table_format.unwrap_or(Format::Table),
            &a.filter,
        ),
        BoardCommand::Lookup(a) => lookup(&mut link, a, layout),
        BoardCommand::Config(a) => config(&mut link, a),
        BoardCommand::Events(a) => {
            events(&mut link, a, table_format.unwrap_or(Format::Table), layout)
        }
    }
}

/// The formats of the board's lists (no Zeek log: the board keeps no per-side history).
const LISTS: [Format; 4] = [Format::Table, Format::Json, Format::Ndjson, Format::Csv];

fn print_json(v: &Value) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    write_stdout(s.as_bytes())
}

fn identity_json(id: &Identity) -> Value {
    json!({
        "board": id.board_name(),
        "protocol": id.protocol,
        "design": id.design,
        "buckets": 1u32 << id.bucket_bits,
        "ways": id.ways,
        "capacity": id.capacity(),
        "clock_mhz": id.clock_mhz,
    })
}

fn ping(link: &mut Link, id: &Identity, json: bool) -> Result<()> {
    let payload: Vec<u8> = (0..32u8).collect();
    let t0 = Instant::now();
    let echo = link.request(Op::Ping, payload.clone())?;
    let rtt = t0.elapsed();
    if echo != payload {
        bail!("{}: ping answered with other bytes", link.name());
    }
    if json {
        let mut v = identity_json(id);
        v["port"] = json!(link.name());
        v["baud"] = json!(link.baud());
        v["rtt_ms"] = json!(rtt.as_secs_f64() * 1e3);
        return print_json(&v);
    }
    let text = format!(
        "{} at {} baud: synscope on {} (protocol {}, design {}), {} entries ({} x {}), {} MHz; \
         round trip {:.1} ms\n",
        link.name(),
        link.baud(),
        id.board_name(),
        id.protocol,
        id.design,
        id.capacity(),
        1u32 << id.bucket_bits,
        id.ways,
        id.clock_mhz,
        rtt.as_secs_f64() * 1e3
    );
    write_stdout(text.as_bytes())
}

/// The counters and the per-state histogram.
pub fn read_states(link: &mut Link) -> Result<(CounterSnapshot, Histogram)> {
    Ok((link.counters()?, link.histogram()?))
}

/// What the board's MDIO master last read from the Ethernet PHY (`READ_PHY`); `None` from a
/// board that does not answer it (a design without the MDIO master refuses the op).
pub fn read_phy(link: &mut Link) -> Option<PhyStatus> {
    link.phy().ok()
}

/// `PhyStatus` as JSON: the raw registers and what they mean.
fn phy_json(p: &PhyStatus) -> Value {
    json!({
        "found": p.status & synscope_model::protocol::phy::STATUS_FOUND != 0,
        "address": p.addr,
        "id": format!("{:#010x}", p.phy_id()),
        "link": p.link_up(),
        "speed_mbps": p.speed_mbps(),
        "full_duplex": p.full_duplex(),
        "autoneg_complete": p.autoneg_complete(),
        "bmsr": format!("{:#06x}", p.bmsr),
        "physts": format!("{:#06x}", p.physts),
        "polls": p.polls,
    })
}

fn read_stats(link: &mut Link) -> Result<(CounterSnapshot, Histogram, Vec<u32>)> {
    let (c, h) = read_states(link)?;
    Ok((c, h, link.link_counters()?))
}

fn stats(link: &mut Link, id: &Identity, a: &StatsArgs) -> Result<()> {
    let (c, mut h, l) = read_stats(link)?;
    let phy = read_phy(link);
    // With filters: the states of the connections they pass, from the table.
    let matching = if a.filter.is_empty() {
        None
    } else {
        let (now, slots) = dump(link, id)?;
        let rows: Vec<&Slot> = slots
            .iter()
            .filter(|s| a.filter.matches(&conn_of(&s.entry)))
            .collect();
        h = Histogram::default();
        for s in &rows {
            h.client[s.entry.client_state() as usize] += 1;
            h.server[s.entry.server_state() as usize] += 1;
        }
        let _ = now;
        Some((rows.len(), slots.len()))
    };
    let counters: Map<String, Value> = Counter::ALL
        .iter()
        .map(|k| (k.name().to_string(), json!(c.get(*k))))
        .collect();
    let side = |x: &[u16; TcpState::COUNT]| -> Map<String, Value> {
        TcpState::ALL
            .iter()
            .map(|s| (s.name().to_string(), json!(x[*s as usize])))
            .collect()
    };
    let linkc: Map<String, Value> = LinkCounter::ALL
        .iter()
        .zip(&l)
        .map(|(k, v)| (k.name().to_string(), json!(v)))
        .collect();
    let half_open = h.half_open();
    let syn_to_synack = syn_to_synack(&c);
    if a.json {
        let mut v = json!({
            "now": whole_secs(c.now),
            "now_ticks": c.now,
            "counters": counters,
            "state_counts": {"client": side(&h.client), "server": side(&h.server)},
            "half_open": half_open,
            "syn_to_synack": syn_to_synack,
            "link": linkc,
            "phy": phy.as_ref().map(phy_json),
        });
        if let Some((n, of)) = matching {
            v["filtered"] = json!({"connections": n, "of": of});
        }
        return print_json(&v);
    }
    let mut s = String::new();
    let _ = writeln!(s, "board time {}", human::board_time(c.now));
    if let Some(p) = &phy {
        let _ = writeln!(s, "ethernet {}", p.describe());
    }
    if let Some((n, of)) = matching {
        let _ = writeln!(
            s,
            "states of the {n} of {of} connections the filters pass (the counters are the \
             board's)"
        );
    }
    let _ = writeln!(
        s,
        "half-open connections {half_open}, SYN:SYN-ACK {}",
        syn_to_synack.map_or("- (no SYN-ACK yet)".to_string(), |r| format!("{r:.2}"))
    );
    let _ = writeln!(s, "{:<12} {:>8} {:>8}", "STATE", "CLIENT", "SERVER");
    for st in TcpState::ALL {
        let _ = writeln!(
            s,
            "{:<12} {:>8} {:>8}",
            st.name(),
            h.client[st as usize],
            h.server[st as usize]
        );
    }
    let _ = writeln!(s);
    for k in Counter::ALL {
        let _ = writeln!(s, "{:<24} {:>12}", k.name(), c.get(k));
    }
    let _ = writeln!(s);
    for (k, v) in LinkCounter::ALL.iter().zip(&l) {
        let _ = writeln!(s, "link_{:<19} {:>12}", k.name(), v);
    }
    write_stdout(s.as_bytes())
}

/// An entry as the filters see it.
pub fn conn_of(e: &Entry) -> Conn {
    Conn {
        client: e.client(),
        server: e.server(),
        client_state: e.client_state(),
        server_state: e.server_state(),
    }
}

/// SYNs per SYN-ACK seen: about 1 on healthy traffic (a retransmitted SYN adds a little), far
/// above it under a SYN flood or a port scan, whose SYNs go unanswered. `None` before the first
/// SYN-ACK.
pub fn syn_to_synack(c: &CounterSnapshot) -> Option<f64> {
    let synack = c.get(Counter::ClassSynAck);
    (synack > 0).then(|| c.get(Counter::ClassSyn) as f64 / synack as f64)
}

/// Every live entry, reading the dump frame by frame (progress on stderr when it is a terminal).
pub fn dump(link: &mut Link, id: &Identity) -> Result<(u32, Vec<Slot>)> {
    let tty = std::io::stderr().is_terminal();
    let cap = id.capacity();
    let mut shown = 0;
    let got = dump_with(link, |n| {
        if tty && n - shown >= 32 {
            shown = n;
            eprint!("\rreading the table: {n} frames (up to {cap} entries)");
        }
    });
    if tty && shown > 0 {
        eprintln!();
    }
    got
}

/// Every live entry and the board's time, calling `progress` with the frames so far.
pub fn dump_with(link: &mut Link, progress: impl FnMut(usize)) -> Result<(u32, Vec<Slot>)> {
    Ok(link.dump_with(progress)?)
}

/// Seconds until an entry leaves the table without new segments (conntrack's countdown),
/// rounded up; `now` is the board's clock in ticks.
pub fn expires_in(e: &Entry, now: u32, t: &Timeouts) -> u64 {
    let left = elapsed(removal_time(e.clocks(), t), now);
    left.div_ceil(synscope_model::time::TICKS_PER_SECOND) as u64
}

/// What the board's `table` and `lookup` know of a connection beyond its head: its slot, idle
/// time against the board's clock, time left (when the timeouts are known), and each
/// endpoint's stream.
#[derive(Serialize)]
struct Held {
    #[serde(flatten)]
    slot: SlotJson,
    idle_s: u32,
    expires_in: Option<u64>,
    tracks: Tracks,
}

/// What the table knows of each endpoint's stream.
#[derive(Serialize)]
struct Tracks {
    client: Value,
    server: Value,
}

/// A dumped or looked-up slot as JSON; `layout` splits its slot number.
fn slot_json(now: u32, s: &Slot, t: Option<&Timeouts>, layout: SlotLayout) -> ConnectionJson<Held> {
    let e = &s.entry;
    let held = Held {
        slot: SlotJson::of(layout.pos(s.slot)),
        idle_s: whole_secs(elapsed(now, e.last_seen)),
        expires_in: t.map(|t| expires_in(e, now, t)),
        tracks: Tracks {
            client: track_json(&e.ends[e.client_end()]),
            server: track_json(&e.ends[e.server_end()]),
        },
    };
    ConnectionJson::of_entry(e, held)
}

/// What the table knows of one endpoint's stream (`EndpointTrack`): how its sequence space is
/// known, RCV.NXT and the highest byte its peer has (a hole between), a FIN held or taken, its
/// receive window and scale, whether it is stalled in the handshake, its last TSval.
fn track_json(t: &EndpointTrack) -> Value {
    json!({
        "seq": format!("{:?}", t.seq).to_lowercase(),
        "nxt": t.nxt,
        "max": t.max,
        "fin": if !t.fin { "none" } else if t.fin_delivered() { "delivered" } else { "held" },
        "window": t.window.map(|w| json!({"left": w.left, "right": w.right})),
        "wscale": (t.wscale != synscope_model::descriptor::WSCALE_NONE).then_some(t.wscale),
        "stalled": t.stalled,
        "tsval": match t.aux { Aux::Ts(ts) => Some(ts), _ => None },
    })
}

/// Notes on an entry's endpoints for the text table: a FIN held beyond a hole, an endpoint the
/// wire showed not taking the handshake.
fn track_notes(e: &Entry) -> String {
    let mut v = String::new();
    for (who, end) in [("client", e.client_end()), ("server", e.server_end())] {
        let t = &e.ends[end];
        if t.fin && !t.fin_delivered() {
            v.push_str(&format!(" {who}-fin-held"));
        }
        if t.stalled {
            v.push_str(&format!(" {who}-stalled"));
        }
    }
    v
}

fn table(
    link: &mut Link,
    id: &Identity,
    layout: SlotLayout,
    format: Format,
    filter: &FilterArgs,
) -> Result<()> {
    let timeouts = read_config(link)?.timeouts;
    let (now, slots) = dump(link, id)?;
    let rows: Vec<&Slot> = slots
        .iter()
        .filter(|s| filter.is_empty() || filter.matches(&conn_of(&s.entry)))
        .collect();
    let t = Some(&timeouts);
    with_stdout(|out| {
        match format {
            Format::Json => {
                let doc = json!({
                    "source": link.name(),
                    "engine": "board",
                    "board": identity_json(id),
                    "now": whole_secs(now),
                    "now_ticks": now,
                    "connection_count": rows.len(),
                    "connections": rows
                        .iter()
                        .map(|s| slot_json(now, s, t, layout))
                        .collect::<Vec<_>>(),
                });
                serde_json::to_writer_pretty(&mut *out, &doc)?;
                writeln!(out)?;
            }
            Format::Ndjson => {
                for s in &rows {
                    serde_json::to_writer(&mut *out, &slot_json(now, s, t, layout))?;
                    writeln!(out)?;
                }
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record([
                    "client",
                    "server",
                    "client_state",
                    "server_state",
                    "picked_up",
                    "bucket",
                    "way",
                    "idle_s",
                    "expires_in",
                ])?;
                for s in &rows {
                    let e = &s.entry;
                    let pos = layout.pos(s.slot);
                    w.write_record([
                        e.client().to_string(),
                        e.server().to_string(),
                        e.client_state().name().to_string(),
                        e.server_state().name().to_string(),
                        e.picked_up.to_string(),
                        pos.bucket.to_string(),
                        pos.way.to_string(),
                        whole_secs(elapsed(now, e.last_seen)).to_string(),
                        expires_in(e, now, &timeouts).to_string(),
                    ])?;
                }
                w.flush()?;
            }
            _ => {
                let mut s =
                    entry_lines(now, rows.iter().map(|x| (layout.pos(x.slot), &x.entry)), t);
                let _ = writeln!(
                    s,
                    "\n{} of {} entries in use{}; board time {}",
                    slots.len(),
                    id.capacity(),
                    if rows.len() == slots.len() {
                        String::new()
                    } else {
                        format!(", {} shown", rows.len())
                    },
                    human::board_time(now)
                );
                out.write_all(s.as_bytes())?;
            }
        }
        Ok(())
    })
}

/// The table as text, like `ss -tan` on both hosts at once: one line per entry (its slot as
/// `bucket/way`), idle time against the board's `now`. Shared by `table` and `sim`.
pub fn table_lines<'a>(now: u32, entries: impl Iterator<Item = (SlotPos, &'a Entry)>) -> String {
    entry_lines(now, entries, None)
}

/// `table_lines`, with each entry's time left (conntrack's countdown) when the timeouts are
/// known.
fn entry_lines<'a>(
    now: u32,
    entries: impl Iterator<Item = (SlotPos, &'a Entry)>,
    t: Option<&Timeouts>,
) -> String {
    let entries: Vec<(SlotPos, &Entry)> = entries.collect();
    let w = entries
        .iter()
        .map(|(_, e)| {
            e.client()
                .to_string()
                .len()
                .max(e.server().to_string().len())
        })
        .max()
        .unwrap_or(0)
        .max(6);
    let mut s = format!(
        "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7}  SLOT\n",
        "CLIENT", "SERVER", "CLIENT", "SERVER", "IDLE", "EXPIRES"
    );
    for (slot, e) in entries {
        let _ = writeln!(
            s,
            "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7}  {}{}{}",
            e.client().to_string(),
            e.server().to_string(),
            e.client_state().name(),
            e.server_state().name(),
            human::seconds(whole_secs(elapsed(now, e.last_seen)) as u64),
            t.map_or("-".to_string(), |t| expires_in(e, now, t).to_string()),
            slot,
            if e.picked_up { " picked-up" } else { "" },
            track_notes(e)
        );
    }
    s
}

/// `ADDR:PORT` (IPv4) or `[ADDR]:PORT` (IPv6, RFC 3986 §3.2.2; any RFC 4291 §2.2 text form).
pub fn parse_endpoint(s: &str) -> Result<Endpoint> {
    if let Ok(e) = s.parse::<Endpoint>() {
        return Ok(e);
    }
    let (a, p) = s
        .rsplit_once(':')
        .ok_or_else(|| anyhow!("'{s}': expected ADDR:PORT or [IPV6-ADDR]:PORT"))?;
    let port: u16 = p.parse().with_context(|| format!("'{p}' is not a port"))?;
    let a = a.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = a
        .parse()
        .with_context(|| format!("'{a}' is not an IPv4 or IPv6 address"))?;
    if ip.is_ipv6() && !s.starts_with('[') {
        bail!("'{s}': write an IPv6 endpoint as [ADDR]:PORT, e.g. [{ip}]:{port}");
    }
    Ok(Endpoint::new(ip, port))
}

/// The two endpoints of a `lookup`: of one family.
pub fn parse_pair(src: &str, dst: &str) -> Result<(Endpoint, Endpoint)> {
    let (a, b) = (parse_endpoint(src)?, parse_endpoint(dst)?);
    if a.is_v6() != b.is_v6() {
        bail!("{a} and {b}: a connection's endpoints are both IPv4 or both IPv6");
    }
    Ok((a, b))
}

fn lookup(link: &mut Link, a: &LookupArgs, layout: SlotLayout) -> Result<()> {
    let (src, dst) = parse_pair(&a.src, &a.dst)?;
    let now = CounterSnapshot::decode(&link.request(Op::ReadCounters, vec![])?)
        .map(|c| c.now)
        .unwrap_or(0);
    let found = link.lookup(src, dst, now)?;
    let timeouts = read_config(link)?.timeouts;
    if a.json {
        print_json(&match &found {
            Some(s) => json!({
                "found": true,
                "connection": slot_json(now, s, Some(&timeouts), layout),
            }),
            None => json!({"found": false}),
        })?;
    } else {
        let text = match &found {
            None => format!("{src} <-> {dst}: not in the table\n"),
            Some(s) => {
                let e = &s.entry;
                format!(
                    "{} {} -> {} {}  (slot {}, idle {}, expires in {} s{})\n",
                    e.client(),
                    e.client_state().name(),
                    e.server(),
                    e.server_state().name(),
                    layout.pos(s.slot),
                    human::seconds(whole_secs(elapsed(now, e.last_seen)) as u64),
                    expires_in(e, now, &timeouts),
                    if e.picked_up { ", picked up" } else { "" }
                )
            }
        };
        write_stdout(text.as_bytes())?;
    }
    if found.is_none() {
        return Err(NothingFound(None).into());
    }
    Ok(())
}

fn read_config(link: &mut Link) -> Result<Config> {
    Ok(link.config()?)
}

fn hash_key(s: &str) -> Result<[u8; 16]> {
    if s == "random" {
        let mut k = [0u8; 16];
        k.iter_mut().for_each(|b| *b = fastrand::u8(..));
        return Ok(k);
    }
    let s = s.trim_start_matches("0x");
    if s.len() != 32 || !s.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("--hash-key: 32 hex digits, or `random`");
    }
    let mut k = [0u8; 16];
    for (i, b) in k.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16)?;
    }
    Ok(k)
}

fn config(link: &mut Link, a: &ConfigArgs) -> Result<()> {
    let mut cfg = read_config(link)?;
    if a.time_wait
        .or(a.handshake)
        .or(a.fin_wait_2)
        .or(a.idle)
        .or(a.linger)
        .is_some()
    {
        let mut t = cfg.timeouts;
        t.time_wait = a.time_wait.unwrap_or(t.time_wait);
        t.handshake = a.handshake.unwrap_or(t.handshake);
        t.fin_wait_2 = a.fin_wait_2.unwrap_or(t.fin_wait_2);
        t.idle = a.idle.unwrap_or(t.idle);
        t.linger = a.linger.unwrap_or(t.linger);
        t.validate().map_err(anyhow::Error::msg)?;
        link.set_config(ConfigItem::Timeouts, &encode_timeouts(&t))?;
    }
    if let Some(r) = a.event_rate {
        link.set_config(ConfigItem::EventRate, &r.to_le_bytes())?;
    }
    if let Some(k) = &a.hash_key {
        link.set_config(ConfigItem::HashKey, &hash_key(k)?)?;
    }
    if let Some(b) = a.set_baud {
        baud_code(b).context("--set-baud")?;
        // Answered at the old rate; then the board and the port (kept open) switch.
        link.set_baud(b)?;
        link.keep_on_close(ConfigItem::Baud);
        link.identify()
            .with_context(|| format!("the board did not answer at {b} baud"))?;
        eprintln!("board now at {b} baud (the other commands find it)");
    }
    cfg = read_config(link)?;
    let t = cfg.timeouts;
    if a.json {
        return print_json(&json!({
            "time_wait": t.time_wait, "handshake": t.handshake, "fin_wait_2": t.fin_wait_2,
            "idle": t.idle, "linger": t.linger,
            "event_mask": cfg.event_mask, "event_rate": cfg.event_rate,
            "baud": BAUD_RATES.get(cfg.baud_code as usize),
            "hash_key": cfg.hash_key.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        }));
    }
    let text = format!(
        "time_wait {} s, handshake {} s, fin_wait_2 {} s, idle {} s, linger {} s\n\
         events: mask {:#04x}, rate {}\nbaud {}\nhash key {}\n",
        t.time_wait,
        t.handshake,
        t.fin_wait_2,
        t.idle,
        t.linger,
        cfg.event_mask,
        if cfg.event_rate == 0 {
            "unlimited".to_string()
        } else {
            format!("{}/ms", cfg.event_rate)
        },
        BAUD_RATES
            .get(cfg.baud_code as usize)
            .map_or("?".to_string(), |b| b.to_string()),
        cfg.hash_key
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    write_stdout(text.as_bytes())
}

/// How often `events` reads the board's counters: the clock its events are dated by, and the
/// events it could not send.
const EVENTS_CHECK: Duration = Duration::from_secs(1);

fn events(link: &mut Link, a: &EventsArgs, format: Format, layout: SlotLayout) -> Result<()> {
    enable_all(link)?;
    signals::stop_on_interrupt();
    let mut stream = EventStream::new();
    let (first, mut now) = BoardLosses::read(link)?;
    let mut reported = first;
    let mut checked = Instant::now();
    let mut n = 0u64;
    let mut last = Instant::now();
    let mut csv = (format == Format::Csv).then(|| csv::Writer::from_writer(std::io::stdout()));
    if let Some(w) = csv.as_mut() {
        w.write_record([
            "time",
            "board_time",
            "type",
            "client",
            "server",
            "client_before",
            "client_after",
            "server_before",
            "server_after",
            "bucket",
            "way",
        ])?;
        w.flush()?;
    }
    loop {
        if signals::interrupted()
            || a.count.is_some_and(|c| n >= c)
            || a.idle_exit
                .is_some_and(|s| last.elapsed() >= Duration::from_secs_f64(s))
        {
            return Ok(());
        }
        if checked.elapsed() >= EVENTS_CHECK {
            let (losses, t) = BoardLosses::read(link)?;
            now = t;
            let new = losses.since(&reported);
            if new.total() > 0 {
                eprintln!("synscope: {}", new.line());
                reported = losses;
            }
            checked = Instant::now();
        }
        let Some(f) = link.next_event(Duration::from_millis(200))? else {
            continue;
        };
        let r = stream
            .accept(&f)
            .ok_or_else(|| anyhow!("{}: malformed event frame", link.name()))?;
        if r.lost_before > 0 {
            eprintln!("synscope: {}", lost_line(r.lost_before as u64));
        }
        let e = ConnEvent::of_record(&r.record, SystemTime::now(), Some(now), layout);
        if !e.matches(&a.filter) {
            continue;
        }
        last = Instant::now();
        n += 1;
        match format {
            Format::Csv => {
                if let Some(w) = csv.as_mut() {
                    let (cs, ss) = (e.client_states, e.server_states);
                    w.write_record([
                        format!("{:.6}", human::epoch_seconds(e.at)),
                        e.board_time.map_or(String::new(), |t| t.to_string()),
                        e.kinds().join(","),
                        e.client.to_string(),
                        e.server.to_string(),
                        cs.0.name().to_string(),
                        cs.1.name().to_string(),
                        ss.0.name().to_string(),
                        ss.1.name().to_string(),
                        e.slot.map_or(String::new(), |s| s.bucket.to_string()),
                        e.slot.map_or(String::new(), |s| s.way.to_string()),
                    ])?;
                    if let Err(err) = w.flush() {
                        if err.kind() == std::io::ErrorKind::BrokenPipe {
                            return Ok(());
                        }
                        return Err(err.into());
                    }
                }
            }
            Format::Json | Format::Ndjson => write_stdout(format!("{}\n", e.json()).as_bytes())?,
            _ => write_stdout(format!("{}\n", e.line(None)).as_bytes())?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::time::secs;
    use synscope_model::FlowKey;

    fn layout(ways: usize) -> SlotLayout {
        SlotLayout::new(ways).unwrap()
    }

    /// An established connection in slot `slot`, idle 3 s at `now`.
    fn slot(slot: u16, now: u32) -> Slot {
        let (key, client_is_lo) = FlowKey::of(
            Endpoint::v4(0x0a00_0001, 40000),
            Endpoint::v4(0x0a00_0002, 80),
        );
        Slot {
            slot,
            entry: Entry {
                key,
                client_is_lo,
                picked_up: false,
                ends: [
                    EndpointTrack::new(TcpState::Established),
                    EndpointTrack::new(TcpState::Established),
                ],
                last_seen: now - secs(3),
            },
        }
    }

    #[test]
    fn table_outputs_split_slots_by_the_boards_way_count() {
        let now = secs(5000);
        // 0x1235: bucket 0x48d = 1165, way 1 at 4 ways; bucket 0x246 = 582, way 5 at 8.
        let s = slot(0x1235, now);
        for (ways, bucket, way) in [(2, 2330, 1), (4, 1165, 1), (8, 582, 5)] {
            let l = layout(ways);
            let text = table_lines(now, std::iter::once((l.pos(s.slot), &s.entry)));
            let line = text.lines().nth(1).unwrap();
            assert!(
                line.ends_with(&format!("  {bucket}/{way}")),
                "{ways} ways: {line}"
            );
            let j = serde_json::to_value(slot_json(now, &s, None, l)).unwrap();
            assert_eq!((&j["bucket"], &j["way"]), (&json!(bucket), &json!(way)));
            assert_eq!(j["idle_s"], 3);
        }
    }

    #[test]
    fn table_text_at_four_ways_is_as_before() {
        let now = secs(5000);
        let s = slot(4 << 2 | 3, now);
        assert_eq!(
            table_lines(now, std::iter::once((layout(4).pos(s.slot), &s.entry))),
            "CLIENT         SERVER         CLIENT       SERVER          IDLE EXPIRES  SLOT\n\
             10.0.0.1:40000 10.0.0.2:80    ESTABLISHED  ESTABLISHED       3s       -  4/3\n"
        );
    }
}
