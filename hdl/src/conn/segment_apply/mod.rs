//! `segment_apply`: one segment applied to one connection-table entry (the core's C2 stage).
//!
//! Combinational. Exactly `synscope_model::segment::{open, apply}` (and the tracker's two
//! verdicts decided before them: `Invalid` for an invalid flag combination without RST,
//! `Untracked` for a segment with RST that finds no entry), on the hardware entry [`EntryBits`]
//! with its 20-bit times:
//!
//! * `hit` = the entry `entry_in` exists: `apply(entry_in, created = false)`;
//! * `!hit`: `apply(open(key, ..), created = true)` with the key from the `lo_*`/`hi_*` inputs
//!   (the `flow_key` outputs); `entry_in` is then ignored, except that it is passed through for
//!   `Invalid`/`Untracked` with `valid` cleared.
//!
//! ## How the model's branches become one datapath
//! Every sequence comparison (`seq_lt` …: the sign of a 32-bit difference) is made once, on the
//! *base* endpoints `e0_*` (`entry_in`'s, or what `open` makes), and the model's paths are then a
//! priority mux, in the model's order:
//!
//! 1. an invalid combination without RST: nothing (`Invalid`); a RST without entry: `Untracked`;
//! 2. RST, whatever else is set (`apply_rst`, `classify_rst`: RFC 5961 §3, `tcp_reset_check`);
//! 3. a SYN's cases (`syn_case`: TIME_WAIT refusal, RFC 6191; a re-sent SYN and what it proves;
//!    a new ISN to a request socket; RFC 5961 §4), a SYN-ACK's (`synack_case`);
//! 4. the first check (`unacceptable`), the fifth (`check_ack`): the segment moves nothing;
//! 5. the general path: the sender's stream (`deliver`, the window), the receiver's ACK, the
//!    transition tables.
//!
//! A SYN that starts a new incarnation (`reincarnated`) takes the general path on two fresh
//! endpoints: every comparison that would read them is replaced by the constant result it
//! would have (not the same ISN, an acceptable ACK that acknowledges nothing, taken, a newer
//! window, an inferred receiver), so no comparator sits after the fresh-endpoint mux.
//!
//! ## Blocks (one per file, in data-flow order)
//! * [`base_endpoints`]: the stored endpoints as sender and receiver, or what `open` makes, and
//!   their states decoded;
//! * [`seq_compare`]: every sequence comparison, on those base endpoints;
//! * [`rst_check`] (RFC 5961 §3) and [`syn_cases`] (the SYN and SYN-ACK cases), and
//!   [`special_paths`]: the endpoints those paths leave;
//! * [`deliver`] (the sender's stream) and [`send_window`] (its advertised window, RFC 7323);
//! * [`transition_lookup`]: the transition tables (`synscope_model::fsm::{SENDER, RECEIVER}`).
//!
//! This block keeps the flags, the fifth check, the handshake clocks, the general path's two
//! endpoints and the verdict mux. State, class and verdict codes are the model's
//! discriminants ([`codes`]).
//!
//! ## Descriptor-only inputs
//! `seq_end` (`SEG.SEQ + SEG.LEN`), `seq_plus1` (`SEG.SEQ + 1`) and `seq_end_plus1` depend on
//! the descriptor alone: the core computes them stages before C2 (docs/core.md "Depth"). They
//! must equal those sums.
//!
//! ## Outputs
//! * `entry_out`: the entry after the segment (`valid` = 0 only for `!hit` with `Invalid` or
//!   `Untracked`, i.e. no entry).
//! * `verdict` ([`VERDICT_BITS`]): [`V_TRACKED`], [`V_SYN_CHALLENGED`], [`V_INVALID`],
//!   [`V_UNTRACKED`], [`V_RST`] + `rst_code`, [`V_UNACCEPTABLE`] + `reject_code`.
//! * `reincarnated`: a SYN restarted a finished 4-tuple.
//! * `fin_held`, `window_probe`, `handshake_lost`: the model's `Notes`.
//! * `lo_before` / `hi_before`: each endpoint's state in the entry the segment was applied to
//!   (`entry_in`, or what `open` made), and `lo_changed` / `hi_changed` = that ≠ the new state
//!   (the model's `before != after` of `Tracker::process`; 0 when there is no entry).
//! * `kept`: `entry_out` is `entry_in` unchanged.

mod base_endpoints;
pub mod codes;
mod deliver;
mod rst_check;
mod send_window;
mod seq_compare;
mod special_paths;
mod syn_cases;
pub mod transition_lookup;

use base_endpoints::BaseEndpoints;
use codes::{c, class_code, flag_bit, seq_code, state_code, table_class};
use deliver::Deliver;
use rst_check::RstCheck;
use send_window::SendWindow;
use seq_compare::SeqCompare;
use special_paths::SpecialPaths;
use syn_cases::SynCases;
pub use transition_lookup::{
    after_peer_fin, table_contents, table_plane, TableAddr, TransitionLookup, TABLE_ADDR_BITS,
    TABLE_ENTRIES,
};

use crate::conn::entry::{EntryBits, HandshakeClock, TrackBits, GAP_BITS, STATE_BITS, TIME_BITS};
use rust_hdl::prelude::*;
use synscope_model::entry::layout::{AUX_HANDSHAKE, AUX_NONE, AUX_TS, GAP_MAX};
use synscope_model::entry::SeqKnown;
use synscope_model::flags::TcpFlags;
use synscope_model::fsm::{Table, RECEIVER, SENDER};
use synscope_model::tracker::Reject;
use synscope_model::{FlagClass, RstClass, TcpState};

