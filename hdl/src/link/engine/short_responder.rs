//! `ShortResponder`: the answers whose body the engine has at hand (docs/protocol.md,
//! "Operations"): an error frame's code and op, `IDENTIFY`'s identity, `PING`'s echo,
//! `READ_LINK`'s counters and `READ_PHY`'s reading.
//!
//! * Error: [`ErrorPiece`], the code and the offending op (docs/protocol.md, "Operations":
//!   error frame payload).
//! * `IDENTIFY`: the design's `Identity::encode` (a constant, `ident`).
//! * `PING`: the payload echoed a byte a piece from the front end's RAM (`rd_addr`, `rd_data`
//!   a cycle later: a cycle's `hold` after each byte), `plen_m1` being the last one's address.
//! * `READ_LINK`: `LinkCounter` order: the deframer's five counters ([`LinkPieceA`]), then the
//!   engine's own and the deframer's `too_short` ([`LinkPieceB`]).
//! * `READ_PHY`: [`PhyPiece`], the MDIO master's last reading.
//!
//! The sequencer starts one (`start_*`) as it decodes the request, sends the header and lets
//! the responder run while `active`: it loads its pieces (`ld`, `n`, `last`) when the transmit
//! register is `free`, `done` with the last one.

use crate::link::engine::{PIECE_N_BITS, TX_BITS};
use crate::link::hdlc::{COUNTER_BITS as LINK_BITS, LEN_BITS};
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::protocol::LinkCounter;

/// An error frame's payload: code, offending op.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ErrorPiece {
    pub code: Bits<8>,
    pub op: Bits<8>,
}

/// `READ_LINK`, first part: the deframer's counters (`LinkCounter` order).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LinkPieceA {
    pub frames_ok: Bits<32>,
    pub bad_fcs: Bits<32>,
    pub too_long: Bits<32>,
    pub garbage: Bits<32>,
    pub aborted: Bits<32>,
}

/// `READ_LINK`, second part: the engine's counters.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct LinkPieceB {
    pub unknown_op: Bits<32>,
    pub bad_length: Bits<32>,
    pub responses: Bits<32>,
    pub events_sent: Bits<32>,
    pub events_rate_limited: Bits<32>,
    /// The deframer's `too_short` (last in `LinkCounter` order).
    pub too_short: Bits<32>,
}

/// A `READ_PHY` answer (`PhyStatus::encode`: status byte with bit 0 = found, address byte, then
/// PHYIDR1, PHYIDR2, BMSR, PHYSTS and the poll count, little endian).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct PhyPiece {
    pub found: Bit,
    pub zero7: Bits<7>,
    pub addr: Bits<5>,
    pub zero3: Bits<3>,
    pub id1: Bits<16>,
    pub id2: Bits<16>,
    pub bmsr: Bits<16>,
    pub physts: Bits<16>,
    pub polls: Bits<16>,
}

/// Bytes of the `IDENTIFY` payload.
pub const IDENT_BYTES: usize = 12;

const _: () = assert!(PhyPiece::BITS == synscope_model::protocol::phy::PHY_STATUS_BYTES * 8);
const _: () = assert!(LinkPieceA::BITS + LinkPieceB::BITS == LinkCounter::COUNT * 32);
const _: () = assert!(LinkPieceB::BITS <= TX_BITS && LINK_BITS == 32);

/// The responder's answers (a `READ_LINK` has two pieces).
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum ShortStep {
    Error,
    Identify,
    Ping,
    LinkA,
    LinkB,
    Phy,
}

