//! `EntryBits`: one connection-table entry as the hardware stores it.
//!
//! A `#[derive(LogicStruct)]` whose fields are, in order and width, exactly
//! `synscope_model::entry::layout` (`HEAD_FIELDS`, the `lo` endpoint's `END_FIELDS`, the `hi`
//! endpoint's, `last_seen`; rust-hdl packs fields LSB first in declaration order, a nested struct
//! as one field), so `Bits<ENTRY_BITS>::from(EntryBits)` is the word `Entry::pack` writes.
//! Blocks that read or write entries (`segment_apply`, the table, aging) share this one type;
//! an endpoint is a [`TrackBits`], so a block selects the sender or the receiver of an entry
//! with one assignment.
//!
//! An IPv6 entry's odd way, its continuation (`layout::CONT_FIELDS`), is a [`ContBits`]: the
//! same word read with other fields, through the [`AsCont`] and [`AsEntry`] casts.

use rust_hdl::prelude::*;

mod as_cont;
mod as_entry;

pub use as_cont::{as_cont, AsCont};
pub use as_entry::AsEntry;
use synscope_model::entry::{layout, Entry};
use synscope_model::TcpState;

/// Bits of one entry (`layout::ENTRY_BITS`).
pub const ENTRY_BITS: usize = layout::ENTRY_BITS;
/// 64-bit words of a packed entry (`layout::WORDS`).
pub const WORDS: usize = layout::WORDS;
/// Bits of an endpoint state (`TcpState::BITS`).
pub const STATE_BITS: usize = TcpState::BITS;
/// Bits of a stored time (`layout::TIME_BITS`): ticks modulo 2²⁰.
pub const TIME_BITS: usize = layout::TIME_BITS as usize;
/// Bits of a handshake clock's gap (`layout::GAP_BITS`).
pub const GAP_BITS: usize = layout::GAP_BITS as usize;

/// One endpoint's track (`EndpointTrack`), fields in `layout::END_FIELDS` order.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TrackBits {
    pub state: Bits<4>,
    /// `SeqKnown` discriminant.
    pub seq: Bits<2>,
    pub nxt: Bits<32>,
    pub max: Bits<32>,
    pub fin: Bit,
    pub wnd_left: Bits<32>,
    pub wnd_right: Bits<32>,
    /// `window` is `Some` (else both edges are 0).
    pub wnd_known: Bit,
    pub wscale: Bits<4>,
    pub stalled: Bit,
    /// `layout::AUX_NONE` / `AUX_TS` / `AUX_HANDSHAKE`.
    pub aux_kind: Bits<2>,
    /// The TSval, or a handshake clock `{gap (12 bits), at (20 bits)}`, or 0.
    pub aux: Bits<32>,
}

/// A handshake clock as the aux word holds it (`at` in the low bits).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct HandshakeClock {
    pub at: Bits<TIME_BITS>,
    pub gap: Bits<GAP_BITS>,
}

/// One table entry, fields in `layout` order (checked by a test).
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
    pub lo: TrackBits,
    pub hi: TrackBits,
    pub last_seen: Bits<TIME_BITS>,
}

const _: () = assert!(HandshakeClock::BITS == 32);

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

/// The clock of an aux word (for the rust-hdl simulation; the Verilog reads the slices).
impl From<Bits<32>> for HandshakeClock {
    fn from(w: Bits<32>) -> Self {
        HandshakeClock {
            at: w.get_bits::<TIME_BITS>(0),
            gap: w.get_bits::<GAP_BITS>(TIME_BITS),
        }
    }
}

/// The bits `[at, at + width)` of a packed word, as a `u64`.
fn field(w: &[u64; WORDS], at: usize, width: usize) -> u64 {
    (0..width).fold(0, |v, i| v | (w[(at + i) / 64] >> ((at + i) % 64) & 1) << i)
}

impl TrackBits {
    /// The endpoint at bit `at` of a packed entry word.
    fn of_word(w: &[u64; WORDS], at: usize) -> TrackBits {
        let t = TrackBits::default();
        let get = |off: usize, width: usize| field(w, at + off, width);
        TrackBits {
            state: get(t.get_my_offset_state(), 4).to_bits(),
            seq: get(t.get_my_offset_seq(), 2).to_bits(),
            nxt: get(t.get_my_offset_nxt(), 32).to_bits(),
            max: get(t.get_my_offset_max(), 32).to_bits(),
            fin: get(t.get_my_offset_fin(), 1) == 1,
            wnd_left: get(t.get_my_offset_wnd_left(), 32).to_bits(),
            wnd_right: get(t.get_my_offset_wnd_right(), 32).to_bits(),
            wnd_known: get(t.get_my_offset_wnd_known(), 1) == 1,
            wscale: get(t.get_my_offset_wscale(), 4).to_bits(),
            stalled: get(t.get_my_offset_stalled(), 1) == 1,
            aux_kind: get(t.get_my_offset_aux_kind(), 2).to_bits(),
            aux: get(t.get_my_offset_aux(), 32).to_bits(),
        }
    }

