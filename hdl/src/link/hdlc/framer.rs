//! `hdlc_framer`: frame bytes in, flagged, stuffed and FCS-terminated bytes out (see [`super`]).

use super::*;
use crate::ports::byte_stream::{ByteOut, PacketIn};
use rust_hdl::prelude::*;
use synscope_model::protocol::{ESCAPE, ESCAPE_XOR, FLAG};

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
    /// A frame's content bytes (header and payload), `last` on the final one.
    pub s: PacketIn,
    /// Bytes to the line.
    pub m: ByteOut,
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
            s: Default::default(),
            m: Default::default(),
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
        self.m.data.next = self.out_data.q.val();
        self.m.valid.next = self.out_valid.q.val();
        self.s.ready.next = false;
        // The output register is free, or its byte leaves this cycle.
        self.load.next = !self.out_valid.q.val() | self.m.ready.val();
        // The FCS is the ones' complement of the register, low byte first (RFC 1662 §C.2).
        self.fcs_out.next = self.fcs.q.val() ^ self.ones16.val();
        self.fcs_lo.next = self.fcs_out.val().get_bits::<8>(0);
        self.fcs_hi.next = self.fcs_out.val().get_bits::<8>(8);
        self.in_special.next =
            (self.s.data.val() == self.flag_c.val()) | (self.s.data.val() == self.escape_c.val());
        self.lo_special.next =
            (self.fcs_lo.val() == self.flag_c.val()) | (self.fcs_lo.val() == self.escape_c.val());
        self.hi_special.next =
            (self.fcs_hi.val() == self.flag_c.val()) | (self.fcs_hi.val() == self.escape_c.val());
        self.fcs_unit.fcs.next = self.fcs.q.val();
        self.fcs_unit.octet.next = self.s.data.val();
        if self.load.val() {
            self.out_valid.d.next = false;
            if self.state.q.val() == self.st_idle.val() {
                // A frame is waiting: its opening flag (its first byte stays for DATA).
                if self.s.valid.val() {
                    self.out_data.d.next = self.flag_c.val();
                    self.out_valid.d.next = true;
                    self.fcs.d.next = self.fcs_init.val();
                    self.state.d.next = self.st_data.val();
                }
            } else if self.state.q.val() == self.st_data.val() {
                if self.s.valid.val() {
                    self.s.ready.next = true;
                    self.fcs.d.next = self.fcs_unit.fcs_next.val();
                    self.last.d.next = self.s.last.val();
                    self.out_valid.d.next = true;
                    if self.in_special.val() {
                        // RFC 1662 §4.2: escape, then the byte XOR 0x20.
                        self.out_data.d.next = self.escape_c.val();
                        self.pending.d.next = self.s.data.val() ^ self.xor_c.val();
                        self.state.d.next = self.st_data_esc.val();
                    } else {
                        self.out_data.d.next = self.s.data.val();
                        if self.s.last.val() {
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
            self.s.ready.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn framer() -> HdlcFramer {
        let mut u = HdlcFramer::default();
        u.clock.connect();
        u.reset.connect();
        u.s.link_connect_dest();
        u.m.link_connect_dest();
        u.connect_all();
        u
    }

    #[test]
    fn hdlc_framer_is_synthesizable() {
        yosys_validate("synscope_hdlc_framer", &generate_verilog(&framer())).unwrap();
    }
}
