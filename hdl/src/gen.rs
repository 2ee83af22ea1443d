//! Verilog generation: one file per top, module `top`.

use crate::boards::{ARTY_A7_100, ARTY_A7_35, XCVU13P};
use crate::{
    EvictionClass, FlagDecode, FlowKey, HdlcDeframer, HdlcFramer, ToeplitzHash, UartRx, UartTx,
    WayChoice,
};
use rust_hdl::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// A generated top: the file stem (`<name>.v`), the generator, and where it is used.
#[derive(Clone, Copy)]
pub struct Top {
    pub name: &'static str,
    pub verilog: fn() -> String,
    /// The board this top is sized for (`make synth BOARD=…` synthesizes only the tops of its
    /// board and the board-independent ones); `None`: every board.
    pub board: Option<&'static str>,
    /// Verilated by `synscope-sim` (a top that differs from a simulated one only in its size
    /// parameters is not: it would double the simulator's build time and test nothing new).
    pub simulated: bool,
    /// Synthesized by `make synth` (not a simulation-sized variant).
    pub synthesized: bool,
    /// The capacity of the connection table it holds (buckets × ways; 0: none).
    pub connections: usize,
}

impl Top {
    /// A board-independent top, simulated.
    const fn any(name: &'static str, verilog: fn() -> String) -> Top {
        Top {
            name,
            verilog,
            board: None,
            simulated: true,
            synthesized: true,
            connections: 0,
        }
    }

    /// `make synth BOARD=board` synthesizes it.
    pub fn for_board(&self, board: &str) -> bool {
        self.synthesized && (self.board.is_none() || self.board == Some(board))
    }
}

/// The top that stands for `board` in its synthesis report (the largest design built for it).
pub fn design_top(board: &str) -> Option<&'static Top> {
    TOPS.iter().find(|t| t.board == Some(board))
}

/// The boards synscope builds for (`make synth BOARD=…`): `boards::BOARDS`' names.
pub const BOARDS: [&str; 3] = [ARTY_A7_35.name, ARTY_A7_100.name, XCVU13P.name];

/// Every top this crate generates.
pub const TOPS: &[Top] = &[
    Top::any("flag_decode", flag_decode_verilog),
    Top::any("flow_key", flow_key_verilog),
    Top::any("toeplitz_hash", toeplitz_hash_verilog),
    Top::any("entry_age", entry_age_verilog),
    Top::any("eviction_class", eviction_class_verilog),
    Top::any("way_pair", way_pair_verilog),
    Top::any("way_choice", way_choice_verilog),
    Top::any("counter_bank", counter_bank_verilog),
    Top::any("event_queue", event_queue_verilog),
    Top::any("segment_apply", segment_apply_verilog),
    Top::any("mii_rx", mii_rx_verilog),
    Top::any("frame_parser", frame_parser_verilog),
    Top::any("uart_rx", uart_rx_verilog),
    Top::any("uart_tx", uart_tx_verilog),
    Top::any("hdlc_deframer", hdlc_deframer_verilog),
    Top::any("hdlc_framer", hdlc_framer_verilog),
    Top::any("lookup_hasher", lookup_hasher_verilog),
    Top {
        name: "arty_a7_35",
        verilog: arty_a7_35_verilog,
        board: Some(ARTY_A7_35.name),
        simulated: false,
        synthesized: true,
        connections: ARTY_A7_35.connections(),
    },
    Top {
        name: "arty_a7_100",
        verilog: arty_a7_100_verilog,
        board: Some(ARTY_A7_100.name),
        simulated: false,
        synthesized: true,
        connections: ARTY_A7_100.connections(),
    },
    Top {
        name: "conn_core",
        verilog: conn_core_verilog,
        board: Some(ARTY_A7_35.name),
        simulated: true,
        synthesized: true,
        connections: ARTY_A7_35.connections(),
    },
    Top {
        name: "conn_core_100t",
        verilog: conn_core_100t_verilog,
        board: Some(ARTY_A7_100.name),
        simulated: false,
        synthesized: true,
        connections: ARTY_A7_100.connections(),
    },
    Top {
        name: "board_sim",
        verilog: board_sim_verilog,
        board: None,
        simulated: true,
        synthesized: false,
        connections: ARTY_A7_35.connections(),
    },
    Top {
        name: "conn_core_small",
        verilog: conn_core_small_verilog,
        board: None,
        simulated: true,
        synthesized: false,
        connections: (1 << crate::conn::conn_core::BUCKET_BITS_SMALL) * crate::conn::WAYS,
    },
    Top {
        name: "gated_ram",
        verilog: gated_ram_verilog,
        board: None,
        simulated: true,
        synthesized: false,
        connections: 0,
    },
    Top {
        name: "conn_core_xcvu13p",
        verilog: conn_core_xcvu13p_verilog,
        board: Some(XCVU13P.name),
        simulated: false,
        synthesized: true,
        connections: XCVU13P.connections(),
    },
    Top {
        name: "command_engine",
        verilog: command_engine_verilog,
        board: Some(ARTY_A7_35.name),
        simulated: false,
        synthesized: true,
        connections: 0,
    },
];

