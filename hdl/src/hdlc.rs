//! `hdlc_deframer`, `hdlc_framer`: the link layer of the UART protocol (docs/protocol.md) in
//! hardware: octet-stuffed frames with an FCS-16 (RFC 1662 §4, §C.2), exactly as
//! `synscope_model::protocol::framing` defines them.
//!
//! ## Deframer
//! Bytes from the receiver (`s_data` with a one-cycle `s_valid`, at most one a cycle, no
//! back-pressure: the line cannot wait) come out unstuffed (RFC 1662 §4.2) on `m_data`/`m_valid`,
//! `m_first` marking a frame's first byte, and the FCS removed: each byte is held back two bytes
//! and the last two of a frame (its FCS) never come out. The FCS is checked on the fly, a byte a
//! cycle ([`Fcs16`]): over content and FCS the register ends at [`FCS_GOOD`] (RFC 1662 §C.2).
//! A flag ends a frame with a one-cycle `m_end` and `m_status` ([`STATUS_OK`] or why it is
//! dropped, the `FrameError`s of the model); the consumer keeps a frame's bytes only when
//! `m_end` says OK. Resynchronisation is the model `Decoder`'s, byte for byte: every flag
//! (RFC 1662 §4.1) starts a frame; an escape then a flag aborts it (§4.2); more than
//! [`MAX_FRAME`] unstuffed bytes is `too_long` (its bytes after `MAX_FRAME` are dropped and not
//! output); fewer than header + FCS is `too_short`; an empty frame (two flags) is idle fill and
//! ends nothing; bytes before the first flag are `garbage`. Each end status, and garbage, is
//! counted (32 bits, wrapping, named after `LinkCounter`; `too_short` has no `LinkCounter`).
//! Latency: `m_valid`/`m_end` two cycles after the `s_valid` of the byte that causes them.
//!
//! ## Framer
//! Frame bytes (header + payload) in on `s_data`/`s_valid`/`s_ready`, `s_last` on a frame's
//! last byte (frames are never empty: they have a header); out on `m_data`/`m_valid`/`m_ready`
//! (AXI-Stream style: a byte moves in a cycle where both are high): flag, the stuffed bytes,
//! the FCS low byte first (stuffed), flag, exactly the bytes of `encode_frame`, one a cycle
//! when `m_ready` stays high (a stuffed byte costs one more). The output is a register.
//!
//! `reset` (synchronous) returns both to idle, outside a frame, and clears the counters.

use rust_hdl::prelude::*;
use synscope_model::protocol::{FrameError, ESCAPE, ESCAPE_XOR, FCS_BYTES, FLAG, HEADER_BYTES};

pub use synscope_model::protocol::MAX_FRAME;

/// Width of the drop counters.
pub const COUNTER_BITS: usize = 32;
/// Width of the frame-length counter (unstuffed bytes, up to `MAX_FRAME`).
pub const LEN_BITS: usize = 9;
/// FCS register at the start of a frame (RFC 1662 §C.2 `PPPINITFCS16`).
pub const FCS_INIT: u16 = 0xffff;
/// FCS register after a frame's content and its FCS when they match (`PPPGOODFCS16`).
pub const FCS_GOOD: u16 = 0xf0b8;
/// Width of `m_status`.
pub const STATUS_BITS: usize = 3;
/// `m_status` of a good frame.
pub const STATUS_OK: u64 = 0;
/// `m_status`: `FrameError::BadFcs`.
pub const STATUS_BAD_FCS: u64 = 1;
/// `m_status`: `FrameError::TooLong`.
pub const STATUS_TOO_LONG: u64 = 2;
/// `m_status`: `FrameError::TooShort`.
pub const STATUS_TOO_SHORT: u64 = 3;
/// `m_status`: `FrameError::Aborted`.
pub const STATUS_ABORTED: u64 = 4;

const _: () = assert!(MAX_FRAME < 1 << LEN_BITS);

