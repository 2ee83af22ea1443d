//! Sequence-number arithmetic modulo 2³² (RFC 9293 §3.4: "all arithmetic dealing with sequence
//! numbers must be performed modulo 2**32").

/// `a < b` in sequence space.
pub const fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a <= b` in sequence space.
pub const fn seq_le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// `a > b` in sequence space.
pub const fn seq_gt(a: u32, b: u32) -> bool {
    seq_lt(b, a)
}

/// `a >= b` in sequence space.
pub const fn seq_ge(a: u32, b: u32) -> bool {
    seq_le(b, a)
}

/// ⌈log₂ x⌉ for x ≥ 1, and 0 for x = 0: the compressed receive window stored per endpoint
/// (a window of `w` bytes is kept as the smallest power of two ≥ `w`).
pub const fn ceil_log2(x: u32) -> u8 {
    if x <= 1 {
        0
    } else {
        (32 - (x - 1).leading_zeros()) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_wrap() {
        assert!(seq_lt(0xffff_fff0, 0x10));
        assert!(seq_gt(0x10, 0xffff_fff0));
        assert!(seq_ge(5, 5) && seq_le(5, 5) && !seq_lt(5, 5));
    }

    #[test]
    fn ceil_log2_values() {
        assert_eq!(ceil_log2(0), 0);
        assert_eq!(ceil_log2(1), 0);
        assert_eq!(ceil_log2(2), 1);
        assert_eq!(ceil_log2(3), 2);
        assert_eq!(ceil_log2(65535), 16);
        assert_eq!(ceil_log2(65535 << 14), 30);
    }
}
