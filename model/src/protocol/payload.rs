//! The payloads of each operation (docs/protocol.md, "Operations"), encoded and decoded once:
//! the hardware's command engine is checked against `encode`, the host reads with `decode`.
//! A payload too short for its type decodes to `None`, never a panic.

use super::message::{put_uint, Reader};
use super::slot::{BadWays, SlotLayout};
use super::{ENTRY_BYTES, MAGIC};
use crate::counters::Counter;
use crate::descriptor::{Endpoint, FlowKey};
use crate::entry::{layout, Entry, Way};
use crate::hash::HASH_KEY_BYTES;
use crate::state::TcpState;
use crate::timeouts::Timeouts;

/// `IDENTIFY` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub protocol: u8,
    pub design: u16,
    /// 0 simulated, 1 Arty A7-35T, 2 Arty A7-100T.
    pub board: u8,
    pub bucket_bits: u8,
    pub ways: u8,
    pub counters: u8,
    pub clock_mhz: u8,
}

impl Identity {
    pub fn board_name(&self) -> &'static str {
        match self.board {
            0 => "simulated board",
            1 => "Arty A7-35T",
            2 => "Arty A7-100T",
            _ => "unknown board",
        }
    }

    /// How the board's slot numbers split into bucket and way; an error when its way count
    /// makes no table (the client refuses such an answer: `Error::BadWays`).
    pub fn layout(&self) -> Result<SlotLayout, BadWays> {
        SlotLayout::new(self.ways as usize)
    }

    pub fn capacity(&self) -> usize {
        (1usize << self.bucket_bits) * self.ways as usize
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.push(self.protocol);
        put_uint(&mut v, self.design as u64, 2);
        v.extend([
            self.board,
            self.bucket_bits,
            self.ways,
            self.counters,
            self.clock_mhz,
        ]);
        v
    }

    /// `None` if the payload is short or lacks the magic (not a synscope).
    pub fn decode(p: &[u8]) -> Option<Identity> {
        let mut r = Reader::new(p);
        if r.take(4)? != MAGIC {
            return None;
        }
        Some(Identity {
            protocol: r.u8()?,
            design: r.u16()?,
            board: r.u8()?,
            bucket_bits: r.u8()?,
            ways: r.u8()?,
            counters: r.u8()?,
            clock_mhz: r.u8()?,
        })
    }
}

/// Bytes of one counter on the wire.
pub const COUNTER_BYTES: usize = 6;

/// `READ_COUNTERS` answer: the board's time and every `Counter`, in bank order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterSnapshot {
    pub now: u32,
    pub values: Vec<u64>,
}

impl CounterSnapshot {
    pub fn get(&self, c: Counter) -> u64 {
        self.values.get(c as usize).copied().unwrap_or(0)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(4 + self.values.len() * COUNTER_BYTES);
        put_uint(&mut v, self.now as u64, 4);
        for x in &self.values {
            put_uint(&mut v, *x, COUNTER_BYTES);
        }
        v
    }

    pub fn decode(p: &[u8]) -> Option<CounterSnapshot> {
        let mut r = Reader::new(p);
        let now = r.u32()?;
        let values = (0..Counter::COUNT)
            .map(|_| r.uint(COUNTER_BYTES))
            .collect::<Option<Vec<_>>>()?;
        Some(CounterSnapshot { now, values })
    }
}

/// `READ_HISTOGRAM` answer: live entries per state of the client and of the server endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Histogram {
    pub client: [u16; TcpState::COUNT],
    pub server: [u16; TcpState::COUNT],
}

