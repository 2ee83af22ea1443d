//! The protocol's client, once for every transport ([`Transport`]: a serial port, a
//! pseudo-terminal, the simulated board's UART pins): a request and its answer frames (matched
//! by sequence number, `MORE` followed), the events that arrive meanwhile, and the typed
//! operations (docs/protocol.md).
//!
//! Every wait is bounded: by silence ([`Client::timeout`], restarted by every byte that
//! arrives, so a long answer is never cut short while it is still coming), and by noise
//! ([`Patience`]: bytes that never make a synscope frame, from another device or a board at
//! another line rate), which ends a wait with an error saying what was seen. Time is the
//! transport's: the wall clock for a port, simulated time for the simulated board.

mod error;
mod noise;
mod ops;
mod transport;

pub use error::Error;
pub use noise::Patience;
pub use ops::baud_code;
pub use transport::Transport;

use super::{Decoder, ErrorCode, Frame, Kind, Op, VERSION};
use noise::Noise;
use std::collections::VecDeque;
use std::time::Duration;

/// How long the line may stay silent while an answer is awaited: the wait restarts with every
/// byte that arrives, so a long answer (a table dump at 115200 baud, or a simulated board that
/// runs ~100× slower than real time) is never cut short while it is still coming.
pub const ANSWER_TIMEOUT: Duration = Duration::from_millis(1500);

/// What a client keeps between requests, apart from its transport: the port's name and rate
/// (for messages), the decoder and the frames it has decoded, the sequence number, events not
/// yet taken, the noise heard, and the limits of a wait.
#[derive(Debug)]
pub struct Session {
    name: String,
    baud: u32,
    decoder: Decoder,
    seq: u8,
    events: VecDeque<Frame>,
    /// Frames decoded from bytes already received, not yet looked at.
    decoded: VecDeque<Frame>,
    /// Frames thrown away (bad FCS, aborted, too long, not a frame).
    bad_frames: u64,
    timeout: Duration,
    patience: Patience,
    noise: Noise,
}

impl Session {
    /// A session with the port `name` at `baud`: waits of `ANSWER_TIMEOUT`, patient with a
    /// synscope's answers.
    pub fn new(name: impl Into<String>, baud: u32) -> Session {
        Session {
            name: name.into(),
            baud,
            decoder: Decoder::new(),
            seq: 0,
            events: VecDeque::new(),
            decoded: VecDeque::new(),
            bad_frames: 0,
            timeout: ANSWER_TIMEOUT,
            patience: Patience::ANSWERING,
            noise: Noise::default(),
        }
    }
}

/// A client: a session over a transport.
pub struct Client<T> {
    transport: T,
    s: Session,
}

impl<T: Transport> Client<T> {
    /// A client of the board on `transport`, named `name` in messages, whose line runs at
    /// `baud`.
    pub fn new(transport: T, name: impl Into<String>, baud: u32) -> Client<T> {
        Client::from_parts(transport, Session::new(name, baud))
    }

    /// A client that goes on with `session` over `transport`.
    pub fn from_parts(transport: T, session: Session) -> Client<T> {
        Client {
            transport,
            s: session,
        }
    }

    /// The transport and the session, to go on later (`from_parts`).
    pub fn into_parts(self) -> (T, Session) {
        (self.transport, self.s)
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// The port's name.
    pub fn name(&self) -> &str {
        &self.s.name
    }

    /// This end's line rate.
    pub fn baud(&self) -> u32 {
        self.s.baud
    }

    /// Frames thrown away on this side (bad FCS, aborted, too long, not a frame).
    pub fn bad_frames(&self) -> u64 {
        self.s.bad_frames
    }

    /// How long a wait for an answer tolerates silence (see `ANSWER_TIMEOUT`).
    pub fn timeout(&self) -> Duration {
        self.s.timeout
    }

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.s.timeout = timeout;
    }

    /// How much noise a wait tolerates.
    pub fn set_patience(&mut self, patience: Patience) {
        self.s.patience = patience;
    }

    /// Change this end's line rate (the board's is `set_baud`'s); bytes of the old rate still
    /// in flight are noise at the new one and are dropped.
    pub fn set_line_rate(&mut self, baud: u32) -> Result<(), Error> {
        self.transport
            .set_baud(baud)
            .map_err(|error| Error::SetBaud {
                port: self.s.name.clone(),
                baud,
                error,
            })?;
        self.s.baud = baud;
        self.s.decoder = Decoder::new();
        self.s.decoded.clear();
        self.s.noise.clear();
        Ok(())
    }

