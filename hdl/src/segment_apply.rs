//! `segment_apply`: one segment applied to one connection-table entry (the core's C stage).
//!
//! Combinational. Exactly `synscope_model::segment::{open, apply}` (and the tracker's two
//! verdicts decided before them: `Invalid` for an invalid flag class, `Untracked` for a RST that
//! finds no entry), on the hardware entry [`EntryBits`] with its 16-bit `last_seen`:
//!
//! * `hit` = the entry `entry_in` exists: `apply(entry_in, created = false)`;
//! * `!hit`: `apply(open(key, ..), created = true)` with the key from the `lo_*`/`hi_*` inputs
//!   (the `flow_key` outputs); `entry_in` is then ignored, except that it is passed through for
//!   `Invalid`/`Untracked` with `valid` cleared.
//!
//! The transition tables are built from `synscope_model::fsm::{SENDER, RECEIVER}` in `new()`:
//! each is four 128-bit constants (one per next-state bit) looked up with a variable bit-select
//! at address `{acks, class[1:0], state}` (state codes 11..15 map to themselves). A `ROM`
//! sub-block would do the same, but its address is computed and its data read in this block's one
//! process, which Verilator takes for a combinational loop (UNOPTFLAT). State,
//! class and verdict codes are the model's discriminants.
//!
//! ## Outputs
//! * `entry_out`: the entry after the segment (`valid` = 0 only for `!hit` with a RST or an
//!   invalid class, i.e. no entry).
//! * `verdict` (3 bits): [`V_TRACKED`], [`V_SYN_CHALLENGED`], [`V_INVALID`], [`V_UNTRACKED`],
//!   or `0b1rr` = `Rst(rr)` with `rr` the `RstClass` in declaration order (Exact, InWindow,
//!   OutOfWindow, Unverified): [`V_RST`] + class.
//! * `reincarnated`: a SYN restarted a finished 4-tuple.
//! * `lo_before` / `hi_before`: each endpoint's state in the entry the segment was applied to
//!   (`entry_in`, or what `open` made), and `lo_changed` / `hi_changed` = that ≠ the new state
//!   (the model's `before != after` of `Tracker::process`; 0 when there is no entry).
//!
//! ## Depth
//! The longest paths are `seq + len` (32-bit adder) into the `SND.NXT` max (`seq_gt`, a 32-bit
//! subtract) and the `SEG.ACK = SND.NXT` equality into the ROM address; everything else is
//! equality, a 5-bit thermometer mask and a 16-bit priority encoder beside them. The window is
//! `ceil_log2(window << shift)` computed as `ceil_log2(window) + shift` (equal for every
//! `window ≥ 1`, and 0 for 0), so no 30-bit shifter is built.

use crate::entry::{EntryBits, TrackBits, STATE_BITS, TIME_BITS};
use rust_hdl::prelude::*;
use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::flags::TcpFlags;
use synscope_model::fsm::{Table, RECEIVER, SENDER};
use synscope_model::{FlagClass, RstClass, TcpState};

/// Width of the verdict output.
pub const VERDICT_BITS: usize = 3;
/// `Verdict::Tracked`.
pub const V_TRACKED: u64 = 0;
/// `Verdict::SynChallenged`.
pub const V_SYN_CHALLENGED: u64 = 1;
/// `Verdict::Invalid` (flag class `Invalid`; nothing changes).
pub const V_INVALID: u64 = 2;
/// `Verdict::Untracked` (a RST without an entry).
pub const V_UNTRACKED: u64 = 3;
/// `Verdict::Rst(c)` is `V_RST + rst_code(c)`.
pub const V_RST: u64 = 4;

