//! The simulated board: the board's data path (`synscope_hdl::board::Board`, generated as
//! `board_sim`, 2048 buckets × 4 ways as on the 35T) under Verilator, fed whole Ethernet frames
//! on its MII pins at 100 Mb/s nibble timing (preamble, SFD, FCS, inter-frame gap), its time
//! set from the capture, and read out through its host ports: counters and the table.
//!
//! Time: the board counts seconds from its clock; here `now` is set from each frame's capture
//! time instead, so idle seconds are not simulated cycle by cycle. A frame is stamped when the
//! parser finishes it, so before the second changes the driver waits until every frame sent
//! has been finished.

use crate::models::BoardSim as Model;
use synscope_hdl::conn_core::{BUCKET_BITS_35T, LATENCY, WAYS};
use synscope_model::entry::Entry;
use synscope_model::frame::{pad_to_minimum, with_fcs, MIN_FRAME_LEN};
use synscope_model::Counter;

/// System clock cycles per MII clock at 100 Mb/s (100 MHz / 25 MHz).
pub const SYS_PER_NIBBLE: u64 = 4;
/// Preamble bytes before the SFD (IEEE 802.3 §4.2.5: 7 × 0x55, then 0xD5).
const PREAMBLE: usize = 7;
const SFD: u8 = 0xd5;
/// Inter-frame gap, in nibbles (96 bit times).
pub const IFG_NIBBLES: usize = 24;
/// Buckets of the simulated board's table.
pub const BUCKETS: usize = 1 << BUCKET_BITS_35T;

/// A live table entry as read out of the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotEntry {
    pub bucket: usize,
    pub way: usize,
    pub entry: Entry,
}

pub struct BoardSim {
    m: Model,
    now: u32,
    sent: u64,
    done: u64,
    cycles: u64,
}

impl Default for BoardSim {
    fn default() -> Self {
        Self::new()
    }
}

impl BoardSim {
    /// A board after reset, with the default hash key and timeouts.
    pub fn new() -> BoardSim {
        let mut m = Model::new();
        m.set_rx_dv(false);
        m.set_rx_er(false);
        m.set_rxd(0);
        m.set_rx_clk(false);
        m.set_ev_pop(false);
        m.set_counter_snap(false);
        m.set_counter_frozen(false);
        m.set_clear_counters(false);
        m.set_reset(true);
        let mut b = BoardSim {
            m,
            now: 0,
            sent: 0,
            done: 0,
            cycles: 0,
        };
        b.cycle();
        b.cycle();
        b.m.set_reset(false);
        b.cycle();
        b
    }

    /// Trace every later cycle to a VCD file (needs the crate's `vcd` feature; otherwise an
    /// error that says so).
    pub fn open_vcd(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        self.m.open_vcd(path)
    }

    /// The board's time (seconds).
    pub fn now(&self) -> u32 {
        self.now
    }

    /// System clock cycles simulated so far.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// One system clock cycle; events are drained as the command engine will (they are not
    /// compared here), and finished frames counted.
    fn cycle(&mut self) {
        self.m.set_ev_pop(self.m.ev_valid());
        self.m.set_clock(true);
        self.m.eval();
        self.m.set_clock(false);
        self.m.eval();
        if self.m.frame_done() {
            self.done += 1;
        }
        self.cycles += 1;
    }

    /// One MII clock period with `d` on the pins (inputs change after the falling edge).
    fn nibble(&mut self, dv: bool, er: bool, d: u8) {
        self.m.set_rx_clk(false);
        self.m.set_rx_dv(dv);
        self.m.set_rx_er(er);
        self.m.set_rxd(d as u64);
        self.m.eval();
        self.cycle();
        self.cycle();
        self.m.set_rx_clk(true);
        self.m.eval();
        self.cycle();
        self.cycle();
    }

    /// Put the board's time at `secs` (never backwards), once every frame sent so far has been
    /// stamped with the time it was sent at.
    pub fn set_time(&mut self, secs: u32) {
        if secs <= self.now {
            return;
        }
        self.drain();
        self.now = secs;
        self.m.set_now(secs as u64);
    }

    /// Run until every frame sent has come out of the parser.
    pub fn drain(&mut self) {
        let mut guard = 0u64;
        while self.done < self.sent {
            self.cycle();
            guard += 1;
            assert!(guard < 1 << 20, "the board stopped taking frames");
        }
    }

    /// Send one frame as the PHY would: preamble, SFD, `bytes` (which must end with the FCS),
    /// low nibble first, RX_ER raised during byte `rx_er_at`, then the inter-frame gap.
    pub fn send_raw(&mut self, bytes: &[u8], rx_er_at: Option<usize>) {
        let pre = [0x55u8; PREAMBLE].into_iter().chain([SFD]);
        for b in pre {
            self.nibble(true, false, b & 0xf);
            self.nibble(true, false, b >> 4);
        }
        for (i, b) in bytes.iter().enumerate() {
            let er = rx_er_at == Some(i);
            self.nibble(true, er, b & 0xf);
            self.nibble(true, er, b >> 4);
        }
        for _ in 0..IFG_NIBBLES {
            self.nibble(false, false, 0);
        }
        self.sent += 1;
    }

    /// Send a frame as a capture holds it (no FCS, maybe shorter than the minimum): padded as
    /// the sender's MAC would, and its FCS appended.
    pub fn send_captured(&mut self, frame: &[u8]) {
        let mut padded = Vec::new();
        let frame = if frame.len() < MIN_FRAME_LEN {
            pad_to_minimum(frame, &mut padded);
            &padded[..]
        } else {
            frame
        };
        self.send_raw(&with_fcs(frame), None);
    }

    /// Drain, then let the aging sweep visit every bucket: afterwards the table and the gauges
    /// are those of the model after `Tracker::finish`.
    pub fn finish(&mut self) {
        self.drain();
        for _ in 0..BUCKETS + 4 * LATENCY {
            self.cycle();
        }
    }

    /// One counter (`Counter` index, or a gauge index).
    pub fn counter(&mut self, index: usize) -> u64 {
        self.m.set_counter_index(index as u64);
        self.cycle();
        self.cycle();
        self.m.counter_value()
    }

    /// Every `Counter`, in bank order.
    pub fn counters(&mut self) -> Vec<(Counter, u64)> {
        Counter::ALL
            .iter()
            .map(|c| (*c, self.counter(*c as usize)))
            .collect()
    }

    /// The live entries of the table, read through the host read port (aged to the board's
    /// time, as the model ages on `finish`).
    pub fn table(&mut self) -> Vec<SlotEntry> {
        let mut out = Vec::new();
        for bucket in 0..BUCKETS {
            for way in 0..WAYS {
                self.m.set_rd_req(true);
                self.m.set_rd_bucket(bucket as u64);
                self.m.set_rd_way(way as u64);
                let mut waited = 0;
                loop {
                    self.cycle();
                    self.m.set_rd_req(false);
                    waited += 1;
                    if self.m.rd_valid() {
                        break;
                    }
                    assert!(waited < 64, "rd_valid never came for {bucket}/{way}");
                }
                if !self.m.rd_alive() {
                    continue;
                }
                let w = self.m.rd_entry();
                let mut words = [0u64; 4];
                for (i, x) in w.iter().enumerate() {
                    words[i / 2] |= (*x as u64) << (32 * (i % 2));
                }
                if let Some(entry) = Entry::unpack(&words, self.now) {
                    out.push(SlotEntry { bucket, way, entry });
                }
            }
        }
        out
    }
}
