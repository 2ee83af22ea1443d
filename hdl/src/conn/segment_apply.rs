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
//! The transition tables are built from `synscope_model::fsm::{SENDER, RECEIVER}` in `new()`:
//! each is four 128-bit constants (one per next-state bit) looked up with a variable bit-select
//! at address `{acks, class[1:0], state}` (state codes 11..15 map to themselves). A third table
//! is the sender's table after it took its peer's held FIN (`sender_next ∘ receiver_next(false,
//! FIN, ·)`, the model's two lookups in a row), so the sender's next state is one lookup. A
//! `ROM` sub-block would do the same, but its address is computed and its data read in this
//! block's one process, which Verilator takes for a combinational loop (UNOPTFLAT). State,
//! class and verdict codes are the model's discriminants.
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

use crate::conn::entry::{EntryBits, HandshakeClock, TrackBits, GAP_BITS, STATE_BITS, TIME_BITS};
use rust_hdl::prelude::*;
use synscope_model::descriptor::{WSCALE_MAX, WSCALE_NONE};
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

/// Address of the transition-table ROMs.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TableAddr {
    pub state: Bits<4>,
    /// The table class (`FlagClass` 0..=3).
    pub cls: Bits<2>,
    pub acks: Bit,
}

/// Address bits of a transition table.
pub const TABLE_ADDR_BITS: usize = 7;

/// Entries of a transition table.
pub const TABLE_ENTRIES: usize = 1 << TABLE_ADDR_BITS;

/// `table` after `receiver_next(false, FIN, ·)`: the sender's next state once it has taken its
/// peer's held FIN (`segment::apply`, "the sender took the receiver's held FIN").
pub fn after_peer_fin(table: &Table, receiver: &Table) -> Table {
    let mut t = *table;
    for (acks, by_class) in t.iter_mut().enumerate() {
        for (cls, row) in by_class.iter_mut().enumerate() {
            for (st, next) in row.iter_mut().enumerate() {
                let took = receiver[0][FlagClass::Fin as usize][st];
                *next = table[acks][cls][took as usize];
            }
        }
    }
    t
}

/// Contents of `table` by address `{acks, class, state}` → next state code (state codes 11..15
/// map to themselves).
pub fn table_contents(table: &Table) -> [u8; TABLE_ENTRIES] {
    let mut t = [0u8; TABLE_ENTRIES];
    for (a, v) in t.iter_mut().enumerate() {
        let (acks, cls, st) = (a >> 6, (a >> 4) & 3, a & 15);
        *v = if st < TcpState::COUNT {
            table[acks][cls][st] as u8
        } else {
            st as u8
        };
    }
    t
}

/// Bit `bit` of every next-state code of `table`, as one word indexed by address (one bit
/// plane of the table: the hardware looks a state bit up with a variable bit-select).
pub fn table_plane(table: &Table, bit: usize) -> Constant<Bits<TABLE_ENTRIES>> {
    let mut b = Bits::<TABLE_ENTRIES>::default();
    for (a, v) in table_contents(table).iter().enumerate() {
        b = b.replace_bit(a, v >> bit & 1 == 1);
    }
    Constant::new(b)
}

/// A bit position of `TcpFlags` as a constant index.
fn flag_bit(mask: u16) -> Constant<Bits<4>> {
    Constant::new((mask.trailing_zeros() as u64).to_bits())
}

fn state_code(s: TcpState) -> Constant<Bits<STATE_BITS>> {
    Constant::new((s as u8 as u64).to_bits())
}

fn class_code(c: FlagClass) -> Constant<Bits<3>> {
    Constant::new((c as u8 as u64).to_bits())
}

fn table_class(c: FlagClass) -> Constant<Bits<2>> {
    Constant::new((c as u8 as u64).to_bits())
}

fn verdict_code(v: u64) -> Constant<Bits<VERDICT_BITS>> {
    Constant::new(v.to_bits())
}

fn seq_code(s: SeqKnown) -> Constant<Bits<2>> {
    Constant::new((s as u8 as u64).to_bits())
}

fn c<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}

/// A state code assembled bit by bit (from the table planes).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct State4 {
    pub b0: Bit,
    pub b1: Bit,
    pub b2: Bit,
    pub b3: Bit,
}

/// A 16-bit value zero-extended to 32 bits (a `bit_cast` widening is a width mismatch in the
/// Verilog).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Zext32 {
    pub lo: Bits<16>,
    pub hi: Bits<16>,
}

/// The three tables, four bit planes each.
#[derive(Clone)]
struct Planes {
    sender: [Constant<Bits<TABLE_ENTRIES>>; 4],
    sender_fin: [Constant<Bits<TABLE_ENTRIES>>; 4],
    receiver: [Constant<Bits<TABLE_ENTRIES>>; 4],
}

