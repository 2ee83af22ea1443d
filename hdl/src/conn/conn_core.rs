//! `conn_core`: the connection-state core (docs/core.md) — segment descriptors in, one per
//! clock, both endpoints' RFC 9293 states tracked in a bounded [`WAYS`]-way set-associative
//! table, exactly as `synscope_model::tracker::Tracker::process` with
//! `TableShape::Bounded { buckets: 2^B, ways: WAYS }`.
//!
//! ## Pipeline (II = 1, never stalls)
//! ```text
//!  S0  input register; flag_decode; flow_key; now = max(now, time); hash input
//!  S1..S4  toeplitz_hash (latency 4); the decoded descriptor travels beside it
//!  R   arbitration (descriptor > host read > sweep); bucket address to the way RAMs
//!  C1  per pair of ways (way_pair): forward (`fwd`) · age (entry_age) · key compare;
//!      which way holds the key
//!  C2  patch (`pt_*`/`fa`) · free/victim (way_choice) · segment_apply · write back · age
//!      the new entry to the successor's time (`fa`)
//!  O   output registers (per-descriptor record, host read data); counters count from them
//! ```
//! **Blocks** (one per file, docs/core.md, "Blocks"), by stage: S0 `desc_in`; S1..S4
//! `toeplitz_hash` and `desc_delay` beside it; R `read_arbiter` (with `table_sweep`); C1
//! `way_pair` × [`PAIRS`] and `key_match`; C2 `patched_view`, `way_choice`, `entry_route`,
//! `segment_apply`, `write_back` (with `gauge_snap` and `age4`); C2→O `out_record`; O
//! `event_queue`, `counter_bank`. This block holds the way RAMs, the table epoch, the timeouts
//! and the wiring between the stages.
//!
//! **Names** (the stage an item is in when a register holds it; docs/core.md, "Pipeline"):
//! `s0*` S0; `p1..p4` beside the hash (S1..S4); `r_*` R; `c_*`/`c` the item in C1 (loaded at
//! R: `read_arbiter`'s outputs), `c1_*` what C1 computes; `a_*`/`a` the item in C2 (loaded by
//! C1: `key_match`'s outputs; each way as C1 aged it is in its `pairs[p]`' registers:
//! `*_aged`, `*_rank`, `*_old`); `o_*` the O stage's output registers (`out_record`). Beside
//! the stages (`write_back`'s outputs): `fwd`/`use_fwd` the last write-back kept for the item
//! two behind; `pt_*` the item ahead's change, `fa` its new entry aged to the successor's time
//! and `fa2` the second way of a pair it wrote; `patched*`/`cont_patched*` "this way is
//! patched by `fa`/`fa2`" (`patched_view`); `view*` the bucket as the item ahead wrote it (`way_choice` ranks it).
//!
//! **Latency**: a descriptor presented with `desc.valid` before clock edge *n* appears on `out_*`
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
//! counts it. The host side is first-word fall-through: `ev_valid`, then `ev_record` (the
//! [`EventRecord`]) with its bucket and whole addresses, and `ev_pop`.
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

use crate::conn::counter_bank::{CounterBank, COUNTER_BITS, COUNTER_INDEX_BITS};
use crate::conn::desc_delay::DescDelay;
use crate::conn::desc_in::DescIn;
use crate::conn::entry::{EntryBits, ENTRY_BITS};
use crate::conn::entry_age::TimeoutBits;
use crate::conn::entry_route::EntryRoute;
use crate::conn::event_queue::EventQueue;
use crate::conn::key_match::KeyMatch;
use crate::conn::out_record::OutRecord;
use crate::conn::patched_view::PatchedView;
use crate::conn::read_arbiter::ReadArbiter;
use crate::conn::segment_apply::SegmentApply;
use crate::conn::toeplitz_hash::ToeplitzHash;
use crate::conn::way_choice::WayChoice;
use crate::conn::way_pair::WayPair;
use crate::conn::write_back::WriteBack;
use crate::conn::{PAIRS, WAYS};
use crate::ports::core_host::CoreHost;
use crate::ports::segment_desc::SegmentDescIn;
use crate::ports::segment_record::SegmentRecord;
use rust_hdl::prelude::*;
use synscope_model::timeouts::Timeouts;
use synscope_model::TableShape;

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

