//! uart_rx and uart_tx under Verilator, at every `SET_CONFIG` baud code (divisors from
//! `synscope_hdl::link::uart::DIVISORS_100MHZ`, i.e. `protocol::BAUD_RATES` at 100 MHz):
//!
//! * the transmitter's line, sampled every clock cycle, decoded as 8N1 at the *nominal* bit
//!   period of the baud rate (not the divisor), each edge within ±2 % of where it belongs;
//! * the receiver fed by a sender whose clock is 2 % fast or slow, back-to-back bytes and gaps,
//!   at a random phase to the clock;
//! * transmitter into receiver (loopback), every byte value;
//! * start-bit glitches ignored, a low stop bit counted as a framing error, a break counted once.

mod common;

use common::seeded;
use synscope_hdl::link::uart::{CLOCK_HZ, DIVISORS_100MHZ};
use synscope_model::protocol::BAUD_RATES;
use synscope_sim::models::{UartRx, UartTx};

/// Nominal clock cycles per bit at baud code `code`.
fn nominal_period(code: usize) -> f64 {
    CLOCK_HZ as f64 / BAUD_RATES[code] as f64
}

fn new_tx(divisor: u16) -> UartTx {
    let mut m = UartTx::new();
    m.set_divisor(divisor as u64);
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    m
}

fn new_rx(divisor: u16) -> UartRx {
    let mut m = UartRx::new();
    m.set_divisor(divisor as u64);
    m.set_rxd(true);
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    m
}

/// Decode 8N1 bytes from a line sampled once a cycle, at nominal bit period `p` cycles: each byte
/// starts at a falling edge `t0`; bit `i` is read at `t0 + (i + ½)p`; every edge inside the byte
/// must be within 2 % of `i·p` (plus one cycle of sampling) from `t0`; the stop bit must be high.
/// Returns each byte with the cycle of its start edge.
fn decode_8n1(line: &[bool], p: f64, what: &str) -> Vec<(usize, u8)> {
    let mut bytes = Vec::new();
    let mut t = 1;
    while t < line.len() {
        if !line[t - 1] || line[t] {
            t += 1;
            continue;
        }
        let t0 = t;
        let n = bytes.len();
        let end = t0 + (9.5 * p) as usize;
        assert!(
            end < line.len(),
            "{what}: byte {n} at cycle {t0} is cut off"
        );
        let bit = |i: usize| line[t0 + ((i as f64 + 0.5) * p) as usize];
        assert!(
            !bit(0),
            "{what}: byte {n} at cycle {t0}: start bit not low at its middle"
        );
        assert!(bit(9), "{what}: byte {n} at cycle {t0}: stop bit not high");
        let byte = (0..8).fold(0u8, |b, i| b | (bit(i + 1) as u8) << i);
        // Every edge up to the middle of the stop bit, against the nominal bit grid.
        for c in t0 + 1..end {
            if line[c] != line[c - 1] {
                let pos = (c - t0) as f64 / p;
                let k = pos.round();
                let off = (c - t0) as f64 - k * p;
                assert!(
                    off.abs() <= 0.02 * k * p + 1.0,
                    "{what}: byte {n} ({byte:#04x}) at cycle {t0}: edge at {c} is {off:+.1} \
                     cycles from bit boundary {k} (period {p:.2})"
                );
            }
        }
        bytes.push((t0, byte));
        t = end;
    }
    bytes
}

/// Send `bytes` through the transmitter (with `gaps[i]` idle cycles before offering byte `i`)
/// and return the line, one sample a cycle, from before the first byte to an idle tail.
fn transmit(m: &mut UartTx, bytes: &[u8], gaps: &[usize], divisor: u16) -> Vec<bool> {
    // The idle line before the first byte.
    let mut line = vec![m.txd()];
    for (i, &b) in bytes.iter().enumerate() {
        for _ in 0..gaps[i] {
            m.set_s_valid(false);
            m.tick();
            line.push(m.txd());
        }
        m.set_s_data(b as u64);
        m.set_s_valid(true);
        let mut waited = 0;
        loop {
            let ready = m.s_ready();
            m.tick();
            line.push(m.txd());
            if ready {
                break;
            }
            waited += 1;
            assert!(waited < 11 * divisor as usize, "byte {i}: ready never came");
        }
        m.set_s_valid(false);
    }
    for _ in 0..12 * divisor as usize {
        m.tick();
        line.push(m.txd());
    }
    line
}

