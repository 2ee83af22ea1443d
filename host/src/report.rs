//! The output contract of design.md for an analysis (the model's): the JSON document, the
//! `ss -tan`-like table, NDJSON, CSV and a Zeek conn.log. Every format is written to the writer
//! connection by connection (the JSON document through serde's streaming serializer), so
//! printing costs the bytes it writes and no more memory than the report itself.

use crate::connection::ConnectionJson;
use crate::filter::{Conn, FilterArgs};
use crate::format::Format;
use crate::{human, zeek};
use anyhow::Result;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};
use std::fmt::Display;
use std::io::Write;
use std::time::SystemTime;
use synscope_model::analysis::{AnalysisReport, ConnectionReport, RST_CLASSES};
use synscope_model::tracker::RemoveReason;
use synscope_model::{Counter, Counters, RstClass, TcpState};

fn rst_name(c: RstClass) -> &'static str {
    match c {
        RstClass::Exact => "exact",
        RstClass::InWindow => "in_window",
        RstClass::OutOfWindow => "out_of_window",
        RstClass::Unverified => "unverified",
    }
}

fn removed_name(r: RemoveReason) -> &'static str {
    match r {
        RemoveReason::Expired => "expired",
        RemoveReason::Evicted => "evicted",
    }
}

/// `{STATE: n}` for the client and the server side, states with no connection left out, of any
/// (client state, server state) pairs (the model's reports, or a table read out of the
/// hardware).
pub fn state_counts_of(states: impl Iterator<Item = (TcpState, TcpState)>) -> Value {
    let mut client = [0u64; TcpState::COUNT];
    let mut server = [0u64; TcpState::COUNT];
    for (c, s) in states {
        client[c as usize] += 1;
        server[s as usize] += 1;
    }
    let side = |h: [u64; TcpState::COUNT]| -> Value {
        TcpState::ALL
            .iter()
            .filter(|s| h[**s as usize] > 0)
            .map(|s| (s.name().to_string(), json!(h[*s as usize])))
            .collect::<Map<_, _>>()
            .into()
    };
    json!({"client": side(client), "server": side(server)})
}

/// Every counter by name.
pub fn counters_json(k: &Counters) -> Map<String, Value> {
    k.iter()
        .map(|(c, v)| (c.name().to_string(), json!(v)))
        .collect()
}

/// A value serialized (and padded, in tables) through its `Display` (endpoints: `ADDR:PORT`,
/// `[ADDR]:PORT`).
struct Shown<T>(T);

impl<T: Display> Display for Shown<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Padding applies to the whole endpoint, as to a string.
        if f.width().is_some() {
            f.pad(&self.0.to_string())
        } else {
            self.0.fmt(f)
        }
    }
}

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// An analysis to print: the report, where it came from, the filter, and the time the end
/// states were taken at.
pub struct Listing<'a> {
    pub report: &'a AnalysisReport,
    pub source: &'a str,
    pub engine: &'a str,
    pub filter: &'a FilterArgs,
}

impl<'a> Listing<'a> {
    /// The connections that pass the filter, in order of first appearance.
    pub fn rows(&self) -> impl Iterator<Item = &'a ConnectionReport> + '_ {
        let f = self.filter;
        self.report.connections.iter().filter(move |c| {
            f.is_empty()
                || f.matches(&Conn {
                    client: c.client,
                    server: c.server,
                    client_state: c.client_state,
                    server_state: c.server_state,
                })
        })
    }

    /// Seconds until a connection's entry leaves the table (conntrack's countdown).
    fn expires_in(&self, c: &ConnectionReport) -> Option<u64> {
        c.expires_at
            .map(|t| t.saturating_sub(self.report.end_time.as_secs()))
    }

    /// Write the listing in `format`.
    pub fn write(&self, format: Format, out: &mut impl Write) -> Result<()> {
        match format {
            Format::Table => self.table(out)?,
            Format::Json => {
                let mut ser = serde_json::Serializer::pretty(&mut *out);
                self.serialize(&mut ser)?;
                writeln!(out)?;
            }
            Format::Ndjson => {
                for c in self.rows() {
                    serde_json::to_writer(&mut *out, &connection_json(self, c))?;
                    writeln!(out)?;
                }
            }
            Format::Csv => self.csv(out)?,
            Format::Zeek => {
                zeek::header(out, SystemTime::now())?;
                for c in self.rows() {
                    zeek::line(out, c)?;
                }
                zeek::footer(out, SystemTime::now())?;
            }
        }
        out.flush()?;
        Ok(())
    }