/// Width of the verdict output.
pub const VERDICT_BITS: usize = 4;
/// `Verdict::Tracked`.
pub const V_TRACKED: u64 = 0;
/// `Verdict::SynChallenged`.
pub const V_SYN_CHALLENGED: u64 = 1;
/// `Verdict::Invalid` (an invalid combination without RST; nothing changes).
pub const V_INVALID: u64 = 2;
/// `Verdict::Untracked` (a RST without an entry).
pub const V_UNTRACKED: u64 = 3;
/// `Verdict::Rst(c)` is `V_RST + rst_code(c)`.
pub const V_RST: u64 = 4;
/// `Verdict::Unacceptable(r)` is `V_UNACCEPTABLE + reject_code(r)`.
pub const V_UNACCEPTABLE: u64 = 8;

const _: () = assert!(V_UNACCEPTABLE + Reject::ALL.len() as u64 <= 1 << VERDICT_BITS);

/// The 2-bit code of a RST class (declaration order).
pub const fn rst_code(c: RstClass) -> u64 {
    match c {
        RstClass::Exact => 0,
        RstClass::InWindow => 1,
        RstClass::OutOfWindow => 2,
        RstClass::Unverified => 3,
    }
}

/// The 2-bit code of a reject reason (`Reject::ALL` order).
pub const fn reject_code(r: Reject) -> u64 {
    match r {
        Reject::OutOfWindow => 0,
        Reject::Old => 1,
        Reject::BadAck => 2,
        Reject::TimeWaitSyn => 3,
    }
}

fn verdict_code(v: u64) -> Constant<Bits<VERDICT_BITS>> {
    Constant::new(v.to_bits())
}

/// A 16-bit value zero-extended to 32 bits (a `bit_cast` widening is a width mismatch in the
/// Verilog).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Zext32 {
    pub lo: Bits<16>,
    pub hi: Bits<16>,
}

