//! The eleven endpoint states of RFC 9293 §3.3.2, with the 4-bit encoding the hardware uses.

use core::fmt;
use core::str::FromStr;

crate::coded_enum! {
    /// The state of one TCP endpoint (RFC 9293 §3.3.2, Figure 5).
    ///
    /// The discriminant is the 4-bit hardware and wire encoding.
    #[derive(Default)]
    pub enum TcpState {
        /// No connection (or it no longer exists).
        #[default]
        Closed => "CLOSED",
        /// Waiting for a SYN (a server's passive open).
        Listen => "LISTEN",
        /// SYN sent, waiting for a matching SYN.
        SynSent => "SYN_SENT",
        /// SYN received (and a SYN sent), waiting for the acknowledgement of our SYN.
        SynReceived => "SYN_RECEIVED",
        /// Open: data flows both ways.
        Established => "ESTABLISHED",
        /// Our FIN sent, not yet acknowledged, no FIN from the peer yet.
        FinWait1 => "FIN_WAIT_1",
        /// Our FIN acknowledged, waiting for the peer's FIN.
        FinWait2 => "FIN_WAIT_2",
        /// Peer's FIN received, waiting for the local user to close.
        CloseWait => "CLOSE_WAIT",
        /// Both FINs sent and received (simultaneous close), ours not yet acknowledged.
        Closing => "CLOSING",
        /// Peer's FIN received, our FIN sent, waiting for its acknowledgement.
        LastAck => "LAST_ACK",
        /// Both FINs acknowledged; waiting 2MSL before the connection is gone.
        TimeWait => "TIME_WAIT",
    }
}

impl TcpState {
    pub const BITS: usize = 4;

    pub const fn bits(self) -> u8 {
        self as u8
    }

    /// RFC 9293 §3.3.2: "synchronized" states are ESTABLISHED and everything after it.
    pub const fn is_synchronized(self) -> bool {
        (self as u8) >= (TcpState::Established as u8)
    }

    /// The endpoint has sent its FIN (FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT).
    pub const fn fin_sent(self) -> bool {
        matches!(
            self,
            TcpState::FinWait1
                | TcpState::FinWait2
                | TcpState::Closing
                | TcpState::LastAck
                | TcpState::TimeWait
        )
    }

    /// CLOSED or TIME_WAIT: nothing more can happen on this endpoint but its 2MSL expiry.
    pub const fn is_finished(self) -> bool {
        matches!(self, TcpState::Closed | TcpState::TimeWait)
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a state name that is not one of the eleven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown TCP state name `{}`", self.0)
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for TcpState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TcpState::ALL
            .iter()
            .copied()
            .find(|st| st.name() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_and_names_round_trip() {
        for (i, s) in TcpState::ALL.iter().enumerate() {
            assert_eq!(s.bits() as usize, i);
            assert_eq!(TcpState::from_bits(i as u8), Some(*s));
            assert_eq!(s.name().parse::<TcpState>().unwrap(), *s);
        }
        assert_eq!(TcpState::from_bits(11), None);
        assert!("SYN-SENT".parse::<TcpState>().is_err());
    }

    #[test]
    fn synchronized_states_are_established_and_after() {
        let sync: Vec<_> = TcpState::ALL
            .iter()
            .filter(|s| s.is_synchronized())
            .collect();
        assert_eq!(sync.len(), 7);
        assert!(!TcpState::SynReceived.is_synchronized());
    }
}
