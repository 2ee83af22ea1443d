//! `RequestFrontEnd`: deframed bytes → the request the sequencer answers (docs/protocol.md,
//! "Framing", "Header" and "Operations").
//!
//! Deframed bytes are kept while no request is held: the header in a register, the payload in
//! a 512-byte RAM (a `PING` echoes up to `MAX_PAYLOAD` bytes, read back at `rd_addr`) and its
//! last [`PL_BYTES`] bytes in a shift register (`pl`), from which every fixed-size request's
//! fields are read at constant offsets. Only a frame that the deframer ends with `STATUS_OK`
//! becomes a request (`held`); garbage, bad FCS, aborted, short and long frames are dropped
//! there (and counted by the deframer). A frame that starts while a request is held (the host
//! waits for each answer) is ignored. The sequencer's `answered` frees the register for the next
//! one.
//!
//! ## Validation
//! `err` is the error code of the held request (0: none), in the order of the command engine's
//! module doc: a frame of another kind than request (`is_request` low) has none (it is
//! ignored); version ≠ `VERSION` → `BAD_VERSION`; unknown op → `UNKNOWN_OP`; a payload length
//! other than the op's → `BAD_LENGTH`; a bucket past the table, a `SET_CONFIG` item that does
//! not exist, timeouts that `Timeouts::validate` refuses, a `LOOKUP` family other than 0 (IPv4,
//! no address bits above 32) or 1 (IPv6), or a baud code past `BAUD_RATES` → `BAD_ARGUMENT`.
//! The refusals counted in `READ_LINK` (`unknown_op`, `bad_length`) count in the cycle the
//! sequencer decides the request (`decide`).
//!
//! `reset` (synchronous) drops the request and clears the counters.

use crate::conn::entry::TOP_IP_BITS;
use crate::link::hdlc::{COUNTER_BITS as LINK_BITS, LEN_BITS, STATUS_BITS, STATUS_OK};
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::hash::HASH_KEY_BYTES;
use synscope_model::protocol::payload::LOOKUP_BYTES;
use synscope_model::protocol::{ConfigItem, ErrorCode, Kind, Op, HEADER_BYTES, VERSION};
use synscope_model::timeouts::MAX_TIMEOUT_S;

/// Request bytes kept in the payload shift register (the longest fixed request: `SET_CONFIG`
/// with a hash key, item + 40 bytes).
pub const PL_BYTES: usize = KEY_REQ_BYTES;
pub const PL_BITS: usize = PL_BYTES * 8;
/// `LOOKUP`'s tuple after the family byte: source address and port, destination address and
/// port (`encode_lookup`).
pub const TUPLE_BITS: usize = 2 * (128 + 16);
/// `SET_CONFIG`'s bytes after the item, as the longest (a hash key) places them.
pub const SETTING_BITS: usize = PL_BITS - 8;
/// Payload RAM address bits (`MAX_PAYLOAD` = 480 bytes).
pub const PAYLOAD_ADDR_BITS: usize = 9;

/// Payload bytes of `SET_CONFIG` with the timeouts (item + `Timeouts::named`, u32 each) and
/// with a hash key (item + `HASH_KEY_BYTES`).
const TIMEOUTS_REQ_BYTES: usize = 1 + 5 * 4;
const KEY_REQ_BYTES: usize = 1 + HASH_KEY_BYTES;
const _: () = assert!(TIMEOUTS_REQ_BYTES < PL_BYTES && LOOKUP_BYTES < PL_BYTES);
const _: () =
    assert!(40 + TUPLE_BITS == PL_BITS && SETTING_BITS == crate::conn::toeplitz_hash::KEY_BITS);

