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
pub mod board;
pub mod drive;
pub mod phy;
pub mod port;
pub mod uart;

/// The state list the skipping shim compares (a build-script module, tested here).
#[cfg(test)]
#[path = "../build/skip.rs"]
mod build_skip;

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

/// A port wider than 128 bits (`[u32; W]`, least significant word first) from `bytes`, most
/// significant byte first (`bytes.len()` = 4·W): a hash key, a hash input word.
pub fn be_words<const W: usize>(bytes: &[u8]) -> [u32; W] {
    assert_eq!(bytes.len(), 4 * W, "bytes for {W} words");
    std::array::from_fn(|i| {
        let at = bytes.len() - 4 * (i + 1);
        u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    })
}

/// Drive a Verilated core's descriptor inputs from a `SegmentDescriptor` (every core top has the
/// same descriptor ports; the generated model types differ, hence a macro).
#[macro_export]
macro_rules! set_descriptor {
    ($hw:expr, $d:expr) => {{
        let d: &synscope_model::SegmentDescriptor = $d;
        $hw.set_desc_v6(d.src.is_v6());
        $hw.set_desc_src_ip(d.src.addr_bits());
        $hw.set_desc_dst_ip(d.dst.addr_bits());
        $hw.set_desc_src_port(d.src.port as u64);
        $hw.set_desc_dst_port(d.dst.port as u64);
        $hw.set_desc_seq(d.seq as u64);
        $hw.set_desc_ack(d.ack as u64);
        $hw.set_desc_flags(d.flags.bits() as u64);
        $hw.set_desc_window(d.window as u64);
        $hw.set_desc_wscale(d.wscale as u64);
        $hw.set_desc_payload_len(d.payload_len as u64);
        $hw.set_desc_tsval(d.tsval.unwrap_or(0) as u64);
        $hw.set_desc_ts_ok(d.tsval.is_some());
        $hw.set_desc_seg_time(d.time as u64);
    }};
}
