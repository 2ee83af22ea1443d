//! Every counter synscope keeps, named once. The hardware's counter bank, the wire protocol's
//! counter read-out and every output use this list and its order.

use crate::drop::DropReason;
use crate::flags::{FlagClass, TcpFlags};

crate::coded_enum! {
    /// One counter. The discriminant is its index in the counter bank.
    pub enum Counter {
        /// Frames offered to the front end (`frames = processed + Σ drop_*`).
        Frames => "frames",
        /// Frames that became a segment descriptor.
        Processed => "processed",
        DropBadFcs => "drop_bad_fcs",
        DropRxError => "drop_rx_error",
        DropRunt => "drop_runt",
        DropOversize => "drop_oversize",
        DropNotIp => "drop_not_ip",
        DropUnsupported => "drop_unsupported",
        DropBadIpHeader => "drop_bad_ip_header",
        DropBadIpChecksum => "drop_bad_ip_checksum",
        DropIpFragment => "drop_ip_fragment",
        DropNotTcp => "drop_not_tcp",
        DropBadTcpHeader => "drop_bad_tcp_header",
        DropFifoOverflow => "drop_fifo_overflow",
        DropIpsec => "drop_ipsec",
        DropNoNextHeader => "drop_no_next_header",
        DropExtHeaderLimit => "drop_ext_header_limit",
        DropSnapTruncated => "drop_snap_truncated",
        /// Segments carrying each control bit (RFC 9293 §3.1, RFC 3168).
        FlagFin => "flag_fin",
        FlagSyn => "flag_syn",
        FlagRst => "flag_rst",
        FlagPsh => "flag_psh",
        FlagAck => "flag_ack",
        FlagUrg => "flag_urg",
        FlagEce => "flag_ece",
        FlagCwr => "flag_cwr",
        FlagAe => "flag_ae",
        /// Segments per flag class.
        ClassSyn => "class_syn",
        ClassSynAck => "class_synack",
        ClassFin => "class_fin",
        ClassAck => "class_ack",
        ClassRst => "class_rst",
        /// Invalid flag combinations: counted, no state change.
        ClassInvalid => "class_invalid",
        /// RST whose sequence number is exactly RCV.NXT (RFC 5961 §3.2): accepted.
        RstExact => "rst_exact",
        /// RST inside the receive window but not exact: challenge ACK, no state change.
        RstInWindow => "rst_in_window",
        /// RST outside the window (or with an unacceptable ACK in SYN_SENT): ignored.
        RstOutOfWindow => "rst_out_of_window",
        /// RST on a picked-up connection whose sequence space is not known yet: accepted.
        RstUnverified => "rst_unverified",
        /// SYN on a synchronized connection (RFC 5961 §4): challenge ACK, no state change.
        SynInSync => "syn_in_sync",
        /// Segments beyond their receiver's window (RFC 9293 §3.10.7.4 first check): dropped.
        SegOutOfWindow => "seg_out_of_window",
        /// Segments wholly before their receiver's window (first check): old duplicates,
        /// keep-alives; acknowledged and dropped.
        SegOld => "seg_old",
        /// Segments acknowledging data never sent, or not the SYN in a handshake (fifth check):
        /// dropped.
        SegBadAck => "seg_bad_ack",
        /// SYNs to TIME_WAIT that are not a new incarnation (RFC 6191): TIME_WAIT stays.
        TimeWaitSynRefused => "tw_syn_refused",
        /// FINs beyond a hole, held until it fills (eighth check).
        FinHeld => "fin_held",
        /// Data a closed window did not take (zero-window probes).
        WindowProbes => "window_probes",
        /// Handshake segments the wire shows were not taken (a SYN re-sent after the SYN-ACK, a
        /// SYN-ACK re-sent after the ACK, SYNs never answered).
        HandshakeLost => "handshake_lost",
        /// A SYN reusing the 4-tuple of a finished connection (TIME_WAIT/CLOSED): new incarnation.
        Reincarnations => "reincarnations",
        /// Connections first seen mid-stream (no SYN): roles inferred.
        PickedUp => "picked_up",
        /// Segments that match no connection and cannot open one (a RST with no entry).
        Untracked => "untracked",
        /// Table entries created.
        Created => "created",
        /// Endpoint state changes.
        StateChanges => "state_changes",
        /// Entries removed by their timeout (aging).
        Expired => "expired",
        /// Entries evicted to make room for a new connection (closing and half-open first).
        Evicted => "evicted",
        /// New connections refused because every way of their bucket held a live connection.
        TableFull => "table_full",
        /// Events lost because the event queue was full (hardware).
        EventsDropped => "events_dropped",
    }
}

