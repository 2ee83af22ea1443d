//! flow_key under Verilator against `synscope_model::FlowKey::of`.

mod common;

use common::Rng;
use synscope_model::{Endpoint, FlowKey};
use synscope_sim::models::FlowKey as FlowKeyModel;

fn check(m: &mut FlowKeyModel, src: Endpoint, dst: Endpoint) {
    m.set_src_ip(src.ip as u64);
    m.set_src_port(src.port as u64);
    m.set_dst_ip(dst.ip as u64);
    m.set_dst_port(dst.port as u64);
    m.eval();
    let (key, src_is_lo) = FlowKey::of(src, dst);
    let got = FlowKey {
        lo: Endpoint::new(m.lo_ip() as u32, m.lo_port() as u16),
        hi: Endpoint::new(m.hi_ip() as u32, m.hi_port() as u16),
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
                    check(&mut m, Endpoint::new(a, p), Endpoint::new(b, q));
                }
            }
        }
    }
}

#[test]
fn flow_key_random_tuples() {
    let mut rng = Rng::new(0x5eed_f10e);
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
        let src = Endpoint::new(ip(&mut rng), rng.next_u64() as u16);
        let dst = if rng.chance(1, 64) {
            src
        } else {
            let port = if rng.chance(1, 4) {
                src.port
            } else {
                rng.next_u64() as u16
            };
            Endpoint::new(ip(&mut rng), port)
        };
        check(&mut m, src, dst);
    }
}
