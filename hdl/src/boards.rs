//! The designs synscope builds, per board: the part, the yosys family, the table geometry
//! (buckets × ways: the connection capacity) and the event FIFO — one place for the build
//! parameters `gen.rs` instantiates the tops with and `make synth BOARD=…` reports.
//! `scripts/synth/boards.sh` holds the parts and clocks for the shell side; a test keeps the two
//! in step.
//!
//! The ways are a build parameter of the core (`conn::WAYS`: 4, or `SYNSCOPE_WAYS` = 2 | 4 | 8 at
//! build time; one way memory each), the same for every board built at once (asserted at
//! compile time below). The Arty shapes are sized for 4 (docs/core.md, "Block RAM and depth":
//! 8 ways of 512 buckets would not fit the 35T's block RAM); the UltraScale+ point keeps 2^19
//! connections whatever the ways.

use crate::conn::conn_core::{BUCKET_BITS_100T, BUCKET_BITS_35T};
use crate::conn::WAYS;

/// A design built for one board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Board {
    /// `make synth BOARD=…`.
    pub name: &'static str,
    /// The part Vivado is given (and the reports record).
    pub part: &'static str,
    /// yosys `synth_xilinx -family`.
    pub family: &'static str,
    /// `2^bucket_bits` buckets.
    pub bucket_bits: usize,
    pub ways: usize,
    /// `2^event_fifo_bits` event records between the core and the command engine.
    pub event_fifo_bits: usize,
}

impl Board {
    /// The table's capacity: buckets × ways.
    pub const fn connections(&self) -> usize {
        (1 << self.bucket_bits) * self.ways
    }
}

/// Event FIFO of the Arty boards: 64 records (LUT RAM, no block RAM; it was 512 records in two
/// RAMB36). At 3 Mbaud an event frame takes ~90 µs, so the FIFO absorbs a burst of 64 state
/// changes; beyond that the core counts `events_dropped` (docs/protocol.md).
pub const EVENT_FIFO_BITS_ARTY: usize = crate::conn::conn_core::EVENT_FIFO_BITS_35T;

/// Arty A7-35T: 512 buckets × 4 ways (2K connections of 469 bits: docs/core.md, "Block RAM and
/// depth").
pub const ARTY_A7_35: Board = Board {
    name: "arty-a7-35",
    part: "xc7a35ticsg324-1L",
    family: "xc7",
    bucket_bits: BUCKET_BITS_35T,
    ways: WAYS,
    event_fifo_bits: EVENT_FIFO_BITS_ARTY,
};

/// Arty A7-100T: 2048 buckets × 4 ways (8K connections).
pub const ARTY_A7_100: Board = Board {
    name: "arty-a7-100",
    part: "xc7a100tcsg324-1",
    family: "xc7",
    bucket_bits: BUCKET_BITS_100T,
    ways: WAYS,
    event_fifo_bits: EVENT_FIFO_BITS_ARTY,
};

/// The UltraScale+ design point: the core alone at 2^17 buckets × 4 ways = 524,288
/// connections, the table in UltraRAM (a Virtex UltraScale+ VU13P has 1,280 URAM288 blocks,
/// 360 Mb: 1M entries of 469 bits would be 492 Mb), for a faster MAC than the Arty's: II = 1 at
/// ≥ 150 MHz is 100GbE line rate (148.8 M minimum-size frames/s).
pub const XCVU13P: Board = Board {
    name: "xcvu13p",
    part: "xcvu13p-fhga2104-1-e",
    family: "xcup",
    bucket_bits: 19 - crate::conn::WAY_BITS,
    ways: WAYS,
    event_fifo_bits: EVENT_FIFO_BITS_ARTY,
};

/// Every board, in `make synth BOARD=…` order.
pub const BOARDS: [Board; 3] = [ARTY_A7_35, ARTY_A7_100, XCVU13P];

const _: () = assert!(ARTY_A7_35.ways == WAYS && ARTY_A7_100.ways == WAYS && XCVU13P.ways == WAYS);
const _: () = assert!(XCVU13P.connections() >= 1 << 19);

/// The board named `name`.
pub fn board(name: &str) -> Option<&'static Board> {
    BOARDS.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scripts/synth/boards.sh names the same boards with the same parts and families.
    #[test]
    fn boards_sh_agrees() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/synth/boards.sh");
        let sh = std::fs::read_to_string(path).unwrap();
        for b in BOARDS {
            let line = sh
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{})", b.name)))
                .unwrap_or_else(|| panic!("{} missing from boards.sh", b.name));
            assert!(line.contains(&format!("part={};", b.part)), "{line}");
            assert!(line.contains(&format!("family={};", b.family)), "{line}");
        }
    }

    fn repo(path: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path)
    }

    /// `make vivado` reads the board top `make verilog` writes for the board (its design top,
    /// the only Verilog file: rust-hdl writes every block into it), the board's generated pin
    /// file and vivado-extra.xdc: nothing else, and every one exists or is generated.
    #[test]
    fn vivado_flow_reads_make_verilogs_board_top() {
        for b in BOARDS.iter().filter(|b| b.family == "xc7") {
            let out = std::process::Command::new("bash")
                .arg(repo("scripts/board/vivado.sh"))
                .args(["--files", b.name])
                .current_dir(repo(""))
                .output()
                .expect("bash runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let files: Vec<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            let design = crate::gen::design_top(b.name).unwrap().name;
            assert_eq!(
                files,
                [
                    format!("build/verilog/{design}.v"),
                    format!("constraints/{}.xdc", b.name),
                    "constraints/vivado-extra.xdc".to_string(),
                ]
            );
            for xdc in &files[1..] {
                assert!(repo(xdc).exists(), "{xdc}");
            }
        }
    }

    /// The Vivado Tcl and the Vivado-only XDC parse as Tcl (`info complete` in tclsh: balanced
    /// braces and brackets), and every name pattern in the XDC is braced (a bare `[*]` would be
    /// a command substitution in Vivado's Tcl).
    #[test]
    fn vivado_tcl_and_xdc_parse() {
        let script = "foreach f $argv { set h [open $f]; set t [read $h]; close $h; \
                      if {![info complete $t]} { puts \"incomplete: $f\"; exit 1 } }";
        let out = std::process::Command::new("tclsh")
            .arg("/dev/stdin")
            .args([
                repo("scripts/board/vivado.tcl"),
                repo("constraints/vivado-extra.xdc"),
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(script.as_bytes())?;
                c.wait_with_output()
            })
            .expect("tclsh runs (make deps installs it with Debian's tcl)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let xdc = std::fs::read_to_string(repo("constraints/vivado-extra.xdc")).unwrap();
        for l in xdc.lines().filter(|l| !l.starts_with('#')) {
            assert!(!l.contains("set_clock_groups"), "{l}");
            if let Some(i) = l.find("-filter ") {
                assert!(l[i + 8..].starts_with('{'), "unbraced filter: {l}");
            }
            if let Some(i) = l.find("get_ports ") {
                assert!(l[i + 10..].starts_with('{'), "unbraced port name: {l}");
            }
        }
        assert!(xdc.contains("set_bus_skew") && xdc.contains("-datapath_only"));
    }

    #[test]
    fn capacities() {
        // 2048 and 8192 at 4 ways.
        assert_eq!(ARTY_A7_35.connections(), 512 * WAYS);
        assert_eq!(ARTY_A7_100.connections(), 2048 * WAYS);
        assert_eq!(XCVU13P.connections(), 524_288);
    }
}
