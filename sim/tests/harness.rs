//! The harness itself: fatal errors become panics, VCD tracing is a feature.

use synscope_sim::models::FatalProbe;

#[test]
fn clock_and_ports_work() {
    let mut m = FatalProbe::new();
    for i in 0..300u64 {
        assert_eq!(m.count(), i % 256);
        m.tick();
    }
}

#[test]
// Verilator prints the $fatal message to stdout, then calls $stop: the panic names the line.
#[should_panic(expected = "fatal_probe.v:15: Verilog $stop or $fatal")]
fn verilog_fatal_is_a_panic_not_an_abort() {
    let mut m = FatalProbe::new();
    m.tick();
    m.tick();
    m.tick();
    m.set_fatal_req(true);
    m.tick();
}

#[test]
#[should_panic(expected = "fatal_probe.v:14: Verilog $stop")]
fn verilog_stop_is_a_panic_not_an_abort() {
    let mut m = FatalProbe::new();
    m.set_stop_req(true);
    m.tick();
}

#[test]
fn a_model_survives_in_the_next_test_after_a_fatal() {
    let r = std::panic::catch_unwind(|| {
        let mut m = FatalProbe::new();
        m.set_fatal_req(true);
        m.tick();
    });
    assert!(r.is_err());
    let mut m = FatalProbe::new();
    m.tick();
    assert_eq!(m.count(), 1);
}

#[cfg(not(feature = "vcd"))]
#[test]
fn vcd_needs_the_feature() {
    let mut m = FatalProbe::new();
    let err = m
        .open_vcd(std::path::Path::new("/tmp/never.vcd"))
        .unwrap_err();
    assert!(err.to_string().contains("--features vcd"), "{err}");
}

#[cfg(feature = "vcd")]
#[test]
fn vcd_trace_is_written() {
    let path = std::env::temp_dir().join(format!("synscope-probe-{}.vcd", std::process::id()));
    {
        let mut m = FatalProbe::new();
        m.open_vcd(&path).unwrap();
        for _ in 0..10 {
            m.tick();
        }
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(text.contains("$enddefinitions"), "{text}");
    assert!(text.contains("count"), "{text}");
    assert!(text.contains("#19"), "{text}");
}

#[test]
fn ports_wider_than_128_bits_are_word_arrays() {
    use synscope_sim::models::WideEcho;
    let mut m = WideEcho::new();
    let a = [
        0x0123_4567,
        0x89ab_cdef,
        0xdead_beef,
        0xfeed_f00d,
        0x1111_2222,
        0x3333_4444,
        0x7fff, // 207 bits: 15 in the top word
    ];
    m.set_a(a);
    m.eval();
    assert_eq!(m.y(), a);
    m.set_invert(true);
    m.eval();
    let mut inv = a.map(|w| !w);
    inv[6] &= (1 << 15) - 1;
    assert_eq!(m.y(), inv);
}

#[test]
#[should_panic(expected = "does not fit a 207-bit port")]
fn a_value_too_wide_for_its_port_panics() {
    let mut m = synscope_sim::models::WideEcho::new();
    m.set_a([0, 0, 0, 0, 0, 0, 1 << 15]);
}