/// The responder of the short answers.
#[derive(LogicBlock)]
pub struct ShortResponder {
    pub clock: Signal<In, Clock>,
    /// Start an answer: an error frame's body (`err`), `IDENTIFY`, `PING`, `READ_LINK`,
    /// `READ_PHY`.
    pub start_error: Signal<In, Bit>,
    pub start_identify: Signal<In, Bit>,
    pub start_ping: Signal<In, Bit>,
    pub start_link: Signal<In, Bit>,
    pub start_phy: Signal<In, Bit>,
    /// The request's error code, and its op (the sequencer's).
    pub err: Signal<In, Bits<8>>,
    pub op: Signal<In, Bits<8>>,
    /// The sequencer has handed the transmit register to this responder.
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    // ---- `PING`: the front end's payload RAM
    pub rd_addr: Signal<Out, Bits<LEN_BITS>>,
    pub rd_data: Signal<In, Bits<8>>,
    pub plen_m1: Signal<In, Bits<LEN_BITS>>,
    // ---- `READ_LINK`: the deframer's counters, then the engine's
    pub frames_ok: Signal<In, Bits<LINK_BITS>>,
    pub bad_fcs: Signal<In, Bits<LINK_BITS>>,
    pub too_long: Signal<In, Bits<LINK_BITS>>,
    pub garbage: Signal<In, Bits<LINK_BITS>>,
    pub aborted: Signal<In, Bits<LINK_BITS>>,
    pub too_short: Signal<In, Bits<LINK_BITS>>,
    pub unknown_op: Signal<In, Bits<LINK_BITS>>,
    pub bad_length: Signal<In, Bits<LINK_BITS>>,
    pub responses: Signal<In, Bits<LINK_BITS>>,
    pub events_sent: Signal<In, Bits<LINK_BITS>>,
    pub events_rate_limited: Signal<In, Bits<LINK_BITS>>,
    // ---- `READ_PHY`: the PHY as the MDIO master last read it
    pub phy_found: Signal<In, Bit>,
    pub phy_addr: Signal<In, Bits<5>>,
    pub phy_id1: Signal<In, Bits<16>>,
    pub phy_id2: Signal<In, Bits<16>>,
    pub phy_bmsr: Signal<In, Bits<16>>,
    pub phy_physts: Signal<In, Bits<16>>,
    pub phy_polls: Signal<In, Bits<16>>,
    // ---- to the transmit register
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// Hold the transmit register a cycle (the next byte is being read).
    pub hold: Signal<Out, Bit>,
    /// The answer's last piece is loaded.
    pub done: Signal<Out, Bit>,
    step: DFF<ShortStep>,
    err_q: DFF<Bits<8>>,
    idx: DFF<Bits<LEN_BITS>>,
    err_piece: Signal<Local, ErrorPiece>,
    link_a: Signal<Local, LinkPieceA>,
    link_b: Signal<Local, LinkPieceB>,
    phy_piece: Signal<Local, PhyPiece>,
    ident: Constant<Bits<{ IDENT_BYTES * 8 }>>,
    tx_none: Constant<Bits<TX_BITS>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_one: Constant<Bits<PIECE_N_BITS>>,
    n_err: Constant<Bits<PIECE_N_BITS>>,
    n_ident: Constant<Bits<PIECE_N_BITS>>,
    n_link: Constant<Bits<PIECE_N_BITS>>,
    n_link_b: Constant<Bits<PIECE_N_BITS>>,
    n_phy: Constant<Bits<PIECE_N_BITS>>,
    zero7: Constant<Bits<7>>,
    zero3: Constant<Bits<3>>,
}

impl ShortResponder {
    /// The responder of a design whose `IDENTIFY` payload is `ident` (`Identity::encode`, as a
    /// little-endian word).
    pub fn new(ident: Bits<{ IDENT_BYTES * 8 }>) -> Self {
        Self {
            clock: Default::default(),
            start_error: Default::default(),
            start_identify: Default::default(),
            start_ping: Default::default(),
            start_link: Default::default(),
            start_phy: Default::default(),
            err: Default::default(),
            op: Default::default(),
            active: Default::default(),
            free: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            plen_m1: Default::default(),
            frames_ok: Default::default(),
            bad_fcs: Default::default(),
            too_long: Default::default(),
            garbage: Default::default(),
            aborted: Default::default(),
            too_short: Default::default(),
            unknown_op: Default::default(),
            bad_length: Default::default(),
            responses: Default::default(),
            events_sent: Default::default(),
            events_rate_limited: Default::default(),
            phy_found: Default::default(),
            phy_addr: Default::default(),
            phy_id1: Default::default(),
            phy_id2: Default::default(),
            phy_bmsr: Default::default(),
            phy_physts: Default::default(),
            phy_polls: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            hold: Default::default(),
            done: Default::default(),
            step: Default::default(),
            err_q: Default::default(),
            idx: Default::default(),
            err_piece: Default::default(),
            link_a: Default::default(),
            link_b: Default::default(),
            phy_piece: Default::default(),
            ident: Constant::new(ident),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            len_zero: c(0),
            len_one: c(1),
            n_zero: c(0),
            n_one: c(1),
            n_err: c(ErrorPiece::BITS as u64 / 8),
            n_ident: c(IDENT_BYTES as u64),
            n_link: c(LinkPieceA::BITS as u64 / 8),
            n_link_b: c(LinkPieceB::BITS as u64 / 8),
            n_phy: c(PhyPiece::BITS as u64 / 8),
            zero7: c(0),
            zero3: c(0),
        }
    }
}

