//! The client against a scripted transport: answers among garbage, corrupted frames and
//! events; multi-frame answers; and every error variant a request can end in, each provoked.

use super::*;
use crate::protocol::payload::{CounterSnapshot, Identity};
use crate::protocol::{ConfigItem, FLAG_MORE};
use std::io;

/// One receive slice of the scripted transport.
const SLICE: Duration = Duration::from_millis(20);

/// How a scripted board answers a request: the bytes it sends back.
type Answer = Box<dyn FnMut(&Frame) -> Vec<u8>>;

/// A scripted board: each request it decodes is answered with `answer(request)`, arriving in
/// the next receive slice; `chatter` comes in every slice that brings nothing else. Time
/// advances a slice per receive.
struct Script {
    now: Duration,
    answer: Answer,
    incoming: VecDeque<Vec<u8>>,
    chatter: Option<Vec<u8>>,
    decoder: Decoder,
    /// Receive fails with this (a port that went away).
    broken: Option<io::ErrorKind>,
    /// The rate changes asked for; `set_baud` fails when `baud_fails`.
    bauds: Vec<u32>,
    baud_fails: bool,
}

impl Script {
    fn new(answer: impl FnMut(&Frame) -> Vec<u8> + 'static) -> Script {
        Script {
            now: Duration::ZERO,
            answer: Box::new(answer),
            incoming: VecDeque::new(),
            chatter: None,
            decoder: Decoder::new(),
            broken: None,
            bauds: Vec::new(),
            baud_fails: false,
        }
    }

    fn silent() -> Script {
        Script::new(|_| Vec::new())
    }
}

impl Transport for Script {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        for b in bytes {
            if let Some(Ok(c)) = self.decoder.push(*b) {
                let req = Frame::parse(&c).unwrap();
                let out = (self.answer)(&req);
                self.incoming.push_back(out);
            }
        }
        Ok(())
    }

    fn receive(&mut self, into: &mut Vec<u8>) -> io::Result<()> {
        self.now += SLICE;
        if let Some(k) = self.broken {
            return Err(k.into());
        }
        match self.incoming.pop_front() {
            Some(b) => into.extend(b),
            None => into.extend(self.chatter.iter().flatten()),
        }
        Ok(())
    }

    fn now(&self) -> Duration {
        self.now
    }

    fn set_baud(&mut self, baud: u32) -> io::Result<()> {
        if self.baud_fails {
            return Err(io::Error::other("the port refused"));
        }
        self.bauds.push(baud);
        Ok(())
    }
}

fn client(s: Script) -> Client<Script> {
    Client::new(s, "pty", 115_200)
}

fn identity() -> Identity {
    Identity {
        protocol: VERSION,
        design: 1,
        board: 0,
        bucket_bits: 6,
        ways: 4,
        counters: 43,
        clock_mhz: 100,
    }
}

/// The framed response to `req` carrying `payload`, with `flags`.
fn respond_with(req: &Frame, flags: u8, payload: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let op = Op::from_u8(req.header.op).unwrap();
    Frame::new(Kind::Response, req.header.seq, op, flags, payload).encode(&mut out);
    out
}

fn respond(req: &Frame, payload: Vec<u8>) -> Vec<u8> {
    respond_with(req, 0, payload)
}

fn event(seq: u8) -> Vec<u8> {
    let mut out = Vec::new();
    Frame::new(Kind::Event, seq, Op::Event, 0, vec![1, 2, 3]).encode(&mut out);
    out
}

#[test]
fn answers_are_found_among_garbage_bad_frames_late_answers_and_events() {
    let mut c = client(Script::new(|req| {
        let mut out = b"\x00garbage\xff".to_vec();
        let mut bad = respond(req, vec![1, 2, 3]);
        bad[3] ^= 0x10; // a corrupted copy: FCS fails
        out.extend(bad);
        out.extend(event(7));
        let mut late = req.clone();
        late.header.seq = req.header.seq.wrapping_sub(1);
        out.extend(respond(&late, vec![9]));
        let payload = match Op::from_u8(req.header.op) {
            Some(Op::Identify) => identity().encode(),
            _ => req.payload.clone(),
        };
        out.extend(respond(req, payload));
        out
    }));
    assert_eq!(c.identify().unwrap(), identity());
    assert_eq!(c.request(Op::Ping, vec![0x7e, 1]).unwrap(), vec![0x7e, 1]);
    assert_eq!(c.bad_frames(), 3);
    assert_eq!(c.take_events().len(), 2);
    assert!(c.next_event(Duration::ZERO).unwrap().is_none());
}