impl Planes {
    fn of(sender: &Table, receiver: &Table) -> Planes {
        let s2 = after_peer_fin(sender, receiver);
        Planes {
            sender: [0, 1, 2, 3].map(|b| table_plane(sender, b)),
            sender_fin: [0, 1, 2, 3].map(|b| table_plane(&s2, b)),
            receiver: [0, 1, 2, 3].map(|b| table_plane(receiver, b)),
        }
    }
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
    // ---- transition tables: four bit planes each
    sender_plane0: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane1: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane2: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane3: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane0: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane1: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane2: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane3: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane0: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane1: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane2: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane3: Constant<Bits<TABLE_ENTRIES>>,
    s_addr: Signal<Local, TableAddr>,
    r_addr: Signal<Local, TableAddr>,
    s_addr_bits: Signal<Local, Bits<TABLE_ADDR_BITS>>,
    r_addr_bits: Signal<Local, Bits<TABLE_ADDR_BITS>>,
    s_next: Signal<Local, State4>,
    r_next: Signal<Local, State4>,
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
    // ---- the base endpoints: stored, or opened
    in_lo: Signal<Local, TrackBits>,
    in_hi: Signal<Local, TrackBits>,
    trk_out_lo: Signal<Local, TrackBits>,
    trk_out_hi: Signal<Local, TrackBits>,
    in_s: Signal<Local, TrackBits>,
    in_r: Signal<Local, TrackBits>,
    op_s: Signal<Local, TrackBits>,
    op_r: Signal<Local, TrackBits>,
    op_client_is_sender: Signal<Local, Bit>,
    src_port_lt: Signal<Local, Bit>,
    e0_s: Signal<Local, TrackBits>,
    e0_r: Signal<Local, TrackBits>,
    e0_picked_up: Signal<Local, Bit>,
    fresh: Constant<TrackBits>,
    // state decode of the base endpoints
    s_sync: Signal<Local, Bit>,
    r_sync: Signal<Local, Bit>,
    s_finished: Signal<Local, Bit>,
    r_finished: Signal<Local, Bit>,
    s_is_ss: Signal<Local, Bit>,
    s_is_sr: Signal<Local, Bit>,
    s_is_es: Signal<Local, Bit>,
    r_is_cl: Signal<Local, Bit>,
    r_is_li: Signal<Local, Bit>,
    r_is_ss: Signal<Local, Bit>,
    r_is_sr: Signal<Local, Bit>,
    r_is_tw: Signal<Local, Bit>,
    r_after_fin: Signal<Local, Bit>,
    s_seq_unknown: Signal<Local, Bit>,
    s_seq_seen: Signal<Local, Bit>,
    r_seq_unknown: Signal<Local, Bit>,
    r_seq_inferred: Signal<Local, Bit>,
    r_seq_seen: Signal<Local, Bit>,
    // ---- comparisons (`sgn_*`: a difference of which only the sign bit is read)
    sgn_snxt_seq: Signal<Local, Bits<32>>,
    sgn_snxt_end: Signal<Local, Bits<32>>,
    sgn_smax_end: Signal<Local, Bits<32>>,
    sgn_end_smax: Signal<Local, Bits<32>>,
    sgn_snxt_rright: Signal<Local, Bits<32>>,
    sgn_seq_right: Signal<Local, Bits<32>>,
    sgn_right_seq: Signal<Local, Bits<32>>,
    sgn_left_seq: Signal<Local, Bits<32>>,
    sgn_seq_snxt: Signal<Local, Bits<32>>,
    sgn_ack_rmax: Signal<Local, Bits<32>>,
    sgn_end_rleft: Signal<Local, Bits<32>>,
    sgn_rmax_ack: Signal<Local, Bits<32>>,
    sgn_ack_rnxt: Signal<Local, Bits<32>>,
    sgn_rnxt_ack: Signal<Local, Bits<32>>,
    sgn_sleft_ack: Signal<Local, Bits<32>>,
    sgn_sright_wright: Signal<Local, Bits<32>>,
    sgn_saux_ts: Signal<Local, Bits<32>>,
    seq_gt_snxt: Signal<Local, Bit>,
    end_gt_snxt: Signal<Local, Bit>,
    end_gt_smax: Signal<Local, Bit>,
    end_lt_smax: Signal<Local, Bit>,
    rright_gt_snxt: Signal<Local, Bit>,
    seq_lt_right: Signal<Local, Bit>,
    seq_gt_right: Signal<Local, Bit>,
    seq_ge_left: Signal<Local, Bit>,
    seq_le_right: Signal<Local, Bit>,
    seq_le_snxt: Signal<Local, Bit>,
    ack_le_rmax: Signal<Local, Bit>,
    end_lt_rleft: Signal<Local, Bit>,
    ack_gt_rmax: Signal<Local, Bit>,
    ack_lt_rnxt: Signal<Local, Bit>,
    ack_gt_rnxt: Signal<Local, Bit>,
    seq_eq_snxt: Signal<Local, Bit>,
    seq1_eq_snxt: Signal<Local, Bit>,
    end_eq_smax: Signal<Local, Bit>,
    end1_eq_smax: Signal<Local, Bit>,
    ack_eq_rmax: Signal<Local, Bit>,
    // ---- windows
    /// `right_edge(s, r)` when `r` has a window.
    re: Signal<Local, Bits<32>>,
    /// The right edge the RST check uses (an unknown window is the largest unscaled one).
    right: Signal<Local, Bits<32>>,
    left: Signal<Local, Bits<32>>,
    /// `tcp_in_window(seq, end, s.nxt, right)`.
    tiw: Signal<Local, Bit>,
    // ---- the fifth check, on the base receiver
    r_hs: Signal<Local, Bit>,
    bad: Signal<Local, Bit>,
    acks0: Signal<Local, Bit>,
    taken0: Signal<Local, Bit>,
    same: Signal<Local, Bit>,
    // ---- RST
    rst_code: Signal<Local, Bits<VERDICT_BITS>>,
    rst_acc: Signal<Local, Bit>,
    rst_close_s: Signal<Local, Bit>,
    // ---- SYN / SYN-ACK cases
    tw_takes: Signal<Local, Bit>,
    tw_refuse: Signal<Local, Bit>,
    reinc: Signal<Local, Bit>,
    c1: Signal<Local, Bit>,
    c2: Signal<Local, Bit>,
    c2_lost: Signal<Local, Bit>,
    c3: Signal<Local, Bit>,
    c3_chal: Signal<Local, Bit>,
    c4: Signal<Local, Bit>,
    syn_done: Signal<Local, Bit>,
    k1: Signal<Local, Bit>,
    k2: Signal<Local, Bit>,
    synack_done: Signal<Local, Bit>,
    // ---- handshake clocks
    gap_raw: Signal<Local, Bits<TIME_BITS>>,
    gap: Signal<Local, Bits<GAP_BITS>>,
    trk_s_clock: Signal<Local, HandshakeClock>,
    hs_clock: Signal<Local, HandshakeClock>,
    hs0_clock: Signal<Local, HandshakeClock>,
    hs_word: Signal<Local, Bits<32>>,
    hs0_word: Signal<Local, Bits<32>>,
    // ---- the special paths' entry
    x_s: Signal<Local, TrackBits>,
    x_r: Signal<Local, TrackBits>,
    x_mod: Signal<Local, Bit>,
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
    // deliver
    in_seq: Signal<Local, Bit>,
    queued: Signal<Local, Bit>,
    dl_go: Signal<Local, Bit>,
    dl_probe: Signal<Local, Bit>,
    dl_do: Signal<Local, Bit>,
    fin1: Signal<Local, Bit>,
    max1: Signal<Local, Bits<32>>,
    nxt1: Signal<Local, Bits<32>>,
    jump: Signal<Local, Bit>,
    fin_now: Signal<Local, Bit>,
    fin_genuine: Signal<Local, Bit>,
    // window
    s_ws_none: Signal<Local, Bit>,
    r_ws_none: Signal<Local, Bit>,
    shift: Signal<Local, Bits<4>>,
    wnd32: Signal<Local, Zext32>,
    wnd: Signal<Local, Bits<32>>,
    w_right: Signal<Local, Bits<32>>,
    newer: Signal<Local, Bit>,
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
    st_closed: Constant<Bits<STATE_BITS>>,
    st_listen: Constant<Bits<STATE_BITS>>,
    st_syn_sent: Constant<Bits<STATE_BITS>>,
    st_syn_received: Constant<Bits<STATE_BITS>>,
    st_established: Constant<Bits<STATE_BITS>>,
    st_close_wait: Constant<Bits<STATE_BITS>>,
    st_closing: Constant<Bits<STATE_BITS>>,
    st_last_ack: Constant<Bits<STATE_BITS>>,
    st_time_wait: Constant<Bits<STATE_BITS>>,
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
    ws_none: Constant<Bits<4>>,
    ws_max: Constant<Bits<4>>,
    sk_unknown: Constant<Bits<2>>,
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
    v_rst_exact: Constant<Bits<VERDICT_BITS>>,
    v_rst_in_window: Constant<Bits<VERDICT_BITS>>,
    v_rst_out_of_window: Constant<Bits<VERDICT_BITS>>,
    v_rst_unverified: Constant<Bits<VERDICT_BITS>>,
    v_out_of_window: Constant<Bits<VERDICT_BITS>>,
    v_old: Constant<Bits<VERDICT_BITS>>,
    v_bad_ack: Constant<Bits<VERDICT_BITS>>,
    v_tw_syn: Constant<Bits<VERDICT_BITS>>,
    zero32: Constant<Bits<32>>,
    zero16: Constant<Bits<16>>,
    zero12: Constant<Bits<GAP_BITS>>,
    zero4: Constant<Bits<4>>,
    max_unscaled: Constant<Bits<32>>,
}

