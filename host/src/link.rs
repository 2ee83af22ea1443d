//! The serial link to a synscope board, or to the simulated board's pseudo-terminal: opening
//! the port (with errors that say what to do), requests and their responses
//! (docs/protocol.md), and the events that arrive in between. Every wait is bounded: by
//! silence, and by noise (bytes that never make a synscope frame: another device, or a board
//! at another line rate), which ends a wait with a message saying what was seen.

use anyhow::{anyhow, bail, Result};
use serialport::SerialPort;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};
use synscope_model::protocol::payload::Identity;
use synscope_model::protocol::{
    ConfigItem, Decoder, ErrorCode, Frame, Kind, Op, MAX_FRAME, VERSION,
};

/// How long the line may stay silent while an answer is awaited: the wait restarts with every
/// byte that arrives, so a long answer (a table dump at 115200 baud, or a simulated board that
/// runs ~100× slower than real time) is never cut short while it is still coming.
pub const ANSWER_TIMEOUT: Duration = Duration::from_millis(1500);
/// One read's timeout: the granularity of every wait.
const READ_SLICE: Duration = Duration::from_millis(20);

/// How much a wait tolerates of bytes that make no synscope frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// At most this many bytes since the last valid frame (a synscope frame is at most
    /// `2 * MAX_FRAME + 2` bytes on the line, all escaped)...
    pub noise_bytes: usize,
    /// ...for at most this long.
    pub noise_time: Duration,
}

impl Patience {
    /// Before the device has answered as a synscope: a few frames' worth.
    pub const IDENTIFY: Patience = Patience {
        noise_bytes: 1024,
        noise_time: Duration::from_secs(5),
    };
    /// Once it has: long answers (a dump from a simulated board at 115200 baud brings a frame
    /// every few seconds) stay within it.
    pub const ANSWERING: Patience = Patience {
        noise_bytes: 4 * (2 * MAX_FRAME + 2),
        noise_time: Duration::from_secs(30),
    };
}

/// Bytes since the last valid frame, and a sample of them for the message.
#[derive(Debug, Default)]
struct Noise {
    bytes: usize,
    since: Option<Instant>,
    sample: Vec<u8>,
}

/// The first bytes kept to say what the noise looks like.
const SAMPLE: usize = 96;

impl Noise {
    fn add(&mut self, b: &[u8]) {
        if b.is_empty() {
            return;
        }
        self.since.get_or_insert_with(Instant::now);
        self.bytes += b.len();
        let room = SAMPLE.saturating_sub(self.sample.len());
        self.sample.extend_from_slice(&b[..room.min(b.len())]);
    }

    fn clear(&mut self) {
        *self = Noise::default();
    }

    /// What the bytes look like: text (shown), or binary (the first few in hex).
    fn looks_like(&self) -> String {
        let s = &self.sample;
        let printable = s
            .iter()
            .filter(|b| b.is_ascii_graphic() || matches!(b, b' ' | b'\r' | b'\n' | b'\t'))
            .count();
        if !s.is_empty() && printable * 10 >= s.len() * 9 {
            let text: String = String::from_utf8_lossy(s).chars().take(48).collect();
            format!("text: {text:?}")
        } else {
            let hex: Vec<String> = s.iter().take(12).map(|b| format!("{b:02x}")).collect();
            format!("binary bytes ({} ...)", hex.join(" "))
        }
    }

    /// Whether the bytes read as text (a console, a modem, a logger): no line rate makes them
    /// a synscope.
    pub fn is_text(&self) -> bool {
        self.looks_like().starts_with("text")
    }
}

/// Why a wait ended without an answer.
#[derive(Debug)]
pub enum NoAnswer {
    /// Nothing came for the silence timeout.
    Silent,
    /// Bytes came that make no synscope frame (`text`: they read as text).
    Noise { text: bool, message: String },
}

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
    /// How much noise a wait tolerates.
    pub patience: Patience,
    noise: Noise,
    /// `SET_CONFIG` items to put back when the link closes (the board left as it was found),
    /// applied last first.
    restore: Vec<(ConfigItem, Vec<u8>)>,
}

