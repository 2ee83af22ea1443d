//! One connection-table entry: exactly the fields the hardware table stores.

use crate::descriptor::{Endpoint, FlowKey, WSCALE_NONE};
use crate::state::TcpState;

/// What is tracked of one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EndpointTrack {
    pub state: TcpState,
    /// SND.NXT of this endpoint as seen on the wire: the sequence number just past the highest
    /// segment it has sent (RFC 9293 §3.3.1). It is also the peer's RCV.NXT once delivered.
    pub snd_nxt: u32,
    /// `snd_nxt` is known (this endpoint has sent, or its sequence space was inferred).
    pub snd_valid: bool,
    /// Window-scale shift it offered in its SYN (RFC 7323 §2.2), or `WSCALE_NONE`.
    pub wscale: u8,
    /// Its receive window, last advertised, kept as ⌈log₂ bytes⌉ (RFC 5961 §3 window check).
    pub wnd_log2: u8,
}

impl EndpointTrack {
    pub const fn new(state: TcpState) -> Self {
        EndpointTrack {
            state,
            snd_nxt: 0,
            snd_valid: false,
            wscale: WSCALE_NONE,
            wnd_log2: 0,
        }
    }
}

/// Index of an endpoint inside an entry: `LO` is `key.lo`, `HI` is `key.hi`.
pub const LO: usize = 0;
pub const HI: usize = 1;

/// A tracked connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: FlowKey,
    /// The client (the endpoint that sent the first SYN) is `key.lo`.
    pub client_is_lo: bool,
    /// First seen mid-stream: the roles were inferred, not seen.
    pub picked_up: bool,
    /// `[lo, hi]`.
    pub ends: [EndpointTrack; 2],
    /// Time (seconds) it was last seen, re-anchored by aging (see `timeouts::expire`).
    pub last_seen: u32,
}

impl Entry {
    pub fn client_index(&self) -> usize {
        if self.client_is_lo {
            LO
        } else {
            HI
        }
    }

    pub fn client(&self) -> Endpoint {
        if self.client_is_lo {
            self.key.lo
        } else {
            self.key.hi
        }
    }

    pub fn server(&self) -> Endpoint {
        if self.client_is_lo {
            self.key.hi
        } else {
            self.key.lo
        }
    }

    pub fn client_state(&self) -> TcpState {
        self.ends[self.client_index()].state
    }

    pub fn server_state(&self) -> TcpState {
        self.ends[1 - self.client_index()].state
    }

    pub fn states(&self) -> [TcpState; 2] {
        [self.ends[LO].state, self.ends[HI].state]
    }

    /// Eviction class when the table is full (design.md "Table"): lower goes first, `None` is
    /// never evicted.
    /// 0: finished (both endpoints CLOSED or TIME_WAIT); 1: half-open (no endpoint
    /// synchronized); 2: closing (an endpoint has sent or received a FIN); live connections with
    /// both endpoints ESTABLISHED are never evicted.
    pub fn eviction_class(&self) -> Option<u8> {
        let [a, b] = self.states();
        if a.is_finished() && b.is_finished() {
            Some(0)
        } else if !a.is_synchronized() && !b.is_synchronized() {
            Some(1)
        } else if a != TcpState::Established || b != TcpState::Established {
            Some(2)
        } else {
            None
        }
    }
}

/// The bit layout of an entry in the hardware table, LSB first, in this order (a rust-hdl
/// `LogicStruct` packs its fields the same way, in declaration order). `last_seen` keeps its low
/// 16 bits: the sweep removes every entry long before 2¹⁶ s pass (see `timeouts`).
///
/// **IPv6** (docs/core.md, "The table key"): an IPv6 connection takes two adjacent ways of its
/// bucket, an even way and the next. The even way is its *head*, laid out as [`FIELDS`] with
/// `v6` set and the low 32 bits of each address in `lo_ip`/`hi_ip`; the odd way is its
/// *continuation*, laid out as [`CONT_FIELDS`]: `valid` and `v6` set, the other 96 bits of each
/// address. So every way holds a full key or its rest, and the key compare is exact.
pub mod layout {
    /// `(name, width)` of every field, LSB first.
    pub const FIELDS: [(&str, usize); 19] = [
        ("valid", 1),
        ("v6", 1),
        ("lo_ip", 32),
        ("lo_port", 16),
        ("hi_ip", 32),
        ("hi_port", 16),
        ("client_is_lo", 1),
        ("picked_up", 1),
        ("lo_state", 4),
        ("lo_snd_nxt", 32),
        ("lo_snd_valid", 1),
        ("lo_wscale", 4),
        ("lo_wnd_log2", 5),
        ("hi_state", 4),
        ("hi_snd_nxt", 32),
        ("hi_snd_valid", 1),
        ("hi_wscale", 4),
        ("hi_wnd_log2", 5),
        ("last_seen", 16),
    ];
    /// `(name, width)` of every field of an IPv6 continuation way, LSB first; the bits above
    /// them are zero.
    pub const CONT_FIELDS: [(&str, usize); 4] = [
        ("valid", 1),
        ("v6", 1),
        ("lo_ip_top", 96),
        ("hi_ip_top", 96),
    ];
    /// Address bits a head holds (the low ones); the continuation holds the rest.
    pub const HEAD_IP_BITS: usize = 32;
    /// Bits of one entry.
    pub const ENTRY_BITS: usize = sum(&FIELDS);
    /// Bits of a continuation's fields.
    pub const CONT_BITS: usize = sum(&CONT_FIELDS);
    /// Bits of the stored time.
    pub const TIME_BITS: u32 = 16;

