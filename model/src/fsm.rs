//! The endpoint state machines, as two tables.
//!
//! ## A few words first
//!
//! synscope sits on the wire, like the man in the middle of nf_conntrack, but it does not keep
//! *one* connection state: it keeps the RFC 9293 state of **each endpoint**, as that endpoint's own
//! kernel would report it once the traffic seen has arrived. Every segment seen says two things:
//!
//! * about its **sender** S: what S must have done to send it (a SYN means S is opening, a FIN
//!   means S has closed its side — RFC 9293 §3.10.4, CLOSE call) — table [`SENDER`];
//! * about its **receiver** R: what R does when the segment arrives, assuming it does arrive
//!   (RFC 9293 §3.10.7, SEGMENT ARRIVES) — table [`RECEIVER`].
//!
//! Both tables are indexed `[acks][class][state]`:
//! * `class` is the flag class ([`FlagClass`]: SYN, SYN-ACK, FIN, ACK; RST and invalid
//!   combinations never reach a table);
//! * `acks` is one bit: the segment carries an acceptable ACK that acknowledges R's SYN (R in
//!   SYN_SENT / SYN_RECEIVED: `SND.UNA < SEG.ACK ≤ SND.NXT`, §3.10.7.3, a partial
//!   acknowledgement included) or R's FIN (`SEG.ACK` past it). The ACK processing of RFC 9293
//!   §3.10.7.4 (fifth check), done before its FIN processing (eighth check), is what each cell
//!   folds together.
//! * `class` is the class the receiver takes the segment as: a FIN that is not in sequence (held
//!   beyond a hole, or an old duplicate) reaches the receiver as an ACK; the held FIN takes effect
//!   as a FIN when the hole fills (eighth check: "processed only when it is in sequence").
//!
//! What a table cannot say is decided before it, in [`crate::segment`]: acceptability (first
//! and fifth checks), RST acceptance (RFC 5961 §3), a SYN on a synchronized connection (RFC 5961
//! §4), a SYN that reuses the 4-tuple of a finished connection (RFC 6191), and what later
//! segments prove about earlier ones (a handshake segment shown lost).
//!
//! Aliases keep each row on one line; the columns are the eleven states in encoding order.

use crate::flags::FlagClass;
use crate::state::TcpState;

const S_CL: TcpState = TcpState::Closed;
const S_LI: TcpState = TcpState::Listen;
const S_SS: TcpState = TcpState::SynSent;
const S_SR: TcpState = TcpState::SynReceived;
const S_ES: TcpState = TcpState::Established;
const S_F1: TcpState = TcpState::FinWait1;
const S_F2: TcpState = TcpState::FinWait2;
const S_CW: TcpState = TcpState::CloseWait;
const S_CG: TcpState = TcpState::Closing;
const S_LA: TcpState = TcpState::LastAck;
const S_TW: TcpState = TcpState::TimeWait;

/// `[acks][class][state]` → next state.
pub type Table = [[[TcpState; TcpState::COUNT]; FlagClass::TABLE_CLASSES]; 2];

