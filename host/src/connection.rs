//! One connection in the JSON outputs, one type for all of them: the head that design.md's
//! contract fixes (`client`, `server` as `ADDR:PORT` or `[ADDR]:PORT`, `client_state`,
//! `server_state`), whether it was picked up mid-stream, then what each output knows of it
//! (`more`, its fields following in the same object):
//!
//! * `analyze` (report.rs): the model's history of it: incarnations, packets and bytes each
//!   way, RSTs by class, flags seen, first and last seen, time left, how it was removed.
//! * `sim` (sim.rs): where the simulated board holds it (`slot`: bucket and way).
//! * the board's `table` and `lookup` (console.rs): its slot, idle time, time left and what
//!   the table knows of each endpoint's stream.
//!
//! `events` objects are transitions, not connections (their `client_state` is
//! `{before, after}`): they keep their own shape (events.rs).

use serde::{Serialize, Serializer};
use synscope_model::protocol::slot::SlotPos;
use synscope_model::{Endpoint, Entry, TcpState};

/// One connection's JSON object.
#[derive(Serialize)]
pub struct ConnectionJson<M> {
    #[serde(serialize_with = "shown")]
    client: Endpoint,
    #[serde(serialize_with = "shown")]
    server: Endpoint,
    client_state: &'static str,
    server_state: &'static str,
    picked_up: bool,
    #[serde(flatten)]
    more: M,
}

impl<M: Serialize> ConnectionJson<M> {
    /// The connection between `client` and `server`, their end states, and `more`.
    pub fn new(
        (client, server): (Endpoint, Endpoint),
        (client_state, server_state): (TcpState, TcpState),
        picked_up: bool,
        more: M,
    ) -> Self {
        ConnectionJson {
            client,
            server,
            client_state: client_state.name(),
            server_state: server_state.name(),
            picked_up,
            more,
        }
    }

    /// A table entry's connection, and `more`.
    pub fn of_entry(e: &Entry, more: M) -> Self {
        ConnectionJson::new(
            (e.client(), e.server()),
            (e.client_state(), e.server_state()),
            e.picked_up,
            more,
        )
    }
}

/// An endpoint as it prints: `ADDR:PORT`, `[ADDR]:PORT`.
fn shown<S: Serializer>(e: &Endpoint, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// Where a table holds a connection: bucket and way.
#[derive(Serialize)]
pub struct SlotJson {
    pub bucket: usize,
    pub way: usize,
}

impl SlotJson {
    /// A slot's bucket and way (split by the board's `SlotLayout`).
    pub fn of(pos: SlotPos) -> SlotJson {
        SlotJson {
            bucket: pos.bucket,
            way: pos.way,
        }
    }
}
