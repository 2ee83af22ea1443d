//! A stream aimed at every rule of the tracker, for the differential tests of the hardware
//! (sim/tests/conn_core.rs): few hosts and ports, so that connections collide in the buckets
//! of a small table, IPv4 and IPv6 (keys alike in their heads aimed at one bucket), mostly
//! plausible conversations with every kind of misstep, odd flag combinations and time jumps
//! past every timeout. See [`Adversary`].
//!
//! Its draws are pinned: the tests' streams (and the counters they assert) come from them.

use crate::descriptor::WSCALE_NONE;
use crate::rng::Rng;
use crate::table::Table;
use crate::time::secs;
use crate::{Endpoint, FlowKey, SegmentDescriptor, TableShape, TcpFlags};

/// One conversation the generator keeps: its two endpoints (`[a, b]`, `a` opened it), each
/// one's ISN, where each one's stream stands (`nxt`, what it has sent in sequence), its window
/// (raw field and scale offered in its SYN), its TSval clock, and a hole it left (data sent
/// past a gap, to be filled later).
#[derive(Clone, Copy, Debug)]
struct Conv {
    ends: [Endpoint; 2],
    isn: [u32; 2],
    nxt: [u32; 2],
    wnd: [u16; 2],
    ws: [u8; 2],
    ts: [u32; 2],
    /// `(start, len)` of a gap in each endpoint's stream.
    hole: [Option<(u32, u16)>; 2],
    /// SYN data (TCP Fast Open) length of `a`'s SYN.
    syn_data: u16,
}

/// A seeded stream generator: few hosts and ports (connections collide in the buckets of a
/// small table), mostly plausible conversations, every rule of `segment` aimed at: handshakes
/// and their
/// retransmissions (SYN after SYN-ACK, SYN-ACK after ACK, SYNs never answered, TFO SYN data
/// partially acknowledged), data in sequence, old, in holes, beyond the window, zero-window
/// probes, FINs in sequence, held beyond a hole, old or out of window, ACKs exact, partial,
/// beyond what was sent, RSTs exact / RCV.NXT − 1 / in and out of window (also inside invalid
/// combinations), keep-alives, blind-injection pairs, window scales 0–14 and none, sequence
/// numbers across the 2³² wrap, TSvals newer and older (TIME_WAIT reuse), sub-second times and
/// jumps past every timeout; plus every flag combination at random.
pub struct Adversary {
    rng: Rng,
    time: u32,
    hosts: Vec<u32>,
    /// IPv6 hosts: some share their low 32 bits with an IPv4 host, some differ from each other
    /// only above them (the bits an IPv6 entry's continuation holds).
    hosts6: Vec<u128>,
    /// Out of 256 new connections, how many are IPv6.
    pub v6_per_256: u64,
    ports: Vec<u16>,
    conns: Vec<Conv>,
    /// A table of the shape aimed at: the bucket of a key under the default hash key (to aim
    /// IPv6 keys alike in their heads at one bucket).
    table: Table,
}

impl Adversary {
    /// Times start at 16 000 ticks; keys are aimed at the buckets of a table of `shape`.
    pub fn new(rng: Rng, shape: TableShape) -> Adversary {
        Adversary::at(rng, shape, 16_000)
    }

    /// Times start at `time` (ticks).
    pub fn at(rng: Rng, shape: TableShape, time: u32) -> Adversary {
        Adversary {
            rng,
            time,
            hosts: vec![
                0x0a00_0001,
                0x0a00_0002,
                0x0a00_0003,
                0xc0a8_0001,
                0xc0a8_0102,
            ],
            // Two low halves under three prefixes (keys alike in their heads are common), an
            // IPv4-compatible and an IPv4-mapped address.
            hosts6: [0xfd77_0001u128 << 96, 0xfd77_0002 << 96, 0x2001_0db8 << 96]
                .iter()
                .flat_map(|top| [top | 0x0a00_0001, top | 0x0a00_0002])
                .chain([0x0a00_0003, 0xffff_0a00_0001])
                .collect(),
            v6_per_256: 128,
            table: Table::new(shape),
            ports: vec![80, 443, 22, 40000, 40001, 40002, 50000, 65535, 1],
            conns: Vec::new(),
        }
    }

