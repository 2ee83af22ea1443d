//! `EntryBits`: one connection-table entry as the hardware stores it.
//!
//! A `#[derive(LogicStruct)]` whose fields are, in order and width, exactly
//! `synscope_model::entry::layout::FIELDS` (rust-hdl packs fields LSB first in declaration
//! order), so `Bits<ENTRY_BITS>::from(EntryBits)` is the word `Entry::pack` writes. Blocks that
//! read or write entries (`segment_apply`, the table, aging) share this one type.
//!
//! An IPv6 entry's odd way, its continuation (`layout::CONT_FIELDS`), is a [`ContBits`]: the
//! same word read with other fields, through the [`AsCont`] and [`AsEntry`] casts.

use rust_hdl::prelude::*;
use synscope_model::entry::{layout, EndpointTrack, Entry};
use synscope_model::{Endpoint, FlowKey, TcpState};

/// Bits of one entry (`layout::ENTRY_BITS`).
pub const ENTRY_BITS: usize = layout::ENTRY_BITS;
/// Bits of an endpoint state (`TcpState::BITS`).
pub const STATE_BITS: usize = TcpState::BITS;
/// Bits of the stored time (`layout::TIME_BITS`).
pub const TIME_BITS: usize = layout::TIME_BITS as usize;

/// One table entry, fields in `layout::FIELDS` order (checked by a test).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EntryBits {
    pub valid: Bit,
    /// Part of an IPv6 entry: its head in an even way, its continuation in an odd one.
    pub v6: Bit,
    pub lo_ip: Bits<32>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub hi_port: Bits<16>,
    pub client_is_lo: Bit,
    pub picked_up: Bit,
    pub lo_state: Bits<4>,
    pub lo_snd_nxt: Bits<32>,
    pub lo_snd_valid: Bit,
    pub lo_wscale: Bits<4>,
    pub lo_wnd_log2: Bits<5>,
    pub hi_state: Bits<4>,
    pub hi_snd_nxt: Bits<32>,
    pub hi_snd_valid: Bit,
    pub hi_wscale: Bits<4>,
    pub hi_wnd_log2: Bits<5>,
    pub last_seen: Bits<16>,
}

/// One endpoint's track (`EndpointTrack`), as a packed struct for blocks that select an
/// endpoint (sender / receiver) out of an entry.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TrackBits {
    pub state: Bits<4>,
    pub snd_nxt: Bits<32>,
    pub snd_valid: Bit,
    pub wscale: Bits<4>,
    pub wnd_log2: Bits<5>,
}

/// Bits of the continuation's fields (`layout::CONT_BITS`); the word's bits above are zero.
pub const CONT_BITS: usize = layout::CONT_BITS;
/// Address bits a continuation holds per endpoint (the top ones).
pub const TOP_IP_BITS: usize = 128 - layout::HEAD_IP_BITS;

/// The odd way of an IPv6 entry, fields in `layout::CONT_FIELDS` order (checked by a test),
/// zero above them.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ContBits {
    pub valid: Bit,
    pub v6: Bit,
    pub lo_ip_top: Bits<TOP_IP_BITS>,
    pub hi_ip_top: Bits<TOP_IP_BITS>,
    pub zero: Bits<{ ENTRY_BITS - CONT_BITS }>,
}

impl ContBits {
    /// The continuation of an IPv6 model entry (`None` for IPv4).
    pub fn of(e: &Entry) -> Option<ContBits> {
        e.key.is_v6().then(|| ContBits {
            valid: true,
            v6: true,
            lo_ip_top: top_bits(e.key.lo.addr_bits()),
            hi_ip_top: top_bits(e.key.hi.addr_bits()),
            zero: Default::default(),
        })
    }

    /// The word as an `EntryBits` (what the table stores).
    pub fn as_entry(&self) -> EntryBits {
        let b: Bits<ENTRY_BITS> = (*self).into();
        unpack_bits(&words(b))
    }
}

fn top_bits(a: u128) -> Bits<TOP_IP_BITS> {
    let mut b = Bits::<TOP_IP_BITS>::default();
    for i in 0..TOP_IP_BITS {
        b = b.replace_bit(i, a >> (layout::HEAD_IP_BITS + i) & 1 == 1);
    }
    b
}