#[test]
fn uart_tx_is_8n1_at_the_nominal_rate_of_every_baud_code() {
    let mut rng = seeded(0x0a27_7e57);
    for (code, &div) in DIVISORS_100MHZ.iter().enumerate() {
        let p = nominal_period(code);
        let mut m = new_tx(div);
        // The line idles high from power-on and reset.
        assert!(m.txd(), "code {code}: txd low at idle");
        let mut bytes = vec![0x00, 0xff, 0x55, 0xaa, 0x7e, 0x7d, 0x01, 0x80];
        bytes.extend((0..24).map(|_| rng.next_u64() as u8));
        // Back to back, except a few gaps.
        let gaps: Vec<usize> = (0..bytes.len())
            .map(|i| {
                if i % 7 == 3 {
                    rng.below(3 * div as u64) as usize
                } else {
                    0
                }
            })
            .collect();
        let line = transmit(&mut m, &bytes, &gaps, div);
        assert!(
            line[..=div as usize].iter().any(|b| !b),
            "code {code}: no start bit"
        );
        let got = decode_8n1(
            &line,
            p,
            &format!("code {code} ({} baud)", BAUD_RATES[code]),
        );
        assert_eq!(
            got.iter().map(|g| g.1).collect::<Vec<_>>(),
            bytes,
            "code {code}"
        );
        // Back-to-back bytes take exactly ten divisors each.
        let starts: Vec<usize> = got.iter().map(|g| g.0).collect();
        for w in starts.windows(2) {
            assert!(
                w[1] - w[0] >= 10 * div as usize,
                "code {code}: stop bit short"
            );
        }
        assert_eq!(starts[1] - starts[0], 10 * div as usize, "code {code}");
    }
}

/// A sender with its own clock: bit period `p` cycles (fractional), starting at `phase`.
/// Returns the line level for each cycle.
fn sender_line(bytes: &[u8], gaps_bits: &[f64], p: f64, phase: f64) -> Vec<bool> {
    // (time, level) of each edge, in cycles.
    let mut edges = Vec::new();
    let mut t = phase + 2.0 * p;
    for (i, &b) in bytes.iter().enumerate() {
        t += gaps_bits[i] * p;
        let bits = std::iter::once(false)
            .chain((0..8).map(|k| b >> k & 1 == 1))
            .chain(std::iter::once(true));
        for level in bits {
            edges.push((t, level));
            t += p;
        }
    }
    let n = (t + 3.0 * p) as usize;
    let mut line = vec![true; n];
    let mut e = 0;
    let mut level = true;
    for (c, l) in line.iter_mut().enumerate() {
        while e < edges.len() && edges[e].0 <= c as f64 {
            level = edges[e].1;
            e += 1;
        }
        *l = level;
    }
    line
}

/// Drive the receiver with `line` and return what it delivered, and its framing errors.
fn receive(m: &mut UartRx, line: &[bool]) -> (Vec<u8>, u64) {
    let mut got = Vec::new();
    let mut errors = 0;
    for &l in line {
        m.set_rxd(l);
        m.tick();
        if m.m_valid() {
            got.push(m.m_data() as u8);
        }
        errors += m.framing_error() as u64;
    }
    (got, errors)
}