/// The 2-bit code of a RST class (declaration order).
pub const fn rst_code(c: RstClass) -> u64 {
    match c {
        RstClass::Exact => 0,
        RstClass::InWindow => 1,
        RstClass::OutOfWindow => 2,
        RstClass::Unverified => 3,
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

fn verdict_code(v: u64) -> Constant<Bits<VERDICT_BITS>> {
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

/// A 4-bit value zero-extended to 5 bits.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Zext5 {
    pub lo: Bits<4>,
    pub hi: Bit,
}

/// The 5-bit most-significant-bit index of the priority encoder (b4 is always 0).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Msb5 {
    pub b0: Bit,
    pub b1: Bit,
    pub b2: Bit,
    pub b3: Bit,
    pub b4: Bit,
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
    /// TCP control bits (`TcpFlags`, FIN = bit 0).
    pub flags: Signal<In, Bits<9>>,
    /// `FlagClass` discriminant (`flag_decode.flag_class` of `flags`).
    pub flag_class: Signal<In, Bits<3>>,
    pub window: Signal<In, Bits<16>>,
    pub wscale: Signal<In, Bits<4>>,
    pub payload_len: Signal<In, Bits<16>>,
    /// The canonical key (`flow_key` outputs), stored when an entry is opened.
    /// The key is IPv6 (the entry is the head of a pair; `lo_ip`/`hi_ip` its low 32 bits).
    pub v6: Signal<In, Bit>,
    pub lo_ip: Signal<In, Bits<32>>,
    pub lo_port: Signal<In, Bits<16>>,
    pub hi_ip: Signal<In, Bits<32>>,
    pub hi_port: Signal<In, Bits<16>>,
    /// Low 16 bits of the time in seconds.
    pub now: Signal<In, Bits<TIME_BITS>>,
    // ---- outputs
    pub entry_out: Signal<Out, EntryBits>,
    pub verdict: Signal<Out, Bits<VERDICT_BITS>>,
    pub reincarnated: Signal<Out, Bit>,
    pub lo_before: Signal<Out, Bits<STATE_BITS>>,
    pub hi_before: Signal<Out, Bits<STATE_BITS>>,
    pub lo_changed: Signal<Out, Bit>,
    pub hi_changed: Signal<Out, Bit>,
    /// `entry_out` is `entry_in` unchanged (an invalid class, a RST without an entry or not
    /// accepted, a challenged SYN or SYN-ACK); otherwise `entry_out.last_seen` is `now`.
    pub kept: Signal<Out, Bit>,
    // ---- transition tables: four bit planes each, from `fsm::SENDER` / `fsm::RECEIVER`
    sender_plane0: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane1: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane2: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane3: Constant<Bits<TABLE_ENTRIES>>,
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
    is_rst: Signal<Local, Bit>,
    is_invalid: Signal<Local, Bit>,
    handshake: Signal<Local, Bit>,
    f_syn: Signal<Local, Bit>,
    f_fin: Signal<Local, Bit>,
    f_ack: Signal<Local, Bit>,
    // ---- the entry the segment is applied to
    in_s: Signal<Local, TrackBits>,
    in_r: Signal<Local, TrackBits>,
    op_s: Signal<Local, TrackBits>,
    op_r: Signal<Local, TrackBits>,
    op_client_is_sender: Signal<Local, Bit>,
    src_port_lt: Signal<Local, Bit>,
    b_s: Signal<Local, TrackBits>,
    b_r: Signal<Local, TrackBits>,
    lo_finished: Signal<Local, Bit>,
    hi_finished: Signal<Local, Bit>,
    any_sync: Signal<Local, Bit>,
    reinc: Signal<Local, Bit>,
    p_s: Signal<Local, TrackBits>,
    p_r: Signal<Local, TrackBits>,
    p_client_is_lo: Signal<Local, Bit>,
    p_picked_up: Signal<Local, Bit>,
    // ---- sequence space
    len32: Signal<Local, Zext32>,
    sf32: Signal<Local, Bits<32>>,
    seq_end: Signal<Local, Bits<32>>,
    nxt_minus_end: Signal<Local, Bits<32>>,
    acks: Signal<Local, Bit>,
    // ---- window
    shift5: Signal<Local, Zext5>,
    wm1: Signal<Local, Bits<16>>,
    /// Bits 7..1 of the selected byte of `wm1` (bit 0 never decides the index).
    pe8: Signal<Local, Bits<7>>,
    /// Bits 3..1 of the selected nibble (bit 0 never decides the index).
    pe4: Signal<Local, Bits<3>>,
    msb: Signal<Local, Msb5>,
    wnd: Signal<Local, Bits<5>>,
    // ---- RST
    d_seq: Signal<Local, Bits<32>>,
    win_mask: Signal<Local, Bits<32>>,
    rst_code: Signal<Local, Bits<VERDICT_BITS>>,
    rst_accepted: Signal<Local, Bit>,
    // ---- result of the table path
    s_new: Signal<Local, TrackBits>,
    r_new: Signal<Local, TrackBits>,
    // ---- constants
    st_closed: Constant<Bits<STATE_BITS>>,
    st_listen: Constant<Bits<STATE_BITS>>,
    st_syn_sent: Constant<Bits<STATE_BITS>>,
    st_established: Constant<Bits<STATE_BITS>>,
    st_time_wait: Constant<Bits<STATE_BITS>>,
    c_syn: Constant<Bits<3>>,
    c_synack: Constant<Bits<3>>,
    c_rst: Constant<Bits<3>>,
    c_invalid: Constant<Bits<3>>,
    b_fin: Constant<Bits<4>>,
    b_syn: Constant<Bits<4>>,
    b_ack: Constant<Bits<4>>,
    ws_none: Constant<Bits<4>>,
    v_tracked: Constant<Bits<VERDICT_BITS>>,
    v_syn_challenged: Constant<Bits<VERDICT_BITS>>,
    v_invalid: Constant<Bits<VERDICT_BITS>>,
    v_untracked: Constant<Bits<VERDICT_BITS>>,
    v_rst_exact: Constant<Bits<VERDICT_BITS>>,
    v_rst_in_window: Constant<Bits<VERDICT_BITS>>,
    v_rst_out_of_window: Constant<Bits<VERDICT_BITS>>,
    v_rst_unverified: Constant<Bits<VERDICT_BITS>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    two32: Constant<Bits<32>>,
    ones32: Constant<Bits<32>>,
    one16: Constant<Bits<16>>,
    zero16: Constant<Bits<16>>,
    zero5: Constant<Bits<5>>,
    zero4: Constant<Bits<4>>,
    one5: Constant<Bits<5>>,
}

impl SegmentApply {
    /// The same block with other transition tables. Only the planted-bug check uses it
    /// (`make planted-bug`: a copy of a rule with one cell changed must be caught by the
    /// differential test); the design's tables are always `fsm::SENDER` / `fsm::RECEIVER`.
    pub fn with_tables(sender: &Table, receiver: &Table) -> Self {
        Self {
            sender_plane0: table_plane(sender, 0),
            sender_plane1: table_plane(sender, 1),
            sender_plane2: table_plane(sender, 2),
            sender_plane3: table_plane(sender, 3),
            receiver_plane0: table_plane(receiver, 0),
            receiver_plane1: table_plane(receiver, 1),
            receiver_plane2: table_plane(receiver, 2),
            receiver_plane3: table_plane(receiver, 3),
            ..Self::default()
        }
    }
}

impl Default for SegmentApply {
    fn default() -> Self {
        Self {
            entry_in: Default::default(),
            hit: Default::default(),
            sender_is_lo: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            flags: Default::default(),
            flag_class: Default::default(),
            window: Default::default(),
            wscale: Default::default(),
            payload_len: Default::default(),
            v6: Default::default(),
            lo_ip: Default::default(),
            lo_port: Default::default(),
            hi_ip: Default::default(),
            hi_port: Default::default(),
            now: Default::default(),
            entry_out: Default::default(),
            verdict: Default::default(),
            reincarnated: Default::default(),
            lo_before: Default::default(),
            hi_before: Default::default(),
            lo_changed: Default::default(),
            hi_changed: Default::default(),
            kept: Default::default(),
            sender_plane0: table_plane(&SENDER, 0),
            sender_plane1: table_plane(&SENDER, 1),
            sender_plane2: table_plane(&SENDER, 2),
            sender_plane3: table_plane(&SENDER, 3),
            receiver_plane0: table_plane(&RECEIVER, 0),
            receiver_plane1: table_plane(&RECEIVER, 1),
            receiver_plane2: table_plane(&RECEIVER, 2),
            receiver_plane3: table_plane(&RECEIVER, 3),
            s_addr: Default::default(),
            r_addr: Default::default(),
            s_addr_bits: Default::default(),
            r_addr_bits: Default::default(),
            s_next: Default::default(),
            r_next: Default::default(),
            is_syn: Default::default(),
            is_synack: Default::default(),
            is_rst: Default::default(),
            is_invalid: Default::default(),
            handshake: Default::default(),
            f_syn: Default::default(),
            f_fin: Default::default(),
            f_ack: Default::default(),
            in_s: Default::default(),
            in_r: Default::default(),
            op_s: Default::default(),
            op_r: Default::default(),
            op_client_is_sender: Default::default(),
            src_port_lt: Default::default(),
            b_s: Default::default(),
            b_r: Default::default(),
            lo_finished: Default::default(),
            hi_finished: Default::default(),
            any_sync: Default::default(),
            reinc: Default::default(),
            p_s: Default::default(),
            p_r: Default::default(),
            p_client_is_lo: Default::default(),
            p_picked_up: Default::default(),
            len32: Default::default(),
            sf32: Default::default(),
            seq_end: Default::default(),
            nxt_minus_end: Default::default(),
            acks: Default::default(),
            shift5: Default::default(),
            wm1: Default::default(),
            pe8: Default::default(),
            pe4: Default::default(),
            msb: Default::default(),
            wnd: Default::default(),
            d_seq: Default::default(),
            win_mask: Default::default(),
            rst_code: Default::default(),
            rst_accepted: Default::default(),
            s_new: Default::default(),
            r_new: Default::default(),
            st_closed: state_code(TcpState::Closed),
            st_listen: state_code(TcpState::Listen),
            st_syn_sent: state_code(TcpState::SynSent),
            st_established: state_code(TcpState::Established),
            st_time_wait: state_code(TcpState::TimeWait),
            c_syn: class_code(FlagClass::Syn),
            c_synack: class_code(FlagClass::SynAck),
            c_rst: class_code(FlagClass::Rst),
            c_invalid: class_code(FlagClass::Invalid),
            b_fin: flag_bit(TcpFlags::FIN),
            b_syn: flag_bit(TcpFlags::SYN),
            b_ack: flag_bit(TcpFlags::ACK),
            ws_none: Constant::new((WSCALE_NONE as u64).to_bits()),
            v_tracked: verdict_code(V_TRACKED),
            v_syn_challenged: verdict_code(V_SYN_CHALLENGED),
            v_invalid: verdict_code(V_INVALID),
            v_untracked: verdict_code(V_UNTRACKED),
            v_rst_exact: verdict_code(V_RST + rst_code(RstClass::Exact)),
            v_rst_in_window: verdict_code(V_RST + rst_code(RstClass::InWindow)),
            v_rst_out_of_window: verdict_code(V_RST + rst_code(RstClass::OutOfWindow)),
            v_rst_unverified: verdict_code(V_RST + rst_code(RstClass::Unverified)),
            zero32: Constant::new(0u64.to_bits()),
            one32: Constant::new(1u64.to_bits()),
            two32: Constant::new(2u64.to_bits()),
            ones32: Constant::new(0xffff_ffffu64.to_bits()),
            one16: Constant::new(1u64.to_bits()),
            zero16: Constant::new(0u64.to_bits()),
            zero5: Constant::new(0u64.to_bits()),
            zero4: Constant::new(0u64.to_bits()),
            one5: Constant::new(1u64.to_bits()),
        }
    }
}

impl Logic for SegmentApply {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- class and flags
        self.is_syn.next = self.flag_class.val() == self.c_syn.val();
        self.is_synack.next = self.flag_class.val() == self.c_synack.val();
        self.is_rst.next = self.flag_class.val() == self.c_rst.val();
        self.is_invalid.next = self.flag_class.val() == self.c_invalid.val();
        self.handshake.next = self.is_syn.val() || self.is_synack.val();
        self.f_syn.next = self.flags.val().get_bit(self.b_syn.val().index());
        self.f_fin.next = self.flags.val().get_bit(self.b_fin.val().index());
        self.f_ack.next = self.flags.val().get_bit(self.b_ack.val().index());

        // ---- the stored entry as sender / receiver
        if self.sender_is_lo.val() {
            self.in_s.next.state = self.entry_in.val().lo_state;
            self.in_s.next.snd_nxt = self.entry_in.val().lo_snd_nxt;
            self.in_s.next.snd_valid = self.entry_in.val().lo_snd_valid;
            self.in_s.next.wscale = self.entry_in.val().lo_wscale;
            self.in_s.next.wnd_log2 = self.entry_in.val().lo_wnd_log2;
            self.in_r.next.state = self.entry_in.val().hi_state;
            self.in_r.next.snd_nxt = self.entry_in.val().hi_snd_nxt;
            self.in_r.next.snd_valid = self.entry_in.val().hi_snd_valid;
            self.in_r.next.wscale = self.entry_in.val().hi_wscale;
            self.in_r.next.wnd_log2 = self.entry_in.val().hi_wnd_log2;
        } else {
            self.in_s.next.state = self.entry_in.val().hi_state;
            self.in_s.next.snd_nxt = self.entry_in.val().hi_snd_nxt;
            self.in_s.next.snd_valid = self.entry_in.val().hi_snd_valid;
            self.in_s.next.wscale = self.entry_in.val().hi_wscale;
            self.in_s.next.wnd_log2 = self.entry_in.val().hi_wnd_log2;
            self.in_r.next.state = self.entry_in.val().lo_state;
            self.in_r.next.snd_nxt = self.entry_in.val().lo_snd_nxt;
            self.in_r.next.snd_valid = self.entry_in.val().lo_snd_valid;
            self.in_r.next.wscale = self.entry_in.val().lo_wscale;
            self.in_r.next.wnd_log2 = self.entry_in.val().lo_wnd_log2;
        }

        // ---- `open`: both ends CLOSED with nothing known, then by class
        self.op_s.next.state = self.st_closed.val();
        self.op_s.next.snd_nxt = self.zero32.val();
        self.op_s.next.snd_valid = false;
        self.op_s.next.wscale = self.ws_none.val();
        self.op_s.next.wnd_log2 = self.zero5.val();
        self.op_r.next.state = self.st_closed.val();
        self.op_r.next.snd_nxt = self.zero32.val();
        self.op_r.next.snd_valid = false;
        self.op_r.next.wscale = self.ws_none.val();
        self.op_r.next.wnd_log2 = self.zero5.val();
        // src.port < dst.port, from the key and the direction.
        if self.sender_is_lo.val() {
            self.src_port_lt.next = self.lo_port.val() < self.hi_port.val();
        } else {
            self.src_port_lt.next = self.hi_port.val() < self.lo_port.val();
        }
        self.op_client_is_sender.next = true;
        if self.is_synack.val() {
            // The client's SYN was not seen: it is SYN_SENT, the server LISTEN.
            self.op_r.next.state = self.st_syn_sent.val();
            self.op_r.next.snd_nxt = self.ack.val();
            self.op_r.next.snd_valid = true;
            self.op_s.next.state = self.st_listen.val();
            self.op_client_is_sender.next = false;
        } else if !self.is_syn.val() {
            // Mid-stream pickup.
            self.op_s.next.state = self.st_established.val();
            self.op_r.next.state = self.st_established.val();
            self.op_s.next.snd_nxt = self.seq.val();
            self.op_s.next.snd_valid = true;
            self.op_r.next.snd_nxt = self.ack.val();
            self.op_r.next.snd_valid = self.f_ack.val();
            self.op_client_is_sender.next = !self.src_port_lt.val();
        }

        // ---- base entry: stored or opened
        if self.hit.val() {
            self.b_s.next = self.in_s.val();
            self.b_r.next = self.in_r.val();
        } else {
            self.b_s.next = self.op_s.val();
            self.b_r.next = self.op_r.val();
        }

        // ---- SYN on a finished 4-tuple: a new incarnation, sender as client
        self.lo_finished.next = (self.entry_in.val().lo_state == self.st_closed.val())
            || (self.entry_in.val().lo_state == self.st_time_wait.val());
        self.hi_finished.next = (self.entry_in.val().hi_state == self.st_closed.val())
            || (self.entry_in.val().hi_state == self.st_time_wait.val());
        self.any_sync.next = (self.entry_in.val().lo_state >= self.st_established.val())
            || (self.entry_in.val().hi_state >= self.st_established.val());
        self.reinc.next =
            self.is_syn.val() && self.hit.val() && self.lo_finished.val() && self.hi_finished.val();
        self.p_s.next = self.b_s.val();
        self.p_r.next = self.b_r.val();
        if self.hit.val() {
            self.p_client_is_lo.next = self.entry_in.val().client_is_lo;
            self.p_picked_up.next = self.entry_in.val().picked_up;
        } else {
            self.p_client_is_lo.next = !(self.op_client_is_sender.val() ^ self.sender_is_lo.val());
            self.p_picked_up.next = !self.is_syn.val();
        }
        if self.reinc.val() {
            self.p_s.next = self.op_s.val();
            self.p_r.next = self.op_r.val();
            self.p_client_is_lo.next = self.sender_is_lo.val();
            self.p_picked_up.next = false;
        }

        // ---- sequence space: SEG.SEQ + payload + SYN + FIN
        self.len32.next.lo = self.payload_len.val();
        self.len32.next.hi = self.zero16.val();
        if self.f_syn.val() && self.f_fin.val() {
            self.sf32.next = self.two32.val();
        } else if self.f_syn.val() || self.f_fin.val() {
            self.sf32.next = self.one32.val();
        } else {
            self.sf32.next = self.zero32.val();
        }
        self.seq_end.next =
            self.seq.val() + bit_cast::<32, 32>(self.len32.val().into()) + self.sf32.val();
        self.nxt_minus_end.next = self.p_s.val().snd_nxt - self.seq_end.val();
        // SEG.ACK = the receiver's SND.NXT.
        self.acks.next = self.f_ack.val()
            && self.p_r.val().snd_valid
            && (self.ack.val() == self.p_r.val().snd_nxt);

        // ---- transition tables
        self.s_addr.next.state = self.p_s.val().state;
        self.s_addr.next.cls = self.flag_class.val().get_bits::<2>(0);
        self.s_addr.next.acks = self.acks.val();
        self.r_addr.next.state = self.p_r.val().state;
        self.r_addr.next.cls = self.flag_class.val().get_bits::<2>(0);
        self.r_addr.next.acks = self.acks.val();
        self.s_addr_bits.next = self.s_addr.val().into();
        self.r_addr_bits.next = self.r_addr.val().into();
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

        // ---- window: ceil_log2(window << shift) = ceil_log2(window) + shift (window ≥ 1)
        self.shift5.next.hi = false;
        self.shift5.next.lo = self.zero4.val();
        if !self.handshake.val()
            && (self.p_s.val().wscale != self.ws_none.val())
            && (self.p_r.val().wscale != self.ws_none.val())
        {
            self.shift5.next.lo = self.p_s.val().wscale;
        }
        self.wm1.next = self.window.val() - self.one16.val();
        // Index of the highest set bit of window - 1, halving the field each step.
        self.msb.next.b4 = false;
        self.msb.next.b3 = self.wm1.val().get_bits::<8>(8).any();
        if self.wm1.val().get_bits::<8>(8).any() {
            self.pe8.next = self.wm1.val().get_bits::<7>(9);
        } else {
            self.pe8.next = self.wm1.val().get_bits::<7>(1);
        }
        self.msb.next.b2 = self.pe8.val().get_bits::<4>(3).any();
        if self.pe8.val().get_bits::<4>(3).any() {
            self.pe4.next = self.pe8.val().get_bits::<3>(4);
        } else {
            self.pe4.next = self.pe8.val().get_bits::<3>(0);
        }
        self.msb.next.b1 = self.pe4.val().get_bits::<2>(1).any();
        if self.pe4.val().get_bits::<2>(1).any() {
            self.msb.next.b0 = self.pe4.val().get_bit(2);
        } else {
            self.msb.next.b0 = self.pe4.val().get_bit(0);
        }
        if self.window.val() == self.zero16.val() {
            self.wnd.next = self.zero5.val();
        } else if self.wm1.val() == self.zero16.val() {
            self.wnd.next = self.shift5.val().into();
        } else {
            self.wnd.next = bit_cast::<5, 5>(self.msb.val().into())
                + bit_cast::<5, 5>(self.shift5.val().into())
                + self.one5.val();
        }

        // ---- the sender's track after the segment
        self.s_new.next = self.p_s.val();
        self.s_new.next.state = self.s_next.val().into();
        if self.handshake.val() {
            self.s_new.next.snd_nxt = self.seq_end.val();
            self.s_new.next.snd_valid = true;
            self.s_new.next.wscale = self.wscale.val();
        } else if !self.p_s.val().snd_valid || self.nxt_minus_end.val().get_bit(31) {
            self.s_new.next.snd_nxt = self.seq_end.val();
            self.s_new.next.snd_valid = true;
        }
        self.s_new.next.wnd_log2 = self.wnd.val();
        self.r_new.next = self.p_r.val();
        self.r_new.next.state = self.r_next.val().into();

        // ---- RST classification (RFC 5961 §3.2; SYN_SENT: RFC 9293 §3.10.7.3)
        self.d_seq.next = self.seq.val() - self.in_s.val().snd_nxt;
        self.win_mask.next = self.ones32.val() << self.in_r.val().wnd_log2;
        if self.in_r.val().state == self.st_syn_sent.val() {
            if self.acks.val() {
                self.rst_code.next = self.v_rst_exact.val();
            } else {
                self.rst_code.next = self.v_rst_out_of_window.val();
            }
        } else if !self.in_s.val().snd_valid {
            self.rst_code.next = self.v_rst_unverified.val();
        } else if self.seq.val() == self.in_s.val().snd_nxt {
            self.rst_code.next = self.v_rst_exact.val();
        } else if (self.d_seq.val() & self.win_mask.val()) == self.zero32.val() {
            self.rst_code.next = self.v_rst_in_window.val();
        } else {
            self.rst_code.next = self.v_rst_out_of_window.val();
        }
        self.rst_accepted.next = (self.rst_code.val() == self.v_rst_exact.val())
            || (self.rst_code.val() == self.v_rst_unverified.val());

        // ---- the table path (default)
        self.verdict.next = self.v_tracked.val();
        self.reincarnated.next = self.reinc.val();
        self.entry_out.next.valid = true;
        if self.hit.val() {
            self.entry_out.next.v6 = self.entry_in.val().v6;
            self.entry_out.next.lo_ip = self.entry_in.val().lo_ip;
            self.entry_out.next.lo_port = self.entry_in.val().lo_port;
            self.entry_out.next.hi_ip = self.entry_in.val().hi_ip;
            self.entry_out.next.hi_port = self.entry_in.val().hi_port;
        } else {
            self.entry_out.next.v6 = self.v6.val();
            self.entry_out.next.lo_ip = self.lo_ip.val();
            self.entry_out.next.lo_port = self.lo_port.val();
            self.entry_out.next.hi_ip = self.hi_ip.val();
            self.entry_out.next.hi_port = self.hi_port.val();
        }
        self.entry_out.next.client_is_lo = self.p_client_is_lo.val();
        self.entry_out.next.picked_up = self.p_picked_up.val();
        if self.sender_is_lo.val() {
            self.entry_out.next.lo_state = self.s_new.val().state;
            self.entry_out.next.lo_snd_nxt = self.s_new.val().snd_nxt;
            self.entry_out.next.lo_snd_valid = self.s_new.val().snd_valid;
            self.entry_out.next.lo_wscale = self.s_new.val().wscale;
            self.entry_out.next.lo_wnd_log2 = self.s_new.val().wnd_log2;
            self.entry_out.next.hi_state = self.r_new.val().state;
            self.entry_out.next.hi_snd_nxt = self.r_new.val().snd_nxt;
            self.entry_out.next.hi_snd_valid = self.r_new.val().snd_valid;
            self.entry_out.next.hi_wscale = self.r_new.val().wscale;
            self.entry_out.next.hi_wnd_log2 = self.r_new.val().wnd_log2;
            self.lo_before.next = self.b_s.val().state;
            self.hi_before.next = self.b_r.val().state;
        } else {
            self.entry_out.next.hi_state = self.s_new.val().state;
            self.entry_out.next.hi_snd_nxt = self.s_new.val().snd_nxt;
            self.entry_out.next.hi_snd_valid = self.s_new.val().snd_valid;
            self.entry_out.next.hi_wscale = self.s_new.val().wscale;
            self.entry_out.next.hi_wnd_log2 = self.s_new.val().wnd_log2;
            self.entry_out.next.lo_state = self.r_new.val().state;
            self.entry_out.next.lo_snd_nxt = self.r_new.val().snd_nxt;
            self.entry_out.next.lo_snd_valid = self.r_new.val().snd_valid;
            self.entry_out.next.lo_wscale = self.r_new.val().wscale;
            self.entry_out.next.lo_wnd_log2 = self.r_new.val().wnd_log2;
            self.lo_before.next = self.b_r.val().state;
            self.hi_before.next = self.b_s.val().state;
        }
        self.entry_out.next.last_seen = self.now.val();

        // ---- the paths that keep the stored entry (last assignment wins)
        self.kept.next = false;
        if self.is_invalid.val() {
            self.verdict.next = self.v_invalid.val();
            self.entry_out.next = self.entry_in.val();
            self.entry_out.next.valid = self.hit.val() && self.entry_in.val().valid;
            self.reincarnated.next = false;
            self.kept.next = true;
        } else if self.is_rst.val() {
            self.entry_out.next = self.entry_in.val();
            self.kept.next = true;
            if !self.hit.val() {
                self.verdict.next = self.v_untracked.val();
                self.entry_out.next.valid = false;
            } else {
                self.verdict.next = self.rst_code.val();
                if self.rst_accepted.val() {
                    // The receiver resets; the sender aborted.
                    self.entry_out.next.lo_state = self.st_closed.val();
                    self.entry_out.next.hi_state = self.st_closed.val();
                    self.entry_out.next.last_seen = self.now.val();
                    self.kept.next = false;
                }
            }
        } else if self.is_syn.val() && self.hit.val() && !self.reinc.val() && self.any_sync.val() {
            // RFC 5961 §4: challenge ACK, nothing changes.
            self.verdict.next = self.v_syn_challenged.val();
            self.entry_out.next = self.entry_in.val();
            self.kept.next = true;
        } else if self.is_synack.val() && (self.b_r.val().state >= self.st_established.val()) {
            self.entry_out.next = self.entry_in.val();
            if self.b_s.val().snd_valid && (self.seq_end.val() == self.b_s.val().snd_nxt) {
                // A retransmitted SYN-ACK: nothing moves but the time.
                self.entry_out.next.last_seen = self.now.val();
            } else {
                // RFC 5961 §4.2: challenge ACK, nothing changes.
                self.verdict.next = self.v_syn_challenged.val();
                self.kept.next = true;
            }
        }
        if !self.hit.val() && (self.is_invalid.val() || self.is_rst.val()) {
            self.lo_before.next = self.entry_in.val().lo_state;
            self.hi_before.next = self.entry_in.val().hi_state;
            self.lo_changed.next = false;
            self.hi_changed.next = false;
        } else {
            self.lo_changed.next = self.lo_before.val() != self.entry_out.val().lo_state;
            self.hi_changed.next = self.hi_before.val() != self.entry_out.val().hi_state;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::descriptor::SegmentDescriptor;
    use synscope_model::entry::Entry;
    use synscope_model::segment::{apply, open};
    use synscope_model::{Endpoint, FlowKey};

    pub(crate) fn uut() -> SegmentApply {
        let mut uut = SegmentApply::default();
        uut.entry_in.connect();
        uut.hit.connect();
        uut.sender_is_lo.connect();
        uut.seq.connect();
        uut.ack.connect();
        uut.flags.connect();
        uut.flag_class.connect();
        uut.window.connect();
        uut.wscale.connect();
        uut.payload_len.connect();
        uut.v6.connect();
        uut.lo_ip.connect();
        uut.lo_port.connect();
        uut.hi_ip.connect();
        uut.hi_port.connect();
        uut.now.connect();
        uut.connect_all();
        uut
    }

    #[test]
    fn segment_apply_is_synthesizable() {
        yosys_validate("synscope_segment_apply", &generate_verilog(&uut())).unwrap();
    }

    #[test]
    fn tables_come_from_the_model() {
        for table in [&SENDER, &RECEIVER] {
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
                let sender = if sender_is_lo { 0 } else { 1 };
                x.hit.next = model.is_some();
                x.entry_in.next = model.map(|e| EntryBits::of(&e)).unwrap_or_default();
                x.sender_is_lo.next = sender_is_lo;
                x.seq.next = (d.seq as u64).to_bits();
                x.ack.next = (d.ack as u64).to_bits();
                x.flags.next = (d.flags.bits() as u64).to_bits();
                x.flag_class.next = (class as u8 as u64).to_bits();
                x.window.next = (d.window as u64).to_bits();
                x.wscale.next = (d.wscale as u64).to_bits();
                x.payload_len.next = (d.payload_len as u64).to_bits();
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
        sim.run(Box::new(uut()), 100).unwrap();
    }
}
