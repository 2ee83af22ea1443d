//! One connection-table entry: exactly the fields the hardware table stores.

use crate::descriptor::{Endpoint, FlowKey, WSCALE_NONE};
use crate::end::End;
use crate::state::TcpState;
use crate::timeouts::Clocks;

/// How much of an endpoint's sequence space is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, PartialOrd, Ord)]
#[repr(u8)]
pub enum SeqKnown {
    /// Nothing: the endpoint has not been seen sending, and no ACK of its data was seen.
    #[default]
    Unknown = 0,
    /// Inferred from the peer's acknowledgements only (a connection picked up mid-stream, or a
    /// one-sided capture): `nxt`/`max` follow the peer's ACKs, which are not checked against it.
    Inferred = 1,
    /// Seen: the endpoint's own segments set `nxt`/`max`, and the peer's ACKs are checked.
    Seen = 2,
}

impl SeqKnown {
    pub const fn from_bits(b: u8) -> Option<SeqKnown> {
        match b {
            0 => Some(SeqKnown::Unknown),
            1 => Some(SeqKnown::Inferred),
            2 => Some(SeqKnown::Seen),
            _ => None,
        }
    }
}

/// What an endpoint's auxiliary word holds: one of two clocks, by state (the hardware keeps one
/// 32-bit word per endpoint for both, so the model keeps exactly one of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Aux {
    #[default]
    None,
    /// The last TSval this endpoint sent (RFC 7323 §3): what its peer keeps as TS.Recent, and
    /// compares a new SYN's TSval with in TIME_WAIT (RFC 6191; Linux
    /// `tcp_timewait_state_process`). Kept outside SYN_SENT/SYN_RECEIVED.
    Ts(u32),
    /// In SYN_SENT / SYN_RECEIVED: the retransmission clock of its SYN (SYN-ACK): when it last
    /// sent it (or, never having sent it, entered SYN_RECEIVED), and the interval since the
    /// transmission before (0: none yet), in ticks, saturating at [`layout::GAP_MAX`].
    Handshake { at: u32, gap: u32 },
}

/// What is tracked of one endpoint: its state, its send sequence space as its peer receives
/// it, and its receive window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EndpointTrack {
    pub state: TcpState,
    pub seq: SeqKnown,
    /// The peer's RCV.NXT for this endpoint's stream (RFC 9293 §3.3.1): every sequence number
    /// before it (SYN and FIN included) has reached the peer in order, as the wire shows it
    /// (a segment in sequence is assumed delivered) or as the peer's ACK proves it.
    pub nxt: u32,
    /// Just past the highest sequence number of this endpoint's stream that the peer took or
    /// queued out of order (RFC 9293 §3.10.7.4, seventh check): its SND.NXT as far as the wire
    /// shows. `nxt ≤ max`; between them is a hole the peer has not received.
    pub max: u32,
    /// It sent a FIN, at `max − 1`: delivered when `nxt = max`, held beyond a hole before.
    pub fin: bool,
    /// Its receive window as its latest segment advertised it (RFC 9293 §3.8.6; RFC 7323
    /// §2.3): the left edge `SEG.ACK` (Linux `rcv_wup`: what it had received when it last
    /// updated the window) and the right edge `SEG.ACK + (SEG.WND << scale)`. `None` until it
    /// has sent an ACK.
    pub window: Option<Window>,
    /// Window-scale shift it offered in its SYN (RFC 7323 §2.2), or `WSCALE_NONE`.
    pub wscale: u8,
    /// The wire has shown that it does not take the peer's handshake segments: it re-sent its
    /// SYN-ACK after the peer's ACK (a full accept queue), did not answer a SYN the peer
    /// re-sent, or re-sent its SYN after the peer's SYN-ACK. Until it sends something that
    /// shows otherwise, the peer's SYN, SYN-ACK and ACK of its SYN are not assumed delivered.
    pub stalled: bool,
    pub aux: Aux,
}

/// A receive window as advertised: `[left, right]` in sequence space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// `SEG.ACK` of the advertising segment (Linux `rcv_wup`).
    pub left: u32,
    /// `SEG.ACK + (SEG.WND << scale)` (Linux `rcv_wup + rcv_wnd`).
    pub right: u32,
}

