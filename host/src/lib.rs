//! The synscope console as a library: each subcommand in its own module, `main.rs` only
//! dispatches. The simulated board's modules (`sim`, `serve`, `demo`, `bench_core`) come with
//! the `simulator` feature (a default): without it the console builds without Verilator.

pub mod analyze;
pub mod bench;
#[cfg(feature = "simulator")]
pub mod bench_core;
pub mod connection;
pub mod console;
#[cfg(feature = "simulator")]
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
#[cfg(feature = "simulator")]
pub mod serve;
pub mod signals;
#[cfg(feature = "simulator")]
pub mod sim;
pub mod zeek;
