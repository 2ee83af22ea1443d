//! The keyed Toeplitz hash of a connection's 4-tuple (the RSS hash; Microsoft RSS specification,
//! "Verifying the RSS hash calculation"). With a secret key chosen by the host, an attacker cannot
//! aim many connections at one bucket (design.md, "Table").
//!
//! The hash is linear over GF(2): each set input bit XORs in the 32-bit window of the key that
//! starts at that bit. The hardware computes the same function as an XOR tree.

/// Key length in bytes: 96 input bits need 96 + 32 key bits.
pub const HASH_KEY_BYTES: usize = 16;

/// The default key: the first 16 bytes of the Microsoft RSS sample key. A deployment sets a
/// random one from the host.
pub const DEFAULT_HASH_KEY: [u8; HASH_KEY_BYTES] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
];

/// Toeplitz hash of `input` (at most 12 bytes) under `key`.
pub fn toeplitz(key: &[u8; HASH_KEY_BYTES], input: &[u8]) -> u32 {
    assert!(
        input.len() * 8 + 32 <= HASH_KEY_BYTES * 8,
        "input too long for key"
    );
    let k = u128::from_be_bytes(*key);
    let mut h = 0u32;
    for (i, byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                let bit = i * 8 + b;
                h ^= (k >> (96 - bit)) as u32;
            }
        }
    }
    h
}

/// Input bytes of the hash (a 4-tuple of IPv4 addresses and ports).
pub const HASH_INPUT_BYTES: usize = 12;

/// [`toeplitz`] by table: for each input byte position and byte value, the XOR of the key
/// windows its set bits select (linearity over GF(2)), so a hash is 12 lookups instead of 96
/// conditional XORs. Built once per key.
#[derive(Clone)]
pub struct ToeplitzTable {
    table: Box<[[u32; 256]; HASH_INPUT_BYTES]>,
}

impl ToeplitzTable {
    pub fn new(key: &[u8; HASH_KEY_BYTES]) -> Self {
        let mut table = Box::new([[0u32; 256]; HASH_INPUT_BYTES]);
        for (pos, row) in table.iter_mut().enumerate() {
            for (v, cell) in row.iter_mut().enumerate() {
                let mut input = [0u8; HASH_INPUT_BYTES];
                input[pos] = v as u8;
                *cell = toeplitz(key, &input);
            }
        }
        ToeplitzTable { table }
    }

    pub fn hash(&self, input: &[u8; HASH_INPUT_BYTES]) -> u32 {
        input
            .iter()
            .zip(self.table.iter())
            .fold(0, |h, (b, row)| h ^ row[*b as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked example of the RSS specification (IPv4 with TCP ports), with the sample key:
    /// source 66.9.149.187:2794, destination 161.142.100.80:1766 → 0x51ccc178.
    #[test]
    fn matches_the_rss_specification_example() {
        let mut input = [0u8; 12];
        input[0..4].copy_from_slice(&[66, 9, 149, 187]);
        input[4..8].copy_from_slice(&[161, 142, 100, 80]);
        input[8..10].copy_from_slice(&2794u16.to_be_bytes());
        input[10..12].copy_from_slice(&1766u16.to_be_bytes());
        assert_eq!(toeplitz(&DEFAULT_HASH_KEY, &input), 0x51cc_c178);
    }

    #[test]
    fn table_equals_the_definition() {
        let key = [
            0x3cu8, 7, 1, 0xff, 0x80, 0, 9, 0x42, 0x11, 0x5a, 0xa5, 3, 0, 0, 0x77, 0xee,
        ];
        let t = ToeplitzTable::new(&key);
        let mut x = 0x1234_5678_9abc_def0_u64;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut input = [0u8; HASH_INPUT_BYTES];
            input[..8].copy_from_slice(&x.to_le_bytes());
            input[8..].copy_from_slice(&(x as u32).rotate_left(5).to_be_bytes());
            assert_eq!(t.hash(&input), toeplitz(&key, &input));
        }
    }

    #[test]
    fn is_linear_over_xor() {
        let a = [1u8, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let b = [0x80u8, 0, 0xff, 3, 0, 9, 1, 1, 0, 0x40, 7, 0];
        let x: Vec<u8> = a.iter().zip(b).map(|(p, q)| p ^ q).collect();
        let k = &DEFAULT_HASH_KEY;
        assert_eq!(toeplitz(k, &x), toeplitz(k, &a) ^ toeplitz(k, &b));
    }
}