/// The model's meaning of an `m_status` value.
pub fn status(code: u64) -> Option<Result<(), FrameError>> {
    match code {
        STATUS_OK => Some(Ok(())),
        STATUS_BAD_FCS => Some(Err(FrameError::BadFcs)),
        STATUS_TOO_LONG => Some(Err(FrameError::TooLong)),
        STATUS_TOO_SHORT => Some(Err(FrameError::TooShort)),
        STATUS_ABORTED => Some(Err(FrameError::Aborted)),
        _ => None,
    }
}

/// One byte into the FCS-16 register: RFC 1662 §C.2's `(fcs >> 8) ^ fcstab[(fcs ^ c) & 0xff]`
/// (CRC-16/X-25, reflected polynomial 0x8408) in closed form. Linear in (`fcs`, `octet`).
pub const fn fcs16_update(fcs: u16, octet: u8) -> u16 {
    let mut t = (fcs as u8) ^ octet;
    t ^= t << 4;
    let t = t as u16;
    (fcs >> 8) ^ (t << 8) ^ (t << 3) ^ (t >> 4)
}

/// [`fcs16_update`] as logic: each output bit is the parity of a few input bits (at most 12 of
/// the 24), two LUT levels. Custom Verilog written from the linear map of the function, for the
/// same reason as `toeplitz_hash::ToeplitzPartials`: rust-hdl cannot assign single bits.
#[derive(LogicBlock, Default)]
pub struct Fcs16 {
    pub fcs: Signal<In, Bits<16>>,
    pub octet: Signal<In, Bits<8>>,
    pub fcs_next: Signal<Out, Bits<16>>,
}

impl Fcs16 {
    /// Input bits feeding output bit `i`: (FCS bits, octet bits).
    fn taps(i: usize) -> (Vec<usize>, Vec<usize>) {
        let f = (0..16)
            .filter(|j| fcs16_update(1 << j, 0) >> i & 1 == 1)
            .collect();
        let o = (0..8)
            .filter(|k| fcs16_update(0, 1 << k) >> i & 1 == 1)
            .collect();
        (f, o)
    }
}

impl Logic for Fcs16 {
    fn update(&mut self) {
        let v = fcs16_update(
            self.fcs.val().to_u64() as u16,
            self.octet.val().to_u64() as u8,
        );
        self.fcs_next.next = (v as u64).to_bits();
    }