impl EndpointTrack {
    pub const fn new(state: TcpState) -> Self {
        EndpointTrack {
            state,
            seq: SeqKnown::Unknown,
            nxt: 0,
            max: 0,
            fin: false,
            window: None,
            wscale: WSCALE_NONE,
            stalled: false,
            aux: Aux::None,
        }
    }

    /// Its FIN has reached the peer.
    pub const fn fin_delivered(&self) -> bool {
        self.fin && self.nxt == self.max
    }
}

/// A tracked connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: FlowKey,
    /// The client (the endpoint that sent the first SYN) is `key.lo`.
    pub client_is_lo: bool,
    /// First seen mid-stream: the roles were inferred, not seen.
    pub picked_up: bool,
    /// `[lo, hi]`, indexed by [`End`].
    pub ends: [EndpointTrack; 2],
    /// Time (seconds) it was last seen, re-anchored by aging (see `timeouts::expire`).
    pub last_seen: u32,
}

impl Entry {
    /// Which endpoint of the key the client is.
    #[inline]
    pub fn client_end(&self) -> End {
        End::lo_if(self.client_is_lo)
    }

    /// Which endpoint of the key the server is.
    #[inline]
    pub fn server_end(&self) -> End {
        self.client_end().other()
    }

    pub fn client(&self) -> Endpoint {
        self.key.roles(self.client_is_lo).0
    }

    pub fn server(&self) -> Endpoint {
        self.key.roles(self.client_is_lo).1
    }

    pub fn client_state(&self) -> TcpState {
        self.ends[self.client_end()].state
    }

    pub fn server_state(&self) -> TcpState {
        self.ends[self.server_end()].state
    }

    pub fn states(&self) -> [TcpState; 2] {
        [self.ends[End::Lo].state, self.ends[End::Hi].state]
    }

    /// Some endpoint's handshake timer is due at `now` (a cheap test before
    /// [`crate::timeouts::expire`]).
    pub fn handshake_due(&self, now: u32, t: &crate::timeouts::Timeouts) -> bool {
        self.ends.iter().any(|e| {
            matches!(e.state, TcpState::SynSent | TcpState::SynReceived) && {
                let (at, gap) = match e.aux {
                    Aux::Handshake { at, gap } => (at, gap),
                    _ => (self.last_seen, 0),
                };
                !crate::time::later(crate::timeouts::handshake_deadline(at, gap, t), now)
            }
        })
    }

    /// What time acts on ([`crate::timeouts::expire`]).
    pub fn clocks(&self) -> Clocks {
        let clock = |e: &EndpointTrack| match e.aux {
            Aux::Handshake { at, gap } => Some((at, gap)),
            _ => None,
        };
        Clocks {
            states: self.states(),
            handshake: [clock(&self.ends[End::Lo]), clock(&self.ends[End::Hi])],
            last_seen: self.last_seen,
        }
    }

