//! `desc_in`: stage S0 of the connection core (docs/core.md, "Pipeline"): the segment
//! descriptor registered as it comes in; its flags classified (`flag_decode`) and its key
//! ordered (`flow_key`); the core's time moved to the descriptor's if later
//! (`Tracker::advance_time`, modulo 2^32; the first descriptor after reset sets it); the
//! sums `segment_apply` needs that depend on the descriptor alone (SEG.SEQ + SEG.LEN,
//! SEG.SEQ + 1, SEG.SEQ + SEG.LEN + 1; RFC 9293 §3.4, SEG.LEN counting SYN and FIN); and the
//! hash's input word (`toeplitz_hash::input_word`). Everything here depends on the descriptor
//! alone, so it is done before the table is read.

use crate::conn::entry::{TIME_BITS, TOP_IP_BITS};
use crate::conn::flag_decode::FlagDecode;
use crate::conn::flow_key::{FlowKey, IP_BITS};
use crate::conn::segment_apply::Zext32;
use crate::conn::toeplitz_hash::{HashWord, HashWord4, INPUT_BITS};
use crate::ports::segment_desc::SegmentDescIn;
use rust_hdl::prelude::*;
use synscope_model::TcpFlags;

/// The registered input descriptor.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct RawDesc {
    pub v6: Bit,
    pub src_ip: Bits<IP_BITS>,
    pub dst_ip: Bits<IP_BITS>,
    pub src_port: Bits<16>,
    pub dst_port: Bits<16>,
    pub seq: Bits<32>,
    pub ack: Bits<32>,
    pub flags: Bits<9>,
    pub window: Bits<16>,
    pub wscale: Bits<4>,
    pub payload_len: Bits<16>,
    pub tsval: Bits<32>,
    pub ts_ok: Bit,
    pub seg_time: Bits<32>,
}

/// The decoded descriptor that travels beside the hash, with what depends on it alone
/// computed in S0 (segment_apply's descriptor-only inputs).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Desc {
    pub seq: Bits<32>,
    pub ack: Bits<32>,
    pub seq_end: Bits<32>,
    pub seq_plus1: Bits<32>,
    pub seq_end_plus1: Bits<32>,
    pub tsval: Bits<32>,
    pub ts_ok: Bit,
    pub flags: Bits<9>,
    pub flag_class: Bits<3>,
    pub window: Bits<16>,
    pub wscale: Bits<4>,
    pub payload_len: Bits<16>,
    pub v6: Bit,
    /// The key: each address's low 32 bits (what a head way holds), its top 96 (what an IPv6
    /// entry's continuation holds; 0 for IPv4), the ports.
    pub lo_ip: Bits<32>,
    pub lo_top: Bits<TOP_IP_BITS>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub hi_top: Bits<TOP_IP_BITS>,
    pub hi_port: Bits<16>,
    pub src_is_lo: Bit,
    pub now: Bits<TIME_BITS>,
}

/// S0: the descriptor in, decoded, with its key, time and hash input.
#[derive(LogicBlock)]
pub struct DescIn {
    pub clock: Signal<In, Clock>,
    /// Synchronous: forgets the time (the next descriptor sets it) and the descriptor held.
    pub reset: Signal<In, Bit>,
    /// The descriptor stream in.
    pub seg: SegmentDescIn,
    /// Registered (S0): a descriptor, decoded; the hash's input word for its key.
    pub valid: Signal<Out, Bit>,
    pub desc: Signal<Out, Desc>,
    pub hash_input: Signal<Out, Bits<INPUT_BITS>>,
    /// The core's time (the latest descriptor time seen, modulo 2^32).
    pub now: Signal<Out, Bits<32>>,
    decode: FlagDecode,
    key: FlowKey,
    s0_valid: DFF<Bit>,
    s0: DFF<RawDesc>,
    now_q: DFF<Bits<32>>,
    /// `now_q` holds a time seen (times compare modulo 2^32: the first one sets it).
    clock_set: DFF<Bit>,
    now_s0: Signal<Local, Bits<32>>,
    /// `seg_time − now_q`: its sign says whether the segment's time is later.
    time_ahead: Signal<Local, Bits<32>>,
    s0_len: Signal<Local, Zext32>,
    s0_sf: Signal<Local, Bits<32>>,
    s0_flags: Signal<Local, Bits<9>>,
    hash_word: Signal<Local, HashWord>,
    hash_word4: Signal<Local, HashWord4>,
    zero16d: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    two32: Constant<Bits<32>>,
    zero192: Constant<Bits<{ INPUT_BITS - 96 }>>,
    b_syn: Constant<Bits<4>>,
    b_fin: Constant<Bits<4>>,
}