    /// The human table, like `ss -tan`, with a summary of counters below.
    fn table(&self, out: &mut impl Write) -> Result<()> {
        let mut buf = String::new();
        let mut len = |e: &synscope_model::Endpoint| {
            use std::fmt::Write as _;
            buf.clear();
            let _ = write!(buf, "{e}");
            buf.len()
        };
        let w = self
            .rows()
            .map(|c| len(&c.client).max(len(&c.server)))
            .max()
            .unwrap_or(0)
            .max(6);
        let mut stamps = human::Stamper::default();
        writeln!(
            out,
            "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7} {:>10} {:>10}  {:<23} {:>8} {:>7}  NOTE",
            "CLIENT",
            "SERVER",
            "CLIENT",
            "SERVER",
            "PKT>",
            "PKT<",
            "BYTES>",
            "BYTES<",
            "FIRST SEEN",
            "DURATION",
            "EXPIRES"
        )?;
        let mut shown = 0u64;
        for c in self.rows() {
            shown += 1;
            let mut note = Vec::new();
            if c.picked_up {
                note.push("picked-up".to_string());
            }
            if c.incarnations > 1 {
                note.push(format!("x{}", c.incarnations));
            }
            if c.rst.iter().sum::<u64>() > 0 {
                note.push(format!(
                    "rst {}/{}/{}",
                    c.rst[0] + c.rst[3],
                    c.rst[1],
                    c.rst[2]
                ));
            }
            if let Some(why) = c.removed {
                note.push(removed_name(why).to_string());
            }
            writeln!(
                out,
                "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7} {:>10} {:>10}  {:<23} {:>8} {:>7}  {}",
                Shown(c.client),
                Shown(c.server),
                c.client_state.name(),
                c.server_state.name(),
                c.packets[0],
                c.packets[1],
                c.bytes[0],
                c.bytes[1],
                stamps.stamp(c.first_seen),
                human::duration(c.last_seen.saturating_sub(c.first_seen)),
                self.expires_in(c)
                    .map_or("-".to_string(), |s| s.to_string()),
                note.join(" ")
            )?;
        }
        let r = self.report;
        let k = &r.counters;
        let total = r.connections.len() as u64;
        let of = if shown == total {
            format!("{total} connections")
        } else {
            format!("{shown} of {total} connections")
        };
        writeln!(
            out,
            "\n{of}; {} frames: {} processed, {} dropped{}",
            k.get(Counter::Frames),
            k.get(Counter::Processed),
            k.dropped(),
            if r.capture_truncated > 0 {
                format!(" ({} cut short by the capture)", r.capture_truncated)
            } else {
                String::new()
            }
        )?;
        let nonzero: Vec<String> = k
            .iter()
            .filter(|(c, v)| *v > 0 && !matches!(c, Counter::Frames | Counter::Processed))
            .map(|(c, v)| format!("{}={v}", c.name()))
            .collect();
        writeln!(out, "{}", nonzero.join(" "))?;
        Ok(())
    }

    fn csv(&self, out: &mut impl Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut head = vec![
            "client",
            "server",
            "client_state",
            "server_state",
            "picked_up",
            "incarnations",
            "packets_client_to_server",
            "packets_server_to_client",
            "bytes_client_to_server",
            "bytes_server_to_client",
            "first_seen",
            "last_seen",
            "duration",
            "expires_in",
            "removed",
            "history",
        ];
        let rst: Vec<String> = RST_CLASSES
            .iter()
            .map(|c| format!("rst_{}", rst_name(*c)))
            .collect();
        head.extend(rst.iter().map(String::as_str));
        head.push("flags_seen");
        w.write_record(&head)?;
        for c in self.rows() {
            let mut rec = vec![
                c.client.to_string(),
                c.server.to_string(),
                c.client_state.name().to_string(),
                c.server_state.name().to_string(),
                c.picked_up.to_string(),
                c.incarnations.to_string(),
                c.packets[0].to_string(),
                c.packets[1].to_string(),
                c.bytes[0].to_string(),
                c.bytes[1].to_string(),
                format!("{:.6}", c.first_seen.as_secs_f64()),
                format!("{:.6}", c.last_seen.as_secs_f64()),
                format!(
                    "{:.6}",
                    c.last_seen.saturating_sub(c.first_seen).as_secs_f64()
                ),
                self.expires_in(c).map_or(String::new(), |s| s.to_string()),
                c.removed.map_or("", removed_name).to_string(),
                c.history.zeek(),
            ];
            rec.extend(c.rst.iter().map(|n| n.to_string()));
            rec.push(c.flags_seen.names().collect::<Vec<_>>().join(" "));
            w.write_record(&rec)?;
        }
        w.flush()?;
        Ok(())
    }
}