impl Histogram {
    /// Half-open connections (the SYN-flood gauge): clients whose handshake is in progress,
    /// `SYN_SENT` (their SYN seen, no SYN-ACK) or `SYN_RECEIVED` (simultaneous open, RFC 9293
    /// §3.5). A client is synchronized no later than its server (it is seen receiving the
    /// SYN-ACK before it sends the third segment), so these are half-open entries in the sense
    /// of `Entry::eviction_class` (neither endpoint synchronized), read from the per-state
    /// histogram without a second gauge in the hardware. Not counted: entries whose client
    /// already went back to CLOSED (a refused or reset attempt).
    pub fn half_open(&self) -> u32 {
        self.client[TcpState::SynSent as usize] as u32
            + self.client[TcpState::SynReceived as usize] as u32
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::new();
        for x in self.client.iter().chain(self.server.iter()) {
            put_uint(&mut v, *x as u64, 2);
        }
        v
    }

    pub fn decode(p: &[u8]) -> Option<Histogram> {
        let mut r = Reader::new(p);
        let mut h = Histogram::default();
        for x in h.client.iter_mut().chain(h.server.iter_mut()) {
            *x = r.u16()?;
        }
        Some(h)
    }
}

/// The [`ENTRY_BYTES`] wire bytes of a packed entry word (`Entry::pack`, LSB first).
pub fn entry_bytes(words: &[u64; layout::WORDS]) -> [u8; ENTRY_BYTES] {
    let mut b = [0u8; ENTRY_BYTES];
    for (i, x) in b.iter_mut().enumerate() {
        *x = (words[i / 8] >> (8 * (i % 8))) as u8;
    }
    b
}

/// The packed entry word of its [`ENTRY_BYTES`] wire bytes.
pub fn entry_words(bytes: &[u8]) -> Option<[u64; layout::WORDS]> {
    if bytes.len() < ENTRY_BYTES {
        return None;
    }
    let mut w = [0u64; layout::WORDS];
    for (i, x) in bytes[..ENTRY_BYTES].iter().enumerate() {
        w[i / 8] |= (*x as u64) << (8 * (i % 8));
    }
    Some(w)
}

/// A table slot: `bucket << WAY_BITS | way` (split by [`SlotLayout`]) and its entry (an IPv6
/// entry's continuation is in the next way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub slot: u16,
    pub entry: Entry,
}

impl Slot {
    /// The dumped ways of this slot: its word, and an IPv6 entry's continuation after it.
    pub fn ways(&self) -> impl Iterator<Item = DumpedWay> {
        let head = DumpedWay {
            slot: self.slot,
            words: self.entry.pack(),
        };
        let cont = self.entry.pack_continuation().map(|words| DumpedWay {
            slot: self.slot + 1,
            words,
        });
        std::iter::once(head).chain(cont)
    }
}

/// One way of the table as `DUMP_TABLE` sends it: `bucket << WAY_BITS | way` and its word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DumpedWay {
    pub slot: u16,
    pub words: [u64; layout::WORDS],
}

/// One `DUMP_TABLE` response frame: the board's time and the live ways it carries (an IPv6
/// entry is two: its head, then its continuation, possibly in the next frame).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpChunk {
    pub now: u32,
    pub ways: Vec<DumpedWay>,
}

