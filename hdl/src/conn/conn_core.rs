//! `conn_core`: the connection-state core (docs/core.md) — segment descriptors in, one per
//! clock, both endpoints' RFC 9293 states tracked in a bounded 4-way set-associative table,
//! exactly as `synscope_model::tracker::Tracker::process` with
//! `TableShape::Bounded { buckets: 2^B, ways: 4 }`.
//!
//! ## Pipeline (II = 1, never stalls)
//! ```text
//!  S0  input register; flag_decode; flow_key; now = max(now, time); hash input
//!  S1..S4  toeplitz_hash (latency 4); the decoded descriptor travels beside it
//!  R   arbitration (descriptor > host read > sweep); bucket address to the 4 way RAMs
//!  C1  per pair of ways (way_pair): forward (`fwd`) · age (entry_age) · key compare;
//!      which way holds the key
//!  C2  patch (`pt_*`/`fa`) · free/victim (way_choice) · segment_apply · write back · age
//!      the new entry to the successor's time (`fa`)
//!  O   output registers (per-descriptor record, host read data); counters count from them
//! ```
//! **Names** (the stage an item is in when a register holds it; docs/core.md, "Pipeline"):
//! `s0*` S0; `p1..p4` beside the hash (S1..S4); `r_*` R; `c_*`/`c` the item in C1 (loaded at
//! R), `c1_*` what C1 computes; `a_*`/`a` the item in C2 (loaded by C1; each way as C1 aged
//! it is in its `pairs[p]`' registers: `*_aged`, `*_rank`, `*_old`); `o_*` the O stage's
//! output registers. Beside the stages: `fwd`/`use_fwd` the last write-back kept for the item
//! two behind; `pt_*` the item ahead's change, `fa` its new entry aged to the successor's time
//! and `fa2` the second way of a pair it wrote; `pw*`/`pv*` "this way is patched by
//! `fa`/`fa2`"; `view*` the bucket as the item ahead wrote it (`way_choice` ranks it).
//!
//! **Latency**: a descriptor presented with `in_valid` before clock edge *n* appears on `out_*`
//! with `out_valid` after edge *n + 7* ([`LATENCY`] = 8 `tick()`s including the one that
//! samples it). The counters include it one edge later (*n + 8*); `counter_value` is
//! registered (one more edge after `counter_index`) and reads the snapshot bank, which follows
//! the counters one edge behind while not frozen (*n + 9*).
//!
//! **Forwarding** (docs/core.md): C2 writes a bucket; the item one behind it (in C1 then) read
//! the RAM before that write, the item two behind read it in the cycle of the write. So:
//! * two behind: C1 takes the copy of the last write kept in `fwd` instead of the RAM output;
//! * one behind: C1 works on the bucket as it was before the write. That differs from the
//!   written one by aging (which C1 redoes to its own, later, time: aging composes) and in at
//!   most one way, the one whose entry the item ahead changed. C2 of the item ahead leaves that
//!   way's new entry aged to the successor's time (`fa`, `pt_way`), and C2 of the successor
//!   patches it in (`a_same_b`): its match, free/victim choice, dead count, gauges and write
//!   back all see the bucket as written.
//!
//! Nothing stalls and nothing is reordered.
//!
//! **Time**: the descriptor carries `now` (its own `max`); host reads and sweep visits age with
//! `now_r`, the `now` of the last descriptor that passed R, so C1 and C2 see a monotone time
//! (aging is composable only forwards).
//!
//! **Host read**: `rd_req` with `rd_bucket`/`rd_way` (held until `rd_valid`): served in the
//! first cycle R has no descriptor; `rd_entry` (the entry aged to `now_r`, `valid` = `rd_alive`)
//! appears with `rd_valid` three edges later. It writes nothing.
//!
//! **Sweep**: every cycle R has neither a descriptor nor a read while a pass is due, the next
//! bucket in order goes through C1 and C2: aged, written back, dead entries counted as
//! `expired`. A pass (every bucket once) is due after the time moves, the timeouts or the key
//! change, and after reset; then the sweep stops, since visiting a bucket again at the same
//! time and configuration writes it back unchanged (docs/core.md, "Sharing the table").
//!
//! **Events**: a descriptor that created, refused, evicted, reincarnated, moved an endpoint or
//! removed dead ways of its bucket pushes one [`EventRecord`] (and its bucket) into the event
//! FIFO at the O stage; when the FIFO is full the record is dropped and `events_dropped`
//! counts it. The host side is first-word fall-through: `ev_valid`, `ev_*`, `ev_pop`.
//!
//! **Gauges**: [`GAUGES`] counters of live entries per (client | server) state, moved by every
//! write-back (old bucket vs new), read at `counter_index` `FIRST_GAUGE..`.
//!
//! **Snapshot** (the command engine's `READ_COUNTERS`): `counter_snap` copies every counter
//! and gauge at one edge; `counter_frozen` makes the read port read the copy (docs/core.md).
//! `clear_counters` clears the counters alone (time, timeouts, pipeline and gauges stay).
//!
//! **Key change**: `key_load` empties the table at once: a one-bit epoch per bucket (`ep_ram`,
//! written with every write-back) is compared with `epoch_q`, which `key_load` flips; a bucket
//! of another epoch reads as empty. The gauges are zeroed with it. Load the key at an idle
//! point (no descriptor in the last `LATENCY` cycles): a descriptor in flight was hashed with
//! the old key and would be placed by it in the new table.

use crate::conn::counter_bank::{CountRecord, CounterBank, COUNTER_BITS, COUNTER_INDEX_BITS};
use crate::conn::desc_in::{Desc, DescIn};
use crate::conn::entry::{
    AsEntry, ContBits, EntryBits, TrackBits, ENTRY_BITS, STATE_BITS, TIME_BITS,
};
use crate::conn::entry_age::{EntryAge, TimeoutBits, TIMEOUT_BITS};
use crate::conn::event_queue::{EventQueue, EventRecord, EventTop};
use crate::conn::flow_key::IP_BITS;
use crate::conn::gauge_snap::GaugeSnap;
use crate::conn::patched_view::PatchedView;
use crate::conn::segment_apply::SegmentApply;
use crate::conn::toeplitz_hash::{ToeplitzHash, KEY_BITS};
use crate::conn::way_choice::WayChoice;
use crate::conn::way_pair::{WayKey, WayPair};
use crate::conn::{OUT_VERDICT_BITS, PAIRS, V_REFUSED, WAYS};
use rust_hdl::prelude::*;
use synscope_model::timeouts::Timeouts;
use synscope_model::TableShape;
use synscope_model::{FlagClass, TcpFlags};

/// Ticks from the one that samples a descriptor to the one after which `out_valid` shows it.
pub const LATENCY: usize = 8;
/// Bucket address bits of the 35T core: `TableShape::ARTY_35T` (512 buckets × 4 ways = 2K
/// entries of `ENTRY_BITS`; the block-RAM arithmetic is there and in docs/core.md).
pub const BUCKET_BITS_35T: usize = TableShape::ARTY_35T.bucket_bits();
/// Bucket address bits of the 100T core: `TableShape::ARTY_100T` (2048 buckets × 4 ways = 8K
/// entries).
pub const BUCKET_BITS_100T: usize = TableShape::ARTY_100T.bucket_bits();
/// Bucket address bits of the simulation core (64 buckets: collisions and evictions happen).
pub const BUCKET_BITS_SMALL: usize = 6;
/// Event FIFO address bits of the Arty cores (64 records: LUT RAM, no block RAM; a burst of
/// 64 state changes is absorbed, beyond that `events_dropped` counts).
pub const EVENT_FIFO_BITS_35T: usize = 6;
/// Event FIFO address bits of the simulation core (16 records).
pub const EVENT_FIFO_BITS_SMALL: usize = 4;

const _: () = assert!(BUCKET_BITS_35T == 9 && BUCKET_BITS_100T == 11);

