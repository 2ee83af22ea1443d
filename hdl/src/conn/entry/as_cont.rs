//! `AsCont`: an entry word read as the second word of an IPv6 pair (a cast).

use super::*;

/// The bits of an `EntryBits` read as a [`ContBits`] (a cast: wires only).
#[derive(LogicBlock, Default)]
pub struct AsCont {
    pub word: Signal<In, EntryBits>,
    pub cont: Signal<Out, ContBits>,
}

/// The bits of `word` read as a [`ContBits`] ([`AsCont`]'s function).
pub fn as_cont(word: &EntryBits) -> ContBits {
    let b: Bits<ENTRY_BITS> = (*word).into();
    let w = words(b);
    let mut c = ContBits {
        valid: b.get_bit(0),
        v6: b.get_bit(1),
        ..Default::default()
    };
    for i in 0..TOP_IP_BITS {
        let (lo, hi) = (2 + i, 2 + TOP_IP_BITS + i);
        c.lo_ip_top = c.lo_ip_top.replace_bit(i, w[lo / 64] >> (lo % 64) & 1 == 1);
        c.hi_ip_top = c.hi_ip_top.replace_bit(i, w[hi / 64] >> (hi % 64) & 1 == 1);
    }
    for i in 0..ENTRY_BITS - CONT_BITS {
        let at = CONT_BITS + i;
        c.zero = c.zero.replace_bit(i, w[at / 64] >> (at % 64) & 1 == 1);
    }
    c
}

impl Logic for AsCont {
    fn update(&mut self) {
        self.cont.next = as_cont(&self.word.val());
    }

    fn connect(&mut self) {
        self.cont.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("assign cont = word;\n".into())
    }
}
