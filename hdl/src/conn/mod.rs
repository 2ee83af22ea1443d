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
pub mod way_fields;
pub mod way_pair;
pub mod write_back;

/// Width of the verdict output (segment_apply's codes + `V_REFUSED`).
pub const OUT_VERDICT_BITS: usize = VERDICT_BITS;
/// A new connection refused: every way of its bucket holds a live connection.
pub const V_REFUSED: u64 = V_UNACCEPTABLE + 4;
/// Ways per bucket: 4, or what `SYNSCOPE_WAYS` says at build time (2, 4 or 8; cargo rebuilds
/// when it changes). Every block of the core is written for `WAYS` (arrays and loops over the
/// ways and their pairs); the boards are sized for 4 (docs/core.md, "Block RAM and depth").
pub const WAYS: usize = ways_of(option_env!("SYNSCOPE_WAYS"));
/// Bits of a way index (`rd_way`, `out_way`, `ev_way`, the slot `bucket << WAY_BITS | way`).
pub const WAY_BITS: usize = WAYS.trailing_zeros() as usize;
/// Bits of a count of ways, `0..=WAYS` (`expired`).
pub const WAY_COUNT_BITS: usize = WAY_BITS + 1;
/// Pairs of ways per bucket (an IPv6 entry takes a pair: its head in the even way, its
/// continuation in the odd one).
pub const PAIRS: usize = WAYS / 2;

/// `SYNSCOPE_WAYS` at build time: unset is 4; 2, 4 and 8 are built and tested (`make
/// diff-ways`); anything else stops the build.
const fn ways_of(var: Option<&str>) -> usize {
    match var {
        None => 4,
        Some(s) => match s.as_bytes() {
            b"2" => 2,
            b"4" => 4,
            b"8" => 8,
            _ => panic!("SYNSCOPE_WAYS must be 2, 4 or 8"),
        },
    }
}

const _: () = assert!(WAYS == 1 << WAY_BITS && WAYS >= 2);

const _: () = assert!(V_REFUSED < 1 << OUT_VERDICT_BITS);
