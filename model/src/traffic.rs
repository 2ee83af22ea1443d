//! Synthetic TCP traffic, seeded: the one generator of `synscope generate`, `bench analyze
//! --generate`, `bench core` and the tests.
//!
//! [`Mix`] is a pool of conversations open at once, interleaved at random. Each follows a
//! script ([`script`]): a handshake, some request/response exchanges and one of the endings
//! seen in real traffic ([`Ending`]: orderly close by either side, half close, reset by either
//! side, refused, unanswered SYN, or left open). The knobs ([`MixConfig`]) set the number of
//! conversations and how many are open at once, the share of IPv6 (RFC 8200) and of
//! VLAN-tagged ones, the client addresses (one per conversation, or a few that come back), the
//! time step, noise frames (ARP, UDP), odd flags (SYN+FIN on a live connection) and, for the
//! benches, retransmissions and forged segments. It yields segment descriptors
//! ([`SegmentDescriptor`]) with the link-layer details a frame needs ([`Emitted`]);
//! [`wire::write_frame`] and [`wire::write_noise`] make the Ethernet frames.
//!
//! [`adversary::Adversary`] is the other shape: a stream aimed at every rule of the tracker
//! (holes, windows, RSTs of every class, keys alike in their heads in one bucket, time jumps
//! past every timeout), for the differential tests of the hardware.
//!
//! The draws come from any [`Source`]: [`crate::rng::Rng`] for the tests and benches,
//! [`crate::rng::WyRand`] for `synscope generate` (its captures are the same, byte for byte,
//! as before the generator moved here).

pub mod adversary;
pub mod wire;

use crate::descriptor::WSCALE_NONE;
use crate::rng::Source;
use crate::{Endpoint, SegmentDescriptor, TcpFlags as F};
use std::time::Duration;

/// How a conversation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The client closes first (FIN, ACK, FIN, ACK).
    ClientClose,
    /// The server closes first.
    ServerClose,
    /// The client closes its half; the server sends more data.
    ClientHalfClose,
    /// The client aborts (RST+ACK).
    ClientReset,
    /// The server aborts (RST without ACK).
    ServerReset,
    /// A SYN to a closed port, answered with RST+ACK.
    Refused,
    /// A SYN nobody answers.
    Unanswered,
    /// The conversation just stops (left to time out or be evicted).
    LeftOpen,
}

/// The mix of endings of `synscope generate` (weights).
pub const REALISTIC_ENDINGS: [(Ending, u32); 8] = [
    (Ending::ClientClose, 40),
    (Ending::ServerClose, 22),
    (Ending::ClientHalfClose, 5),
    (Ending::ClientReset, 7),
    (Ending::ServerReset, 6),
    (Ending::Refused, 4),
    (Ending::Unanswered, 3),
    (Ending::LeftOpen, 13),
];

/// `num` in `den`, drawn as `below32(den) < num`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chance {
    pub num: u32,
    pub den: u32,
}

impl Chance {
    pub const fn new(num: u32, den: u32) -> Chance {
        Chance { num, den }
    }

    fn draw(self, rng: &mut impl Source) -> bool {
        rng.below32(self.den) < self.num
    }
}

/// One segment of a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub from_client: bool,
    pub flags: u16,
    pub payload: u16,
}

fn pick_ending(rng: &mut impl Source, endings: &[(Ending, u32)]) -> Ending {
    let total: u32 = endings.iter().map(|e| e.1).sum();
    let mut x = rng.below32(total);
    for &(e, w) in endings {
        if x < w {
            return e;
        }
        x -= w;
    }
    Ending::LeftOpen
}