    fn endpoint(&mut self, v6: bool) -> Endpoint {
        let p = self.ports[self.rng.below(self.ports.len() as u64) as usize];
        if v6 {
            Endpoint::v6(
                self.hosts6[self.rng.below(self.hosts6.len() as u64) as usize],
                p,
            )
        } else {
            Endpoint::v4(
                self.hosts[self.rng.below(self.hosts.len() as u64) as usize],
                p,
            )
        }
    }

    /// Sometimes, for a new IPv6 pair: one alike in its head (the low 32 bits of each address,
    /// the ports) to a recent IPv6 pair, with other top bits, in the same bucket.
    fn sibling(&mut self, v6: bool) -> Option<(Endpoint, Endpoint)> {
        if !v6 || !self.rng.chance(1, 4) {
            return None;
        }
        let [a, b] = self.conns.iter().rev().find(|c| c.ends[0].is_v6())?.ends;
        let bucket = self.table.bucket_of(&FlowKey::of(a, b).0);
        let start = self.rng.next_u64() as u128;
        (0..512u128).find_map(|i| {
            let top = (start + i) << 32;
            let low = |e: Endpoint| Endpoint::v6(top | (e.addr_bits() as u32 as u128), e.port);
            let (a2, b2) = (low(a), low(b));
            (self.table.bucket_of(&FlowKey::of(a2, b2).0) == bucket).then_some((a2, b2))
        })
    }

    fn advance_time(&mut self) {
        let r = self.rng.below(1000);
        self.time = self.time.wrapping_add(match r {
            0..=799 => 0,
            // Sub-second steps.
            800..=899 => 1 + self.rng.below(15) as u32,
            900..=969 => secs(1 + self.rng.below(5) as u32),
            970..=989 => secs(30 + self.rng.below(60) as u32),
            990..=996 => secs(500 + self.rng.below(2000) as u32),
            _ => secs(7000 + self.rng.below(8000) as u32),
        });
    }

    fn isn(&mut self) -> u32 {
        match self.rng.below(6) {
            // Near the wrap of the sequence space.
            0 => (self.rng.below(20_000) as u32).wrapping_sub(10_000),
            _ => self.rng.next_u64() as u32,
        }
    }

    fn new_conv(&mut self) -> usize {
        let v6 = self.rng.below(256) < self.v6_per_256;
        let ends = match self.sibling(v6) {
            Some((a, b)) => [a, b],
            None => [self.endpoint(v6), self.endpoint(v6)],
        };
        let isn = [self.isn(), self.isn()];
        let ws = [0, 1].map(|_| match self.rng.below(5) {
            0 => WSCALE_NONE,
            1 => 14,
            _ => self.rng.below(15) as u8,
        });
        let wnd = [0, 1].map(|_| match self.rng.below(6) {
            0 => 0,
            1 => 65535,
            2 => 1 + self.rng.below(600) as u16,
            _ => self.rng.next_u64() as u16,
        });
        let ts = [self.rng.next_u64() as u32, self.rng.next_u64() as u32];
        let syn_data = if self.rng.chance(1, 10) {
            1 + self.rng.below(1000) as u16
        } else {
            0
        };
        self.conns.push(Conv {
            ends,
            isn,
            nxt: isn,
            wnd,
            ws,
            ts,
            hole: [None; 2],
            syn_data,
        });
        if self.conns.len() > 300 {
            self.conns.remove(0);
        }
        self.conns.len() - 1
    }