/// The core, with `2^B` buckets × [`WAYS`] ways and an event FIFO of `2^E` records (`EP1 = E + 1`).
#[derive(LogicBlock)]
pub struct ConnCore<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: clears the pipeline, the time, the counters and the timeouts (to their
    /// defaults); not the table nor the hash key.
    pub reset: Signal<In, Bit>,
    /// The descriptor stream in.
    pub desc: SegmentDescIn,
    /// The host port (configuration, table read, time, events): the command engine's.
    pub host: CoreHost<B>,
    // ---- counters
    pub counter_index: Signal<In, Bits<COUNTER_INDEX_BITS>>,
    pub counter_value: Signal<Out, Bits<COUNTER_BITS>>,
    /// Copy every counter and gauge into the snapshot bank at this edge.
    pub counter_snap: Signal<In, Bit>,
    /// `counter_value` reads the snapshot bank (else the live counters).
    pub counter_frozen: Signal<In, Bit>,
    // ---- per-descriptor record
    /// The per-descriptor record.
    pub out: SegmentRecord<B>,
    // ---- blocks
    /// S0: the descriptor in.
    desc_in: DescIn,
    hasher: ToeplitzHash,
    /// S1..S4: the descriptor beside the hash.
    delay: DescDelay,
    /// R: descriptor, host read or sweep visit; the item loaded into C1.
    arb: ReadArbiter<B>,
    /// C1 of each pair of ways: forward, age, key compare (its results registered for C2).
    pairs: [WayPair; PAIRS],
    /// C1: the key, where it is, the item ahead's bucket and connection; the item loaded into
    /// C2.
    km: KeyMatch<B>,
    /// C2: the bucket as the item ahead left it.
    view: PatchedView,
    /// C2: the free way or the victim for a new entry.
    choice: WayChoice,
    /// C2: where the segment is applied (its entry, a new one, none).
    route: EntryRoute,
    apply: SegmentApply,
    /// C2: the bucket written back, `fwd` and the patch for the successor.
    wb: WriteBack<B>,
    /// C2→O: the verdict, the event record, the output registers, the counters' record.
    rec: OutRecord<B>,
    /// One RAM per way (docs/core.md, "Table"), addressed by bucket.
    rams: [RAM<EntryBits, B>; WAYS],
    bank: CounterBank,
    /// The event FIFO (O stage on).
    events: EventQueue<B, E, EP1>,
    // ---- table epoch: a bucket whose epoch bit is not `epoch_q` is empty (a key load flips
    // `epoch_q`: the whole table is emptied at once)
    ep_ram: crate::parts::ram::StyledRam<Bit, B>,
    epoch_q: DFF<Bit>,
    stale: Signal<Local, Bit>,
    // ---- configuration registers
    /// The timeouts in force, and their power-on and reset values (`Timeouts::default`).
    timeouts_q: DFFWithInit<TimeoutBits>,
    timeouts_default: Constant<TimeoutBits>,
    // ---- C2
    /// This item writes its bucket back (a descriptor or a sweep visit; not a host read, nor
    /// an item a key load killed).
    write_en: Signal<Local, Bit>,
}

