//! `counter_bank`: the core's counters and live state gauges, with a snapshot read port
//! (docs/core.md, "Counters" and "Snapshot").

use super::segment_apply::{V_RST, V_SYN_CHALLENGED, V_UNACCEPTABLE, V_UNTRACKED};
use super::{OUT_VERDICT_BITS, WAYS, WAY_COUNT_BITS};
use crate::conn::entry::STATE_BITS;
use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;
use synscope_model::{Counter, FlagClass, TcpState};

/// Width of a counter.
pub const COUNTER_BITS: usize = 48;
/// Width of `counter_index`: the model's `Counter` discriminants, then the state gauges.
pub const COUNTER_INDEX_BITS: usize = 7;
/// The counters the core owns: `Counter::FlagFin ..= Counter::EventsDropped`, in bank order.
pub const FIRST_COUNTER: Counter = Counter::FlagFin;
pub const LAST_COUNTER: Counter = Counter::EventsDropped;
/// Number of counters the core owns.
pub const CORE_COUNTERS: usize = LAST_COUNTER as usize - FIRST_COUNTER as usize + 1;
/// Live state gauges: the number of live entries whose client endpoint is in state `s` is at
/// counter index `FIRST_GAUGE + s`, whose server endpoint is in state `s` at
/// `FIRST_GAUGE + STATES + s` (`s` = `TcpState` discriminant).
pub const FIRST_GAUGE: usize = Counter::COUNT;
/// Number of endpoint states (`TcpState::COUNT`).
pub const STATES: usize = TcpState::COUNT;
/// Number of gauges (client and server, per state).
pub const GAUGES: usize = 2 * STATES;
/// Width of a gauge (up to 8K entries on the 100T).
pub const GAUGE_BITS: usize = 16;

const _: () = assert!(FIRST_GAUGE + GAUGES <= 1 << COUNTER_INDEX_BITS);
const _: () = assert!(CORE_COUNTERS == 36);
const _: () = assert!(Counter::EventsDropped as usize == Counter::COUNT - 1);

/// Inputs of the counter bank: one processed item's record.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct CountRecord {
    /// A descriptor (every field below but `expired` is for descriptors only).
    pub desc: Bit,
    pub flags: Bits<9>,
    pub flag_class: Bits<3>,
    pub verdict: Bits<OUT_VERDICT_BITS>,
    pub reincarnated: Bit,
    pub picked_up: Bit,
    pub created: Bit,
    pub state_changes: Bits<2>,
    /// Entries evicted (an IPv6 entry may clear a pair of IPv4 ones).
    pub evicted: Bits<2>,
    pub refused: Bit,
    /// segment_apply's notes (`segment::Notes`).
    pub fin_held: Bit,
    pub window_probe: Bit,
    pub handshake_lost: Bit,
    /// Dead entries removed by a descriptor or a sweep visit.
    pub expired: Bits<WAY_COUNT_BITS>,
    /// An event record was dropped (the event FIFO was full).
    pub events_dropped: Bit,
}

/// What the state gauges need of one way of a bucket (before or after a write-back).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct WaySnap {
    pub valid: Bit,
    pub client_is_lo: Bit,
    pub lo_state: Bits<STATE_BITS>,
    pub hi_state: Bits<STATE_BITS>,
}

impl WaySnap {
    /// `(client state, server state)` of a valid way.
    pub fn states(&self) -> Option<(usize, usize)> {
        let lo = self.lo_state.to_u64() as usize;
        let hi = self.hi_state.to_u64() as usize;
        self.valid.then_some(if self.client_is_lo {
            (lo, hi)
        } else {
            (hi, lo)
        })
    }
}

/// The change of each gauge for one write-back: `[client per state, server per state]`.
pub fn gauge_deltas(valid: bool, old: &[WaySnap; WAYS], new: &[WaySnap; WAYS]) -> [i64; GAUGES] {
    let mut d = [0i64; GAUGES];
    if valid {
        for (snaps, sign) in [(old, -1), (new, 1)] {
            for w in snaps {
                if let Some((c, s)) = w.states() {
                    if c < STATES {
                        d[c] += sign;
                    }
                    if s < STATES {
                        d[STATES + s] += sign;
                    }
                }
            }
        }
    }
    d
}

