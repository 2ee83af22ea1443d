//! synscope simulation harness: the generated Verilog under Verilator, driven from Rust.
//!
//! `build.rs` verilates every top that `synscope-hdl` generates (plus the harness fixtures in
//! `rtl/`) and generates one safe type per model in [`models`]: `set_<input>(v)`, `<output>()`,
//! `eval()`, and `tick()` for models with a `clock`. Port values are `bool` (1 bit), `u64`
//! (≤ 64 bits), `u128` (≤ 128 bits) or `[u32; N]` (wider: 32-bit words, least significant
//! first). A `$stop`, `$fatal` or Verilator fatal error panics
//! the calling thread instead of aborting the process. With the `vcd` feature, `open_vcd`
//! traces a model.

use std::ffi::{c_char, CStr, CString};
use std::path::Path;

pub mod bench;
pub mod port;

/// The Verilated models, one module per generated top.
#[allow(clippy::missing_safety_doc, clippy::new_without_default)]
pub mod models {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

extern "C" {
    fn synscope_last_error() -> *const c_char;
}

/// The message of the last Verilator fatal error on this thread.
fn last_error() -> String {
    // SAFETY: the glue returns a NUL-terminated string owned by a thread-local.
    unsafe { CStr::from_ptr(synscope_last_error()) }
        .to_string_lossy()
        .into_owned()
}

fn c_path(path: &Path) -> std::io::Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::other("path contains a NUL byte"))
}
