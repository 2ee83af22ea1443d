//! Offline analysis on several threads, with the same result as on one.
//!
//! Connections are sharded by the keyed Toeplitz hash the hardware uses to pick a connection's
//! bucket ([`crate::hash`], with the tracker's default key): a frame's shard is its bucket
//! (the hash's low bits for a bounded table, the whole hash for an unbounded one) modulo the
//! number of shards. Both directions of a connection have the same key, so all of a
//! connection's segments go to one shard, in capture order, and a bounded table's bucket
//! belongs to one shard whole (its ways, evictions and sweep visits stay together).
//!
//! One thread reads the capture and deals the frames out in batches; each shard runs its own
//! [`Analyzer`] on its frames. What a single tracker would know that a shard does not is the
//! clock: a shard's tracker is advanced, before each of its frames, to the time the single
//! tracker would have (the latest second of the frames before it that the tracker took), and
//! its records to the capture's clock; both are carried with the frame. Which frames the
//! tracker takes (they parse) matters only for a frame that would move the clock, so the
//! reader parses only those (at most one frame per new second in a capture in time order),
//! and the frames whose endpoints the quick look (`peek_endpoints`) cannot find, to shard them
//! by their parsed key.
//!
//! At the end each shard is aged to the same clock; the reports are merged: counters summed,
//! listeners united, connections in order of the frame that created them (each shard's list is
//! already in that order), so the merged report is the single tracker's, connection for
//! connection (`tests/shard.rs` holds it to that on every thread count).
//!
//! Scaling: the reader's work per frame (the record header, a look at the endpoints, 12 table
//! lookups of the hash, a copy into a batch) is a small fraction of a shard's (parse, lookup,
//! aging, the state machines, statistics), so shards scale with cores until the reader's
//! thread or memory bandwidth is the limit; on a machine with as many cores as shards plus one
//! the shards run side by side, on fewer they share cores with the reader.

use crate::analysis::{Ahead, AnalysisReport, Analyzer, ConnectionReport, Due};
use crate::capture::{cut_short, for_each_frame, CaptureError};
use crate::descriptor::FlowKey;
use crate::frame::{pad_to_minimum, parse_captured, parse_frame, peek_endpoints, MIN_FRAME_LEN};
use crate::hash::{ToeplitzTable, DEFAULT_HASH_KEY};
use crate::table::TableShape;
use crate::tracker::TrackerConfig;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Duration;

/// Frames per batch handed to a shard (small enough that their bytes, read by the reader, are
/// still in the shared cache when the shard takes them).
const BATCH: usize = 1024;
/// Batches in flight per shard (the reader waits beyond).
const IN_FLIGHT: usize = 4;

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

/// A batch of frames for one shard.
type Batch<'a> = Vec<Due<'a>>;

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
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(threads);
        let mut workers = Vec::with_capacity(threads);
        for k in 0..threads {
            let (tx, rx) = sync_channel::<Batch<'_>>(IN_FLIGHT);
            senders.push(tx);
            let worker = std::thread::Builder::new()
                .name(format!("shard {k}"))
                .spawn_scoped(scope, move || shard(config, rx))
                .expect("starting a shard thread");
            workers.push(worker);
        }
        let read = deal(bytes, config, &senders);
        drop(senders);
        let shards: Vec<Analyzer> = workers
            .into_iter()
            .map(|w| w.join().expect("a shard thread panicked"))
            .collect();
        let read = read?;
        Ok(merge(shards, &read))
    })
}

/// What the reader saw of the whole capture.
struct Read {
    /// The capture's clock at the end (latest timestamp).
    now: Duration,
    /// The single tracker's time at the end, in ticks (`None`: it never took a frame).
    tracker_now: Option<u32>,
    /// The file ended inside a frame: the frames before it were read.
    cut_short: bool,
}

/// Read the capture and deal its frames out to the shards.
fn deal<'a>(
    bytes: &'a [u8],
    config: TrackerConfig,
    senders: &[SyncSender<Batch<'a>>],
) -> Result<Read, CaptureError> {
    let mut sharder = Sharder::new(config.shape, senders.len());
    let mut batches: Vec<Batch<'a>> = (0..senders.len())
        .map(|_| Vec::with_capacity(BATCH))
        .collect();
    let mut read = Read {
        now: Duration::ZERO,
        tracker_now: None,
        cut_short: false,
    };
    let mut index = 0u64;
    let send = |k: usize, batch: &mut Batch<'a>| {
        let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
        // A shard that stopped (it panicked) is reported when it is joined.
        let _ = senders[k].send(full);
    };
    let cut = cut_short(for_each_frame(bytes, |f| {
        let i = index;
        index += 1;
        read.now = read.now.max(f.timestamp);
        let k = sharder.of_frame(f.data, f.orig_len);
        let tracker_now = read.tracker_now;
        let time = crate::time::ticks(f.timestamp);
        let ahead = read.tracker_now.is_none_or(|t| crate::time::later(time, t));
        if ahead && sharder.taken(f.data, f.orig_len) {
            read.tracker_now = Some(time);
        }
        batches[k].push(Due {
            index: i,
            timestamp: f.timestamp,
            now: read.now,
            tracker_now,
            data: f.data,
            orig_len: f.orig_len,
        });
        if batches[k].len() == BATCH {
            send(k, &mut batches[k]);
        }
    }))?;
    read.cut_short = cut;
    for (k, b) in batches.iter_mut().enumerate() {
        if !b.is_empty() {
            send(k, b);
        }
    }
    Ok(read)
}

/// Run one shard's frames through its own analyzer (loading ahead on an unbounded table).
fn shard(config: TrackerConfig, rx: Receiver<Batch<'_>>) -> Analyzer {
    let mut a = Analyzer::new(config);
    let bounded = config.shape.capacity().is_some();
    let mut ahead = Ahead::cold();
    for batch in rx {
        for f in batch {
            if bounded {
                a.take(&f);
            } else {
                ahead.push(&mut a, f);
            }
        }
    }
    ahead.flush(&mut a);
    a
}

/// One report from the shards' reports: as a single tracker's.
fn merge(shards: Vec<Analyzer>, read: &Read) -> AnalysisReport {
    let mut parts: Vec<(AnalysisReport, Vec<u64>)> = shards
        .into_iter()
        .map(|a| a.finish_at(read.now, read.tracker_now))
        .collect();
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