/// Bit offset in `pl` of byte `i` of a request payload of `len` bytes (the payload's last byte
/// is the register's top byte). The blocks read fields at these offsets as literals, checked
/// here.
const fn pl_at(len: usize, i: usize) -> usize {
    (PL_BYTES - len + i) * 8
}
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 1) == 168 && pl_at(TIMEOUTS_REQ_BYTES, 5) == 200);
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 9) == 232 && pl_at(TIMEOUTS_REQ_BYTES, 13) == 264);
const _: () = assert!(pl_at(TIMEOUTS_REQ_BYTES, 17) == 296);
const _: () = assert!(pl_at(2, 1) == 320 && pl_at(3, 1) == 312 && pl_at(2, 0) == 312);
const _: () = assert!(pl_at(PL_BYTES, 1) == 8);
const _: () = assert!(LOOKUP_BYTES == 37 && pl_at(LOOKUP_BYTES, 0) == 32);
const _: () = assert!(pl_at(LOOKUP_BYTES, 1) == 40 && pl_at(LOOKUP_BYTES, 17) == 168);
const _: () = assert!(pl_at(LOOKUP_BYTES, 19) == 184 && pl_at(LOOKUP_BYTES, 35) == 312);
const _: () = assert!(PL_BITS - 8 == 320 && pl_at(LOOKUP_BYTES, 5) == 72);
const _: () = assert!(pl_at(LOOKUP_BYTES, 23) == 216);
const _: () = assert!(synscope_model::protocol::MAX_PAYLOAD <= 1 << PAYLOAD_ADDR_BITS);

/// The request front end of an engine whose core has `2^B` buckets.
#[derive(LogicBlock)]
pub struct RequestFrontEnd<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    // ---- requests from the deframer
    pub s_data: Signal<In, Bits<8>>,
    pub s_valid: Signal<In, Bit>,
    pub s_first: Signal<In, Bit>,
    pub s_end: Signal<In, Bit>,
    pub s_status: Signal<In, Bits<STATUS_BITS>>,
    // ---- the sequencer
    /// The request is answered (or ignored): take the next one.
    pub answered: Signal<In, Bit>,
    /// The held request is decided in this cycle (its refusal is counted).
    pub decide: Signal<In, Bit>,
    /// Payload RAM read address (`PING`'s echo); `rd_data` a cycle later.
    pub rd_addr: Signal<In, Bits<LEN_BITS>>,
    pub rd_data: Signal<Out, Bits<8>>,
    // ---- the held request
    pub held: Signal<Out, Bit>,
    /// Its header's kind is request (else: our own frames echoed, no answer).
    pub is_request: Signal<Out, Bit>,
    pub seq: Signal<Out, Bits<8>>,
    pub op: Signal<Out, Bits<8>>,
    /// The payload's first byte (`SET_CONFIG`'s item).
    pub item: Signal<Out, Bits<8>>,
    /// Payload length, and length − 1.
    pub plen: Signal<Out, Bits<LEN_BITS>>,
    pub plen_m1: Signal<Out, Bits<LEN_BITS>>,
    /// Fields of the payload (its last `PL_BYTES` bytes, the last one on top): `DUMP_TABLE`'s
    /// first bucket; `LOOKUP`'s family (IPv6) and tuple; `SET_CONFIG`'s bytes after the item
    /// (read as the item has them).
    pub first_bucket: Signal<Out, Bits<B>>,
    pub tuple_v6: Signal<Out, Bit>,
    pub tuple: Signal<Out, Bits<TUPLE_BITS>>,
    pub setting: Signal<Out, Bits<SETTING_BITS>>,
    /// The error code (0: none).
    pub err: Signal<Out, Bits<8>>,
    /// `LinkCounter::UnknownOp` and `BadLength`.
    pub unknown_op: Signal<Out, Bits<LINK_BITS>>,
    pub bad_length: Signal<Out, Bits<LINK_BITS>>,
    taking: DFF<Bit>,
    held_q: DFF<Bit>,
    rx_len: DFF<Bits<LEN_BITS>>,
    hdr: DFF<Bits<32>>,
    item_q: DFF<Bits<8>>,
    pl_q: DFF<Bits<PL_BITS>>,
    pram: crate::parts::ram::StyledRam<Bits<8>, PAYLOAD_ADDR_BITS>,
    // ---- fields (constant offsets into `pl`)
    t_tw: Signal<Local, Bits<32>>,
    t_hs: Signal<Local, Bits<32>>,
    t_fw2: Signal<Local, Bits<32>>,
    t_idle: Signal<Local, Bits<32>>,
    t_linger: Signal<Local, Bits<32>>,
    t_max: Signal<Local, Bits<34>>,
    t_need: Signal<Local, Bits<34>>,
    t_ok: Signal<Local, Bit>,
    t_need_q: DFF<Bits<34>>,
    t_fields_q: DFF<Bit>,
    t_ok_q: DFF<Bit>,
    bucket16: Signal<Local, Bits<16>>,
    family_ok: Signal<Local, Bit>,
    n_unknown_op: DFF<Bits<LINK_BITS>>,
    n_bad_length: DFF<Bits<LINK_BITS>>,
    st_ok: Constant<Bits<STATUS_BITS>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    len_hdr: Constant<Bits<LEN_BITS>>,
    len_hdr1: Constant<Bits<LEN_BITS>>,
    len_2: Constant<Bits<LEN_BITS>>,
    len_3: Constant<Bits<LEN_BITS>>,
    len_timeouts: Constant<Bits<LEN_BITS>>,
    len_lookup: Constant<Bits<LEN_BITS>>,
    len_key: Constant<Bits<LEN_BITS>>,
    last_bucket16: Constant<Bits<16>>,
    max_timeout: Constant<Bits<32>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    zero32: Constant<Bits<32>>,
    zero96: Constant<Bits<TOP_IP_BITS>>,
    zero_link: Constant<Bits<LINK_BITS>>,
    one_link: Constant<Bits<LINK_BITS>>,
    version: Constant<Bits<4>>,
    kind_request: Constant<Bits<4>>,
    op_identify: Constant<Bits<8>>,
    op_ping: Constant<Bits<8>>,
    op_counters: Constant<Bits<8>>,
    op_histogram: Constant<Bits<8>>,
    op_dump: Constant<Bits<8>>,
    op_lookup: Constant<Bits<8>>,
    op_get_config: Constant<Bits<8>>,
    op_set_config: Constant<Bits<8>>,
    op_clear: Constant<Bits<8>>,
    op_reset_table: Constant<Bits<8>>,
    op_link: Constant<Bits<8>>,
    op_phy: Constant<Bits<8>>,
    e_unknown_op: Constant<Bits<8>>,
    e_bad_length: Constant<Bits<8>>,
    e_bad_argument: Constant<Bits<8>>,
    e_bad_version: Constant<Bits<8>>,
    item_timeouts: Constant<Bits<8>>,
    item_mask: Constant<Bits<8>>,
    item_rate: Constant<Bits<8>>,
    item_baud: Constant<Bits<8>>,
    item_key: Constant<Bits<8>>,
    baud_last: Constant<Bits<8>>,
}