/// The core, with `2^B` buckets × 4 ways and an event FIFO of `2^E` records (`EP1 = E + 1`).
#[derive(LogicBlock)]
pub struct ConnCore<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: clears the pipeline, the time, the counters and the timeouts (to their
    /// defaults); not the table nor the hash key.
    pub reset: Signal<In, Bit>,
    // ---- descriptor in
    pub in_valid: Signal<In, Bit>,
    /// The endpoints are IPv6 (else IPv4, in the addresses' low 32 bits).
    pub v6: Signal<In, Bit>,
    pub src_ip: Signal<In, Bits<IP_BITS>>,
    pub dst_ip: Signal<In, Bits<IP_BITS>>,
    pub src_port: Signal<In, Bits<16>>,
    pub dst_port: Signal<In, Bits<16>>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    pub flags: Signal<In, Bits<9>>,
    pub window: Signal<In, Bits<16>>,
    pub wscale: Signal<In, Bits<4>>,
    pub payload_len: Signal<In, Bits<16>>,
    /// TSval of the Timestamps option (`SegmentDescriptor::tsval`), when `ts_ok`.
    pub tsval: Signal<In, Bits<32>>,
    pub ts_ok: Signal<In, Bit>,
    /// Capture time in ticks (`SegmentDescriptor::time`, `synscope_model::time`).
    pub seg_time: Signal<In, Bits<32>>,
    // ---- configuration
    /// `toeplitz_hash::key_word` of the key, taken when `key_load` is high.
    pub hash_key: Signal<In, Bits<KEY_BITS>>,
    pub key_load: Signal<In, Bit>,
    /// The five timeouts (seconds), taken when `timeouts_load` is high; power-on and reset
    /// values are `Timeouts::default()`.
    pub time_wait: Signal<In, Bits<TIMEOUT_BITS>>,
    pub handshake: Signal<In, Bits<TIMEOUT_BITS>>,
    pub fin_wait_2: Signal<In, Bits<TIMEOUT_BITS>>,
    pub idle: Signal<In, Bits<TIMEOUT_BITS>>,
    pub linger: Signal<In, Bits<TIMEOUT_BITS>>,
    pub timeouts_load: Signal<In, Bit>,
    // ---- host table read
    pub rd_req: Signal<In, Bit>,
    pub rd_bucket: Signal<In, Bits<B>>,
    pub rd_way: Signal<In, Bits<2>>,
    pub rd_valid: Signal<Out, Bit>,
    pub rd_entry: Signal<Out, EntryBits>,
    pub rd_alive: Signal<Out, Bit>,
    // ---- counters
    pub counter_index: Signal<In, Bits<COUNTER_INDEX_BITS>>,
    pub counter_value: Signal<Out, Bits<COUNTER_BITS>>,
    /// Copy every counter and gauge into the snapshot bank at this edge.
    pub counter_snap: Signal<In, Bit>,
    /// `counter_value` reads the snapshot bank (else the live counters).
    pub counter_frozen: Signal<In, Bit>,
    /// Synchronous: clears the counters only (not the time, timeouts, pipeline or gauges).
    pub clear_counters: Signal<In, Bit>,
    /// The core's time: the latest descriptor time seen, in ticks (`Tracker::now`).
    pub now: Signal<Out, Bits<32>>,
    // ---- per-descriptor record
    pub out_valid: Signal<Out, Bit>,
    pub out_verdict: Signal<Out, Bits<OUT_VERDICT_BITS>>,
    /// The segment was applied to an entry (hit, or created).
    pub out_has_entry: Signal<Out, Bit>,
    pub out_created: Signal<Out, Bit>,
    pub out_evicted: Signal<Out, Bit>,
    pub out_refused: Signal<Out, Bit>,
    pub out_reincarnated: Signal<Out, Bit>,
    /// Dead entries of this bucket removed (`expired`) by this descriptor's aging.
    pub out_expired: Signal<Out, Bits<3>>,
    pub out_lo_before: Signal<Out, Bits<STATE_BITS>>,
    pub out_hi_before: Signal<Out, Bits<STATE_BITS>>,
    pub out_lo_after: Signal<Out, Bits<STATE_BITS>>,
    pub out_hi_after: Signal<Out, Bits<STATE_BITS>>,
    pub out_lo_changed: Signal<Out, Bit>,
    pub out_hi_changed: Signal<Out, Bit>,
    pub out_src_is_lo: Signal<Out, Bit>,
    pub out_bucket: Signal<Out, Bits<B>>,
    pub out_way: Signal<Out, Bits<2>>,
    /// The entry after the segment (meaningful with `out_has_entry`).
    pub out_entry: Signal<Out, EntryBits>,
    // ---- event FIFO read side (first-word fall-through: `ev_*` show the oldest record while
    // `ev_valid`; `ev_pop` removes it at the clock edge)
    pub ev_pop: Signal<In, Bit>,
    pub ev_valid: Signal<Out, Bit>,
    pub ev_created: Signal<Out, Bit>,
    pub ev_refused: Signal<Out, Bit>,
    pub ev_evicted: Signal<Out, Bit>,
    pub ev_reincarnated: Signal<Out, Bit>,
    pub ev_lo_changed: Signal<Out, Bit>,
    pub ev_hi_changed: Signal<Out, Bit>,
    pub ev_expired: Signal<Out, Bits<3>>,
    pub ev_bucket: Signal<Out, Bits<B>>,
    pub ev_way: Signal<Out, Bits<2>>,
    pub ev_lo_before: Signal<Out, Bits<STATE_BITS>>,
    pub ev_hi_before: Signal<Out, Bits<STATE_BITS>>,
    pub ev_lo_after: Signal<Out, Bits<STATE_BITS>>,
    pub ev_hi_after: Signal<Out, Bits<STATE_BITS>>,
    pub ev_v6: Signal<Out, Bit>,
    pub ev_lo_ip: Signal<Out, Bits<IP_BITS>>,
    pub ev_lo_port: Signal<Out, Bits<16>>,
    pub ev_hi_ip: Signal<Out, Bits<IP_BITS>>,
    pub ev_hi_port: Signal<Out, Bits<16>>,
    pub ev_time: Signal<Out, Bits<TIME_BITS>>,
    pub ev_client_is_lo: Signal<Out, Bit>,
    // ---- blocks
    /// S0: the descriptor in.
    desc_in: DescIn,
    hasher: ToeplitzHash,
    /// C1 of each pair of ways: forward, age, key compare (its results registered for C2).
    pairs: [WayPair; PAIRS],
    /// C2: the applied entry aged to the time of the item in C1 (its successor).
    age4: EntryAge,
    /// C2: the bucket as the item ahead left it.
    view: PatchedView,
    /// C2: the free way or the victim for a new entry.
    choice: WayChoice,
    apply: SegmentApply,
    /// One RAM per way (docs/core.md, "Table"), addressed by bucket.
    rams: [RAM<EntryBits, B>; WAYS],
    bank: CounterBank,
    /// The event FIFO (O stage on).
    events: EventQueue<B, E, EP1>,
    /// The gauges' view of each write-back (before, after).
    gauges: GaugeSnap,
    c_ev_top: Signal<Local, EventTop>,
    // ---- table epoch: a bucket whose epoch bit is not `epoch_q` is empty (a key load flips
    // `epoch_q`: the whole table is emptied at once)
    ep_ram: crate::parts::ram::StyledRam<Bit, B>,
    epoch_q: DFF<Bit>,
    stale: Signal<Local, Bit>,
    // ---- configuration registers
    /// The timeouts in force, and their power-on and reset values (`Timeouts::default`).
    timeouts_q: DFFWithInit<TimeoutBits>,
    timeouts_default: Constant<TimeoutBits>,
    // ---- S0
    /// `now_q` holds a time seen (times compare modulo 2^32: the first one sets it).
    /// `seg_time − now_q`: its sign says whether the segment's time is later.
    a_flags: Signal<Local, Bits<9>>,
    // ---- S1..S4
    p1_valid: DFF<Bit>,
    p2_valid: DFF<Bit>,
    p3_valid: DFF<Bit>,
    p4_valid: DFF<Bit>,
    p1: DFF<Desc>,
    p2: DFF<Desc>,
    p3: DFF<Desc>,
    p4: DFF<Desc>,
    // ---- R
    now_r: DFF<Bits<TIME_BITS>>,
    rd_pending: DFF<Bit>,
    rd_bucket_q: DFF<Bits<B>>,
    rd_way_q: DFF<Bits<2>>,
    sweep_ptr: DFF<Bits<B>>,
    /// A sweep pass is due: it visits every bucket once, ending before `sweep_end`.
    sweep_due: DFF<Bit>,
    sweep_end: DFF<Bits<B>>,
    /// `sweep_ptr` after this cycle.
    sweep_next: Signal<Local, Bits<B>>,
    one_b: Constant<Bits<B>>,
    r_bucket: Signal<Local, Bits<B>>,
    // ---- C (registered at the R→C edge)
    c_desc: DFF<Bit>,
    c_read: DFF<Bit>,
    c_sweep: DFF<Bit>,
    c_bucket: DFF<Bits<B>>,
    c_way: DFF<Bits<2>>,
    c_now: DFF<Bits<TIME_BITS>>,
    c: DFF<Desc>,
    // forwarding: the bucket C2 wrote last cycle
    /// C1 takes `fwd`: registered in R (the bucket read is the one C2 writes at that edge).
    use_fwd: DFF<Bit>,
    /// The ways of the last write-back.
    fwd: [DFF<EntryBits>; WAYS],
    c1_hit: Signal<Local, Bit>,
    c1_hit_way: Signal<Local, Bits<2>>,
    c1_same_key: Signal<Local, Bit>,
    /// The key of the item in C1, for the way pairs' compares.
    c1_key: Signal<Local, WayKey>,
    // ---- C2 (registered at the C1→C2 edge)
    a_desc: DFF<Bit>,
    a_read: DFF<Bit>,
    a_sweep: DFF<Bit>,
    /// A key load happened while this item was in C1: its view is of the old table, so it
    /// writes nothing.
    a_kill: DFF<Bit>,
    a_bucket: DFF<Bits<B>>,
    a_way: DFF<Bits<2>>,
    a_now: DFF<Bits<TIME_BITS>>,
    a: DFF<Desc>,
    /// The item ahead (in C2 while this one was in C1) wrote this bucket.
    a_same_b: DFF<Bit>,
    /// ... and is a descriptor of the same connection.
    a_same_key: DFF<Bit>,
    a_hit: DFF<Bit>,
    a_hit_way: DFF<Bits<2>>,
    // endpoints of entries whose states feed the gauges and the outputs (`trk_*`: a field of a
    // field cannot be read in one step, so the endpoint is copied and its state read)
    trk_out_lo: Signal<Local, TrackBits>,
    trk_out_hi: Signal<Local, TrackBits>,
    trk_o_lo: Signal<Local, TrackBits>,
    trk_o_hi: Signal<Local, TrackBits>,
    // the patch C2 leaves for its successor: the way it applied a segment to (an entry it
    // changed), that entry aged to the successor's time
    pt_valid: DFF<Bit>,
    pt_way: DFF<Bits<2>>,
    fa: DFF<EntryBits>,
    /// ... and the way after it (`pt_way` even): an IPv6 entry's new continuation, or a
    /// continuation an IPv4 entry evicted (then not valid).
    pt2_valid: DFF<Bit>,
    fa2: DFF<EntryBits>,
    /// Way 1 / way 3 of the patched view is an IPv6 continuation.
    n_evicted: Signal<Local, Bits<2>>,
    sel_v6: Signal<Local, Bit>,
    pair_write: Signal<Local, Bit>,
    pair_clear: Signal<Local, Bit>,
    new_cont: Signal<Local, ContBits>,
    as_entry: AsEntry,
    fa2_next: Signal<Local, EntryBits>,
    /// The class and silence of `fa` at this item's time, from the register (not after
    /// the aging in the predecessor's C2).
    fa_next: Signal<Local, EntryBits>,
    // victim order, pairwise: (class, age), lowest class then oldest then lowest way
    is_invalid: Signal<Local, Bit>,
    is_rst: Signal<Local, Bit>,
    created: Signal<Local, Bit>,
    evicted: Signal<Local, Bit>,
    refused: Signal<Local, Bit>,
    applied: Signal<Local, Bit>,
    sel_way: Signal<Local, Bits<2>>,
    expired_n: Signal<Local, Bits<3>>,
    write_en: Signal<Local, Bit>,
    w0: Signal<Local, EntryBits>,
    w1: Signal<Local, EntryBits>,
    w2: Signal<Local, EntryBits>,
    w3: Signal<Local, EntryBits>,
    rd_sel: Signal<Local, EntryBits>,
    rd_sel_alive: Signal<Local, Bit>,
    c_verdict: Signal<Local, Bits<OUT_VERDICT_BITS>>,
    v_refused: Constant<Bits<OUT_VERDICT_BITS>>,
    changes: Signal<Local, Bits<2>>,
    ch_lo: Signal<Local, Bits<2>>,
    ch_hi: Signal<Local, Bits<2>>,
    class_invalid: Constant<Bits<3>>,
    way0: Constant<Bits<2>>,
    way1: Constant<Bits<2>>,
    way2: Constant<Bits<2>>,
    way3: Constant<Bits<2>>,
    zero3: Constant<Bits<3>>,
    zero2: Constant<Bits<2>>,
    zero16: Constant<Bits<TIME_BITS>>,
    zero_pad: Constant<Bits<{ ENTRY_BITS - crate::conn::entry::CONT_BITS }>>,
    b_rst: Constant<Bits<4>>,
    one2: Constant<Bits<2>>,
    // ---- O
    o_valid: DFF<Bit>,
    o_verdict: DFF<Bits<OUT_VERDICT_BITS>>,
    o_has_entry: DFF<Bit>,
    o_created: DFF<Bit>,
    o_evicted: DFF<Bit>,
    o_refused: DFF<Bit>,
    o_reincarnated: DFF<Bit>,
    o_expired: DFF<Bits<3>>,
    o_lo_before: DFF<Bits<STATE_BITS>>,
    o_hi_before: DFF<Bits<STATE_BITS>>,
    o_lo_changed: DFF<Bit>,
    o_hi_changed: DFF<Bit>,
    o_src_is_lo: DFF<Bit>,
    o_bucket: DFF<Bits<B>>,
    o_way: DFF<Bits<2>>,
    o_entry: DFF<EntryBits>,
    o_rd_valid: DFF<Bit>,
    o_rd_entry: DFF<EntryBits>,
    o_rd_alive: DFF<Bit>,
    o_count: DFF<CountRecord>,
    // event record and gauge snapshots (C2 → O)
    c_ev: Signal<Local, EventRecord>,
    zero4: Constant<Bits<STATE_BITS>>,
}

