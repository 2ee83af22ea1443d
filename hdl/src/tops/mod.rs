//! The tops, innermost first: [`board`] joins the front end, the core and the link; [`station`]
//! adds the UART's bit timing (the simulated board's top); [`arty_top`] puts the station
//! between the Arty A7's pins and clocks.

pub mod arty_top;
pub mod board;
pub mod station;