/// The increment of each owned counter for one record, in bank order (the rust-hdl
/// simulation of [`CounterBank`]; the Verilog computes the same).
pub fn increments(r: &CountRecord) -> [u64; CORE_COUNTERS] {
    let mut inc = [0u64; CORE_COUNTERS];
    let d = r.desc;
    let idx = |c: Counter| c as usize - FIRST_COUNTER as usize;
    if d {
        for (i, v) in inc.iter_mut().enumerate().take(9) {
            *v = r.flags.get_bit(i) as u64;
        }
        let class = r.flag_class.to_u64() as usize;
        if class <= FlagClass::Invalid as usize {
            inc[idx(Counter::ClassSyn) + class] = 1;
        }
        let v = r.verdict.to_u64();
        if (V_RST..V_RST + 4).contains(&v) {
            inc[idx(Counter::RstExact) + (v - V_RST) as usize] = 1;
        }
        inc[idx(Counter::SynInSync)] = (v == V_SYN_CHALLENGED) as u64;
        if (V_UNACCEPTABLE..V_UNACCEPTABLE + 4).contains(&v) {
            inc[idx(Counter::SegOutOfWindow) + (v - V_UNACCEPTABLE) as usize] = 1;
        }
        inc[idx(Counter::FinHeld)] = r.fin_held as u64;
        inc[idx(Counter::WindowProbes)] = r.window_probe as u64;
        inc[idx(Counter::HandshakeLost)] = r.handshake_lost as u64;
        inc[idx(Counter::Reincarnations)] = r.reincarnated as u64;
        inc[idx(Counter::PickedUp)] = r.picked_up as u64;
        inc[idx(Counter::Untracked)] = (v == V_UNTRACKED) as u64;
        inc[idx(Counter::Created)] = r.created as u64;
        inc[idx(Counter::StateChanges)] = r.state_changes.to_u64();
        inc[idx(Counter::Evicted)] = r.evicted.to_u64();
        inc[idx(Counter::TableFull)] = r.refused as u64;
    }
    inc[idx(Counter::Expired)] = r.expired.to_u64();
    inc[idx(Counter::EventsDropped)] = r.events_dropped as u64;
    inc
}

/// The counter bank: [`CORE_COUNTERS`] 48-bit counters, each incremented from one registered
/// [`CountRecord`] per clock; [`GAUGES`] live state gauges, each moved by the change one
/// write-back makes to its bucket (`gvalid`, the ways before, `snap_old`, and after, `snap_new`: a
/// delta register, then the add, so a gauge follows its write-back two edges later); and a
/// registered read port indexed by the model's `Counter` discriminant, then the gauges (0 for
/// anything else). `reset` clears the counters, not the gauges (they describe the table, which
/// reset keeps); `clear` (a hash-key load: the table is emptied) zeroes the gauges and the
/// delta in flight. The read port reads a snapshot bank, which copies every counter and gauge
/// at every edge while `frozen` is low and at a `snap` edge, and holds while `frozen` (the
/// host's consistent `READ_COUNTERS`, docs/protocol.md "Operations": a copy rather than a
/// freeze, because a frozen counter would have to catch up on the increments it missed). So
/// an unfrozen read sees the values one edge late, and the read mux has one source per
/// counter, not two (about 1,000 LUTs less on the 35T). Custom Verilog (adders side by side,
/// a case for the read mux); `update` simulates the same for rust-hdl.
#[derive(LogicBlock)]
pub struct CounterBank {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub record: Signal<In, CountRecord>,
    pub clear: Signal<In, Bit>,
    pub gvalid: Signal<In, Bit>,
    pub snap_old: [Signal<In, WaySnap>; WAYS],
    pub snap_new: [Signal<In, WaySnap>; WAYS],
    pub index: Signal<In, Bits<COUNTER_INDEX_BITS>>,
    /// Copy every counter and gauge into the snapshot at this edge.
    pub snap: Signal<In, Bit>,
    /// The read port reads the snapshot (else the live values).
    pub frozen: Signal<In, Bit>,
    pub value: Signal<Out, Bits<COUNTER_BITS>>,
    _counts: [u64; CORE_COUNTERS],
    _gauges: [u64; GAUGES],
    _deltas: [i64; GAUGES],
    _snap_counts: [u64; CORE_COUNTERS],
    _snap_gauges: [u64; GAUGES],
}

