//! TCP control bits and the flag classes the state machine is driven by.
//!
//! All nine control bits of RFC 9293 §3.1 (plus AE, RFC 3168 / the accurate-ECN draft, in the
//! reserved bit just above CWR) are carried as one 9-bit value, bit 0 = FIN, in the same order as
//! on the wire (the low byte is TCP header byte 13, AE is bit 0 of byte 12).
//!
//! Classification follows the shape of Linux `nf_conntrack_proto_tcp.c`: a table of the valid
//! combinations of FIN/SYN/RST/ACK/URG (PSH, ECE, CWR and AE never matter to validity), then a
//! priority encoder RST > SYN/SYN-ACK > FIN > ACK. Invalid combinations are counted and never move
//! a state.

use core::fmt;

/// The nine TCP control bits, bit 0 = FIN … bit 8 = AE.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    pub const FIN: u16 = 1 << 0;
    pub const SYN: u16 = 1 << 1;
    pub const RST: u16 = 1 << 2;
    pub const PSH: u16 = 1 << 3;
    pub const ACK: u16 = 1 << 4;
    pub const URG: u16 = 1 << 5;
    pub const ECE: u16 = 1 << 6;
    pub const CWR: u16 = 1 << 7;
    pub const AE: u16 = 1 << 8;
    /// Width of the flag field in bits (hardware and wire protocol use this).
    pub const BITS: usize = 9;
    pub const MASK: u16 = (1 << Self::BITS) - 1;

    /// Names in bit order, as printed in every output.
    pub const NAMES: [&'static str; Self::BITS] =
        ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

    pub const fn new(bits: u16) -> Self {
        TcpFlags(bits & Self::MASK)
    }

    /// From TCP header bytes 12 (data offset / reserved / AE) and 13 (CWR … FIN).
    pub const fn from_header_bytes(byte12: u8, byte13: u8) -> Self {
        TcpFlags(((byte12 as u16 & 1) << 8) | byte13 as u16)
    }

    pub const fn bits(self) -> u16 {
        self.0
    }

    pub const fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    pub const fn fin(self) -> bool {
        self.has(Self::FIN)
    }
    pub const fn syn(self) -> bool {
        self.has(Self::SYN)
    }
    pub const fn rst(self) -> bool {
        self.has(Self::RST)
    }
    pub const fn ack(self) -> bool {
        self.has(Self::ACK)
    }

    /// Iterate over the names of the bits that are set.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        (0..Self::BITS)
            .filter(move |i| self.0 & (1 << i) != 0)
            .map(|i| Self::NAMES[i])
    }

    /// The class of this flag combination (see [`FlagClass`]).
    pub const fn class(self) -> FlagClass {
        classify(self)
    }
}

impl fmt::Debug for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("none");
        }
        for (i, n) in self.names().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(n)?;
        }
        Ok(())
    }
}

crate::coded_enum! {
    /// What a segment means to the connection state machine.
    ///
    /// Encoded in 3 bits; the encoding is shared with the hardware.
    pub enum FlagClass {
        /// SYN without ACK: an active open (RFC 9293 §3.5).
        Syn => "syn",
        /// SYN with ACK: the answer to a SYN.
        SynAck => "synack",
        /// FIN with ACK: the sender has no more data (RFC 9293 §3.6).
        Fin => "fin",
        /// ACK without SYN/FIN/RST: data, acknowledgements, window updates, keep-alives.
        Ack => "ack",
        /// RST, with or without ACK (RFC 9293 §3.5.2, RFC 5961 §3).
        Rst => "rst",
        /// A combination no conforming stack sends (SYN+FIN, no flags, FIN without ACK, …).
        Invalid => "invalid",
    }
}

impl FlagClass {
    /// Classes that index the transition tables (everything but `Invalid` and `Rst`).
    pub const TABLE_CLASSES: usize = 4;
    pub const BITS: usize = 3;
}