impl<const B: usize> Default for RequestFrontEnd<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_data: Default::default(),
            s_valid: Default::default(),
            s_first: Default::default(),
            s_end: Default::default(),
            s_status: Default::default(),
            answered: Default::default(),
            decide: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            held: Default::default(),
            is_request: Default::default(),
            seq: Default::default(),
            op: Default::default(),
            item: Default::default(),
            plen: Default::default(),
            plen_m1: Default::default(),
            first_bucket: Default::default(),
            tuple_v6: Default::default(),
            tuple: Default::default(),
            setting: Default::default(),
            err: Default::default(),
            unknown_op: Default::default(),
            bad_length: Default::default(),
            taking: Default::default(),
            held_q: Default::default(),
            rx_len: Default::default(),
            hdr: Default::default(),
            item_q: Default::default(),
            pl_q: Default::default(),
            pram: Default::default(),
            t_tw: Default::default(),
            t_hs: Default::default(),
            t_fw2: Default::default(),
            t_idle: Default::default(),
            t_linger: Default::default(),
            t_max: Default::default(),
            t_need: Default::default(),
            t_ok: Default::default(),
            t_need_q: Default::default(),
            t_fields_q: Default::default(),
            t_ok_q: Default::default(),
            bucket16: Default::default(),
            family_ok: Default::default(),
            n_unknown_op: Default::default(),
            n_bad_length: Default::default(),
            st_ok: c(STATUS_OK),
            len_zero: c(0),
            len_one: c(1),
            len_hdr: c(HEADER_BYTES as u64),
            len_hdr1: c(HEADER_BYTES as u64 + 1),
            len_2: c(2),
            len_3: c(3),
            len_timeouts: c(TIMEOUTS_REQ_BYTES as u64),
            len_lookup: c(LOOKUP_BYTES as u64),
            len_key: c(KEY_REQ_BYTES as u64),
            last_bucket16: c((1 << B) - 1),
            max_timeout: c(MAX_TIMEOUT_S as u64),
            zero8: c(0),
            one8: c(1),
            zero32: c(0),
            zero96: c(0),
            zero_link: c(0),
            one_link: c(1),
            version: c(VERSION as u64),
            kind_request: c(Kind::Request as u64),
            op_identify: c(Op::Identify as u64),
            op_ping: c(Op::Ping as u64),
            op_counters: c(Op::ReadCounters as u64),
            op_histogram: c(Op::ReadHistogram as u64),
            op_dump: c(Op::DumpTable as u64),
            op_lookup: c(Op::Lookup as u64),
            op_get_config: c(Op::GetConfig as u64),
            op_set_config: c(Op::SetConfig as u64),
            op_clear: c(Op::ClearCounters as u64),
            op_reset_table: c(Op::ResetTable as u64),
            op_link: c(Op::ReadLink as u64),
            op_phy: c(Op::ReadPhy as u64),
            e_unknown_op: c(ErrorCode::UnknownOp as u64),
            e_bad_length: c(ErrorCode::BadLength as u64),
            e_bad_argument: c(ErrorCode::BadArgument as u64),
            e_bad_version: c(ErrorCode::BadVersion as u64),
            item_timeouts: c(ConfigItem::Timeouts as u64),
            item_mask: c(ConfigItem::EventMask as u64),
            item_rate: c(ConfigItem::EventRate as u64),
            item_baud: c(ConfigItem::Baud as u64),
            item_key: c(ConfigItem::HashKey as u64),
            baud_last: c(synscope_model::protocol::BAUD_RATES.len() as u64 - 1),
        }
    }
}