    /// `(name, offset, width)` of every field, LSB first, as rust-hdl lays them out.
    pub fn fields(&self) -> [(&'static str, usize, usize); 12] {
        [
            (
                "state",
                self.get_my_offset_state(),
                self.get_my_width_state(),
            ),
            ("seq", self.get_my_offset_seq(), self.get_my_width_seq()),
            ("nxt", self.get_my_offset_nxt(), self.get_my_width_nxt()),
            ("max", self.get_my_offset_max(), self.get_my_width_max()),
            ("fin", self.get_my_offset_fin(), self.get_my_width_fin()),
            (
                "wnd_left",
                self.get_my_offset_wnd_left(),
                self.get_my_width_wnd_left(),
            ),
            (
                "wnd_right",
                self.get_my_offset_wnd_right(),
                self.get_my_width_wnd_right(),
            ),
            (
                "wnd_known",
                self.get_my_offset_wnd_known(),
                self.get_my_width_wnd_known(),
            ),
            (
                "wscale",
                self.get_my_offset_wscale(),
                self.get_my_width_wscale(),
            ),
            (
                "stalled",
                self.get_my_offset_stalled(),
                self.get_my_width_stalled(),
            ),
            (
                "aux_kind",
                self.get_my_offset_aux_kind(),
                self.get_my_width_aux_kind(),
            ),
            ("aux", self.get_my_offset_aux(), self.get_my_width_aux()),
        ]
    }
}

impl EntryBits {
    /// The hardware form of a model entry (`valid` set, times cut to `TIME_BITS`): exactly the
    /// word `Entry::pack` writes (for IPv6, its head: the low 32 bits of each address).
    pub fn of(e: &Entry) -> EntryBits {
        unpack_bits(&e.pack())
    }

    /// The packed word (`Entry::pack`'s form).
    pub fn words(&self) -> [u64; WORDS] {
        words(Bits::<ENTRY_BITS>::from(*self))
    }

    /// The model entry of a hardware one (`None` if not valid, part of an IPv6 entry, or a code
    /// is not one the layout defines); stored times are extended to the latest time ≤ `now` with those low bits.
    pub fn to_entry(&self, now: u32) -> Option<Entry> {
        Entry::unpack(&self.words(), now)
    }