impl<const B: usize, const E: usize, const EP1: usize> Default for ConnCore<B, E, EP1> {
    fn default() -> Self {
        let t = Timeouts::default();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            v6: Default::default(),
            src_ip: Default::default(),
            dst_ip: Default::default(),
            src_port: Default::default(),
            dst_port: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            flags: Default::default(),
            window: Default::default(),
            wscale: Default::default(),
            payload_len: Default::default(),
            tsval: Default::default(),
            ts_ok: Default::default(),
            seg_time: Default::default(),
            hash_key: Default::default(),
            key_load: Default::default(),
            time_wait: Default::default(),
            handshake: Default::default(),
            fin_wait_2: Default::default(),
            idle: Default::default(),
            linger: Default::default(),
            timeouts_load: Default::default(),
            rd_req: Default::default(),
            rd_bucket: Default::default(),
            rd_way: Default::default(),
            rd_valid: Default::default(),
            rd_entry: Default::default(),
            rd_alive: Default::default(),
            counter_index: Default::default(),
            counter_value: Default::default(),
            counter_snap: Default::default(),
            counter_frozen: Default::default(),
            clear_counters: Default::default(),
            now: Default::default(),
            out_valid: Default::default(),
            out_verdict: Default::default(),
            out_has_entry: Default::default(),
            out_created: Default::default(),
            out_evicted: Default::default(),
            out_refused: Default::default(),
            out_reincarnated: Default::default(),
            out_expired: Default::default(),
            out_lo_before: Default::default(),
            out_hi_before: Default::default(),
            out_lo_after: Default::default(),
            out_hi_after: Default::default(),
            out_lo_changed: Default::default(),
            out_hi_changed: Default::default(),
            out_src_is_lo: Default::default(),
            out_bucket: Default::default(),
            out_way: Default::default(),
            out_entry: Default::default(),
            ev_pop: Default::default(),
            ev_valid: Default::default(),
            ev_created: Default::default(),
            ev_refused: Default::default(),
            ev_evicted: Default::default(),
            ev_reincarnated: Default::default(),
            ev_lo_changed: Default::default(),
            ev_hi_changed: Default::default(),
            ev_expired: Default::default(),
            ev_bucket: Default::default(),
            ev_way: Default::default(),
            ev_lo_before: Default::default(),
            ev_hi_before: Default::default(),
            ev_lo_after: Default::default(),
            ev_hi_after: Default::default(),
            ev_v6: Default::default(),
            ev_lo_ip: Default::default(),
            ev_lo_port: Default::default(),
            ev_hi_ip: Default::default(),
            ev_hi_port: Default::default(),
            ev_time: Default::default(),
            ev_client_is_lo: Default::default(),
            desc_in: Default::default(),
            hasher: Default::default(),
            pairs: Default::default(),
            age4: Default::default(),
            view: Default::default(),
            choice: Default::default(),
            rams: Default::default(),
            apply: Default::default(),
            bank: Default::default(),
            events: Default::default(),
            gauges: Default::default(),
            ep_ram: Default::default(),
            epoch_q: Default::default(),
            stale: Default::default(),
            timeouts_q: DFFWithInit::new(TimeoutBits::of(&t)),
            timeouts_default: Constant::new(TimeoutBits::of(&t)),
            a_flags: Default::default(),
            p1_valid: Default::default(),
            p2_valid: Default::default(),
            p3_valid: Default::default(),
            p4_valid: Default::default(),
            p1: Default::default(),
            p2: Default::default(),
            p3: Default::default(),
            p4: Default::default(),
            now_r: Default::default(),
            rd_pending: Default::default(),
            rd_bucket_q: Default::default(),
            rd_way_q: Default::default(),
            sweep_ptr: Default::default(),
            sweep_due: Default::default(),
            sweep_end: Default::default(),
            sweep_next: Default::default(),
            one_b: Constant::new(1u64.to_bits()),
            r_bucket: Default::default(),
            c_desc: Default::default(),
            c_read: Default::default(),
            c_sweep: Default::default(),
            c_bucket: Default::default(),
            c_way: Default::default(),
            c_now: Default::default(),
            c: Default::default(),
            use_fwd: Default::default(),
            fwd: Default::default(),
            c1_hit: Default::default(),
            c1_hit_way: Default::default(),
            c1_same_key: Default::default(),
            c1_key: Default::default(),
            a_desc: Default::default(),
            a_read: Default::default(),
            a_sweep: Default::default(),
            a_kill: Default::default(),
            a_bucket: Default::default(),
            a_way: Default::default(),
            a_now: Default::default(),
            a: Default::default(),
            a_same_b: Default::default(),
            a_same_key: Default::default(),
            a_hit: Default::default(),
            a_hit_way: Default::default(),
            trk_out_lo: Default::default(),
            trk_out_hi: Default::default(),
            trk_o_lo: Default::default(),
            trk_o_hi: Default::default(),
            pt_valid: Default::default(),
            pt_way: Default::default(),
            fa: Default::default(),
            fa_next: Default::default(),
            is_invalid: Default::default(),
            is_rst: Default::default(),
            created: Default::default(),
            evicted: Default::default(),
            refused: Default::default(),
            applied: Default::default(),
            sel_way: Default::default(),
            expired_n: Default::default(),
            write_en: Default::default(),
            w0: Default::default(),
            w1: Default::default(),
            w2: Default::default(),
            w3: Default::default(),
            rd_sel: Default::default(),
            rd_sel_alive: Default::default(),
            c_verdict: Default::default(),
            v_refused: Constant::new(V_REFUSED.to_bits()),
            changes: Default::default(),
            ch_lo: Default::default(),
            ch_hi: Default::default(),
            class_invalid: Constant::new((FlagClass::Invalid as u64).to_bits()),
            way0: Constant::new(0u64.to_bits()),
            way1: Constant::new(1u64.to_bits()),
            way2: Constant::new(2u64.to_bits()),
            way3: Constant::new(3u64.to_bits()),
            zero3: Constant::new(0u64.to_bits()),
            zero2: Constant::new(0u64.to_bits()),
            zero16: Constant::new(0u64.to_bits()),
            zero_pad: Constant::new(Default::default()),
            b_rst: Constant::new((TcpFlags::RST.trailing_zeros() as u64).to_bits()),
            one2: Constant::new(1u64.to_bits()),
            o_valid: Default::default(),
            o_verdict: Default::default(),
            o_has_entry: Default::default(),
            o_created: Default::default(),
            o_evicted: Default::default(),
            o_refused: Default::default(),
            o_reincarnated: Default::default(),
            o_expired: Default::default(),
            o_lo_before: Default::default(),
            o_hi_before: Default::default(),
            o_lo_changed: Default::default(),
            o_hi_changed: Default::default(),
            o_src_is_lo: Default::default(),
            o_bucket: Default::default(),
            o_way: Default::default(),
            o_entry: Default::default(),
            o_rd_valid: Default::default(),
            o_rd_entry: Default::default(),
            o_rd_alive: Default::default(),
            o_count: Default::default(),
            c_ev: Default::default(),
            zero4: Constant::new(0u64.to_bits()),
            c_ev_top: Default::default(),
            pt2_valid: Default::default(),
            fa2: Default::default(),
            n_evicted: Default::default(),
            sel_v6: Default::default(),
            pair_write: Default::default(),
            pair_clear: Default::default(),
            new_cont: Default::default(),
            as_entry: Default::default(),
            fa2_next: Default::default(),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for ConnCore<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            timeouts_q,
            p1_valid,
            p2_valid,
            p3_valid,
            p4_valid,
            p1,
            p2,
            p3,
            p4,
            now_r,
            rd_pending,
            rd_bucket_q,
            rd_way_q,
            sweep_ptr,
            sweep_due,
            sweep_end,
            c_desc,
            c_read,
            c_sweep,
            c_bucket,
            c_way,
            c_now,
            c,
            use_fwd,
            a_desc,
            a_read,
            a_sweep,
            a_kill,
            a_bucket,
            a_way,
            a_now,
            a,
            a_same_b,
            a_same_key,
            a_hit,
            a_hit_way,
            pt_valid,
            pt_way,
            fa,
            pt2_valid,
            fa2,
            o_valid,
            o_verdict,
            o_has_entry,
            o_created,
            o_evicted,
            o_refused,
            o_reincarnated,
            o_expired,
            o_lo_before,
            o_hi_before,
            o_lo_changed,
            o_hi_changed,
            o_src_is_lo,
            o_bucket,
            o_way,
            o_entry,
            o_rd_valid,
            o_rd_entry,
            o_rd_alive,
            o_count,
            epoch_q
        );
        for w in 0..WAYS {
            self.rams[w].read_clock.next = self.clock.val();
            self.rams[w].write_clock.next = self.clock.val();
            self.fwd[w].clock.next = self.clock.val();
            self.fwd[w].d.next = self.fwd[w].q.val();
        }
        self.hasher.clock.next = self.clock.val();
        self.hasher.reset.next = self.reset.val();
        self.hasher.key.next = self.hash_key.val();
        self.hasher.key_load.next = self.key_load.val();
        self.bank.clock.next = self.clock.val();
        self.bank.reset.next = self.reset.val() | self.clear_counters.val();
        self.bank.snap.next = self.counter_snap.val();
        self.bank.frozen.next = self.counter_frozen.val();
        self.now.next = self.desc_in.now.val();
        self.bank.clear.next = self.key_load.val();
        self.ep_ram.read_clock.next = self.clock.val();
        self.ep_ram.write_clock.next = self.clock.val();

