//! Every bundled capture gives exactly the end state, read from the endpoints' own kernels, of
//! every endpoint in its `.json`.

use serde_json::Value;
use std::path::PathBuf;
use synscope_model::analysis::analyze_capture;
use synscope_model::{TableShape, TrackerConfig};

fn captures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../captures")
}

/// `a.b.c.d:port` or `[addr]:port` (the output's form) of a truth file's address and port.
fn endpoint(ip: &Value, port: &Value) -> String {
    let ip: std::net::IpAddr = ip.as_str().unwrap().parse().unwrap();
    std::net::SocketAddr::new(ip, port.as_u64().unwrap() as u16).to_string()
}

fn check(name: &str, shape: TableShape) {
    let dir = captures_dir();
    let pcap = std::fs::read(dir.join(format!("{name}.pcap"))).unwrap();
    let truth: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).unwrap()).unwrap();
    let config = TrackerConfig {
        shape,
        ..TrackerConfig::default()
    };
    let report = analyze_capture(&pcap, config).unwrap();
    let c = report.counters.clone();
    use synscope_model::Counter;
    assert_eq!(
        c.get(Counter::Frames),
        truth["packet_count"].as_u64().unwrap()
    );
    assert_eq!(
        c.get(Counter::Frames),
        c.get(Counter::Processed) + c.dropped()
    );
    let want = truth["connections"].as_array().unwrap();
    let mut failures = Vec::new();
    for w in want {
        if w.get("in_capture") == Some(&Value::Bool(false)) {
            continue;
        }
        let client = endpoint(&w["client_ip"], &w["client_port"]);
        let server = endpoint(&w["server_ip"], &w["server_port"]);
        let Some(got) = report
            .connections
            .iter()
            .find(|r| r.client.to_string() == client && r.server.to_string() == server)
        else {
            failures.push(format!("{client} -> {server}: not reported"));
            continue;
        };
        let (wc, ws) = (
            w["client_state"].as_str().unwrap(),
            w["server_state"].as_str().unwrap(),
        );
        if got.client_state.name() != wc || got.server_state.name() != ws {
            failures.push(format!(
                "{client} -> {server} ({}): got {}/{}, kernel says {wc}/{ws}",
                w.get("note").and_then(|n| n.as_str()).unwrap_or(""),
                got.client_state,
                got.server_state
            ));
        }
        let incarnations = w.get("incarnations").and_then(|n| n.as_u64()).unwrap_or(1);
        assert_eq!(
            got.incarnations as u64, incarnations,
            "{client} incarnations"
        );
    }
    assert_eq!(
        report.connections.len(),
        want.iter()
            .filter(|w| w.get("in_capture") != Some(&Value::Bool(false)))
            .count(),
        "connection count"
    );
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

macro_rules! capture_tests {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check($name, TableShape::Unbounded);
                check($name, TableShape::ARTY_35T);
            }
        )*
    };
}

capture_tests! {
    a_normal => "A_normal",
    b_server_closes_first => "B_server_closes_first",
    c_half_close => "C_half_close",
    d_client_close_server_open => "D_client_close_server_open",
    e_refused => "E_refused",
    f_abortive_rst => "F_abortive_rst",
    j_lossy_transfer => "J_lossy_transfer",
    k_many => "K_many",
    n_urgent_push => "N_urgent_push",
    o_ecn => "O_ecn",
    p6_vlan_ipv6 => "P6_vlan_ipv6",
    q6_ipv6_normal => "Q6_ipv6_normal",
    q6_ipv6_many => "Q6_ipv6_many",
    e6_fastopen => "E6_fastopen",
    x6_syn_retries => "X6_syn_retries",
    y6_accept_overflow => "Y6_accept_overflow",
}
