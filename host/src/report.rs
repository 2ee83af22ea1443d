//! The output contract of design.md: the JSON document and the `ss -tan`-like table, built from
//! an analysis report (the model's, or one read out of the hardware).

use serde_json::{json, Map, Value};
use std::fmt::Write;
use std::time::Duration;
use synscope_model::analysis::{AnalysisReport, ConnectionReport, RST_CLASSES};
use synscope_model::counters::Counters;
use synscope_model::tracker::RemoveReason;
use synscope_model::{Counter, DropReason, Endpoint, RstClass, TcpState};

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn rst_name(c: RstClass) -> &'static str {
    match c {
        RstClass::Exact => "exact",
        RstClass::InWindow => "in_window",
        RstClass::OutOfWindow => "out_of_window",
        RstClass::Unverified => "unverified",
    }
}

fn connection_json(c: &ConnectionReport) -> Value {
    let rst: Map<String, Value> = RST_CLASSES
        .iter()
        .zip(c.rst)
        .map(|(k, v)| (rst_name(*k).to_string(), json!(v)))
        .collect();
    json!({
        "client": c.client.to_string(),
        "server": c.server.to_string(),
        "client_state": c.client_state.name(),
        "server_state": c.server_state.name(),
        "picked_up": c.picked_up,
        "incarnations": c.incarnations,
        "packets": {"client_to_server": c.packets[0], "server_to_client": c.packets[1]},
        "bytes": {"client_to_server": c.bytes[0], "server_to_client": c.bytes[1]},
        "rst": rst,
        "flags_seen": c.flags_seen.names().collect::<Vec<_>>(),
        "first_seen": secs(c.first_seen),
        "last_seen": secs(c.last_seen),
        "removed": c.removed.map(|r| match r {
            RemoveReason::Expired => "expired",
            RemoveReason::Evicted => "evicted",
        }),
    })
}

/// `{STATE: n}` for the client and the server side, states with no connection left out.
pub fn state_counts(conns: &[ConnectionReport]) -> Value {
    state_counts_of(conns.iter().map(|c| (c.client_state, c.server_state)))
}

/// `state_counts` of any (client state, server state) pairs (the model's reports, or a table
/// read out of the hardware).
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

/// The JSON document (design.md, "Contracts").
pub fn to_json(r: &AnalysisReport, source: &str, engine: &str) -> Value {
    let counters: Map<String, Value> = r
        .counters
        .iter()
        .map(|(c, v)| (c.name().to_string(), json!(v)))
        .collect();
    json!({
        "source": source,
        "engine": engine,
        "end_time": secs(r.end_time),
        "connection_count": r.connections.len(),
        "state_counts": state_counts(&r.connections),
        "listeners": r.listeners.iter()
            .map(|l| json!({"endpoint": l.to_string(), "state": "LISTEN"}))
            .collect::<Vec<_>>(),
        "connections": r.connections.iter().map(connection_json).collect::<Vec<_>>(),
        "counters": counters,
        "capture_truncated": r.capture_truncated,
    })
}

/// Width of an endpoint column: 22 (`255.255.255.255:65535`), or the longest endpoint (an
/// IPv6 one in `[addr]:port` form is up to 47 characters), so no endpoint is ever cut.
pub fn endpoint_width(endpoints: impl Iterator<Item = Endpoint>) -> usize {
    endpoints
        .map(|e| e.to_string().len())
        .max()
        .unwrap_or(0)
        .max(22)
}

/// Frames the model (or a board) could not track, and why: `None` when every frame became a
/// segment, else one line for stderr, e.g. `12 of 4693 frames not tracked: 10 snap_truncated
/// (cut inside its headers by the capture's snap length), 2 not_tcp (not TCP (UDP, ICMP, ...))`.
/// Shared by every command that reports on frames.
pub fn untracked_frames(k: &Counters) -> Option<String> {
    let dropped = k.dropped();
    if dropped == 0 {
        return None;
    }
    let reasons: Vec<String> = DropReason::ALL
        .iter()
        .filter_map(|r| {
            let n = k.get(Counter::drop(*r));
            (n > 0).then(|| format!("{n} {} ({})", r.name(), r.describe()))
        })
        .collect();
    Some(format!(
        "{dropped} of {} frames not tracked: {}",
        k.get(Counter::Frames),
        reasons.join(", ")
    ))
}

/// The human table, like `ss -tan`, with a summary of counters below.
pub fn to_table(r: &AnalysisReport) -> String {
    let mut s = String::new();
    let w = endpoint_width(r.connections.iter().flat_map(|c| [c.client, c.server]));
    let _ = writeln!(
        s,
        "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7} {:>10} {:>10}  NOTE",
        "CLIENT", "SERVER", "CLIENT", "SERVER", "PKT>", "PKT<", "BYTES>", "BYTES<"
    );
    for c in &r.connections {
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
            note.push(format!("{why:?}").to_lowercase());
        }
        let _ = writeln!(
            s,
            "{:<w$} {:<w$} {:<12} {:<12} {:>7} {:>7} {:>10} {:>10}  {}",
            c.client.to_string(),
            c.server.to_string(),
            c.client_state.name(),
            c.server_state.name(),
            c.packets[0],
            c.packets[1],
            c.bytes[0],
            c.bytes[1],
            note.join(" ")
        );
    }
    let k = &r.counters;
    let _ = writeln!(
        s,
        "\n{} connections; {} frames: {} processed, {} not tracked{}",
        r.connections.len(),
        k.get(Counter::Frames),
        k.get(Counter::Processed),
        k.dropped(),
        if r.capture_truncated > 0 {
            format!(
                " ({} cut short by the capture's snap length)",
                r.capture_truncated
            )
        } else {
            String::new()
        }
    );
    let nonzero: Vec<String> = k
        .iter()
        .filter(|(c, v)| *v > 0 && !matches!(c, Counter::Frames | Counter::Processed))
        .map(|(c, v)| format!("{}={v}", c.name()))
        .collect();
    let _ = writeln!(s, "{}", nonzero.join(" "));
    s
}
