//! `synscope bench core`: a short run's JSON shape and correctness (II = 1 on every stream, the
//! rust-hdl peer doing the same work), not its speed.

use serde_json::Value;
use std::process::{Command, Output};

fn synscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(args)
        .output()
        .expect("run synscope")
}

const STREAMS: [&str; 3] = ["distinct", "same", "mix"];

#[test]
fn bench_core_smoke() {
    let out = synscope(&[
        "bench",
        "core",
        "--segments",
        "2000",
        "--rusthdl-cycles",
        "200",
        "--runs",
        "1",
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bench core failed: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    for key in [
        "cycles_per_segment",
        "verilator_cycles_per_s",
        "segments_per_s",
        "segments",
        "rusthdl_cycles",
        "rusthdl_cycles_per_s",
        "speedup_vs_rusthdl",
        "clock_mhz_needed_for_100g",
        "verdicts",
        "seed",
    ] {
        assert!(v.get(key).is_some(), "key {key} missing: {v}");
    }
    for s in STREAMS {
        assert_eq!(v["cycles_per_segment"][s].as_f64(), Some(1.0), "{s}: {v}");
        assert_eq!(v["segments"][s].as_u64(), Some(2000), "{s}: {v}");
        assert!(
            v["verilator_cycles_per_s"][s].as_f64().unwrap() > 0.0,
            "{v}"
        );
        let verdicts: u64 = v["verdicts"][s]
            .as_object()
            .unwrap()
            .values()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(verdicts, 2000, "{s}: {v}");
    }
    // The streams do what they say: the same-connection one is tracked throughout, the mix
    // has RSTs.
    assert!(
        v["verdicts"]["same"]["tracked"].as_u64().unwrap() >= 1990,
        "{v}"
    );
    let mix = &v["verdicts"]["mix"];
    assert!(mix["rst_exact"].as_u64().unwrap() + mix["untracked"].as_u64().unwrap() > 0);
    assert_eq!(v["rusthdl_cycles"].as_u64(), Some(200));
    assert!(v["rusthdl_cycles_per_s"].as_f64().unwrap() > 0.0);
    // Not a timing threshold: Verilator and rust-hdl differ by orders of magnitude; this
    // catches a ratio computed upside down.
    assert!(v["speedup_vs_rusthdl"].as_f64().unwrap() > 1.0, "{v}");
    let mhz = v["clock_mhz_needed_for_100g"].as_f64().unwrap();
    assert!((mhz - 148.81).abs() < 0.01, "{mhz}");
}

#[test]
fn bench_core_text_and_bad_options() {
    let out = synscope(&[
        "bench",
        "core",
        "--segments",
        "300",
        "--rusthdl-cycles",
        "20",
        "--runs",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for s in STREAMS {
        assert!(
            text.lines()
                .any(|l| l.starts_with(s) && l.contains(" 1.00 ")),
            "{s}: {text}"
        );
    }
    assert!(text.contains("rust-hdl"), "{text}");

    let out = synscope(&["bench", "core", "--rusthdl-cycles", "3", "--segments", "10"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("synscope: ") && err.contains("--rusthdl-cycles"),
        "{err}"
    );
}