#[derive(LogicBlock)]
pub struct SegmentApply {
    // ---- inputs
    /// The stored entry (meaningful when `hit`).
    pub entry_in: Signal<In, EntryBits>,
    /// `entry_in` is this segment's connection; otherwise `open` makes one.
    pub hit: Signal<In, Bit>,
    /// The sender is the key's `lo` endpoint (`flow_key.src_is_lo`).
    pub sender_is_lo: Signal<In, Bit>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    /// `seq` + payload + SYN + FIN (descriptor-only, computed before C2).
    pub seq_end: Signal<In, Bits<32>>,
    /// `seq + 1`.
    pub seq_plus1: Signal<In, Bits<32>>,
    /// `seq_end + 1`.
    pub seq_end_plus1: Signal<In, Bits<32>>,
    /// TCP control bits (`TcpFlags`, FIN = bit 0).
    pub flags: Signal<In, Bits<9>>,
    /// `FlagClass` discriminant (`flag_decode.flag_class` of `flags`).
    pub flag_class: Signal<In, Bits<3>>,
    pub window: Signal<In, Bits<16>>,
    pub wscale: Signal<In, Bits<4>>,
    pub payload_len: Signal<In, Bits<16>>,
    /// TSval of the Timestamps option, when `ts_ok`.
    pub tsval: Signal<In, Bits<32>>,
    pub ts_ok: Signal<In, Bit>,
    /// The canonical key (`flow_key` outputs), stored when an entry is opened.
    /// The key is IPv6 (the entry is the head of a pair; `lo_ip`/`hi_ip` its low 32 bits).
    pub v6: Signal<In, Bit>,
    pub lo_ip: Signal<In, Bits<32>>,
    pub lo_port: Signal<In, Bits<16>>,
    pub hi_ip: Signal<In, Bits<32>>,
    pub hi_port: Signal<In, Bits<16>>,
    /// Low `TIME_BITS` of the time in ticks.
    pub now: Signal<In, Bits<TIME_BITS>>,
    // ---- outputs
    pub entry_out: Signal<Out, EntryBits>,
    pub verdict: Signal<Out, Bits<VERDICT_BITS>>,
    pub reincarnated: Signal<Out, Bit>,
    pub fin_held: Signal<Out, Bit>,
    pub window_probe: Signal<Out, Bit>,
    pub handshake_lost: Signal<Out, Bit>,
    pub lo_before: Signal<Out, Bits<STATE_BITS>>,
    pub hi_before: Signal<Out, Bits<STATE_BITS>>,
    pub lo_changed: Signal<Out, Bit>,
    pub hi_changed: Signal<Out, Bit>,
    /// `entry_out` is `entry_in` unchanged.
    pub kept: Signal<Out, Bit>,
    // ---- the blocks, in data-flow order
    base: BaseEndpoints,
    compare: SeqCompare,
    rst: RstCheck,
    syn: SynCases,
    special: SpecialPaths,
    deliver: Deliver,
    send_window: SendWindow,
    tables: TransitionLookup,
    // ---- class and flags
    is_syn: Signal<Local, Bit>,
    is_synack: Signal<Local, Bit>,
    is_fin: Signal<Local, Bit>,
    /// An invalid combination without RST.
    is_invalid: Signal<Local, Bit>,
    handshake: Signal<Local, Bit>,
    f_syn: Signal<Local, Bit>,
    f_fin: Signal<Local, Bit>,
    f_rst: Signal<Local, Bit>,
    f_ack: Signal<Local, Bit>,
    len_zero: Signal<Local, Bit>,
    plen_nz: Signal<Local, Bit>,
    // ---- the stored endpoints, and the written ones
    in_lo: Signal<Local, TrackBits>,
    in_hi: Signal<Local, TrackBits>,
    trk_out_lo: Signal<Local, TrackBits>,
    trk_out_hi: Signal<Local, TrackBits>,
    fresh: Constant<TrackBits>,
    // ---- the fifth check, on the base receiver
    r_hs: Signal<Local, Bit>,
    bad: Signal<Local, Bit>,
    acks0: Signal<Local, Bit>,
    taken0: Signal<Local, Bit>,
    // ---- handshake clocks
    gap_raw: Signal<Local, Bits<TIME_BITS>>,
    gap: Signal<Local, Bits<GAP_BITS>>,
    trk_s_clock: Signal<Local, HandshakeClock>,
    hs_clock: Signal<Local, HandshakeClock>,
    hs0_clock: Signal<Local, HandshakeClock>,
    hs_word: Signal<Local, Bits<32>>,
    hs0_word: Signal<Local, Bits<32>>,
    // ---- the general path
    p_s: Signal<Local, TrackBits>,
    p_r: Signal<Local, TrackBits>,
    p_client_is_lo: Signal<Local, Bit>,
    p_picked_up: Signal<Local, Bit>,
    unacc: Signal<Local, Bit>,
    unacc_code: Signal<Local, Bits<VERDICT_BITS>>,
    acks: Signal<Local, Bit>,
    taken: Signal<Local, Bit>,
    same_g: Signal<Local, Bit>,
    // the receiver's ACK
    infer: Signal<Local, Bit>,
    advance: Signal<Local, Bit>,
    peer_fin_now: Signal<Local, Bit>,
    // tables
    s_class: Signal<Local, Bits<2>>,
    r_class: Signal<Local, Bits<2>>,
    s_state: Signal<Local, Bits<STATE_BITS>>,
    r_state: Signal<Local, Bits<STATE_BITS>>,
    g_s: Signal<Local, TrackBits>,
    g_r: Signal<Local, TrackBits>,
    // ---- before
    b_s_state: Signal<Local, Bits<STATE_BITS>>,
    b_r_state: Signal<Local, Bits<STATE_BITS>>,
    // ---- constants
    st_syn_sent: Constant<Bits<STATE_BITS>>,
    st_syn_received: Constant<Bits<STATE_BITS>>,
    st_established: Constant<Bits<STATE_BITS>>,
    c_syn: Constant<Bits<3>>,
    c_synack: Constant<Bits<3>>,
    c_fin: Constant<Bits<3>>,
    c_invalid: Constant<Bits<3>>,
    tc_fin: Constant<Bits<2>>,
    tc_ack: Constant<Bits<2>>,
    b_fin: Constant<Bits<4>>,
    b_syn: Constant<Bits<4>>,
    b_rst: Constant<Bits<4>>,
    b_ack: Constant<Bits<4>>,
    sk_inferred: Constant<Bits<2>>,
    sk_seen: Constant<Bits<2>>,
    aux_none: Constant<Bits<2>>,
    aux_ts: Constant<Bits<2>>,
    aux_hs: Constant<Bits<2>>,
    gap_max: Constant<Bits<TIME_BITS>>,
    gap_max12: Constant<Bits<GAP_BITS>>,
    v_tracked: Constant<Bits<VERDICT_BITS>>,
    v_syn_challenged: Constant<Bits<VERDICT_BITS>>,
    v_invalid: Constant<Bits<VERDICT_BITS>>,
    v_untracked: Constant<Bits<VERDICT_BITS>>,
    v_out_of_window: Constant<Bits<VERDICT_BITS>>,
    v_old: Constant<Bits<VERDICT_BITS>>,
    v_bad_ack: Constant<Bits<VERDICT_BITS>>,
    v_tw_syn: Constant<Bits<VERDICT_BITS>>,
    zero32: Constant<Bits<32>>,
    zero16: Constant<Bits<16>>,
    zero12: Constant<Bits<GAP_BITS>>,
}

