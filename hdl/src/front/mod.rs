//! The receive front end, in data-flow order: MII pins → [`mii_rx`] (PHY clock domain, frame
//! FIFO) → [`frame_parser`] (headers → segment descriptors or drop reasons), with
//! [`front_counters`] counting every frame under a named reason and [`mdio`] reading the PHY's
//! link state.

pub mod frame_parser;
pub mod front_counters;
pub mod mdio;
pub mod mii_rx;
pub mod parser;