/// Index into [`VALID_COMBINATIONS`]: FIN SYN RST ACK URG packed into 5 bits, in that order.
/// PSH, ECE, CWR and AE are masked off, as in `tcp_valid_flags[]` of nf_conntrack.
pub const fn validity_index(flags: TcpFlags) -> usize {
    let b = flags.0;
    ((b & 0x7) | ((b >> 1) & 0x18)) as usize
}

const V_FIN: usize = 1;
const V_SYN: usize = 2;
const V_RST: usize = 4;
const V_ACK: usize = 8;
const V_URG: usize = 16;

/// The 9 valid combinations of FIN/SYN/RST/ACK/URG out of 32 (Linux `tcp_valid_flags[]`).
/// A bare FIN, SYN+FIN, SYN+RST, RST+FIN and "no flags" are all invalid.
pub const VALID_COMBINATIONS: [bool; 32] = {
    let mut t = [false; 32];
    t[V_SYN] = true;
    t[V_SYN | V_URG] = true;
    t[V_SYN | V_ACK] = true;
    t[V_RST] = true;
    t[V_RST | V_ACK] = true;
    t[V_FIN | V_ACK] = true;
    t[V_FIN | V_ACK | V_URG] = true;
    t[V_ACK] = true;
    t[V_ACK | V_URG] = true;
    t
};

/// Validity check, then the priority encoder RST > SYN(-ACK) > FIN > ACK.
pub const fn classify(flags: TcpFlags) -> FlagClass {
    if !VALID_COMBINATIONS[validity_index(flags)] {
        FlagClass::Invalid
    } else if flags.rst() {
        FlagClass::Rst
    } else if flags.syn() {
        if flags.ack() {
            FlagClass::SynAck
        } else {
            FlagClass::Syn
        }
    } else if flags.fin() {
        FlagClass::Fin
    } else {
        FlagClass::Ack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_of_thirty_two_combinations_are_valid() {
        assert_eq!(VALID_COMBINATIONS.iter().filter(|v| **v).count(), 9);
    }

    #[test]
    fn psh_ece_cwr_ae_never_change_the_class() {
        for b in 0..=TcpFlags::MASK {
            let f = TcpFlags::new(b);
            let stripped =
                TcpFlags::new(b & !(TcpFlags::PSH | TcpFlags::ECE | TcpFlags::CWR | TcpFlags::AE));
            assert_eq!(f.class(), stripped.class(), "{f}");
        }
    }

    #[test]
    fn classes_of_common_segments() {
        use TcpFlags as F;
        let c = |b| TcpFlags::new(b).class();
        assert_eq!(c(F::SYN), FlagClass::Syn);
        assert_eq!(c(F::SYN | F::ECE | F::CWR), FlagClass::Syn);
        assert_eq!(c(F::SYN | F::ACK), FlagClass::SynAck);
        assert_eq!(c(F::FIN | F::ACK | F::PSH), FlagClass::Fin);
        assert_eq!(c(F::ACK | F::PSH | F::URG), FlagClass::Ack);
        assert_eq!(c(F::RST | F::ACK), FlagClass::Rst);
        assert_eq!(c(F::RST), FlagClass::Rst);
        assert_eq!(c(0), FlagClass::Invalid);
        assert_eq!(c(F::FIN), FlagClass::Invalid);
        assert_eq!(c(F::SYN | F::FIN), FlagClass::Invalid);
        assert_eq!(c(F::SYN | F::RST), FlagClass::Invalid);
        assert_eq!(c(F::FIN | F::PSH | F::URG), FlagClass::Invalid);
        assert_eq!(c(F::RST | F::FIN | F::ACK), FlagClass::Invalid);
    }

    #[test]
    fn display_names_bits_in_order() {
        let f = TcpFlags::new(TcpFlags::SYN | TcpFlags::ACK | TcpFlags::AE);
        assert_eq!(f.to_string(), "SYN|ACK|AE");
        assert_eq!(TcpFlags::from_header_bytes(0x51, 0x12), f);
    }
}
