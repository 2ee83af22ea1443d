//! `READ_PHY` (docs/protocol.md): what the board's MDIO master last read from the Ethernet PHY,
//! and what it means. Registers: IEEE 802.3 clause 22 (BMSR, PHYIDR1/2) and the TI DP83848J's
//! PHY Status Register (PHYSTS, 0x10; the Arty's PHY), as the data sheet's register block
//! defines them.

use super::message::{put_uint, Reader};

/// BMSR (register 1) bit 2: link status (latching low: 0 if the link failed since the last read).
pub const BMSR_LINK: u16 = 1 << 2;
/// BMSR bit 5: auto-negotiation complete.
pub const BMSR_AN_COMPLETE: u16 = 1 << 5;
/// PHYSTS (DP83848 register 0x10) bit 0: valid link established.
pub const PHYSTS_LINK: u16 = 1 << 0;
/// PHYSTS bit 1: 10 Mb/s (0: 100 Mb/s).
pub const PHYSTS_SPEED_10: u16 = 1 << 1;
/// PHYSTS bit 2: full duplex.
pub const PHYSTS_DUPLEX: u16 = 1 << 2;
/// `status` bit 0: a PHY answered the address scan.
pub const STATUS_FOUND: u8 = 1;

/// The `READ_PHY` answer: status u8, address u8, PHYIDR1 u16, PHYIDR2 u16, BMSR u16, PHYSTS u16,
/// completed poll rounds u16 (wraps), little endian.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhyStatus {
    pub status: u8,
    pub addr: u8,
    pub id1: u16,
    pub id2: u16,
    pub bmsr: u16,
    pub physts: u16,
    pub polls: u16,
}

/// Bytes of the `READ_PHY` answer.
pub const PHY_STATUS_BYTES: usize = 12;

impl PhyStatus {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = vec![self.status, self.addr];
        for x in [self.id1, self.id2, self.bmsr, self.physts, self.polls] {
            put_uint(&mut v, x as u64, 2);
        }
        v
    }

    pub fn decode(p: &[u8]) -> Option<PhyStatus> {
        let mut r = Reader::new(p);
        Some(PhyStatus {
            status: r.u8()?,
            addr: r.u8()?,
            id1: r.u16()?,
            id2: r.u16()?,
            bmsr: r.u16()?,
            physts: r.u16()?,
            polls: r.u16()?,
        })
    }

    /// A PHY answered the scan and at least one poll round completed.
    pub fn known(&self) -> bool {
        self.status & STATUS_FOUND != 0 && self.polls != 0
    }

    /// The link is up (PHYSTS bit 0; BMSR's latching bit would report a past drop instead).
    pub fn link_up(&self) -> bool {
        self.known() && self.physts & PHYSTS_LINK != 0
    }

    /// 10 or 100, when the link is up.
    pub fn speed_mbps(&self) -> Option<u32> {
        self.link_up()
            .then_some(if self.physts & PHYSTS_SPEED_10 != 0 {
                10
            } else {
                100
            })
    }

    /// Full duplex, when the link is up.
    pub fn full_duplex(&self) -> Option<bool> {
        self.link_up().then_some(self.physts & PHYSTS_DUPLEX != 0)
    }

    /// Auto-negotiation complete (BMSR bit 5).
    pub fn autoneg_complete(&self) -> bool {
        self.known() && self.bmsr & BMSR_AN_COMPLETE != 0
    }

    /// The 32-bit PHY identifier (OUI bits and model; the DP83848J reads 0x2000_5C9x).
    pub fn phy_id(&self) -> u32 {
        (u32::from(self.id1) << 16) | u32::from(self.id2)
    }

    /// One line: "PHY 1 (id 0x20005c90): link up, 100 Mb/s full duplex" and the like.
    pub fn describe(&self) -> String {
        if self.status & STATUS_FOUND == 0 {
            return "no PHY answered on MDIO".into();
        }
        let head = format!("PHY {} (id {:#010x})", self.addr, self.phy_id());
        if self.polls == 0 {
            return format!("{head}: not read yet");
        }
        match (self.speed_mbps(), self.full_duplex()) {
            (Some(s), Some(fd)) => format!(
                "{head}: link up, {s} Mb/s {} duplex",
                if fd { "full" } else { "half" }
            ),
            _ => format!("{head}: link down"),
        }
    }

    /// The short form for a status line: "100M/full", "10M/half", "down", "no PHY", "?".
    pub fn short(&self) -> String {
        if self.status & STATUS_FOUND == 0 {
            return "no PHY".into();
        }
        match (self.speed_mbps(), self.full_duplex()) {
            (Some(s), Some(fd)) => format!("{s}M/{}", if fd { "full" } else { "half" }),
            _ if self.polls == 0 => "?".into(),
            _ => "down".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(physts: u16) -> PhyStatus {
        PhyStatus {
            status: STATUS_FOUND,
            addr: 1,
            id1: 0x2000,
            id2: 0x5c90,
            bmsr: BMSR_LINK | BMSR_AN_COMPLETE,
            physts,
            polls: 3,
        }
    }

    #[test]
    fn round_trips_and_short_payloads_fail() {
        let p = up(PHYSTS_LINK | PHYSTS_DUPLEX);
        let e = p.encode();
        assert_eq!(e.len(), PHY_STATUS_BYTES);
        assert_eq!(PhyStatus::decode(&e), Some(p));
        assert_eq!(PhyStatus::decode(&e[..PHY_STATUS_BYTES - 1]), None);
    }

    #[test]
    fn link_speed_duplex_from_physts() {
        let p = up(PHYSTS_LINK | PHYSTS_DUPLEX);
        assert_eq!((p.speed_mbps(), p.full_duplex()), (Some(100), Some(true)));
        assert_eq!(p.short(), "100M/full");
        let p = up(PHYSTS_LINK | PHYSTS_SPEED_10);
        assert_eq!((p.speed_mbps(), p.full_duplex()), (Some(10), Some(false)));
        assert_eq!(p.short(), "10M/half");
        let p = up(0);
        assert!(!p.link_up());
        assert_eq!(p.short(), "down");
        assert_eq!(p.describe(), "PHY 1 (id 0x20005c90): link down");
        assert_eq!(PhyStatus::default().short(), "no PHY");
        assert!(up(PHYSTS_LINK).autoneg_complete());
    }
}
