//! Clock cycles per second of the Verilated toeplitz_hash (the largest block so far), with a new
//! input every cycle: `cargo run --release -p synscope-sim --example tick_rate [CYCLES]`.

use std::time::Instant;
use synscope_sim::models::ToeplitzHash;

fn main() {
    let cycles: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000_000);
    let mut m = ToeplitzHash::new();
    let mut x = 0x0123_4567_89ab_cdef_u128;
    let mut acc = 0u64;
    m.set_in_valid(true);
    let t = Instant::now();
    for _ in 0..cycles {
        x = x.rotate_left(7) ^ 0x9e37_79b9;
        // A 288-bit input (an IPv6 4-tuple) from the 128 bits of state.
        let w = [
            x as u32,
            (x >> 32) as u32,
            (x >> 64) as u32,
            (x >> 96) as u32,
        ];
        m.set_data([w[0], w[1], w[2], w[3], w[0] ^ w[3], w[1], w[2], w[3], w[0]]);
        m.tick();
        acc ^= m.hash();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "toeplitz_hash: {cycles} cycles in {s:.3} s = {:.2} M cycles/s (checksum {acc:08x})",
        cycles as f64 / s / 1e6
    );
}