/// Header on every file: where it comes from, and no implicit nets.
fn finish(name: &str, body: String) -> String {
    format!(
        "// {name}.v: generated by synscope-hdl (rust-hdl 0.46); do not edit.\n\
         `default_nettype none\n{body}`default_nettype wire\n"
    )
}

/// A connected, checked instance of `uut` as Verilog.
fn generate<U: Block>(name: &str, mut uut: U, inputs: impl FnOnce(&mut U)) -> String {
    inputs(&mut uut);
    uut.connect_all();
    finish(name, generate_verilog(&uut))
}

pub fn flag_decode_verilog() -> String {
    generate("flag_decode", FlagDecode::default(), |u| u.flags.connect())
}

pub fn flow_key_verilog() -> String {
    generate("flow_key", FlowKey::default(), |u| {
        u.src_ip.connect();
        u.src_port.connect();
        u.dst_ip.connect();
        u.dst_port.connect();
    })
}

pub fn toeplitz_hash_verilog() -> String {
    generate("toeplitz_hash", ToeplitzHash::default(), |u| {
        u.clock.connect();
        u.reset.connect();
        u.key.connect();
        u.key_load.connect();
        u.data.connect();
        u.in_valid.connect();
    })
}

pub fn entry_age_verilog() -> String {
    generate(
        "entry_age",
        crate::conn::entry_age::connected_entry_age(),
        |_| {},
    )
}

pub fn eviction_class_verilog() -> String {
    generate("eviction_class", EvictionClass::default(), |u| {
        u.lo_state.connect();
        u.hi_state.connect();
    })
}

pub fn way_pair_verilog() -> String {
    generate(
        "way_pair",
        crate::conn::way_pair::WayPair::default(),
        crate::conn::way_pair::connect_inputs,
    )
}

pub fn counter_bank_verilog() -> String {
    generate(
        "counter_bank",
        crate::conn::counter_bank::CounterBank::default(),
        crate::conn::counter_bank::connect_inputs,
    )
}

pub fn way_choice_verilog() -> String {
    generate(
        "way_choice",
        WayChoice::default(),
        crate::conn::way_choice::connect_inputs,
    )
}

/// The event FIFO at a test size: 2^6 buckets, 2^6 records (more than the side FIFO's 32, so
/// that fills first).
pub fn event_queue_verilog() -> String {
    generate(
        "event_queue",
        crate::conn::event_queue::EventQueue::<6, 6, 7>::default(),
        |u| {
            u.clock.connect();
            u.valid.connect();
            u.record.connect();
            u.bucket.connect();
            u.tops_in.connect();
            u.pop.connect();
        },
    )
}

pub fn segment_apply_verilog() -> String {
    generate(
        "segment_apply",
        crate::conn::segment_apply::connected_segment_apply(),
        |_| {},
    )
}

