//! The keyed Toeplitz hash of a connection's 4-tuple (the RSS hash; Microsoft RSS specification,
//! "RSS Hashing Function" and "Verifying the RSS hash calculation"). With a secret key chosen by
//! the host, an attacker cannot aim many connections at one bucket (design.md, "Table").
//!
//! The hash is linear over GF(2): each set input bit XORs in the 32-bit window of the key that
//! starts at that bit. The hardware computes the same function as an XOR tree.
//!
//! The input is a TCP 4-tuple as RSS defines it (`NDIS_HASH_TCP_IPV4`: 12 bytes,
//! `NDIS_HASH_TCP_IPV6`: 36 bytes; [`crate::FlowKey::hash_input`]). The key is the RSS key's
//! full 40 bytes: 288 input bits need 288 + 32 key bits. An IPv4 hash reads only the first 16
//! bytes of it, so it is the same under a key whatever its last 24 bytes are.

/// Key length in bytes: 288 input bits (IPv6) need 288 + 32 key bits.
pub const HASH_KEY_BYTES: usize = 40;

/// Bytes of the longest input (an IPv6 TCP 4-tuple).
pub const HASH_INPUT_BYTES: usize = crate::descriptor::HASH_INPUT_MAX;

/// The default key: the Microsoft RSS sample key. A deployment sets a random one from the host.
pub const DEFAULT_HASH_KEY: [u8; HASH_KEY_BYTES] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/// The 32-bit window of `key` that starts at bit `bit` (bit 0 = the first byte's MSB).
fn window(key: &[u8; HASH_KEY_BYTES], bit: usize) -> u32 {
    let byte = bit / 8;
    let mut w = [0u8; 5];
    for (i, b) in w.iter_mut().enumerate() {
        *b = key.get(byte + i).copied().unwrap_or(0);
    }
    let wide = u64::from_be_bytes([0, 0, 0, w[0], w[1], w[2], w[3], w[4]]);
    (wide >> (8 - bit % 8)) as u32
}

/// Toeplitz hash of `input` (at most [`HASH_INPUT_BYTES`] bytes) under `key`.
pub fn toeplitz(key: &[u8; HASH_KEY_BYTES], input: &[u8]) -> u32 {
    assert!(input.len() <= HASH_INPUT_BYTES, "input too long for key");
    let mut h = 0u32;
    for (i, byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                h ^= window(key, i * 8 + b);
            }
        }
    }
    h
}

/// [`toeplitz`] by table: for each input byte position and byte value, the XOR of the key
/// windows its set bits select (linearity over GF(2)), so a hash is one lookup per input byte
/// instead of eight conditional XORs. Built once per key.
#[derive(Clone)]
pub struct ToeplitzTable {
    table: Box<[[u32; 256]; HASH_INPUT_BYTES]>,
}

impl ToeplitzTable {
    pub fn new(key: &[u8; HASH_KEY_BYTES]) -> Self {
        let mut table = Box::new([[0u32; 256]; HASH_INPUT_BYTES]);
        for (pos, row) in table.iter_mut().enumerate() {
            // A byte value's cell is the XOR of its set bits' windows: that of the value less
            // its lowest set bit, and that bit's window (filled in increasing order).
            for v in 1..256usize {
                let low = v & v.wrapping_neg();
                row[v] = row[v ^ low] ^ window(key, pos * 8 + 7 - low.trailing_zeros() as usize);
            }
        }
        ToeplitzTable { table }
    }

    pub fn hash(&self, input: &[u8]) -> u32 {
        input
            .iter()
            .zip(self.table.iter())
            .fold(0, |h, (b, row)| h ^ row[*b as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{Endpoint, FlowKey};

    /// The RSS specification's input order: source address, destination address, source port,
    /// destination port.
    fn rss_input(src: Endpoint, dst: Endpoint) -> Vec<u8> {
        let mut v = Vec::new();
        if src.is_v6() {
            v.extend(src.addr_bits().to_be_bytes());
            v.extend(dst.addr_bits().to_be_bytes());
        } else {
            v.extend((src.addr_bits() as u32).to_be_bytes());
            v.extend((dst.addr_bits() as u32).to_be_bytes());
        }
        v.extend(src.port.to_be_bytes());
        v.extend(dst.port.to_be_bytes());
        v
    }

    fn ep(s: &str) -> Endpoint {
        s.parse().unwrap()
    }

    /// Every worked example of "Verifying the RSS hash calculation" ("with TCP" columns), with
    /// the sample key, by definition and by table.
    #[test]
    fn matches_the_rss_specification_examples() {
        let t = ToeplitzTable::new(&DEFAULT_HASH_KEY);
        for (dst, src, want) in [
            ("161.142.100.80:1766", "66.9.149.187:2794", 0x51cc_c178u32),
            ("65.69.140.83:4739", "199.92.111.2:14230", 0xc626_b0ea),
            ("12.22.207.184:38024", "24.19.198.95:12898", 0x5c2b_394a),
            (
                "[3ffe:2501:200:3::1]:1766",
                "[3ffe:2501:200:1fff::7]:2794",
                0x4020_7d3d,
            ),
            (
                "[ff02::1]:4739",
                "[3ffe:501:8::260:97ff:fe40:efab]:14230",
                0xdde5_1bbf,
            ),
            (
                "[fe80::200:f8ff:fe21:67cf]:38024",
                "[3ffe:1900:4545:3:200:f8ff:fe21:67cf]:44251",
                0x02d1_feef,
            ),
        ] {
            let input = rss_input(ep(src), ep(dst));
            assert_eq!(toeplitz(&DEFAULT_HASH_KEY, &input), want, "{src} -> {dst}");
            assert_eq!(t.hash(&input), want, "{src} -> {dst} by table");
        }
        // The first example in the tracker's canonical order (its source is the lower end).
        let (k, src_is_lo) = FlowKey::of(ep("66.9.149.187:2794"), ep("161.142.100.80:1766"));
        assert!(src_is_lo);
        assert_eq!(t.hash(k.hash_input().as_slice()), 0x51cc_c178);
    }

    #[test]
    fn table_equals_the_definition() {
        let mut key = [0u8; HASH_KEY_BYTES];
        for (i, k) in key.iter_mut().enumerate() {
            *k = (i as u8).wrapping_mul(0x9d) ^ 0x3c;
        }
        let t = ToeplitzTable::new(&key);
        let mut x = 0x1234_5678_9abc_def0_u64;
        for n in 0..1000 {
            let mut input = [0u8; HASH_INPUT_BYTES];
            for c in input.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                c.copy_from_slice(&x.to_le_bytes()[..c.len()]);
            }
            let len = if n % 2 == 0 { 12 } else { 36 };
            assert_eq!(t.hash(&input[..len]), toeplitz(&key, &input[..len]));
        }
    }

    #[test]
    fn is_linear_over_xor_and_an_ipv4_hash_reads_16_key_bytes() {
        let a: Vec<u8> = (1..=36).collect();
        let b: Vec<u8> = (0..36).map(|i| (i * 37 + 5) as u8).collect();
        let x: Vec<u8> = a.iter().zip(&b).map(|(p, q)| p ^ q).collect();
        let k = &DEFAULT_HASH_KEY;
        assert_eq!(toeplitz(k, &x), toeplitz(k, &a) ^ toeplitz(k, &b));
        let mut other = DEFAULT_HASH_KEY;
        other[16..].iter_mut().for_each(|b| *b = !*b);
        assert_eq!(toeplitz(&other, &a[..12]), toeplitz(k, &a[..12]));
        assert_ne!(toeplitz(&other, &a), toeplitz(k, &a));
    }
}