#[test]
fn a_long_answer_arrives_in_frames_with_progress() {
    let mut c = client(Script::new(|req| {
        let mut out = Vec::new();
        for i in 0..5u8 {
            let flags = if i < 4 { FLAG_MORE } else { 0 };
            out.extend(respond_with(req, flags, vec![i; 100]));
        }
        out
    }));
    let mut seen = Vec::new();
    let frames = c
        .request_with(Op::DumpTable, vec![0, 0], |n| seen.push(n))
        .unwrap();
    assert_eq!(frames.len(), 5);
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
}

#[test]
fn set_baud_asks_the_board_then_follows() {
    let mut c = client(Script::new(|req| respond(req, vec![])));
    c.set_baud(3_000_000).unwrap();
    assert_eq!(c.baud(), 3_000_000);
    assert_eq!(c.transport().bauds, vec![3_000_000]);
    assert_eq!(
        c.set_baud(7).unwrap_err().to_string(),
        "7 baud: the board runs at one of [115200, 921600, 1000000, 2000000, 3000000]"
    );
    assert!(matches!(c.set_baud(7), Err(Error::UnknownBaud { baud: 7 })));
}

#[test]
fn a_rate_the_port_refuses() {
    let mut s = Script::silent();
    s.baud_fails = true;
    let e = client(s).set_line_rate(921_600).unwrap_err();
    assert!(matches!(e, Error::SetBaud { baud: 921_600, .. }));
    assert_eq!(
        e.to_string(),
        "pty: cannot set 921600 baud: the port refused"
    );
}

#[test]
fn silence_is_no_answer_within_the_timeout() {
    let mut c = client(Script::silent());
    c.set_timeout(Duration::from_millis(300));
    let e = c.identify().unwrap_err();
    assert!(matches!(e, Error::NoAnswer { .. }));
    assert_eq!(
        e.to_string(),
        "no answer from pty (silent for 0.3 s): is the board programmed with synscope \
         (`make program`), and is 115200 baud its rate (--baud)?"
    );
    // A slice past the deadline at most.
    assert!(c.transport().now <= Duration::from_millis(320));
}

#[test]
fn silence_after_noise_says_what_was_heard() {
    let mut c = client(Script::new(|_| b"ATZ\r\n".to_vec()));
    let e = c.request(Op::Ping, vec![]).unwrap_err().to_string();
    assert!(
        e.contains(
            "(silent for 1.5 s; before that it sent 5 bytes that make no synscope frame (they \
             look like text: \"ATZ\\r\\n\"))"
        ),
        "{e}"
    );
}

#[test]
fn bytes_coming_in_silence_restart_the_wait() {
    // A frame in slow pieces, each within the timeout: the wait goes on past it.
    let mut c = client(Script::silent());
    c.set_timeout(Duration::from_millis(50));
    let f = event(3);
    for b in &f {
        c.transport_mut().incoming.push_back(vec![*b]);
        c.transport_mut().incoming.push_back(vec![]);
    }
    let ev = c.next_event(Duration::from_millis(50)).unwrap().unwrap();
    assert_eq!(ev.header.seq, 3);
    assert!(c.transport().now > Duration::from_millis(50));
}

#[test]
fn noise_that_keeps_coming_is_not_a_synscope() {
    for (chatter, looks, text) in [
        (b"+CSQ: 12,99\r\nOK\r\n".to_vec(), "text: \"+CSQ: ", true),
        (
            (0..64u8).map(|i| i.wrapping_mul(37)).collect(),
            "binary bytes (00 25 4a",
            false,
        ),
    ] {
        let mut s = Script::silent();
        s.chatter = Some(chatter);
        let mut c = client(s);
        c.set_patience(Patience::IDENTIFY);
        let e = c.identify().unwrap_err();
        let Error::NotSynscope { text: t, bytes, .. } = &e else {
            panic!("{e:?}");
        };
        assert_eq!(*t, text);
        assert!(*bytes > Patience::IDENTIFY.noise_bytes);
        let m = e.to_string();
        assert!(
            m.starts_with("pty at 115200 baud does not speak synscope: "),
            "{m}"
        );
        assert!(m.contains(looks), "{m}");
        assert!(
            m.ends_with("another device on this port, or a board at another line rate (--baud)?")
        );
    }
}