    /// Take aged clocks back: an endpoint whose timer fired is CLOSED and keeps no clock.
    pub fn set_clocks(&mut self, c: Clocks) {
        for (end, (state, clock)) in self
            .ends
            .iter_mut()
            .zip(c.states.into_iter().zip(c.handshake))
        {
            if end.state != state {
                end.state = state;
                if clock.is_none() && matches!(end.aux, Aux::Handshake { .. }) {
                    end.aux = Aux::None;
                }
            }
        }
        self.last_seen = c.last_seen;
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
/// `LogicStruct` packs its fields the same way, in declaration order). Times keep their low
/// [`layout::TIME_BITS`] bits: the sweep removes every entry long before they wrap (see
/// `timeouts`).
///
/// **IPv6** (docs/core.md, "The table key"): an IPv6 connection takes two adjacent ways of its
/// bucket, an even way and the next. The even way is its *head*, laid out as the IPv4 entry
/// with `v6` set and the low 32 bits of each address in `lo_ip`/`hi_ip`; the odd way is its
/// *continuation*, laid out as [`layout::CONT_FIELDS`]: `valid` and `v6` set, the other 96 bits
/// of each address. So every way holds a full key or its rest, and the key compare is exact.
pub mod layout {
    /// Fields of one endpoint, after its `lo_`/`hi_` prefix: `(name, width)`, LSB first.
    pub const END_FIELDS: [(&str, usize); 12] = [
        ("state", 4),
        ("seq", 2),
        ("nxt", 32),
        ("max", 32),
        ("fin", 1),
        ("wnd_left", 32),
        ("wnd_right", 32),
        ("wnd_known", 1),
        ("wscale", 4),
        ("stalled", 1),
        ("aux_kind", 2),
        ("aux", 32),
    ];
    /// Fields before the two endpoints.
    pub const HEAD_FIELDS: [(&str, usize); 8] = [
        ("valid", 1),
        ("v6", 1),
        ("lo_ip", 32),
        ("lo_port", 16),
        ("hi_ip", 32),
        ("hi_port", 16),
        ("client_is_lo", 1),
        ("picked_up", 1),
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
    /// Bits of the stored times (`last_seen`, a handshake clock's `at`): ticks modulo 2²⁰
    /// (about 18 hours at 16 ticks per second).
    pub const TIME_BITS: u32 = 20;
    /// Bits of a handshake clock's `gap`; a longer interval is kept as [`GAP_MAX`].
    pub const GAP_BITS: u32 = 12;
    pub const GAP_MAX: u32 = (1 << GAP_BITS) - 1;
    /// `aux_kind` codes.
    pub const AUX_NONE: u64 = 0;
    pub const AUX_TS: u64 = 1;
    pub const AUX_HANDSHAKE: u64 = 2;

    const fn sum(f: &[(&str, usize)]) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < f.len() {
            n += f[i].1;
            i += 1;
        }
        n
    }
    /// Bits of one endpoint.
    pub const END_BITS: usize = sum(&END_FIELDS);
    /// Bits of one entry: head, lo endpoint, hi endpoint, `last_seen`.
    pub const ENTRY_BITS: usize = sum(&HEAD_FIELDS) + 2 * END_BITS + TIME_BITS as usize;
    /// Bits of a continuation's fields.
    pub const CONT_BITS: usize = sum(&CONT_FIELDS);
    /// 64-bit words holding an entry (or a continuation).
    pub const WORDS: usize = ENTRY_BITS.div_ceil(64);
    const _: () = assert!(CONT_BITS <= ENTRY_BITS);
}

/// A little bit-writer/reader over the words of a packed entry.
struct Bits<'a> {
    words: &'a mut [u64; layout::WORDS],
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

/// The latest time ≤ `now` whose low [`layout::TIME_BITS`] bits are `low`.
pub fn extend_time(low: u32, now: u32) -> u32 {
    let mask = (1u32 << layout::TIME_BITS) - 1;
    now.wrapping_sub(now.wrapping_sub(low) & mask)
}

const TIME_MASK: u64 = (1 << layout::TIME_BITS) - 1;

impl EndpointTrack {
    fn pack_into(&self, b: &mut Bits) {
        b.put(self.state as u128, 4);
        b.put(self.seq as u128, 2);
        b.put(self.nxt as u128, 32);
        b.put(self.max as u128, 32);
        b.put(self.fin as u128, 1);
        let w = self.window.unwrap_or(Window { left: 0, right: 0 });
        b.put(w.left as u128, 32);
        b.put(w.right as u128, 32);
        b.put(self.window.is_some() as u128, 1);
        b.put(self.wscale as u128, 4);
        b.put(self.stalled as u128, 1);
        let (kind, word) = match self.aux {
            Aux::None => (layout::AUX_NONE, 0),
            Aux::Ts(ts) => (layout::AUX_TS, ts as u64),
            Aux::Handshake { at, gap } => (
                layout::AUX_HANDSHAKE,
                (at as u64 & TIME_MASK) | (gap.min(layout::GAP_MAX) as u64) << layout::TIME_BITS,
            ),
        };
        b.put(kind as u128, 2);
        b.put(word as u128, 32);
    }

    fn unpack_from(b: &mut Bits, now: u32) -> Option<EndpointTrack> {
        let state = TcpState::from_bits(b.get(4) as u8)?;
        let seq = SeqKnown::from_bits(b.get(2) as u8)?;
        let nxt = b.get(32) as u32;
        let max = b.get(32) as u32;
        let fin = b.get(1) == 1;
        let (left, right) = (b.get(32) as u32, b.get(32) as u32);
        let window = (b.get(1) == 1).then_some(Window { left, right });
        let wscale = b.get(4) as u8;
        let stalled = b.get(1) == 1;
        let kind = b.get(2) as u64;
        let word = b.get(32) as u64;
        let aux = match kind {
            layout::AUX_NONE => Aux::None,
            layout::AUX_TS => Aux::Ts(word as u32),
            layout::AUX_HANDSHAKE => Aux::Handshake {
                at: extend_time((word & TIME_MASK) as u32, now),
                gap: (word >> layout::TIME_BITS) as u32,
            },
            _ => return None,
        };
        Some(EndpointTrack {
            state,
            seq,
            nxt,
            max,
            fin,
            window,
            wscale,
            stalled,
            aux,
        })
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
    /// The hardware word of this entry (`valid` set), per [`layout`]: for IPv6, its head.
    pub fn pack(&self) -> [u64; layout::WORDS] {
        let mut words = [0u64; layout::WORDS];
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
            end.pack_into(&mut b);
        }
        b.put(
            (self.last_seen as u64 & TIME_MASK) as u128,
            layout::TIME_BITS as usize,
        );
        words
    }

    /// The continuation word of an IPv6 entry, per [`layout::CONT_FIELDS`] (`None` for IPv4).
    pub fn pack_continuation(&self) -> Option<[u64; layout::WORDS]> {
        if !self.key.is_v6() {
            return None;
        }
        let mut words = [0u64; layout::WORDS];
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

    /// What a hardware word holds, `None` if its `valid` bit is clear or a code is not one this
    /// layout defines. `odd_way`: the word is in an odd way (where a `v6` word is a
    /// continuation; in an even way it is a head). Stored times are extended to the latest time
    /// ≤ `now` with those low bits.
    pub fn unpack_way(words: &[u64; layout::WORDS], odd_way: bool, now: u32) -> Option<Way> {
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
        let lo_end = EndpointTrack::unpack_from(&mut b, now)?;
        let hi_end = EndpointTrack::unpack_from(&mut b, now)?;
        let last_seen = extend_time(b.get(layout::TIME_BITS as usize) as u32, now);
        let e = Entry {
            key: FlowKey { lo, hi },
            client_is_lo,
            picked_up,
            ends: [lo_end, hi_end],
            last_seen,
        };
        Some(if v6 { Way::Head(e) } else { Way::Entry(e) })
    }

    /// The IPv4 entry of a hardware word (`None` if not valid, or if it is part of an IPv6
    /// entry: see [`Entry::unpack_way`]).
    pub fn unpack(words: &[u64; layout::WORDS], now: u32) -> Option<Entry> {
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
        assert_eq!(layout::ENTRY_BITS, 470);
        let now = 1_800_000_200;
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
            last_seen: now - 1_000,
        };
        let w = e.pack();
        assert_eq!(
            w[layout::WORDS - 1] >> (layout::ENTRY_BITS % 64),
            0,
            "nothing above"
        );
        assert_eq!(Entry::unpack(&w, now), Some(e));
        assert_eq!(Entry::unpack(&[0; layout::WORDS], 0), None);
        assert_eq!(e.pack_continuation(), None);
    }

    #[test]
    fn an_ipv6_entry_is_a_head_and_a_continuation() {
        let lo: Endpoint = "[fd77:1::10]:47340".parse().unwrap();
        let hi: Endpoint = "[2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:587"
            .parse()
            .unwrap();
        let mut end = EndpointTrack::new(TcpState::Established);
        end.seq = SeqKnown::Seen;
        end.nxt = 1000;
        end.max = 1000;
        let e = Entry {
            key: FlowKey { lo, hi },
            client_is_lo: true,
            picked_up: false,
            ends: [end; 2],
            last_seen: 77,
        };
        let (head, cont) = (e.pack(), e.pack_continuation().unwrap());
        assert_eq!(cont[layout::CONT_BITS / 64] >> (layout::CONT_BITS % 64), 0);
        let h = Entry::unpack_way(&head, false, 80).unwrap();
        let c = Entry::unpack_way(&cont, true, 80).unwrap();
        assert!(matches!(h, Way::Head(_)) && matches!(c, Way::Continuation { .. }));
        assert_eq!(h.complete(Some(c)), Some(e));
        assert_eq!(h.complete(None), None);
        assert_eq!(c.complete(Some(h)), None);
        assert_eq!(Entry::unpack(&head, 80), None);
    }
}
