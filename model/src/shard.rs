//! Offline analysis on several threads, with the same result as on one.
//!
//! Connections are sharded by the keyed Toeplitz hash the hardware uses to pick a connection's
//! bucket ([`crate::hash`], with the tracker's default key): a frame's shard is its bucket
//! (the hash's low bits for a bounded table, the whole hash for an unbounded one) modulo the
//! number of shards. Both directions of a connection have the same key, so all of a
//! connection's segments go to one shard, in capture order, and a bounded table's bucket
//! belongs to one shard whole (its ways, evictions and sweep visits stay together).
//!
//! Each shard reads the whole capture on its own thread and keeps the frames of its
//! connections; it runs its own [`Analyzer`] on them. What a single tracker would know that a
//! shard does not is the clock: a shard's tracker is advanced, before each of its frames, to
//! the time the single tracker would have (the latest second of the frames before it that the
//! tracker took), and its records to the capture's clock; every shard works both out from the
//! frames it reads, its own and the others'. Which frames the tracker takes (they parse)
//! matters only for a frame that would move the clock, so a shard parses another's frame only
//! then (at most one frame per new second in a capture in time order), and the frames whose
//! endpoints the quick look (`peek_endpoints`) cannot find, to shard them by their parsed key.
//!
//! At the end each shard is aged to the same clock; the reports are merged: counters summed,
//! listeners united, connections in order of the frame that created them (each shard's list is
//! already in that order), so the merged report is the single tracker's, connection for
//! connection (`tests/shard.rs` holds it to that on every thread count).
//!
//! Scaling: besides its share of the frames, a shard pays for a look at every frame of the
//! capture (the record header, the endpoints, 12 table lookups of the hash), a small fraction
//! of what a frame of its own costs (parse, lookup, aging, the state machines, statistics).
//! There is no reader thread to wait on or to share a core with, and each shard takes its
//! frames while their bytes are still in its own cache: shards scale with cores until memory
//! bandwidth (every shard reads every byte) is the limit.

use crate::analysis::{Ahead, AnalysisReport, Analyzer, ConnectionReport, Due};
use crate::capture::{cut_short, for_each_frame, CaptureError};
use crate::descriptor::FlowKey;
use crate::frame::{pad_to_minimum, parse_captured, parse_frame, peek_endpoints, MIN_FRAME_LEN};
use crate::hash::{ToeplitzTable, DEFAULT_HASH_KEY};
use crate::table::TableShape;
use crate::tracker::TrackerConfig;
use std::time::Duration;

/// Which shard a frame goes to: the bucket of its connection under the hardware's keyed hash,
/// modulo the number of shards.
pub struct Sharder {
    hash: ToeplitzTable,
    bucket_mask: u32,
    shards: u32,
    pad: Vec<u8>,
}

impl Sharder {
    pub fn new(shape: TableShape, shards: usize) -> Sharder {
        assert!(shards > 0, "at least one shard");
        let bucket_mask = match shape {
            TableShape::Bounded { buckets, .. } => (buckets - 1) as u32,
            TableShape::Unbounded => u32::MAX,
        };
        Sharder {
            hash: ToeplitzTable::new(&DEFAULT_HASH_KEY),
            bucket_mask,
            shards: shards as u32,
            pad: Vec::with_capacity(MIN_FRAME_LEN),
        }
    }

    /// The shard of the connection `key`.
    #[inline]
    pub fn of_key(&self, key: &FlowKey) -> usize {
        ((self.hash.hash(key.hash_input().as_slice()) & self.bucket_mask) % self.shards) as usize
    }

    /// The shard of a captured frame (frames whose connection cannot be found are counted by
    /// shard 0: they only move counters).
    #[inline]
    pub fn of_frame(&mut self, data: &[u8], orig_len: u32) -> usize {
        match peek_endpoints(data).or_else(|| self.parse(data, orig_len)) {
            Some((src, dst)) => self.of_key(&FlowKey::of(src, dst).0),
            None => 0,
        }
    }

    /// The endpoints of a frame that the tracker takes (it parses), as the tracker pads it
    /// (or, cut by the snap length, as it parses a captured frame: `Analyzer::take`).
    fn parse(&mut self, data: &[u8], orig_len: u32) -> Option<(crate::Endpoint, crate::Endpoint)> {
        let wire_len = (orig_len as usize).max(data.len());
        if wire_len > data.len() {
            return parse_captured(data, wire_len.max(MIN_FRAME_LEN), 0)
                .ok()
                .map(|d| (d.src, d.dst));
        }
        let frame = if data.len() < MIN_FRAME_LEN {
            pad_to_minimum(data, &mut self.pad);
            &self.pad[..]
        } else {
            data
        };
        parse_frame(frame, 0).ok().map(|d| (d.src, d.dst))
    }