impl<const B: usize, const E: usize, const EP1: usize> Default for ConnCore<B, E, EP1> {
    fn default() -> Self {
        let t = Timeouts::default();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            desc: Default::default(),
            host: Default::default(),
            out: Default::default(),
            counter_index: Default::default(),
            counter_value: Default::default(),
            counter_snap: Default::default(),
            counter_frozen: Default::default(),
            desc_in: Default::default(),
            hasher: Default::default(),
            delay: Default::default(),
            arb: Default::default(),
            pairs: Default::default(),
            km: Default::default(),
            view: Default::default(),
            choice: Default::default(),
            route: Default::default(),
            apply: Default::default(),
            wb: Default::default(),
            rec: Default::default(),
            rams: Default::default(),
            bank: Default::default(),
            events: Default::default(),
            ep_ram: Default::default(),
            epoch_q: Default::default(),
            stale: Default::default(),
            timeouts_q: DFFWithInit::new(TimeoutBits::of(&t)),
            timeouts_default: Constant::new(TimeoutBits::of(&t)),
            write_en: Default::default(),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for ConnCore<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, timeouts_q, epoch_q);
        for w in 0..WAYS {
            self.rams[w].read_clock.next = self.clock.val();
            self.rams[w].write_clock.next = self.clock.val();
        }
        self.arb.clock.next = self.clock.val();
        self.arb.reset.next = self.reset.val();
        self.km.clock.next = self.clock.val();
        self.km.reset.next = self.reset.val();
        self.km.key_load.next = self.host.key_load.val();
        self.wb.clock.next = self.clock.val();
        self.wb.reset.next = self.reset.val();
        self.wb.key_load.next = self.host.key_load.val();
        self.rec.clock.next = self.clock.val();
        self.rec.reset.next = self.reset.val();
        self.hasher.clock.next = self.clock.val();
        self.hasher.reset.next = self.reset.val();
        self.hasher.key.next = self.host.hash_key.val();
        self.hasher.key_load.next = self.host.key_load.val();
        self.bank.clock.next = self.clock.val();
        self.bank.reset.next = self.reset.val() | self.host.clear_counters.val();
        self.bank.snap.next = self.counter_snap.val();
        self.bank.frozen.next = self.counter_frozen.val();
        self.host.now.next = self.desc_in.now.val();
        self.bank.clear.next = self.host.key_load.val();
        self.ep_ram.read_clock.next = self.clock.val();
        self.ep_ram.write_clock.next = self.clock.val();

        // ---- configuration
        if self.host.timeouts_load.val() {
            self.timeouts_q.d.next.time_wait = self.host.time_wait.val();
            self.timeouts_q.d.next.handshake = self.host.handshake.val();
            self.timeouts_q.d.next.fin_wait_2 = self.host.fin_wait_2.val();
            self.timeouts_q.d.next.idle = self.host.idle.val();
            self.timeouts_q.d.next.linger = self.host.linger.val();
        }

        // ---- S0 (`desc_in`): the descriptor registered, decoded, its key, time and hash input
        self.desc_in.clock.next = self.clock.val();
        self.desc_in.reset.next = self.reset.val();
        SegmentDescIn::link(&mut self.desc, &mut self.desc_in.seg);
        self.hasher.data.next = self.desc_in.hash_input.val();
        self.hasher.in_valid.next = self.desc_in.valid.val();

        // ---- S1..S4 beside the hash (`desc_delay`)
        self.delay.clock.next = self.clock.val();
        self.delay.reset.next = self.reset.val();
        self.delay.in_valid.next = self.desc_in.valid.val();
        self.delay.desc_in.next = self.desc_in.desc.val();

        // ---- R (`read_arbiter`): descriptor, host read or sweep visit; the bucket read
        self.arb.p4_valid.next = self.delay.p4_valid.val();
        self.arb.p4.next = self.delay.p4.val();
        self.arb.hash_bucket.next = self.hasher.hash.val().get_bits::<B>(0);
        self.arb.rd_req.next = self.host.rd_req.val();
        self.arb.rd_bucket.next = self.host.rd_bucket.val();
        self.arb.rd_way.next = self.host.rd_way.val();
        self.arb.timeouts_load.next = self.host.timeouts_load.val();
        self.arb.key_load.next = self.host.key_load.val();
        for w in 0..WAYS {
            self.rams[w].read_address.next = self.arb.bucket.val();
        }
        self.ep_ram.read_address.next = self.arb.bucket.val();