impl SegmentApply {
    /// The same block with other transition tables. Only the planted-bug check uses it
    /// (`make planted-bug`: a copy of a rule with one cell changed must be caught by the
    /// differential test); the design's tables are always `fsm::SENDER` / `fsm::RECEIVER`.
    pub fn with_tables(sender: &Table, receiver: &Table) -> Self {
        Self {
            entry_in: Default::default(),
            hit: Default::default(),
            sender_is_lo: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            seq_end: Default::default(),
            seq_plus1: Default::default(),
            seq_end_plus1: Default::default(),
            flags: Default::default(),
            flag_class: Default::default(),
            window: Default::default(),
            wscale: Default::default(),
            payload_len: Default::default(),
            tsval: Default::default(),
            ts_ok: Default::default(),
            v6: Default::default(),
            lo_ip: Default::default(),
            lo_port: Default::default(),
            hi_ip: Default::default(),
            hi_port: Default::default(),
            now: Default::default(),
            entry_out: Default::default(),
            verdict: Default::default(),
            reincarnated: Default::default(),
            fin_held: Default::default(),
            window_probe: Default::default(),
            handshake_lost: Default::default(),
            lo_before: Default::default(),
            hi_before: Default::default(),
            lo_changed: Default::default(),
            hi_changed: Default::default(),
            kept: Default::default(),
            base: Default::default(),
            compare: Default::default(),
            rst: Default::default(),
            syn: Default::default(),
            special: Default::default(),
            deliver: Default::default(),
            send_window: Default::default(),
            tables: TransitionLookup::with_tables(sender, receiver),
            is_syn: Default::default(),
            is_synack: Default::default(),
            is_fin: Default::default(),
            is_invalid: Default::default(),
            handshake: Default::default(),
            f_syn: Default::default(),
            f_fin: Default::default(),
            f_rst: Default::default(),
            f_ack: Default::default(),
            len_zero: Default::default(),
            plen_nz: Default::default(),
            in_lo: Default::default(),
            in_hi: Default::default(),
            trk_out_lo: Default::default(),
            trk_out_hi: Default::default(),
            fresh: base_endpoints::fresh_endpoint(),
            r_hs: Default::default(),
            bad: Default::default(),
            acks0: Default::default(),
            taken0: Default::default(),
            gap_raw: Default::default(),
            gap: Default::default(),
            trk_s_clock: Default::default(),
            hs_clock: Default::default(),
            hs0_clock: Default::default(),
            hs_word: Default::default(),
            hs0_word: Default::default(),
            p_s: Default::default(),
            p_r: Default::default(),
            p_client_is_lo: Default::default(),
            p_picked_up: Default::default(),
            unacc: Default::default(),
            unacc_code: Default::default(),
            acks: Default::default(),
            taken: Default::default(),
            same_g: Default::default(),
            infer: Default::default(),
            advance: Default::default(),
            peer_fin_now: Default::default(),
            s_class: Default::default(),
            r_class: Default::default(),
            s_state: Default::default(),
            r_state: Default::default(),
            g_s: Default::default(),
            g_r: Default::default(),
            b_s_state: Default::default(),
            b_r_state: Default::default(),
            st_syn_sent: state_code(TcpState::SynSent),
            st_syn_received: state_code(TcpState::SynReceived),
            st_established: state_code(TcpState::Established),
            c_syn: class_code(FlagClass::Syn),
            c_synack: class_code(FlagClass::SynAck),
            c_fin: class_code(FlagClass::Fin),
            c_invalid: class_code(FlagClass::Invalid),
            tc_fin: table_class(FlagClass::Fin),
            tc_ack: table_class(FlagClass::Ack),
            b_fin: flag_bit(TcpFlags::FIN),
            b_syn: flag_bit(TcpFlags::SYN),
            b_rst: flag_bit(TcpFlags::RST),
            b_ack: flag_bit(TcpFlags::ACK),
            sk_inferred: seq_code(SeqKnown::Inferred),
            sk_seen: seq_code(SeqKnown::Seen),
            aux_none: c(AUX_NONE),
            aux_ts: c(AUX_TS),
            aux_hs: c(AUX_HANDSHAKE),
            gap_max: c(GAP_MAX as u64),
            gap_max12: c(GAP_MAX as u64),
            v_tracked: verdict_code(V_TRACKED),
            v_syn_challenged: verdict_code(V_SYN_CHALLENGED),
            v_invalid: verdict_code(V_INVALID),
            v_untracked: verdict_code(V_UNTRACKED),
            v_out_of_window: verdict_code(V_UNACCEPTABLE + reject_code(Reject::OutOfWindow)),
            v_old: verdict_code(V_UNACCEPTABLE + reject_code(Reject::Old)),
            v_bad_ack: verdict_code(V_UNACCEPTABLE + reject_code(Reject::BadAck)),
            v_tw_syn: verdict_code(V_UNACCEPTABLE + reject_code(Reject::TimeWaitSyn)),
            zero32: c(0),
            zero16: c(0),
            zero12: c(0),
        }
    }
}

impl Default for SegmentApply {
    fn default() -> Self {
        Self::with_tables(&SENDER, &RECEIVER)
    }
}

impl Logic for SegmentApply {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- class and flags
        self.is_syn.next = self.flag_class.val() == self.c_syn.val();
        self.is_synack.next = self.flag_class.val() == self.c_synack.val();
        self.is_fin.next = self.flag_class.val() == self.c_fin.val();
        self.f_syn.next = self.flags.val().get_bit(self.b_syn.val().index());
        self.f_fin.next = self.flags.val().get_bit(self.b_fin.val().index());
        self.f_rst.next = self.flags.val().get_bit(self.b_rst.val().index());
        self.f_ack.next = self.flags.val().get_bit(self.b_ack.val().index());
        // The RST bit is examined before the flag policy (a RST inside an invalid combination
        // still resets an endpoint).
        self.is_invalid.next = (self.flag_class.val() == self.c_invalid.val()) && !self.f_rst.val();
        self.handshake.next = self.is_syn.val() || self.is_synack.val();
        self.plen_nz.next = self.payload_len.val() != self.zero16.val();
        self.len_zero.next = !self.plen_nz.val() && !self.f_syn.val() && !self.f_fin.val();