impl SegmentApply {
    /// The same block with other transition tables. Only the planted-bug check uses it
    /// (`make planted-bug`: a copy of a rule with one cell changed must be caught by the
    /// differential test); the design's tables are always `fsm::SENDER` / `fsm::RECEIVER`.
    pub fn with_tables(sender: &Table, receiver: &Table) -> Self {
        Self::of_planes(Planes::of(sender, receiver))
    }

    fn of_planes(p: Planes) -> Self {
        let [s0, s1, s2, s3] = p.sender;
        let [f0, f1, f2, f3] = p.sender_fin;
        let [r0, r1, r2, r3] = p.receiver;
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
            sender_plane0: s0,
            sender_plane1: s1,
            sender_plane2: s2,
            sender_plane3: s3,
            sender_fin_plane0: f0,
            sender_fin_plane1: f1,
            sender_fin_plane2: f2,
            sender_fin_plane3: f3,
            receiver_plane0: r0,
            receiver_plane1: r1,
            receiver_plane2: r2,
            receiver_plane3: r3,
            s_addr: Default::default(),
            r_addr: Default::default(),
            s_addr_bits: Default::default(),
            r_addr_bits: Default::default(),
            s_next: Default::default(),
            r_next: Default::default(),
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
            in_s: Default::default(),
            in_r: Default::default(),
            op_s: Default::default(),
            op_r: Default::default(),
            op_client_is_sender: Default::default(),
            src_port_lt: Default::default(),
            e0_s: Default::default(),
            e0_r: Default::default(),
            e0_picked_up: Default::default(),
            fresh: Constant::new(TrackBits {
                state: (TcpState::Closed as u64).to_bits(),
                wscale: (WSCALE_NONE as u64).to_bits(),
                ..Default::default()
            }),
            s_sync: Default::default(),
            r_sync: Default::default(),
            s_finished: Default::default(),
            r_finished: Default::default(),
            s_is_ss: Default::default(),
            s_is_sr: Default::default(),
            s_is_es: Default::default(),
            r_is_cl: Default::default(),
            r_is_li: Default::default(),
            r_is_ss: Default::default(),
            r_is_sr: Default::default(),
            r_is_tw: Default::default(),
            r_after_fin: Default::default(),
            s_seq_unknown: Default::default(),
            s_seq_seen: Default::default(),
            r_seq_unknown: Default::default(),
            r_seq_inferred: Default::default(),
            r_seq_seen: Default::default(),
            sgn_snxt_seq: Default::default(),
            sgn_snxt_end: Default::default(),
            sgn_smax_end: Default::default(),
            sgn_end_smax: Default::default(),
            sgn_snxt_rright: Default::default(),
            sgn_seq_right: Default::default(),
            sgn_right_seq: Default::default(),
            sgn_left_seq: Default::default(),
            sgn_seq_snxt: Default::default(),
            sgn_ack_rmax: Default::default(),
            sgn_end_rleft: Default::default(),
            sgn_rmax_ack: Default::default(),
            sgn_ack_rnxt: Default::default(),
            sgn_rnxt_ack: Default::default(),
            sgn_sleft_ack: Default::default(),
            sgn_sright_wright: Default::default(),
            sgn_saux_ts: Default::default(),
            seq_gt_snxt: Default::default(),
            end_gt_snxt: Default::default(),
            end_gt_smax: Default::default(),
            end_lt_smax: Default::default(),
            rright_gt_snxt: Default::default(),
            seq_lt_right: Default::default(),
            seq_gt_right: Default::default(),
            seq_ge_left: Default::default(),
            seq_le_right: Default::default(),
            seq_le_snxt: Default::default(),
            ack_le_rmax: Default::default(),
            end_lt_rleft: Default::default(),
            ack_gt_rmax: Default::default(),
            ack_lt_rnxt: Default::default(),
            ack_gt_rnxt: Default::default(),
            seq_eq_snxt: Default::default(),
            seq1_eq_snxt: Default::default(),
            end_eq_smax: Default::default(),
            end1_eq_smax: Default::default(),
            ack_eq_rmax: Default::default(),
            re: Default::default(),
            right: Default::default(),
            left: Default::default(),
            tiw: Default::default(),
            r_hs: Default::default(),
            bad: Default::default(),
            acks0: Default::default(),
            taken0: Default::default(),
            same: Default::default(),
            rst_code: Default::default(),
            rst_acc: Default::default(),
            rst_close_s: Default::default(),
            tw_takes: Default::default(),
            tw_refuse: Default::default(),
            reinc: Default::default(),
            c1: Default::default(),
            c2: Default::default(),
            c2_lost: Default::default(),
            c3: Default::default(),
            c3_chal: Default::default(),
            c4: Default::default(),
            syn_done: Default::default(),
            k1: Default::default(),
            k2: Default::default(),
            synack_done: Default::default(),
            gap_raw: Default::default(),
            gap: Default::default(),
            trk_s_clock: Default::default(),
            hs_clock: Default::default(),
            hs0_clock: Default::default(),
            hs_word: Default::default(),
            hs0_word: Default::default(),
            x_s: Default::default(),
            x_r: Default::default(),
            x_mod: Default::default(),
            p_s: Default::default(),
            p_r: Default::default(),
            p_client_is_lo: Default::default(),
            p_picked_up: Default::default(),
            unacc: Default::default(),
            unacc_code: Default::default(),
            acks: Default::default(),
            taken: Default::default(),
            same_g: Default::default(),
            in_seq: Default::default(),
            queued: Default::default(),
            dl_go: Default::default(),
            dl_probe: Default::default(),
            dl_do: Default::default(),
            fin1: Default::default(),
            max1: Default::default(),
            nxt1: Default::default(),
            jump: Default::default(),
            fin_now: Default::default(),
            fin_genuine: Default::default(),
            s_ws_none: Default::default(),
            r_ws_none: Default::default(),
            shift: Default::default(),
            wnd32: Default::default(),
            wnd: Default::default(),
            w_right: Default::default(),
            newer: Default::default(),
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
            st_closed: state_code(TcpState::Closed),
            st_listen: state_code(TcpState::Listen),
            st_syn_sent: state_code(TcpState::SynSent),
            st_syn_received: state_code(TcpState::SynReceived),
            st_established: state_code(TcpState::Established),
            st_close_wait: state_code(TcpState::CloseWait),
            st_closing: state_code(TcpState::Closing),
            st_last_ack: state_code(TcpState::LastAck),
            st_time_wait: state_code(TcpState::TimeWait),
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
            ws_none: c(WSCALE_NONE as u64),
            ws_max: c(WSCALE_MAX as u64),
            sk_unknown: seq_code(SeqKnown::Unknown),
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
            v_rst_exact: verdict_code(V_RST + rst_code(RstClass::Exact)),
            v_rst_in_window: verdict_code(V_RST + rst_code(RstClass::InWindow)),
            v_rst_out_of_window: verdict_code(V_RST + rst_code(RstClass::OutOfWindow)),
            v_rst_unverified: verdict_code(V_RST + rst_code(RstClass::Unverified)),
            v_out_of_window: verdict_code(V_UNACCEPTABLE + reject_code(Reject::OutOfWindow)),
            v_old: verdict_code(V_UNACCEPTABLE + reject_code(Reject::Old)),
            v_bad_ack: verdict_code(V_UNACCEPTABLE + reject_code(Reject::BadAck)),
            v_tw_syn: verdict_code(V_UNACCEPTABLE + reject_code(Reject::TimeWaitSyn)),
            zero32: c(0),
            zero16: c(0),
            zero12: c(0),
            zero4: c(0),
            max_unscaled: c(u16::MAX as u64),
        }
    }
}

