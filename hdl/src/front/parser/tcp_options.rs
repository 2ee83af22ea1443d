//! `tcp_options`: the TCP options between byte 20 and the data offset, walked as they pass
//! (`opt_en` marks each option byte), as the model walks them, for the window-scale option
//! (RFC 7323 §2.2: kind 3, length 3, the shift) and the Timestamps option (§3.2: kind 8,
//! length 10, TSval its first four value bytes). EOL, a kind without its length, a length < 2
//! or one past the options' end ends the walk (the model's rules for malformed options); NOP
//! is one byte; any other option is skipped by its length. The first of each option counts.
//! The shift is capped at 14 and kept only for a SYN (`wscale` is `WSCALE_NONE` otherwise);
//! the TSval of every segment.

use super::{k, walk, Ext8to11, ShiftIn32};
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::descriptor::{WSCALE_MAX, WSCALE_NONE};
use synscope_model::frame::field::*;

/// The option walk: window scale and TSval.
#[derive(LogicBlock)]
pub struct TcpOptions {
    pub clock: Signal<In, Clock>,
    /// A new frame starts.
    pub clear: Signal<In, Bit>,
    /// This byte (`byte_in`) is an option byte, with `opt_left` option bytes from it to the
    /// options' end.
    pub opt_en: Signal<In, Bit>,
    pub opt_left: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    /// The segment is a SYN.
    pub syn: Signal<In, Bit>,
    /// The window-scale shift (`WSCALE_NONE`: none, or not a SYN).
    pub wscale: Signal<Out, Bits<4>>,
    /// TSval, when `ts_ok`.
    pub tsval: Signal<Out, Bits<32>>,
    pub ts_ok: Signal<Out, Bit>,
    opt_state: DFF<Bits<3>>,
    /// The option whose length is next is window scale.
    opt_ws: DFF<Bit>,
    /// Option bytes from the current option's kind to the end of the options.
    opt_room: DFF<Bits<POS_BITS>>,
    opt_skip: DFF<Bits<8>>,
    ws_found: DFF<Bit>,
    ws_val: DFF<Bits<4>>,
    /// The option whose length is next is Timestamps.
    opt_ts: DFF<Bit>,
    /// The value bytes being skipped are the first Timestamps option's.
    opt_tsv: DFF<Bit>,
    ts_found: DFF<Bit>,
    ts_val: DFF<Bits<32>>,
    /// `ts_val` shifted left a byte, the new byte in.
    ts_in: Signal<Local, ShiftIn32>,
    len_w: Signal<Local, Ext8to11>,
    len11: Signal<Local, Bits<POS_BITS>>,
    k_opt_eol: Constant<Bits<8>>,
    k_opt_nop: Constant<Bits<8>>,
    k_opt_ws: Constant<Bits<8>>,
    k_opt_ws_len: Constant<Bits<8>>,
    k_opt_len_min: Constant<Bits<8>>,
    k_opt_ts: Constant<Bits<8>>,
    k_opt_ts_len: Constant<Bits<8>>,
    /// Skip counts of the Timestamps option's value bytes: above `k_ts_end` is TSval, and
    /// `k_ts_last` is its last byte.
    k_ts_end: Constant<Bits<8>>,
    k_ts_last: Constant<Bits<8>>,
    k_one8: Constant<Bits<8>>,
    k_ws_max8: Constant<Bits<8>>,
    k_ws_max: Constant<Bits<4>>,
    k_ws_none: Constant<Bits<4>>,
    k_w_kind: Constant<Bits<3>>,
    k_w_len: Constant<Bits<3>>,
    k_w_skip: Constant<Bits<3>>,
    k_w_val: Constant<Bits<3>>,
    k_w_done: Constant<Bits<3>>,
    k_zero3: Constant<Bits<3>>,
}

impl Default for TcpOptions {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            opt_en: Default::default(),
            opt_left: Default::default(),
            byte_in: Default::default(),
            syn: Default::default(),
            wscale: Default::default(),
            tsval: Default::default(),
            ts_ok: Default::default(),
            opt_state: Default::default(),
            opt_ws: Default::default(),
            opt_room: Default::default(),
            opt_skip: Default::default(),
            ws_found: Default::default(),
            ws_val: Default::default(),
            opt_ts: Default::default(),
            opt_tsv: Default::default(),
            ts_found: Default::default(),
            ts_val: Default::default(),
            ts_in: Default::default(),
            len_w: Default::default(),
            len11: Default::default(),
            k_opt_eol: k(OPT_EOL as u64),
            k_opt_nop: k(OPT_NOP as u64),
            k_opt_ws: k(OPT_WSCALE as u64),
            k_opt_ws_len: k(OPT_WSCALE_LEN as u64),
            k_opt_len_min: k(2),
            k_opt_ts: k(OPT_TIMESTAMP as u64),
            k_opt_ts_len: k(OPT_TIMESTAMP_LEN as u64),
            k_ts_end: k(OPT_TIMESTAMP_LEN as u64 - 2 - 4),
            k_ts_last: k(OPT_TIMESTAMP_LEN as u64 - 2 - 3),
            k_one8: k(1),
            k_ws_max8: k(WSCALE_MAX as u64),
            k_ws_max: k(WSCALE_MAX as u64),
            k_ws_none: k(WSCALE_NONE as u64),
            k_w_kind: k(walk::KIND),
            k_w_len: k(walk::LEN),
            k_w_skip: k(walk::SKIP),
            k_w_val: k(walk::VAL),
            k_w_done: k(walk::DONE),
            k_zero3: k(0),
        }
    }
}

