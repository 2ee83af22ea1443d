//! Reading and writing a Verilated model's port fields in place.
//!
//! Verilator stores a port of up to 8 bits as `CData` (u8), 16 as `SData`, 32 as `IData`, 64 as
//! `QData`, and wider ones as `VlWide<W>`: `W` 32-bit words, least significant first. The unused
//! upper bits of an input must be zero, so writes check that the value fits the port.

use core::ffi::c_void;

fn check_fits(width: usize, value: u128) {
    assert!(
        width >= 128 || value >> width == 0,
        "value {value:#x} does not fit a {width}-bit port"
    );
}

/// # Safety
/// `p` points to the model's field for a 1-bit port.
pub unsafe fn write_bool(p: *mut c_void, _width: usize, value: bool) {
    *(p as *mut u8) = value as u8;
}

/// # Safety
/// `p` points to the model's field for a 1-bit port.
pub unsafe fn read_bool(p: *mut c_void, _width: usize) -> bool {
    *(p as *const u8) & 1 != 0
}

/// # Safety
/// `p` points to the model's field for a port of `width` ≤ 64 bits.
pub unsafe fn write_u64(p: *mut c_void, width: usize, value: u64) {
    check_fits(width, value as u128);
    match width {
        0..=8 => *(p as *mut u8) = value as u8,
        9..=16 => *(p as *mut u16) = value as u16,
        17..=32 => *(p as *mut u32) = value as u32,
        _ => *(p as *mut u64) = value,
    }
}

/// # Safety
/// `p` points to the model's field for a port of `width` ≤ 64 bits.
pub unsafe fn read_u64(p: *mut c_void, width: usize) -> u64 {
    match width {
        0..=8 => *(p as *const u8) as u64,
        9..=16 => *(p as *const u16) as u64,
        17..=32 => *(p as *const u32) as u64,
        _ => *(p as *const u64),
    }
}

/// # Safety
/// `p` points to the model's `VlWide` field for a port of 65..=128 bits.
pub unsafe fn write_u128(p: *mut c_void, width: usize, value: u128) {
    check_fits(width, value);
    let words = p as *mut u32;
    for i in 0..width.div_ceil(32) {
        *words.add(i) = (value >> (32 * i)) as u32;
    }
}

/// # Safety
/// `p` points to the model's `VlWide` field for a port of 65..=128 bits.
pub unsafe fn read_u128(p: *mut c_void, width: usize) -> u128 {
    let words = p as *const u32;
    let mut v = 0u128;
    for i in 0..width.div_ceil(32) {
        v |= (*words.add(i) as u128) << (32 * i);
    }
    if width < 128 {
        v &= (1u128 << width) - 1;
    }
    v
}

/// # Safety
/// `p` points to the model's `VlWide` field for a port of `width` > 128 bits, `N` its words.
pub unsafe fn write_words<const N: usize>(p: *mut c_void, width: usize, value: [u32; N]) {
    debug_assert_eq!(N, width.div_ceil(32));
    if width % 32 != 0 {
        let top = value[N - 1];
        assert!(
            top >> (width % 32) == 0,
            "value does not fit a {width}-bit port (top word {top:#x})"
        );
    }
    let words = p as *mut u32;
    for (i, w) in value.iter().enumerate() {
        *words.add(i) = *w;
    }
}

/// # Safety
/// `p` points to the model's `VlWide` field for a port of `width` > 128 bits, `N` its words.
pub unsafe fn read_words<const N: usize>(p: *mut c_void, width: usize) -> [u32; N] {
    debug_assert_eq!(N, width.div_ceil(32));
    let words = p as *const u32;
    let mut v = [0u32; N];
    for (i, w) in v.iter_mut().enumerate() {
        *w = *words.add(i);
    }
    if width % 32 != 0 {
        v[N - 1] &= (1u32 << (width % 32)) - 1;
    }
    v
}