        // ---- C1: forward, age and compare each pair of ways (`way_pair`); the match
        // (`key_match`)
        // A bucket last written before the latest key load is empty.
        self.stale.next =
            !self.wb.use_fwd.val() && (self.ep_ram.read_data.val() != self.epoch_q.q.val());
        for p in 0..PAIRS {
            self.pairs[p].clock.next = self.clock.val();
            self.pairs[p].even_read.next = self.rams[2 * p].read_data.val();
            self.pairs[p].odd_read.next = self.rams[2 * p + 1].read_data.val();
            self.pairs[p].use_fwd.next = self.wb.use_fwd.val();
            self.pairs[p].stale.next = self.stale.val();
            self.pairs[p].now.next = self.arb.c_now.val();
            self.pairs[p].timeouts.next = self.timeouts_q.q.val();
            self.pairs[p].key.next = self.km.key.val();
            self.pairs[p].even_fwd.next = self.wb.fwd[2 * p].val();
            self.pairs[p].odd_fwd.next = self.wb.fwd[2 * p + 1].val();
            // C1's match (`key_match`; way 0's key compare is not needed: it is the default)
            self.km.matched[2 * p].next = self.pairs[p].even_match.val();
            self.km.matched[2 * p + 1].next = self.pairs[p].odd_match.val();
            self.km.keq[2 * p].next = self.pairs[p].odd_keq.val();
            // C2: the bucket as C1 aged it (`patched_view`), the ranks (`way_choice`), the
            // states as read (`write_back`, for the gauges)
            self.view.aged[2 * p].next = self.pairs[p].even_aged.val();
            self.view.aged[2 * p + 1].next = self.pairs[p].odd_aged.val();
            self.view.cont[p].next = self.pairs[p].odd_cont.val();
            self.choice.rank_class[2 * p].next = self.pairs[p].even_class.val();
            self.choice.rank_age[2 * p].next = self.pairs[p].even_age.val();
            self.choice.rank_class[2 * p + 1].next = self.pairs[p].odd_class.val();
            self.choice.rank_age[2 * p + 1].next = self.pairs[p].odd_age.val();
            self.wb.read[2 * p].next = self.pairs[p].even_old.val();
            self.wb.read[2 * p + 1].next = self.pairs[p].odd_old.val();
        }
        for p in 1..PAIRS {
            self.km.keq[2 * p - 1].next = self.pairs[p].even_keq.val();
        }
        self.km.c_desc.next = self.arb.c_desc.val();
        self.km.c_read.next = self.arb.c_read.val();
        self.km.c_sweep.next = self.arb.c_sweep.val();
        self.km.c_bucket.next = self.arb.c_bucket.val();
        self.km.c_way.next = self.arb.c_way.val();
        self.km.c_now.next = self.arb.c_now.val();
        self.km.c.next = self.arb.c.val();

        // ---- C2: the bucket as the item ahead left it, and this item's match (`patched_view`)
        self.view.c1_hit.next = self.km.a_hit.val();
        self.view.c1_hit_way.next = self.km.a_hit_way.val();
        self.view.same_bucket.next = self.km.a_same_b.val();
        self.view.same_key.next = self.km.a_same_key.val();
        self.view.pt_valid.next = self.wb.pt_valid.val();
        self.view.pt2_valid.next = self.wb.pt2_valid.val();
        self.view.pt_way.next = self.wb.pt_way.val();
        self.view.fa.next = self.wb.fa.val();
        self.view.fa2.next = self.wb.fa2.val();
        self.view.now.next = self.km.a_now.val();

        // ---- C2: where a new entry goes (`way_choice`): a free way or pair, else the victim
        self.choice.v6.next = self.km.a.val().v6;
        self.choice.fa_rank.next = self.view.fa_rank.val();
        for w in 0..WAYS {
            self.choice.patched[w].next = self.view.patched[w].val();
            self.choice.slot_valid[w].next = self.view.slot_valid[w].val();
            self.choice.slot_v6[w].next = self.view.slot_v6[w].val();
        }
        for p in 0..PAIRS {
            self.choice.cont_patched[p].next = self.view.cont_patched[p].val();
        }

        // ---- C2: decide (`entry_route`): the entry hit, a new one, or none
        self.route.desc.next = self.km.a_desc.val();
        self.route.flags.next = self.km.a.val().flags;
        self.route.flag_class.next = self.km.a.val().flag_class;
        self.route.v6.next = self.km.a.val().v6;
        self.route.hit.next = self.view.hit.val();
        self.route.hit_way.next = self.view.hit_way.val();
        self.route.free_any.next = self.choice.free_any.val();
        self.route.free_way.next = self.choice.free_way.val();
        self.route.victim_ok.next = self.choice.victim_ok.val();
        self.route.victim_way.next = self.choice.victim_way.val();
        self.route.victim_entries.next = self.choice.victim_entries.val();