    fn connect(&mut self) {
        self.fcs_next.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from("always @* begin\n");
        for i in 0..16 {
            let (f, o) = Self::taps(i);
            let terms: Vec<String> = f
                .iter()
                .map(|j| format!("fcs[{j}]"))
                .chain(o.iter().map(|k| format!("octet[{k}]")))
                .collect();
            v.push_str(&format!("  fcs_next[{i}] = {};\n", terms.join(" ^ ")));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}

#[derive(LogicBlock)]
pub struct HdlcDeframer {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// A byte from the line.
    pub s_data: Signal<In, Bits<8>>,
    pub s_valid: Signal<In, Bit>,
    /// An unstuffed content byte (header or payload) of the current frame.
    pub m_data: Signal<Out, Bits<8>>,
    pub m_valid: Signal<Out, Bit>,
    /// With `m_valid`: the frame's first byte.
    pub m_first: Signal<Out, Bit>,
    /// One cycle: the current frame ended, `m_status` says how.
    pub m_end: Signal<Out, Bit>,
    pub m_status: Signal<Out, Bits<STATUS_BITS>>,
    pub frames_ok: Signal<Out, Bits<COUNTER_BITS>>,
    pub bad_fcs: Signal<Out, Bits<COUNTER_BITS>>,
    pub too_long: Signal<Out, Bits<COUNTER_BITS>>,
    pub too_short: Signal<Out, Bits<COUNTER_BITS>>,
    pub aborted: Signal<Out, Bits<COUNTER_BITS>>,
    pub garbage: Signal<Out, Bits<COUNTER_BITS>>,
    // Input register: the byte and what it is.
    in_data: DFF<Bits<8>>,
    in_valid: DFF<Bit>,
    in_flag: DFF<Bit>,
    in_escape: DFF<Bit>,
    // Frame state (the model `Decoder`'s fields).
    in_frame: DFF<Bit>,
    escaped: DFF<Bit>,
    overflow: DFF<Bit>,
    len: DFF<Bits<LEN_BITS>>,
    fcs: DFF<Bits<16>>,
    /// The last two unstuffed bytes (`hold1` the newer), not yet known not to be the FCS.
    hold1: DFF<Bits<8>>,
    hold2: DFF<Bits<8>>,
    fcs_unit: Fcs16,
    // Outputs.
    out_data: DFF<Bits<8>>,
    out_valid: DFF<Bit>,
    out_first: DFF<Bit>,
    out_end: DFF<Bit>,
    out_status: DFF<Bits<STATUS_BITS>>,
    n_ok: DFF<Bits<COUNTER_BITS>>,
    n_bad_fcs: DFF<Bits<COUNTER_BITS>>,
    n_too_long: DFF<Bits<COUNTER_BITS>>,
    n_too_short: DFF<Bits<COUNTER_BITS>>,
    n_aborted: DFF<Bits<COUNTER_BITS>>,
    n_garbage: DFF<Bits<COUNTER_BITS>>,
    unstuffed: Signal<Local, Bits<8>>,
    flag_c: Constant<Bits<8>>,
    escape_c: Constant<Bits<8>>,
    xor_c: Constant<Bits<8>>,
    fcs_init: Constant<Bits<16>>,
    fcs_good: Constant<Bits<16>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    len_two: Constant<Bits<LEN_BITS>>,
    len_min: Constant<Bits<LEN_BITS>>,
    len_max: Constant<Bits<LEN_BITS>>,
    st_ok: Constant<Bits<STATUS_BITS>>,
    st_bad_fcs: Constant<Bits<STATUS_BITS>>,
    st_too_long: Constant<Bits<STATUS_BITS>>,
    st_too_short: Constant<Bits<STATUS_BITS>>,
    st_aborted: Constant<Bits<STATUS_BITS>>,
    one_count: Constant<Bits<COUNTER_BITS>>,
    zero_count: Constant<Bits<COUNTER_BITS>>,
}

impl Default for HdlcDeframer {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_data: Default::default(),
            s_valid: Default::default(),
            m_data: Default::default(),
            m_valid: Default::default(),
            m_first: Default::default(),
            m_end: Default::default(),
            m_status: Default::default(),
            frames_ok: Default::default(),
            bad_fcs: Default::default(),
            too_long: Default::default(),
            too_short: Default::default(),
            aborted: Default::default(),
            garbage: Default::default(),
            in_data: Default::default(),
            in_valid: Default::default(),
            in_flag: Default::default(),
            in_escape: Default::default(),
            in_frame: Default::default(),
            escaped: Default::default(),
            overflow: Default::default(),
            len: Default::default(),
            fcs: Default::default(),
            hold1: Default::default(),
            hold2: Default::default(),
            fcs_unit: Default::default(),
            out_data: Default::default(),
            out_valid: Default::default(),
            out_first: Default::default(),
            out_end: Default::default(),
            out_status: Default::default(),
            n_ok: Default::default(),
            n_bad_fcs: Default::default(),
            n_too_long: Default::default(),
            n_too_short: Default::default(),
            n_aborted: Default::default(),
            n_garbage: Default::default(),
            unstuffed: Default::default(),
            flag_c: Constant::new((FLAG as u64).to_bits()),
            escape_c: Constant::new((ESCAPE as u64).to_bits()),
            xor_c: Constant::new((ESCAPE_XOR as u64).to_bits()),
            fcs_init: Constant::new((FCS_INIT as u64).to_bits()),
            fcs_good: Constant::new((FCS_GOOD as u64).to_bits()),
            len_zero: Constant::new(0.into()),
            len_one: Constant::new(1.into()),
            len_two: Constant::new(2.into()),
            len_min: Constant::new(((HEADER_BYTES + FCS_BYTES) as u64).to_bits()),
            len_max: Constant::new((MAX_FRAME as u64).to_bits()),
            st_ok: Constant::new(STATUS_OK.to_bits()),
            st_bad_fcs: Constant::new(STATUS_BAD_FCS.to_bits()),
            st_too_long: Constant::new(STATUS_TOO_LONG.to_bits()),
            st_too_short: Constant::new(STATUS_TOO_SHORT.to_bits()),
            st_aborted: Constant::new(STATUS_ABORTED.to_bits()),
            one_count: Constant::new(1.into()),
            zero_count: Constant::new(0.into()),
        }
    }
}

