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