    const fn sum(fields: &[(&str, usize)]) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < fields.len() {
            n += fields[i].1;
            i += 1;
        }
        n
    }
    const _: () = assert!(CONT_BITS <= ENTRY_BITS && ENTRY_BITS <= 256);
}

/// A little bit-writer/reader over `[u64; 4]` (256 bits ≥ `ENTRY_BITS`).
struct Bits<'a> {
    words: &'a mut [u64; 4],
    at: usize,
}

impl Bits<'_> {
    fn put(&mut self, v: u128, width: usize) {
        for i in 0..width {
            if v >> i & 1 == 1 {
                self.words[(self.at + i) / 64] |= 1 << ((self.at + i) % 64);
            }
        }
        self.at += width;
    }

    fn get(&mut self, width: usize) -> u128 {
        let mut v = 0;
        for i in 0..width {
            v |= ((self.words[(self.at + i) / 64] >> ((self.at + i) % 64) & 1) as u128) << i;
        }
        self.at += width;
        v
    }
}

/// What one table word holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// A whole IPv4 entry.
    Entry(Entry),
    /// The head of an IPv6 entry: its addresses hold only their low
    /// [`layout::HEAD_IP_BITS`] bits until [`Way::complete`] adds its continuation's.
    Head(Entry),
    /// The rest of an IPv6 entry's addresses (their top bits, shifted down).
    Continuation { lo_top: u128, hi_top: u128 },
}

impl Way {
    /// The entry of an IPv4 word, or of an IPv6 head and its continuation; `None` for a head
    /// without a continuation, or a continuation alone.
    pub fn complete(self, next: Option<Way>) -> Option<Entry> {
        match (self, next) {
            (Way::Entry(e), _) => Some(e),
            (Way::Head(mut e), Some(Way::Continuation { lo_top, hi_top })) => {
                let b = layout::HEAD_IP_BITS;
                e.key.lo = Endpoint::v6(lo_top << b | e.key.lo.addr_bits(), e.key.lo.port);
                e.key.hi = Endpoint::v6(hi_top << b | e.key.hi.addr_bits(), e.key.hi.port);
                Some(e)
            }
            _ => None,
        }
    }
}

impl Entry {
    /// The hardware word of this entry (`valid` set), per [`layout::FIELDS`]: for IPv6, its
    /// head.
    pub fn pack(&self) -> [u64; 4] {
        let mut words = [0u64; 4];
        let mut b = Bits {
            words: &mut words,
            at: 0,
        };
        let low = (1u128 << layout::HEAD_IP_BITS) - 1;
        b.put(1, 1);
        b.put(self.key.is_v6() as u128, 1);
        b.put(self.key.lo.addr_bits() & low, 32);
        b.put(self.key.lo.port as u128, 16);
        b.put(self.key.hi.addr_bits() & low, 32);
        b.put(self.key.hi.port as u128, 16);
        b.put(self.client_is_lo as u128, 1);
        b.put(self.picked_up as u128, 1);
        for end in &self.ends {
            b.put(end.state as u128, 4);
            b.put(end.snd_nxt as u128, 32);
            b.put(end.snd_valid as u128, 1);
            b.put(end.wscale as u128, 4);
            b.put(end.wnd_log2 as u128, 5);
        }
        b.put(self.last_seen as u128 & 0xffff, 16);
        words
    }