impl Logic for HdlcDeframer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            in_data,
            in_valid,
            in_flag,
            in_escape,
            in_frame,
            escaped,
            overflow,
            len,
            fcs,
            hold1,
            hold2,
            out_data,
            out_valid,
            out_first,
            out_end,
            out_status,
            n_ok,
            n_bad_fcs,
            n_too_long,
            n_too_short,
            n_aborted,
            n_garbage
        );
        // Outputs are registers.
        self.m_data.next = self.out_data.q.val();
        self.m_valid.next = self.out_valid.q.val();
        self.m_first.next = self.out_first.q.val();
        self.m_end.next = self.out_end.q.val();
        self.m_status.next = self.out_status.q.val();
        self.frames_ok.next = self.n_ok.q.val();
        self.bad_fcs.next = self.n_bad_fcs.q.val();
        self.too_long.next = self.n_too_long.q.val();
        self.too_short.next = self.n_too_short.q.val();
        self.aborted.next = self.n_aborted.q.val();
        self.garbage.next = self.n_garbage.q.val();
        self.out_valid.d.next = false;
        self.out_end.d.next = false;
        // Stage 1: register the byte and classify it (flag, escape).
        self.in_data.d.next = self.s_data.val();
        self.in_valid.d.next = self.s_valid.val();
        self.in_flag.d.next = self.s_data.val() == self.flag_c.val();
        self.in_escape.d.next = self.s_data.val() == self.escape_c.val();
        // Stage 2: the model `Decoder::push`. The byte after an escape is XORed (§4.2).
        self.unstuffed.next = self.in_data.q.val();
        if self.escaped.q.val() {
            self.unstuffed.next = self.in_data.q.val() ^ self.xor_c.val();
        }
        self.fcs_unit.fcs.next = self.fcs.q.val();
        self.fcs_unit.octet.next = self.unstuffed.val();
        if self.in_valid.q.val() {
            if self.in_flag.q.val() {
                // A flag ends the frame in progress (if any) and starts the next (§4.1).
                if self.in_frame.q.val() {
                    if self.escaped.q.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_aborted.val();
                        self.n_aborted.d.next = self.n_aborted.q.val() + self.one_count.val();
                    } else if self.overflow.q.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_too_long.val();
                        self.n_too_long.d.next = self.n_too_long.q.val() + self.one_count.val();
                    } else if self.len.q.val() == self.len_zero.val() {
                        // Idle fill: nothing ends.
                    } else if self.len.q.val() < self.len_min.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_too_short.val();
                        self.n_too_short.d.next = self.n_too_short.q.val() + self.one_count.val();
                    } else if self.fcs.q.val() != self.fcs_good.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_bad_fcs.val();
                        self.n_bad_fcs.d.next = self.n_bad_fcs.q.val() + self.one_count.val();
                    } else {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_ok.val();
                        self.n_ok.d.next = self.n_ok.q.val() + self.one_count.val();
                    }
                }
                self.in_frame.d.next = true;
                self.escaped.d.next = false;
                self.overflow.d.next = false;
                self.len.d.next = self.len_zero.val();
                self.fcs.d.next = self.fcs_init.val();
            } else if !self.in_frame.q.val() {
                self.n_garbage.d.next = self.n_garbage.q.val() + self.one_count.val();
            } else if self.in_escape.q.val() & !self.escaped.q.val() {
                self.escaped.d.next = true;
            } else {
                self.escaped.d.next = false;
                if self.len.q.val() == self.len_max.val() {
                    self.overflow.d.next = true;
                } else if !self.overflow.q.val() {
                    // A content byte: into the FCS and the hold line; the byte two back is
                    // no longer one of the last two, so it is content and goes out.
                    self.fcs.d.next = self.fcs_unit.fcs_next.val();
                    self.len.d.next = self.len.q.val() + self.len_one.val();
                    self.hold1.d.next = self.unstuffed.val();
                    self.hold2.d.next = self.hold1.q.val();
                    self.out_data.d.next = self.hold2.q.val();
                    self.out_valid.d.next = self.len.q.val() >= self.len_two.val();
                    self.out_first.d.next = self.len.q.val() == self.len_two.val();
                }
            }
        }
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.in_valid.d.next = false;
            self.in_frame.d.next = false;
            self.escaped.d.next = false;
            self.overflow.d.next = false;
            self.len.d.next = self.len_zero.val();
            self.out_valid.d.next = false;
            self.out_end.d.next = false;
            self.n_ok.d.next = self.zero_count.val();
            self.n_bad_fcs.d.next = self.zero_count.val();
            self.n_too_long.d.next = self.zero_count.val();
            self.n_too_short.d.next = self.zero_count.val();
            self.n_aborted.d.next = self.zero_count.val();
            self.n_garbage.d.next = self.zero_count.val();
        }
    }
}