/// What sending a segment reveals about its sender. Laid out as nf_conntrack's
/// `tcp_conntracks`: each row is followed by the reasons for the cells that move in it (a
/// test holds the two together); every other cell is unchanged: retransmissions, keep-alives and
/// plain ACKs reveal nothing.
#[rustfmt::skip]
pub const SENDER: Table = [
    // acks = 0: the segment does not acknowledge the receiver's SYN (FIN).
    [
        //          sCL   sLI   sSS   sSR   sES   sF1   sF2   sCW   sCG   sLA   sTW
        /*syn*/   [S_SS, S_SS, S_SS, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sCL/sLI -> sSS  OPEN call, active: "send SYN, enter SYN-SENT" (§3.10.1). A SYN from a
        //                  synchronized sender never reaches the table (RFC 5961 §4, reincarnation,
        //                  a SYN-ACK shown lost: see `segment`). A retransmitted SYN (sSS) and a
        //                  SYN crossing ours in a simultaneous open (sSR, §3.5 Figure 8) move nothing.
        /*synack*/[S_CL, S_SR, S_SR, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sLI -> sSR      A SYN-ACK answers a SYN the sender received (§3.10.7.2, LISTEN); a
        //                  picked-up connection starts with its server in LISTEN.
        //  sSS -> sSR      Simultaneous open: it received the peer's SYN, now SYN-RECEIVED
        //                  (§3.10.7.3 "Otherwise, enter SYN-RECEIVED, form a SYN,ACK").
        //  (sCL: a stray SYN-ACK that acknowledges no SYN of the peer reveals nothing.)
        /*fin*/   [S_CL, S_LI, S_SS, S_F1, S_F1, S_F1, S_F2, S_CG, S_CG, S_LA, S_TW],
        //  sSR/sES -> sF1  CLOSE call: "form a FIN segment … enter FIN-WAIT-1" (§3.10.4).
        //  sCW -> sCG      The FIN does not acknowledge the peer's FIN, so it was sent before that
        //                  FIN arrived: simultaneous close (§3.6, Figure 13). The sender was
        //                  ESTABLISHED -> FIN-WAIT-1, and the peer's FIN, in flight, takes it to
        //                  CLOSING.
        /*ack*/   [S_CL, S_LI, S_SS, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  (nothing moves. A SYN-RECEIVED endpoint sending data is ESTABLISHED: a request socket
        //  sends only its SYN-ACK and bare ACKs, `tcp_check_req`; `segment` says so, since the
        //  table has no length.)
    ],
    // acks = 1: the segment acknowledges the receiver's SYN (FIN).
    [
        //          sCL   sLI   sSS   sSR   sES   sF1   sF2   sCW   sCG   sLA   sTW
        /*syn*/   [S_SS, S_SS, S_SS, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sCL/sLI -> sSS  As with acks = 0 (a SYN acknowledges nothing the table looks at).
        /*synack*/[S_SR, S_SR, S_SR, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sCL -> sSR      The SYN-ACK acknowledges the peer's SYN, so the sender took it,
        //                  although an earlier SYN was shown dropped (the sender was set back to
        //                  CLOSED).
        //  sLI -> sSR      A SYN-ACK answers a SYN the sender received (§3.10.7.2, LISTEN).
        //  sSS -> sSR      Simultaneous open (§3.10.7.3).
        /*fin*/   [S_CL, S_LI, S_F1, S_F1, S_F1, S_F1, S_F2, S_LA, S_CG, S_LA, S_TW],
        //  sSS -> sF1      It acknowledges the peer's SYN, so it received the SYN-ACK and was
        //                  ESTABLISHED (§3.10.7.3), then closed.
        //  sSR/sES -> sF1  CLOSE call (§3.10.4).
        //  sCW -> sLA      CLOSE call in CLOSE-WAIT: "send a FIN … enter LAST-ACK" (§3.10.4),
        //                  the FIN acknowledging the peer's FIN.
        /*ack*/   [S_CL, S_LI, S_ES, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sSS -> sES      "If SND.UNA > ISS (our SYN has been ACKed), change the connection
        //                  state to ESTABLISHED, form an ACK segment" (§3.10.7.3): an ACK of the
        //                  peer's SYN shows the SYN-ACK arrived.
    ],
];

/// What a segment does to its receiver when it arrives (RFC 9293 §3.10.7). Laid out as
/// [`SENDER`]; every cell without a reason is unchanged: duplicates, retransmissions, window
/// probes, keep-alives and out-of-order segments never move a state.
#[rustfmt::skip]
pub const RECEIVER: Table = [
    // acks = 0
    [
        //          sCL   sLI   sSS   sSR   sES   sF1   sF2   sCW   sCG   sLA   sTW
        /*syn*/   [S_SR, S_SR, S_SR, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sCL/sLI -> sSR  LISTEN: "set RCV.NXT to SEG.SEQ+1 … send SYN,ACK … enter SYN-RECEIVED"
        //                  (§3.10.7.2). The segment is assumed delivered and the port open; a
        //                  refusal shows up as the receiver's RST.
        //  sSS -> sSR      SYN-SENT receiving a SYN without ACK: simultaneous open (§3.10.7.3).
        /*synack*/[S_CL, S_LI, S_SS, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  (nothing moves: in SYN-SENT an unacceptable ACK is answered by RST, §3.10.7.3.)
        /*fin*/   [S_CL, S_LI, S_SS, S_SR, S_CW, S_CG, S_TW, S_CW, S_CG, S_LA, S_TW],
        //  sES -> sCW      "Enter the CLOSE-WAIT state" (§3.10.7.4, eighth check).
        //  sF1 -> sCG      Our FIN not acknowledged: "Otherwise, enter the CLOSING state"
        //                  (simultaneous close).
        //  sF2 -> sTW      "Enter the TIME-WAIT state" (eighth check).
        //  (sLA, sTW: a retransmitted FIN is acknowledged; TIME-WAIT restarts its 2MSL timeout.)
        /*ack*/   [S_CL, S_LI, S_SS, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  (nothing moves.)
    ],
    // acks = 1
    [
        //          sCL   sLI   sSS   sSR   sES   sF1   sF2   sCW   sCG   sLA   sTW
        /*syn*/   [S_SR, S_SR, S_SR, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sCL/sLI -> sSR  As with acks = 0 (§3.10.7.2).
        //  sSS -> sSR      Simultaneous open (§3.10.7.3).
        /*synack*/[S_CL, S_LI, S_ES, S_ES, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW],
        //  sSS -> sES      "Our SYN has been ACKed … enter ESTABLISHED" (§3.10.7.3).
        //  sSR -> sES      Simultaneous open: the peer's SYN-ACK acknowledges our SYN.
        /*fin*/   [S_CL, S_LI, S_SS, S_CW, S_CW, S_TW, S_TW, S_CW, S_TW, S_CL, S_TW],
        //  sSR -> sCW      The ACK makes it ESTABLISHED (§3.10.7.4 fifth check), the FIN then
        //                  CLOSE-WAIT (eighth check).
        //  sES -> sCW      "Enter the CLOSE-WAIT state" (eighth check).
        //  sF1 -> sTW      Our FIN is acknowledged (FIN-WAIT-2), then the FIN: "enter TIME-WAIT"
        //                  (eighth check).
        //  sF2 -> sTW      "Enter the TIME-WAIT state" (eighth check).
        //  sCG -> sTW      Our FIN acknowledged in CLOSING (fifth check).
        //  sLA -> sCL      Our FIN acknowledged in LAST-ACK: "delete the TCB, enter the CLOSED
        //                  state" (fifth check).
        /*ack*/   [S_CL, S_LI, S_SS, S_ES, S_ES, S_F2, S_F2, S_CW, S_TW, S_CL, S_TW],
        //  sSR -> sES      "Enter ESTABLISHED state" (fifth check, SYN-RECEIVED).
        //  sF1 -> sF2      "If the FIN segment is now acknowledged, enter FIN-WAIT-2".
        //  sCG -> sTW      "If the ACK acknowledges our FIN, enter the TIME-WAIT state".
        //  sLA -> sCL      "If our FIN is now acknowledged, delete the TCB, enter the CLOSED
        //                  state and return".
    ],
];

/// Next state of the sender of a segment of `class` (a table class) with `acks`.
pub fn sender_next(acks: bool, class: FlagClass, state: TcpState) -> TcpState {
    #[cfg(feature = "fsm-trace")]
    trace::hit(Cell::new(Side::Sender, acks, class, state));
    SENDER[acks as usize][class as usize][state as usize]
}

/// Next state of the receiver of a segment of `class` (a table class) with `acks`.
pub fn receiver_next(acks: bool, class: FlagClass, state: TcpState) -> TcpState {
    #[cfg(feature = "fsm-trace")]
    trace::hit(Cell::new(Side::Receiver, acks, class, state));
    RECEIVER[acks as usize][class as usize][state as usize]
}

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Sender,
    Receiver,
}

/// One cell of a transition table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub side: Side,
    pub acks: bool,
    pub class: FlagClass,
    pub state: TcpState,
}

impl Cell {
    pub const fn new(side: Side, acks: bool, class: FlagClass, state: TcpState) -> Self {
        Cell {
            side,
            acks,
            class,
            state,
        }
    }

    /// The state this cell moves to.
    pub fn next(self) -> TcpState {
        let table = match self.side {
            Side::Sender => &SENDER,
            Side::Receiver => &RECEIVER,
        };
        table[self.acks as usize][self.class as usize][self.state as usize]
    }

    /// Every cell whose next state differs from its state.
    pub fn moving() -> Vec<Cell> {
        let mut v = Vec::new();
        for side in [Side::Sender, Side::Receiver] {
            for acks in [false, true] {
                for class in &FlagClass::ALL[..FlagClass::TABLE_CLASSES] {
                    for state in TcpState::ALL {
                        let c = Cell::new(side, acks, *class, state);
                        if c.next() != state {
                            v.push(c);
                        }
                    }
                }
            }
        }
        v
    }
}

/// The cells a thread hits, while recording (feature `fsm-trace`).
#[cfg(feature = "fsm-trace")]
pub mod trace {
    use super::Cell;
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    thread_local! {
        static HITS: RefCell<Option<BTreeSet<Cell>>> = const { RefCell::new(None) };
    }

    pub(super) fn hit(c: Cell) {
        HITS.with(|h| {
            if let Some(set) = h.borrow_mut().as_mut() {
                set.insert(c);
            }
        });
    }

    /// Record the cells `f` hits on this thread.
    pub fn record(f: impl FnOnce()) -> BTreeSet<Cell> {
        HITS.with(|h| *h.borrow_mut() = Some(BTreeSet::new()));
        f();
        HITS.with(|h| h.borrow_mut().take().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_acks_change_the_sender_only_out_of_the_handshake() {
        for acks in [false, true] {
            for s in TcpState::ALL {
                let n = sender_next(acks, FlagClass::Ack, s);
                match s {
                    TcpState::SynSent if acks => assert_eq!(n, TcpState::Established),
                    _ => assert_eq!(n, s, "{s}"),
                }
            }
        }
    }

    #[test]
    fn an_ack_that_acknowledges_nothing_new_changes_nothing() {
        for s in TcpState::ALL {
            assert_eq!(receiver_next(false, FlagClass::Ack, s), s);
        }
    }

    #[test]
    fn no_state_goes_back_to_an_earlier_phase() {
        // Listen/closed are entry points; from a synchronized state nothing returns to the
        // handshake states.
        for table in [&SENDER, &RECEIVER] {
            for row in table.iter().flatten() {
                for s in TcpState::ALL {
                    let n = row[s as usize];
                    if s.is_synchronized() {
                        assert!(n.is_synchronized() || n == TcpState::Closed, "{s} -> {n}");
                    }
                }
            }
        }
    }
    /// Column names of the tables' header comments, in encoding order.
    const COLUMNS: [&str; TcpState::COUNT] = [
        "sCL", "sLI", "sSS", "sSR", "sES", "sF1", "sF2", "sCW", "sCG", "sLA", "sTW",
    ];

    /// The `from -> to` pairs a row's reasons name (`sA/sB -> sC` names two).
    fn reasons(lines: &[&str]) -> Vec<(usize, usize)> {
        let col = |n: &str| {
            COLUMNS
                .iter()
                .position(|c| *c == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        let mut named = Vec::new();
        for line in lines {
            let text = line.trim_start().trim_start_matches("//").trim();
            // A reason line starts with its cells; arrows inside a reason's prose are not cells.
            let Some((from, rest)) = text.split_once(" -> ") else {
                continue;
            };
            if !from.split('/').all(|f| COLUMNS.contains(&f)) {
                continue;
            }
            let to = col(&rest[..3]);
            named.extend(from.split('/').map(|f| (col(f), to)));
        }
        named.sort();
        named
    }

    /// The layout nf_conntrack's `tcp_conntracks` has: every row is followed by the reasons for
    /// the cells that move in it, and they name exactly those cells.
    #[test]
    fn every_moving_cell_has_its_reason_under_its_row() {
        let source = include_str!("fsm.rs");
        for (name, table) in [("SENDER", &SENDER), ("RECEIVER", &RECEIVER)] {
            let start = source.find(&format!("pub const {name}: Table")).unwrap();
            let body = &source[start..start + source[start..].find("\n];").unwrap()];
            let lines: Vec<&str> = body.lines().collect();
            let rows: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains("*/   [") || lines[i].contains("*/["))
                .collect();
            assert_eq!(rows.len(), 2 * FlagClass::TABLE_CLASSES, "{name}: rows");
            for (k, &at) in rows.iter().enumerate() {
                let (acks, class) = (k / FlagClass::TABLE_CLASSES, k % FlagClass::TABLE_CLASSES);
                let end = rows.get(k + 1).copied().unwrap_or(lines.len());
                let comments: Vec<&str> = lines[at + 1..end]
                    .iter()
                    .copied()
                    .take_while(|l| l.trim_start().starts_with("//"))
                    .collect();
                let moving: Vec<(usize, usize)> = (0..TcpState::COUNT)
                    .map(|s| (s, table[acks][class][s] as usize))
                    .filter(|(s, n)| s != n)
                    .collect();
                assert_eq!(
                    reasons(&comments),
                    moving,
                    "{name} acks={acks} class={class}"
                );
            }
        }
    }
}
