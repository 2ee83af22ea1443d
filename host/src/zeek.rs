//! A Zeek conn.log from the model's connections (Zeek's documentation of `conn.log` and its
//! `conn_state` function in `base/protocols/conn/main.zeek`): each side's Zeek endpoint state
//! is derived from what the model saw it send (the `history` letters), and the connection's
//! `conn_state` from the two, as Zeek derives it.

use std::io::Write;
use synscope_model::analysis::{ConnectionReport, History};

/// Zeek's TCP endpoint states (its `TCP_*` endpoint states), as far as the letters tell them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZeekState {
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    /// Sent a FIN.
    Closed,
    /// Sent a RST.
    Reset,
}

/// The Zeek state of the client (`client`) or the server, from what it sent.
fn zeek_state(h: History, client: bool) -> ZeekState {
    let sent = |c| h.has(c, client);
    let any = ['S', 'H', 'A', 'D', 'F', 'R', 'W'].iter().any(|c| sent(*c));
    // The handshake completed: a SYN and a SYN-ACK, then something more from the client.
    let handshake = h.has('S', true) && h.has('H', false) && (h.has('A', true) || h.has('D', true));
    if sent('R') {
        ZeekState::Reset
    } else if sent('F') {
        ZeekState::Closed
    } else if handshake {
        ZeekState::Established
    } else if client && sent('S') {
        ZeekState::SynSent
    } else if !client && sent('H') {
        ZeekState::SynAckSent
    } else if any {
        ZeekState::Partial
    } else {
        ZeekState::Inactive
    }
}

/// Zeek's `^?S[^HAFGIQ]*R.*` on a history: a SYN, then a RST from the originator before any
/// handshake, ACK, FIN, gap, inconsistency or multi-flag segment from it.
fn syn_then_rst(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    match rest.find('R') {
        Some(i) => !rest[..i].contains(['H', 'A', 'F', 'G', 'I', 'Q']),
        None => false,
    }
}

/// Zeek's `conn_state` of a connection.
pub fn conn_state(c: &ConnectionReport) -> &'static str {
    let (o, r) = (zeek_state(c.history, true), zeek_state(c.history, false));
    let inactive = |s| matches!(s, ZeekState::Inactive | ZeekState::Partial);
    let no_bytes = c.bytes == [0, 0];
    if r == ZeekState::Reset {
        if matches!(o, ZeekState::SynSent | ZeekState::SynAckSent)
            || (o == ZeekState::Reset && no_bytes)
        {
            "REJ"
        } else if inactive(o) {
            "RSTRH"
        } else {
            "RSTR"
        }
    } else if o == ZeekState::Reset {
        if inactive(r) {
            if syn_then_rst(&c.history.zeek()) {
                "RSTOS0"
            } else {
                "OTH"
            }
        } else {
            "RSTO"
        }
    } else if o == ZeekState::Closed && r == ZeekState::Closed {
        "SF"
    } else if o == ZeekState::Closed {
        if inactive(r) {
            "SH"
        } else {
            "S2"
        }
    } else if r == ZeekState::Closed {
        if inactive(o) {
            "SHR"
        } else {
            "S3"
        }
    } else if o == ZeekState::SynSent && r == ZeekState::Inactive {
        "S0"
    } else if o == ZeekState::Established && r == ZeekState::Established {
        "S1"
    } else {
        "OTH"
    }
}

/// A Zeek-style connection id (`C` and 17 base-62 digits), the same for the same connection.
fn uid(c: &ConnectionReport) -> String {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for part in [
        c.client.to_string(),
        c.server.to_string(),
        c.first_seen.as_nanos().to_string(),
    ] {
        for b in part.bytes() {
            x = (x ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        x ^= x >> 29;
    }
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut s = String::from("C");
    let mut y = x as u128 | ((x.rotate_left(23) as u128) << 64);
    for _ in 0..17 {
        s.push(DIGITS[(y % 62) as usize] as char);
        y /= 62;
    }
    s
}

const FIELDS: [(&str, &str); 23] = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("proto", "enum"),
    ("service", "string"),
    ("duration", "interval"),
    ("orig_bytes", "count"),
    ("resp_bytes", "count"),
    ("conn_state", "string"),
    ("local_orig", "bool"),
    ("local_resp", "bool"),
    ("missed_bytes", "count"),
    ("history", "string"),
    ("orig_pkts", "count"),
    ("orig_ip_bytes", "count"),
    ("resp_pkts", "count"),
    ("resp_ip_bytes", "count"),
    ("tunnel_parents", "set[string]"),
    ("synscope_client_state", "string"),
    ("synscope_server_state", "string"),
];

/// The `#` header lines of a conn.log written at `opened` (seconds since the epoch).
pub fn header(out: &mut impl Write, opened: std::time::SystemTime) -> std::io::Result<()> {
    let when = chrono::DateTime::<chrono::Local>::from(opened).format("%Y-%m-%d-%H-%M-%S");
    writeln!(out, "#separator \\x09")?;
    writeln!(out, "#set_separator\t,")?;
    writeln!(out, "#empty_field\t(empty)")?;
    writeln!(out, "#unset_field\t-")?;
    writeln!(out, "#path\tconn")?;
    writeln!(out, "#open\t{when}")?;
    let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
    let types: Vec<&str> = FIELDS.iter().map(|f| f.1).collect();
    writeln!(out, "#fields\t{}", names.join("\t"))?;
    writeln!(out, "#types\t{}", types.join("\t"))
}

/// One conn.log line. Zeek's unknowns are `-`: the service (no protocol analysis), the
/// locality of the networks, and the IP-level byte counts (the model counts TCP payload).
pub fn line(out: &mut impl Write, c: &ConnectionReport) -> std::io::Result<()> {
    let duration = c.last_seen.saturating_sub(c.first_seen);
    writeln!(
        out,
        "{:.6}\t{}\t{}\t{}\t{}\t{}\ttcp\t-\t{:.6}\t{}\t{}\t{}\t-\t-\t0\t{}\t{}\t-\t{}\t-\t-\t{}\t{}",
        c.first_seen.as_secs_f64(),
        uid(c),
        c.client.ip,
        c.client.port,
        c.server.ip,
        c.server.port,
        duration.as_secs_f64(),
        c.bytes[0],
        c.bytes[1],
        conn_state(c),
        c.history.zeek(),
        c.packets[0],
        c.packets[1],
        c.client_state.name(),
        c.server_state.name(),
    )
}

/// The closing line.
pub fn footer(out: &mut impl Write, closed: std::time::SystemTime) -> std::io::Result<()> {
    let when = chrono::DateTime::<chrono::Local>::from(closed).format("%Y-%m-%d-%H-%M-%S");
    writeln!(out, "#close\t{when}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rstos0_is_zeeks_pattern() {
        assert!(syn_then_rst("SR"));
        assert!(syn_then_rst("^SdR"));
        assert!(!syn_then_rst("ShAR"));
        assert!(!syn_then_rst("SAR"));
        assert!(!syn_then_rst("hR"));
    }
}