        // ---- the base endpoints: stored, or opened
        self.in_lo.next = self.entry_in.val().lo;
        self.in_hi.next = self.entry_in.val().hi;
        self.base.stored_lo.next = self.in_lo.val();
        self.base.stored_hi.next = self.in_hi.val();
        self.base.stored_picked_up.next = self.entry_in.val().picked_up;
        self.base.hit.next = self.hit.val();
        self.base.sender_is_lo.next = self.sender_is_lo.val();
        self.base.lo_port.next = self.lo_port.val();
        self.base.hi_port.next = self.hi_port.val();
        self.base.seq.next = self.seq.val();
        self.base.ack.next = self.ack.val();
        self.base.is_syn.next = self.is_syn.val();
        self.base.is_synack.next = self.is_synack.val();
        self.base.f_ack.next = self.f_ack.val();
        self.b_s_state.next = self.base.sender.val().state;
        self.b_r_state.next = self.base.receiver.val().state;

        // ---- sequence comparisons on them
        self.compare.sender.next = self.base.sender.val();
        self.compare.receiver.next = self.base.receiver.val();
        self.compare.seq.next = self.seq.val();
        self.compare.ack.next = self.ack.val();
        self.compare.seq_end.next = self.seq_end.val();
        self.compare.seq_plus1.next = self.seq_plus1.val();
        self.compare.seq_end_plus1.next = self.seq_end_plus1.val();
        self.compare.len_zero.next = self.len_zero.val();

        // ---- fifth check on the base receiver (`check_ack`)
        self.r_hs.next = self.base.r_view.val().syn_sent || self.base.r_view.val().syn_received;
        self.bad.next = self.f_ack.val()
            && self.base.r_view.val().seq_seen
            && (self.compare.cmp.val().ack_gt_rmax
                || (self.r_hs.val() && self.compare.cmp.val().ack_lt_rnxt));
        self.acks0.next = self.f_ack.val()
            && !self.bad.val()
            && (self.r_hs.val()
                || (self.base.receiver.val().fin
                    && self.compare.cmp.val().ack_eq_rmax
                    && !self.base.r_view.val().seq_unknown));
        // `takes_handshake`: a stalled receiver does not take the peer's handshake.
        self.taken0.next = !(self.base.receiver.val().stalled
            && (((self.base.r_view.val().closed || self.base.r_view.val().listen)
                && self.is_syn.val())
                || (self.base.r_view.val().syn_sent && self.is_synack.val())
                || self.base.r_view.val().syn_received));

        // ---- RST, and a SYN's or SYN-ACK's cases
        self.rst.s_view.next = self.base.s_view.val();
        self.rst.r_view.next = self.base.r_view.val();
        self.rst.cmp.next = self.compare.cmp.val();
        self.rst.ack_ok.next = self.f_ack.val() && !self.bad.val();
        self.syn.sender.next = self.base.sender.val();
        self.syn.receiver_wnd_known.next = self.base.receiver.val().wnd_known;
        self.syn.s_view.next = self.base.s_view.val();
        self.syn.r_view.next = self.base.r_view.val();
        self.syn.cmp.next = self.compare.cmp.val();
        self.syn.hit.next = self.hit.val();
        self.syn.is_syn.next = self.is_syn.val();
        self.syn.is_synack.next = self.is_synack.val();
        self.syn.tsval.next = self.tsval.val();
        self.syn.ts_ok.next = self.ts_ok.val();

        // ---- handshake clocks: the retransmission clock after the sender's SYN (SYN-ACK)
        self.trk_s_clock.next = self.base.sender.val().aux.into();
        self.gap_raw.next = self.now.val() - self.trk_s_clock.val().at;
        self.gap.next = self.zero12.val();
        if self.syn.cases.val().same
            && !self.syn.cases.val().reinc
            && (self.base.sender.val().aux_kind == self.aux_hs.val())
        {
            if self.gap_raw.val() > self.gap_max.val() {
                self.gap.next = self.gap_max12.val();
            } else {
                self.gap.next = self.gap_raw.val().get_bits::<GAP_BITS>(0);
            }
        }
        self.hs_clock.next.at = self.now.val();
        self.hs_clock.next.gap = self.gap.val();
        self.hs_word.next = self.hs_clock.val().into();
        self.hs0_clock.next.at = self.now.val();
        self.hs0_clock.next.gap = self.zero12.val();
        self.hs0_word.next = self.hs0_clock.val().into();

        // ---- the special paths (RST, SYN and SYN-ACK cases) change the stored endpoints
        self.special.sender.next = self.base.sender.val();
        self.special.receiver.next = self.base.receiver.val();
        self.special.f_rst.next = self.f_rst.val();
        self.special.is_syn.next = self.is_syn.val();
        self.special.is_synack.next = self.is_synack.val();
        self.special.rst_accepted.next = self.rst.accepted.val();
        self.special.rst_closes_sender.next = self.rst.closes_sender.val();
        self.special.cases.next = self.syn.cases.val();
        self.special.hs_word.next = self.hs_word.val();
        self.special.hs0_word.next = self.hs0_word.val();
        self.special.seq_plus1.next = self.seq_plus1.val();
        self.special.seq_end.next = self.seq_end.val();
        self.special.wscale.next = self.wscale.val();