impl Default for SegmentApply {
    fn default() -> Self {
        Self::of_planes(Planes::of(&SENDER, &RECEIVER))
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

        // ---- the stored entry as sender / receiver
        self.in_lo.next = self.entry_in.val().lo;
        self.in_hi.next = self.entry_in.val().hi;
        if self.sender_is_lo.val() {
            self.in_s.next = self.in_lo.val();
            self.in_r.next = self.in_hi.val();
        } else {
            self.in_s.next = self.in_hi.val();
            self.in_r.next = self.in_lo.val();
        }

        // ---- `open`: both ends fresh, then by class
        self.op_s.next = self.fresh.val();
        self.op_r.next = self.fresh.val();
        if self.sender_is_lo.val() {
            self.src_port_lt.next = self.lo_port.val() < self.hi_port.val();
        } else {
            self.src_port_lt.next = self.hi_port.val() < self.lo_port.val();
        }
        self.op_client_is_sender.next = true;
        if self.is_synack.val() {
            // The client's SYN was not seen: it is SYN_SENT, the SYN-ACK's ACK says where its
            // stream stands; the server was listening.
            self.op_r.next.state = self.st_syn_sent.val();
            self.op_r.next.seq = self.sk_inferred.val();
            self.op_r.next.nxt = self.ack.val();
            self.op_r.next.max = self.ack.val();
            self.op_s.next.state = self.st_listen.val();
            self.op_client_is_sender.next = false;
        } else if !self.is_syn.val() {
            // Mid-stream pickup.
            self.op_s.next.state = self.st_established.val();
            self.op_r.next.state = self.st_established.val();
            self.op_s.next.seq = self.sk_inferred.val();
            self.op_s.next.nxt = self.seq.val();
            self.op_s.next.max = self.seq.val();
            if self.f_ack.val() {
                self.op_r.next.seq = self.sk_inferred.val();
                self.op_r.next.nxt = self.ack.val();
                self.op_r.next.max = self.ack.val();
            }
            self.op_client_is_sender.next = !self.src_port_lt.val();
        }
        if self.hit.val() {
            self.e0_s.next = self.in_s.val();
            self.e0_r.next = self.in_r.val();
            self.e0_picked_up.next = self.entry_in.val().picked_up;
        } else {
            self.e0_s.next = self.op_s.val();
            self.e0_r.next = self.op_r.val();
            self.e0_picked_up.next = !self.is_syn.val();
        }
        self.b_s_state.next = self.e0_s.val().state;
        self.b_r_state.next = self.e0_r.val().state;

        // ---- state decode of the base endpoints
        self.s_sync.next = self.e0_s.val().state >= self.st_established.val();
        self.r_sync.next = self.e0_r.val().state >= self.st_established.val();
        self.s_finished.next = (self.e0_s.val().state == self.st_closed.val())
            || (self.e0_s.val().state == self.st_time_wait.val());
        self.r_finished.next = (self.e0_r.val().state == self.st_closed.val())
            || (self.e0_r.val().state == self.st_time_wait.val());
        self.s_is_ss.next = self.e0_s.val().state == self.st_syn_sent.val();
        self.s_is_sr.next = self.e0_s.val().state == self.st_syn_received.val();
        self.s_is_es.next = self.e0_s.val().state == self.st_established.val();
        self.r_is_cl.next = self.e0_r.val().state == self.st_closed.val();
        self.r_is_li.next = self.e0_r.val().state == self.st_listen.val();
        self.r_is_ss.next = self.e0_r.val().state == self.st_syn_sent.val();
        self.r_is_sr.next = self.e0_r.val().state == self.st_syn_received.val();
        self.r_is_tw.next = self.e0_r.val().state == self.st_time_wait.val();
        self.r_after_fin.next = (self.e0_r.val().state == self.st_close_wait.val())
            || (self.e0_r.val().state == self.st_closing.val())
            || (self.e0_r.val().state == self.st_last_ack.val());
        self.s_seq_unknown.next = self.e0_s.val().seq == self.sk_unknown.val();
        self.s_seq_seen.next = self.e0_s.val().seq == self.sk_seen.val();
        self.r_seq_unknown.next = self.e0_r.val().seq == self.sk_unknown.val();
        self.r_seq_inferred.next = self.e0_r.val().seq == self.sk_inferred.val();
        self.r_seq_seen.next = self.e0_r.val().seq == self.sk_seen.val();

        // ---- sequence comparisons (RFC 9293 §3.4, modulo 2^32: the sign of a difference).
        // Each is the model's own (`seq_lt(a, b)`: a − b < 0; `seq_le(a, b)`: a − b ≤ 0): at
        // exactly 2^31 apart `seq_le(a, b)` and `seq_gt(a, b)` are both true, so no comparison
        // is taken as another's negation.
        self.seq_eq_snxt.next = self.seq.val() == self.e0_s.val().nxt;
        self.seq1_eq_snxt.next = self.seq_plus1.val() == self.e0_s.val().nxt;
        self.end_eq_smax.next = self.seq_end.val() == self.e0_s.val().max;
        self.end1_eq_smax.next = self.seq_end_plus1.val() == self.e0_s.val().max;
        self.ack_eq_rmax.next = self.ack.val() == self.e0_r.val().max;
        self.sgn_snxt_seq.next = self.e0_s.val().nxt - self.seq.val();
        self.seq_gt_snxt.next = self.sgn_snxt_seq.val().get_bit(31);
        self.sgn_snxt_end.next = self.e0_s.val().nxt - self.seq_end.val();
        self.end_gt_snxt.next = self.sgn_snxt_end.val().get_bit(31);
        self.sgn_smax_end.next = self.e0_s.val().max - self.seq_end.val();
        self.end_gt_smax.next = self.sgn_smax_end.val().get_bit(31);
        self.sgn_end_smax.next = self.seq_end.val() - self.e0_s.val().max;
        self.end_lt_smax.next = self.sgn_end_smax.val().get_bit(31);
        self.sgn_rmax_ack.next = self.e0_r.val().max - self.ack.val();
        self.ack_gt_rmax.next = self.sgn_rmax_ack.val().get_bit(31);
        self.sgn_ack_rnxt.next = self.ack.val() - self.e0_r.val().nxt;
        self.ack_lt_rnxt.next = self.sgn_ack_rnxt.val().get_bit(31);
        self.sgn_rnxt_ack.next = self.e0_r.val().nxt - self.ack.val();
        self.ack_gt_rnxt.next = self.sgn_rnxt_ack.val().get_bit(31);
        self.sgn_ack_rmax.next = self.ack.val() - self.e0_r.val().max;
        self.ack_le_rmax.next = self.sgn_ack_rmax.val().get_bit(31) || self.ack_eq_rmax.val();
        self.sgn_seq_snxt.next = self.seq.val() - self.e0_s.val().nxt;
        self.seq_le_snxt.next = self.sgn_seq_snxt.val().get_bit(31) || self.seq_eq_snxt.val();

        // ---- the receiver's window for the sender's stream: `right_edge(s, r)`, never left of
        // s.nxt; the RST check takes an unknown window as the largest unscaled one.
        self.sgn_snxt_rright.next = self.e0_s.val().nxt - self.e0_r.val().wnd_right;
        self.rright_gt_snxt.next = self.sgn_snxt_rright.val().get_bit(31);
        self.re.next = self.e0_s.val().nxt;
        if self.rright_gt_snxt.val() {
            self.re.next = self.e0_r.val().wnd_right;
        }
        self.right.next = self.e0_s.val().nxt + self.max_unscaled.val();
        self.left.next = self.e0_s.val().nxt;
        if self.e0_r.val().wnd_known {
            self.right.next = self.re.val();
            self.left.next = self.e0_r.val().wnd_left;
        }
        self.sgn_seq_right.next = self.seq.val() - self.right.val();
        self.seq_lt_right.next = self.sgn_seq_right.val().get_bit(31);
        self.sgn_right_seq.next = self.right.val() - self.seq.val();
        self.seq_gt_right.next = self.sgn_right_seq.val().get_bit(31);
        self.sgn_left_seq.next = self.left.val() - self.seq.val();
        self.seq_ge_left.next =
            self.sgn_left_seq.val().get_bit(31) || (self.seq.val() == self.left.val());
        self.seq_le_right.next =
            self.sgn_seq_right.val().get_bit(31) || (self.seq.val() == self.right.val());
        self.sgn_end_rleft.next = self.seq_end.val() - self.e0_r.val().wnd_left;
        self.end_lt_rleft.next = self.sgn_end_rleft.val().get_bit(31);
        // `tcp_in_window(seq, end, s.nxt, right)` (Linux tcp_minisocks.c).
        self.tiw.next = self.seq_eq_snxt.val()
            || (self.end_gt_snxt.val() && self.seq_lt_right.val())
            || ((self.seq.val() == self.right.val()) && self.len_zero.val());

        // ---- fifth check on the base receiver (`check_ack`)
        self.r_hs.next = self.r_is_ss.val() || self.r_is_sr.val();
        self.bad.next = self.f_ack.val()
            && self.r_seq_seen.val()
            && (self.ack_gt_rmax.val() || (self.r_hs.val() && self.ack_lt_rnxt.val()));
        self.acks0.next = self.f_ack.val()
            && !self.bad.val()
            && (self.r_hs.val()
                || (self.e0_r.val().fin && self.ack_eq_rmax.val() && !self.r_seq_unknown.val()));
        // `takes_handshake`: a stalled receiver does not take the peer's handshake.
        self.taken0.next = !(self.e0_r.val().stalled
            && (((self.r_is_cl.val() || self.r_is_li.val()) && self.is_syn.val())
                || (self.r_is_ss.val() && self.is_synack.val())
                || self.r_is_sr.val()));
        // `same_isn`: a retransmission of the sender's SYN (SYN-ACK).
        self.same.next = self.hit.val()
            && self.s_seq_seen.val()
            && (self.seq1_eq_snxt.val() || self.end_eq_smax.val());

        // ---- RST (`classify_rst`)
        if self.r_is_ss.val() {
            if self.f_ack.val() && !self.bad.val() {
                self.rst_code.next = self.v_rst_exact.val();
            } else {
                self.rst_code.next = self.v_rst_out_of_window.val();
            }
        } else if self.s_seq_unknown.val() {
            self.rst_code.next = self.v_rst_unverified.val();
        } else if self.seq_eq_snxt.val() || (self.r_after_fin.val() && self.seq1_eq_snxt.val()) {
            // RCV.NXT, or RCV.NXT − 1 once a FIN was received (tcp_reset_check).
            self.rst_code.next = self.v_rst_exact.val();
        } else if self.r_is_sr.val() {
            if self.tiw.val() {
                self.rst_code.next = self.v_rst_exact.val();
            } else {
                self.rst_code.next = self.v_rst_out_of_window.val();
            }
        } else if self.seq_ge_left.val() && self.seq_le_right.val() {
            self.rst_code.next = self.v_rst_in_window.val();
        } else {
            self.rst_code.next = self.v_rst_out_of_window.val();
        }
        self.rst_acc.next = (self.rst_code.val() == self.v_rst_exact.val())
            || (self.rst_code.val() == self.v_rst_unverified.val());
        // An endpoint that only ever answered with RST holds no connection.
        self.rst_close_s.next = !self.rst_acc.val()
            && self.s_seq_unknown.val()
            && !self.s_sync.val()
            && (self.e0_s.val().state != self.st_closed.val());

        // ---- a SYN's cases (`syn_case`), when the entry exists
        self.sgn_saux_ts.next = self.e0_s.val().aux - self.tsval.val();
        self.tw_takes.next = self.seq_gt_snxt.val()
            || (self.ts_ok.val()
                && (self.e0_s.val().aux_kind == self.aux_ts.val())
                && self.sgn_saux_ts.val().get_bit(31));
        self.tw_refuse.next = self.s_finished.val()
            && self.r_finished.val()
            && self.r_is_tw.val()
            && !self.tw_takes.val();
        self.reinc.next = self.hit.val()
            && self.is_syn.val()
            && self.s_finished.val()
            && self.r_finished.val()
            && !self.tw_refuse.val();
        self.c1.next = self.s_is_es.val() && self.r_is_sr.val() && self.same.val();
        self.c2.next = self.s_is_ss.val()
            && (self.r_is_sr.val() || self.r_is_cl.val() || self.r_is_li.val())
            && self.same.val();
        self.c2_lost.next = self.r_is_sr.val() && self.r_seq_unknown.val();
        self.c3.next = self.s_is_ss.val() && self.r_is_sr.val() && self.r_seq_seen.val();
        self.c3_chal.next = self.e0_r.val().wnd_known && !self.tiw.val();
        self.c4.next = self.s_sync.val() || self.r_sync.val();
        self.syn_done.next = self.hit.val()
            && self.is_syn.val()
            && (self.tw_refuse.val()
                || (!(self.s_finished.val() && self.r_finished.val())
                    && (self.c1.val() || self.c2.val() || self.c3.val() || self.c4.val())));
        // ---- a SYN-ACK's cases (`synack_case`), to a synchronized receiver
        self.k1.next = self.s_is_es.val() && self.same.val();
        self.k2.next = self.s_is_sr.val() && self.same.val();
        self.synack_done.next = self.hit.val() && self.is_synack.val() && self.r_sync.val();

        // ---- handshake clocks: the retransmission clock after the sender's SYN (SYN-ACK)
        self.trk_s_clock.next = self.e0_s.val().aux.into();
        self.gap_raw.next = self.now.val() - self.trk_s_clock.val().at;
        self.gap.next = self.zero12.val();
        if self.same.val() && !self.reinc.val() && (self.e0_s.val().aux_kind == self.aux_hs.val()) {
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
        self.x_s.next = self.e0_s.val();
        self.x_r.next = self.e0_r.val();
        self.x_mod.next = false;
        if self.f_rst.val() {
            if self.rst_acc.val() {
                // The receiver resets; the sender aborted.
                self.x_s.next.state = self.st_closed.val();
                self.x_s.next.aux_kind = self.aux_none.val();
                self.x_s.next.aux = self.zero32.val();
                self.x_r.next.state = self.st_closed.val();
                self.x_r.next.aux_kind = self.aux_none.val();
                self.x_r.next.aux = self.zero32.val();
                self.x_mod.next = true;
            } else if self.rst_close_s.val() {
                self.x_s.next.state = self.st_closed.val();
                self.x_s.next.aux_kind = self.aux_none.val();
                self.x_s.next.aux = self.zero32.val();
                self.x_mod.next = true;
            }
        } else if self.is_syn.val() {
            if self.c1.val() {
                // The SYN-ACK did not arrive: the client is still SYN_SENT.
                self.x_s.next.aux_kind = self.aux_hs.val();
                self.x_s.next.aux = self.hs_word.val();
                self.x_s.next.state = self.st_syn_sent.val();
                self.x_s.next.stalled = true;
                self.x_mod.next = true;
            } else if self.c2.val() {
                self.x_s.next.aux_kind = self.aux_hs.val();
                self.x_s.next.aux = self.hs_word.val();
                self.x_mod.next = true;
                if self.c2_lost.val() {
                    // SYNs re-sent and never answered: no SYN_RECEIVED.
                    self.x_r.next.state = self.st_closed.val();
                    self.x_r.next.stalled = true;
                    self.x_r.next.aux_kind = self.aux_none.val();
                    self.x_r.next.aux = self.zero32.val();
                }
            } else if self.c3.val() && !self.c3_chal.val() {
                // A new ISN in a request socket's window resets it (tcp_check_req).
                self.x_r.next.state = self.st_closed.val();
                self.x_r.next.aux_kind = self.aux_none.val();
                self.x_r.next.aux = self.zero32.val();
                self.x_s.next.seq = self.sk_seen.val();
                self.x_s.next.nxt = self.seq_plus1.val();
                self.x_s.next.max = self.seq_end.val();
                self.x_s.next.wscale = self.wscale.val();
                self.x_s.next.aux_kind = self.aux_hs.val();
                self.x_s.next.aux = self.hs0_word.val();
                self.x_mod.next = true;
            }
        } else if self.is_synack.val() && self.k1.val() {
            // The peer's ACK was not taken: the sender is still SYN_RECEIVED.
            self.x_s.next.aux_kind = self.aux_hs.val();
            self.x_s.next.aux = self.hs_word.val();
            self.x_s.next.state = self.st_syn_received.val();
            self.x_s.next.stalled = true;
            self.x_mod.next = true;
        } else if self.is_synack.val() && self.k2.val() {
            self.x_s.next.aux_kind = self.aux_hs.val();
            self.x_s.next.aux = self.hs_word.val();
            self.x_mod.next = true;
        }

        // ---- the general path: a reincarnation starts from two fresh endpoints
        self.p_s.next = self.e0_s.val();
        self.p_r.next = self.e0_r.val();
        self.p_picked_up.next = self.e0_picked_up.val();
        if self.hit.val() {
            self.p_client_is_lo.next = self.entry_in.val().client_is_lo;
        } else {
            self.p_client_is_lo.next = !(self.op_client_is_sender.val() ^ self.sender_is_lo.val());
        }
        if self.reinc.val() {
            self.p_s.next = self.fresh.val();
            self.p_r.next = self.fresh.val();
            self.p_client_is_lo.next = self.sender_is_lo.val();
            self.p_picked_up.next = false;
        }
        // First check (`unacceptable`), not for a SYN or SYN-ACK.
        self.unacc.next = !self.handshake.val()
            && (self.r_sync.val() || self.r_is_sr.val())
            && !self.s_seq_unknown.val()
            && self.e0_r.val().wnd_known
            && ((self.r_is_sr.val() && !self.tiw.val())
                || (!self.r_is_sr.val() && (self.seq_gt_right.val() || self.end_lt_rleft.val())));
        if self.r_is_sr.val() || self.seq_gt_right.val() {
            self.unacc_code.next = self.v_out_of_window.val();
        } else {
            self.unacc_code.next = self.v_old.val();
        }
        self.acks.next = self.acks0.val() && !self.reinc.val();
        self.taken.next = self.taken0.val() || self.reinc.val();
        self.same_g.next = self.same.val() && !self.reinc.val();

        // ---- deliver (seventh and eighth checks), on the base sender
        self.in_seq.next = self.seq_le_snxt.val() && self.end_gt_snxt.val();
        self.queued.next =
            self.seq_gt_snxt.val() && (!self.e0_r.val().wnd_known || self.seq_lt_right.val());
        self.dl_go.next = !self.len_zero.val()
            && (self.in_seq.val() || self.queued.val())
            && !(self.e0_s.val().fin && (self.e0_s.val().nxt == self.e0_s.val().max));
        // A closed window (right edge at s.nxt) takes no data but a bare FIN.
        self.dl_probe.next = self.dl_go.val()
            && self.in_seq.val()
            && self.e0_r.val().wnd_known
            && !self.rright_gt_snxt.val()
            && (!self.f_fin.val() || self.plen_nz.val());
        self.dl_do.next = self.dl_go.val() && !self.dl_probe.val() && self.taken.val();
        // Data past a held FIN: that FIN was not the end of the stream.
        self.fin1.next = (self.e0_s.val().fin && !self.end_gt_smax.val()) || self.f_fin.val();
        self.max1.next = self.e0_s.val().max;
        if self.end_gt_smax.val() {
            self.max1.next = self.seq_end.val();
        }
        // In sequence up to just before a held FIN: the FIN takes effect now.
        self.jump.next = !self.end_gt_smax.val() && self.fin1.val() && self.end1_eq_smax.val();
        self.nxt1.next = self.e0_s.val().nxt;
        if self.in_seq.val() {
            self.nxt1.next = self.seq_end.val();
            if self.jump.val() {
                self.nxt1.next = self.e0_s.val().max;
            }
        }
        self.fin_now.next = !self.handshake.val()
            && self.dl_do.val()
            && self.in_seq.val()
            && ((self.end_gt_smax.val() && self.f_fin.val())
                || (!self.end_gt_smax.val()
                    && self.fin1.val()
                    && (self.end1_eq_smax.val() || self.end_eq_smax.val())));
        self.fin_genuine.next = self.f_fin.val() && !self.end_lt_smax.val();

        // ---- the sender's receive window (RFC 7323 §2: scaled after the SYNs)
        self.s_ws_none.next = self.e0_s.val().wscale == self.ws_none.val();
        self.r_ws_none.next = self.e0_r.val().wscale == self.ws_none.val();
        if self.e0_picked_up.val() && (self.s_ws_none.val() || self.r_ws_none.val()) {
            self.shift.next = self.ws_max.val();
        } else if !self.s_ws_none.val() && !self.r_ws_none.val() {
            self.shift.next = self.e0_s.val().wscale;
        } else {
            self.shift.next = self.zero4.val();
        }
        self.wnd32.next.lo = self.window.val();
        self.wnd32.next.hi = self.zero16.val();
        if self.handshake.val() {
            self.wnd.next = self.wnd32.val().into();
        } else {
            self.wnd.next = bit_cast::<32, 32>(self.wnd32.val().into()) << self.shift.val();
        }
        self.w_right.next = self.ack.val() + self.wnd.val();
        self.sgn_sleft_ack.next = self.e0_s.val().wnd_left - self.ack.val();
        self.sgn_sright_wright.next = self.e0_s.val().wnd_right - self.w_right.val();
        self.newer.next = self.reinc.val()
            || !self.e0_s.val().wnd_known
            || self.sgn_sleft_ack.val().get_bit(31)
            || ((self.ack.val() == self.e0_s.val().wnd_left)
                && self.sgn_sright_wright.val().get_bit(31));

        // ---- the sender's ACK: how far it has received the receiver's stream
        self.infer.next = self.reinc.val()
            || self.r_seq_unknown.val()
            || (self.r_seq_inferred.val() && self.ack_gt_rmax.val());
        self.advance.next = !self.infer.val() && self.ack_gt_rnxt.val() && self.ack_le_rmax.val();
        self.peer_fin_now.next = self.f_ack.val()
            && self.taken.val()
            && self.advance.val()
            && self.e0_r.val().fin
            && self.ack_eq_rmax.val();

        // ---- the tables
        self.s_class.next = self.flag_class.val().get_bits::<2>(0);
        if self.is_fin.val() && !self.fin_genuine.val() {
            // A FIN before what the wire showed the sender send: old or forged.
            self.s_class.next = self.tc_ack.val();
        }
        self.r_class.next = self.flag_class.val().get_bits::<2>(0);
        if self.fin_now.val() {
            self.r_class.next = self.tc_fin.val();
        } else if self.is_fin.val() {
            self.r_class.next = self.tc_ack.val();
        }
        self.s_addr.next.state = self.p_s.val().state;
        self.s_addr.next.cls = self.s_class.val();
        self.s_addr.next.acks = self.acks.val();
        self.r_addr.next.state = self.p_r.val().state;
        self.r_addr.next.cls = self.r_class.val();
        self.r_addr.next.acks = self.acks.val();
        self.s_addr_bits.next = self.s_addr.val().into();
        self.r_addr_bits.next = self.r_addr.val().into();
        if self.peer_fin_now.val() {
            self.s_next.next.b0 = self
                .sender_fin_plane0
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b1 = self
                .sender_fin_plane1
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b2 = self
                .sender_fin_plane2
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b3 = self
                .sender_fin_plane3
                .val()
                .get_bit(self.s_addr_bits.val().index());
        } else {
            self.s_next.next.b0 = self
                .sender_plane0
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b1 = self
                .sender_plane1
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b2 = self
                .sender_plane2
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_next.next.b3 = self
                .sender_plane3
                .val()
                .get_bit(self.s_addr_bits.val().index());
        }
        self.r_next.next.b0 = self
            .receiver_plane0
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_next.next.b1 = self
            .receiver_plane1
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_next.next.b2 = self
            .receiver_plane2
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_next.next.b3 = self
            .receiver_plane3
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.s_state.next = self.s_next.val().into();
        if (self.s_state.val() == self.st_syn_received.val())
            && (self.s_class.val() == self.tc_ack.val())
            && self.plen_nz.val()
        {
            // A request socket sends only its SYN-ACK and bare ACKs: data shows it ESTABLISHED.
            self.s_state.next = self.st_established.val();
        }
        self.r_state.next = self.p_r.val().state;
        if self.taken.val() {
            self.r_state.next = self.r_next.val().into();
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
            } else if self.end_gt_smax.val() {
                self.g_s.next.max = self.seq_end.val();
            }
            self.g_s.next.wscale = self.wscale.val();
            self.g_s.next.aux_kind = self.aux_hs.val();
            self.g_s.next.aux = self.hs_word.val();
        } else {
            if self.hit.val() {
                self.g_s.next.seq = self.sk_seen.val();
            }
            if self.dl_do.val() {
                self.g_s.next.nxt = self.nxt1.val();
                self.g_s.next.max = self.max1.val();
                self.g_s.next.fin = self.fin1.val();
            }
        }
        if self.f_ack.val() && self.newer.val() {
            self.g_s.next.wnd_left = self.ack.val();
            self.g_s.next.wnd_right = self.w_right.val();
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
        } else if self.f_rst.val() || self.syn_done.val() || self.synack_done.val() {
            // The special paths: the stored entry with the endpoints they changed.
            if self.f_rst.val() {
                self.verdict.next = self.rst_code.val();
            } else if self.is_syn.val() {
                if self.tw_refuse.val() {
                    self.verdict.next = self.v_tw_syn.val();
                } else if !(self.c1.val() || self.c2.val())
                    && (!self.c3.val() || self.c3_chal.val())
                {
                    self.verdict.next = self.v_syn_challenged.val();
                }
                self.handshake_lost.next = self.c1.val() || (self.c2.val() && self.c2_lost.val());
            } else if !(self.k1.val() || self.k2.val()) {
                self.verdict.next = self.v_syn_challenged.val();
            } else {
                self.handshake_lost.next = self.k1.val();
            }
            if self.sender_is_lo.val() {
                self.entry_out.next.lo = self.x_s.val();
                self.entry_out.next.hi = self.x_r.val();
            } else {
                self.entry_out.next.hi = self.x_s.val();
                self.entry_out.next.lo = self.x_r.val();
            }
            if self.x_mod.val() {
                self.entry_out.next.last_seen = self.now.val();
            }
            self.kept.next = !self.x_mod.val();
        } else if self.unacc.val() {
            self.verdict.next = self.unacc_code.val();
        } else if self.bad.val() && !self.reinc.val() {
            self.verdict.next = self.v_bad_ack.val();
        } else {
            self.reincarnated.next = self.reinc.val();
            self.fin_held.next =
                !self.handshake.val() && self.dl_do.val() && !self.in_seq.val() && self.f_fin.val();
            self.window_probe.next =
                !self.handshake.val() && self.dl_probe.val() && self.taken.val();
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

/// A connected `SegmentApply` (every input driven from outside).
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

    #[test]
    fn tables_come_from_the_model() {
        let s2 = after_peer_fin(&SENDER, &RECEIVER);
        for table in [&SENDER, &RECEIVER, &s2] {
            let t = table_contents(table);
            let planes: Vec<_> = (0..STATE_BITS).map(|b| table_plane(table, b)).collect();
            for (a, v) in t.iter().enumerate() {
                let st = a & 15;
                if st < TcpState::COUNT {
                    assert_eq!(*v, table[a >> 6][(a >> 4) & 3][st] as u8, "address {a}");
                }
                let from_planes = (0..STATE_BITS)
                    .map(|b| (planes[b].val().get_bit(a) as u8) << b)
                    .sum::<u8>();
                assert_eq!(from_planes, *v, "address {a}");
            }
        }
        // The composed table is the model's two lookups in a row.
        for acks in [false, true] {
            for cls in &FlagClass::ALL[..FlagClass::TABLE_CLASSES] {
                for st in TcpState::ALL {
                    let two = synscope_model::fsm::sender_next(
                        acks,
                        *cls,
                        synscope_model::fsm::receiver_next(false, FlagClass::Fin, st),
                    );
                    assert_eq!(s2[acks as usize][*cls as usize][st as usize], two);
                }
            }
        }
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