        // ---- configuration
        if self.timeouts_load.val() {
            self.timeouts_q.d.next.time_wait = self.time_wait.val();
            self.timeouts_q.d.next.handshake = self.handshake.val();
            self.timeouts_q.d.next.fin_wait_2 = self.fin_wait_2.val();
            self.timeouts_q.d.next.idle = self.idle.val();
            self.timeouts_q.d.next.linger = self.linger.val();
        }

        // ---- S0 (`desc_in`): the descriptor registered, decoded, its key, time and hash input
        self.desc_in.clock.next = self.clock.val();
        self.desc_in.reset.next = self.reset.val();
        self.desc_in.in_valid.next = self.in_valid.val();
        self.desc_in.v6.next = self.v6.val();
        self.desc_in.src_ip.next = self.src_ip.val();
        self.desc_in.dst_ip.next = self.dst_ip.val();
        self.desc_in.src_port.next = self.src_port.val();
        self.desc_in.dst_port.next = self.dst_port.val();
        self.desc_in.seq.next = self.seq.val();
        self.desc_in.ack.next = self.ack.val();
        self.desc_in.flags.next = self.flags.val();
        self.desc_in.window.next = self.window.val();
        self.desc_in.wscale.next = self.wscale.val();
        self.desc_in.payload_len.next = self.payload_len.val();
        self.desc_in.tsval.next = self.tsval.val();
        self.desc_in.ts_ok.next = self.ts_ok.val();
        self.desc_in.seg_time.next = self.seg_time.val();
        self.hasher.data.next = self.desc_in.hash_input.val();
        self.hasher.in_valid.next = self.desc_in.valid.val();