/// A conversation's script: the ending drawn from `endings`, then the handshake, `exchanges`
/// request/response exchanges (a request of 40–599 bytes, a response of one to three
/// segments, the last of 50–1459 bytes) and the ending. `odd_flags`: the chance that a
/// conversation left open ends with an invalid SYN+FIN (which must change nothing).
pub fn script(
    rng: &mut impl Source,
    exchanges: u32,
    endings: &[(Ending, u32)],
    odd_flags: Chance,
) -> Vec<Step> {
    let c = |flags, payload| Step {
        from_client: true,
        flags,
        payload,
    };
    let s = |flags, payload| Step {
        from_client: false,
        flags,
        payload,
    };
    let ending = pick_ending(rng, endings);
    let mut v = vec![c(F::SYN, 0)];
    match ending {
        Ending::Refused => {
            v.push(s(F::RST | F::ACK, 0));
            return v;
        }
        Ending::Unanswered => return v,
        _ => {}
    }
    v.push(s(F::SYN | F::ACK, 0));
    v.push(c(F::ACK, 0));
    for _ in 0..exchanges {
        v.push(c(F::PSH | F::ACK, 40 + rng.below32(560) as u16));
        let parts = 1 + rng.below32(3);
        for p in 0..parts {
            let last = p + 1 == parts;
            let len = if last {
                50 + rng.below32(1410) as u16
            } else {
                1460
            };
            v.push(s(if last { F::PSH | F::ACK } else { F::ACK }, len));
        }
        v.push(c(F::ACK, 0));
    }
    match ending {
        Ending::ClientClose => {
            v.extend([c(F::FIN | F::ACK, 0), s(F::ACK, 0), s(F::FIN | F::ACK, 0)]);
            v.push(c(F::ACK, 0));
        }
        Ending::ServerClose => {
            v.extend([s(F::FIN | F::ACK, 0), c(F::ACK, 0), c(F::FIN | F::ACK, 0)]);
            v.push(s(F::ACK, 0));
        }
        Ending::ClientHalfClose => {
            v.extend([c(F::FIN | F::ACK, 0), s(F::ACK, 0), s(F::PSH | F::ACK, 700)]);
            v.push(c(F::ACK, 0));
        }
        Ending::ClientReset => v.push(c(F::RST | F::ACK, 0)),
        Ending::ServerReset => v.push(s(F::RST, 0)),
        Ending::LeftOpen if odd_flags.draw(rng) => v.push(c(F::SYN | F::FIN, 0)),
        _ => {}
    }
    v
}

/// The client addresses of a mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clients {
    /// Conversation `n` from its own address: 10.(1 + (n >> 16) % 100).(n >> 8).n or
    /// fd00:1::n (6 553 600 distinct IPv4 addresses).
    Numbered,
    /// From one of `hosts` addresses, 10.0.(k >> 8).k or fd00:1::k: 4-tuples come back after
    /// their entry left.
    Few { hosts: u32 },
}

/// The knobs of a [`Mix`].
#[derive(Clone, Debug)]
pub struct MixConfig {
    /// Conversations in all (`u64::MAX`: endless).
    pub connections: u64,
    /// Conversations open at a time.
    pub concurrency: usize,
    /// Request/response exchanges per conversation: from 0 to this many.
    pub max_exchanges: u32,
    /// Percentage of the conversations that are IPv6.
    pub ipv6_percent: u8,
    /// Of the IPv6 conversations, those with a destination-options header (RFC 8200 §4.6) on
    /// every segment.
    pub dest_opts: Chance,
    /// Conversations on a VLAN (802.1Q; a VID drawn in 1..4095).
    pub vlan: Chance,
    pub clients: Clients,
    /// Client ports: `first` + a number below `count`.
    pub client_ports: (u16, u16),
    /// Servers 10.200.0.1..=`servers` (fd00:200::1..), on one of `server_ports`.
    pub servers: u8,
    pub server_ports: &'static [u16],
    pub endings: &'static [(Ending, u32)],
    /// See [`script`].
    pub odd_flags: Chance,
    /// A noise frame (ARP or UDP) instead of a segment.
    pub noise: Chance,
    /// Time between frames: microseconds in `lo..hi`.
    pub step_us: (u64, u64),
    /// Time of the first frame (less a step).
    pub start: Duration,
    /// TSvals (RFC 7323) on every segment, a 1 kHz clock as Linux sends them.
    pub timestamps: bool,
    /// The segment before sent again (a retransmission; none: never drawn).
    pub repeat: Option<Chance>,
    /// A forged segment on a live conversation (none: never drawn): a byte at a guessed
    /// sequence number (blind injection) or the client's SYN sent again.
    pub forge: Option<Chance>,
}

