//! The serial link to a synscope board, or to the simulated board's pseudo-terminal: opening
//! the port (with errors that say what to do), requests and their responses
//! (docs/protocol.md), and the events that arrive in between. Every wait is bounded.

use anyhow::{anyhow, bail, Context, Result};
use serialport::SerialPort;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};
use synscope_model::protocol::payload::Identity;
use synscope_model::protocol::{Decoder, ErrorCode, Frame, Kind, Op, VERSION};

/// How long the line may stay silent while an answer is awaited: the wait restarts with every
/// byte that arrives, so a long answer (a table dump at 115200 baud, or a simulated board that
/// runs ~100× slower than real time) is never cut short while it is still coming.
pub const ANSWER_TIMEOUT: Duration = Duration::from_millis(1500);
/// One read's timeout: the granularity of every wait.
const READ_SLICE: Duration = Duration::from_millis(20);

/// An open link.
pub struct Link {
    port: Box<dyn SerialPort>,
    name: String,
    baud: u32,
    decoder: Decoder,
    seq: u8,
    events: VecDeque<Frame>,
    /// Frames decoded from bytes already read, not yet looked at.
    decoded: VecDeque<Frame>,
    /// Frames thrown away on the host side (bad FCS, aborted, too long, not a frame).
    pub bad_frames: u64,
    /// How long `request` waits (see `ANSWER_TIMEOUT`).
    pub timeout: Duration,
}

/// Why a port cannot be opened, said so the user knows what to do.
fn open_error(name: &str, e: serialport::Error) -> anyhow::Error {
    use serialport::ErrorKind as K;
    match e.kind() {
        K::NoDevice | K::Io(ErrorKind::NotFound) => anyhow!(
            "no such port: {name} (`synscope ports` lists the serial ports; \
             `synscope sim CAPTURE --serve` starts a simulated board)"
        ),
        K::Io(ErrorKind::PermissionDenied) => {
            let group = device_group(name).unwrap_or_else(|| "dialout".to_string());
            anyhow!(
                "permission denied on {name}: it belongs to group '{group}'; add yourself \
                 (sudo usermod -aG {group} $USER) and log in again"
            )
        }
        _ if e.description.contains("typewriter") => {
            anyhow!("cannot open {name}: not a serial port (not a terminal device)")
        }
        _ => anyhow!("cannot open {name}: {e}"),
    }
}

/// The group owning a device node, by name from /etc/group.
fn device_group(path: &str) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let gid = std::fs::metadata(path).ok()?.gid();
    let groups = std::fs::read_to_string("/etc/group").ok()?;
    groups.lines().find_map(|l| {
        let mut f = l.split(':');
        let (name, _, id) = (f.next()?, f.next()?, f.next()?);
        (id.parse::<u32>().ok()? == gid).then(|| name.to_string())
    })
}

impl Link {
    /// Open `name` at `baud` (8N1, no flow control).
    pub fn open(name: &str, baud: u32) -> Result<Link> {
        let port = serialport::new(name, baud)
            .timeout(READ_SLICE)
            .open()
            .map_err(|e| open_error(name, e))?;
        Ok(Link::from_port(port, name, baud))
    }