        // ---- S1..S4 beside the hash
        self.p1_valid.d.next = self.desc_in.valid.val();
        self.p1.d.next = self.desc_in.desc.val();
        self.p2_valid.d.next = self.p1_valid.q.val();
        self.p2.d.next = self.p1.q.val();
        self.p3_valid.d.next = self.p2_valid.q.val();
        self.p3.d.next = self.p2.q.val();
        self.p4_valid.d.next = self.p3_valid.q.val();
        self.p4.d.next = self.p3.q.val();

        // ---- R: arbitration (descriptor, host read, sweep)
        if self.rd_req.val() && !self.rd_pending.q.val() {
            self.rd_pending.d.next = true;
            self.rd_bucket_q.d.next = self.rd_bucket.val();
            self.rd_way_q.d.next = self.rd_way.val();
        }
        self.c.d.next = self.p4.q.val();
        self.c_desc.d.next = false;
        self.c_read.d.next = false;
        self.c_sweep.d.next = false;
        self.c_way.d.next = self.rd_way_q.q.val();
        self.c_now.d.next = self.now_r.q.val();
        if self.p4_valid.q.val() {
            self.r_bucket.next = self.hasher.hash.val().get_bits::<B>(0);
            self.c_desc.d.next = true;
            self.c_now.d.next = self.p4.q.val().now;
            self.now_r.d.next = self.p4.q.val().now;
        } else if self.rd_pending.q.val() {
            self.r_bucket.next = self.rd_bucket_q.q.val();
            self.c_read.d.next = true;
            self.rd_pending.d.next = false;
        } else {
            self.r_bucket.next = self.sweep_ptr.q.val();
        }
        self.sweep_next.next = self.sweep_ptr.q.val();
        if !self.p4_valid.q.val() && !self.rd_pending.q.val() && self.sweep_due.q.val() {
            self.c_sweep.d.next = true;
            self.sweep_next.next = self.sweep_ptr.q.val() + self.one_b.val();
            if self.sweep_next.val() == self.sweep_end.q.val() {
                self.sweep_due.d.next = false;
            }
        }
        self.sweep_ptr.d.next = self.sweep_next.val();
        // A pass is due whenever a visit could change a bucket: the time moved, the timeouts
        // or the key changed, or after reset (a visit at an unchanged time and configuration
        // rewrites every bucket as it is). It starts over from the next bucket, so a bucket
        // visited in this cycle under the old time or configuration is visited again.
        if (self.p4_valid.q.val() && (self.p4.q.val().now != self.now_r.q.val()))
            || self.timeouts_load.val()
            || self.key_load.val()
            || self.reset.val()
        {
            self.sweep_due.d.next = true;
            self.sweep_end.d.next = self.sweep_next.val();
        }
        self.c_bucket.d.next = self.r_bucket.val();
        for w in 0..WAYS {
            self.rams[w].read_address.next = self.r_bucket.val();
        }
        self.ep_ram.read_address.next = self.r_bucket.val();

        // ---- C1: forward, age and compare each pair of ways (`way_pair`)
        // A bucket last written before the latest key load is empty.
        self.stale.next =
            !self.use_fwd.q.val() && (self.ep_ram.read_data.val() != self.epoch_q.q.val());
        self.c1_key.next.v6 = self.c.q.val().v6;
        self.c1_key.next.lo_ip = self.c.q.val().lo_ip;
        self.c1_key.next.lo_top = self.c.q.val().lo_top;
        self.c1_key.next.lo_port = self.c.q.val().lo_port;
        self.c1_key.next.hi_ip = self.c.q.val().hi_ip;
        self.c1_key.next.hi_top = self.c.q.val().hi_top;
        self.c1_key.next.hi_port = self.c.q.val().hi_port;
        for p in 0..PAIRS {
            self.pairs[p].clock.next = self.clock.val();
            self.pairs[p].even_read.next = self.rams[2 * p].read_data.val();
            self.pairs[p].odd_read.next = self.rams[2 * p + 1].read_data.val();
            self.pairs[p].even_fwd.next = self.fwd[2 * p].q.val();
            self.pairs[p].odd_fwd.next = self.fwd[2 * p + 1].q.val();
            self.pairs[p].use_fwd.next = self.use_fwd.q.val();
            self.pairs[p].stale.next = self.stale.val();
            self.pairs[p].now.next = self.c_now.q.val();
            self.pairs[p].timeouts.next = self.timeouts_q.q.val();
            self.pairs[p].key.next = self.c1_key.val();
        }
        self.c1_hit.next = self.pairs[0].even_match.val()
            || self.pairs[0].odd_match.val()
            || self.pairs[1].even_match.val()
            || self.pairs[1].odd_match.val();
        // The way that holds the key, from the key compare alone (a key is in at most one
        // valid way: a write-back keeps live ways and removes dead ones, and a new entry
        // goes in only when no live way holds its key), so the select does not wait for
        // the aging; `c1_hit` says whether that entry is alive.
        self.c1_hit_way.next = self.way0.val();
        if self.pairs[0].odd_keq.val() {
            self.c1_hit_way.next = self.way1.val();
        }
        if self.pairs[1].even_keq.val() {
            self.c1_hit_way.next = self.way2.val();
        }
        if self.pairs[1].odd_keq.val() {
            self.c1_hit_way.next = self.way3.val();
        }
        // The item in C2 now, against this one: same connection, same bucket written.
        self.c1_same_key.next = (self.c.q.val().lo_ip == self.a.q.val().lo_ip)
            && (self.c.q.val().hi_ip == self.a.q.val().hi_ip)
            && (self.c.q.val().v6 == self.a.q.val().v6)
            && (self.c.q.val().lo_top == self.a.q.val().lo_top)
            && (self.c.q.val().hi_top == self.a.q.val().hi_top)
            && (self.c.q.val().lo_port == self.a.q.val().lo_port)
            && (self.c.q.val().hi_port == self.a.q.val().hi_port);

        // ---- C1 → C2
        self.a_desc.d.next = self.c_desc.q.val();
        self.a_read.d.next = self.c_read.q.val();
        self.a_sweep.d.next = self.c_sweep.q.val();
        self.a_kill.d.next = self.key_load.val();
        self.a_bucket.d.next = self.c_bucket.q.val();
        self.a_way.d.next = self.c_way.q.val();
        self.a_now.d.next = self.c_now.q.val();
        self.a.d.next = self.c.q.val();
        self.a_same_b.d.next = (self.a_desc.q.val() || self.a_sweep.q.val())
            && !self.a_kill.q.val()
            && !self.key_load.val()
            && (self.a_bucket.q.val() == self.c_bucket.q.val());
        self.a_same_key.d.next =
            self.c_desc.q.val() && self.a_desc.q.val() && self.c1_same_key.val();
        self.a_hit.d.next = self.c1_hit.val();
        self.a_hit_way.d.next = self.c1_hit_way.val();

