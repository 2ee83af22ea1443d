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
