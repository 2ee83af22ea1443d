//! `transition_lookup`: the transition tables of both endpoints (`synscope_model::fsm::{SENDER,
//! RECEIVER}`, RFC 9293 §3.3.2's diagram as the Linux stack moves), looked up for one segment.
//!
//! Combinational. Each table is four 128-bit constants, one per next-state bit, looked up with
//! a variable bit-select at address `{acks, class[1:0], state}` (state codes 11..15 map to
//! themselves). A third table is the sender's table after it took its peer's held FIN
//! (`sender_next ∘ receiver_next(false, FIN, ·)`, the model's two lookups in a row), so the
//! sender's next state is one lookup. A `ROM` sub-block would do the same, but its address is
//! computed and its data read in one process, which Verilator takes for a combinational loop
//! (UNOPTFLAT).

use crate::conn::entry::STATE_BITS;
use rust_hdl::prelude::*;
use synscope_model::fsm::{Table, RECEIVER, SENDER};
use synscope_model::{FlagClass, TcpState};

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

/// `table` after `receiver_next(false, FIN, ·)`: the sender's next state once it has taken its
/// peer's held FIN (`segment::apply`, "the sender took the receiver's held FIN").
pub fn after_peer_fin(table: &Table, receiver: &Table) -> Table {
    let mut t = *table;
    for (acks, by_class) in t.iter_mut().enumerate() {
        for (cls, row) in by_class.iter_mut().enumerate() {
            for (st, next) in row.iter_mut().enumerate() {
                let took = receiver[0][FlagClass::Fin as usize][st];
                *next = table[acks][cls][took as usize];
            }
        }
    }
    t
}

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

/// A state code assembled bit by bit (from the table planes).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct State4 {
    pub b0: Bit,
    pub b1: Bit,
    pub b2: Bit,
    pub b3: Bit,
}

#[derive(LogicBlock)]
pub struct TransitionLookup {
    /// The sender's state and its table class (`FlagClass` 0..=3).
    pub s_state: Signal<In, Bits<STATE_BITS>>,
    pub s_class: Signal<In, Bits<2>>,
    /// The receiver's state and its table class.
    pub r_state: Signal<In, Bits<STATE_BITS>>,
    pub r_class: Signal<In, Bits<2>>,
    /// The segment acknowledges the receiver's stream (both tables' `acks`).
    pub acks: Signal<In, Bit>,
    /// The sender takes its peer's held FIN with this segment: the composed table.
    pub took_peer_fin: Signal<In, Bit>,
    pub s_next: Signal<Out, Bits<STATE_BITS>>,
    pub r_next: Signal<Out, Bits<STATE_BITS>>,
    sender_plane0: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane1: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane2: Constant<Bits<TABLE_ENTRIES>>,
    sender_plane3: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane0: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane1: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane2: Constant<Bits<TABLE_ENTRIES>>,
    sender_fin_plane3: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane0: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane1: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane2: Constant<Bits<TABLE_ENTRIES>>,
    receiver_plane3: Constant<Bits<TABLE_ENTRIES>>,
    s_addr: Signal<Local, TableAddr>,
    r_addr: Signal<Local, TableAddr>,
    s_addr_bits: Signal<Local, Bits<TABLE_ADDR_BITS>>,
    r_addr_bits: Signal<Local, Bits<TABLE_ADDR_BITS>>,
    s_bits: Signal<Local, State4>,
    r_bits: Signal<Local, State4>,
}

impl TransitionLookup {
    /// The lookup of other tables. Only the planted-bug check uses it (`make planted-bug`);
    /// the design's tables are always `fsm::SENDER` / `fsm::RECEIVER`.
    pub fn with_tables(sender: &Table, receiver: &Table) -> Self {
        let s2 = after_peer_fin(sender, receiver);
        let [s0, s1, s2_, s3] = [0, 1, 2, 3].map(|b| table_plane(sender, b));
        let [f0, f1, f2, f3] = [0, 1, 2, 3].map(|b| table_plane(&s2, b));
        let [r0, r1, r2, r3] = [0, 1, 2, 3].map(|b| table_plane(receiver, b));
        Self {
            s_state: Default::default(),
            s_class: Default::default(),
            r_state: Default::default(),
            r_class: Default::default(),
            acks: Default::default(),
            took_peer_fin: Default::default(),
            s_next: Default::default(),
            r_next: Default::default(),
            sender_plane0: s0,
            sender_plane1: s1,
            sender_plane2: s2_,
            sender_plane3: s3,
            sender_fin_plane0: f0,
            sender_fin_plane1: f1,
            sender_fin_plane2: f2,
            sender_fin_plane3: f3,
            receiver_plane0: r0,
            receiver_plane1: r1,
            receiver_plane2: r2,
            receiver_plane3: r3,
            s_addr: Default::default(),
            r_addr: Default::default(),
            s_addr_bits: Default::default(),
            r_addr_bits: Default::default(),
            s_bits: Default::default(),
            r_bits: Default::default(),
        }
    }
}

