//! The connection core's host port (docs/core.md, "Host port"): what the command engine drives
//! into the core and reads back from it: the configuration, the table read, the core's time and
//! the event FIFO's read side. The counter read port is not in it: the board answers part of
//! the counter index range from the front end's counters, so it routes those four signals
//! itself.

use crate::conn::entry::EntryBits;
use crate::conn::entry_age::TIMEOUT_BITS;
use crate::conn::event_queue::EventRecord;
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
        /// The record as the event FIFO stores it (its `lo_ip`/`hi_ip` are the addresses'
        /// low 32 bits).
        ev_record: take EventRecord,
        /// The record's bucket (a `LogicStruct` cannot be generic over its width).
        ev_bucket: take Bits<B>,
        /// The whole addresses (an IPv4 address in the low 32 bits, the rest zero).
        ev_lo_ip: take Bits<IP_BITS>,
        ev_hi_ip: take Bits<IP_BITS>,
    }
}