impl MixConfig {
    /// `synscope generate`'s mix: `connections` conversations, `concurrency` at a time, about
    /// `frames_per_connection` frames each.
    pub fn realistic(
        connections: u64,
        concurrency: usize,
        frames_per_connection: f64,
        ipv6_percent: u8,
    ) -> MixConfig {
        // ~3.5 frames per exchange and ~6 frames of handshake and close.
        let mean_exchanges = ((frames_per_connection - 6.0) / 3.5).max(0.0);
        MixConfig {
            connections,
            concurrency,
            max_exchanges: (2.0 * mean_exchanges).round() as u32,
            ipv6_percent,
            dest_opts: Chance::new(1, 50),
            vlan: Chance::new(1, 100),
            clients: Clients::Numbered,
            client_ports: (32768, 28000),
            servers: 32,
            server_ports: &[80, 443, 5432, 1883, 8080],
            endings: &REALISTIC_ENDINGS,
            odd_flags: Chance::new(1, 20),
            noise: Chance::new(1, 200),
            step_us: (1, 200),
            start: Duration::from_secs(1_800_000_000),
            timestamps: false,
            repeat: None,
            forge: None,
        }
    }
}

/// What a [`Mix`] yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emitted {
    Segment(Segment),
    Noise(Noise),
}

/// A segment and what its frame carries besides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub desc: SegmentDescriptor,
    /// The VID of an 802.1Q tag.
    pub vlan: Option<u16>,
    /// IPv6: a destination-options header before TCP.
    pub dest_opts: bool,
}

/// A frame the tracker does not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    Arp,
    Udp,
}

/// One conversation of a mix.
struct Conversation {
    client: Endpoint,
    server: Endpoint,
    vlan: Option<u16>,
    dest_opts: bool,
    /// The client's ISN and the server's.
    isn: [u32; 2],
    /// The next sequence number of the client's stream and of the server's.
    nxt: [u32; 2],
    script: Vec<Step>,
    at: usize,
}