/// Framer states (bit constants, as `uart_rx::rx_state`).
mod tx_state {
    /// Waiting for a frame's first byte; then the opening flag.
    pub const IDLE: u64 = 0;
    /// Content bytes.
    pub const DATA: u64 = 1;
    /// The second byte of an escaped content byte.
    pub const DATA_ESC: u64 = 2;
    /// FCS low byte.
    pub const FCS_LO: u64 = 3;
    pub const FCS_LO_ESC: u64 = 4;
    /// FCS high byte.
    pub const FCS_HI: u64 = 5;
    pub const FCS_HI_ESC: u64 = 6;
    /// The closing flag.
    pub const CLOSE: u64 = 7;
}

#[derive(LogicBlock)]
pub struct HdlcFramer {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// A content byte (header or payload).
    pub s_data: Signal<In, Bits<8>>,
    /// With `s_data`: the frame's last byte.
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// A byte for the line.
    pub m_data: Signal<Out, Bits<8>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    state: DFF<Bits<3>>,
    out_data: DFF<Bits<8>>,
    out_valid: DFF<Bit>,
    /// The second byte of an escape pair.
    pending: DFF<Bits<8>>,
    /// The content byte in `pending` was the frame's last.
    last: DFF<Bit>,
    fcs: DFF<Bits<16>>,
    fcs_unit: Fcs16,
    /// The output register takes a byte this cycle.
    load: Signal<Local, Bit>,
    fcs_out: Signal<Local, Bits<16>>,
    fcs_lo: Signal<Local, Bits<8>>,
    fcs_hi: Signal<Local, Bits<8>>,
    in_special: Signal<Local, Bit>,
    lo_special: Signal<Local, Bit>,
    hi_special: Signal<Local, Bit>,
    flag_c: Constant<Bits<8>>,
    escape_c: Constant<Bits<8>>,
    xor_c: Constant<Bits<8>>,
    fcs_init: Constant<Bits<16>>,
    ones16: Constant<Bits<16>>,
    st_idle: Constant<Bits<3>>,
    st_data: Constant<Bits<3>>,
    st_data_esc: Constant<Bits<3>>,
    st_fcs_lo: Constant<Bits<3>>,
    st_fcs_lo_esc: Constant<Bits<3>>,
    st_fcs_hi: Constant<Bits<3>>,
    st_fcs_hi_esc: Constant<Bits<3>>,
    st_close: Constant<Bits<3>>,
}

