//! `flow_key`: a segment's (source, destination) endpoints → the direction-free connection key.
//!
//! Combinational. Exactly `synscope_model::FlowKey::of`: the endpoints in canonical order
//! (`lo <= hi`, comparing address, then port), and whether the source is the `lo` end, so both
//! directions of a conversation find the same table entry. Equal endpoints give `src_is_lo`.

use rust_hdl::prelude::*;

/// IPv4 address width.
pub const IP_BITS: usize = 32;
/// TCP port width.
pub const PORT_BITS: usize = 16;

#[derive(LogicBlock, Default)]
pub struct FlowKey {
    pub src_ip: Signal<In, Bits<IP_BITS>>,
    pub src_port: Signal<In, Bits<PORT_BITS>>,
    pub dst_ip: Signal<In, Bits<IP_BITS>>,
    pub dst_port: Signal<In, Bits<PORT_BITS>>,
    pub lo_ip: Signal<Out, Bits<IP_BITS>>,
    pub lo_port: Signal<Out, Bits<PORT_BITS>>,
    pub hi_ip: Signal<Out, Bits<IP_BITS>>,
    pub hi_port: Signal<Out, Bits<PORT_BITS>>,
    /// The source endpoint is `lo` (`FlowKey::of(..).1`).
    pub src_is_lo: Signal<Out, Bit>,
    src_le_dst: Signal<Local, Bit>,
}

impl Logic for FlowKey {
    #[hdl_gen]
    fn update(&mut self) {
        // src <= dst, address first, then port (the derived `Ord` of `Endpoint`). Two compares of
        // sized signals, no concatenation: nothing here depends on Verilog's expression widths.
        self.src_le_dst.next = (self.src_ip.val() < self.dst_ip.val())
            | ((self.src_ip.val() == self.dst_ip.val())
                & (self.src_port.val() <= self.dst_port.val()));
        self.src_is_lo.next = self.src_le_dst.val();
        if self.src_le_dst.val() {
            self.lo_ip.next = self.src_ip.val();
            self.lo_port.next = self.src_port.val();
            self.hi_ip.next = self.dst_ip.val();
            self.hi_port.next = self.dst_port.val();
        } else {
            self.lo_ip.next = self.dst_ip.val();
            self.lo_port.next = self.dst_port.val();
            self.hi_ip.next = self.src_ip.val();
            self.hi_port.next = self.src_port.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uut() -> FlowKey {
        let mut uut = FlowKey::default();
        uut.src_ip.connect();
        uut.src_port.connect();
        uut.dst_ip.connect();
        uut.dst_port.connect();
        uut.connect_all();
        uut
    }

    #[test]
    fn flow_key_is_synthesizable() {
        yosys_validate("synscope_flow_key", &generate_verilog(&uut())).unwrap();
    }
}