impl DumpChunk {
    /// The chunk of `slots`' ways.
    pub fn of_slots(now: u32, slots: &[Slot]) -> DumpChunk {
        DumpChunk {
            now,
            ways: slots.iter().flat_map(Slot::ways).collect(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::new();
        put_uint(&mut v, self.now as u64, 4);
        for w in &self.ways {
            put_uint(&mut v, w.slot as u64, 2);
            v.extend(entry_bytes(&w.words));
        }
        v
    }

    /// `None` if short, or if a way is not a valid one (the board never sends empty ways).
    pub fn decode(p: &[u8]) -> Option<DumpChunk> {
        let mut r = Reader::new(p);
        let now = r.u32()?;
        let mut ways = Vec::new();
        while r.remaining() > 0 {
            let slot = r.u16()?;
            let words = entry_words(r.take(ENTRY_BYTES)?)?;
            Entry::unpack_way(&words, slot & 1 == 1, now)?;
            ways.push(DumpedWay { slot, words });
        }
        Some(DumpChunk { now, ways })
    }
}

/// The entries of a whole dump (its frames in order), with the board's time of the last
/// frame: each IPv4 way, each IPv6 head with the continuation that follows it. `None` if a head
/// lacks its continuation or a continuation its head.
pub fn assemble_dump(chunks: &[DumpChunk]) -> Option<(u32, Vec<Slot>)> {
    let now = chunks.last().map(|c| c.now).unwrap_or(0);
    let mut ways = chunks
        .iter()
        .flat_map(|c| c.ways.iter().map(move |w| (c.now, w)))
        .peekable();
    let mut out = Vec::new();
    while let Some((t, w)) = ways.next() {
        let head = Entry::unpack_way(&w.words, w.slot & 1 == 1, t)?;
        let next = match head {
            Way::Head(_) => {
                let (t2, c) = ways.next().filter(|(_, c)| c.slot == w.slot + 1)?;
                Some(Entry::unpack_way(&c.words, true, t2)?)
            }
            _ => None,
        };
        out.push(Slot {
            slot: w.slot,
            entry: head.complete(next)?,
        });
    }
    Some((now, out))
}

/// Bytes of a `LOOKUP` request: family u8 (0 IPv4, 1 IPv6), then per endpoint, source first,
/// its address as a 128-bit number (IPv4 in the low 32 bits) and its port.
pub const LOOKUP_BYTES: usize = 1 + 2 * (16 + 2);

/// `LOOKUP` request: the tuple as seen (either direction finds the connection).
pub fn encode_lookup(src: Endpoint, dst: Endpoint) -> Vec<u8> {
    let mut v = vec![src.is_v6() as u8];
    for e in [src, dst] {
        v.extend(e.addr_bits().to_le_bytes());
        put_uint(&mut v, e.port as u64, 2);
    }
    v
}

/// The key a `LOOKUP` request asks for; `None` if malformed (length, family, an IPv4 address
/// wider than 32 bits).
pub fn decode_lookup(p: &[u8]) -> Option<FlowKey> {
    if p.len() != LOOKUP_BYTES {
        return None;
    }
    let mut r = Reader::new(p);
    let v6 = match r.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let mut endpoint = || {
        let ip = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let port = r.u16()?;
        if v6 {
            Some(Endpoint::v6(ip, port))
        } else {
            Some(Endpoint::v4(u32::try_from(ip).ok()?, port))
        }
    };
    let src = endpoint()?;
    let dst = endpoint()?;
    Some(FlowKey::of(src, dst).0)
}

/// `LOOKUP` answer: found u8, then if found the slot and the entry's ways (IPv6: head, then
/// continuation). Decoded with the board's time.
pub fn encode_lookup_answer(found: Option<&Slot>) -> Vec<u8> {
    match found {
        None => vec![0],
        Some(s) => {
            let mut v = vec![1];
            put_uint(&mut v, s.slot as u64, 2);
            for w in s.ways() {
                v.extend(entry_bytes(&w.words));
            }
            v
        }
    }
}

pub fn decode_lookup_answer(p: &[u8], now: u32) -> Option<Option<Slot>> {
    let mut r = Reader::new(p);
    match r.u8()? {
        0 => Some(None),
        1 => {
            let slot = r.u16()?;
            let head = Entry::unpack_way(&entry_words(r.take(ENTRY_BYTES)?)?, false, now)?;
            let next = match head {
                Way::Head(_) => Some(Entry::unpack_way(
                    &entry_words(r.take(ENTRY_BYTES)?)?,
                    true,
                    now,
                )?),
                _ => None,
            };
            let entry = head.complete(next)?;
            Some(Some(Slot { slot, entry }))
        }
        _ => None,
    }
}

/// `GET_CONFIG` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub timeouts: Timeouts,
    pub event_mask: u8,
    /// Events per millisecond, 0 = unlimited.
    pub event_rate: u16,
    /// Index into `BAUD_RATES`.
    pub baud_code: u8,
    pub hash_key: [u8; HASH_KEY_BYTES],
}

impl Config {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = encode_timeouts(&self.timeouts);
        v.push(self.event_mask);
        put_uint(&mut v, self.event_rate as u64, 2);
        v.push(self.baud_code);
        v.extend(self.hash_key);
        v
    }

