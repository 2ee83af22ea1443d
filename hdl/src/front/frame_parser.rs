//! `frame_parser`: Ethernet frames from the receive FIFO → segment descriptors or drop reasons,
//! one byte per clock (system clock domain).
//!
//! Exactly `synscope_model::frame::parse_frame` for the same bytes, same checks, same order, same
//! reason (read the model first). Each byte is looked at once, as it passes: its position picks
//! the field it belongs to (offsets from `synscope_model::frame::field`), and every check is
//! decided when the frame's status entry arrives, from what was kept, as a priority chain in the
//! model's order:
//! 1. the receiver's own verdict (a status entry with `STATUS_DROP`: passed through), then length
//!    (`< 60` Runt, `> 1522` Oversize);
//! 2. Ethernet II EtherType at 12, up to two VLAN tags skipped (TPID 0x8100, 0x88A8, 0x9100); a
//!    third → Unsupported; neither IPv4 nor IPv6 → NotIp (IPv6's fixed header and its
//!    extension-header chain, RFC 8200 §3 and §4, are checked in `parser::ipv6_walk`);
//! 3. IPv4 (RFC 791 §3.1): version, IHL ≥ 5, IHL·4 ≤ total length ≤ bytes present →
//!    BadIpHeader; header checksum (RFC 1071, summed a 16-bit word at a time with end-around
//!    carry while the bytes pass) → BadIpChecksum; MF or fragment offset → IpFragment;
//!    protocol AH or ESP → Ipsec, ≠ 6 → NotTcp;
//! 4. TCP (RFC 9293 §3.1): IP payload ≥ 20, data offset ≥ 5 and ·4 ≤ IP payload →
//!    BadTcpHeader. The options between byte 20 and the data offset are walked as they pass for
//!    the window-scale option (RFC 7323 §2.2) and the Timestamps option (§3.2: kind 8, length
//!    10, TSval its first four value bytes), with the model's rules for malformed options (EOL,
//!    a kind without length, a length < 2 or past the options end the walk); the first of each
//!    counts. The shift is kept only for a SYN, and capped at 14; the TSval of every segment.
//!
//! Every rule of the model is byte-serial: each field sits at a position known before it
//! arrives (the EtherType position from the tags before it, the TCP header from the IHL, the
//! options' end from the data offset), and the length checks need only the count at the end.
//!
//! ## Interface
//! Input: the receive FIFO's read side (`in_empty`, head entry `in_data`/`in_last`, `in_read`
//! takes it): frame bytes, then a `last` entry with the status byte. Output: one result per
//! frame, `out_valid` until `out_ready` (valid/ready; the parser stops reading while a result
//! waits): `out_drop` with `out_reason` (the `DropReason` encoding), or the descriptor fields,
//! `seg_time` = `now` when the status entry was read. `reset` (synchronous) starts a new frame
//! and empties the output.
//!
//! ## Blocks
//! The work is split along the headers into the blocks of [`crate::front::parser`], one per
//! file: `eth_vlan` (2), `ipv4_header` (3, with the IP fixed-header fields both versions
//! share), `ip_addrs`, `ipv6_walk`, `tcp_header` and `tcp_options` (4), and `descriptor` (1 and
//! the priority chain, the result registers). This block holds the byte position and the
//! input handshake, and wires them: each sees the byte being read at its position.

use crate::front::parser::descriptor::Descriptor;
use crate::front::parser::eth_vlan::EthVlan;
use crate::front::parser::ip_addrs::IpAddrs;
use crate::front::parser::ipv4_header::Ipv4Header;
use crate::front::parser::ipv6_walk::Ipv6Walk;
use crate::front::parser::k;
use crate::front::parser::tcp_header::TcpHeader;
use crate::front::parser::tcp_options::TcpOptions;
use crate::ports::segment_desc::SegmentDescOut;
use rust_hdl::prelude::*;
use synscope_model::drop::DropReason;
use synscope_model::flags::TcpFlags;
use synscope_model::frame::MAX_FRAME_LEN;

/// Width of the byte position (saturating: any length > 1522 is Oversize).
pub const POS_BITS: usize = 11;
/// Time base width (the model's `time: u32`).
pub const NOW_BITS: usize = 32;

const _: () = assert!(MAX_FRAME_LEN < (1 << POS_BITS) - 1);
const _: () = assert!(TcpFlags::BITS == 9);