        // ---- C2: the bucket as the item ahead left it, and this item's match (`patched_view`)
        self.view.aged0.next = self.pairs[0].even_aged.val();
        self.view.aged1.next = self.pairs[0].odd_aged.val();
        self.view.aged2.next = self.pairs[1].even_aged.val();
        self.view.aged3.next = self.pairs[1].odd_aged.val();
        self.view.cont1.next = self.pairs[0].odd_cont.val();
        self.view.cont3.next = self.pairs[1].odd_cont.val();
        self.view.c1_hit.next = self.a_hit.q.val();
        self.view.c1_hit_way.next = self.a_hit_way.q.val();
        self.view.same_bucket.next = self.a_same_b.q.val();
        self.view.same_key.next = self.a_same_key.q.val();
        self.view.pt_valid.next = self.pt_valid.q.val();
        self.view.pt2_valid.next = self.pt2_valid.q.val();
        self.view.pt_way.next = self.pt_way.q.val();
        self.view.fa.next = self.fa.q.val();
        self.view.fa2.next = self.fa2.q.val();
        self.view.now.next = self.a_now.q.val();

        // ---- C2: where a new entry goes (`way_choice`): a free way or pair, else the victim
        self.choice.v6.next = self.a.q.val().v6;
        self.choice.rank0.next = self.pairs[0].even_rank.val();
        self.choice.rank1.next = self.pairs[0].odd_rank.val();
        self.choice.rank2.next = self.pairs[1].even_rank.val();
        self.choice.rank3.next = self.pairs[1].odd_rank.val();
        self.choice.fa_rank.next = self.view.fa_rank.val();
        self.choice.patched0.next = self.view.patched0.val();
        self.choice.patched1.next = self.view.patched1.val();
        self.choice.patched2.next = self.view.patched2.val();
        self.choice.patched3.next = self.view.patched3.val();
        self.choice.cont_patched1.next = self.view.cont_patched1.val();
        self.choice.cont_patched3.next = self.view.cont_patched3.val();
        self.choice.slot0.next.valid = self.view.view0.val().valid;
        self.choice.slot0.next.v6 = self.view.view0.val().v6;
        self.choice.slot1.next.valid = self.view.view1.val().valid;
        self.choice.slot1.next.v6 = self.view.view1.val().v6;
        self.choice.slot2.next.valid = self.view.view2.val().valid;
        self.choice.slot2.next.v6 = self.view.view2.val().v6;
        self.choice.slot3.next.valid = self.view.view3.val().valid;
        self.choice.slot3.next.v6 = self.view.view3.val().v6;

        // ---- C2: decide
        // The RST bit is examined before the flag policy: a RST in an invalid combination
        // looks its connection up (and, without one, opens none).
        self.a_flags.next = self.a.q.val().flags;
        self.is_rst.next = self.a_flags.val().get_bit(self.b_rst.val().index());
        self.is_invalid.next =
            (self.a.q.val().flag_class == self.class_invalid.val()) && !self.is_rst.val();
        self.created.next = self.a_desc.q.val()
            && !self.view.hit.val()
            && !self.is_invalid.val()
            && !self.is_rst.val()
            && (self.choice.free_any.val() || self.choice.victim_ok.val());
        self.evicted.next = self.created.val() && !self.choice.free_any.val();
        self.n_evicted.next = self.zero2.val();
        if self.evicted.val() {
            self.n_evicted.next = self.one2.val();
            if self.a.q.val().v6 {
                self.n_evicted.next = self.choice.victim_entries.val();
            }
        }
        self.refused.next = self.a_desc.q.val()
            && !self.view.hit.val()
            && !self.is_invalid.val()
            && !self.is_rst.val()
            && !self.choice.free_any.val()
            && !self.choice.victim_ok.val();
        self.applied.next = self.a_desc.q.val()
            && !self.is_invalid.val()
            && (self.view.hit.val() || self.created.val());
        if self.view.hit.val() {
            self.sel_way.next = self.view.hit_way.val();
        } else if self.choice.free_any.val() {
            self.sel_way.next = self.choice.free_way.val();
        } else {
            self.sel_way.next = self.choice.victim_way.val();
        }

        // ---- C2: apply
        self.apply.entry_in.next = self.view.hit_entry.val();
        self.apply.hit.next = self.view.hit.val();
        self.apply.sender_is_lo.next = self.a.q.val().src_is_lo;
        self.apply.seq.next = self.a.q.val().seq;
        self.apply.ack.next = self.a.q.val().ack;
        self.apply.seq_end.next = self.a.q.val().seq_end;
        self.apply.seq_plus1.next = self.a.q.val().seq_plus1;
        self.apply.seq_end_plus1.next = self.a.q.val().seq_end_plus1;
        self.apply.tsval.next = self.a.q.val().tsval;
        self.apply.ts_ok.next = self.a.q.val().ts_ok;
        self.apply.flags.next = self.a.q.val().flags;
        self.apply.flag_class.next = self.a.q.val().flag_class;
        self.apply.window.next = self.a.q.val().window;
        self.apply.wscale.next = self.a.q.val().wscale;
        self.apply.payload_len.next = self.a.q.val().payload_len;
        self.apply.v6.next = self.a.q.val().v6;
        self.apply.lo_ip.next = self.a.q.val().lo_ip;
        self.apply.lo_port.next = self.a.q.val().lo_port;
        self.apply.hi_ip.next = self.a.q.val().hi_ip;
        self.apply.hi_port.next = self.a.q.val().hi_port;
        self.apply.now.next = self.a.q.val().now;

        // ---- C2: write back (descriptors and sweeps; a host read writes nothing)
        self.w0.next = self.view.view0.val();
        self.w1.next = self.view.view1.val();
        self.w2.next = self.view.view2.val();
        self.w3.next = self.view.view3.val();
        if self.applied.val() {
            if self.sel_way.val() == self.way0.val() {
                self.w0.next = self.apply.entry_out.val();
            }
            if self.sel_way.val() == self.way1.val() {
                self.w1.next = self.apply.entry_out.val();
            }
            if self.sel_way.val() == self.way2.val() {
                self.w2.next = self.apply.entry_out.val();
            }
            if self.sel_way.val() == self.way3.val() {
                self.w3.next = self.apply.entry_out.val();
            }
        }
        // The partner of a new entry in an even way: an IPv6 entry's continuation; an IPv4 one
        // that evicted an IPv6 entry frees its continuation.
        self.new_cont.next.valid = true;
        self.new_cont.next.v6 = true;
        self.new_cont.next.lo_ip_top = self.a.q.val().lo_top;
        self.new_cont.next.hi_ip_top = self.a.q.val().hi_top;
        self.new_cont.next.zero = self.zero_pad.val();
        self.as_entry.cont.next = self.new_cont.val();
        self.sel_v6.next = self.view.view0.val().v6;
        if self.sel_way.val() == self.way2.val() {
            self.sel_v6.next = self.view.view2.val().v6;
        }
        self.pair_write.next = self.created.val() && self.a.q.val().v6;
        self.pair_clear.next = self.created.val()
            && !self.a.q.val().v6
            && self.evicted.val()
            && self.sel_v6.val()
            && !self.sel_way.val().get_bit(0);
        if self.pair_write.val() {
            if self.sel_way.val() == self.way0.val() {
                self.w1.next = self.as_entry.word.val();
            }
            if self.sel_way.val() == self.way2.val() {
                self.w3.next = self.as_entry.word.val();
            }
        }
        if self.pair_clear.val() {
            if self.sel_way.val() == self.way0.val() {
                self.w1.next.valid = false;
            }
            if self.sel_way.val() == self.way2.val() {
                self.w3.next.valid = false;
            }
        }
        self.write_en.next = (self.a_desc.q.val() || self.a_sweep.q.val()) && !self.a_kill.q.val();
        for w in 0..WAYS {
            self.rams[w].write_enable.next = self.write_en.val();
            self.rams[w].write_address.next = self.a_bucket.q.val();
        }
        self.rams[0].write_data.next = self.w0.val();
        self.rams[1].write_data.next = self.w1.val();
        self.rams[2].write_data.next = self.w2.val();
        self.rams[3].write_data.next = self.w3.val();
        self.ep_ram.write_enable.next = self.write_en.val();
        self.ep_ram.write_address.next = self.a_bucket.q.val();
        self.ep_ram.write_data.next = self.epoch_q.q.val();
        // The item read in R at this edge reads the RAM before this write: C1 takes `fwd`.
        self.use_fwd.d.next = self.write_en.val() && (self.a_bucket.q.val() == self.r_bucket.val());
        self.fwd[0].d.next = self.w0.val();
        self.fwd[1].d.next = self.w1.val();
        self.fwd[2].d.next = self.w2.val();
        self.fwd[3].d.next = self.w3.val();
        // The patch for the successor (the item now in C1): the way this item changed, its
        // new entry aged to the successor's time. An entry the segment kept unchanged needs no
        // patch: the successor's view of it is this item's, aged further (aging composes).
        self.pt_valid.d.next = self.write_en.val() && self.applied.val() && !self.apply.kept.val();
        self.pt_way.d.next = self.sel_way.val();
        self.age4.entry.next = self.apply.entry_out.val();
        self.age4.now.next = self.c_now.q.val();
        self.age4.timeouts.next = self.timeouts_q.q.val();
        self.fa_next.next = self.age4.aged.val();
        self.fa.d.next = self.fa_next.val();
        self.pt2_valid.d.next =
            self.write_en.val() && (self.pair_write.val() || self.pair_clear.val());
        self.fa2_next.next = self.as_entry.word.val();
        self.fa2_next.next.valid = self.pair_write.val() && self.age4.alive.val();
        self.fa2.d.next = self.fa2_next.val();