#[test]
fn noise_past_its_time_is_not_a_synscope() {
    // Few bytes, but for longer than the patience's time.
    let mut s = Script::silent();
    s.chatter = Some(vec![0xff]);
    let mut c = client(s);
    c.set_patience(Patience {
        noise_bytes: usize::MAX,
        noise_time: Duration::from_millis(100),
    });
    assert!(matches!(
        c.next_event(Duration::from_secs(10)),
        Err(Error::NotSynscope { text: false, .. })
    ));
}

#[test]
fn an_answer_without_the_magic_is_not_identified() {
    let mut c = client(Script::new(|req| respond(req, b"HELLO".to_vec())));
    let e = c.identify().unwrap_err();
    assert!(matches!(e, Error::NotIdentified { .. }));
    assert_eq!(e.to_string(), "pty answered, but not as a synscope");
}

#[test]
fn a_way_count_that_makes_no_table_is_a_typed_error() {
    for ways in [0u8, 1, 3, 6, 255] {
        let mut c = client(Script::new(move |req| {
            respond(req, Identity { ways, ..identity() }.encode())
        }));
        let e = c.identify().unwrap_err();
        assert!(
            matches!(e, Error::BadWays { ways: w, .. } if w == ways as usize),
            "{ways}: {e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "pty answered as a synscope whose table has {ways} ways per bucket, which no \
                 synscope has (a power of two, at least 2: 2, 4 or 8); update the host tool or \
                 the bitstream"
            )
        );
    }
    for ways in [2u8, 4, 8] {
        let id = Identity { ways, ..identity() };
        let mut c = client(Script::new(move |req| respond(req, id.encode())));
        let got = c.identify().unwrap();
        assert_eq!(got, id);
        assert_eq!(got.layout().unwrap().ways(), ways as usize);
    }
}

#[test]
fn another_protocol_version_is_named() {
    let mut c = client(Script::new(|req| {
        let mut f = Frame::new(Kind::Response, req.header.seq, Op::Identify, 0, vec![]);
        f.header.version = VERSION - 1;
        let mut out = Vec::new();
        f.encode(&mut out);
        out
    }));
    let e = c.identify().unwrap_err();
    assert!(matches!(e, Error::VersionMismatch { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "protocol version mismatch: pty speaks version {}, this synscope {VERSION}; update \
             the host tool or the bitstream",
            VERSION - 1
        )
    );
}

/// A board that answers every request with the error `code`.
fn refusing(code: ErrorCode) -> Client<Script> {
    client(Script::new(move |req| {
        let mut out = Vec::new();
        Frame::error(&req.header, code).encode(&mut out);
        out
    }))
}

#[test]
fn a_board_that_refuses_our_version() {
    let e = refusing(ErrorCode::BadVersion).identify().unwrap_err();
    assert!(matches!(e, Error::BadVersion { .. }));
    assert_eq!(
        e.to_string(),
        format!("protocol version mismatch: pty does not speak version {VERSION}")
    );
}

#[test]
fn an_error_answer_is_reported() {
    let e = refusing(ErrorCode::UnknownOp)
        .request(Op::ReadLink, vec![])
        .unwrap_err();
    assert!(matches!(
        e,
        Error::Refused {
            op: Op::ReadLink,
            code: Some(ErrorCode::UnknownOp),
            ..
        }
    ));
    assert_eq!(e.to_string(), "pty refused ReadLink: unknown operation");
    let e = refusing(ErrorCode::Busy)
        .set_config(ConfigItem::HashKey, &[0; 16])
        .unwrap_err();
    assert_eq!(e.to_string(), "pty refused SetConfig: busy");
}

#[test]
fn a_short_answer_is_malformed() {
    let mut c = client(Script::new(|req| respond(req, vec![1, 2])));
    let e = c.counters().unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }));
    assert_eq!(e.to_string(), "pty: short counter answer");
    assert_eq!(
        c.histogram().unwrap_err().to_string(),
        "pty: short histogram answer"
    );
    assert_eq!(
        c.config().unwrap_err().to_string(),
        "pty: malformed configuration answer"
    );
    assert_eq!(
        c.dump_with(|_| {}).unwrap_err().to_string(),
        "pty: malformed table dump frame"
    );
    let a = crate::Endpoint::v4(1, 2);
    assert_eq!(
        c.lookup(a, a, 0).unwrap_err().to_string(),
        "pty: malformed lookup answer"
    );
    assert_eq!(
        c.phy().unwrap_err().to_string(),
        "pty: malformed PHY status answer"
    );
}