impl Logic for ShortResponder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, step, err_q, idx);
        self.rd_addr.next = self.idx.q.val();
        self.err_piece.next.code = self.err_q.q.val();
        self.err_piece.next.op = self.op.val();
        self.link_a.next.frames_ok = self.frames_ok.val();
        self.link_a.next.bad_fcs = self.bad_fcs.val();
        self.link_a.next.too_long = self.too_long.val();
        self.link_a.next.garbage = self.garbage.val();
        self.link_a.next.aborted = self.aborted.val();
        self.link_b.next.unknown_op = self.unknown_op.val();
        self.link_b.next.bad_length = self.bad_length.val();
        self.link_b.next.responses = self.responses.val();
        self.link_b.next.events_sent = self.events_sent.val();
        self.link_b.next.events_rate_limited = self.events_rate_limited.val();
        self.link_b.next.too_short = self.too_short.val();
        self.phy_piece.next.found = self.phy_found.val();
        self.phy_piece.next.zero7 = self.zero7.val();
        self.phy_piece.next.addr = self.phy_addr.val();
        self.phy_piece.next.zero3 = self.zero3.val();
        self.phy_piece.next.id1 = self.phy_id1.val();
        self.phy_piece.next.id2 = self.phy_id2.val();
        self.phy_piece.next.bmsr = self.phy_bmsr.val();
        self.phy_piece.next.physts = self.phy_physts.val();
        self.phy_piece.next.polls = self.phy_polls.val();
        if self.start_error.val() {
            self.err_q.d.next = self.err.val();
            self.step.d.next = ShortStep::Error;
        }
        if self.start_identify.val() {
            self.step.d.next = ShortStep::Identify;
        }
        if self.start_ping.val() {
            self.idx.d.next = self.len_zero.val();
            self.step.d.next = ShortStep::Ping;
        }
        if self.start_link.val() {
            self.step.d.next = ShortStep::LinkA;
        }
        if self.start_phy.val() {
            self.step.d.next = ShortStep::Phy;
        }
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.hold.next = false;
        self.done.next = false;
        if self.active.val() & self.free.val() {
            self.ld.next = true;
            self.last.next = true;
            self.done.next = true;
            match self.step.q.val() {
                ShortStep::Error => {
                    self.piece.next = bit_cast::<TX_BITS, 16>(self.err_piece.val().into());
                    self.n.next = self.n_err.val();
                }
                ShortStep::Identify => {
                    self.piece.next = bit_cast::<TX_BITS, { IDENT_BYTES * 8 }>(self.ident.val());
                    self.n.next = self.n_ident.val();
                }
                ShortStep::Ping => {
                    self.piece.next = bit_cast::<TX_BITS, 8>(self.rd_data.val());
                    self.n.next = self.n_one.val();
                    self.last.next = self.idx.q.val() == self.plen_m1.val();
                    self.done.next = self.idx.q.val() == self.plen_m1.val();
                    self.idx.d.next = self.idx.q.val() + self.len_one.val();
                    self.hold.next = true;
                }
                ShortStep::LinkA => {
                    self.piece.next =
                        bit_cast::<TX_BITS, { LinkPieceA::BITS }>(self.link_a.val().into());
                    self.n.next = self.n_link.val();
                    self.last.next = false;
                    self.done.next = false;
                    self.step.d.next = ShortStep::LinkB;
                }
                ShortStep::LinkB => {
                    self.piece.next =
                        bit_cast::<TX_BITS, { LinkPieceB::BITS }>(self.link_b.val().into());
                    self.n.next = self.n_link_b.val();
                }
                ShortStep::Phy => {
                    self.piece.next =
                        bit_cast::<TX_BITS, { PhyPiece::BITS }>(self.phy_piece.val().into());
                    self.n.next = self.n_phy.val();
                }
            }
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected() -> ShortResponder {
    let mut u = ShortResponder::new(Default::default());
    u.clock.connect();
    u.start_error.connect();
    u.start_identify.connect();
    u.start_ping.connect();
    u.start_link.connect();
    u.start_phy.connect();
    u.err.connect();
    u.op.connect();
    u.active.connect();
    u.free.connect();
    u.rd_data.connect();
    u.plen_m1.connect();
    u.frames_ok.connect();
    u.bad_fcs.connect();
    u.too_long.connect();
    u.garbage.connect();
    u.aborted.connect();
    u.too_short.connect();
    u.unknown_op.connect();
    u.bad_length.connect();
    u.responses.connect();
    u.events_sent.connect();
    u.events_rate_limited.connect();
    u.phy_found.connect();
    u.phy_addr.connect();
    u.phy_id1.connect();
    u.phy_id2.connect();
    u.phy_bmsr.connect();
    u.phy_physts.connect();
    u.phy_polls.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_responder_is_synthesizable() {
        let mut u = connected();
        u.connect_all();
        yosys_validate("synscope_short_responder", &generate_verilog(&u)).unwrap();
    }
}