    fn flags(&mut self) -> u16 {
        use TcpFlags as F;
        match self.rng.below(100) {
            0..=9 => F::SYN,
            10..=19 => F::SYN | F::ACK,
            20..=56 => F::ACK | if self.rng.chance(1, 3) { F::PSH } else { 0 },
            57..=70 => F::FIN | F::ACK,
            71..=76 => F::RST,
            77..=81 => F::RST | F::ACK,
            82..=83 => F::SYN | F::RST,
            84..=85 => F::RST | F::FIN | F::ACK,
            86..=88 => F::ACK | F::ECE | F::CWR,
            // Anything at all (invalid combinations included).
            _ => self.rng.below(1 << 9) as u16,
        }
    }

    /// The window `to` advertised, in bytes (its scale when both offered one).
    fn window_bytes(c: &Conv, to: usize) -> u32 {
        let shift = if c.ws[0] != WSCALE_NONE && c.ws[1] != WSCALE_NONE {
            c.ws[to] as u32
        } else {
            0
        };
        (c.wnd[to] as u32) << shift
    }

    pub fn next_segment(&mut self) -> SegmentDescriptor {
        self.advance_time();
        let k = if !self.conns.is_empty() && self.rng.chance(9, 10) {
            self.rng.below(self.conns.len() as u64) as usize
        } else {
            self.new_conv()
        };
        let from = if self.rng.chance(1, 2) { 0 } else { 1 };
        let flags = self.flags();
        let mut c = self.conns[k];
        let to = 1 - from;
        let syn = flags & TcpFlags::SYN != 0;
        let ack_bit = flags & TcpFlags::ACK != 0;
        let fin = flags & TcpFlags::FIN != 0;
        let rst = flags & TcpFlags::RST != 0;
        let mut payload_len = match self.rng.below(8) {
            0..=4 => 0,
            5 => 1,
            6 => self.rng.below(1460) as u16,
            _ => self.rng.next_u64() as u16,
        };
        let nxt = c.nxt[from];
        let peer = c.nxt[to];
        let wnd = Self::window_bytes(&c, to);
        let mut seq = if syn {
            // A SYN or SYN-ACK carries the ISN (a retransmission) or, now and then, a new one.
            if self.rng.chance(1, 6) {
                let n = self.isn();
                c.isn[from] = n;
                c.nxt[from] = n;
                n
            } else {
                c.isn[from]
            }
        } else {
            match self.rng.below(40) {
                // In sequence.
                0..=17 => nxt,
                // An old duplicate: already sent.
                18..=20 => nxt.wrapping_sub(1 + self.rng.below(3000) as u32),
                // A keep-alive (SEG.SEQ = SND.NXT − 1).
                21..=22 => {
                    payload_len = self.rng.below(2) as u16;
                    nxt.wrapping_sub(1)
                }
                // Past a hole (remembered, to be filled later).
                23..=25 => {
                    let gap = 1 + self.rng.below(3000) as u32;
                    if payload_len > 0 {
                        c.hole[from] = Some((nxt, gap.min(65535) as u16));
                    }
                    nxt.wrapping_add(gap)
                }
                // The hole filled.
                26..=28 => match c.hole[from].take() {
                    Some((start, len)) => {
                        payload_len = len;
                        start
                    }
                    None => nxt,
                },
                // Beyond the receiver's window (blind injection), on its edge, or just in.
                29..=31 => nxt.wrapping_add(wnd).wrapping_add(self.rng.below(3) as u32),
                32 => nxt.wrapping_add(wnd).wrapping_sub(payload_len as u32),
                33 => nxt.wrapping_add(wnd.wrapping_add(1 + self.rng.below(1 << 20) as u32)),
                // The antipode and anywhere.
                34 => nxt.wrapping_add(0x8000_0000),
                35 => self.rng.next_u64() as u32,
                _ => nxt.wrapping_add(self.rng.below(70_000) as u32),
            }
        };
        if rst {
            // RSTs at RCV.NXT, RCV.NXT − 1, in and out of the window.
            seq = match self.rng.below(6) {
                0 | 1 => nxt,
                2 => nxt.wrapping_sub(1),
                3 => nxt.wrapping_add(1 + self.rng.below(wnd.max(1) as u64) as u32),
                _ => seq,
            };
        }
        if syn && from == 0 && !ack_bit {
            payload_len = if self.rng.chance(1, 3) { c.syn_data } else { 0 };
        }
        let ack = if !ack_bit {
            if self.rng.chance(1, 2) {
                0
            } else {
                self.rng.next_u64() as u32
            }
        } else if syn {
            // A SYN-ACK acknowledges the SYN, its data (TFO), only the SYN (a partial
            // acknowledgement), or something else.
            match self.rng.below(8) {
                0..=3 => c.isn[to].wrapping_add(1),
                4 => peer,
                5 => c.isn[to].wrapping_add(1 + self.rng.below(3) as u32),
                6 => c.isn[to],
                _ => self.rng.next_u64() as u32,
            }
        } else {
            match self.rng.below(20) {
                0..=12 => peer,
                // Partial: part of what was sent.
                13..=14 => peer.wrapping_sub(1 + self.rng.below(2000) as u32),
                // Beyond what was sent.
                15..=16 => peer.wrapping_add(1 + self.rng.below(2000) as u32),
                17 => peer.wrapping_add(1),
                18 => c.isn[to].wrapping_add(1),
                _ => self.rng.next_u64() as u32,
            }
        };
        let window = match self.rng.below(10) {
            0 => 0,
            1..=6 => c.wnd[from],
            7 => 65535,
            _ => self.rng.next_u64() as u16,
        };
        // The TSval clock moves forward, now and then back.
        c.ts[from] = c.ts[from].wrapping_add(self.rng.below(300) as u32);
        let tsval = match self.rng.below(10) {
            0 => None,
            1 => Some(c.ts[from].wrapping_sub(1 + self.rng.below(100_000) as u32)),
            _ => Some(c.ts[from]),
        };
        let d = SegmentDescriptor {
            src: c.ends[from],
            dst: c.ends[to],
            seq,
            ack,
            flags: TcpFlags::new(flags),
            window,
            wscale: if syn {
                if self.rng.chance(1, 10) {
                    self.rng.below(16) as u8
                } else {
                    c.ws[from]
                }
            } else {
                WSCALE_NONE
            },
            payload_len,
            tsval,
            time: self.time,
        };
        // The stream moves on when the segment went past it (in sequence, or past a hole).
        let end = d.seq_end();
        if !rst && crate::seq::seq_gt(end, c.nxt[from]) && seq != nxt.wrapping_add(0x8000_0000) {
            c.nxt[from] = end;
        }
        if fin {
            c.hole[from] = None;
        }
        self.conns[k] = c;
        d
    }