        // ---- the general path: a reincarnation starts from two fresh endpoints
        self.p_s.next = self.base.sender.val();
        self.p_r.next = self.base.receiver.val();
        self.p_picked_up.next = self.base.picked_up.val();
        if self.hit.val() {
            self.p_client_is_lo.next = self.entry_in.val().client_is_lo;
        } else {
            self.p_client_is_lo.next =
                !(self.base.open_client_is_sender.val() ^ self.sender_is_lo.val());
        }
        if self.syn.cases.val().reinc {
            self.p_s.next = self.fresh.val();
            self.p_r.next = self.fresh.val();
            self.p_client_is_lo.next = self.sender_is_lo.val();
            self.p_picked_up.next = false;
        }
        // First check (`unacceptable`), not for a SYN or SYN-ACK.
        self.unacc.next = !self.handshake.val()
            && (self.base.r_view.val().sync || self.base.r_view.val().syn_received)
            && !self.base.s_view.val().seq_unknown
            && self.base.receiver.val().wnd_known
            && ((self.base.r_view.val().syn_received && !self.compare.cmp.val().tiw)
                || (!self.base.r_view.val().syn_received
                    && (self.compare.cmp.val().seq_gt_right
                        || self.compare.cmp.val().end_lt_rleft)));
        if self.base.r_view.val().syn_received || self.compare.cmp.val().seq_gt_right {
            self.unacc_code.next = self.v_out_of_window.val();
        } else {
            self.unacc_code.next = self.v_old.val();
        }
        self.acks.next = self.acks0.val() && !self.syn.cases.val().reinc;
        self.taken.next = self.taken0.val() || self.syn.cases.val().reinc;
        self.same_g.next = self.syn.cases.val().same && !self.syn.cases.val().reinc;

        // ---- deliver (seventh and eighth checks) and the window, on the base sender
        self.deliver.sender.next = self.base.sender.val();
        self.deliver.receiver_wnd_known.next = self.base.receiver.val().wnd_known;
        self.deliver.cmp.next = self.compare.cmp.val();
        self.deliver.seq_end.next = self.seq_end.val();
        self.deliver.len_zero.next = self.len_zero.val();
        self.deliver.plen_nz.next = self.plen_nz.val();
        self.deliver.f_fin.next = self.f_fin.val();
        self.deliver.handshake.next = self.handshake.val();
        self.deliver.taken.next = self.taken.val();
        self.send_window.sender.next = self.base.sender.val();
        self.send_window.receiver_wscale.next = self.base.receiver.val().wscale;
        self.send_window.picked_up.next = self.base.picked_up.val();
        self.send_window.handshake.next = self.handshake.val();
        self.send_window.reinc.next = self.syn.cases.val().reinc;
        self.send_window.window.next = self.window.val();
        self.send_window.ack.next = self.ack.val();

        // ---- the sender's ACK: how far it has received the receiver's stream
        self.infer.next = self.syn.cases.val().reinc
            || self.base.r_view.val().seq_unknown
            || (self.base.r_view.val().seq_inferred && self.compare.cmp.val().ack_gt_rmax);
        self.advance.next = !self.infer.val()
            && self.compare.cmp.val().ack_gt_rnxt
            && self.compare.cmp.val().ack_le_rmax;
        self.peer_fin_now.next = self.f_ack.val()
            && self.taken.val()
            && self.advance.val()
            && self.base.receiver.val().fin
            && self.compare.cmp.val().ack_eq_rmax;

        // ---- the tables
        self.s_class.next = self.flag_class.val().get_bits::<2>(0);
        if self.is_fin.val() && !self.deliver.out.val().fin_genuine {
            // A FIN before what the wire showed the sender send: old or forged.
            self.s_class.next = self.tc_ack.val();
        }
        self.r_class.next = self.flag_class.val().get_bits::<2>(0);
        if self.deliver.out.val().fin_now {
            self.r_class.next = self.tc_fin.val();
        } else if self.is_fin.val() {
            self.r_class.next = self.tc_ack.val();
        }
        self.tables.s_state.next = self.p_s.val().state;
        self.tables.s_class.next = self.s_class.val();
        self.tables.r_state.next = self.p_r.val().state;
        self.tables.r_class.next = self.r_class.val();
        self.tables.acks.next = self.acks.val();
        self.tables.took_peer_fin.next = self.peer_fin_now.val();
        self.s_state.next = self.tables.s_next.val();
        if (self.s_state.val() == self.st_syn_received.val())
            && (self.s_class.val() == self.tc_ack.val())
            && self.plen_nz.val()
        {
            // A request socket sends only its SYN-ACK and bare ACKs: data shows it ESTABLISHED.
            self.s_state.next = self.st_established.val();
        }
        self.r_state.next = self.p_r.val().state;
        if self.taken.val() {
            self.r_state.next = self.tables.r_next.val();
        }