/// The bits of an `EntryBits` read as a [`ContBits`] (a cast: wires only).
#[derive(LogicBlock, Default)]
pub struct AsCont {
    pub word: Signal<In, EntryBits>,
    pub cont: Signal<Out, ContBits>,
}

/// The bits of `word` read as a [`ContBits`] ([`AsCont`]'s function).
pub fn as_cont(word: &EntryBits) -> ContBits {
    {
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

/// The bits of a [`ContBits`] read as an `EntryBits` (a cast: wires only).
#[derive(LogicBlock, Default)]
pub struct AsEntry {
    pub cont: Signal<In, ContBits>,
    pub word: Signal<Out, EntryBits>,
}

impl Logic for AsEntry {
    fn update(&mut self) {
        self.word.next = self.cont.val().as_entry();
    }

    fn connect(&mut self) {
        self.word.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("assign word = cont;\n".into())
    }
}

impl EntryBits {
    /// The hardware form of a model entry (`valid` set, `last_seen` cut to 16 bits): for IPv6,
    /// its head (the low 32 bits of each address).
    pub fn of(e: &Entry) -> EntryBits {
        let [lo, hi] = e.ends;
        let low = |a: u128| (a as u32 as u64).to_bits();
        EntryBits {
            valid: true,
            v6: e.key.is_v6(),
            lo_ip: low(e.key.lo.addr_bits()),
            lo_port: (e.key.lo.port as u64).to_bits(),
            hi_ip: low(e.key.hi.addr_bits()),
            hi_port: (e.key.hi.port as u64).to_bits(),
            client_is_lo: e.client_is_lo,
            picked_up: e.picked_up,
            lo_state: (lo.state as u64).to_bits(),
            lo_snd_nxt: (lo.snd_nxt as u64).to_bits(),
            lo_snd_valid: lo.snd_valid,
            lo_wscale: (lo.wscale as u64).to_bits(),
            lo_wnd_log2: (lo.wnd_log2 as u64).to_bits(),
            hi_state: (hi.state as u64).to_bits(),
            hi_snd_nxt: (hi.snd_nxt as u64).to_bits(),
            hi_snd_valid: hi.snd_valid,
            hi_wscale: (hi.wscale as u64).to_bits(),
            hi_wnd_log2: (hi.wnd_log2 as u64).to_bits(),
            last_seen: ((e.last_seen & 0xffff) as u64).to_bits(),
        }
    }

    /// The model entry of a hardware one (`None` if not valid, part of an IPv6 entry, or a
    /// state code is not one of the eleven); the 16-bit time is taken as is (not re-extended).
    pub fn to_entry(&self) -> Option<Entry> {
        if !self.valid || self.v6 {
            return None;
        }
        let state = |b: Bits<4>| TcpState::from_bits(b.to_u64() as u8);
        let track = |state, nxt: Bits<32>, valid, ws: Bits<4>, wnd: Bits<5>| EndpointTrack {
            state,
            snd_nxt: nxt.to_u64() as u32,
            snd_valid: valid,
            wscale: ws.to_u64() as u8,
            wnd_log2: wnd.to_u64() as u8,
        };
        Some(Entry {
            key: FlowKey {
                lo: Endpoint::v4(self.lo_ip.to_u64() as u32, self.lo_port.to_u64() as u16),
                hi: Endpoint::v4(self.hi_ip.to_u64() as u32, self.hi_port.to_u64() as u16),
            },
            client_is_lo: self.client_is_lo,
            picked_up: self.picked_up,
            ends: [
                track(
                    state(self.lo_state)?,
                    self.lo_snd_nxt,
                    self.lo_snd_valid,
                    self.lo_wscale,
                    self.lo_wnd_log2,
                ),
                track(
                    state(self.hi_state)?,
                    self.hi_snd_nxt,
                    self.hi_snd_valid,
                    self.hi_wscale,
                    self.hi_wnd_log2,
                ),
            ],
            last_seen: self.last_seen.to_u64() as u32,
        })
    }

    /// `(name, offset, width)` of every field, LSB first, as rust-hdl lays them out.
    pub fn fields(&self) -> [(&'static str, usize, usize); 19] {
        [
            (
                "valid",
                self.get_my_offset_valid(),
                self.get_my_width_valid(),
            ),
            ("v6", self.get_my_offset_v6(), self.get_my_width_v6()),
            (
                "lo_ip",
                self.get_my_offset_lo_ip(),
                self.get_my_width_lo_ip(),
            ),
            (
                "lo_port",
                self.get_my_offset_lo_port(),
                self.get_my_width_lo_port(),
            ),
            (
                "hi_ip",
                self.get_my_offset_hi_ip(),
                self.get_my_width_hi_ip(),
            ),
            (
                "hi_port",
                self.get_my_offset_hi_port(),
                self.get_my_width_hi_port(),
            ),
            (
                "client_is_lo",
                self.get_my_offset_client_is_lo(),
                self.get_my_width_client_is_lo(),
            ),
            (
                "picked_up",
                self.get_my_offset_picked_up(),
                self.get_my_width_picked_up(),
            ),
            (
                "lo_state",
                self.get_my_offset_lo_state(),
                self.get_my_width_lo_state(),
            ),
            (
                "lo_snd_nxt",
                self.get_my_offset_lo_snd_nxt(),
                self.get_my_width_lo_snd_nxt(),
            ),
            (
                "lo_snd_valid",
                self.get_my_offset_lo_snd_valid(),
                self.get_my_width_lo_snd_valid(),
            ),
            (
                "lo_wscale",
                self.get_my_offset_lo_wscale(),
                self.get_my_width_lo_wscale(),
            ),
            (
                "lo_wnd_log2",
                self.get_my_offset_lo_wnd_log2(),
                self.get_my_width_lo_wnd_log2(),
            ),
            (
                "hi_state",
                self.get_my_offset_hi_state(),
                self.get_my_width_hi_state(),
            ),
            (
                "hi_snd_nxt",
                self.get_my_offset_hi_snd_nxt(),
                self.get_my_width_hi_snd_nxt(),
            ),
            (
                "hi_snd_valid",
                self.get_my_offset_hi_snd_valid(),
                self.get_my_width_hi_snd_valid(),
            ),
            (
                "hi_wscale",
                self.get_my_offset_hi_wscale(),
                self.get_my_width_hi_wscale(),
            ),
            (
                "hi_wnd_log2",
                self.get_my_offset_hi_wnd_log2(),
                self.get_my_width_hi_wnd_log2(),
            ),
            (
                "last_seen",
                self.get_my_offset_last_seen(),
                self.get_my_width_last_seen(),
            ),
        ]
    }
}

/// The entry word as four `u64`s, least significant first (the form of `Entry::pack`).
pub fn words(b: Bits<ENTRY_BITS>) -> [u64; 4] {
    let mut w = [0u64; 4];
    for i in 0..ENTRY_BITS {
        if b.get_bit(i) {
            w[i / 64] |= 1 << (i % 64);
        }
    }
    w
}

/// The packed form of `words` (bits above `ENTRY_BITS` must be zero).
pub fn from_words(w: &[u64; 4]) -> Bits<ENTRY_BITS> {
    let mut b = Bits::<ENTRY_BITS>::default();
    for i in 0..ENTRY_BITS {
        b = b.replace_bit(i, w[i / 64] >> (i % 64) & 1 == 1);
    }
    b
}

/// An `EntryBits` of a packed word.
pub fn unpack_bits(w: &[u64; 4]) -> EntryBits {
    let b = from_words(w);
    let mut e = EntryBits::default();
    let layout = e.fields();
    let get = |i: usize| {
        let (_, off, width) = layout[i];
        let mut v = 0u64;
        for j in 0..width {
            v |= (b.get_bit(off + j) as u64) << j;
        }
        v
    };
    e.valid = get(0) == 1;
    e.v6 = get(1) == 1;
    e.lo_ip = get(2).to_bits();
    e.lo_port = get(3).to_bits();
    e.hi_ip = get(4).to_bits();
    e.hi_port = get(5).to_bits();
    e.client_is_lo = get(6) == 1;
    e.picked_up = get(7) == 1;
    e.lo_state = get(8).to_bits();
    e.lo_snd_nxt = get(9).to_bits();
    e.lo_snd_valid = get(10) == 1;
    e.lo_wscale = get(11).to_bits();
    e.lo_wnd_log2 = get(12).to_bits();
    e.hi_state = get(13).to_bits();
    e.hi_snd_nxt = get(14).to_bits();
    e.hi_snd_valid = get(15) == 1;
    e.hi_wscale = get(16).to_bits();
    e.hi_wnd_log2 = get(17).to_bits();
    e.last_seen = get(18).to_bits();
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::descriptor::WSCALE_NONE;

    #[test]
    fn entry_bits_follow_the_model_layout() {
        assert_eq!(<EntryBits as Synth>::BITS, layout::ENTRY_BITS);
        let mut offset = 0;
        for ((name, off, width), (want_name, want_width)) in
            EntryBits::default().fields().iter().zip(layout::FIELDS)
        {
            assert_eq!((*name, *off, *width), (want_name, offset, want_width));
            offset += want_width;
        }
        assert_eq!(offset, ENTRY_BITS);
    }

    #[test]
    fn cont_bits_follow_the_model_layout() {
        let c = ContBits::default();
        let got = [
            ("valid", c.get_my_offset_valid(), c.get_my_width_valid()),
            ("v6", c.get_my_offset_v6(), c.get_my_width_v6()),
            (
                "lo_ip_top",
                c.get_my_offset_lo_ip_top(),
                c.get_my_width_lo_ip_top(),
            ),
            (
                "hi_ip_top",
                c.get_my_offset_hi_ip_top(),
                c.get_my_width_hi_ip_top(),
            ),
        ];
        let mut offset = 0;
        for ((name, off, width), (want_name, want_width)) in got.iter().zip(layout::CONT_FIELDS) {
            assert_eq!((*name, *off, *width), (want_name, offset, want_width));
            offset += want_width;
        }
        assert_eq!(<ContBits as Synth>::BITS, ENTRY_BITS);
        // The cast is the model's continuation word.
        let e = Entry {
            key: FlowKey::of(
                "[fd77:1::10]:47340".parse().unwrap(),
                "[2001:db8::ffff:1]:587".parse().unwrap(),
            )
            .0,
            client_is_lo: true,
            picked_up: false,
            ends: [EndpointTrack::new(TcpState::Established); 2],
            last_seen: 3,
        };
        let c = ContBits::of(&e).unwrap();
        let packed: Bits<ENTRY_BITS> = c.into();
        assert_eq!(words(packed), e.pack_continuation().unwrap());
        let head: Bits<ENTRY_BITS> = EntryBits::of(&e).into();
        assert_eq!(words(head), e.pack());
        assert_eq!(as_cont(&c.as_entry()), c);
    }

    #[test]
    fn entry_bits_pack_like_the_model() {
        let e = Entry {
            key: FlowKey {
                lo: Endpoint::v4(0x0a00_0001, 80),
                hi: Endpoint::v4(0xc0a8_0101, 65535),
            },
            client_is_lo: false,
            picked_up: true,
            ends: [
                EndpointTrack {
                    state: TcpState::TimeWait,
                    snd_nxt: 0xdead_beef,
                    snd_valid: true,
                    wscale: 14,
                    wnd_log2: 30,
                },
                EndpointTrack {
                    state: TcpState::CloseWait,
                    snd_nxt: 7,
                    snd_valid: false,
                    wscale: WSCALE_NONE,
                    wnd_log2: 16,
                },
            ],
            last_seen: 0x1234_5678,
        };
        let b = EntryBits::of(&e);
        let packed: Bits<ENTRY_BITS> = b.into();
        assert_eq!(words(packed), e.pack());
        assert_eq!(unpack_bits(&e.pack()), b);
        let back = b.to_entry().unwrap();
        assert_eq!(back.last_seen, 0x5678);
        assert_eq!(back.ends, e.ends);
    }
}