impl Default for HdlcFramer {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_data: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            state: Default::default(),
            out_data: Default::default(),
            out_valid: Default::default(),
            pending: Default::default(),
            last: Default::default(),
            fcs: Default::default(),
            fcs_unit: Default::default(),
            load: Default::default(),
            fcs_out: Default::default(),
            fcs_lo: Default::default(),
            fcs_hi: Default::default(),
            in_special: Default::default(),
            lo_special: Default::default(),
            hi_special: Default::default(),
            flag_c: Constant::new((FLAG as u64).to_bits()),
            escape_c: Constant::new((ESCAPE as u64).to_bits()),
            xor_c: Constant::new((ESCAPE_XOR as u64).to_bits()),
            fcs_init: Constant::new((FCS_INIT as u64).to_bits()),
            ones16: Constant::new(0xffff.into()),
            st_idle: Constant::new(tx_state::IDLE.to_bits()),
            st_data: Constant::new(tx_state::DATA.to_bits()),
            st_data_esc: Constant::new(tx_state::DATA_ESC.to_bits()),
            st_fcs_lo: Constant::new(tx_state::FCS_LO.to_bits()),
            st_fcs_lo_esc: Constant::new(tx_state::FCS_LO_ESC.to_bits()),
            st_fcs_hi: Constant::new(tx_state::FCS_HI.to_bits()),
            st_fcs_hi_esc: Constant::new(tx_state::FCS_HI_ESC.to_bits()),
            st_close: Constant::new(tx_state::CLOSE.to_bits()),
        }
    }
}

