//! The board's USB-UART, 8N1, at a baud rate chosen at run time: the facts both directions
//! share. The receiver is [`crate::link::uart_rx::UartRx`] (its synchronizer [`crate::parts::sync_flop::SyncFlop`]),
//! the transmitter [`crate::link::uart_tx::UartTx`].
//!
//! Both take `divisor`, the clock cycles per bit (100 MHz / 115200 → 868, 100 MHz / 3 Mbaud →
//! 33), latched when a byte starts, so the rate can change between bytes. [`divisor`] and
//! [`baud_divisor`] compute it from `synscope_model::protocol::BAUD_RATES` (the `SET_CONFIG baud`
//! codes): one source of truth for the hardware and the tests. A divisor must be at least
//! [`MIN_DIVISOR`].

use synscope_model::protocol::BAUD_RATES;

/// Width of the divisor input (and its counters): up to 65535 cycles a bit.
pub const DIVISOR_BITS: usize = 16;
/// Smallest divisor the receiver handles (its half-bit count must be at least 1 cycle, and the
/// synchronizer must settle well within a bit).
pub const MIN_DIVISOR: u16 = 8;
/// The board's clock.
pub const CLOCK_HZ: u32 = 100_000_000;
/// Width of the framing-error counter.
pub const COUNTER_BITS: usize = 32;

/// Clock cycles per bit for `baud` at `clock_hz`, rounded to the nearest integer.
pub const fn divisor(clock_hz: u32, baud: u32) -> u16 {
    let d = (clock_hz as u64 + baud as u64 / 2) / baud as u64;
    assert!(d >= MIN_DIVISOR as u64 && d <= u16::MAX as u64);
    d as u16
}

/// The divisor of `SET_CONFIG` baud code `code` (an index of `BAUD_RATES`) at `clock_hz`;
/// `None` for an unknown code.
pub const fn baud_divisor(code: u8, clock_hz: u32) -> Option<u16> {
    if (code as usize) < BAUD_RATES.len() {
        Some(divisor(clock_hz, BAUD_RATES[code as usize]))
    } else {
        None
    }
}

/// The divisor of every baud code at `clock_hz` (for a ROM or a mux indexed by the code).
pub const fn divisors(clock_hz: u32) -> [u16; BAUD_RATES.len()] {
    let mut d = [0u16; BAUD_RATES.len()];
    let mut i = 0;
    while i < d.len() {
        d[i] = divisor(clock_hz, BAUD_RATES[i]);
        i += 1;
    }
    d
}

/// The divisors on the board (100 MHz): 868, 109, 100, 50, 33.
pub const DIVISORS_100MHZ: [u16; BAUD_RATES.len()] = divisors(CLOCK_HZ);

const _: () = assert!(DIVISORS_100MHZ[0] == 868 && DIVISORS_100MHZ[4] == 33);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_of_every_baud_code() {
        assert_eq!(DIVISORS_100MHZ, [868, 109, 100, 50, 33]);
        for (code, &baud) in BAUD_RATES.iter().enumerate() {
            let d = baud_divisor(code as u8, CLOCK_HZ).unwrap();
            let err = (CLOCK_HZ as f64 / d as f64 / baud as f64 - 1.0).abs();
            assert!(err < 0.02, "code {code}: {baud} baud, divisor {d}, {err}");
        }
        assert_eq!(baud_divisor(BAUD_RATES.len() as u8, CLOCK_HZ), None);
    }
}