        // ---- C2: apply
        self.apply.entry_in.next = self.view.hit_entry.val();
        self.apply.hit.next = self.view.hit.val();
        self.apply.sender_is_lo.next = self.km.a.val().src_is_lo;
        self.apply.seq.next = self.km.a.val().seq;
        self.apply.ack.next = self.km.a.val().ack;
        self.apply.seq_end.next = self.km.a.val().seq_end;
        self.apply.seq_plus1.next = self.km.a.val().seq_plus1;
        self.apply.seq_end_plus1.next = self.km.a.val().seq_end_plus1;
        self.apply.tsval.next = self.km.a.val().tsval;
        self.apply.ts_ok.next = self.km.a.val().ts_ok;
        self.apply.flags.next = self.km.a.val().flags;
        self.apply.flag_class.next = self.km.a.val().flag_class;
        self.apply.window.next = self.km.a.val().window;
        self.apply.wscale.next = self.km.a.val().wscale;
        self.apply.payload_len.next = self.km.a.val().payload_len;
        self.apply.v6.next = self.km.a.val().v6;
        self.apply.lo_ip.next = self.km.a.val().lo_ip;
        self.apply.lo_port.next = self.km.a.val().lo_port;
        self.apply.hi_ip.next = self.km.a.val().hi_ip;
        self.apply.hi_port.next = self.km.a.val().hi_port;
        self.apply.now.next = self.km.a.val().now;

        // ---- C2: write back (`write_back`; descriptors and sweeps, a host read writes
        // nothing), `fwd` and the patch for the successor
        self.write_en.next =
            (self.km.a_desc.val() || self.km.a_sweep.val()) && !self.km.a_kill.val();
        self.wb.write.next = self.write_en.val();
        self.wb.bucket.next = self.km.a_bucket.val();
        self.wb.r_bucket.next = self.arb.bucket.val();
        for w in 0..WAYS {
            self.wb.view[w].next = self.view.view[w].val();
            self.wb.alive[w].next = self.view.slot_valid[w].val();
        }
        for p in 0..PAIRS {
            self.wb.head_v6[p].next = self.view.slot_v6[2 * p].val();
        }
        self.wb.applied.next = self.route.applied.val();
        self.wb.created.next = self.route.created.val();
        self.wb.evicted.next = self.route.evicted.val();
        self.wb.sel_way.next = self.route.sel_way.val();
        self.wb.v6.next = self.km.a.val().v6;
        self.wb.lo_top.next = self.km.a.val().lo_top;
        self.wb.hi_top.next = self.km.a.val().hi_top;
        self.wb.entry_out.next = self.apply.entry_out.val();
        self.wb.kept.next = self.apply.kept.val();
        self.wb.next_now.next = self.arb.c_now.val();
        self.wb.timeouts.next = self.timeouts_q.q.val();
        self.wb.same_bucket.next = self.km.a_same_b.val();
        for w in 0..WAYS {
            self.rams[w].write_enable.next = self.write_en.val();
            self.rams[w].write_address.next = self.km.a_bucket.val();
            self.rams[w].write_data.next = self.wb.written[w].val();
        }
        self.ep_ram.write_enable.next = self.write_en.val();
        self.ep_ram.write_address.next = self.km.a_bucket.val();
        self.ep_ram.write_data.next = self.epoch_q.q.val();

        // ---- O: the gauges (`counter_bank`), from the write-back's snapshots (`gauge_snap`)
        self.bank.gvalid.next = self.wb.gauge_valid.val();
        for w in 0..WAYS {
            self.bank.snap_old[w].next = self.wb.snap_old[w].val();
            self.bank.snap_new[w].next = self.wb.snap_new[w].val();
        }

