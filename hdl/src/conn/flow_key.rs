//! `flow_key`: a segment's (source, destination) endpoints → the direction-free connection key.
//!
//! Combinational. Exactly `synscope_model::FlowKey::of`: the endpoints in canonical order
//! (`lo <= hi`, comparing address, then port), and whether the source is the `lo` end, so both
//! directions of a conversation find the same table entry. Equal endpoints give `src_is_lo`.
//! Addresses are 128 bits, an IPv4 one in the low 32 (its top bits zero): both endpoints of a
//! segment are of one family, so one compare orders either.

use rust_hdl::prelude::*;

/// Address width (IPv6; an IPv4 address is the low 32 bits).
pub const IP_BITS: usize = 128;
/// TCP port width.
pub const PORT_BITS: usize = 16;

/// An endpoint as one 144-bit number, address above port, so that a single magnitude compare
/// (one carry chain) orders endpoints like the model's derived `Ord` (address, then port).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EndpointKey {
    pub port: Bits<PORT_BITS>,
    pub ip: Bits<IP_BITS>,
}

/// The order of the packed 48-bit value (what the Verilog compares): address, then port.
impl PartialOrd for EndpointKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some((self.ip, self.port).cmp(&(other.ip, other.port)))
    }
}

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
    src_key: Signal<Local, EndpointKey>,
    dst_key: Signal<Local, EndpointKey>,
    src_le_dst: Signal<Local, Bit>,
}

impl Logic for FlowKey {
    #[hdl_gen]
    fn update(&mut self) {
        // src <= dst, address first, then port (the derived `Ord` of `Endpoint`): one 144-bit
        // compare of sized signals (no concatenation inside an expression, whose width Verilog
        // would decide).
        self.src_key.next.ip = self.src_ip.val();
        self.src_key.next.port = self.src_port.val();
        self.dst_key.next.ip = self.dst_ip.val();
        self.dst_key.next.port = self.dst_port.val();
        self.src_le_dst.next = self.src_key.val() <= self.dst_key.val();
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
