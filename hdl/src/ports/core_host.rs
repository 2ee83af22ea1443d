//! The connection core's host port (docs/core.md, "Host port"): what the command engine drives
//! into the core and reads back from it: the configuration, the table read, the core's time and
//! the event FIFO's read side. The counter read port is not in it: the board answers part of
//! the counter index range from the front end's counters, so it routes those four signals
//! itself.

use crate::conn::entry::{EntryBits, STATE_BITS, TIME_BITS};
use crate::conn::entry_age::TIMEOUT_BITS;
use crate::conn::flow_key::IP_BITS;
use crate::conn::toeplitz_hash::KEY_BITS;
use crate::conn::WAY_BITS;
use crate::interface_pair;
use rust_hdl::prelude::*;

interface_pair! {
    /// The engine's end (`CommandEngine::core`).
    driver CoreClient;
    /// The core's end (`ConnCore::host`).
    taker CoreHost;
    <const B: usize>
    {
        // ---- configuration
        /// `toeplitz_hash::key_word` of the key, taken when `key_load` is high (it also
        /// empties the table: docs/core.md, "Key change").
        hash_key: drive Bits<KEY_BITS>,
        key_load: drive Bit,
        /// The five timeouts (seconds), taken when `timeouts_load` is high; power-on and reset
        /// values are `Timeouts::default()`.
        time_wait: drive Bits<TIMEOUT_BITS>,
        handshake: drive Bits<TIMEOUT_BITS>,
        fin_wait_2: drive Bits<TIMEOUT_BITS>,
        idle: drive Bits<TIMEOUT_BITS>,
        linger: drive Bits<TIMEOUT_BITS>,
        timeouts_load: drive Bit,
        /// Synchronous: clears the counters only (not the time, timeouts, pipeline or gauges).
        clear_counters: drive Bit,
        // ---- table read: `rd_req` with `rd_bucket`/`rd_way`, held until `rd_valid`
        rd_req: drive Bit,
        rd_bucket: drive Bits<B>,
        rd_way: drive Bits<WAY_BITS>,
        rd_valid: take Bit,
        /// The entry aged to the core's time; `rd_alive`: it holds a connection.
        rd_entry: take EntryBits,
        rd_alive: take Bit,
        /// The core's time: the latest descriptor time seen, in ticks (`Tracker::now`).
        now: take Bits<32>,
        // ---- event FIFO read side (first-word fall-through: `ev_*` show the oldest record
        // while `ev_valid`; `ev_pop` removes it at the clock edge)
        ev_pop: drive Bit,
        ev_valid: take Bit,
        ev_created: take Bit,
        ev_refused: take Bit,
        ev_evicted: take Bit,
        ev_reincarnated: take Bit,
        ev_lo_changed: take Bit,
        ev_hi_changed: take Bit,
        ev_bucket: take Bits<B>,
        ev_way: take Bits<WAY_BITS>,
        ev_lo_before: take Bits<STATE_BITS>,
        ev_hi_before: take Bits<STATE_BITS>,
        ev_lo_after: take Bits<STATE_BITS>,
        ev_hi_after: take Bits<STATE_BITS>,
        ev_v6: take Bit,
        ev_lo_ip: take Bits<IP_BITS>,
        ev_lo_port: take Bits<16>,
        ev_hi_ip: take Bits<IP_BITS>,
        ev_hi_port: take Bits<16>,
        ev_time: take Bits<TIME_BITS>,
        ev_client_is_lo: take Bit,
    }
}