impl Logic for HdlcFramer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, out_data, out_valid, pending, last, fcs);
        self.m_data.next = self.out_data.q.val();
        self.m_valid.next = self.out_valid.q.val();
        self.s_ready.next = false;
        // The output register is free, or its byte leaves this cycle.
        self.load.next = !self.out_valid.q.val() | self.m_ready.val();
        // The FCS is the ones' complement of the register, low byte first (RFC 1662 §C.2).
        self.fcs_out.next = self.fcs.q.val() ^ self.ones16.val();
        self.fcs_lo.next = self.fcs_out.val().get_bits::<8>(0);
        self.fcs_hi.next = self.fcs_out.val().get_bits::<8>(8);
        self.in_special.next =
            (self.s_data.val() == self.flag_c.val()) | (self.s_data.val() == self.escape_c.val());
        self.lo_special.next =
            (self.fcs_lo.val() == self.flag_c.val()) | (self.fcs_lo.val() == self.escape_c.val());
        self.hi_special.next =
            (self.fcs_hi.val() == self.flag_c.val()) | (self.fcs_hi.val() == self.escape_c.val());
        self.fcs_unit.fcs.next = self.fcs.q.val();
        self.fcs_unit.octet.next = self.s_data.val();
        if self.load.val() {
            self.out_valid.d.next = false;
            if self.state.q.val() == self.st_idle.val() {
                // A frame is waiting: its opening flag (its first byte stays for DATA).
                if self.s_valid.val() {
                    self.out_data.d.next = self.flag_c.val();
                    self.out_valid.d.next = true;
                    self.fcs.d.next = self.fcs_init.val();
                    self.state.d.next = self.st_data.val();
                }
            } else if self.state.q.val() == self.st_data.val() {
                if self.s_valid.val() {
                    self.s_ready.next = true;
                    self.fcs.d.next = self.fcs_unit.fcs_next.val();
                    self.last.d.next = self.s_last.val();
                    self.out_valid.d.next = true;
                    if self.in_special.val() {
                        // RFC 1662 §4.2: escape, then the byte XOR 0x20.
                        self.out_data.d.next = self.escape_c.val();
                        self.pending.d.next = self.s_data.val() ^ self.xor_c.val();
                        self.state.d.next = self.st_data_esc.val();
                    } else {
                        self.out_data.d.next = self.s_data.val();
                        if self.s_last.val() {
                            self.state.d.next = self.st_fcs_lo.val();
                        }
                    }
                }
            } else if self.state.q.val() == self.st_data_esc.val() {
                self.out_data.d.next = self.pending.q.val();
                self.out_valid.d.next = true;
                if self.last.q.val() {
                    self.state.d.next = self.st_fcs_lo.val();
                } else {
                    self.state.d.next = self.st_data.val();
                }
            } else if self.state.q.val() == self.st_fcs_lo.val() {
                self.out_valid.d.next = true;
                if self.lo_special.val() {
                    self.out_data.d.next = self.escape_c.val();
                    self.pending.d.next = self.fcs_lo.val() ^ self.xor_c.val();
                    self.state.d.next = self.st_fcs_lo_esc.val();
                } else {
                    self.out_data.d.next = self.fcs_lo.val();
                    self.state.d.next = self.st_fcs_hi.val();
                }
            } else if self.state.q.val() == self.st_fcs_lo_esc.val() {
                self.out_data.d.next = self.pending.q.val();
                self.out_valid.d.next = true;
                self.state.d.next = self.st_fcs_hi.val();
            } else if self.state.q.val() == self.st_fcs_hi.val() {
                self.out_valid.d.next = true;
                if self.hi_special.val() {
                    self.out_data.d.next = self.escape_c.val();
                    self.pending.d.next = self.fcs_hi.val() ^ self.xor_c.val();
                    self.state.d.next = self.st_fcs_hi_esc.val();
                } else {
                    self.out_data.d.next = self.fcs_hi.val();
                    self.state.d.next = self.st_close.val();
                }
            } else if self.state.q.val() == self.st_fcs_hi_esc.val() {
                self.out_data.d.next = self.pending.q.val();
                self.out_valid.d.next = true;
                self.state.d.next = self.st_close.val();
            } else {
                // CLOSE: the closing flag (encode_frame sends both flags of every frame).
                self.out_data.d.next = self.flag_c.val();
                self.out_valid.d.next = true;
                self.state.d.next = self.st_idle.val();
            }
        }
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.state.d.next = self.st_idle.val();
            self.out_valid.d.next = false;
            self.s_ready.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::protocol::FCS;

    pub(crate) fn deframer() -> HdlcDeframer {
        let mut u = HdlcDeframer::default();
        u.clock.connect();
        u.reset.connect();
        u.s_data.connect();
        u.s_valid.connect();
        u.connect_all();
        u
    }

    pub(crate) fn framer() -> HdlcFramer {
        let mut u = HdlcFramer::default();
        u.clock.connect();
        u.reset.connect();
        u.s_data.connect();
        u.s_last.connect();
        u.s_valid.connect();
        u.m_ready.connect();
        u.connect_all();
        u
    }

    #[test]
    fn hdlc_deframer_is_synthesizable() {
        yosys_validate("synscope_hdlc_deframer", &generate_verilog(&deframer())).unwrap();
    }

    #[test]
    fn hdlc_framer_is_synthesizable() {
        yosys_validate("synscope_hdlc_framer", &generate_verilog(&framer())).unwrap();
    }

    /// The closed form is the model's FCS (CRC-16/X-25), and a frame followed by its FCS leaves
    /// the good-FCS residue.
    #[test]
    fn fcs16_update_is_the_model_fcs() {
        let mut s = 0x1234_5678u32;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 17;
                    s ^= s << 5;
                    s as u8
                })
                .collect();
            let reg = data.iter().fold(FCS_INIT, |r, b| fcs16_update(r, *b));
            assert_eq!(!reg, FCS.checksum(&data), "len {len}");
            let fcs = (!reg).to_le_bytes();
            let res = fcs.iter().fold(reg, |r, b| fcs16_update(r, *b));
            assert_eq!(res, FCS_GOOD, "len {len}");
        }
    }

    /// The Verilog's taps are the function's linear map.
    #[test]
    fn fcs16_taps_are_linear() {
        for fcs in [0u16, 1, 0x8000, 0xffff, 0x1234, 0xf0b8] {
            for octet in [0u8, 1, 0x80, 0xff, 0x7e, 0x5a] {
                let mut v = 0u16;
                for i in 0..16 {
                    let (f, o) = Fcs16::taps(i);
                    let bit = f.iter().map(|j| fcs >> j & 1).sum::<u16>()
                        + o.iter().map(|k| (octet as u16) >> k & 1).sum::<u16>();
                    v |= (bit & 1) << i;
                }
                assert_eq!(v, fcs16_update(fcs, octet));
            }
        }
    }
}