        // ---- C2: expired count (dead ways removed by a descriptor or a sweep: `gauge_snap`)
        self.gauges.alive0.next = self.view.view0.val().valid;
        self.gauges.alive1.next = self.view.view1.val().valid;
        self.gauges.alive2.next = self.view.view2.val().valid;
        self.gauges.alive3.next = self.view.view3.val().valid;
        self.expired_n.next = self.gauges.expired.val();

        // ---- C2: verdict and state changes
        self.c_verdict.next = self.apply.verdict.val();
        if self.refused.val() {
            self.c_verdict.next = self.v_refused.val();
        }
        self.ch_lo.next = self.zero2.val();
        self.ch_hi.next = self.zero2.val();
        if self.apply.lo_changed.val() {
            self.ch_lo.next = self.one2.val();
        }
        if self.apply.hi_changed.val() {
            self.ch_hi.next = self.one2.val();
        }
        self.changes.next = self.zero2.val();
        if self.applied.val() {
            self.changes.next = self.ch_lo.val() + self.ch_hi.val();
        }

        // ---- host read: the aged way
        self.rd_sel.next = self.view.view0.val();
        self.rd_sel_alive.next = self.view.view0.val().valid;
        if self.a_way.q.val() == self.way1.val() {
            self.rd_sel.next = self.view.view1.val();
            self.rd_sel_alive.next = self.view.view1.val().valid;
        }
        if self.a_way.q.val() == self.way2.val() {
            self.rd_sel.next = self.view.view2.val();
            self.rd_sel_alive.next = self.view.view2.val().valid;
        }
        if self.a_way.q.val() == self.way3.val() {
            self.rd_sel.next = self.view.view3.val();
            self.rd_sel_alive.next = self.view.view3.val().valid;
        }

        // ---- O: registered outputs
        self.o_valid.d.next = self.a_desc.q.val();
        self.o_verdict.d.next = self.c_verdict.val();
        self.o_has_entry.d.next = self.applied.val();
        self.o_created.d.next = self.created.val();
        self.o_evicted.d.next = self.evicted.val();
        self.o_refused.d.next = self.refused.val();
        self.o_reincarnated.d.next = self.applied.val() && self.apply.reincarnated.val();
        self.o_expired.d.next = self.expired_n.val();
        self.o_lo_before.d.next = self.apply.lo_before.val();
        self.o_hi_before.d.next = self.apply.hi_before.val();
        self.o_lo_changed.d.next = self.applied.val() && self.apply.lo_changed.val();
        self.o_hi_changed.d.next = self.applied.val() && self.apply.hi_changed.val();
        self.o_src_is_lo.d.next = self.a.q.val().src_is_lo;
        self.o_bucket.d.next = self.a_bucket.q.val();
        self.o_way.d.next = self.sel_way.val();
        self.o_entry.d.next = self.apply.entry_out.val();
        self.o_rd_valid.d.next = self.a_read.q.val();
        self.o_rd_entry.d.next = self.rd_sel.val();
        self.o_rd_alive.d.next = self.rd_sel_alive.val();
        self.o_count.d.next.desc = self.a_desc.q.val();
        self.o_count.d.next.flags = self.a.q.val().flags;
        self.o_count.d.next.flag_class = self.a.q.val().flag_class;
        self.o_count.d.next.verdict = self.c_verdict.val();
        self.o_count.d.next.reincarnated = self.applied.val() && self.apply.reincarnated.val();
        self.o_count.d.next.picked_up = self.created.val() && self.apply.entry_out.val().picked_up;
        self.o_count.d.next.created = self.created.val();
        self.o_count.d.next.state_changes = self.changes.val();
        self.o_count.d.next.evicted = self.n_evicted.val();
        self.o_count.d.next.refused = self.refused.val();
        self.o_count.d.next.expired = self.expired_n.val();
        self.o_count.d.next.fin_held = self.applied.val() && self.apply.fin_held.val();
        self.o_count.d.next.window_probe = self.applied.val() && self.apply.window_probe.val();
        self.o_count.d.next.handshake_lost = self.applied.val() && self.apply.handshake_lost.val();

        // ---- C2: the event record
        self.trk_out_lo.next = self.apply.entry_out.val().lo;
        self.trk_out_hi.next = self.apply.entry_out.val().hi;
        self.c_ev.next.created = self.created.val();
        self.c_ev.next.refused = self.refused.val();
        self.c_ev.next.evicted = self.evicted.val();
        self.c_ev.next.reincarnated = self.applied.val() && self.apply.reincarnated.val();
        self.c_ev.next.lo_changed = self.applied.val() && self.apply.lo_changed.val();
        self.c_ev.next.hi_changed = self.applied.val() && self.apply.hi_changed.val();
        self.c_ev.next.expired = self.expired_n.val();
        self.c_ev.next.way = self.way0.val();
        self.c_ev.next.lo_before = self.zero4.val();
        self.c_ev.next.hi_before = self.zero4.val();
        self.c_ev.next.lo_after = self.zero4.val();
        self.c_ev.next.hi_after = self.zero4.val();
        if self.applied.val() {
            self.c_ev.next.way = self.sel_way.val();
            self.c_ev.next.lo_before = self.apply.lo_before.val();
            self.c_ev.next.hi_before = self.apply.hi_before.val();
            self.c_ev.next.lo_after = self.trk_out_lo.val().state;
            self.c_ev.next.hi_after = self.trk_out_hi.val().state;
        }
        self.c_ev.next.v6 = self.a.q.val().v6;
        self.c_ev_top.next.lo_top = self.a.q.val().lo_top;
        self.c_ev_top.next.hi_top = self.a.q.val().hi_top;
        self.c_ev.next.lo_ip = self.a.q.val().lo_ip;
        self.c_ev.next.lo_port = self.a.q.val().lo_port;
        self.c_ev.next.hi_ip = self.a.q.val().hi_ip;
        self.c_ev.next.hi_port = self.a.q.val().hi_port;
        self.c_ev.next.time = self.a.q.val().now;
        self.c_ev.next.client_is_lo = self.apply.entry_out.val().client_is_lo;