    /// A flood of new connections into few buckets (table full, eviction, refusal).
    pub fn flood(&mut self, n: usize) -> Vec<SegmentDescriptor> {
        (0..n)
            .map(|i| {
                let mut d = self.next_segment();
                let host = 0x0b00_0000 + (i as u32 % 97);
                d.src = if d.dst.is_v6() {
                    Endpoint::v6(0xfd99 << 112 | host as u128, 1024 + i as u16)
                } else {
                    Endpoint::v4(host, 1024 + i as u16)
                };
                d.flags = TcpFlags::new(if i % 3 == 0 {
                    TcpFlags::ACK
                } else {
                    TcpFlags::SYN
                });
                d
            })
            .collect()
    }

    /// A blind injection against a random live conversation: a byte far beyond the window and
    /// a RST just after it, or a forged FIN (the attacker knows the 4-tuple only).
    pub fn blind(&mut self) -> Vec<SegmentDescriptor> {
        let Some(c) = self.conns.last().copied() else {
            return Vec::new();
        };
        let from = self.rng.below(2) as usize;
        let guess = self.rng.next_u64() as u32;
        let base = SegmentDescriptor {
            src: c.ends[from],
            dst: c.ends[1 - from],
            seq: guess,
            ack: self.rng.next_u64() as u32,
            flags: TcpFlags::new(TcpFlags::ACK),
            window: 512,
            wscale: WSCALE_NONE,
            payload_len: 1,
            tsval: None,
            time: self.time,
        };
        if self.rng.chance(1, 2) {
            let rst = SegmentDescriptor {
                seq: guess.wrapping_add(1),
                flags: TcpFlags::new(TcpFlags::RST),
                payload_len: 0,
                ..base
            };
            vec![base, rst]
        } else {
            vec![SegmentDescriptor {
                flags: TcpFlags::new(TcpFlags::FIN | TcpFlags::ACK),
                payload_len: 0,
                ..base
            }]
        }
    }

