//! `send_window`: the window the sender's segment advertises for its peer's stream, and
//! whether it replaces the one the sender has (`synscope_model::segment::apply`'s window update
//! and `scale`).
//!
//! Combinational. SEG.WND is scaled by the sender's shift once both SYNs carried the Window
//! Scale option (RFC 7323 §2.2–2.3), never in a SYN or SYN-ACK; a connection picked up
//! mid-stream, whose SYNs were not seen, takes the largest shift (14, RFC 7323 §2.3) when a
//! scale is unknown, so the window check never rejects a genuine segment. The window's right edge
//! is SEG.ACK + the scaled window; it replaces the stored one when it is newer (RFC 9293
//! §3.10.7.4, SND.WL1/SND.WL2: a later ACK, or the same ACK and a window further right), or
//! when the sender has none yet or the segment starts a new incarnation.

use super::codes::c;
use super::Zext32;
use crate::conn::entry::TrackBits;
use rust_hdl::prelude::*;
use synscope_model::descriptor::{WSCALE_MAX, WSCALE_NONE};

#[derive(LogicBlock)]
pub struct SendWindow {
    /// The base sender; the receiver's window scale (`WSCALE_NONE`: no option seen).
    pub sender: Signal<In, TrackBits>,
    pub receiver_wscale: Signal<In, Bits<4>>,
    /// The entry is a mid-stream pickup.
    pub picked_up: Signal<In, Bit>,
    /// A SYN or SYN-ACK (its window is never scaled).
    pub handshake: Signal<In, Bit>,
    /// The segment starts a new incarnation.
    pub reinc: Signal<In, Bit>,
    pub window: Signal<In, Bits<16>>,
    pub ack: Signal<In, Bits<32>>,
    /// SEG.ACK + the scaled window.
    pub right: Signal<Out, Bits<32>>,
    /// The segment's window replaces the sender's.
    pub newer: Signal<Out, Bit>,
    s_ws_none: Signal<Local, Bit>,
    r_ws_none: Signal<Local, Bit>,
    shift: Signal<Local, Bits<4>>,
    wnd32: Signal<Local, Zext32>,
    wnd: Signal<Local, Bits<32>>,
    /// `right`, read back here (an output read in its own process is a loop to Verilator).
    w_right: Signal<Local, Bits<32>>,
    sgn_sleft_ack: Signal<Local, Bits<32>>,
    sgn_sright_wright: Signal<Local, Bits<32>>,
    ws_none: Constant<Bits<4>>,
    ws_max: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    zero16: Constant<Bits<16>>,
}

impl Default for SendWindow {
    fn default() -> Self {
        Self {
            sender: Default::default(),
            receiver_wscale: Default::default(),
            picked_up: Default::default(),
            handshake: Default::default(),
            reinc: Default::default(),
            window: Default::default(),
            ack: Default::default(),
            right: Default::default(),
            newer: Default::default(),
            s_ws_none: Default::default(),
            r_ws_none: Default::default(),
            shift: Default::default(),
            wnd32: Default::default(),
            wnd: Default::default(),
            w_right: Default::default(),
            sgn_sleft_ack: Default::default(),
            sgn_sright_wright: Default::default(),
            ws_none: c(WSCALE_NONE as u64),
            ws_max: c(WSCALE_MAX as u64),
            zero4: c(0),
            zero16: c(0),
        }
    }
}

impl Logic for SendWindow {
    #[hdl_gen]
    fn update(&mut self) {
        self.s_ws_none.next = self.sender.val().wscale == self.ws_none.val();
        self.r_ws_none.next = self.receiver_wscale.val() == self.ws_none.val();
        if self.picked_up.val() && (self.s_ws_none.val() || self.r_ws_none.val()) {
            self.shift.next = self.ws_max.val();
        } else if !self.s_ws_none.val() && !self.r_ws_none.val() {
            self.shift.next = self.sender.val().wscale;
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
        self.right.next = self.w_right.val();
        self.sgn_sleft_ack.next = self.sender.val().wnd_left - self.ack.val();
        self.sgn_sright_wright.next = self.sender.val().wnd_right - self.w_right.val();
        self.newer.next = self.reinc.val()
            || !self.sender.val().wnd_known
            || self.sgn_sleft_ack.val().get_bit(31)
            || ((self.ack.val() == self.sender.val().wnd_left)
                && self.sgn_sright_wright.val().get_bit(31));
    }
}
