//! # synscope reference model
//!
//! The specification the synscope hardware is held to, and the engine of offline analysis.
//!
//! Read first: RFC 9293 §3.3.2 (the state diagram) and §3.10.7 (segment arrival), RFC 5961 §3–4
//! (RST and SYN validation), and the preamble of [`fsm`], which explains how a passive observer on
//! the wire infers the state of *both* endpoints.
//!
//! Shared definitions, used unchanged by the hardware, the simulator and the host tool:
//! [`flags`], [`state`], [`descriptor`], [`drop`], [`counters`], [`hash`].

pub mod descriptor;
pub mod end;
pub mod flags;
pub mod hash;
pub mod state;

pub use descriptor::{Endpoint, FlowKey, SegmentDescriptor};
pub use end::End;
pub use flags::{FlagClass, TcpFlags};
pub use state::TcpState;
pub mod coded_enum;
pub mod counters;
pub mod drop;
pub mod entry;
pub mod frame;
pub mod fsm;
pub mod protocol;
pub mod rng;
pub mod segment;
pub mod seq;
pub mod table;
pub mod time;
pub mod timeouts;
pub mod tracker;
pub mod traffic;

pub use counters::{Counter, Counters};
pub use drop::DropReason;
pub use entry::Entry;
pub use table::TableShape;
pub use timeouts::Timeouts;
pub use tracker::{Event, EventSink, RstClass, Tracker, TrackerConfig, Verdict};
pub mod analysis;
#[cfg(feature = "capture")]
pub mod capture;
mod prefetch;
#[cfg(feature = "capture")]
pub mod shard;
