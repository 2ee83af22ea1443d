//! Helpers shared by the host's integration tests: the end states of a JSON document; a
//! scripted synscope peer on a pseudo-terminal pair (frame helpers, a peer answering with a
//! closure, and a board that answers every read request with a known table, histogram and
//! counters and sends events).
#![allow(dead_code)] // each test binary uses part of it

use serde_json::Value;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use synscope::link::Link;
use synscope_model::entry::EndpointTrack;
use synscope_model::protocol::payload::{
    decode_lookup, encode_lookup_answer, event_bits, Config, CounterSnapshot, DumpChunk,
    EventRecord, Histogram, Identity, Slot,
};
use synscope_model::protocol::{
    ConfigItem, Decoder, Frame, Kind, Op, DUMP_ENTRIES_PER_FRAME, FLAG_MORE,
};
use synscope_model::{Counter, Endpoint, Entry, FlowKey, TcpState, Timeouts};

pub fn identity() -> Identity {
    Identity {
        protocol: synscope_model::protocol::VERSION,
        design: 1,
        board: 0,
        bucket_bits: 6,
        ways: 4,
        counters: 43,
        clock_mhz: 100,
    }
}

/// A link on the slave end, and the master end for the scripted peer.
pub fn pair() -> (Link, TTYPort) {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    master.set_timeout(Duration::from_millis(20)).unwrap();
    let mut link = Link::from_port(Box::new(slave), "pty", 115_200);
    link.set_timeout(Duration::from_millis(300));
    (link, master)
}

/// Read requests from `master` and answer each with `answer(request)` (bytes to write), until
/// the link side goes away or `requests` have been served.
pub fn peer(
    mut master: TTYPort,
    requests: usize,
    mut answer: impl FnMut(&Frame) -> Vec<u8> + Send + 'static,
) -> thread::JoinHandle<TTYPort> {
    thread::spawn(move || {
        let mut d = Decoder::new();
        let mut served = 0;
        let mut buf = [0u8; 256];
        let t0 = Instant::now();
        while served < requests && t0.elapsed() < Duration::from_secs(10) {
            // A read timeout is 0 bytes; the loop is bounded by time.
            let n: usize = master.read(&mut buf).unwrap_or_default();
            for b in &buf[..n] {
                if let Some(Ok(c)) = d.push(*b) {
                    let req = Frame::parse(&c).unwrap();
                    let bytes = answer(&req);
                    master.write_all(&bytes).unwrap();
                    served += 1;
                }
            }
        }
        master
    })
}

/// The framed response to `req` carrying `payload`.
pub fn respond(req: &Frame, payload: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    Frame::new(
        Kind::Response,
        req.header.seq,
        Op::from_u8(req.header.op).unwrap(),
        0,
        payload,
    )
    .encode(&mut out);
    out
}

/// The event "10.0.0.1:40000 CLOSED->SYN_SENT, 10.0.0.2:80 CLOSED->LISTEN" (created), framed.
pub fn event_frame(seq: u8) -> Vec<u8> {
    let key = FlowKey::of(
        Endpoint::v4(0x0a00_0001, 40000),
        Endpoint::v4(0x0a00_0002, 80),
    )
    .0;
    let e = EventRecord {
        what: event_bits::CREATED | event_bits::LO_CHANGED | event_bits::HI_CHANGED,
        slot: 5,
        lo_before: TcpState::Closed,
        lo_after: TcpState::SynSent,
        hi_before: TcpState::Closed,
        hi_after: TcpState::Listen,
        key,
        time: 9,
        client_is_lo: true,
    };
    let mut out = Vec::new();
    Frame::new(Kind::Event, seq, Op::Event, 0, e.encode()).encode(&mut out);
    out
}

/// One connection of the scripted board's table.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    pub client: Endpoint,
    pub server: Endpoint,
    pub client_state: TcpState,
    pub server_state: TcpState,
    pub idle: u32,
}

