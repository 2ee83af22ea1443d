//! `front_counters`: the front end's counters (`frames`, `processed`, one per drop reason:
//! design.md `rx = processed + Σ drops`), counted per frame the parser finishes and read by the
//! command engine at indices `0..=17` beside the core's bank.

use crate::conn::counter_bank::{COUNTER_BITS, COUNTER_INDEX_BITS};
use rust_hdl::prelude::*;
use synscope_model::{Counter, DropReason};

/// The front-end counters as one word: the snapshot `READ_COUNTERS` reads (`Counter` order).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct FrontBank {
    pub frames: Bits<COUNTER_BITS>,
    pub processed: Bits<COUNTER_BITS>,
    pub drop_bad_fcs: Bits<COUNTER_BITS>,
    pub drop_rx_error: Bits<COUNTER_BITS>,
    pub drop_runt: Bits<COUNTER_BITS>,
    pub drop_oversize: Bits<COUNTER_BITS>,
    pub drop_not_ip: Bits<COUNTER_BITS>,
    pub drop_unsupported: Bits<COUNTER_BITS>,
    pub drop_bad_ip_header: Bits<COUNTER_BITS>,
    pub drop_bad_ip_checksum: Bits<COUNTER_BITS>,
    pub drop_ip_fragment: Bits<COUNTER_BITS>,
    pub drop_not_tcp: Bits<COUNTER_BITS>,
    pub drop_bad_tcp_header: Bits<COUNTER_BITS>,
    pub drop_fifo_overflow: Bits<COUNTER_BITS>,
}

/// The model's front-end counters, `Counter::Frames ..= Counter::DropFifoOverflow`, counted per
/// frame the parser finishes; read like the core's (`index` → `value` one edge later, from a
/// snapshot that follows the counters one edge behind while not `frozen`). `snap` copies all
/// of them at one clock edge — the same edge the core's bank is copied at — and `frozen` holds
/// the copy: `frames = processed + Σ drops` holds in every
/// `READ_COUNTERS` answer, whatever the traffic (issue 14; docs/protocol.md).
#[derive(LogicBlock)]
pub struct FrontCounters {
    pub clock: Signal<In, Clock>,
    /// Synchronous: clears the counters (with the core's, by `CLEAR_COUNTERS`).
    pub reset: Signal<In, Bit>,
    /// A frame was finished: processed, or dropped for `reason`.
    pub done: Signal<In, Bit>,
    pub dropped: Signal<In, Bit>,
    pub reason: Signal<In, Bits<{ DropReason::BITS }>>,
    pub index: Signal<In, Bits<COUNTER_INDEX_BITS>>,
    /// Copy every counter into the snapshot at this edge.
    pub snap: Signal<In, Bit>,
    /// Hold the snapshot (else it follows the live counters one edge behind).
    pub frozen: Signal<In, Bit>,
    pub value: Signal<Out, Bits<COUNTER_BITS>>,
    /// `index` names one of these counters (registered with `value`).
    pub selected: Signal<Out, Bit>,
    live: Signal<Local, FrontBank>,
    view: Signal<Local, FrontBank>,
    snapshot: DFF<FrontBank>,
    frames: DFF<Bits<COUNTER_BITS>>,
    processed: DFF<Bits<COUNTER_BITS>>,
    drop_bad_fcs: DFF<Bits<COUNTER_BITS>>,
    drop_rx_error: DFF<Bits<COUNTER_BITS>>,
    drop_runt: DFF<Bits<COUNTER_BITS>>,
    drop_oversize: DFF<Bits<COUNTER_BITS>>,
    drop_not_ip: DFF<Bits<COUNTER_BITS>>,
    drop_unsupported: DFF<Bits<COUNTER_BITS>>,
    drop_bad_ip_header: DFF<Bits<COUNTER_BITS>>,
    drop_bad_ip_checksum: DFF<Bits<COUNTER_BITS>>,
    drop_ip_fragment: DFF<Bits<COUNTER_BITS>>,
    drop_not_tcp: DFF<Bits<COUNTER_BITS>>,
    drop_bad_tcp_header: DFF<Bits<COUNTER_BITS>>,
    drop_fifo_overflow: DFF<Bits<COUNTER_BITS>>,
    drop_ipsec: DFF<Bits<COUNTER_BITS>>,
    drop_no_next_header: DFF<Bits<COUNTER_BITS>>,
    drop_ext_header_limit: DFF<Bits<COUNTER_BITS>>,
    value_q: DFF<Bits<COUNTER_BITS>>,
    selected_q: DFF<Bit>,
    one: Constant<Bits<COUNTER_BITS>>,
    zero: Constant<Bits<COUNTER_BITS>>,
    front_last: Constant<Bits<COUNTER_INDEX_BITS>>,
    r0: Constant<Bits<4>>,
    r1: Constant<Bits<4>>,
    r2: Constant<Bits<4>>,
    r3: Constant<Bits<4>>,
    r4: Constant<Bits<4>>,
    r5: Constant<Bits<4>>,
    r6: Constant<Bits<4>>,
    r7: Constant<Bits<4>>,
    r8: Constant<Bits<4>>,
    r9: Constant<Bits<4>>,
    r10: Constant<Bits<4>>,
    r11: Constant<Bits<4>>,
    r12: Constant<Bits<4>>,
    r13: Constant<Bits<4>>,
    r14: Constant<Bits<4>>,
    i0: Constant<Bits<COUNTER_INDEX_BITS>>,
    i1: Constant<Bits<COUNTER_INDEX_BITS>>,
    i2: Constant<Bits<COUNTER_INDEX_BITS>>,
    i3: Constant<Bits<COUNTER_INDEX_BITS>>,
    i4: Constant<Bits<COUNTER_INDEX_BITS>>,
    i5: Constant<Bits<COUNTER_INDEX_BITS>>,
    i6: Constant<Bits<COUNTER_INDEX_BITS>>,
    i7: Constant<Bits<COUNTER_INDEX_BITS>>,
    i8: Constant<Bits<COUNTER_INDEX_BITS>>,
    i9: Constant<Bits<COUNTER_INDEX_BITS>>,
    i10: Constant<Bits<COUNTER_INDEX_BITS>>,
    i11: Constant<Bits<COUNTER_INDEX_BITS>>,
    i12: Constant<Bits<COUNTER_INDEX_BITS>>,
    i13: Constant<Bits<COUNTER_INDEX_BITS>>,
    i14: Constant<Bits<COUNTER_INDEX_BITS>>,
    i15: Constant<Bits<COUNTER_INDEX_BITS>>,
    i16: Constant<Bits<COUNTER_INDEX_BITS>>,
}

