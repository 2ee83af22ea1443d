//! The connection core (docs/core.md): segment descriptors in, both endpoints' RFC 9293 states
//! moved in an on-chip table. [`flag_decode`] and [`flow_key`] prepare a descriptor,
//! [`toeplitz_hash`] places it in the table, [`entry_age`] ages the entries read,
//! [`segment_apply`] applies the segment to its entry, and [`conn_core`] is the pipeline around
//! them; [`entry`] is the stored entry's bit layout.

use segment_apply::{VERDICT_BITS, V_UNACCEPTABLE};

pub mod conn_core;
pub mod counter_bank;
pub mod desc_delay;
pub mod desc_in;
pub mod entry;
pub mod entry_age;
pub mod entry_route;
pub mod event_queue;
pub mod flag_decode;
pub mod flow_key;
pub mod gauge_snap;
pub mod key_match;
pub mod out_record;
pub mod patched_view;
pub mod read_arbiter;
pub mod segment_apply;
pub mod table_sweep;
pub mod toeplitz_hash;
pub mod way_choice;
pub mod way_pair;
pub mod write_back;

/// Width of the verdict output (segment_apply's codes + `V_REFUSED`).
pub const OUT_VERDICT_BITS: usize = VERDICT_BITS;
/// A new connection refused: every way of its bucket holds a live connection.
pub const V_REFUSED: u64 = V_UNACCEPTABLE + 4;
/// Ways per bucket.
pub const WAYS: usize = 4;
/// Pairs of ways per bucket (an IPv6 entry takes a pair: its head in the even way, its
/// continuation in the odd one).
pub const PAIRS: usize = WAYS / 2;

const _: () = assert!(V_REFUSED < 1 << OUT_VERDICT_BITS);