    /// A whole connection: handshake (TFO data now and then), data both ways, a FIN close (either
    /// side first) to TIME_WAIT, then a SYN reusing the 4-tuple: to the TIME_WAIT endpoint with
    /// an older or a newer sequence number / TSval (RFC 6191: refused or a new incarnation), or
    /// from it (a new connection).
    pub fn lifecycle(&mut self) -> Vec<SegmentDescriptor> {
        use TcpFlags as F;
        let k = self.new_conv();
        let mut c = self.conns[k];
        let mut v = Vec::new();
        let ts = self.rng.chance(3, 4);
        let mut seg = |g: &mut Adversary, c: &mut Conv, from: usize, flags: u16, len: u16| {
            let to = 1 - from;
            c.ts[from] = c.ts[from].wrapping_add(1 + g.rng.below(50) as u32);
            let d = SegmentDescriptor {
                src: c.ends[from],
                dst: c.ends[to],
                seq: c.nxt[from],
                ack: if flags & F::ACK != 0 { c.nxt[to] } else { 0 },
                flags: TcpFlags::new(flags),
                window: c.wnd[from].max(1),
                wscale: if flags & F::SYN != 0 {
                    c.ws[from]
                } else {
                    WSCALE_NONE
                },
                payload_len: len,
                tsval: ts.then_some(c.ts[from]),
                time: g.time,
            };
            c.nxt[from] = d.seq_end();
            g.time = g.time.wrapping_add(g.rng.below(8) as u32);
            v.push(d);
        };
        seg(self, &mut c, 0, F::SYN, 0);
        seg(self, &mut c, 1, F::SYN | F::ACK, 0);
        seg(self, &mut c, 0, F::ACK, 0);
        for _ in 0..self.rng.below(6) {
            let from = self.rng.below(2) as usize;
            let len = 1 + self.rng.below(c.wnd[1 - from].max(1) as u64).min(1400) as u16;
            seg(self, &mut c, from, F::ACK | F::PSH, len);
            seg(self, &mut c, 1 - from, F::ACK, 0);
        }
        let first = self.rng.below(2) as usize;
        seg(self, &mut c, first, F::FIN | F::ACK, 0);
        seg(self, &mut c, 1 - first, F::ACK, 0);
        seg(self, &mut c, 1 - first, F::FIN | F::ACK, 0);
        seg(self, &mut c, first, F::ACK, 0);
        // `first` is in TIME_WAIT now. A SYN to it, or from it.
        self.time = self
            .time
            .wrapping_add(self.rng.below(secs(70) as u64) as u32);
        let to_tw = self.rng.chance(2, 3);
        let from = if to_tw { 1 - first } else { first };
        let newer = self.rng.chance(1, 2);
        let isn = if newer {
            c.nxt[from].wrapping_add(1 + self.rng.below(1 << 20) as u32)
        } else {
            c.nxt[from].wrapping_sub(1 + self.rng.below(1 << 20) as u32)
        };
        let ts_newer = self.rng.chance(1, 2);
        let tsval = if ts_newer {
            c.ts[from].wrapping_add(1 + self.rng.below(1000) as u32)
        } else {
            c.ts[from].wrapping_sub(1 + self.rng.below(1000) as u32)
        };
        v.push(SegmentDescriptor {
            src: c.ends[from],
            dst: c.ends[1 - from],
            seq: isn,
            ack: 0,
            flags: TcpFlags::new(F::SYN),
            window: c.wnd[from].max(1),
            wscale: c.ws[from],
            payload_len: 0,
            tsval: (ts || self.rng.chance(1, 2)).then_some(tsval),
            time: self.time,
        });
        c.isn[from] = isn;
        c.nxt[from] = isn.wrapping_add(1);
        self.conns[k] = c;
        v
    }