// The front end's counters are the first ones, the drops in `DropReason` order; the last,
// `drop_snap_truncated`, is for capture files only (a receiver has the whole frame): it reads 0.
const _: () = assert!(Counter::DropFifoOverflow as usize == 13 && Counter::Frames as usize == 0);
const _: () = assert!(Counter::DropExtHeaderLimit as usize == 16);
const _: () = assert!(Counter::DropSnapTruncated as usize == 17);

impl Default for FrontCounters {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            done: Default::default(),
            dropped: Default::default(),
            reason: Default::default(),
            index: Default::default(),
            snap: Default::default(),
            frozen: Default::default(),
            value: Default::default(),
            selected: Default::default(),
            live: Default::default(),
            view: Default::default(),
            snapshot: Default::default(),
            frames: Default::default(),
            processed: Default::default(),
            drop_bad_fcs: Default::default(),
            drop_rx_error: Default::default(),
            drop_runt: Default::default(),
            drop_oversize: Default::default(),
            drop_not_ip: Default::default(),
            drop_unsupported: Default::default(),
            drop_bad_ip_header: Default::default(),
            drop_bad_ip_checksum: Default::default(),
            drop_ip_fragment: Default::default(),
            drop_not_tcp: Default::default(),
            drop_bad_tcp_header: Default::default(),
            drop_fifo_overflow: Default::default(),
            drop_ipsec: Default::default(),
            drop_no_next_header: Default::default(),
            drop_ext_header_limit: Default::default(),
            value_q: Default::default(),
            selected_q: Default::default(),
            one: Constant::new(Bits::from(1u64)),
            zero: Constant::new(Bits::from(0u64)),
            front_last: Constant::new(Bits::from(Counter::DropSnapTruncated as u64)),
            r0: Constant::new(Bits::from(DropReason::ALL[0] as u64)),
            r1: Constant::new(Bits::from(DropReason::ALL[1] as u64)),
            r2: Constant::new(Bits::from(DropReason::ALL[2] as u64)),
            r3: Constant::new(Bits::from(DropReason::ALL[3] as u64)),
            r4: Constant::new(Bits::from(DropReason::ALL[4] as u64)),
            r5: Constant::new(Bits::from(DropReason::ALL[5] as u64)),
            r6: Constant::new(Bits::from(DropReason::ALL[6] as u64)),
            r7: Constant::new(Bits::from(DropReason::ALL[7] as u64)),
            r8: Constant::new(Bits::from(DropReason::ALL[8] as u64)),
            r9: Constant::new(Bits::from(DropReason::ALL[9] as u64)),
            r10: Constant::new(Bits::from(DropReason::ALL[10] as u64)),
            r11: Constant::new(Bits::from(DropReason::ALL[11] as u64)),
            r12: Constant::new(Bits::from(DropReason::ALL[12] as u64)),
            r13: Constant::new(Bits::from(DropReason::ALL[13] as u64)),
            r14: Constant::new(Bits::from(DropReason::ALL[14] as u64)),
            i0: Constant::new(Bits::from(Counter::Frames as u64)),
            i1: Constant::new(Bits::from(Counter::Processed as u64)),
            i2: Constant::new(Bits::from(Counter::DropBadFcs as u64)),
            i3: Constant::new(Bits::from(Counter::DropRxError as u64)),
            i4: Constant::new(Bits::from(Counter::DropRunt as u64)),
            i5: Constant::new(Bits::from(Counter::DropOversize as u64)),
            i6: Constant::new(Bits::from(Counter::DropNotIp as u64)),
            i7: Constant::new(Bits::from(Counter::DropUnsupported as u64)),
            i8: Constant::new(Bits::from(Counter::DropBadIpHeader as u64)),
            i9: Constant::new(Bits::from(Counter::DropBadIpChecksum as u64)),
            i10: Constant::new(Bits::from(Counter::DropIpFragment as u64)),
            i11: Constant::new(Bits::from(Counter::DropNotTcp as u64)),
            i12: Constant::new(Bits::from(Counter::DropBadTcpHeader as u64)),
            i13: Constant::new(Bits::from(Counter::DropFifoOverflow as u64)),
            i14: Constant::new(Bits::from(Counter::DropIpsec as u64)),
            i15: Constant::new(Bits::from(Counter::DropNoNextHeader as u64)),
            i16: Constant::new(Bits::from(Counter::DropExtHeaderLimit as u64)),
        }
    }
}