    pub fn decode(p: &[u8]) -> Option<Config> {
        let mut r = Reader::new(p);
        let timeouts = decode_timeouts(&mut r)?;
        Some(Config {
            timeouts,
            event_mask: r.u8()?,
            event_rate: r.u16()?,
            baud_code: r.u8()?,
            hash_key: r.take(HASH_KEY_BYTES)?.try_into().ok()?,
        })
    }
}

/// Timeouts as five u32 seconds, in [`Timeouts::named`] order (time_wait, handshake,
/// fin_wait_2, idle, linger).
pub fn encode_timeouts(t: &Timeouts) -> Vec<u8> {
    let mut v = Vec::new();
    for (_, x) in t.named() {
        put_uint(&mut v, x as u64, 4);
    }
    v
}

pub fn decode_timeouts(r: &mut Reader) -> Option<Timeouts> {
    Some(Timeouts {
        time_wait: r.u32()?,
        handshake: r.u32()?,
        fin_wait_2: r.u32()?,
        idle: r.u32()?,
        linger: r.u32()?,
    })
}

/// Event kinds (bits of `EventRecord::what` and of the event mask).
pub mod event_bits {
    pub const CREATED: u8 = 1 << 0;
    pub const REFUSED: u8 = 1 << 1;
    pub const EVICTED: u8 = 1 << 2;
    pub const REINCARNATED: u8 = 1 << 3;
    pub const LO_CHANGED: u8 = 1 << 4;
    pub const HI_CHANGED: u8 = 1 << 5;
    /// Every kind.
    pub const ALL: u8 = 0x3f;
    /// Not a kind: the record's addresses are IPv6 (16 bytes each, else 4).
    pub const IPV6: u8 = 1 << 6;
}

fn event_endpoint(r: &mut Reader, v6: bool) -> Option<Endpoint> {
    Some(if v6 {
        Endpoint::v6(u128::from_le_bytes(r.take(16)?.try_into().ok()?), r.u16()?)
    } else {
        Endpoint::v4(r.u32()?, r.u16()?)
    })
}

/// Bytes of an IPv4 `EVENT` frame's payload.
pub const EVENT_RECORD_BYTES: usize = 20;
/// Bytes of an IPv6 `EVENT` frame's payload (two addresses of 16 bytes instead of 4).
pub const EVENT_RECORD_BYTES_V6: usize = EVENT_RECORD_BYTES + 2 * 12;

/// An `EVENT` frame's payload. `what` carries [`event_bits::IPV6`] for an IPv6 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRecord {
    pub what: u8,
    /// `bucket << WAY_BITS | way` ([`SlotLayout`]).
    pub slot: u16,
    pub lo_before: TcpState,
    pub lo_after: TcpState,
    pub hi_before: TcpState,
    pub hi_after: TcpState,
    pub key: FlowKey,
    /// Low 16 bits of the board's seconds.
    pub time: u16,
    /// The client (the endpoint that sent the first SYN, or the inferred one of a picked-up
    /// connection) is `key.lo`. For a refused creation, the role the entry would have had.
    pub client_is_lo: bool,
}

impl EventRecord {
    /// The client endpoint.
    pub fn client(&self) -> Endpoint {
        self.key.roles(self.client_is_lo).0
    }

    /// The server endpoint.
    pub fn server(&self) -> Endpoint {
        self.key.roles(self.client_is_lo).1
    }

