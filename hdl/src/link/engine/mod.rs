//! The parts of the [`CommandEngine`](crate::link::command_engine::CommandEngine), one block a
//! file: the engine itself (`command_engine.rs`) is the sequencer that decodes a request and
//! sends its answer piece by piece; the blocks here do the work of one operation each.
//!
//! * [`lookup_hasher`]: `LOOKUP`'s bit-serial keyed Toeplitz hash (288 cycles).

pub mod lookup_hasher;

pub use lookup_hasher::LookupHasher;
