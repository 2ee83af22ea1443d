//! `mdio`: a small MDIO management master (IEEE 802.3 clause 22) that finds the Ethernet PHY and
//! keeps reading its link state, so the host can show link, speed and duplex (`READ_PHY`,
//! docs/protocol.md).
//!
//! ## The management frame (clause 22.2.4.5), read only
//! ```text
//!  PRE (32 × 1) | ST 01 | OP 10 | PHYAD (5) | REGAD (5) | TA z0 | DATA (16, MSB first) | idle z
//! ```
//! MDC is the system clock divided by `2 × MDC_HALF` (100 MHz / 40 = 2.5 MHz, the clause's
//! maximum: 22.2.2.13, a 400 ns period; the DP83848J takes up to 25 MHz) while a frame is due
//! or on the wire, and stands low between frames (22.2.2.13: MDC is aperiodic and has no
//! maximum high or low time). The master changes MDIO on MDC's falling edge (the PHY wants
//! ≥ 10 ns setup and hold around the rising edge) and samples the PHY's bits on the rising edge
//! (the PHY drives them 0–300 ns after the previous rising edge, clause 22.3.4), through a
//! two-flop synchronizer. It releases MDIO (`mdio_oe`
//! low) from the turnaround on; the pin's pull-up makes a missing PHY read as all ones.
//!
//! ## What it reads (TI DP83848J data sheet, "Register Block")
//! 1. After reset, a wait of `2^START_BITS` cycles (the PHY takes MDIO 3 µs after its reset).
//! 2. The scan: PHYIDR1 (register 2) at addresses 1, 2, ..., 31, 0 until one reads neither
//!    0xFFFF (nothing drives MDIO) nor 0x0000: that is the PHY (its address comes from the
//!    PHYAD straps: board.md, "scan rather than trust address 1"); then PHYIDR2 (register 3).
//! 3. The poll, for ever: BMSR (register 1: bit 2 link status, latching low; bit 5
//!    auto-negotiation complete) and PHYSTS (register 0x10: bit 0 link, bit 1 10 Mb/s, bit 2
//!    full duplex), each round counted in `polls`: the first right after the scan, then one
//!    round each time `poll` pulses (the board: each tick of its time, 1/16 s, where Linux's
//!    PHY state machine polls once a second). Between rounds the master changes no register.
//!
//! `reset` (synchronous) restarts from step 1; the board holds it while the PHY is in reset.

use crate::parts::konst::konst as k;
use rust_hdl::prelude::*;

/// System clock cycles per MDC half period (100 MHz / 40 = 2.5 MHz).
pub const MDC_HALF: u64 = 20;
/// Cycles waited after reset before the first frame: 2^12 = 41 µs at 100 MHz.
pub const START_BITS: usize = 12;
/// Bits of a read frame: 32 preamble, 2 start, 2 op, 5 + 5 address, 2 turnaround, 16 data.
pub const FRAME_BITS: u64 = 64;
/// Clause 22 registers read.
pub const REG_BMSR: u64 = 0x01;
pub const REG_PHYIDR1: u64 = 0x02;
pub const REG_PHYIDR2: u64 = 0x03;
/// DP83848 PHY Status Register.
pub const REG_PHYSTS: u64 = 0x10;
/// The address the scan starts at (the Arty's PHYAD straps give 1).
pub const FIRST_ADDR: u64 = 1;

/// Sequencer steps.
mod step {
    pub const WAIT: u64 = 0;
    pub const ID1: u64 = 1;
    pub const ID2: u64 = 2;
    pub const BMSR: u64 = 3;
    pub const PHYSTS: u64 = 4;
    pub const GAP: u64 = 5;
}

/// The first 16 bits a read frame sends after the preamble, MSB first: ST 01, OP 10, PHYAD,
/// REGAD, and the two turnaround bits (sent as 1s while released: only `mdio_oe` matters there).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ReadHeader {
    pub ta: Bits<2>,
    pub regad: Bits<5>,
    pub addr: Bits<5>,
    pub op: Bits<2>,
    pub st: Bits<2>,
}