#[derive(LogicBlock)]
pub struct FrameParser {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The time base (seconds), stamped on each descriptor.
    pub now: Signal<In, Bits<NOW_BITS>>,
    // ---- receive FIFO, read side
    pub in_empty: Signal<In, Bit>,
    pub in_data: Signal<In, Bits<8>>,
    pub in_last: Signal<In, Bit>,
    pub in_read: Signal<Out, Bit>,
    // ---- result
    pub out_ready: Signal<In, Bit>,
    pub out_valid: Signal<Out, Bit>,
    pub out_drop: Signal<Out, Bit>,
    pub out_reason: Signal<Out, Bits<{ DropReason::BITS }>>,
    /// The descriptor of a frame not dropped.
    pub desc: SegmentDescOut,

    // ---- the blocks, in the order a frame's bytes reach them
    eth: EthVlan,
    ip4: Ipv4Header,
    addrs: IpAddrs,
    ip6: Ipv6Walk,
    tcp: TcpHeader,
    opts: TcpOptions,
    result: Descriptor,
    /// Position of the byte being read = bytes before it (saturating).
    pos: DFF<Bits<POS_BITS>>,
    // ---- combinational
    /// An entry is read: a frame byte (`step`) or the status entry (`fin`); `clear`: the
    /// status entry or `reset` (a new frame starts).
    take: Signal<Local, Bit>,
    step: Signal<Local, Bit>,
    fin: Signal<Local, Bit>,
    clear: Signal<Local, Bit>,
    /// A byte of the IP packet is read.
    ip_step: Signal<Local, Bit>,
    /// The byte's position from the IP header's start.
    ipo: Signal<Local, Bits<POS_BITS>>,
    k_pos_max: Constant<Bits<POS_BITS>>,
    k_one_p: Constant<Bits<POS_BITS>>,
    k_zero_p: Constant<Bits<POS_BITS>>,
}

impl Default for FrameParser {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            now: Default::default(),
            in_empty: Default::default(),
            in_data: Default::default(),
            in_last: Default::default(),
            in_read: Default::default(),
            out_ready: Default::default(),
            out_valid: Default::default(),
            out_drop: Default::default(),
            out_reason: Default::default(),
            desc: Default::default(),
            eth: Default::default(),
            ip4: Default::default(),
            addrs: Default::default(),
            ip6: Default::default(),
            tcp: Default::default(),
            opts: Default::default(),
            result: Default::default(),
            pos: Default::default(),
            take: Default::default(),
            step: Default::default(),
            fin: Default::default(),
            clear: Default::default(),
            ip_step: Default::default(),
            ipo: Default::default(),
            k_pos_max: k((1 << POS_BITS) - 1),
            k_one_p: k(1),
            k_zero_p: k(0),
        }
    }
}