#[test]
fn several_frames_to_a_one_frame_operation_are_unexpected() {
    let mut c = client(Script::new(|req| {
        let mut out = respond_with(req, FLAG_MORE, vec![1]);
        out.extend(respond(req, vec![2]));
        out
    }));
    let e = c.request(Op::Ping, vec![]).unwrap_err();
    assert!(matches!(e, Error::Unexpected { frames: 2, .. }));
    assert_eq!(
        e.to_string(),
        "pty: 2 answer frames to Ping, which takes one"
    );
}

#[test]
fn a_transport_that_fails_is_an_io_error() {
    let mut s = Script::silent();
    s.broken = Some(io::ErrorKind::UnexpectedEof);
    let e = client(s).request(Op::Ping, vec![]).unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert_eq!(
        e.to_string(),
        "pty: the link failed (unexpected end of file): was the board unplugged, or the \
         simulator stopped?"
    );
}

#[test]
fn typed_operations_decode_their_answers() {
    let snap = CounterSnapshot {
        now: 77,
        values: vec![5; crate::Counter::COUNT],
    };
    let s2 = snap.clone();
    let mut c = client(Script::new(move |req| match Op::from_u8(req.header.op) {
        Some(Op::ReadCounters) => respond(req, s2.encode()),
        Some(Op::ReadLink) => respond(req, vec![1, 0, 0, 0, 2, 0, 0, 0]),
        _ => respond(req, vec![]),
    }));
    assert_eq!(c.counters().unwrap(), snap);
    assert_eq!(c.link_counters().unwrap(), vec![1, 2]);
}

/// The port-open variants are built by the host's serial transport (host/src/link.rs, which
/// provokes them); their messages are fixed here.
#[test]
fn port_errors_say_what_to_do() {
    let port = "/dev/ttyUSB1".to_string();
    let cases = [
        (
            Error::NoSuchPort { port: port.clone() },
            "no such port: /dev/ttyUSB1 (`synscope ports` lists the serial ports; `synscope sim \
             CAPTURE --serve` starts a simulated board)",
        ),
        (
            Error::PortBusy {
                port: port.clone(),
                holders: vec![],
            },
            "port in use: /dev/ttyUSB1 is held by another program (one program at a time: end \
             it, or watch with `synscope monitor` there)",
        ),
        (
            Error::PermissionDenied {
                port: port.clone(),
                group: "dialout".into(),
            },
            "permission denied on /dev/ttyUSB1: it belongs to group 'dialout'; add yourself \
             (sudo usermod -aG dialout $USER) and log in again",
        ),
        (
            Error::NotATerminal { port: port.clone() },
            "cannot open /dev/ttyUSB1: not a serial port (not a terminal device)",
        ),
        (
            Error::CannotOpen {
                port,
                reason: "I/O error".into(),
            },
            "cannot open /dev/ttyUSB1: I/O error",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(e.to_string(), want);
    }
}

#[test]
fn a_session_goes_on_over_another_transport() {
    let mut c = client(Script::new(|req| respond(req, req.payload.clone())));
    c.request(Op::Ping, vec![]).unwrap();
    let (_, session) = c.into_parts();
    let seen = std::rc::Rc::new(std::cell::Cell::new(0u8));
    let s = seen.clone();
    let mut c = Client::from_parts(
        Script::new(move |req| {
            s.set(req.header.seq);
            respond(req, vec![])
        }),
        session,
    );
    c.request(Op::Ping, vec![]).unwrap();
    assert_eq!(seen.get(), 2, "the sequence goes on");
}

#[test]
fn more_buckets_than_a_slot_names_is_a_typed_error() {
    for (bucket_bits, ways, ok) in [
        (14u8, 4u8, true),
        (15, 4, false),
        (13, 8, true),
        (40, 2, false),
    ] {
        let mut c = client(Script::new(move |req| {
            respond(
                req,
                Identity {
                    bucket_bits,
                    ways,
                    ..identity()
                }
                .encode(),
            )
        }));
        let got = c.identify();
        if ok {
            assert_eq!(got.unwrap().capacity(), 1 << 16);
            continue;
        }
        let e = got.unwrap_err();
        assert!(
            matches!(e, Error::BadBuckets { bucket_bits: b, .. } if b == bucket_bits),
            "{bucket_bits}: {e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "pty answered as a synscope whose table has 2^{bucket_bits} buckets of {ways} \
                 ways, more than a 16-bit slot number can name; update the host tool or the \
                 bitstream"
            )
        );
    }
}