    /// `(name, offset, width)` of every field, LSB first, as rust-hdl lays them out (`lo` and
    /// `hi` as one field each).
    pub fn fields(&self) -> [(&'static str, usize, usize); 11] {
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
            ("lo", self.get_my_offset_lo(), self.get_my_width_lo()),
            ("hi", self.get_my_offset_hi(), self.get_my_width_hi()),
            (
                "last_seen",
                self.get_my_offset_last_seen(),
                self.get_my_width_last_seen(),
            ),
        ]
    }
}

/// The entry word as `WORDS` `u64`s, least significant first (the form of `Entry::pack`).
pub fn words(b: Bits<ENTRY_BITS>) -> [u64; WORDS] {
    let mut w = [0u64; WORDS];
    for i in 0..ENTRY_BITS {
        if b.get_bit(i) {
            w[i / 64] |= 1 << (i % 64);
        }
    }
    w
}

/// An `EntryBits` of a packed word (bits above `ENTRY_BITS` are ignored).
pub fn unpack_bits(w: &[u64; WORDS]) -> EntryBits {
    let e = EntryBits::default();
    let get = |off: usize, width: usize| field(w, off, width);
    EntryBits {
        valid: get(e.get_my_offset_valid(), 1) == 1,
        v6: get(e.get_my_offset_v6(), 1) == 1,
        lo_ip: get(e.get_my_offset_lo_ip(), 32).to_bits(),
        lo_port: get(e.get_my_offset_lo_port(), 16).to_bits(),
        hi_ip: get(e.get_my_offset_hi_ip(), 32).to_bits(),
        hi_port: get(e.get_my_offset_hi_port(), 16).to_bits(),
        client_is_lo: get(e.get_my_offset_client_is_lo(), 1) == 1,
        picked_up: get(e.get_my_offset_picked_up(), 1) == 1,
        lo: TrackBits::of_word(w, e.get_my_offset_lo()),
        hi: TrackBits::of_word(w, e.get_my_offset_hi()),
        last_seen: get(e.get_my_offset_last_seen(), TIME_BITS).to_bits(),
    }
}

/// A packed entry word of a Verilated port (`[u32; N]`, least significant word first).
pub fn words_of_u32s(w: &[u32]) -> [u64; WORDS] {
    let mut out = [0u64; WORDS];
    for (i, x) in w.iter().enumerate().take(2 * WORDS) {
        out[i / 2] |= (*x as u64) << (32 * (i % 2));
    }
    out
}

/// The `[u32; N]` form of a packed entry word (for a Verilated port).
pub fn u32s_of_words<const N: usize>(w: &[u64; WORDS]) -> [u32; N] {
    let mut out = [0u32; N];
    for (i, x) in out.iter_mut().enumerate().take(2 * WORDS) {
        *x = (w[i / 2] >> (32 * (i % 2))) as u32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::descriptor::WSCALE_NONE;
    use synscope_model::entry::{Aux, EndpointTrack, SeqKnown, Window};
    use synscope_model::{Endpoint, FlowKey};

    #[test]
    fn entry_bits_follow_the_model_layout() {
        assert_eq!(<EntryBits as Synth>::BITS, layout::ENTRY_BITS);
        assert_eq!(<TrackBits as Synth>::BITS, layout::END_BITS);
        // The head, then each endpoint's fields under its prefix, then last_seen.
        let mut want: Vec<(String, usize)> = layout::HEAD_FIELDS
            .iter()
            .map(|(n, w)| (n.to_string(), *w))
            .collect();
        for end in ["lo", "hi"] {
            for (n, w) in layout::END_FIELDS {
                want.push((format!("{end}_{n}"), w));
            }
        }
        want.push(("last_seen".into(), layout::TIME_BITS as usize));
        let mut got: Vec<(String, usize, usize)> = Vec::new();
        for (name, off, width) in EntryBits::default().fields() {
            if name == "lo" || name == "hi" {
                for (n, o, w) in TrackBits::default().fields() {
                    got.push((format!("{name}_{n}"), off + o, w));
                }
            } else {
                got.push((name.to_string(), off, width));
            }
        }
        let mut offset = 0;
        assert_eq!(got.len(), want.len());
        for ((name, off, width), (want_name, want_width)) in got.iter().zip(&want) {
            assert_eq!((name, *off, *width), (want_name, offset, *want_width));
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
        assert_eq!(
            EntryBits::of(&e).to_entry(3),
            None,
            "a head alone is no entry"
        );
    }

    #[test]
    fn entry_bits_pack_like_the_model() {
        let now = 0x1234_5678;
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
                    seq: SeqKnown::Seen,
                    nxt: 0xdead_beef,
                    max: 0xdead_bef0,
                    fin: true,
                    window: Some(Window {
                        left: 0x1234_0000,
                        right: 0x1234_5678,
                    }),
                    wscale: 14,
                    stalled: false,
                    aux: Aux::Ts(0xfeed_f00d),
                },
                EndpointTrack {
                    state: TcpState::SynReceived,
                    seq: SeqKnown::Inferred,
                    nxt: 7,
                    max: 9,
                    fin: false,
                    window: None,
                    wscale: WSCALE_NONE,
                    stalled: true,
                    aux: Aux::Handshake {
                        at: now - 100,
                        gap: 4095,
                    },
                },
            ],
            last_seen: now - 1000,
        };
        let b = EntryBits::of(&e);
        let packed: Bits<ENTRY_BITS> = b.into();
        assert_eq!(words(packed), e.pack());
        assert_eq!(b.words(), e.pack());
        assert_eq!(b.to_entry(now), Some(e));
        assert_eq!(b.lo.aux.to_u64(), 0xfeed_f00d);
        let clock = HandshakeClock {
            at: (((now - 100) & 0xf_ffff) as u64).to_bits(),
            gap: 4095u64.to_bits(),
        };
        assert_eq!(
            Bits::<32>::from(clock).to_u64(),
            b.hi.aux.to_u64(),
            "a handshake clock is {{gap, at}}"
        );
        let u: [u32; 15] = u32s_of_words(&e.pack());
        assert_eq!(words_of_u32s(&u), e.pack());
        assert_eq!(EntryBits::default().to_entry(0), None);
    }
}
