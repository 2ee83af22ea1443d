//! flow_key under Verilator against `synscope_model::FlowKey::of`.

mod common;

use common::{seeded, Rng};
use synscope_model::{Endpoint, FlowKey};
use synscope_sim::models::FlowKey as FlowKeyModel;

fn check(m: &mut FlowKeyModel, src: Endpoint, dst: Endpoint) {
    m.set_src_ip(src.addr_bits());
    m.set_src_port(src.port as u64);
    m.set_dst_ip(dst.addr_bits());
    m.set_dst_port(dst.port as u64);
    m.eval();
    let (key, src_is_lo) = FlowKey::of(src, dst);
    let endpoint = |ip: u128, port: u64| {
        if src.is_v6() {
            Endpoint::v6(ip, port as u16)
        } else {
            assert_eq!(ip >> 32, 0, "an IPv4 key's address grew");
            Endpoint::v4(ip as u32, port as u16)
        }
    };
    let got = FlowKey {
        lo: endpoint(m.lo_ip(), m.lo_port()),
        hi: endpoint(m.hi_ip(), m.hi_port()),
    };
    assert_eq!(
        (got, m.src_is_lo()),
        (key, src_is_lo),
        "src {src} dst {dst}"
    );
}

#[test]
fn flow_key_edge_cases() {
    let mut m = FlowKeyModel::new();
    let ips = [
        0,
        1,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fffe,
        0xffff_ffff,
        0x0a00_0001,
    ];
    let ports = [0u16, 1, 80, 0x7fff, 0x8000, 0xfffe, 0xffff];
    // Every pair of endpoints from the corners: equal IPs, equal ports, equal endpoints,
    // sign-bit neighbours (a signed compare would get these wrong).
    for &a in &ips {
        for &p in &ports {
            for &b in &ips {
                for &q in &ports {
                    check(&mut m, Endpoint::v4(a, p), Endpoint::v4(b, q));
                }
            }
        }
    }
}

/// IPv6: addresses that differ in any one of their 128 bits, and at the 32-bit boundaries an
/// IPv4 compare would stop at.
#[test]
fn flow_key_ipv6_corners() {
    let mut m = FlowKeyModel::new();
    let base: u128 = 0xfd77_0001_0000_0000_0000_0000_0000_0010;
    for bit in 0..128 {
        for (p, q) in [(80u16, 80u16), (80, 81), (81, 80)] {
            let a = Endpoint::v6(base, p);
            let b = Endpoint::v6(base ^ 1 << bit, q);
            check(&mut m, a, b);
            check(&mut m, b, a);
        }
    }
}

#[test]
fn flow_key_random_ipv6_tuples() {
    let mut rng = seeded(0x5eed_f106);
    let mut m = FlowKeyModel::new();
    let prefix = (rng.next_u64() as u128) << 64;
    for _ in 0..50_000 {
        // One /64 for most (equal top halves), the interface ids from a small range.
        let ip = |rng: &mut Rng| {
            if rng.chance(1, 8) {
                (rng.next_u64() as u128) << 64 | rng.next_u64() as u128
            } else {
                prefix | rng.below(4) as u128
            }
        };
        let src = Endpoint::v6(ip(&mut rng), rng.below(3) as u16);
        let dst = Endpoint::v6(ip(&mut rng), rng.below(3) as u16);
        check(&mut m, src, dst);
    }
}

#[test]
fn flow_key_random_tuples() {
    let mut rng = seeded(0x5eed_f10e);
    let mut m = FlowKeyModel::new();
    let pool: Vec<u32> = (0..4).map(|_| rng.next_u64() as u32).collect();
    for _ in 0..100_000 {
        // A quarter of the addresses come from a small pool, so equal IPs are common; ports
        // likewise; and sometimes the destination is the source.
        let ip = |rng: &mut Rng| {
            if rng.chance(1, 4) {
                pool[rng.below(4) as usize]
            } else {
                rng.next_u64() as u32
            }
        };
        let src = Endpoint::v4(ip(&mut rng), rng.next_u64() as u16);
        let dst = if rng.chance(1, 64) {
            src
        } else {
            let port = if rng.chance(1, 4) {
                src.port
            } else {
                rng.next_u64() as u16
            };
            Endpoint::v4(ip(&mut rng), port)
        };
        check(&mut m, src, dst);
    }
}