impl Conversation {
    /// The segment of `step`; the sender's stream moves on.
    fn send(&mut self, step: Step, time: Duration, timestamps: bool) -> Segment {
        let (src, dst) = if step.from_client {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        };
        let (me, peer) = if step.from_client { (0, 1) } else { (1, 0) };
        let syn = step.flags & F::SYN != 0;
        let seq = self.nxt[me];
        // A RST with no ACK (the server's abort) still carries its own sequence number.
        let ack = if step.flags & F::ACK != 0 {
            self.nxt[peer]
        } else {
            0
        };
        self.nxt[me] = seq
            .wrapping_add(step.payload as u32)
            .wrapping_add(syn as u32)
            .wrapping_add((step.flags & F::FIN != 0) as u32);
        self.segment(
            src,
            dst,
            step.flags,
            seq,
            ack,
            step.payload,
            time,
            timestamps,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn segment(
        &self,
        src: Endpoint,
        dst: Endpoint,
        flags: u16,
        seq: u32,
        ack: u32,
        payload_len: u16,
        time: Duration,
        timestamps: bool,
    ) -> Segment {
        let syn = flags & F::SYN != 0;
        Segment {
            desc: SegmentDescriptor {
                src,
                dst,
                seq,
                ack,
                flags: F::new(flags),
                window: if syn { 64240 } else { 502 },
                wscale: if syn { 7 } else { WSCALE_NONE },
                payload_len,
                tsval: timestamps.then_some(time.as_millis() as u32),
                time: crate::time::ticks(time),
            },
            vlan: self.vlan,
            dest_opts: self.dest_opts,
        }
    }
}

/// Conversations interleaved at random, as a stream of segments and noise frames, each at its
/// capture time; see the module's documentation.
pub struct Mix<R: Source> {
    rng: R,
    config: MixConfig,
    pool: Vec<Conversation>,
    made: u64,
    time: Duration,
    last: Option<Segment>,
}

impl<R: Source> Mix<R> {
    pub fn new(rng: R, config: MixConfig) -> Mix<R> {
        let mut m = Mix {
            rng,
            pool: Vec::with_capacity(config.concurrency.max(1)),
            made: 0,
            time: config.start,
            last: None,
            config,
        };
        while m.made < m.config.connections.max(1) && m.pool.len() < m.config.concurrency.max(1) {
            let c = m.new_conversation();
            m.pool.push(c);
        }
        m
    }

    /// Conversations started so far.
    pub fn conversations(&self) -> u64 {
        self.made
    }

    /// The time of the frame last yielded.
    pub fn time(&self) -> Duration {
        self.time
    }

    fn new_conversation(&mut self) -> Conversation {
        let cfg = &self.config;
        let rng = &mut self.rng;
        let n = self.made;
        self.made += 1;
        let exchanges = rng.below32(cfg.max_exchanges + 1);
        let v6 = (rng.below32(100) as u8) < cfg.ipv6_percent;
        let host = match cfg.clients {
            Clients::Numbered => n,
            Clients::Few { hosts } => rng.below32(hosts) as u64,
        };
        let (client, server) = if v6 {
            // fd00:1::/64 clients, fd00:200::/64 servers.
            let c = 0xfd00_0001u128 << 96 | host as u128;
            let s = 0xfd00_0200u128 << 96 | (1 + rng.below32(cfg.servers as u32)) as u128;
            (c, s)
        } else {
            let c = match cfg.clients {
                Clients::Numbered => {
                    u32::from_be_bytes([10, 1 + (n >> 16) as u8 % 100, (n >> 8) as u8, n as u8])
                }
                Clients::Few { .. } => 0x0a00_0000 | (host as u32 & 0xffff),
            };
            let s = 0x0ac8_0000 | (1 + rng.below32(cfg.servers as u32));
            (c as u128, s as u128)
        };
        let at = |addr: u128, port: u16| {
            if v6 {
                Endpoint::v6(addr, port)
            } else {
                Endpoint::v4(addr as u32, port)
            }
        };
        let client = at(
            client,
            cfg.client_ports.0 + rng.below32(cfg.client_ports.1 as u32) as u16,
        );
        let server = at(
            server,
            cfg.server_ports[rng.below64(cfg.server_ports.len() as u64) as usize],
        );
        let vlan = cfg.vlan.draw(rng).then(|| 1 + rng.below32(4094) as u16);
        let dest_opts = v6 && cfg.dest_opts.draw(rng);
        let isn = [rng.any32(), rng.any32()];
        Conversation {
            client,
            server,
            vlan,
            dest_opts,
            isn,
            nxt: isn,
            script: script(rng, exchanges, cfg.endings, cfg.odd_flags),
            at: 0,
        }
    }

    /// A forged segment on a live conversation: a byte at a guessed sequence number, or the
    /// client's SYN again.
    fn forged(&mut self) -> Segment {
        let k = self.rng.below64(self.pool.len() as u64) as usize;
        let ts = self.config.timestamps;
        let time = self.time;
        let c = &self.pool[k];
        if self.rng.coin() {
            let (seq, ack) = (self.rng.any32(), self.rng.any32());
            c.segment(c.client, c.server, F::ACK, seq, ack, 1, time, ts)
        } else {
            c.segment(c.client, c.server, F::SYN, c.isn[0], 0, 0, time, ts)
        }
    }
}

impl<R: Source> Iterator for Mix<R> {
    /// The capture time and what is sent then.
    type Item = (Duration, Emitted);

    fn next(&mut self) -> Option<(Duration, Emitted)> {
        if self.pool.is_empty() {
            return None;
        }
        let (lo, hi) = self.config.step_us;
        self.time += Duration::from_micros(lo + self.rng.below64(hi - lo));
        if let Some(chance) = self.config.repeat {
            if let Some(s) = self.last.filter(|_| chance.draw(&mut self.rng)) {
                return Some((self.time, Emitted::Segment(s)));
            }
        }
        if let Some(chance) = self.config.forge {
            if chance.draw(&mut self.rng) {
                let s = self.forged();
                self.last = Some(s);
                return Some((self.time, Emitted::Segment(s)));
            }
        }
        if self.config.noise.draw(&mut self.rng) {
            let noise = if self.rng.coin() {
                Noise::Arp
            } else {
                Noise::Udp
            };
            return Some((self.time, Emitted::Noise(noise)));
        }
        let i = self.rng.below64(self.pool.len() as u64) as usize;
        let c = &mut self.pool[i];
        let step = c.script[c.at];
        c.at += 1;
        let s = c.send(step, self.time, self.config.timestamps);
        if c.at == c.script.len() {
            if self.made < self.config.connections {
                self.pool[i] = self.new_conversation();
            } else {
                self.pool.swap_remove(i);
            }
        }
        self.last = Some(s);
        Some((self.time, Emitted::Segment(s)))
    }
}

impl<R: Source> Mix<R> {
    /// The segments only (noise frames skipped): the descriptors a core is fed.
    pub fn segments(self) -> impl Iterator<Item = SegmentDescriptor> {
        self.filter_map(|(_, e)| match e {
            Emitted::Segment(s) => Some(s.desc),
            Emitted::Noise(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// A finite mix starts exactly its conversations, plays every script to its end (the
    /// pool drains), and honours its shares; an endless one with few clients reuses them and
    /// sends retransmissions and forged segments when asked.
    #[test]
    fn mix_honours_its_knobs() {
        let mut m = Mix::new(Rng::new(3), MixConfig::realistic(500, 50, 10.0, 40));
        let (mut syns, mut v6_syns, mut noise, mut odd) = (0, 0, 0, 0);
        for (_, e) in m.by_ref() {
            match e {
                Emitted::Segment(s) => {
                    let f = s.desc.flags.bits();
                    if f == F::SYN {
                        syns += 1;
                        v6_syns += s.desc.src.is_v6() as u32;
                    }
                    odd += (f == F::SYN | F::FIN) as u32;
                }
                Emitted::Noise(_) => noise += 1,
            }
        }
        assert_eq!(m.conversations(), 500);
        assert_eq!(syns, 500, "one SYN a conversation");
        assert!((150..250).contains(&v6_syns), "{v6_syns} IPv6 of 500");
        assert!(noise > 0 && odd > 0, "{noise} noise frames, {odd} SYN+FIN");

        let mut config = MixConfig::realistic(u64::MAX, 100, 10.0, 0);
        config.clients = Clients::Few { hosts: 3 };
        config.repeat = Some(Chance::new(1, 10));
        let segs: Vec<_> = Mix::new(Rng::new(4), config)
            .segments()
            .take(5000)
            .collect();
        let clients: std::collections::BTreeSet<_> = segs
            .iter()
            .filter(|d| d.flags.bits() == F::SYN)
            .map(|d| d.src.addr_bits())
            .collect();
        assert_eq!(clients.len(), 3);
        let repeats = segs.windows(2).filter(|w| w[0] == w[1]).count();
        assert!(repeats > 300, "{repeats} retransmissions");
    }
}
