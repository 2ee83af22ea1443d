//! Cache hints for the offline analysis. A hint reads nothing and changes nothing: it only asks
//! the CPU to start loading a line that a later access will need, so that the access does not
//! wait for memory.

/// Start loading the cache line holding the start of `r`.
#[inline(always)]
pub(crate) fn prefetch<T: ?Sized>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it reads nothing and cannot fault.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(r as *const T as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Start loading every cache line `r` spans (an object larger than a line, or one that
/// straddles two).
#[inline(always)]
pub(crate) fn prefetch_whole<T>(r: &T) {
    const LINE: usize = 64;
    let start = r as *const T as usize;
    let last = start + std::mem::size_of::<T>().max(1) - 1;
    let mut line = start & !(LINE - 1);
    while line <= last {
        prefetch_addr(line);
        line += LINE;
    }
}

/// Start loading the cache line holding address `addr` (any address: a hint never faults).
#[inline(always)]
fn prefetch_addr(addr: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it reads nothing and cannot fault, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(addr as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = addr;
}