        // ---- the general path's sender
        self.g_s.next = self.p_s.val();
        if self.handshake.val() {
            if !self.same_g.val() {
                // A SYN starts the sender's sequence space.
                self.g_s.next.seq = self.sk_seen.val();
                self.g_s.next.nxt = self.seq_plus1.val();
                self.g_s.next.max = self.seq_end.val();
                self.g_s.next.fin = false;
            } else if self.compare.cmp.val().end_gt_smax {
                self.g_s.next.max = self.seq_end.val();
            }
            self.g_s.next.wscale = self.wscale.val();
            self.g_s.next.aux_kind = self.aux_hs.val();
            self.g_s.next.aux = self.hs_word.val();
        } else {
            if self.hit.val() {
                self.g_s.next.seq = self.sk_seen.val();
            }
            if self.deliver.out.val().take {
                self.g_s.next.nxt = self.deliver.out.val().nxt;
                self.g_s.next.max = self.deliver.out.val().max;
                self.g_s.next.fin = self.deliver.out.val().fin;
            }
        }
        if self.f_ack.val() && self.send_window.newer.val() {
            self.g_s.next.wnd_left = self.ack.val();
            self.g_s.next.wnd_right = self.send_window.right.val();
            self.g_s.next.wnd_known = true;
        }
        self.g_s.next.stalled = false;
        self.g_s.next.state = self.s_state.val();
        if !self.handshake.val()
            && (self.s_state.val() != self.st_syn_sent.val())
            && (self.s_state.val() != self.st_syn_received.val())
        {
            // Outside the handshake its word keeps the TSval it sent last (RFC 7323 §3).
            if self.ts_ok.val() {
                self.g_s.next.aux_kind = self.aux_ts.val();
                self.g_s.next.aux = self.tsval.val();
            } else if self.p_s.val().aux_kind == self.aux_hs.val() {
                self.g_s.next.aux_kind = self.aux_none.val();
                self.g_s.next.aux = self.zero32.val();
            }
        }
        // ---- the general path's receiver
        self.g_r.next = self.p_r.val();
        if self.f_ack.val() && self.taken.val() {
            if self.infer.val() {
                self.g_r.next.seq = self.sk_inferred.val();
                self.g_r.next.nxt = self.ack.val();
                self.g_r.next.max = self.ack.val();
            } else if self.advance.val() {
                self.g_r.next.nxt = self.ack.val();
            }
        }
        self.g_r.next.state = self.r_state.val();
        if (self.r_state.val() == self.st_syn_received.val())
            && (self.p_r.val().aux_kind != self.aux_hs.val())
        {
            // Entering SYN_RECEIVED: its silence is timed from now.
            self.g_r.next.aux_kind = self.aux_hs.val();
            self.g_r.next.aux = self.hs0_word.val();
        }

        // ---- the verdict and the entry: the model's paths in order (last assignment wins)
        self.verdict.next = self.v_tracked.val();
        self.reincarnated.next = false;
        self.fin_held.next = false;
        self.window_probe.next = false;
        self.handshake_lost.next = false;
        self.kept.next = true;
        self.entry_out.next = self.entry_in.val();
        if self.is_invalid.val() {
            self.verdict.next = self.v_invalid.val();
            self.entry_out.next.valid = self.hit.val() && self.entry_in.val().valid;
        } else if self.f_rst.val() && !self.hit.val() {
            self.verdict.next = self.v_untracked.val();
            self.entry_out.next.valid = false;
        } else if self.f_rst.val()
            || self.syn.cases.val().syn_done
            || self.syn.cases.val().synack_done
        {
            // The special paths: the stored entry with the endpoints they changed.
            if self.f_rst.val() {
                self.verdict.next = self.rst.code.val();
            } else if self.is_syn.val() {
                if self.syn.cases.val().tw_refuse {
                    self.verdict.next = self.v_tw_syn.val();
                } else if !(self.syn.cases.val().c1 || self.syn.cases.val().c2)
                    && (!self.syn.cases.val().c3 || self.syn.cases.val().c3_chal)
                {
                    self.verdict.next = self.v_syn_challenged.val();
                }
                self.handshake_lost.next = self.syn.cases.val().c1
                    || (self.syn.cases.val().c2 && self.syn.cases.val().c2_lost);
            } else if !(self.syn.cases.val().k1 || self.syn.cases.val().k2) {
                self.verdict.next = self.v_syn_challenged.val();
            } else {
                self.handshake_lost.next = self.syn.cases.val().k1;
            }
            if self.sender_is_lo.val() {
                self.entry_out.next.lo = self.special.sender_out.val();
                self.entry_out.next.hi = self.special.receiver_out.val();
            } else {
                self.entry_out.next.hi = self.special.sender_out.val();
                self.entry_out.next.lo = self.special.receiver_out.val();
            }
            if self.special.changed.val() {
                self.entry_out.next.last_seen = self.now.val();
            }
            self.kept.next = !self.special.changed.val();
        } else if self.unacc.val() {
            self.verdict.next = self.unacc_code.val();
        } else if self.bad.val() && !self.syn.cases.val().reinc {
            self.verdict.next = self.v_bad_ack.val();
        } else {
            self.reincarnated.next = self.syn.cases.val().reinc;
            self.fin_held.next = !self.handshake.val()
                && self.deliver.out.val().take
                && !self.deliver.out.val().in_seq
                && self.f_fin.val();
            self.window_probe.next =
                !self.handshake.val() && self.deliver.out.val().probe && self.taken.val();
            self.kept.next = false;
            self.entry_out.next.valid = true;
            if !self.hit.val() {
                self.entry_out.next.v6 = self.v6.val();
                self.entry_out.next.lo_ip = self.lo_ip.val();
                self.entry_out.next.lo_port = self.lo_port.val();
                self.entry_out.next.hi_ip = self.hi_ip.val();
                self.entry_out.next.hi_port = self.hi_port.val();
            }
            self.entry_out.next.client_is_lo = self.p_client_is_lo.val();
            self.entry_out.next.picked_up = self.p_picked_up.val();
            if self.sender_is_lo.val() {
                self.entry_out.next.lo = self.g_s.val();
                self.entry_out.next.hi = self.g_r.val();
            } else {
                self.entry_out.next.hi = self.g_s.val();
                self.entry_out.next.lo = self.g_r.val();
            }
            self.entry_out.next.last_seen = self.now.val();
        }