#[derive(LogicBlock)]
pub struct MdioMaster {
    pub clock: Signal<In, Clock>,
    /// Synchronous: restart (wait, scan, poll).
    pub reset: Signal<In, Bit>,
    // ---- the management pins (the top joins the three MDIO signals in a tristate buffer)
    pub mdc: Signal<Out, Bit>,
    pub mdio_o: Signal<Out, Bit>,
    pub mdio_oe: Signal<Out, Bit>,
    pub mdio_i: Signal<In, Bit>,
    /// Start the next poll round (a pulse; one that comes while a round runs is not kept).
    pub poll: Signal<In, Bit>,
    // ---- what was read
    /// A PHY answered the scan; `addr` is its address.
    pub found: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<5>>,
    pub id1: Signal<Out, Bits<16>>,
    pub id2: Signal<Out, Bits<16>>,
    pub bmsr: Signal<Out, Bits<16>>,
    pub physts: Signal<Out, Bits<16>>,
    /// Completed poll rounds (wraps).
    pub polls: Signal<Out, Bits<16>>,
    // ---- registers
    in_meta: DFF<Bit>,
    in_sync: DFF<Bit>,
    div: DFF<Bits<5>>,
    mdc_q: DFF<Bit>,
    /// Bit of the frame being sent (0..63); `busy` while a frame is on the wire.
    bitn: DFF<Bits<6>>,
    busy: DFF<Bit>,
    sr: DFF<Bits<16>>,
    shift_in: DFF<Bits<16>>,
    out_q: DFF<Bit>,
    oe_q: DFF<Bit>,
    step_q: DFF<Bits<3>>,
    wait_q: DFF<Bits<START_BITS>>,
    addr_q: DFF<Bits<5>>,
    found_q: DFF<Bit>,
    id1_q: DFF<Bits<16>>,
    id2_q: DFF<Bits<16>>,
    bmsr_q: DFF<Bits<16>>,
    physts_q: DFF<Bits<16>>,
    polls_q: DFF<Bits<16>>,
    // ---- combinational
    header: Signal<Local, ReadHeader>,
    header_bits: Signal<Local, Bits<16>>,
    regad: Signal<Local, Bits<5>>,
    rise: Signal<Local, Bit>,
    fall: Signal<Local, Bit>,
    done: Signal<Local, Bit>,
    // ---- constants
    half_last: Constant<Bits<5>>,
    zero5: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
    one6: Constant<Bits<6>>,
    zero6: Constant<Bits<6>>,
    pre_last: Constant<Bits<6>>,
    hdr_last: Constant<Bits<6>>,
    /// The bit before the turnaround: from its falling edge on, MDIO is released.
    ta_prev: Constant<Bits<6>>,
    frame_last: Constant<Bits<6>>,
    wait_zero: Constant<Bits<START_BITS>>,
    wait_one: Constant<Bits<START_BITS>>,
    wait_last: Constant<Bits<START_BITS>>,
    first_addr: Constant<Bits<5>>,
    ones16: Constant<Bits<16>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    r_bmsr: Constant<Bits<5>>,
    r_id1: Constant<Bits<5>>,
    r_id2: Constant<Bits<5>>,
    r_physts: Constant<Bits<5>>,
    st01: Constant<Bits<2>>,
    op_read: Constant<Bits<2>>,
    ta_ones: Constant<Bits<2>>,
    s_wait: Constant<Bits<3>>,
    s_id1: Constant<Bits<3>>,
    s_id2: Constant<Bits<3>>,
    s_bmsr: Constant<Bits<3>>,
    s_physts: Constant<Bits<3>>,
    s_gap: Constant<Bits<3>>,
}