impl<const B: usize> Logic for RequestFrontEnd<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            taking,
            held_q,
            rx_len,
            hdr,
            item_q,
            pl_q,
            t_need_q,
            t_fields_q,
            t_ok_q,
            n_unknown_op,
            n_bad_length
        );
        self.pram.read_clock.next = self.clock.val();
        self.pram.write_clock.next = self.clock.val();
        self.held.next = self.held_q.q.val();
        self.is_request.next = self.hdr.q.val().get_bits::<4>(0) == self.kind_request.val();
        self.seq.next = self.hdr.q.val().get_bits::<8>(8);
        self.op.next = self.hdr.q.val().get_bits::<8>(16);
        self.item.next = self.item_q.q.val();
        self.first_bucket.next = self.pl_q.q.val().get_bits::<B>(312);
        self.tuple_v6.next = self.pl_q.q.val().get_bit(32);
        self.tuple.next = self.pl_q.q.val().get_bits::<TUPLE_BITS>(40);
        self.setting.next = self.pl_q.q.val().get_bits::<SETTING_BITS>(8);
        self.unknown_op.next = self.n_unknown_op.q.val();
        self.bad_length.next = self.n_bad_length.q.val();

        // ---- header bytes into `hdr`, payload into the RAM and `pl`
        self.plen.next = self.rx_len.q.val() - self.len_hdr.val();
        self.plen_m1.next = self.rx_len.q.val() - self.len_hdr1.val();
        self.pram.write_enable.next = false;
        self.pram.write_address.next = self.plen.val();
        self.pram.write_data.next = self.s_data.val();
        self.pram.read_address.next = self.rd_addr.val();
        self.rd_data.next = self.pram.read_data.val();
        if self.s_valid.val() {
            if self.s_first.val() {
                self.taking.d.next = !self.held_q.q.val();
                if !self.held_q.q.val() {
                    self.rx_len.d.next = self.len_one.val();
                    self.hdr.d.next =
                        (self.hdr.q.val() >> 8) | (bit_cast::<32, 8>(self.s_data.val()) << 24);
                }
            } else if self.taking.q.val() {
                self.rx_len.d.next = self.rx_len.q.val() + self.len_one.val();
                if self.rx_len.q.val() < self.len_hdr.val() {
                    self.hdr.d.next =
                        (self.hdr.q.val() >> 8) | (bit_cast::<32, 8>(self.s_data.val()) << 24);
                } else {
                    self.pram.write_enable.next = true;
                    self.pl_q.d.next = (self.pl_q.q.val() >> 8)
                        | (bit_cast::<PL_BITS, 8>(self.s_data.val()) << 320);
                    if self.rx_len.q.val() == self.len_hdr.val() {
                        self.item_q.d.next = self.s_data.val();
                    }
                }
            }
        }
        if self.s_end.val() {
            self.taking.d.next = false;
            if self.taking.q.val() & (self.s_status.val() == self.st_ok.val()) {
                self.held_q.d.next = true;
            }
        }
        if self.answered.val() {
            self.held_q.d.next = false;
        }

        // ---- `SET_CONFIG` timeouts: `Timeouts::validate`, in two registered steps (the field
        // checks and the sum, then the compare): `pl` is stable for a whole byte time (the
        // closing flag) before the request is decoded, so `t_ok_q` is the check of the request
        // by then.
        self.t_tw.next = self.pl_q.q.val().get_bits::<32>(168);
        self.t_hs.next = self.pl_q.q.val().get_bits::<32>(200);
        self.t_fw2.next = self.pl_q.q.val().get_bits::<32>(232);
        self.t_idle.next = self.pl_q.q.val().get_bits::<32>(264);
        self.t_linger.next = self.pl_q.q.val().get_bits::<32>(296);
        // The longest state timeout, + linger: idle must outlast it.
        self.t_max.next = bit_cast::<34, 32>(self.t_hs.val());
        if (self.t_tw.val() >= self.t_hs.val()) && (self.t_tw.val() >= self.t_fw2.val()) {
            self.t_max.next = bit_cast::<34, 32>(self.t_tw.val());
        } else if self.t_fw2.val() > self.t_hs.val() {
            self.t_max.next = bit_cast::<34, 32>(self.t_fw2.val());
        }
        self.t_need.next = self.t_max.val() + bit_cast::<34, 32>(self.t_linger.val());
        self.t_need_q.d.next = self.t_need.val();
        self.t_fields_q.d.next = (self.t_tw.val() != self.zero32.val())
            & (self.t_hs.val() != self.zero32.val())
            & (self.t_fw2.val() != self.zero32.val())
            & (self.t_idle.val() != self.zero32.val())
            & (self.t_linger.val() != self.zero32.val())
            & (self.t_tw.val() <= self.max_timeout.val())
            & (self.t_hs.val() <= self.max_timeout.val())
            & (self.t_fw2.val() <= self.max_timeout.val())
            & (self.t_idle.val() <= self.max_timeout.val())
            & (self.t_linger.val() <= self.max_timeout.val());
        self.t_ok.next = self.t_fields_q.q.val()
            & (bit_cast::<34, 32>(self.t_idle.val()) > self.t_need_q.q.val());
        self.t_ok_q.d.next = self.t_ok.val();
        self.bucket16.next = self.pl_q.q.val().get_bits::<16>(312);
        // `LOOKUP`: family 0 (IPv4, whose addresses have no bits above 32) or 1 (IPv6).
        self.family_ok.next = (self.pl_q.q.val().get_bits::<8>(32) == self.one8.val())
            || ((self.pl_q.q.val().get_bits::<8>(32) == self.zero8.val())
                && (self.pl_q.q.val().get_bits::<TOP_IP_BITS>(72) == self.zero96.val())
                && (self.pl_q.q.val().get_bits::<TOP_IP_BITS>(216) == self.zero96.val()));

        // ---- the verdict, in the order of the module doc
        self.err.next = self.zero8.val();
        if !self.is_request.val() {
            // Not a request: no answer, no error.
        } else if self.hdr.q.val().get_bits::<4>(4) != self.version.val() {
            self.err.next = self.e_bad_version.val();
        } else if (self.op.val() == self.op_identify.val())
            | (self.op.val() == self.op_counters.val())
            | (self.op.val() == self.op_histogram.val())
            | (self.op.val() == self.op_get_config.val())
            | (self.op.val() == self.op_clear.val())
            | (self.op.val() == self.op_reset_table.val())
            | (self.op.val() == self.op_link.val())
            | (self.op.val() == self.op_phy.val())
        {
            // No payload.
            if self.plen.val() != self.len_zero.val() {
                self.err.next = self.e_bad_length.val();
            }
        } else if self.op.val() == self.op_ping.val() {
            // Any payload.
        } else if self.op.val() == self.op_dump.val() {
            if self.plen.val() != self.len_2.val() {
                self.err.next = self.e_bad_length.val();
            } else if self.bucket16.val() > self.last_bucket16.val() {
                self.err.next = self.e_bad_argument.val();
            }
        } else if self.op.val() == self.op_lookup.val() {
            if self.plen.val() != self.len_lookup.val() {
                self.err.next = self.e_bad_length.val();
            } else if !self.family_ok.val() {
                self.err.next = self.e_bad_argument.val();
            }
        } else if self.op.val() == self.op_set_config.val() {
            if self.plen.val() == self.len_zero.val() {
                self.err.next = self.e_bad_length.val();
            } else if self.item_q.q.val() == self.item_timeouts.val() {
                if self.plen.val() != self.len_timeouts.val() {
                    self.err.next = self.e_bad_length.val();
                } else if !self.t_ok_q.q.val() {
                    self.err.next = self.e_bad_argument.val();
                }
            } else if (self.item_q.q.val() == self.item_mask.val())
                | (self.item_q.q.val() == self.item_baud.val())
            {
                if self.plen.val() != self.len_2.val() {
                    self.err.next = self.e_bad_length.val();
                } else if (self.item_q.q.val() == self.item_baud.val())
                    & (self.pl_q.q.val().get_bits::<8>(320) > self.baud_last.val())
                {
                    self.err.next = self.e_bad_argument.val();
                }
            } else if self.item_q.q.val() == self.item_rate.val() {
                if self.plen.val() != self.len_3.val() {
                    self.err.next = self.e_bad_length.val();
                }
            } else if self.item_q.q.val() == self.item_key.val() {
                if self.plen.val() != self.len_key.val() {
                    self.err.next = self.e_bad_length.val();
                }
            } else {
                self.err.next = self.e_bad_argument.val();
            }
        } else {
            self.err.next = self.e_unknown_op.val();
        }
        if self.decide.val() {
            if self.err.val() == self.e_unknown_op.val() {
                self.n_unknown_op.d.next = self.n_unknown_op.q.val() + self.one_link.val();
            }
            if self.err.val() == self.e_bad_length.val() {
                self.n_bad_length.d.next = self.n_bad_length.q.val() + self.one_link.val();
            }
        }

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.held_q.d.next = false;
            self.taking.d.next = false;
            self.n_unknown_op.d.next = self.zero_link.val();
            self.n_bad_length.d.next = self.zero_link.val();
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize>() -> RequestFrontEnd<B> {
    let mut u = RequestFrontEnd::<B>::default();
    u.clock.connect();
    u.reset.connect();
    u.s_data.connect();
    u.s_valid.connect();
    u.s_first.connect();
    u.s_end.connect();
    u.s_status.connect();
    u.answered.connect();
    u.decide.connect();
    u.rd_addr.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_front_end_is_synthesizable() {
        let mut u = connected::<{ crate::conn::conn_core::BUCKET_BITS_SMALL }>();
        u.connect_all();
        yosys_validate("synscope_request_front", &generate_verilog(&u)).unwrap();
    }
}