impl Logic for FrameParser {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, pos);

        // ---- input handshake: read while there is an entry and no result waits
        self.take.next =
            !self.in_empty.val() && (!self.result.out_valid.val() || self.out_ready.val());
        self.in_read.next = self.take.val();
        self.step.next = self.take.val() && !self.in_last.val();
        self.fin.next = self.take.val() && self.in_last.val();
        self.clear.next = self.fin.val() || self.reset.val();
        self.ip_step.next = self.step.val() && self.eth.done.val();
        self.ipo.next = self.pos.q.val() - self.eth.ip_at.val();

        // ---- the byte position
        if self.step.val() && (self.pos.q.val() != self.k_pos_max.val()) {
            self.pos.d.next = self.pos.q.val() + self.k_one_p.val();
        }
        if self.clear.val() {
            self.pos.d.next = self.k_zero_p.val();
        }

        // ---- Ethernet: the EtherType behind the VLAN tags
        self.eth.clock.next = self.clock.val();
        self.eth.clear.next = self.clear.val();
        self.eth.step.next = self.step.val();
        self.eth.pos.next = self.pos.q.val();
        self.eth.byte_in.next = self.in_data.val();

        // ---- IP fixed header, IPv4 checksum and checks
        self.ip4.clock.next = self.clock.val();
        self.ip4.clear.next = self.clear.val();
        self.ip4.en.next = self.ip_step.val();
        self.ip4.v6.next = self.eth.v6.val();
        self.ip4.ipo.next = self.ipo.val();
        self.ip4.byte_in.next = self.in_data.val();

        // ---- the addresses
        self.addrs.clock.next = self.clock.val();
        self.addrs.clear.next = self.clear.val();
        self.addrs.en.next = self.ip_step.val();
        self.addrs.v6.next = self.eth.v6.val();
        self.addrs.ipo.next = self.ipo.val();
        self.addrs.byte_in.next = self.in_data.val();

        // ---- IPv6: next header, the extension-header chain, checks
        self.ip6.clock.next = self.clock.val();
        self.ip6.clear.next = self.clear.val();
        self.ip6.en.next = self.ip_step.val();
        self.ip6.decided.next = self.eth.decided.val();
        self.ip6.decided_v6.next = self.eth.decided_v6.val();
        self.ip6.v6.next = self.eth.v6.val();
        self.ip6.ipo.next = self.ipo.val();
        self.ip6.byte_in.next = self.in_data.val();
        self.ip6.version.next = self.ip4.version.val();
        self.ip6.length.next = self.ip4.length.val();

        // ---- TCP header
        self.tcp.clock.next = self.clock.val();
        self.tcp.en.next = self.ip_step.val();
        self.tcp.eth_done.next = self.eth.done.val();
        self.tcp.v6.next = self.eth.v6.val();
        self.tcp.ipo.next = self.ipo.val();
        self.tcp.byte_in.next = self.in_data.val();
        self.tcp.ihl_bytes.next = self.ip4.ihl_bytes.val();
        self.tcp.l4_at6.next = self.ip6.l4_at.val();
        self.tcp.tcp_here6.next = self.ip6.tcp_here.val();
        self.tcp.ip_end.next = self.ip4.ip_end.val();

        // ---- TCP options
        self.opts.clock.next = self.clock.val();
        self.opts.clear.next = self.clear.val();
        self.opts.opt_en.next = self.tcp.opt_en.val();
        self.opts.opt_left.next = self.tcp.opt_left.val();
        self.opts.byte_in.next = self.in_data.val();
        self.opts.syn.next = self.tcp.syn.val();

        // ---- the result: the checks in order, the descriptor
        self.result.clock.next = self.clock.val();
        self.result.reset.next = self.reset.val();
        self.result.fin.next = self.fin.val();
        self.result.status.next = self.in_data.val();
        self.result.pos.next = self.pos.q.val();
        self.result.now.next = self.now.val();
        self.result.et_unsupported.next = self.eth.unsupported.val();
        self.result.et_not_ip.next = self.eth.not_ip.val();
        self.result.is_v6.next = self.eth.v6.val();
        self.result.v6_drop.next = self.ip6.drop.val();
        self.result.v6_reason.next = self.ip6.reason.val();
        self.result.v4_drop.next = self.ip4.drop.val();
        self.result.v4_reason.next = self.ip4.reason.val();
        self.result.tcp_bad.next = self.tcp.bad.val();
        self.result.in_src_ip.next = self.addrs.src_ip.val();
        self.result.in_dst_ip.next = self.addrs.dst_ip.val();
        self.result.in_src_port.next = self.tcp.src_port.val();
        self.result.in_dst_port.next = self.tcp.dst_port.val();
        self.result.in_seq.next = self.tcp.seq.val();
        self.result.in_ack.next = self.tcp.ack.val();
        self.result.in_flags.next = self.tcp.flags.val();
        self.result.in_window.next = self.tcp.window.val();
        self.result.in_wscale.next = self.opts.wscale.val();
        self.result.in_payload_len.next = self.tcp.payload_len.val();
        self.result.in_tsval.next = self.opts.tsval.val();
        self.result.in_ts_ok.next = self.opts.ts_ok.val();
        self.result.out_ready.next = self.out_ready.val();

        // ---- outputs
        self.out_valid.next = self.result.out_valid.val();
        self.out_drop.next = self.result.out_drop.val();
        self.out_reason.next = self.result.out_reason.val();
        SegmentDescOut::link(&mut self.desc, &mut self.result.desc);
    }
}

/// A connected instance (the generated top).
pub fn connected() -> FrameParser {
    let mut u = FrameParser::default();
    u.clock.connect();
    u.reset.connect();
    u.now.connect();
    u.in_empty.connect();
    u.in_data.connect();
    u.in_last.connect();
    u.out_ready.connect();
    u.connect_all();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_parser_is_synthesizable() {
        yosys_validate("synscope_frame_parser", &generate_verilog(&connected())).unwrap();
    }
}