impl Logic for TcpOptions {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, opt_state, opt_ws, opt_room, opt_skip, ws_found, ws_val, opt_ts, opt_tsv,
            ts_found, ts_val
        );
        // TSval so far, shifted a byte with this one in; an option's length in 11 bits.
        self.ts_in.next.b0 = self.byte_in.val();
        self.ts_in.next.rest = self.ts_val.q.val().get_bits::<24>(0);
        self.len_w.next.v = self.byte_in.val();
        self.len_w.next.z = self.k_zero3.val();
        self.len11.next = self.len_w.val().into();

        // Options (RFC 7323 §2.2 window scale), walked as the model walks them.
        if self.opt_en.val() {
            if self.opt_state.q.val() == self.k_w_kind.val() {
                if self.byte_in.val() == self.k_opt_eol.val() {
                    self.opt_state.d.next = self.k_w_done.val();
                } else if self.byte_in.val() != self.k_opt_nop.val() {
                    self.opt_state.d.next = self.k_w_len.val();
                    self.opt_ws.d.next = self.byte_in.val() == self.k_opt_ws.val();
                    self.opt_ts.d.next = self.byte_in.val() == self.k_opt_ts.val();
                    self.opt_room.d.next = self.opt_left.val();
                }
            } else if self.opt_state.q.val() == self.k_w_len.val() {
                if (self.byte_in.val() < self.k_opt_len_min.val())
                    || (self.len11.val() > self.opt_room.q.val())
                {
                    self.opt_state.d.next = self.k_w_done.val();
                } else if self.opt_ws.q.val() && (self.byte_in.val() == self.k_opt_ws_len.val()) {
                    self.opt_state.d.next = self.k_w_val.val();
                } else if self.byte_in.val() == self.k_opt_len_min.val() {
                    self.opt_state.d.next = self.k_w_kind.val();
                } else {
                    self.opt_state.d.next = self.k_w_skip.val();
                    self.opt_skip.d.next = self.byte_in.val() - self.k_opt_len_min.val();
                    self.opt_tsv.d.next = self.opt_ts.q.val()
                        && (self.byte_in.val() == self.k_opt_ts_len.val())
                        && !self.ts_found.q.val();
                }
            } else if self.opt_state.q.val() == self.k_w_skip.val() {
                self.opt_skip.d.next = self.opt_skip.q.val() - self.k_one8.val();
                if self.opt_skip.q.val() == self.k_one8.val() {
                    self.opt_state.d.next = self.k_w_kind.val();
                }
                // TSval: the first four value bytes of the Timestamps option (RFC 7323 §3.2).
                if self.opt_tsv.q.val() && (self.opt_skip.q.val() > self.k_ts_end.val()) {
                    self.ts_val.d.next = self.ts_in.val().into();
                    if self.opt_skip.q.val() == self.k_ts_last.val() {
                        self.ts_found.d.next = true;
                    }
                }
            } else if self.opt_state.q.val() == self.k_w_val.val() {
                self.opt_state.d.next = self.k_w_kind.val();
                if !self.ws_found.q.val() {
                    self.ws_found.d.next = true;
                    self.ws_val.d.next = self.k_ws_max.val();
                    if self.byte_in.val() < self.k_ws_max8.val() {
                        self.ws_val.d.next = self.byte_in.val().get_bits::<4>(0);
                    }
                }
            }
        }
        // ---- a new frame
        if self.clear.val() {
            self.opt_state.d.next = self.k_w_kind.val();
            self.ws_found.d.next = false;
            self.ts_found.d.next = false;
        }

        // ---- the shift only for a SYN
        self.wscale.next = self.k_ws_none.val();
        if self.ws_found.q.val() && self.syn.val() {
            self.wscale.next = self.ws_val.q.val();
        }
        self.tsval.next = self.ts_val.q.val();
        self.ts_ok.next = self.ts_found.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_options_is_synthesizable() {
        let mut uut = TcpOptions::default();
        uut.clock.connect();
        uut.clear.connect();
        uut.opt_en.connect();
        uut.opt_left.connect();
        uut.byte_in.connect();
        uut.syn.connect();
        uut.connect_all();
        yosys_validate("synscope_tcp_options", &generate_verilog(&uut)).unwrap();
    }
}
