//! The parts of the [`CommandEngine`](crate::link::command_engine::CommandEngine), one block a
//! file: the engine itself (`command_engine.rs`) is the sequencer that decodes a request and
//! sends its answer piece by piece; the blocks here do the work of one operation each.
//!
//! * [`lookup_hasher`]: `LOOKUP`'s bit-serial keyed Toeplitz hash (288 cycles).
//! * [`event_responder`]: `EVENT` frames: the mask, the rate limit, the sequence number.

pub mod event_responder;
pub mod lookup_hasher;

pub use event_responder::EventResponder;
pub use lookup_hasher::LookupHasher;
