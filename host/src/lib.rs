//! The synscope console as a library: each subcommand in its own module, `main.rs` only
//! dispatches.

pub mod analyze;
pub mod bench;
pub mod bench_core;
pub mod console;
pub mod demo;
pub mod events;
pub mod exit;
pub mod filter;
pub mod format;
pub mod generate;
pub mod human;
pub mod link;
pub mod live;
pub mod man;
pub mod monitor;
pub mod negotiate;
pub mod output;
pub mod ports;
pub mod progress;
pub mod report;
pub mod serve;
pub mod signals;
pub mod sim;
pub mod zeek;