impl Counter {
    pub const fn drop(reason: DropReason) -> Counter {
        match reason {
            DropReason::BadFcs => Counter::DropBadFcs,
            DropReason::RxError => Counter::DropRxError,
            DropReason::Runt => Counter::DropRunt,
            DropReason::Oversize => Counter::DropOversize,
            DropReason::NotIp => Counter::DropNotIp,
            DropReason::Unsupported => Counter::DropUnsupported,
            DropReason::BadIpHeader => Counter::DropBadIpHeader,
            DropReason::BadIpChecksum => Counter::DropBadIpChecksum,
            DropReason::IpFragment => Counter::DropIpFragment,
            DropReason::NotTcp => Counter::DropNotTcp,
            DropReason::BadTcpHeader => Counter::DropBadTcpHeader,
            DropReason::FifoOverflow => Counter::DropFifoOverflow,
            DropReason::Ipsec => Counter::DropIpsec,
            DropReason::NoNextHeader => Counter::DropNoNextHeader,
            DropReason::ExtHeaderLimit => Counter::DropExtHeaderLimit,
            DropReason::SnapTruncated => Counter::DropSnapTruncated,
        }
    }

    /// The counter of flag bit `bit` (0 = FIN … 8 = AE).
    pub const fn flag(bit: usize) -> Counter {
        Counter::ALL[Counter::FlagFin as usize + bit]
    }

    pub const fn class(class: FlagClass) -> Counter {
        Counter::ALL[Counter::ClassSyn as usize + class as usize]
    }
}

/// The counter bank.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Counters {
    values: [u64; Counter::COUNT],
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            values: [0; Counter::COUNT],
        }
    }
}

impl Counters {
    pub fn get(&self, c: Counter) -> u64 {
        self.values[c as usize]
    }

    pub fn add(&mut self, c: Counter, n: u64) {
        self.values[c as usize] += n;
    }

    pub fn inc(&mut self, c: Counter) {
        self.add(c, 1);
    }

    /// Count the control bits and the class of one segment.
    pub fn count_flags(&mut self, flags: TcpFlags, class: FlagClass) {
        let mut b = flags.bits();
        while b != 0 {
            let bit = b.trailing_zeros() as usize;
            self.inc(Counter::flag(bit));
            b &= b - 1;
        }
        self.inc(Counter::class(class));
    }

    /// Σ of every drop counter.
    pub fn dropped(&self) -> u64 {
        DropReason::ALL
            .iter()
            .map(|r| self.get(Counter::drop(*r)))
            .sum()
    }

    /// `(name, value)` for every counter, in bank order.
    pub fn iter(&self) -> impl Iterator<Item = (Counter, u64)> + '_ {
        Counter::ALL.iter().map(move |c| (*c, self.get(*c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_order_matches_the_enums() {
        for (i, c) in Counter::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
        for r in DropReason::ALL {
            assert!(Counter::drop(r).name().ends_with(r.name()));
        }
        for (i, n) in TcpFlags::NAMES.iter().enumerate() {
            assert_eq!(
                Counter::flag(i).name(),
                format!("flag_{}", n.to_lowercase())
            );
        }
        for c in FlagClass::ALL {
            assert_eq!(Counter::class(c).name(), format!("class_{}", c.name()));
        }
    }
}