    /// The tracker takes this frame (it parses).
    fn taken(&mut self, data: &[u8], orig_len: u32) -> bool {
        self.parse(data, orig_len).is_some()
    }
}

/// Analyze a capture held in memory on `threads` shards (1: [`crate::analysis::analyze_capture`]
/// on this thread). The report is the single tracker's.
pub fn analyze_capture_sharded(
    bytes: &[u8],
    config: TrackerConfig,
    threads: usize,
) -> Result<AnalysisReport, CaptureError> {
    if threads <= 1 {
        return crate::analysis::analyze_capture(bytes, config);
    }
    let shards: Vec<Result<(Part, Read), CaptureError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                std::thread::Builder::new()
                    .name(format!("shard {k}"))
                    .spawn_scoped(scope, move || shard(bytes, config, k, threads))
                    .expect("starting a shard thread")
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a shard thread panicked"))
            .collect()
    });
    let mut parts = Vec::with_capacity(threads);
    let mut read = None;
    for s in shards {
        // Every shard read the same bytes: the same error, or the same `Read`.
        let (part, r) = s?;
        parts.push(part);
        read.get_or_insert(r);
    }
    let read = read.expect("at least two shards");
    Ok(merge(parts, &read))
}

/// What a shard saw of the whole capture (every shard sees the same).
struct Read {
    /// The capture's clock at the end (latest timestamp).
    now: Duration,
    /// The single tracker's time at the end, in ticks (`None`: it never took a frame).
    tracker_now: Option<u32>,
    /// The file ended inside a frame: the frames before it were read.
    cut_short: bool,
}

/// A shard's report, and beside each of its connections the index of the frame that created it.
type Part = (AnalysisReport, Vec<u64>);

/// Shard `k` of `shards`: read the whole capture, keep the clocks a single tracker would keep,
/// and run the frames of this shard's connections through its own analyzer (loading ahead on
/// an unbounded table; the bytes were just read on this thread, so they are in its cache); at
/// the end, age the shard to the single tracker's clock and report.
fn shard(
    bytes: &[u8],
    config: TrackerConfig,
    k: usize,
    shards: usize,
) -> Result<(Part, Read), CaptureError> {
    let mut sharder = Sharder::new(config.shape, shards);
    let mut a = Analyzer::new(config);
    let bounded = config.shape.capacity().is_some();
    let mut ahead = Ahead::new();
    let mut read = Read {
        now: Duration::ZERO,
        tracker_now: None,
        cut_short: false,
    };
    let mut index = 0u64;
    let cut = cut_short(for_each_frame(bytes, |f| {
        let i = index;
        index += 1;
        read.now = read.now.max(f.timestamp);
        let tracker_now = read.tracker_now;
        let time = crate::time::ticks(f.timestamp);
        let ahead_of_tracker = read.tracker_now.is_none_or(|t| crate::time::later(time, t));
        if ahead_of_tracker && sharder.taken(f.data, f.orig_len) {
            read.tracker_now = Some(time);
        }
        if sharder.of_frame(f.data, f.orig_len) != k {
            return;
        }
        let due = Due {
            index: i,
            timestamp: f.timestamp,
            now: read.now,
            tracker_now,
            data: f.data,
            orig_len: f.orig_len,
        };
        if bounded {
            a.take(&due);
        } else {
            ahead.push(&mut a, due);
        }
    }))?;
    ahead.flush(&mut a);
    read.cut_short = cut;
    Ok((a.finish_at(read.now, read.tracker_now), read))
}

/// One report from the shards' reports: as a single tracker's.
fn merge(mut parts: Vec<Part>, read: &Read) -> AnalysisReport {
    let mut counters = crate::Counters::default();
    let mut listeners = Vec::new();
    let mut total = 0;
    let mut truncated = 0;
    for (r, _) in &parts {
        truncated += r.capture_truncated;
        for (c, v) in r.counters.iter() {
            counters.add(c, v);
        }
        listeners.extend_from_slice(&r.listeners);
        total += r.connections.len();
    }
    listeners.sort_unstable();
    listeners.dedup();
    // Each part is in order of first appearance: merge them by the creating frame's index.
    let mut connections: Vec<ConnectionReport> = Vec::with_capacity(total);
    let mut lists: Vec<_> = parts
        .iter_mut()
        .map(|(r, first)| {
            let conns = std::mem::take(&mut r.connections);
            conns.into_iter().zip(std::mem::take(first)).peekable()
        })
        .collect();
    loop {
        let next = lists
            .iter_mut()
            .enumerate()
            .filter_map(|(k, l)| l.peek().map(|(_, first)| (*first, k)))
            .min();
        let Some((_, k)) = next else {
            break;
        };
        let (c, _) = lists[k].next().expect("peeked");
        connections.push(c);
    }
    AnalysisReport {
        connections,
        counters,
        listeners,
        capture_truncated: truncated,
        file_cut_short: read.cut_short,
        end_time: read.now,
    }
}