/// Why a port cannot be opened, said so the user knows what to do.
fn open_error(name: &str, e: serialport::Error) -> anyhow::Error {
    use serialport::ErrorKind as K;
    let busy = e.description.contains("lock") || e.description.contains("busy");
    match e.kind() {
        // serialport says NoDevice both for a missing device and for one another program
        // holds (TIOCEXCL's EBUSY, or its exclusive flock).
        K::NoDevice if busy && std::path::Path::new(name).exists() => {
            let who = holders(name);
            anyhow!(
                "port in use: {name} is held by {} (one program at a time: end it, or \
                 watch with `synscope monitor` there)",
                if who.is_empty() {
                    "another program".to_string()
                } else {
                    who.join(", ")
                }
            )
        }
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

/// The other processes that have `path` open, as `NAME (pid N)`, from /proc (what `fuser`
/// does); empty when none is visible.
fn holders(path: &str) -> Vec<String> {
    let Ok(target) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let me = std::process::id().to_string();
    let mut who = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return who;
    };
    for p in procs.flatten() {
        let pid = p.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l == target))
        {
            let comm = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default();
            who.push(format!("{} (pid {pid})", comm.trim()));
        }
    }
    who
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
            patience: Patience::ANSWERING,
            noise: Noise::default(),
            restore: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The host side's line rate.
    pub fn baud(&self) -> u32 {
        self.baud
    }

    /// Change the host side's line rate (the port stays open).
    pub fn set_baud(&mut self, baud: u32) -> Result<()> {
        self.port
            .set_baud_rate(baud)
            .map_err(|e| anyhow!("{}: cannot set {baud} baud: {e}", self.name))?;
        self.baud = baud;
        // Bytes of the old rate still in flight are noise at the new one.
        let _ = self.port.clear(serialport::ClearBuffer::Input);
        self.decoder = Decoder::new();
        self.decoded.clear();
        self.noise.clear();
        Ok(())
    }

    /// Put `item` back to `value` when the link closes (the first registration of an item
    /// wins: it holds what the board had before this session).
    pub fn restore_on_close(&mut self, item: ConfigItem, value: Vec<u8>) {
        if !self.restore.iter().any(|(i, _)| *i == item) {
            self.restore.push((item, value));
        }
    }

    /// Keep `item` as it is now when the link closes (`config` changed it on purpose).
    pub fn keep_on_close(&mut self, item: ConfigItem) {
        self.restore.retain(|(i, _)| *i != item);
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
            let frame = match self.next_frame(deadline)? {
                Ok(f) => f,
                Err(NoAnswer::Silent) => bail!(
                    "no answer from {} (silent for {:.1} s{}): is the board programmed with \
                     synscope (`make program`), and is {} baud its rate (--baud)?",
                    self.name,
                    self.timeout.as_secs_f64(),
                    self.heard(),
                    self.baud
                ),
                Err(NoAnswer::Noise { text, message }) => {
                    return Err(NotSynscope { text, message }.into())
                }
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
        loop {
            match self.next_frame(deadline)? {
                Ok(f) if f.header.kind == Kind::Event => return Ok(Some(f)),
                Ok(_) => {}
                Err(NoAnswer::Silent) => return Ok(None),
                Err(NoAnswer::Noise { text, message }) => {
                    return Err(NotSynscope { text, message }.into())
                }
            }
        }
    }

    /// The next well-formed frame before `deadline`, or why there is none: silence at the
    /// deadline (every byte that arrives moves it to at least `timeout` from then: inactivity,
    /// not total time, ends a wait), or noise beyond `patience` (bytes that make no valid frame
    /// for too long: this ends a wait whatever the deadline).
    fn next_frame(&mut self, deadline: Instant) -> Result<Result<Frame, NoAnswer>> {
        let mut deadline = deadline;
        let mut buf = [0u8; 512];
        loop {
            if let Some(f) = self.decoded.pop_front() {
                return Ok(Ok(f));
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
            let mut start = 0;
            for (i, b) in buf[..n].iter().enumerate() {
                match self.decoder.push(*b) {
                    Some(Ok(content)) => match Frame::parse(&content) {
                        // Our own request echoed is not an answer (a loopback, a modem echo).
                        Ok(f) if f.header.kind != Kind::Request => {
                            self.noise.clear();
                            start = i + 1;
                            self.decoded.push_back(f);
                        }
                        Ok(_) => {}
                        Err(_) => self.bad_frames += 1,
                    },
                    Some(Err(_)) => self.bad_frames += 1,
                    None => {}
                }
            }
            self.noise.add(&buf[start..n]);
            if !self.decoded.is_empty() {
                continue;
            }
            // Noise ends a wait while it keeps coming (a frame cut short and then quiet is a
            // slow sender, not a foreign one: the next valid frame clears it).
            let p = self.patience;
            let noisy_for = self.noise.since.map_or(Duration::ZERO, |t| t.elapsed());
            if n > 0 && (self.noise.bytes > p.noise_bytes || noisy_for > p.noise_time) {
                let message = format!(
                    "{} at {} baud does not speak synscope: {} bytes in {:.1} s, none of them \
                     a synscope frame; they look like {}: another device on this port, or a \
                     board at another line rate (--baud)?",
                    self.name,
                    self.baud,
                    self.noise.bytes,
                    noisy_for.as_secs_f64(),
                    self.noise.looks_like()
                );
                let text = self.noise.is_text();
                self.noise.clear();
                return Ok(Err(NoAnswer::Noise { text, message }));
            }
            if Instant::now() >= deadline {
                return Ok(Err(NoAnswer::Silent));
            }
        }
    }

    /// What was heard since the last valid frame, for a message about silence: empty, or
    /// `; before that it sent N bytes that make no synscope frame (they look like …)`.
    fn heard(&self) -> String {
        if self.noise.bytes == 0 {
            return String::new();
        }
        format!(
            "; before that it sent {} bytes that make no synscope frame (they look like {})",
            self.noise.bytes,
            self.noise.looks_like()
        )
    }

    fn gone(&self, e: std::io::Error) -> anyhow::Error {
        anyhow!(
            "{}: the link failed ({e}): was the board unplugged, or the simulator stopped?",
            self.name
        )
    }
}

/// A device that sends bytes that never make a synscope frame (the error of a request or an
/// event wait that saw them).
#[derive(Debug)]
pub struct NotSynscope {
    /// The bytes read as text: no line rate would make them a synscope.
    pub text: bool,
    pub message: String,
}

impl std::fmt::Display for NotSynscope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NotSynscope {}

/// What the board had is put back (`restore_on_close`), each with a short wait for its
/// answer; a board that is gone is not waited for.
impl Drop for Link {
    fn drop(&mut self) {
        self.timeout = Duration::from_millis(500);
        while let Some((item, mut value)) = self.restore.pop() {
            value.insert(0, item as u8);
            if self.request(Op::SetConfig, value).is_err() {
                break;
            }
        }
    }
}
