//! The host link (docs/protocol.md), in data-flow order: the USB-UART ([`uart`]'s line facts,
//! [`uart_rx`], [`uart_tx`]) → the HDLC-like framing ([`hdlc`]) → the [`command_engine`] that
//! answers requests from the core's host ports and sends its events.

pub mod command_engine;
pub mod engine;
pub mod hdlc;
pub mod uart;
pub mod uart_rx;
pub mod uart_tx;