        // ---- C2→O: the records (`out_record`)
        self.rec.desc.next = self.km.a_desc.val();
        self.rec.read.next = self.km.a_read.val();
        self.rec.rd_way.next = self.km.a_way.val();
        self.rec.bucket.next = self.km.a_bucket.val();
        self.rec.flags.next = self.km.a.val().flags;
        self.rec.flag_class.next = self.km.a.val().flag_class;
        self.rec.src_is_lo.next = self.km.a.val().src_is_lo;
        self.rec.v6.next = self.km.a.val().v6;
        self.rec.lo_ip.next = self.km.a.val().lo_ip;
        self.rec.lo_top.next = self.km.a.val().lo_top;
        self.rec.lo_port.next = self.km.a.val().lo_port;
        self.rec.hi_ip.next = self.km.a.val().hi_ip;
        self.rec.hi_top.next = self.km.a.val().hi_top;
        self.rec.hi_port.next = self.km.a.val().hi_port;
        self.rec.now.next = self.km.a.val().now;
        self.rec.applied.next = self.route.applied.val();
        self.rec.created.next = self.route.created.val();
        self.rec.evicted.next = self.route.evicted.val();
        self.rec.n_evicted.next = self.route.n_evicted.val();
        self.rec.refused.next = self.route.refused.val();
        self.rec.sel_way.next = self.route.sel_way.val();
        self.rec.expired.next = self.wb.expired.val();
        self.rec.verdict.next = self.apply.verdict.val();
        self.rec.lo_before.next = self.apply.lo_before.val();
        self.rec.hi_before.next = self.apply.hi_before.val();
        self.rec.lo_changed.next = self.apply.lo_changed.val();
        self.rec.hi_changed.next = self.apply.hi_changed.val();
        self.rec.reincarnated.next = self.apply.reincarnated.val();
        self.rec.fin_held.next = self.apply.fin_held.val();
        self.rec.window_probe.next = self.apply.window_probe.val();
        self.rec.handshake_lost.next = self.apply.handshake_lost.val();
        self.rec.entry_out.next = self.apply.entry_out.val();
        for w in 0..WAYS {
            self.rec.view[w].next = self.view.view[w].val();
        }

        // ---- O: the event queue (`event_queue`: registers the record, pushes it if reportable)
        self.events.clock.next = self.clock.val();
        self.events.valid.next = self.km.a_desc.val();
        self.events.record.next = self.rec.ev.val();
        self.events.bucket.next = self.km.a_bucket.val();
        self.events.tops_in.next = self.rec.ev_top.val();
        self.events.pop.next = self.host.ev_pop.val();
        self.host.ev_valid.next = self.events.head_valid.val();
        self.host.ev_bucket.next = self.events.head_bucket.val();
        self.host.ev_lo_ip.next = self.events.head_lo_ip.val();
        self.host.ev_hi_ip.next = self.events.head_hi_ip.val();
        self.host.ev_record.next = self.events.head.val();

        // ---- O: the counters (`counter_bank`) and the outputs
        self.bank.record.next = self.rec.count.val();
        self.bank.record.next.events_dropped = self.events.dropped.val();
        self.bank.index.next = self.counter_index.val();
        self.counter_value.next = self.bank.value.val();
        SegmentRecord::<B>::link(&mut self.out, &mut self.rec.out);
        self.host.rd_valid.next = self.rec.rd_valid.val();
        self.host.rd_entry.next = self.rec.rd_entry.val();
        self.host.rd_alive.next = self.rec.rd_alive.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.timeouts_q.d.next = self.timeouts_default.val();
        }
        // ---- hash key load: the table is emptied (new epoch; `write_back` forwards no bucket
        // written under the old one). Not undone by reset.
        if self.host.key_load.val() {
            self.epoch_q.d.next = !self.epoch_q.q.val();
        }
    }
}

/// The 35T core: 512 buckets × [`WAYS`] ways (4 on the board), 512 event records.
pub type ConnCore35T = ConnCore<BUCKET_BITS_35T, EVENT_FIFO_BITS_35T, { EVENT_FIFO_BITS_35T + 1 }>;
/// The 100T core: 2048 buckets × [`WAYS`] ways (4 on the board), 512 event records.
pub type ConnCore100T =
    ConnCore<BUCKET_BITS_100T, EVENT_FIFO_BITS_35T, { EVENT_FIFO_BITS_35T + 1 }>;
/// The simulation core: 64 buckets × [`WAYS`] ways, 16 event records.
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
    u.desc.link_connect_dest();
    u.host.link_connect_dest();
    u.counter_index.connect();
    u.counter_snap.connect();
    u.counter_frozen.connect();
    u
}

/// Bits of `EntryBits` (re-exported for the harness).
pub const ENTRY_WIDTH: usize = ENTRY_BITS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conn_core_small_is_synthesizable() {
        // The block is built on the stack: at 8 ways it needs more than a test thread's 2 MiB.
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(|| {
                let mut u: ConnCoreSmall = connected();
                u.connect_all();
                yosys_validate("synscope_conn_core_small", &generate_verilog(&u)).unwrap();
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