/// `a.b.c.d` as the u32 the model keeps.
pub fn ip(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// The scripted board's table: 23 established connections to 10.0.0.2:80, 9 in TIME_WAIT to
/// 10.0.0.2:80, 5 half-open to 10.0.0.4:443, and one 192.168.1.7:33333 -> 10.0.0.2:22 in
/// FIN_WAIT_2 / CLOSE_WAIT: 38 in all.
pub fn known_table() -> Vec<Conn> {
    let mut v = Vec::new();
    let server = |p| Endpoint::v4(ip(10, 0, 0, 2), p);
    for i in 0..23u16 {
        v.push(Conn {
            client: Endpoint::v4(ip(10, 0, 0, 1), 40000 + i),
            server: server(80),
            client_state: TcpState::Established,
            server_state: TcpState::Established,
            idle: i as u32,
        });
    }
    for i in 0..9u16 {
        v.push(Conn {
            client: Endpoint::v4(ip(10, 0, 0, 1), 41000 + i),
            server: server(80),
            client_state: TcpState::TimeWait,
            server_state: TcpState::Closed,
            idle: 30 + i as u32,
        });
    }
    for i in 0..5u16 {
        v.push(Conn {
            client: Endpoint::v4(ip(10, 0, 0, 3), 50000 + i),
            server: Endpoint::v4(ip(10, 0, 0, 4), 443),
            client_state: TcpState::SynSent,
            server_state: TcpState::SynReceived,
            idle: 2,
        });
    }
    v.push(Conn {
        client: Endpoint::v4(ip(192, 168, 1, 7), 33333),
        server: server(22),
        client_state: TcpState::FinWait2,
        server_state: TcpState::CloseWait,
        idle: 7,
    });
    v
}

/// The board's time in the scripted answers (ticks: 5000 s).
pub const BOARD_NOW: u32 = synscope_model::time::secs(5000);

/// `conns` as dumped slots at `BOARD_NOW` (slot = index).
pub fn slots(conns: &[Conn]) -> Vec<Slot> {
    conns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (key, client_is_lo) = FlowKey::of(c.client, c.server);
            let (lo, hi) = if client_is_lo {
                (c.client_state, c.server_state)
            } else {
                (c.server_state, c.client_state)
            };
            Slot {
                slot: i as u16,
                entry: Entry {
                    key,
                    client_is_lo,
                    picked_up: false,
                    ends: [EndpointTrack::new(lo), EndpointTrack::new(hi)],
                    last_seen: BOARD_NOW - synscope_model::time::secs(c.idle),
                },
            }
        })
        .collect()
}

/// Per-state counts of `conns`.
pub fn histogram(conns: &[Conn]) -> Histogram {
    let mut h = Histogram::default();
    for c in conns {
        h.client[c.client_state as usize] += 1;
        h.server[c.server_state as usize] += 1;
    }
    h
}

/// A scripted board serving on the master end of a pty until stopped or dropped.
pub struct ScriptedBoard {
    /// The slave end's path (what `--port` names).
    pub path: String,
    stop: Arc<AtomicBool>,
    handle: Option<thread::JoinHandle<()>>,
    /// Kept open so the master never sees the slave side closed before a client opens it.
    _slave: TTYPort,
}

/// `frames` grows by this much at every counter read.
pub const FRAMES_PER_READ: u64 = 1000;
/// `events_dropped` grows by this much at every counter read.
pub const EVENTS_DROPPED_PER_READ: u64 = 7;

impl ScriptedBoard {
    /// Serve `conns` (answers for IDENTIFY, PING, READ_COUNTERS, READ_HISTOGRAM, READ_LINK,
    /// DUMP_TABLE, GET/SET_CONFIG), sending one event after every counter read, for at most
    /// `limit`.
    pub fn start(conns: Vec<Conn>, limit: Duration) -> ScriptedBoard {
        ScriptedBoard::start_as(identity(), conns, limit)
    }