    /// The continuation word of an IPv6 entry, per [`layout::CONT_FIELDS`] (`None` for IPv4).
    pub fn pack_continuation(&self) -> Option<[u64; 4]> {
        if !self.key.is_v6() {
            return None;
        }
        let mut words = [0u64; 4];
        let mut b = Bits {
            words: &mut words,
            at: 0,
        };
        b.put(1, 1);
        b.put(1, 1);
        b.put(self.key.lo.addr_bits() >> layout::HEAD_IP_BITS, 96);
        b.put(self.key.hi.addr_bits() >> layout::HEAD_IP_BITS, 96);
        Some(words)
    }

    /// What a hardware word holds, `None` if its `valid` bit is clear or a state code is not
    /// one of the eleven. `odd_way`: the word is in an odd way (where a `v6` word is a
    /// continuation; in an even way it is a head). The 16-bit time is extended to the latest
    /// time ≤ `now` with those low bits.
    pub fn unpack_way(words: &[u64; 4], odd_way: bool, now: u32) -> Option<Way> {
        let mut copy = *words;
        let mut b = Bits {
            words: &mut copy,
            at: 0,
        };
        if b.get(1) == 0 {
            return None;
        }
        let v6 = b.get(1) == 1;
        if v6 && odd_way {
            let lo_top = b.get(96);
            let hi_top = b.get(96);
            return Some(Way::Continuation { lo_top, hi_top });
        }
        let endpoint = |ip: u128, port: u128| {
            if v6 {
                Endpoint::v6(ip, port as u16)
            } else {
                Endpoint::v4(ip as u32, port as u16)
            }
        };
        let lo = endpoint(b.get(32), b.get(16));
        let hi = endpoint(b.get(32), b.get(16));
        let client_is_lo = b.get(1) == 1;
        let picked_up = b.get(1) == 1;
        let mut ends = [EndpointTrack::default(); 2];
        for end in ends.iter_mut() {
            end.state = TcpState::from_bits(b.get(4) as u8)?;
            end.snd_nxt = b.get(32) as u32;
            end.snd_valid = b.get(1) == 1;
            end.wscale = b.get(4) as u8;
            end.wnd_log2 = b.get(5) as u8;
        }
        let t16 = b.get(16) as u32;
        let last_seen = now.wrapping_sub(now.wrapping_sub(t16) & 0xffff);
        let e = Entry {
            key: FlowKey { lo, hi },
            client_is_lo,
            picked_up,
            ends,
            last_seen,
        };
        Some(if v6 { Way::Head(e) } else { Way::Entry(e) })
    }

    /// The IPv4 entry of a hardware word (`None` if not valid, or if it is part of an IPv6
    /// entry: see [`Entry::unpack_way`]).
    pub fn unpack(words: &[u64; 4], now: u32) -> Option<Entry> {
        match Entry::unpack_way(words, false, now)? {
            Way::Entry(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_and_fits_the_layout() {
        assert_eq!(layout::ENTRY_BITS, 208);
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
                    wscale: 15,
                    wnd_log2: 30,
                },
                EndpointTrack {
                    state: TcpState::CloseWait,
                    snd_nxt: 7,
                    snd_valid: false,
                    wscale: 7,
                    wnd_log2: 16,
                },
            ],
            last_seen: 1_800_000_123,
        };
        let w = e.pack();
        assert_eq!(w[3] >> (208 - 192), 0, "nothing above ENTRY_BITS");
        assert_eq!(Entry::unpack(&w, 1_800_000_200), Some(e));
        assert_eq!(Entry::unpack(&[0; 4], 0), None);
        assert_eq!(e.pack_continuation(), None);
    }

    #[test]
    fn an_ipv6_entry_is_a_head_and_a_continuation() {
        let lo: Endpoint = "[fd77:1::10]:47340".parse().unwrap();
        let hi: Endpoint = "[2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:587"
            .parse()
            .unwrap();
        let e = Entry {
            key: FlowKey { lo, hi },
            client_is_lo: true,
            picked_up: false,
            ends: [EndpointTrack::new(TcpState::Established); 2],
            last_seen: 77,
        };
        let (head, cont) = (e.pack(), e.pack_continuation().unwrap());
        assert_eq!(cont[3] >> (layout::CONT_BITS - 192), 0);
        let h = Entry::unpack_way(&head, false, 80).unwrap();
        let c = Entry::unpack_way(&cont, true, 80).unwrap();
        assert!(matches!(h, Way::Head(_)) && matches!(c, Way::Continuation { .. }));
        assert_eq!(h.complete(Some(c)), Some(e));
        assert_eq!(h.complete(None), None);
        assert_eq!(c.complete(Some(h)), None);
        assert_eq!(Entry::unpack(&head, 80), None);
    }
}