    /// Send a request and collect its answer: one response frame, or several when the board
    /// sets `MORE` (a table dump), calling `progress` with the frames so far. Events that
    /// arrive meanwhile are kept for `next_event` and `take_events`.
    pub fn request_with(
        &mut self,
        op: Op,
        payload: Vec<u8>,
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<Frame>, Error> {
        self.s.seq = self.s.seq.wrapping_add(1);
        let seq = self.s.seq;
        let mut wire = Vec::new();
        Frame::request(seq, op, payload).encode(&mut wire);
        self.transport.send(&wire).map_err(|e| self.gone(e))?;
        let mut answer = Vec::new();
        let mut deadline = self.transport.now() + self.s.timeout;
        loop {
            let Some(frame) = self.next_frame(deadline)? else {
                return Err(Error::NoAnswer {
                    port: self.s.name.clone(),
                    baud: self.s.baud,
                    silent: self.s.timeout,
                    heard: self.heard(),
                    hint: self.transport.silence_hint(self.s.baud),
                });
            };
            let h = frame.header;
            match h.kind {
                Kind::Event => self.s.events.push_back(frame),
                Kind::Request => {}     // our own bytes echoed: not a synscope
                _ if h.seq != seq => {} // a late answer to an earlier request
                _ if h.version != VERSION => {
                    return Err(Error::VersionMismatch {
                        port: self.s.name.clone(),
                        theirs: h.version,
                    })
                }
                Kind::Error => {
                    let port = self.s.name.clone();
                    return Err(match frame.error_code() {
                        Some(ErrorCode::BadVersion) => Error::BadVersion { port },
                        code => Error::Refused { port, op, code },
                    });
                }
                Kind::Response => {
                    let more = h.more();
                    answer.push(frame);
                    progress(answer.len());
                    if !more {
                        return Ok(answer);
                    }
                    deadline = self.transport.now() + self.s.timeout;
                }
            }
        }
    }

    /// A request answered by one response frame: its payload.
    pub fn request(&mut self, op: Op, payload: Vec<u8>) -> Result<Vec<u8>, Error> {
        let mut frames = self.request_with(op, payload, |_| {})?;
        if frames.len() != 1 {
            return Err(Error::Unexpected {
                port: self.s.name.clone(),
                op,
                frames: frames.len(),
            });
        }
        Ok(frames.remove(0).payload)
    }

    /// The next event frame, waiting at most `wait` (silence).
    pub fn next_event(&mut self, wait: Duration) -> Result<Option<Frame>, Error> {
        if let Some(f) = self.s.events.pop_front() {
            return Ok(Some(f));
        }
        let deadline = self.transport.now() + wait;
        while let Some(f) = self.next_frame(deadline)? {
            if f.header.kind == Kind::Event {
                return Ok(Some(f));
            }
        }
        Ok(None)
    }

    /// The event frames that arrived while requests waited, oldest first.
    pub fn take_events(&mut self) -> Vec<Frame> {
        self.s.events.drain(..).collect()
    }

    /// The next well-formed frame before `deadline`; `None`: silence at the deadline (every
    /// byte that arrives moves it to at least `timeout` from then: inactivity, not total time,
    /// ends a wait). Noise beyond `patience` (bytes that make no valid frame for too long) ends
    /// a wait whatever the deadline, with [`Error::NotSynscope`].
    fn next_frame(&mut self, deadline: Duration) -> Result<Option<Frame>, Error> {
        let mut deadline = deadline;
        let mut buf = Vec::new();
        loop {
            if let Some(f) = self.s.decoded.pop_front() {
                return Ok(Some(f));
            }
            buf.clear();
            self.transport.receive(&mut buf).map_err(|e| self.gone(e))?;
            let now = self.transport.now();
            if !buf.is_empty() {
                deadline = deadline.max(now + self.s.timeout);
            }
            let mut start = 0;
            for (i, b) in buf.iter().enumerate() {
                match self.s.decoder.push(*b) {
                    Some(Ok(content)) => match Frame::parse(&content) {
                        // Our own request echoed is not an answer (a loopback, a modem echo).
                        Ok(f) if f.header.kind != Kind::Request => {
                            self.s.noise.clear();
                            start = i + 1;
                            self.s.decoded.push_back(f);
                        }
                        Ok(_) => {}
                        Err(_) => self.s.bad_frames += 1,
                    },
                    Some(Err(_)) => self.s.bad_frames += 1,
                    None => {}
                }
            }
            self.s.noise.add(&buf[start..], now);
            if !self.s.decoded.is_empty() {
                continue;
            }
            // Noise ends a wait while it keeps coming (a frame cut short and then quiet is a
            // slow sender, not a foreign one: the next valid frame clears it).
            let p = self.s.patience;
            let noise = &self.s.noise;
            let lasted = noise.lasted(now);
            if !buf.is_empty() && (noise.bytes > p.noise_bytes || lasted > p.noise_time) {
                let e = Error::NotSynscope {
                    port: self.s.name.clone(),
                    baud: self.s.baud,
                    bytes: noise.bytes,
                    lasted,
                    looks_like: noise.looks_like(),
                    text: noise.is_text(),
                };
                self.s.noise.clear();
                return Err(e);
            }
            if now >= deadline {
                return Ok(None);
            }
        }
    }

    /// What was heard since the last valid frame, for a message about silence: empty, or
    /// `; before that it sent N bytes that make no synscope frame (they look like …)`.
    fn heard(&self) -> String {
        if self.s.noise.bytes == 0 {
            return String::new();
        }
        format!(
            "; before that it sent {} bytes that make no synscope frame (they look like {})",
            self.s.noise.bytes,
            self.s.noise.looks_like()
        )
    }

    fn gone(&self, error: std::io::Error) -> Error {
        Error::Io {
            port: self.s.name.clone(),
            error,
        }
    }
}

#[cfg(test)]
mod tests;
