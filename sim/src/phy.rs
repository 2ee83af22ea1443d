//! A model of the Arty's Ethernet PHY (TI DP83848J) on the simulated board's MDIO pins: it
//! answers clause 22 read frames (IEEE 802.3 22.2.4.5) addressed to it from a register file,
//! as the PHY would: it watches MDIO at each rising edge of MDC while the station drives it,
//! and after `PRE, ST 01, OP 10, PHYAD, REGAD` addressed to it drives the second turnaround bit
//! low and the register's 16 bits, MSB first, each changed just after a rising edge of MDC
//! (the master samples at the next one). Frames to other addresses, and writes, it ignores;
//! then nothing drives MDIO and the line's pull-up makes it read 1.
//!
//! The simulated board runs its cycles in batches inside the model's C++ shim
//! ([`crate::drive`]): a batch ends at each rising edge of MDC, where the board calls
//! [`PhyModel::mdc_rise`] with the station's MDIO driver as the edge left it, and the next batch
//! resolves the line every cycle from the station's driver and [`PhyModel::level`].

use synscope_model::protocol::phy::{
    BMSR_AN_COMPLETE, BMSR_LINK, PHYSTS_DUPLEX, PHYSTS_LINK, PHYSTS_SPEED_10,
};

/// DP83848J PHYIDR1 / PHYIDR2 (data sheet, "PHY Identifier Registers": OUI 080017h, model
/// 001001b, revision 0000b).
pub const DP83848_ID1: u16 = 0x2000;
pub const DP83848_ID2: u16 = 0x5c90;
/// BMSR of a 10/100 PHY with auto-negotiation (capabilities 0x7809, + bit 3 AN ability).
const BMSR_BASE: u16 = 0x7849;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Counting preamble ones.
    Idle,
    /// Taking the 14 bits after the preamble's last 1 (ST, OP, PHYAD, REGAD).
    Header { bits: u16, n: u8 },
    /// Driving: `n` more bit periods, `word` MSB first after the turnaround.
    Driving { word: u16, n: u8 },
}

/// The PHY on the MDIO bus.
pub struct PhyModel {
    /// Its address (the PHYAD straps; 1 on the Arty).
    pub addr: u8,
    /// Registers 0..31.
    pub regs: [u16; 32],
    ones: u32,
    phase: Phase,
    /// What the PHY drives for the current bit period (`None`: released).
    out: Option<bool>,
    /// Read frames answered.
    pub reads: u64,
}

impl PhyModel {
    /// A DP83848J at `addr` with a 100 Mb/s full-duplex link up.
    pub fn new(addr: u8) -> PhyModel {
        let mut p = PhyModel {
            addr,
            regs: [0; 32],
            ones: 0,
            phase: Phase::Idle,
            out: None,
            reads: 0,
        };
        p.regs[2] = DP83848_ID1;
        p.regs[3] = DP83848_ID2;
        p.set_link(Some((100, true)));
        p
    }

    /// Link up at `(speed Mb/s, full duplex)`, or down.
    pub fn set_link(&mut self, link: Option<(u32, bool)>) {
        let mut bmsr = BMSR_BASE;
        let mut physts = 0u16;
        if let Some((speed, fd)) = link {
            bmsr |= BMSR_LINK | BMSR_AN_COMPLETE;
            physts |= PHYSTS_LINK | (1 << 4);
            if speed == 10 {
                physts |= PHYSTS_SPEED_10;
            }
            if fd {
                physts |= PHYSTS_DUPLEX;
            }
        }
        self.regs[1] = bmsr;
        self.regs[0x10] = physts;
    }

    /// The level the PHY's side puts on MDIO: its driver's, else the pull-up's (1).
    pub fn level(&self) -> bool {
        self.out.unwrap_or(true)
    }

    /// The MDIO level (the station's driver, else the PHY's, else the pull-up) given the
    /// station's `mdio_oe`/`mdio_o`.
    pub fn line(&self, station_oe: bool, station_o: bool) -> bool {
        if station_oe {
            station_o
        } else {
            self.level()
        }
    }

    /// A rising edge of MDC, with the station's pins as they are at it: the PHY samples the
    /// line, and sets what it drives for the next bit period.
    pub fn mdc_rise(&mut self, station_oe: bool, station_o: bool) {
        let bit = self.line(station_oe, station_o);
        self.phase = match self.phase {
            Phase::Idle => {
                if bit {
                    self.ones = self.ones.saturating_add(1);
                    Phase::Idle
                } else if self.ones >= 32 {
                    // ST's first bit (0) right after a full preamble.
                    Phase::Header { bits: 0, n: 1 }
                } else {
                    self.ones = 0;
                    Phase::Idle
                }
            }
            Phase::Header { bits, n } => {
                let bits = (bits << 1) | u16::from(bit);
                if n + 1 < 14 {
                    Phase::Header { bits, n: n + 1 }
                } else {
                    self.ones = 0;
                    // bits: ST(2) OP(2) PHYAD(5) REGAD(5), ST's leading 0 included.
                    let st = bits >> 12;
                    let op = (bits >> 10) & 3;
                    let phyad = ((bits >> 5) & 31) as u8;
                    let regad = (bits & 31) as usize;
                    if st == 0b01 && op == 0b10 && phyad == self.addr {
                        self.reads += 1;
                        // First turnaround bit released, then 0, then 16 data bits.
                        Phase::Driving {
                            word: self.regs[regad],
                            n: 18,
                        }
                    } else {
                        Phase::Idle
                    }
                }
            }
            Phase::Driving { word, n } => {
                // `n` counts the periods left, this edge starts the next one.
                let left = n - 1;
                Phase::Driving { word, n: left }
            }
        };
        self.out = match self.phase {
            Phase::Driving { n: 18, .. } => None,
            Phase::Driving { n: 17, .. } => Some(false),
            Phase::Driving { word, n } if n >= 1 => Some(word >> (n - 1) & 1 != 0),
            _ => None,
        };
        if let Phase::Driving { n: 0, .. } = self.phase {
            self.phase = Phase::Idle;
            self.out = None;
        }
    }
}