impl Default for MdioMaster {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            poll: Default::default(),
            found: Default::default(),
            addr: Default::default(),
            id1: Default::default(),
            id2: Default::default(),
            bmsr: Default::default(),
            physts: Default::default(),
            polls: Default::default(),
            in_meta: Default::default(),
            in_sync: Default::default(),
            div: Default::default(),
            mdc_q: Default::default(),
            bitn: Default::default(),
            busy: Default::default(),
            sr: Default::default(),
            shift_in: Default::default(),
            out_q: Default::default(),
            oe_q: Default::default(),
            step_q: Default::default(),
            wait_q: Default::default(),
            addr_q: Default::default(),
            found_q: Default::default(),
            id1_q: Default::default(),
            id2_q: Default::default(),
            bmsr_q: Default::default(),
            physts_q: Default::default(),
            polls_q: Default::default(),
            header: Default::default(),
            header_bits: Default::default(),
            regad: Default::default(),
            rise: Default::default(),
            fall: Default::default(),
            done: Default::default(),
            half_last: k(MDC_HALF - 1),
            zero5: k(0),
            one5: k(1),
            one6: k(1),
            zero6: k(0),
            pre_last: k(31),
            hdr_last: k(47),
            ta_prev: k(45),
            frame_last: k(FRAME_BITS - 1),
            wait_zero: k(0),
            wait_one: k(1),
            wait_last: k((1 << START_BITS) - 1),
            first_addr: k(FIRST_ADDR),
            ones16: k(0xffff),
            zero16: k(0),
            one16: k(1),
            r_bmsr: k(REG_BMSR),
            r_id1: k(REG_PHYIDR1),
            r_id2: k(REG_PHYIDR2),
            r_physts: k(REG_PHYSTS),
            st01: k(0b01),
            op_read: k(0b10),
            ta_ones: k(0b11),
            s_wait: k(step::WAIT),
            s_id1: k(step::ID1),
            s_id2: k(step::ID2),
            s_bmsr: k(step::BMSR),
            s_physts: k(step::PHYSTS),
            s_gap: k(step::GAP),
        }
    }
}