impl Default for DescIn {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            seg: Default::default(),
            valid: Default::default(),
            desc: Default::default(),
            hash_input: Default::default(),
            now: Default::default(),
            decode: Default::default(),
            key: Default::default(),
            s0_valid: Default::default(),
            s0: Default::default(),
            now_q: Default::default(),
            clock_set: Default::default(),
            now_s0: Default::default(),
            time_ahead: Default::default(),
            s0_len: Default::default(),
            s0_sf: Default::default(),
            s0_flags: Default::default(),
            hash_word: Default::default(),
            hash_word4: Default::default(),
            zero16d: Constant::new(0u64.to_bits()),
            zero32: Constant::new(0u64.to_bits()),
            one32: Constant::new(1u64.to_bits()),
            two32: Constant::new(2u64.to_bits()),
            zero192: Constant::new(Default::default()),
            b_syn: Constant::new((TcpFlags::SYN.trailing_zeros() as u64).to_bits()),
            b_fin: Constant::new((TcpFlags::FIN.trailing_zeros() as u64).to_bits()),
        }
    }
}

impl Logic for DescIn {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s0_valid, s0, now_q, clock_set);
        self.s0_valid.d.next = self.seg.valid.val();
        self.s0.d.next.v6 = self.seg.v6.val();
        self.s0.d.next.src_ip = self.seg.src_ip.val();
        self.s0.d.next.dst_ip = self.seg.dst_ip.val();
        self.s0.d.next.src_port = self.seg.src_port.val();
        self.s0.d.next.dst_port = self.seg.dst_port.val();
        self.s0.d.next.seq = self.seg.seq.val();
        self.s0.d.next.ack = self.seg.ack.val();
        self.s0.d.next.flags = self.seg.flags.val();
        self.s0.d.next.window = self.seg.window.val();
        self.s0.d.next.wscale = self.seg.wscale.val();
        self.s0.d.next.payload_len = self.seg.payload_len.val();
        self.s0.d.next.tsval = self.seg.tsval.val();
        self.s0.d.next.ts_ok = self.seg.ts_ok.val();
        self.s0.d.next.seg_time = self.seg.seg_time.val();

        self.decode.flags.next = self.s0.q.val().flags;
        self.key.src_ip.next = self.s0.q.val().src_ip;
        self.key.src_port.next = self.s0.q.val().src_port;
        self.key.dst_ip.next = self.s0.q.val().dst_ip;
        self.key.dst_port.next = self.s0.q.val().dst_port;
        // `Tracker::advance_time`: the time moves to a later one (modulo 2^32); the first
        // descriptor after reset sets it.
        self.time_ahead.next = self.s0.q.val().seg_time - self.now_q.q.val();
        self.now_s0.next = self.now_q.q.val();
        if self.s0_valid.q.val()
            && (!self.clock_set.q.val()
                || (!self.time_ahead.val().get_bit(31)
                    && (self.time_ahead.val() != self.zero32.val())))
        {
            self.now_s0.next = self.s0.q.val().seg_time;
        }
        if self.s0_valid.q.val() {
            self.clock_set.d.next = true;
        }
        self.now_q.d.next = self.now_s0.val();
        self.desc.next.seq = self.s0.q.val().seq;
        self.desc.next.ack = self.s0.q.val().ack;
        // Descriptor-only sums for segment_apply: SEG.SEQ + payload + SYN + FIN, and the +1s.
        self.s0_len.next.lo = self.s0.q.val().payload_len;
        self.s0_len.next.hi = self.zero16d.val();
        // (A bit of a field is read through a signal: yosys takes no select of a select.)
        self.s0_flags.next = self.s0.q.val().flags;
        if self.s0_flags.val().get_bit(self.b_syn.val().index())
            && self.s0_flags.val().get_bit(self.b_fin.val().index())
        {
            self.s0_sf.next = self.two32.val();
        } else if self.s0_flags.val().get_bit(self.b_syn.val().index())
            || self.s0_flags.val().get_bit(self.b_fin.val().index())
        {
            self.s0_sf.next = self.one32.val();
        } else {
            self.s0_sf.next = self.zero32.val();
        }
        self.desc.next.seq_end =
            self.s0.q.val().seq + bit_cast::<32, 32>(self.s0_len.val().into()) + self.s0_sf.val();
        self.desc.next.seq_plus1 = self.s0.q.val().seq + self.one32.val();
        self.desc.next.seq_end_plus1 = self.s0.q.val().seq
            + bit_cast::<32, 32>(self.s0_len.val().into())
            + self.s0_sf.val()
            + self.one32.val();
        self.desc.next.tsval = self.s0.q.val().tsval;
        self.desc.next.ts_ok = self.s0.q.val().ts_ok;
        self.desc.next.flags = self.s0.q.val().flags;
        self.desc.next.flag_class = self.decode.flag_class.val();
        self.desc.next.window = self.s0.q.val().window;
        self.desc.next.wscale = self.s0.q.val().wscale;
        self.desc.next.payload_len = self.s0.q.val().payload_len;
        self.desc.next.v6 = self.s0.q.val().v6;
        self.desc.next.lo_ip = self.key.lo_ip.val().get_bits::<32>(0);
        self.desc.next.lo_top = self.key.lo_ip.val().get_bits::<TOP_IP_BITS>(32);
        self.desc.next.lo_port = self.key.lo_port.val();
        self.desc.next.hi_ip = self.key.hi_ip.val().get_bits::<32>(0);
        self.desc.next.hi_top = self.key.hi_ip.val().get_bits::<TOP_IP_BITS>(32);
        self.desc.next.hi_port = self.key.hi_port.val();
        self.desc.next.src_is_lo = self.key.src_is_lo.val();
        self.desc.next.now = self.now_s0.val().get_bits::<TIME_BITS>(0);
        self.hash_word.next.lo_ip = self.key.lo_ip.val();
        self.hash_word.next.hi_ip = self.key.hi_ip.val();
        self.hash_word.next.lo_port = self.key.lo_port.val();
        self.hash_word.next.hi_port = self.key.hi_port.val();
        self.hash_word4.next.zero = self.zero192.val();
        self.hash_word4.next.lo_ip = self.key.lo_ip.val().get_bits::<32>(0);
        self.hash_word4.next.hi_ip = self.key.hi_ip.val().get_bits::<32>(0);
        self.hash_word4.next.lo_port = self.key.lo_port.val();
        self.hash_word4.next.hi_port = self.key.hi_port.val();
        if self.s0.q.val().v6 {
            self.hash_input.next = self.hash_word.val().into();
        } else {
            self.hash_input.next = self.hash_word4.val().into();
        }
        self.valid.next = self.s0_valid.q.val();
        self.now.next = self.now_q.q.val();
        if self.reset.val() {
            self.s0_valid.d.next = false;
            self.now_q.d.next = self.zero32.val();
            self.clock_set.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desc_in_is_synthesizable() {
        let mut uut = DescIn::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.seg.link_connect_dest();
        uut.connect_all();
        yosys_validate("synscope_desc_in", &generate_verilog(&uut)).unwrap();
    }
}