        // ---- O: the event queue (`event_queue`: registers the record, pushes it if reportable)
        self.events.clock.next = self.clock.val();
        self.events.valid.next = self.a_desc.q.val();
        self.events.record.next = self.c_ev.val();
        self.events.bucket.next = self.a_bucket.q.val();
        self.events.tops_in.next = self.c_ev_top.val();
        self.events.pop.next = self.ev_pop.val();
        self.ev_valid.next = self.events.head_valid.val();
        self.ev_bucket.next = self.events.head_bucket.val();
        self.ev_lo_ip.next = self.events.head_lo_ip.val();
        self.ev_hi_ip.next = self.events.head_hi_ip.val();
        self.ev_created.next = self.events.head.val().created;
        self.ev_refused.next = self.events.head.val().refused;
        self.ev_evicted.next = self.events.head.val().evicted;
        self.ev_reincarnated.next = self.events.head.val().reincarnated;
        self.ev_lo_changed.next = self.events.head.val().lo_changed;
        self.ev_hi_changed.next = self.events.head.val().hi_changed;
        self.ev_expired.next = self.events.head.val().expired;
        self.ev_way.next = self.events.head.val().way;
        self.ev_lo_before.next = self.events.head.val().lo_before;
        self.ev_hi_before.next = self.events.head.val().hi_before;
        self.ev_lo_after.next = self.events.head.val().lo_after;
        self.ev_hi_after.next = self.events.head.val().hi_after;
        self.ev_v6.next = self.events.head.val().v6;
        self.ev_lo_port.next = self.events.head.val().lo_port;
        self.ev_hi_port.next = self.events.head.val().hi_port;
        self.ev_time.next = self.events.head.val().time;
        self.ev_client_is_lo.next = self.events.head.val().client_is_lo;

        // ---- C2: the gauges' snapshots of the bucket before and after the write-back
        // (`gauge_snap`, registered for the O stage).
        self.gauges.clock.next = self.clock.val();
        self.gauges.read0.next = self.pairs[0].even_old.val();
        self.gauges.read1.next = self.pairs[0].odd_old.val();
        self.gauges.read2.next = self.pairs[1].even_old.val();
        self.gauges.read3.next = self.pairs[1].odd_old.val();
        self.gauges.fwd0.next = self.fwd[0].q.val();
        self.gauges.fwd1.next = self.fwd[1].q.val();
        self.gauges.fwd2.next = self.fwd[2].q.val();
        self.gauges.fwd3.next = self.fwd[3].q.val();
        self.gauges.same_bucket.next = self.a_same_b.q.val();
        self.gauges.written0.next = self.w0.val();
        self.gauges.written1.next = self.w1.val();
        self.gauges.written2.next = self.w2.val();
        self.gauges.written3.next = self.w3.val();
        self.gauges.write.next = self.write_en.val();
        self.gauges.discard.next = self.key_load.val();
        self.bank.gvalid.next = self.gauges.valid.val();
        self.bank.old0.next = self.gauges.old0.val();
        self.bank.old1.next = self.gauges.old1.val();
        self.bank.old2.next = self.gauges.old2.val();
        self.bank.old3.next = self.gauges.old3.val();
        self.bank.new0.next = self.gauges.new0.val();
        self.bank.new1.next = self.gauges.new1.val();
        self.bank.new2.next = self.gauges.new2.val();
        self.bank.new3.next = self.gauges.new3.val();

        self.bank.record.next = self.o_count.q.val();
        self.bank.record.next.events_dropped = self.events.dropped.val();
        self.bank.index.next = self.counter_index.val();
        self.counter_value.next = self.bank.value.val();

        self.out_valid.next = self.o_valid.q.val();
        self.out_verdict.next = self.o_verdict.q.val();
        self.out_has_entry.next = self.o_has_entry.q.val();
        self.out_created.next = self.o_created.q.val();
        self.out_evicted.next = self.o_evicted.q.val();
        self.out_refused.next = self.o_refused.q.val();
        self.out_reincarnated.next = self.o_reincarnated.q.val();
        self.out_expired.next = self.o_expired.q.val();
        self.out_lo_before.next = self.o_lo_before.q.val();
        self.out_hi_before.next = self.o_hi_before.q.val();
        self.trk_o_lo.next = self.o_entry.q.val().lo;
        self.trk_o_hi.next = self.o_entry.q.val().hi;
        self.out_lo_after.next = self.trk_o_lo.val().state;
        self.out_hi_after.next = self.trk_o_hi.val().state;
        self.out_lo_changed.next = self.o_lo_changed.q.val();
        self.out_hi_changed.next = self.o_hi_changed.q.val();
        self.out_src_is_lo.next = self.o_src_is_lo.q.val();
        self.out_bucket.next = self.o_bucket.q.val();
        self.out_way.next = self.o_way.q.val();
        self.out_entry.next = self.o_entry.q.val();
        self.rd_valid.next = self.o_rd_valid.q.val();
        self.rd_entry.next = self.o_rd_entry.q.val();
        self.rd_alive.next = self.o_rd_alive.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.p1_valid.d.next = false;
            self.p2_valid.d.next = false;
            self.p3_valid.d.next = false;
            self.p4_valid.d.next = false;
            self.c_desc.d.next = false;
            self.c_read.d.next = false;
            self.c_sweep.d.next = false;
            self.a_desc.d.next = false;
            self.a_read.d.next = false;
            self.a_sweep.d.next = false;
            self.a_same_b.d.next = false;
            self.use_fwd.d.next = false;
            self.pt_valid.d.next = false;
            self.pt2_valid.d.next = false;
            self.o_valid.d.next = false;
            self.o_rd_valid.d.next = false;
            self.o_count.d.next.desc = false;
            self.o_count.d.next.expired = self.zero3.val();
            self.rd_pending.d.next = false;
            self.now_r.d.next = self.zero16.val();
            self.timeouts_q.d.next = self.timeouts_default.val();
        }
        // ---- hash key load: the table is emptied (new epoch; no forwarding of a bucket
        // written under the old one). Not undone by reset.
        if self.key_load.val() {
            self.pt2_valid.d.next = false;
            self.epoch_q.d.next = !self.epoch_q.q.val();
            self.use_fwd.d.next = false;
        }
    }
}

/// The 35T core: 512 buckets × 4 ways, 512 event records.
pub type ConnCore35T = ConnCore<BUCKET_BITS_35T, EVENT_FIFO_BITS_35T, { EVENT_FIFO_BITS_35T + 1 }>;
/// The 100T core: 2048 buckets × 4 ways, 512 event records.
pub type ConnCore100T =
    ConnCore<BUCKET_BITS_100T, EVENT_FIFO_BITS_35T, { EVENT_FIFO_BITS_35T + 1 }>;
/// The simulation core: 64 buckets × 4 ways, 16 event records.
pub type ConnCoreSmall =
    ConnCore<BUCKET_BITS_SMALL, EVENT_FIFO_BITS_SMALL, { EVENT_FIFO_BITS_SMALL + 1 }>;

/// A connected instance whose `segment_apply` uses other transition tables (the planted-bug
/// check only; see `SegmentApply::with_tables`).
pub fn connected_with_tables<const B: usize, const E: usize, const EP1: usize>(
    sender: &synscope_model::fsm::Table,
    receiver: &synscope_model::fsm::Table,
) -> ConnCore<B, E, EP1> {
    let mut u = connected::<B, E, EP1>();
    u.apply = SegmentApply::with_tables(sender, receiver);
    u
}

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize, const E: usize, const EP1: usize>() -> ConnCore<B, E, EP1> {
    let mut u = ConnCore::<B, E, EP1>::default();
    u.clock.connect();
    u.reset.connect();
    u.in_valid.connect();
    u.v6.connect();
    u.src_ip.connect();
    u.dst_ip.connect();
    u.src_port.connect();
    u.dst_port.connect();
    u.seq.connect();
    u.ack.connect();
    u.flags.connect();
    u.window.connect();
    u.wscale.connect();
    u.payload_len.connect();
    u.tsval.connect();
    u.ts_ok.connect();
    u.seg_time.connect();
    u.hash_key.connect();
    u.key_load.connect();
    u.time_wait.connect();
    u.handshake.connect();
    u.fin_wait_2.connect();
    u.idle.connect();
    u.linger.connect();
    u.timeouts_load.connect();
    u.rd_req.connect();
    u.rd_bucket.connect();
    u.rd_way.connect();
    u.counter_index.connect();
    u.counter_snap.connect();
    u.counter_frozen.connect();
    u.clear_counters.connect();
    u.ev_pop.connect();
    u
}

/// Bits of `EntryBits` (re-exported for the harness).
pub const ENTRY_WIDTH: usize = ENTRY_BITS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conn_core_small_is_synthesizable() {
        let mut u: ConnCoreSmall = connected();
        u.connect_all();
        yosys_validate("synscope_conn_core_small", &generate_verilog(&u)).unwrap();
    }
}