impl Logic for MdioMaster {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, in_meta, in_sync, div, mdc_q, bitn, busy, sr, shift_in, out_q, oe_q,
            step_q, wait_q, addr_q, found_q, id1_q, id2_q, bmsr_q, physts_q, polls_q
        );
        // ---- pins
        self.mdc.next = self.mdc_q.q.val();
        self.mdio_o.next = self.out_q.q.val();
        self.mdio_oe.next = self.oe_q.q.val();
        self.in_meta.d.next = self.mdio_i.val();
        self.in_sync.d.next = self.in_meta.q.val();
        self.found.next = self.found_q.q.val();
        self.addr.next = self.addr_q.q.val();
        self.id1.next = self.id1_q.q.val();
        self.id2.next = self.id2_q.q.val();
        self.bmsr.next = self.bmsr_q.q.val();
        self.physts.next = self.physts_q.q.val();
        self.polls.next = self.polls_q.q.val();

        // ---- MDC: a divider that runs while a frame is due or on the wire (not while waiting
        // after reset or between poll rounds); `rise`/`fall` are the cycles MDC changes at
        self.rise.next = false;
        self.fall.next = false;
        if self.busy.q.val()
            || !(self.step_q.q.val() == self.s_wait.val()
                || self.step_q.q.val() == self.s_gap.val())
        {
            self.div.d.next = self.div.q.val() + self.one5.val();
            if self.div.q.val() == self.half_last.val() {
                self.div.d.next = self.zero5.val();
                self.mdc_q.d.next = !self.mdc_q.q.val();
                self.rise.next = !self.mdc_q.q.val();
                self.fall.next = self.mdc_q.q.val();
            }
        }

        // ---- the register the current step reads
        self.regad.next = self.r_physts.val();
        if self.step_q.q.val() == self.s_id1.val() {
            self.regad.next = self.r_id1.val();
        } else if self.step_q.q.val() == self.s_id2.val() {
            self.regad.next = self.r_id2.val();
        } else if self.step_q.q.val() == self.s_bmsr.val() {
            self.regad.next = self.r_bmsr.val();
        }
        self.header.next.st = self.st01.val();
        self.header.next.op = self.op_read.val();
        self.header.next.addr = self.addr_q.q.val();
        self.header.next.regad = self.regad.val();
        self.header.next.ta = self.ta_ones.val();
        self.header_bits.next = self.header.val().into();

        // ---- the frame: bits change on MDC's falling edge, the PHY's are sampled on its
        // rising edge
        self.done.next = false;
        if self.busy.q.val() && self.fall.val() {
            self.bitn.d.next = self.bitn.q.val() + self.one6.val();
            self.out_q.d.next = true;
            self.oe_q.d.next = true;
            if self.bitn.q.val() == self.pre_last.val() {
                // Bit 32 next: the header, MSB first.
                self.sr.d.next = self.header_bits.val();
                self.out_q.d.next = self.header_bits.val().get_bit(15);
            } else if self.bitn.q.val() > self.pre_last.val() {
                self.out_q.d.next = self.sr.q.val().get_bit(14);
                self.sr.d.next = self.sr.q.val() << 1;
            }
            if self.bitn.q.val() >= self.ta_prev.val() {
                // From the turnaround on, the PHY drives.
                self.oe_q.d.next = false;
            }
            if self.bitn.q.val() == self.frame_last.val() {
                self.busy.d.next = false;
                self.oe_q.d.next = false;
                self.done.next = true;
            }
        }
        if self.busy.q.val() && self.rise.val() && (self.bitn.q.val() > self.hdr_last.val()) {
            self.shift_in.d.next = self.shift_in.q.val() << 1;
            if self.in_sync.q.val() {
                self.shift_in.d.next = (self.shift_in.q.val() << 1) | self.one16.val();
            }
        }

        // ---- the sequencer: wait, scan, poll
        if self.step_q.q.val() == self.s_wait.val() {
            self.wait_q.d.next = self.wait_q.q.val() + self.wait_one.val();
            if self.wait_q.q.val() == self.wait_last.val() {
                self.wait_q.d.next = self.wait_zero.val();
                self.step_q.d.next = self.s_id1.val();
            }
        } else if self.step_q.q.val() == self.s_gap.val() {
            if self.poll.val() {
                self.step_q.d.next = self.s_bmsr.val();
            }
        } else if !self.busy.q.val() && self.fall.val() {
            // Start a frame at a falling edge: bit 0 of the preamble goes out now.
            self.busy.d.next = true;
            self.bitn.d.next = self.zero6.val();
            self.out_q.d.next = true;
            self.oe_q.d.next = true;
        }
        if self.done.val() {
            if self.step_q.q.val() == self.s_id1.val() {
                if (self.shift_in.q.val() != self.ones16.val())
                    && (self.shift_in.q.val() != self.zero16.val())
                {
                    self.found_q.d.next = true;
                    self.id1_q.d.next = self.shift_in.q.val();
                    self.step_q.d.next = self.s_id2.val();
                } else {
                    self.addr_q.d.next = self.addr_q.q.val() + self.one5.val();
                }
            } else if self.step_q.q.val() == self.s_id2.val() {
                self.id2_q.d.next = self.shift_in.q.val();
                self.step_q.d.next = self.s_bmsr.val();
            } else if self.step_q.q.val() == self.s_bmsr.val() {
                self.bmsr_q.d.next = self.shift_in.q.val();
                self.step_q.d.next = self.s_physts.val();
            } else {
                self.physts_q.d.next = self.shift_in.q.val();
                self.polls_q.d.next = self.polls_q.q.val() + self.one16.val();
                self.step_q.d.next = self.s_gap.val();
            }
        }

        // ---- reset last: it wins
        if self.reset.val() {
            self.step_q.d.next = self.s_wait.val();
            self.wait_q.d.next = self.wait_zero.val();
            self.busy.d.next = false;
            self.oe_q.d.next = false;
            self.out_q.d.next = true;
            self.addr_q.d.next = self.first_addr.val();
            self.found_q.d.next = false;
            self.id1_q.d.next = self.zero16.val();
            self.id2_q.d.next = self.zero16.val();
            self.bmsr_q.d.next = self.zero16.val();
            self.physts_q.d.next = self.zero16.val();
            self.polls_q.d.next = self.zero16.val();
        }
    }
}

/// A connected instance (the generated top).
pub fn connected() -> MdioMaster {
    let mut u = MdioMaster::default();
    u.clock.connect();
    u.reset.connect();
    u.mdio_i.connect();
    u.poll.connect();
    u.connect_all();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdio_master_is_synthesizable() {
        yosys_validate("synscope_mdio", &generate_verilog(&connected())).unwrap();
    }

    #[test]
    fn header_is_st_op_addr_reg_ta_msb_first() {
        let h = ReadHeader {
            ta: 0b11.into(),
            regad: 0x10.into(),
            addr: 1.into(),
            op: 0b10.into(),
            st: 0b01.into(),
        };
        let w: Bits<16> = h.into();
        // 01 10 00001 10000 11
        assert_eq!(w.to_u64(), 0b0110_0000_1100_0011);
    }
}