impl Default for CounterBank {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            record: Default::default(),
            clear: Default::default(),
            gvalid: Default::default(),
            snap_old: Default::default(),
            snap_new: Default::default(),
            index: Default::default(),
            snap: Default::default(),
            frozen: Default::default(),
            value: Default::default(),
            _counts: [0; CORE_COUNTERS],
            _gauges: [0; GAUGES],
            _deltas: [0; GAUGES],
            _snap_counts: [0; CORE_COUNTERS],
            _snap_gauges: [0; GAUGES],
        }
    }
}

impl Logic for CounterBank {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let i = self.index.val().to_u64() as usize;
            let first = FIRST_COUNTER as usize;
            let (counts, gauges) = (self._snap_counts, self._snap_gauges);
            let v = if (first..first + CORE_COUNTERS).contains(&i) {
                counts[i - first]
            } else if (FIRST_GAUGE..FIRST_GAUGE + GAUGES).contains(&i) {
                gauges[i - FIRST_GAUGE]
            } else {
                0
            };
            self.value.next = (v & ((1 << COUNTER_BITS) - 1)).to_bits();
            if self.snap.val() || !self.frozen.val() {
                self._snap_counts = self._counts;
                self._snap_gauges = self._gauges;
            }
            if self.reset.val() {
                self._counts = [0; CORE_COUNTERS];
            } else {
                let inc = increments(&self.record.val());
                for (c, n) in self._counts.iter_mut().zip(inc) {
                    *c = c.wrapping_add(n) & ((1 << COUNTER_BITS) - 1);
                }
            }
            if self.clear.val() {
                self._gauges = [0; GAUGES];
                self._deltas = [0; GAUGES];
            } else {
                for (g, d) in self._gauges.iter_mut().zip(self._deltas) {
                    *g = g.wrapping_add(d as u64) & ((1 << GAUGE_BITS) - 1);
                }
                let old = self.snap_old.each_ref().map(|s| s.val());
                let new = self.snap_new.each_ref().map(|s| s.val());
                self._deltas = gauge_deltas(self.gvalid.val(), &old, &new);
            }
        }
    }

    fn connect(&mut self) {
        self.value.connect();
    }

    fn hdl(&self) -> Verilog {
        let r = CountRecord::default();
        // Field offsets of the record (LSB first).
        let f = |off: usize, w: usize| {
            if w == 1 {
                format!("record[{off}]")
            } else {
                format!("record[{}:{off}]", off + w - 1)
            }
        };
        let desc = f(r.get_my_offset_desc(), 1);
        let flags = r.get_my_offset_flags();
        let class = f(r.get_my_offset_flag_class(), 3);
        let verdict = f(r.get_my_offset_verdict(), OUT_VERDICT_BITS);
        let mut incs: Vec<(String, usize)> = Vec::new();
        for i in 0..9 {
            incs.push((format!("{desc} & record[{}]", flags + i), 1));
        }
        for c in 0..=FlagClass::Invalid as usize {
            incs.push((format!("{desc} & ({class} == 3'd{c})"), 1));
        }
        for k in 0..4 {
            incs.push((
                format!("{desc} & ({verdict} == {OUT_VERDICT_BITS}'d{})", V_RST + k),
                1,
            ));
        }
        incs.push((
            format!("{desc} & ({verdict} == {OUT_VERDICT_BITS}'d{V_SYN_CHALLENGED})"),
            1,
        ));
        for k in 0..4 {
            incs.push((
                format!(
                    "{desc} & ({verdict} == {OUT_VERDICT_BITS}'d{})",
                    V_UNACCEPTABLE + k
                ),
                1,
            ));
        }
        incs.push((format!("{desc} & {}", f(r.get_my_offset_fin_held(), 1)), 1));
        incs.push((
            format!("{desc} & {}", f(r.get_my_offset_window_probe(), 1)),
            1,
        ));
        incs.push((
            format!("{desc} & {}", f(r.get_my_offset_handshake_lost(), 1)),
            1,
        ));
        incs.push((
            format!("{desc} & {}", f(r.get_my_offset_reincarnated(), 1)),
            1,
        ));
        incs.push((format!("{desc} & {}", f(r.get_my_offset_picked_up(), 1)), 1));
        incs.push((
            format!("{desc} & ({verdict} == {OUT_VERDICT_BITS}'d{V_UNTRACKED})"),
            1,
        ));
        incs.push((format!("{desc} & {}", f(r.get_my_offset_created(), 1)), 1));
        incs.push((
            format!(
                "{{2{{{desc}}}}} & {}",
                f(r.get_my_offset_state_changes(), 2)
            ),
            2,
        ));
        incs.push((f(r.get_my_offset_expired(), WAY_COUNT_BITS), WAY_COUNT_BITS));
        incs.push((
            format!("{{2{{{desc}}}}} & {}", f(r.get_my_offset_evicted(), 2)),
            2,
        ));
        incs.push((format!("{desc} & {}", f(r.get_my_offset_refused(), 1)), 1));
        incs.push((f(r.get_my_offset_events_dropped(), 1), 1));
        assert_eq!(incs.len(), CORE_COUNTERS);
        let n = COUNTER_BITS;
        let mut v = String::new();
        for (k, (expr, w)) in incs.iter().enumerate() {
            v.push_str(&format!(
                "reg [{}:0] cnt_{k};\nwire [{}:0] inc_{k} = {expr};\ninitial cnt_{k} = {n}'d0;\n",
                n - 1,
                w - 1
            ));
        }
        // Gauges: per gauge, how many ways match after minus before (a two's complement
        // delta of `WAY_COUNT_BITS + 1` bits, registered), then the add.
        let ws = WaySnap::default();
        let (sv, sc) = (ws.get_my_offset_valid(), ws.get_my_offset_client_is_lo());
        let (slo, shi) = (ws.get_my_offset_lo_state(), ws.get_my_offset_hi_state());
        let sb = STATE_BITS;
        let g = GAUGE_BITS;
        // A count of ways: `WAY_COUNT_BITS` bits (a delta one more).
        let cb = WAY_COUNT_BITS;
        // Each gauge's delta, written where it is registered (under `gvalid`, so that the
        // simulator evaluates it only then).
        let mut deltas = Vec::with_capacity(GAUGES);
        for k in 0..GAUGES {
            let (s, client) = (k % STATES, k < STATES);
            let m = |x: &str| {
                let lo = format!("{x}[{}:{slo}]", slo + sb - 1);
                let hi = format!("{x}[{}:{shi}]", shi + sb - 1);
                let (a, b) = if client { (lo, hi) } else { (hi, lo) };
                format!(
                    "{{{}'d0, {x}[{sv}] & (({x}[{sc}] ? {a} : {b}) == {sb}'d{s})}}",
                    cb - 1
                )
            };
            let sum = |p: &str| {
                (0..WAYS)
                    .map(|w| m(&format!("{p}${w}")))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            v.push_str(&format!(
                "reg [{}:0] gauge_{k};\ninitial gauge_{k} = {g}'d0;\n\
                 reg [{cb}:0] gd_{k};\ninitial gd_{k} = {}'d0;\n",
                g - 1,
                cb + 1,
            ));
            deltas.push(format!(
                "({{1'b0, {}}} - {{1'b0, {}}})",
                sum("snap_new"),
                sum("snap_old")
            ));
        }
        // The snapshot: a copy of every counter and gauge taken at one edge (`snap`).
        for k in 0..CORE_COUNTERS {
            v.push_str(&format!(
                "reg [{}:0] snap_cnt_{k};\ninitial snap_cnt_{k} = {n}'d0;\n",
                n - 1
            ));
        }
        for k in 0..GAUGES {
            v.push_str(&format!(
                "reg [{}:0] snap_gauge_{k};\ninitial snap_gauge_{k} = {g}'d0;\n",
                g - 1
            ));
        }
        // Registers load only where they change, so that the bank holds still (and the
        // simulator does no work) on an idle cycle: a counter when a record counts anything
        // (every increment but `expired`'s and `events_dropped`'s is gated by `desc`), a
        // delta when a write-back is reported or the delta in flight is to be zeroed, a gauge
        // when a delta is in flight (`gd_any`: every delta is zero otherwise), and the
        // snapshot when it would copy and something changed since its last copy (`stale`:
        // while it is low the snapshot equals the live values, so a copy would change nothing).
        // The enables are the flip-flops' CE pins.
        let counts = format!(
            "{desc} | (|{}) | {}",
            f(r.get_my_offset_expired(), WAY_COUNT_BITS),
            f(r.get_my_offset_events_dropped(), 1)
        );
        v.push_str(&format!(
            "wire counts = {counts};\nwire copies = snap | ~frozen;\n\
             reg stale;\ninitial stale = 1'b0;\nreg gd_any;\ninitial gd_any = 1'b0;\n"
        ));
        v.push_str("always @(posedge clock) begin\n");
        v.push_str("   stale <= reset | counts | clear | gd_any | (stale & ~copies);\n");
        v.push_str("   gd_any <= gvalid & ~clear;\n");
        v.push_str("   if (copies & stale) begin\n");
        for k in 0..CORE_COUNTERS {
            v.push_str(&format!("      snap_cnt_{k} <= cnt_{k};\n"));
        }
        for k in 0..GAUGES {
            v.push_str(&format!("      snap_gauge_{k} <= gauge_{k};\n"));
        }
        v.push_str("   end\n   if (reset | counts) begin\n");
        for (k, (_, w)) in incs.iter().enumerate() {
            v.push_str(&format!(
                "      cnt_{k} <= reset ? {n}'d0 : cnt_{k} + {{{}'d0, inc_{k}}};\n",
                n - w
            ));
        }
        v.push_str("   end\n   if (clear | gvalid | gd_any) begin\n");
        for (k, delta) in deltas.iter().enumerate() {
            v.push_str(&format!(
                "      gd_{k} <= (clear | ~gvalid) ? {}'d0 : {delta};\n",
                cb + 1
            ));
        }
        v.push_str("   end\n   if (clear | gd_any) begin\n");
        for k in 0..GAUGES {
            v.push_str(&format!(
                "      gauge_{k} <= clear ? {g}'d0 : gauge_{k} + {{{{{}{{gd_{k}[{cb}]}}}}, gd_{k}}};\n",
                g - cb - 1
            ));
        }
        v.push_str("   end\n");
        v.push_str("   case (index)\n");
        for k in 0..CORE_COUNTERS {
            v.push_str(&format!(
                "   {COUNTER_INDEX_BITS}'d{}: value <= snap_cnt_{k};\n",
                FIRST_COUNTER as usize + k
            ));
        }
        for k in 0..GAUGES {
            v.push_str(&format!(
                "   {COUNTER_INDEX_BITS}'d{}: value <= {{{}'d0, snap_gauge_{k}}};\n",
                FIRST_GAUGE + k,
                n - g
            ));
        }
        v.push_str(&format!("   default: value <= {n}'d0;\n   endcase\nend\n"));
        // Unused record bits: none (every field is read).
        Verilog::Custom(v)
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "counter_bank".into(),
            clock: "clock".into(),
            inputs: vec![
                "record".into(),
                "index".into(),
                "snap".into(),
                "frozen".into(),
                "reset".into(),
                "clear".into(),
                "gvalid".into(),
            ]
            .into_iter()
            .chain((0..WAYS).map(|w| format!("snap_old${w}")))
            .chain((0..WAYS).map(|w| format!("snap_new${w}")))
            .collect(),
            outputs: vec!["value".into()],
        }]
    }
}

/// Connect the bank's inputs (a top of its own: the synthesis check, the Verilator test).
pub fn connect_inputs(u: &mut CounterBank) {
    u.clock.connect();
    u.reset.connect();
    u.record.connect();
    u.clear.connect();
    u.gvalid.connect();
    for w in 0..WAYS {
        u.snap_old[w].connect();
        u.snap_new[w].connect();
    }
    u.index.connect();
    u.snap.connect();
    u.frozen.connect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_bank_is_synthesizable() {
        let mut uut = CounterBank::default();
        connect_inputs(&mut uut);
        uut.connect_all();
        yosys_validate("synscope_counter_bank", &generate_verilog(&uut)).unwrap();
    }
}