impl Default for TransitionLookup {
    fn default() -> Self {
        Self::with_tables(&SENDER, &RECEIVER)
    }
}

impl Logic for TransitionLookup {
    #[hdl_gen]
    fn update(&mut self) {
        self.s_addr.next.state = self.s_state.val();
        self.s_addr.next.cls = self.s_class.val();
        self.s_addr.next.acks = self.acks.val();
        self.r_addr.next.state = self.r_state.val();
        self.r_addr.next.cls = self.r_class.val();
        self.r_addr.next.acks = self.acks.val();
        self.s_addr_bits.next = self.s_addr.val().into();
        self.r_addr_bits.next = self.r_addr.val().into();
        if self.took_peer_fin.val() {
            self.s_bits.next.b0 = self
                .sender_fin_plane0
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b1 = self
                .sender_fin_plane1
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b2 = self
                .sender_fin_plane2
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b3 = self
                .sender_fin_plane3
                .val()
                .get_bit(self.s_addr_bits.val().index());
        } else {
            self.s_bits.next.b0 = self
                .sender_plane0
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b1 = self
                .sender_plane1
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b2 = self
                .sender_plane2
                .val()
                .get_bit(self.s_addr_bits.val().index());
            self.s_bits.next.b3 = self
                .sender_plane3
                .val()
                .get_bit(self.s_addr_bits.val().index());
        }
        self.r_bits.next.b0 = self
            .receiver_plane0
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_bits.next.b1 = self
            .receiver_plane1
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_bits.next.b2 = self
            .receiver_plane2
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.r_bits.next.b3 = self
            .receiver_plane3
            .val()
            .get_bit(self.r_addr_bits.val().index());
        self.s_next.next = self.s_bits.val().into();
        self.r_next.next = self.r_bits.val().into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_from_the_model() {
        let s2 = after_peer_fin(&SENDER, &RECEIVER);
        for table in [&SENDER, &RECEIVER, &s2] {
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
        // The composed table is the model's two lookups in a row.
        for acks in [false, true] {
            for cls in &FlagClass::ALL[..FlagClass::TABLE_CLASSES] {
                for st in TcpState::ALL {
                    let two = synscope_model::fsm::sender_next(
                        acks,
                        *cls,
                        synscope_model::fsm::receiver_next(false, FlagClass::Fin, st),
                    );
                    assert_eq!(s2[acks as usize][*cls as usize][st as usize], two);
                }
            }
        }
    }

    /// Every address of both tables, in rust-hdl's own simulator, against the model's lookups.
    #[test]
    fn every_address_is_the_models_next_state() {
        let mut uut = TransitionLookup::default();
        uut.s_state.connect();
        uut.s_class.connect();
        uut.r_state.connect();
        uut.r_class.connect();
        uut.acks.connect();
        uut.took_peer_fin.connect();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut sim: Sim<TransitionLookup>| {
            let mut x = sim.init()?;
            for took in [false, true] {
                for acks in [false, true] {
                    for cls in &FlagClass::ALL[..FlagClass::TABLE_CLASSES] {
                        for st in TcpState::ALL {
                            x.s_state.next = (st as u8 as u64).to_bits();
                            x.r_state.next = (st as u8 as u64).to_bits();
                            x.s_class.next = (*cls as u8 as u64).to_bits();
                            x.r_class.next = (*cls as u8 as u64).to_bits();
                            x.acks.next = acks;
                            x.took_peer_fin.next = took;
                            x = sim.wait(1, x)?;
                            let from = if took {
                                synscope_model::fsm::receiver_next(false, FlagClass::Fin, st)
                            } else {
                                st
                            };
                            let s = synscope_model::fsm::sender_next(acks, *cls, from);
                            let r = synscope_model::fsm::receiver_next(acks, *cls, st);
                            sim_assert_eq!(
                                sim,
                                x.s_next.val(),
                                (s as u8 as u64).to_bits::<STATE_BITS>(),
                                x
                            );
                            sim_assert_eq!(
                                sim,
                                x.r_next.val(),
                                (r as u8 as u64).to_bits::<STATE_BITS>(),
                                x
                            );
                        }
                    }
                }
            }
            sim.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }
}