/// The MII receiver and its frame FIFO: two clocks, `rx_clk` (PHY) and `clock` (system).
pub fn mii_rx_verilog() -> String {
    generate("mii_rx", crate::front::mii_rx::connected(), |_| {})
}

/// The frame parser: receive-FIFO entries in, descriptors or drop reasons out.
pub fn frame_parser_verilog() -> String {
    generate(
        "frame_parser",
        crate::front::frame_parser::connected(),
        |_| {},
    )
}

pub fn uart_rx_verilog() -> String {
    generate("uart_rx", UartRx::default(), |u| {
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.rxd.connect();
    })
}

pub fn uart_tx_verilog() -> String {
    generate("uart_tx", UartTx::default(), |u| {
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.s.link_connect_dest();
        u.fast_forward.connect();
    })
}

pub fn hdlc_deframer_verilog() -> String {
    generate("hdlc_deframer", HdlcDeframer::default(), |u| {
        u.clock.connect();
        u.reset.connect();
        u.s.link_connect_dest();
    })
}

pub fn hdlc_framer_verilog() -> String {
    generate("hdlc_framer", HdlcFramer::default(), |u| {
        u.clock.connect();
        u.reset.connect();
        u.s.link_connect_dest();
        u.m.link_connect_dest();
    })
}

/// The command engine's bit-serial `LOOKUP` hash, alone (simulated against the model's hash).
pub fn lookup_hasher_verilog() -> String {
    generate(
        "lookup_hasher",
        crate::link::engine::lookup_hasher::connected(),
        |_| {},
    )
}

/// The connection-state core of the 35T: 512 buckets × 4 ways (`TableShape::ARTY_35T`).
pub fn conn_core_verilog() -> String {
    let u: crate::conn::conn_core::ConnCore35T = crate::conn::conn_core::connected();
    generate("conn_core", u, |_| {})
}

/// The Arty A7-35T board top (pins: `pins::PINS`).
pub fn arty_a7_35_verilog() -> String {
    let u: crate::tops::arty_top::ArtyTop<
        { ARTY_A7_35.bucket_bits },
        { ARTY_A7_35.event_fifo_bits },
        { ARTY_A7_35.event_fifo_bits + 1 },
    > = crate::tops::arty_top::ArtyTop::new(crate::link::command_engine::BOARD_35T);
    generate("arty_a7_35", u, arty_pins)
}

/// The Arty A7-100T board top.
pub fn arty_a7_100_verilog() -> String {
    let u: crate::tops::arty_top::ArtyTop<
        { ARTY_A7_100.bucket_bits },
        { ARTY_A7_100.event_fifo_bits },
        { ARTY_A7_100.event_fifo_bits + 1 },
    > = crate::tops::arty_top::ArtyTop::new(crate::link::command_engine::BOARD_100T);
    generate("arty_a7_100", u, arty_pins)
}

fn arty_pins<const B: usize, const E: usize, const EP1: usize>(
    u: &mut crate::tops::arty_top::ArtyTop<B, E, EP1>,
) {
    u.clk100mhz.connect();
    u.ck_rst.connect();
    u.uart_txd_in.connect();
    u.eth_rx_clk.connect();
    u.eth_rx_dv.connect();
    u.eth_rxerr.connect();
    u.eth_rxd.connect();
    u.eth_col.connect();
    u.eth_crs.connect();
    u.eth_tx_clk.connect();
    u.eth_mdio.connect();
}

/// The simulated board: the board's logic (`station::Station`) in the 35T's shape (512
/// buckets), board code `BOARD_SIM`, 100 MHz, with its time as a pin (the simulator sets it from
/// the capture); everything else goes through the MII and UART pins, as on the Arty.
pub fn board_sim_verilog() -> String {
    let u: crate::tops::station::Station<
        { ARTY_A7_35.bucket_bits },
        { ARTY_A7_35.event_fifo_bits },
        { ARTY_A7_35.event_fifo_bits + 1 },
    > = crate::tops::station::Station::new(crate::link::command_engine::BOARD_SIM, 100);
    generate("board_sim", u, |u| {
        u.clock.connect();
        u.reset.connect();
        u.now.connect();
        u.rx_clk.connect();
        u.rx_dv.connect();
        u.rx_er.connect();
        u.rxd.connect();
        u.uart_rx.connect();
        u.phy_ready.connect();
        u.mdio_i.connect();
        u.tx_fast_forward.connect();
    })
}