    /// A link over an already open port (tests use one end of a pseudo-terminal pair).
    pub fn from_port(port: Box<dyn SerialPort>, name: &str, baud: u32) -> Link {
        Link {
            port,
            name: name.to_string(),
            baud,
            decoder: Decoder::new(),
            seq: 0,
            events: VecDeque::new(),
            decoded: VecDeque::new(),
            bad_frames: 0,
            timeout: ANSWER_TIMEOUT,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Send a request and collect its answer: one response frame, or several when the board
    /// sets `MORE` (a table dump), calling `progress` with the frames so far. Events that
    /// arrive meanwhile are kept for `next_event`.
    pub fn request_with(
        &mut self,
        op: Op,
        payload: Vec<u8>,
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<Frame>> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let mut wire = Vec::new();
        Frame::request(seq, op, payload).encode(&mut wire);
        self.port
            .write_all(&wire)
            .and_then(|_| self.port.flush())
            .map_err(|e| self.gone(e))?;
        let mut answer = Vec::new();
        let mut deadline = Instant::now() + self.timeout;
        loop {
            let Some(frame) = self.next_frame(deadline)? else {
                bail!(
                    "no answer from {} (silent for {:.1} s): is the board programmed with \
                     synscope (`make program`), and is {} baud its rate (--baud)?",
                    self.name,
                    self.timeout.as_secs_f64(),
                    self.baud
                );
            };
            let h = frame.header;
            match h.kind {
                Kind::Event => self.events.push_back(frame),
                Kind::Request => {}     // our own bytes echoed: not a synscope
                _ if h.seq != seq => {} // a late answer to an earlier request
                _ if h.version != VERSION => bail!(
                    "protocol version mismatch: {} speaks version {}, this synscope {VERSION}; \
                     update the host tool or the bitstream",
                    self.name,
                    h.version
                ),
                Kind::Error => {
                    let code = frame.error_code();
                    if code == Some(ErrorCode::BadVersion) {
                        bail!(
                            "protocol version mismatch: {} does not speak version {VERSION}",
                            self.name
                        );
                    }
                    bail!(
                        "{} refused {:?}: {}",
                        self.name,
                        op,
                        code.map_or("unknown error", |c| c.name())
                    );
                }
                Kind::Response => {
                    let more = h.more();
                    answer.push(frame);
                    progress(answer.len());
                    if !more {
                        return Ok(answer);
                    }
                    deadline = Instant::now() + self.timeout;
                }
            }
        }
    }

    /// `request_with` without progress: the single response frame's payload.
    pub fn request(&mut self, op: Op, payload: Vec<u8>) -> Result<Vec<u8>> {
        let mut frames = self.request_with(op, payload, |_| {})?;
        Ok(frames.remove(0).payload)
    }

    /// Ask who is there; fails clearly when it is not a synscope.
    pub fn identify(&mut self) -> Result<Identity> {
        let p = self.request(Op::Identify, Vec::new())?;
        Identity::decode(&p).ok_or_else(|| anyhow!("{} answered, but not as a synscope", self.name))
    }

    /// The next event frame, waiting at most `wait`.
    pub fn next_event(&mut self, wait: Duration) -> Result<Option<Frame>> {
        if let Some(f) = self.events.pop_front() {
            return Ok(Some(f));
        }
        let deadline = Instant::now() + wait;
        while let Some(f) = self.next_frame(deadline)? {
            if f.header.kind == Kind::Event {
                return Ok(Some(f));
            }
        }
        Ok(None)
    }

    /// The next well-formed frame before `deadline`, or `None` at the deadline; every byte
    /// that arrives moves the deadline to at least `timeout` from then (inactivity, not total
    /// time, ends a wait).
    fn next_frame(&mut self, deadline: Instant) -> Result<Option<Frame>> {
        let mut deadline = deadline;
        let mut buf = [0u8; 512];
        loop {
            if let Some(f) = self.decoded.pop_front() {
                return Ok(Some(f));
            }
            let n = match self.port.read(&mut buf) {
                Ok(0) => return Err(self.gone(ErrorKind::UnexpectedEof.into())),
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                    0
                }
                Err(e) => return Err(self.gone(e)),
            };
            if n > 0 {
                deadline = deadline.max(Instant::now() + self.timeout);
            }
            for b in &buf[..n] {
                match self.decoder.push(*b) {
                    Some(Ok(content)) => match Frame::parse(&content) {
                        Ok(f) => self.decoded.push_back(f),
                        Err(_) => self.bad_frames += 1,
                    },
                    Some(Err(_)) => self.bad_frames += 1,
                    None => {}
                }
            }
            if self.decoded.is_empty() && Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    fn gone(&self, e: std::io::Error) -> anyhow::Error {
        anyhow!(
            "{}: the link failed ({e}): was the board unplugged, or the simulator stopped?",
            self.name
        )
    }
}

/// Read from a link or fail with the port's name: a helper for commands.
pub fn open_checked(name: &str, baud: u32) -> Result<(Link, Identity)> {
    let mut link = Link::open(name, baud)?;
    let id = link
        .identify()
        .with_context(|| format!("{name} is not answering as a synscope"))?;
    Ok((link, id))
}