#[test]
fn uart_rx_follows_a_sender_two_percent_off_at_every_baud_code() {
    let mut rng = seeded(0x0a27_5eed);
    eprintln!("seed: SYNSCOPE_SEED={:#x} (default)", 0x0a27_5eed_u64);
    for (code, &div) in DIVISORS_100MHZ.iter().enumerate() {
        for skew in [-0.02, 0.0, 0.02] {
            // Sender's clock `skew` fast: its bits are shorter.
            let p = nominal_period(code) / (1.0 + skew);
            let n = if code == 0 { 40 } else { 200 };
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            // Mostly back to back (stop bit of exactly one bit), sometimes a gap.
            let gaps: Vec<f64> = (0..n)
                .map(|_| {
                    if rng.chance(1, 5) {
                        rng.below(1000) as f64 / 100.0
                    } else {
                        0.0
                    }
                })
                .collect();
            let phase = rng.below(1000) as f64 / 1000.0;
            let line = sender_line(&bytes, &gaps, p, phase);
            let mut m = new_rx(div);
            let (got, errors) = receive(&mut m, &line);
            let what = format!("code {code} skew {skew:+}");
            assert_eq!(errors, 0, "{what}: framing errors");
            for (i, (g, w)) in got.iter().zip(&bytes).enumerate() {
                assert_eq!(g, w, "{what}: byte {i}");
            }
            assert_eq!(got.len(), bytes.len(), "{what}: bytes received");
            assert_eq!(m.framing_errors(), 0, "{what}");
        }
    }
}

#[test]
fn uart_loopback_every_byte_value_at_every_baud_code() {
    for (code, &div) in DIVISORS_100MHZ.iter().enumerate() {
        let mut tx = new_tx(div);
        let mut rx = new_rx(div);
        let bytes: Vec<u8> = if code == 0 {
            (0..=255u8).step_by(5).collect()
        } else {
            (0..=255u8).collect()
        };
        let mut got = Vec::new();
        let mut next = 0;
        let mut cycles = 0usize;
        while got.len() < bytes.len() {
            tx.set_s_valid(next < bytes.len());
            tx.set_s_data(*bytes.get(next).unwrap_or(&0) as u64);
            if tx.s_ready() && next < bytes.len() {
                next += 1;
            }
            tx.tick();
            rx.set_rxd(tx.txd());
            rx.tick();
            if rx.m_valid() {
                got.push(rx.m_data() as u8);
            }
            assert!(!rx.framing_error(), "code {code}: framing error");
            cycles += 1;
            assert!(
                cycles < (bytes.len() + 2) * 10 * div as usize,
                "code {code}: {} of {} bytes came back",
                got.len(),
                bytes.len()
            );
        }
        assert_eq!(got, bytes, "code {code}");
    }
}

#[test]
fn uart_rx_ignores_glitches_and_counts_framing_errors() {
    for (code, &div) in DIVISORS_100MHZ.iter().enumerate() {
        let d = div as usize;
        let mut m = new_rx(div);
        let what = format!("code {code}");
        // Low pulses shorter than half a bit less the synchronizer's slack: no byte, no error.
        let mut line = vec![true; 2 * d];
        for w in [1, 2, d / 4, d / 2 - 3] {
            line.extend(std::iter::repeat(false).take(w));
            line.extend(std::iter::repeat(true).take(2 * d));
        }
        let (got, errors) = receive(&mut m, &line);
        assert_eq!((got, errors), (vec![], 0), "{what}: glitches");
        // A byte whose stop bit is low: a framing error, no byte.
        let p = d as f64;
        let mut bad = sender_line(&[0x5a], &[0.0], p, 0.0);
        let stop = (2.0 * p + 9.0 * p) as usize;
        for l in &mut bad[stop..stop + d] {
            *l = false;
        }
        let (got, errors) = receive(&mut m, &bad);
        assert_eq!((got, errors), (vec![], 1), "{what}: low stop bit");
        assert_eq!(m.framing_errors(), 1, "{what}");
        // A break (low for 30 bits) is one framing error, then a good byte is received.
        let mut brk = vec![true; d];
        brk.extend(std::iter::repeat(false).take(30 * d));
        brk.extend(sender_line(&[0xa5], &[0.0], p, 0.3));
        let (got, errors) = receive(&mut m, &brk);
        assert_eq!((got, errors), (vec![0xa5], 1), "{what}: break");
        assert_eq!(m.framing_errors(), 2, "{what}");
        // Reset clears the counter.
        m.set_reset(true);
        m.tick();
        m.set_reset(false);
        m.tick();
        assert_eq!(m.framing_errors(), 0, "{what}: after reset");
    }
}