/// The connection-state core of the 100T: 2048 buckets × 4 ways (see `ConnCore100T`).
pub fn conn_core_100t_verilog() -> String {
    let u: crate::conn::conn_core::ConnCore100T = crate::conn::conn_core::connected();
    generate("conn_core_100t", u, |_| {})
}

/// The same core with 64 buckets (simulation: collisions, eviction and refusal happen).
pub fn conn_core_small_verilog() -> String {
    let u: crate::conn::conn_core::ConnCoreSmall = crate::conn::conn_core::connected();
    generate("conn_core_small", u, |_| {})
}

/// A 16 × 8 [`crate::parts::ram::GatedRam`] alone (simulation: its collision check must stop a read of
/// the address the write port writes).
pub fn gated_ram_verilog() -> String {
    generate(
        "gated_ram",
        crate::parts::ram::GatedRam::<Bits<8>, 4>::default(),
        |u| {
            u.read_address.connect();
            u.read_enable.connect();
            u.read_clock.connect();
            u.write_address.connect();
            u.write_clock.connect();
            u.write_data.connect();
            u.write_enable.connect();
        },
    )
}

/// The UltraScale+ design point: the core alone, 2^17 buckets × 4 ways (512K connections), its
/// table in UltraRAM (`make synth BOARD=xcvu13p`; scripts/synth/synth.sh sets the memories'
/// `ram_style`). Synthesized, not simulated (the same RTL as every other core size).
pub fn conn_core_xcvu13p_verilog() -> String {
    let u: crate::conn::conn_core::ConnCore<
        { XCVU13P.bucket_bits },
        { XCVU13P.event_fifo_bits },
        { XCVU13P.event_fifo_bits + 1 },
    > = crate::conn::conn_core::connected();
    generate("conn_core_xcvu13p", u, |_| {})
}

/// The command engine of the 35T (512 buckets, 100 MHz), alone: its size and depth.
pub fn command_engine_verilog() -> String {
    let u: crate::link::command_engine::CommandEngine<{ crate::conn::conn_core::BUCKET_BITS_35T }> =
        crate::link::command_engine::connected(crate::link::command_engine::BOARD_35T, 100);
    generate("command_engine", u, |_| {})
}

/// `conn_core_small` with a planted bug: a copy of `fsm::RECEIVER` in which the ACK of a FIN no
/// longer moves FIN_WAIT_1 to FIN_WAIT_2 (RFC 9293 §3.10.7.4). `synscope-sim` builds it in place
/// of `conn_core_small` when `SYNSCOPE_PLANTED_BUG=1` (`make planted-bug`), and the differential
/// test must then fail.
pub fn conn_core_small_planted_verilog() -> String {
    use synscope_model::flags::FlagClass;
    use synscope_model::fsm::{RECEIVER, SENDER};
    use synscope_model::TcpState;
    let mut receiver = RECEIVER;
    receiver[1][FlagClass::Ack as usize][TcpState::FinWait1 as usize] = TcpState::FinWait1;
    let u: crate::conn::conn_core::ConnCoreSmall =
        crate::conn::conn_core::connected_with_tables(&SENDER, &receiver);
    generate("conn_core_small", u, |_| {})
}

/// Write `<dir>/<name>.v` for every top (creating `dir`); returns the paths written. A file whose
/// content is unchanged is not rewritten, so its timestamp does not trigger rebuilds.
pub fn generate_all(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for top in TOPS {
        let path = dir.join(format!("{}.v", top.name));
        let text = (top.verilog)();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
        }
        written.push(path);
    }
    Ok(written)
}
