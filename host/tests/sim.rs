//! `synscope sim`: the simulated board's end states equal `synscope analyze`'s with the same
//! table shape (every capture is compared entry by entry in `sim/tests/board.rs`; here the
//! command itself, on the small captures — the Linux handshake-evidence ones included — and its
//! errors).

mod common;

use common::{end_states, truth_states};
use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn sim_and_analyze_agree_on_end_states_and_counters() {
    for cap in [
        "A_normal",
        "E_refused",
        "F_abortive_rst",
        "E6_fastopen",
        "X6_syn_retries",
        "Y6_accept_overflow",
    ] {
        let path = format!("captures/{cap}.pcap");
        let (ok, sim, err) = run(&["sim", &path, "--json"]);
        assert!(ok, "{err}");
        let (ok, model, err) = run(&["analyze", &path, "--json", "--table", "arty35"]);
        assert!(ok, "{err}");
        let sim: Value = serde_json::from_str(&sim).unwrap();
        let model: Value = serde_json::from_str(&model).unwrap();
        assert_eq!(sim["engine"], "board-sim");
        assert_eq!(end_states(&sim), end_states(&model), "{cap}");
        assert_eq!(sim["counters"], model["counters"], "{cap}");
        assert_eq!(sim["state_counts"], model["state_counts"], "{cap}");
    }
}

/// The IPv6 captures (also under a VLAN tag): the simulated board and the model give the
/// kernels' end states for every endpoint, printed `[addr]:port`.
#[test]
fn ipv6_captures_through_sim_and_analyze() {
    for cap in ["Q6_ipv6_normal", "Q6_ipv6_many", "P6_vlan_ipv6"] {
        let path = format!("captures/{cap}.pcap");
        let (ok, sim, err) = run(&["sim", &path, "--json"]);
        assert!(ok, "{err}");
        let (ok, model, err) = run(&["analyze", &path, "--json"]);
        assert!(ok, "{err}");
        assert!(
            err.is_empty(),
            "every frame tracked, nothing on stderr: {err}"
        );
        let sim: Value = serde_json::from_str(&sim).unwrap();
        let model: Value = serde_json::from_str(&model).unwrap();
        let want = truth_states(cap);
        assert!(want.iter().all(|c| c.0.starts_with('[')), "{want:?}");
        assert_eq!(end_states(&sim), want, "{cap}: sim");
        assert_eq!(end_states(&model), want, "{cap}: analyze");
        assert_eq!(sim["counters"]["processed"], sim["counters"]["frames"]);
    }
}

#[test]
fn sim_errors_are_one_line() {
    let (ok, _, err) = run(&["sim", "no/such.pcap"]);
    assert!(!ok);
    assert!(
        err.starts_with("synscope: cannot read no/such.pcap"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