    /// The client's state before and after.
    pub fn client_states(&self) -> (TcpState, TcpState) {
        if self.client_is_lo {
            (self.lo_before, self.lo_after)
        } else {
            (self.hi_before, self.hi_after)
        }
    }

    /// The server's state before and after.
    pub fn server_states(&self) -> (TcpState, TcpState) {
        if self.client_is_lo {
            (self.hi_before, self.hi_after)
        } else {
            (self.lo_before, self.lo_after)
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = vec![self.what];
        put_uint(&mut v, self.slot as u64, 2);
        v.push((self.lo_before as u8) << 4 | self.lo_after as u8);
        v.push((self.hi_before as u8) << 4 | self.hi_after as u8);
        let addr_bytes = if self.key.is_v6() { 16 } else { 4 };
        for e in [self.key.lo, self.key.hi] {
            v.extend(&e.addr_bits().to_le_bytes()[..addr_bytes]);
            put_uint(&mut v, e.port as u64, 2);
        }
        put_uint(&mut v, self.time as u64, 2);
        v.push(self.client_is_lo as u8);
        v
    }

    pub fn decode(p: &[u8]) -> Option<EventRecord> {
        let mut r = Reader::new(p);
        let what = r.u8()?;
        let v6 = what & event_bits::IPV6 != 0;
        let slot = r.u16()?;
        let lo = r.u8()?;
        let hi = r.u8()?;
        let state = |b: u8| TcpState::from_bits(b & 0x0f);
        Some(EventRecord {
            what,
            slot,
            lo_before: state(lo >> 4)?,
            lo_after: state(lo)?,
            hi_before: state(hi >> 4)?,
            hi_after: state(hi)?,
            key: FlowKey {
                lo: event_endpoint(&mut r, v6)?,
                hi: event_endpoint(&mut r, v6)?,
            },
            time: r.u16()?,
            client_is_lo: r.u8()? & 1 == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Aux, EndpointTrack, SeqKnown};

    fn entry() -> Entry {
        let mut e = Entry {
            key: FlowKey::of(
                Endpoint::v4(0x0a00_0001, 40000),
                Endpoint::v4(0x0a00_0002, 80),
            )
            .0,
            client_is_lo: true,
            picked_up: false,
            ends: [EndpointTrack::new(TcpState::Established); 2],
            last_seen: 70_000,
        };
        e.ends[1].nxt = 0xdead_beef;
        e.ends[1].max = 0xdead_bef0;
        e.ends[1].seq = SeqKnown::Seen;
        e.ends[1].window = Some(crate::entry::Window {
            left: 70,
            right: 77,
        });
        e.ends[0].aux = Aux::Ts(5);
        e
    }

    fn entry6() -> Entry {
        Entry {
            key: FlowKey::of(
                "[fd77:1::10]:47340".parse().unwrap(),
                "[fd77:1::20]:587".parse().unwrap(),
            )
            .0,
            ..entry()
        }
    }

    #[test]
    fn payloads_round_trip() {
        let id = Identity {
            protocol: 1,
            design: 3,
            board: 1,
            bucket_bits: 11,
            ways: 4,
            counters: Counter::COUNT as u8,
            clock_mhz: 100,
        };
        assert_eq!(Identity::decode(&id.encode()), Some(id));
        assert_eq!(Identity::decode(b"NOPE\x01\x00"), None);
        let c = CounterSnapshot {
            now: 7,
            values: (0..Counter::COUNT as u64).map(|i| i << 40 | i).collect(),
        };
        assert_eq!(CounterSnapshot::decode(&c.encode()), Some(c));
        let s4 = Slot {
            slot: 0x1235,
            entry: entry(),
        };
        let s6 = Slot {
            slot: 0x1236,
            entry: entry6(),
        };
        let d = DumpChunk::of_slots(70_001, &[s4, s6]);
        assert_eq!(d.ways.len(), 3);
        assert_eq!(DumpChunk::decode(&d.encode()), Some(d.clone()));
        assert_eq!(DumpChunk::decode(&d.encode()[..20]), None);
        assert_eq!(
            assemble_dump(std::slice::from_ref(&d)),
            Some((70_001, vec![s4, s6]))
        );
        // A pair split between two frames.
        let (a, b) = d.ways.split_at(2);
        let split = [
            DumpChunk {
                now: 70_001,
                ways: a.to_vec(),
            },
            DumpChunk {
                now: 70_001,
                ways: b.to_vec(),
            },
        ];
        assert_eq!(assemble_dump(&split), Some((70_001, vec![s4, s6])));
        assert_eq!(assemble_dump(&split[..1]), None);
        assert_eq!(assemble_dump(&split[1..]), None);
        let cfg = Config {
            timeouts: Timeouts::default(),
            event_mask: event_bits::ALL,
            event_rate: 100,
            baud_code: 4,
            hash_key: [7; HASH_KEY_BYTES],
        };
        assert_eq!(Config::decode(&cfg.encode()), Some(cfg));
        let s = Slot {
            slot: 9,
            entry: entry(),
        };
        let a = encode_lookup_answer(Some(&s));
        assert_eq!(decode_lookup_answer(&a, 70_001), Some(Some(s)));
        assert_eq!(decode_lookup_answer(&[0], 0), Some(None));
        let a = encode_lookup_answer(Some(&s6));
        assert_eq!(a.len(), 1 + 2 + 2 * ENTRY_BYTES);
        assert_eq!(decode_lookup_answer(&a, 70_001), Some(Some(s6)));
        assert_eq!(decode_lookup_answer(&a[..a.len() - 1], 70_001), None);
        for e in [entry(), entry6()] {
            let (src, dst) = (e.key.hi, e.key.lo);
            let q = encode_lookup(src, dst);
            assert_eq!(q.len(), LOOKUP_BYTES);
            assert_eq!(decode_lookup(&q), Some(e.key));
        }
        let mut q = encode_lookup(entry().key.lo, entry().key.hi);
        q[5] = 1;
        assert_eq!(
            decode_lookup(&q),
            None,
            "an IPv4 address wider than 32 bits"
        );
        let ev = EventRecord {
            what: event_bits::CREATED | event_bits::LO_CHANGED,
            slot: 77,
            lo_before: TcpState::Closed,
            lo_after: TcpState::SynSent,
            hi_before: TcpState::Closed,
            hi_after: TcpState::Listen,
            key: entry().key,
            time: 5,
            client_is_lo: true,
        };
        assert_eq!(ev.encode().len(), EVENT_RECORD_BYTES);
        assert_eq!(EventRecord::decode(&ev.encode()), Some(ev));
        assert_eq!(EventRecord::decode(&ev.encode()[..19]), None);
        let flipped = EventRecord {
            client_is_lo: false,
            ..ev
        };
        assert_eq!(flipped.client(), ev.server());
        assert_eq!(
            flipped.server_states(),
            (TcpState::Closed, TcpState::SynSent)
        );
        let ev6 = EventRecord {
            what: event_bits::CREATED | event_bits::IPV6,
            key: entry6().key,
            ..ev
        };
        assert_eq!(ev6.encode().len(), EVENT_RECORD_BYTES_V6);
        assert_eq!(EventRecord::decode(&ev6.encode()), Some(ev6));
        assert_eq!(EventRecord::decode(&ev6.encode()[..43]), None);
    }

    #[test]
    fn short_payloads_are_none_not_a_panic() {
        for n in 0..40 {
            let junk = vec![0xffu8; n];
            let _ = Identity::decode(&junk);
            let _ = CounterSnapshot::decode(&junk);
            let _ = Histogram::decode(&junk);
            let _ = DumpChunk::decode(&junk);
            let _ = Config::decode(&junk);
            let _ = EventRecord::decode(&junk);
            let _ = decode_lookup_answer(&junk, 0);
        }
    }
}