    /// SYNs never answered: the same ISN re-sent on Linux's schedule (1, 1, 1, 1 s, then
    /// doubling), or SYN-ACKs re-sent after the ACK (a full accept queue).
    pub fn retransmissions(&mut self) -> Vec<SegmentDescriptor> {
        let k = self.new_conv();
        let c = self.conns[k];
        let mut v = Vec::new();
        let syn = SegmentDescriptor {
            src: c.ends[0],
            dst: c.ends[1],
            seq: c.isn[0],
            ack: 0,
            flags: TcpFlags::new(TcpFlags::SYN),
            window: c.wnd[0],
            wscale: c.ws[0],
            payload_len: 0,
            tsval: Some(c.ts[0]),
            time: self.time,
        };
        let n = 1 + self.rng.below(6) as u32;
        let answered = self.rng.chance(1, 2);
        for i in 0..n {
            let step = if i < 4 { 1 } else { 1 << (i - 3) };
            v.push(SegmentDescriptor {
                time: self.time,
                ..syn
            });
            if answered {
                let synack = SegmentDescriptor {
                    src: c.ends[1],
                    dst: c.ends[0],
                    seq: c.isn[1],
                    ack: c.isn[0].wrapping_add(1),
                    flags: TcpFlags::new(TcpFlags::SYN | TcpFlags::ACK),
                    window: c.wnd[1],
                    wscale: c.ws[1],
                    tsval: Some(c.ts[1]),
                    time: self.time,
                    ..syn
                };
                v.push(synack);
                if self.rng.chance(1, 2) {
                    v.push(SegmentDescriptor {
                        src: c.ends[0],
                        dst: c.ends[1],
                        seq: c.isn[0].wrapping_add(1),
                        ack: c.isn[1].wrapping_add(1),
                        flags: TcpFlags::new(TcpFlags::ACK),
                        wscale: WSCALE_NONE,
                        time: self.time,
                        ..syn
                    });
                }
            }
            self.time = self
                .time
                .wrapping_add(secs(step) + self.rng.below(4) as u32);
        }
        let c = &mut self.conns[k];
        c.nxt = [c.isn[0].wrapping_add(1), c.isn[1].wrapping_add(1)];
        v
    }

    /// The next burst of a stream: mostly one segment of a random conversation
    /// ([`Adversary::next_segment`]); now and then a flood of new connections, one segment
    /// back to back with its mirror, a blind injection, handshake retransmissions or a whole
    /// connection through TIME_WAIT to its reuse.
    pub fn burst(&mut self) -> Vec<SegmentDescriptor> {
        match self.rng.below(1000) {
            0..=1 => {
                let k = 50 + self.rng.below(300) as usize;
                self.flood(k)
            }
            2..=4 => {
                // The same connection back to back.
                let d = self.next_segment();
                let k = 2 + self.rng.below(20) as usize;
                (0..k)
                    .map(|j| {
                        let mut e = d;
                        if j % 2 == 1 {
                            std::mem::swap(&mut e.src, &mut e.dst);
                            std::mem::swap(&mut e.seq, &mut e.ack);
                        }
                        e
                    })
                    .collect()
            }
            5..=14 => self.blind(),
            15..=19 => self.retransmissions(),
            20..=29 => self.lifecycle(),
            _ => vec![self.next_segment()],
        }
    }

    /// Between bursts, when the stream has gaps: idle cycles now and then (1 in 20).
    pub fn gap(&mut self) -> Option<usize> {
        self.rng
            .chance(1, 20)
            .then(|| 1 + self.rng.below(8) as usize)
    }
}