/// What `analyze` knows of a connection beyond its head (`ConnectionJson`): the model's
/// history of it.
#[derive(Serialize)]
struct Analyzed {
    incarnations: u32,
    packets: EachWay,
    bytes: EachWay,
    rst: Map<String, Value>,
    flags_seen: Vec<&'static str>,
    first_seen: f64,
    last_seen: f64,
    duration: f64,
    expires_in: Option<u64>,
    removed: Option<&'static str>,
    history: String,
}

/// A count in each direction.
#[derive(Serialize)]
struct EachWay {
    client_to_server: u64,
    server_to_client: u64,
}

impl EachWay {
    fn of(v: [u64; 2]) -> EachWay {
        EachWay {
            client_to_server: v[0],
            server_to_client: v[1],
        }
    }
}

/// One connection's JSON object.
fn connection_json(l: &Listing, c: &ConnectionReport) -> ConnectionJson<Analyzed> {
    let rst: Map<String, Value> = RST_CLASSES
        .iter()
        .zip(c.rst)
        .map(|(k, v)| (rst_name(*k).to_string(), json!(v)))
        .collect();
    ConnectionJson::new(
        (c.client, c.server),
        (c.client_state, c.server_state),
        c.picked_up,
        Analyzed {
            incarnations: c.incarnations,
            packets: EachWay::of(c.packets),
            bytes: EachWay::of(c.bytes),
            rst,
            flags_seen: c.flags_seen.names().collect(),
            first_seen: c.first_seen.as_secs_f64(),
            last_seen: c.last_seen.as_secs_f64(),
            duration: c.last_seen.saturating_sub(c.first_seen).as_secs_f64(),
            expires_in: l.expires_in(c),
            removed: c.removed.map(removed_name),
            history: c.history.zeek(),
        },
    )
}

/// The connections of a listing as a JSON array, written as they are serialized.
struct Connections<'l, 'a>(&'l Listing<'a>);

impl Serialize for Connections<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for c in self.0.rows() {
            seq.serialize_element(&connection_json(self.0, c))?;
        }
        seq.end()
    }
}

/// The JSON document (design.md, "Contracts").
impl Serialize for Listing<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let (count, states) = if self.filter.is_empty() {
            (
                r.connections.len(),
                state_counts_of(
                    r.connections
                        .iter()
                        .map(|c| (c.client_state, c.server_state)),
                ),
            )
        } else {
            (
                self.rows().count(),
                state_counts_of(self.rows().map(|c| (c.client_state, c.server_state))),
            )
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("source", self.source)?;
        m.serialize_entry("engine", self.engine)?;
        m.serialize_entry("end_time", &r.end_time.as_secs_f64())?;
        m.serialize_entry("connection_count", &count)?;
        m.serialize_entry("state_counts", &states)?;
        let listeners: Vec<Value> = r
            .listeners
            .iter()
            .map(|l| json!({"endpoint": l.to_string(), "state": "LISTEN"}))
            .collect();
        m.serialize_entry("listeners", &listeners)?;
        m.serialize_entry("connections", &Connections(self))?;
        m.serialize_entry("counters", &counters_json(&r.counters))?;
        m.serialize_entry("capture_truncated", &r.capture_truncated)?;
        m.serialize_entry("capture_cut_short", &r.file_cut_short)?;
        m.end()
    }
}

/// Frames the analysis did not track, by reason, for stderr (`None` when it tracked every
/// one): the front end's drops (a frame the capture's snap length cut inside its headers is
/// `drop_snap_truncated`; one cut after them is tracked), and segments that reached no
/// connection (an invalid flag combination, a RST matching none, a full table).
pub fn not_tracked(r: &AnalysisReport) -> Option<String> {
    let k = &r.counters;
    let mut reasons: Vec<String> = k
        .iter()
        .filter(|(c, v)| *v > 0 && c.name().starts_with("drop_"))
        .map(|(c, v)| {
            format!(
                "{v} {}",
                c.name().trim_start_matches("drop_").replace('_', " ")
            )
        })
        .collect();
    for (c, what) in [
        (Counter::ClassInvalid, "with an invalid flag combination"),
        (Counter::Untracked, "RST matching no connection"),
        (Counter::TableFull, "refused by the full table"),
    ] {
        if k.get(c) > 0 {
            reasons.push(format!("{} {what}", k.get(c)));
        }
    }
    let untracked = k.dropped()
        + k.get(Counter::ClassInvalid)
        + k.get(Counter::Untracked)
        + k.get(Counter::TableFull);
    (untracked > 0).then(|| {
        format!(
            "{untracked} of {} frames not tracked: {}",
            k.get(Counter::Frames),
            reasons.join(", ")
        )
    })
}