impl Logic for FrontCounters {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            frames,
            processed,
            drop_bad_fcs,
            drop_rx_error,
            drop_runt,
            drop_oversize,
            drop_not_ip,
            drop_unsupported,
            drop_bad_ip_header,
            drop_bad_ip_checksum,
            drop_ip_fragment,
            drop_not_tcp,
            drop_bad_tcp_header,
            drop_fifo_overflow,
            drop_ipsec,
            drop_no_next_header,
            drop_ext_header_limit,
            value_q,
            selected_q,
            snapshot
        );
        if self.done.val() {
            self.frames.d.next = self.frames.q.val() + self.one.val();
            if !self.dropped.val() {
                self.processed.d.next = self.processed.q.val() + self.one.val();
            }
        }
        if self.done.val() && self.dropped.val() {
            if self.reason.val() == self.r0.val() {
                self.drop_bad_fcs.d.next = self.drop_bad_fcs.q.val() + self.one.val();
            }
            if self.reason.val() == self.r1.val() {
                self.drop_rx_error.d.next = self.drop_rx_error.q.val() + self.one.val();
            }
            if self.reason.val() == self.r2.val() {
                self.drop_runt.d.next = self.drop_runt.q.val() + self.one.val();
            }
            if self.reason.val() == self.r3.val() {
                self.drop_oversize.d.next = self.drop_oversize.q.val() + self.one.val();
            }
            if self.reason.val() == self.r4.val() {
                self.drop_not_ip.d.next = self.drop_not_ip.q.val() + self.one.val();
            }
            if self.reason.val() == self.r5.val() {
                self.drop_unsupported.d.next = self.drop_unsupported.q.val() + self.one.val();
            }
            if self.reason.val() == self.r6.val() {
                self.drop_bad_ip_header.d.next = self.drop_bad_ip_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r7.val() {
                self.drop_bad_ip_checksum.d.next =
                    self.drop_bad_ip_checksum.q.val() + self.one.val();
            }
            if self.reason.val() == self.r8.val() {
                self.drop_ip_fragment.d.next = self.drop_ip_fragment.q.val() + self.one.val();
            }
            if self.reason.val() == self.r9.val() {
                self.drop_not_tcp.d.next = self.drop_not_tcp.q.val() + self.one.val();
            }
            if self.reason.val() == self.r10.val() {
                self.drop_bad_tcp_header.d.next = self.drop_bad_tcp_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r11.val() {
                self.drop_fifo_overflow.d.next = self.drop_fifo_overflow.q.val() + self.one.val();
            }
            if self.reason.val() == self.r12.val() {
                self.drop_ipsec.d.next = self.drop_ipsec.q.val() + self.one.val();
            }
            if self.reason.val() == self.r13.val() {
                self.drop_no_next_header.d.next = self.drop_no_next_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r14.val() {
                self.drop_ext_header_limit.d.next =
                    self.drop_ext_header_limit.q.val() + self.one.val();
            }
        }
        if self.reset.val() {
            self.frames.d.next = self.zero.val();
            self.processed.d.next = self.zero.val();
            self.drop_bad_fcs.d.next = self.zero.val();
            self.drop_rx_error.d.next = self.zero.val();
            self.drop_runt.d.next = self.zero.val();
            self.drop_oversize.d.next = self.zero.val();
            self.drop_not_ip.d.next = self.zero.val();
            self.drop_unsupported.d.next = self.zero.val();
            self.drop_bad_ip_header.d.next = self.zero.val();
            self.drop_bad_ip_checksum.d.next = self.zero.val();
            self.drop_ip_fragment.d.next = self.zero.val();
            self.drop_not_tcp.d.next = self.zero.val();
            self.drop_bad_tcp_header.d.next = self.zero.val();
            self.drop_fifo_overflow.d.next = self.zero.val();
            self.drop_ipsec.d.next = self.zero.val();
            self.drop_no_next_header.d.next = self.zero.val();
            self.drop_ext_header_limit.d.next = self.zero.val();
        }
        // The live counters as one word; the snapshot copies it at `snap`.
        self.live.next.frames = self.frames.q.val();
        self.live.next.processed = self.processed.q.val();
        self.live.next.drop_bad_fcs = self.drop_bad_fcs.q.val();
        self.live.next.drop_rx_error = self.drop_rx_error.q.val();
        self.live.next.drop_runt = self.drop_runt.q.val();
        self.live.next.drop_oversize = self.drop_oversize.q.val();
        self.live.next.drop_not_ip = self.drop_not_ip.q.val();
        self.live.next.drop_unsupported = self.drop_unsupported.q.val();
        self.live.next.drop_bad_ip_header = self.drop_bad_ip_header.q.val();
        self.live.next.drop_bad_ip_checksum = self.drop_bad_ip_checksum.q.val();
        self.live.next.drop_ip_fragment = self.drop_ip_fragment.q.val();
        self.live.next.drop_not_tcp = self.drop_not_tcp.q.val();
        self.live.next.drop_bad_tcp_header = self.drop_bad_tcp_header.q.val();
        self.live.next.drop_fifo_overflow = self.drop_fifo_overflow.q.val();
        // The read port reads the snapshot alone: it follows the live counters one edge behind
        // while not frozen, and holds from the `snap` edge while frozen (one read source per
        // counter, as the core's bank: about 800 LUTs less than a live/snapshot mux).
        if self.snap.val() || !self.frozen.val() {
            self.snapshot.d.next = self.live.val();
        }
        self.view.next = self.snapshot.q.val();
        self.value_q.d.next = self.zero.val();
        if self.index.val() == self.i0.val() {
            self.value_q.d.next = self.view.val().frames;
        }
        if self.index.val() == self.i1.val() {
            self.value_q.d.next = self.view.val().processed;
        }
        if self.index.val() == self.i2.val() {
            self.value_q.d.next = self.view.val().drop_bad_fcs;
        }
        if self.index.val() == self.i3.val() {
            self.value_q.d.next = self.view.val().drop_rx_error;
        }
        if self.index.val() == self.i4.val() {
            self.value_q.d.next = self.view.val().drop_runt;
        }
        if self.index.val() == self.i5.val() {
            self.value_q.d.next = self.view.val().drop_oversize;
        }
        if self.index.val() == self.i6.val() {
            self.value_q.d.next = self.view.val().drop_not_ip;
        }
        if self.index.val() == self.i7.val() {
            self.value_q.d.next = self.view.val().drop_unsupported;
        }
        if self.index.val() == self.i8.val() {
            self.value_q.d.next = self.view.val().drop_bad_ip_header;
        }
        if self.index.val() == self.i9.val() {
            self.value_q.d.next = self.view.val().drop_bad_ip_checksum;
        }
        if self.index.val() == self.i10.val() {
            self.value_q.d.next = self.view.val().drop_ip_fragment;
        }
        if self.index.val() == self.i11.val() {
            self.value_q.d.next = self.view.val().drop_not_tcp;
        }
        if self.index.val() == self.i12.val() {
            self.value_q.d.next = self.view.val().drop_bad_tcp_header;
        }
        if self.index.val() == self.i13.val() {
            self.value_q.d.next = self.view.val().drop_fifo_overflow;
        }
        if self.index.val() == self.i14.val() {
            self.value_q.d.next = self.drop_ipsec.q.val();
        }
        if self.index.val() == self.i15.val() {
            self.value_q.d.next = self.drop_no_next_header.q.val();
        }
        if self.index.val() == self.i16.val() {
            self.value_q.d.next = self.drop_ext_header_limit.q.val();
        }
        self.selected_q.d.next = self.index.val() <= self.front_last.val();
        self.value.next = self.value_q.q.val();
        self.selected.next = self.selected_q.q.val();
    }
}
