//! The synscope console as a library: each subcommand in its own module, `main.rs` only
//! dispatches.

pub mod analyze;
pub mod bench;
pub mod bench_core;
pub mod generate;
pub mod output;
pub mod report;