    /// `start`, the board answering `IDENTIFY` with `id` (another way count).
    pub fn start_as(id: Identity, conns: Vec<Conn>, limit: Duration) -> ScriptedBoard {
        let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
        master.set_timeout(Duration::from_millis(20)).unwrap();
        let path = slave.name().expect("the slave's path");
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let handle = thread::spawn(move || serve(&mut master, id, &conns, &s, limit));
        ScriptedBoard {
            path,
            stop,
            handle: Some(handle),
            _slave: slave,
        }
    }

    /// Stop answering and close the master end: the device is gone.
    pub fn unplug(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for ScriptedBoard {
    fn drop(&mut self) {
        self.unplug();
    }
}

fn serve(master: &mut TTYPort, id: Identity, conns: &[Conn], stop: &AtomicBool, limit: Duration) {
    let mut d = Decoder::new();
    let mut buf = [0u8; 512];
    let t0 = Instant::now();
    let (mut reads, mut event_seq) = (0u64, 0u8);
    let mut baud_code = 0u8;
    let slots = slots(conns);
    while !stop.load(Ordering::Relaxed) && t0.elapsed() < limit {
        let n = match master.read(&mut buf) {
            Ok(n) => n,
            Err(_) => {
                // Timed out, or no slave open yet (EIO): wait and look again.
                thread::sleep(Duration::from_millis(5));
                0
            }
        };
        for b in &buf[..n] {
            let Some(Ok(c)) = d.push(*b) else { continue };
            let Ok(req) = Frame::parse(&c) else { continue };
            let mut out = Vec::new();
            match Op::from_u8(req.header.op) {
                Some(Op::Identify) => out = respond(&req, id.encode()),
                Some(Op::Ping) => out = respond(&req, req.payload.clone()),
                Some(Op::ReadCounters) => {
                    reads += 1;
                    let mut values = vec![0u64; Counter::COUNT];
                    values[Counter::Frames as usize] = reads * FRAMES_PER_READ;
                    values[Counter::Processed as usize] = reads * FRAMES_PER_READ;
                    values[Counter::Created as usize] = conns.len() as u64;
                    // The board's event queue overflows a little at every reading.
                    values[Counter::EventsDropped as usize] = reads * EVENTS_DROPPED_PER_READ;
                    let c = CounterSnapshot {
                        now: BOARD_NOW,
                        values,
                    };
                    out = respond(&req, c.encode());
                    out.extend(event_frame(event_seq));
                    event_seq = event_seq.wrapping_add(1);
                }
                Some(Op::ReadHistogram) => out = respond(&req, histogram(conns).encode()),
                Some(Op::ReadLink) => out = respond(&req, vec![0; 44]),
                Some(Op::ReadPhy) => {
                    let p = synscope_model::protocol::phy::PhyStatus {
                        status: synscope_model::protocol::phy::STATUS_FOUND,
                        addr: 1,
                        id1: 0x2000,
                        id2: 0x5c90,
                        bmsr: 0x786d,
                        physts: 0x0015,
                        polls: 1,
                    };
                    out = respond(&req, p.encode());
                }
                Some(Op::GetConfig) => {
                    let cfg = Config {
                        timeouts: Timeouts::default(),
                        event_mask: event_bits::ALL,
                        event_rate: 0,
                        baud_code,
                        hash_key: [0; synscope_model::hash::HASH_KEY_BYTES],
                    };
                    out = respond(&req, cfg.encode());
                }
                Some(Op::SetConfig) => {
                    if req.payload.first() == Some(&(ConfigItem::Baud as u8)) {
                        baud_code = req.payload.get(1).copied().unwrap_or(0);
                    }
                    out = respond(&req, vec![])
                }
                Some(Op::Lookup) => {
                    let key = decode_lookup(&req.payload);
                    let found = slots.iter().find(|s| Some(s.entry.key) == key);
                    out = respond(&req, encode_lookup_answer(found));
                }
                Some(Op::DumpTable) => {
                    let ways: Vec<_> = slots.iter().flat_map(Slot::ways).collect();
                    let mut chunks: Vec<&[_]> = ways.chunks(DUMP_ENTRIES_PER_FRAME).collect();
                    if chunks.is_empty() {
                        chunks.push(&[]); // an empty table is one frame with no entries
                    }
                    for (i, ch) in chunks.iter().enumerate() {
                        let more = if i + 1 < chunks.len() { FLAG_MORE } else { 0 };
                        let chunk = DumpChunk {
                            now: BOARD_NOW,
                            ways: ch.to_vec(),
                        };
                        Frame::new(
                            Kind::Response,
                            req.header.seq,
                            Op::DumpTable,
                            more,
                            chunk.encode(),
                        )
                        .encode(&mut out);
                    }
                }
                _ => {}
            }
            if master.write_all(&out).is_err() {
                return;
            }
        }
    }
}

/// The `(client, server, client_state, server_state)` of every connection of a JSON document
/// (`analyze --json`, `sim --json`, `table --json`), sorted.
/// The end states a capture's truth file (`captures/NAME.json`: the kernels' own) gives, as
/// `end_states` reads a document: endpoints as every output prints them (`a.b.c.d:port`,
/// `[addr]:port`), connections with no frame in the capture left out.
pub fn truth_states(name: &str) -> Vec<(String, String, String, String)> {
    let path = format!("{}/../captures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let truth: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let endpoint = |c: &Value, who: &str| {
        let ip: std::net::IpAddr = c[format!("{who}_ip")].as_str().unwrap().parse().unwrap();
        let port = c[format!("{who}_port")].as_u64().unwrap() as u16;
        std::net::SocketAddr::new(ip, port).to_string()
    };
    let mut v: Vec<_> = truth["connections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("in_capture") != Some(&Value::Bool(false)))
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (
                endpoint(c, "client"),
                endpoint(c, "server"),
                s("client_state"),
                s("server_state"),
            )
        })
        .collect();
    v.sort();
    v
}

pub fn end_states(doc: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (
                s("client"),
                s("server"),
                s("client_state"),
                s("server_state"),
            )
        })
        .collect();
    v.sort();
    v
}