        // ---- states before, and which endpoints changed
        if self.sender_is_lo.val() {
            self.lo_before.next = self.b_s_state.val();
            self.hi_before.next = self.b_r_state.val();
        } else {
            self.lo_before.next = self.b_r_state.val();
            self.hi_before.next = self.b_s_state.val();
        }
        self.lo_changed.next = false;
        self.hi_changed.next = false;
        self.trk_out_lo.next = self.entry_out.val().lo;
        self.trk_out_hi.next = self.entry_out.val().hi;
        if !self.hit.val() && (self.is_invalid.val() || self.f_rst.val()) {
            self.lo_before.next = self.in_lo.val().state;
            self.hi_before.next = self.in_hi.val().state;
        } else {
            self.lo_changed.next = self.lo_before.val() != self.trk_out_lo.val().state;
            self.hi_changed.next = self.hi_before.val() != self.trk_out_hi.val().state;
        }
    }
}

pub fn connected_segment_apply() -> SegmentApply {
    let mut uut = SegmentApply::default();
    uut.entry_in.connect();
    uut.hit.connect();
    uut.sender_is_lo.connect();
    uut.seq.connect();
    uut.ack.connect();
    uut.seq_end.connect();
    uut.seq_plus1.connect();
    uut.seq_end_plus1.connect();
    uut.flags.connect();
    uut.flag_class.connect();
    uut.window.connect();
    uut.wscale.connect();
    uut.payload_len.connect();
    uut.tsval.connect();
    uut.ts_ok.connect();
    uut.v6.connect();
    uut.lo_ip.connect();
    uut.lo_port.connect();
    uut.hi_ip.connect();
    uut.hi_port.connect();
    uut.now.connect();
    uut
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::descriptor::SegmentDescriptor;
    use synscope_model::entry::Entry;
    use synscope_model::segment::{apply, open};
    use synscope_model::{Endpoint, FlowKey};

    #[test]
    fn segment_apply_is_synthesizable() {
        let mut uut = connected_segment_apply();
        uut.connect_all();
        yosys_validate("synscope_segment_apply", &generate_verilog(&uut)).unwrap();
    }

    /// rust-hdl's own simulator: a three-way handshake, one segment per step, against the model.
    #[test]
    fn segment_apply_handshake_in_rust_hdl_sim() {
        let key = FlowKey {
            lo: Endpoint::v4(0x0a00_0001, 40000),
            hi: Endpoint::v4(0x0a00_0002, 80),
        };
        let seg = |from_lo: bool, flags: u16, seq: u32, ack: u32| SegmentDescriptor {
            src: if from_lo { key.lo } else { key.hi },
            dst: if from_lo { key.hi } else { key.lo },
            seq,
            ack,
            flags: TcpFlags::new(flags),
            window: 64240,
            wscale: if flags & TcpFlags::SYN != 0 { 7 } else { 15 },
            payload_len: 0,
            tsval: Some(seq ^ 0x55),
            time: 5,
        };
        let segs = [
            seg(true, TcpFlags::SYN, 1000, 0),
            seg(false, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001),
            seg(true, TcpFlags::ACK, 1001, 5001),
        ];
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut sim: Sim<SegmentApply>| {
            let mut x = sim.init()?;
            let mut model: Option<Entry> = None;
            for d in segs {
                let class = d.flags.class();
                let sender_is_lo = d.src == key.lo;
                let sender = synscope_model::End::lo_if(sender_is_lo);
                x.hit.next = model.is_some();
                x.entry_in.next = model.map(|e| EntryBits::of(&e)).unwrap_or_default();
                x.sender_is_lo.next = sender_is_lo;
                x.seq.next = (d.seq as u64).to_bits();
                x.ack.next = (d.ack as u64).to_bits();
                x.seq_end.next = (d.seq_end() as u64).to_bits();
                x.seq_plus1.next = (d.seq.wrapping_add(1) as u64).to_bits();
                x.seq_end_plus1.next = (d.seq_end().wrapping_add(1) as u64).to_bits();
                x.flags.next = (d.flags.bits() as u64).to_bits();
                x.flag_class.next = (class as u8 as u64).to_bits();
                x.window.next = (d.window as u64).to_bits();
                x.wscale.next = (d.wscale as u64).to_bits();
                x.payload_len.next = (d.payload_len as u64).to_bits();
                x.tsval.next = (d.tsval.unwrap_or(0) as u64).to_bits();
                x.ts_ok.next = d.tsval.is_some();
                x.v6.next = key.is_v6();
                x.lo_ip.next = (key.lo.addr_bits() as u32 as u64).to_bits();
                x.lo_port.next = (key.lo.port as u64).to_bits();
                x.hi_ip.next = (key.hi.addr_bits() as u32 as u64).to_bits();
                x.hi_port.next = (key.hi.port as u64).to_bits();
                x.now.next = (d.time as u64).to_bits();
                x = sim.wait(1, x)?;
                let (mut e, created) = match model {
                    Some(e) => (e, false),
                    None => (open(key, sender, &d, class, d.time), true),
                };
                apply(&mut e, sender, &d, class, created, d.time);
                sim_assert_eq!(sim, x.entry_out.val(), EntryBits::of(&e), x);
                model = Some(e);
            }
            sim.done(x)
        });
        sim.run(Box::new(connected_segment_apply()), 100).unwrap();
    }
}