/// What a chattering device sends.
#[derive(Clone, Copy, Debug)]
pub enum Chatter {
    /// Random bytes, a few kilobytes a second (another device, a board at another rate).
    Random,
    /// Text lines, several a second (a console, a modem, a logger).
    Text,
}

/// A pseudo-terminal whose other end never stops sending `what` and never answers.
pub struct Chattering {
    pub path: String,
    stop: Arc<AtomicBool>,
    handle: Option<thread::JoinHandle<()>>,
    _slave: TTYPort,
}

impl Chattering {
    pub fn start(what: Chatter) -> Chattering {
        let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
        master.set_timeout(Duration::from_millis(5)).unwrap();
        let path = slave.name().expect("the slave's path");
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let handle = thread::spawn(move || {
            let mut x = 0x2545_f491_4f6c_dd1du64;
            let mut n = 0u64;
            // Bounded: a test that forgets to stop it still ends.
            let t0 = Instant::now();
            while !s.load(Ordering::Relaxed) && t0.elapsed() < Duration::from_secs(120) {
                let chunk: Vec<u8> = match what {
                    Chatter::Random => (0..64)
                        .map(|_| {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            x as u8
                        })
                        .collect(),
                    Chatter::Text => {
                        n += 1;
                        format!("+CSQ: {},99\r\nOK\r\n", n % 32).into_bytes()
                    }
                };
                let _ = master.write_all(&chunk);
                // Drain what the client sends (unanswered).
                let mut sink = [0u8; 256];
                let _ = master.read(&mut sink);
                thread::sleep(Duration::from_millis(match what {
                    Chatter::Random => 10,
                    Chatter::Text => 100,
                }));
            }
        });
        Chattering {
            path,
            stop,
            handle: Some(handle),
            _slave: slave,
        }
    }
}

impl Drop for Chattering {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
