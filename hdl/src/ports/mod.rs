//! The typed interfaces between blocks: each is declared once, as the pair of rust-hdl
//! `LogicInterface`s of its two ends, and joined in the block that holds both ends
//! (`<Source>::join(&mut self.a.x, &mut self.b.y)`) or passed up to a parent's port of the
//! same end (`<End>::link(&mut self.x, &mut self.inner.x)`). In the Verilog a field is the port
//! `interface$field` (`desc$seq`).
//!
//! * [`segment_desc`]: the segment descriptor stream, frame parser → connection core.
//! * [`core_host`]: the core's host port (configuration, table reads, counters, events),
//!   command engine ↔ connection core.
//! * [`segment_record`]: the core's per-descriptor record (one end only: `out_record` drives
//!   it, the core passes it up).
//! * [`byte_stream`]: a byte stream with valid/ready, along the UART/HDLC chain.

pub mod byte_stream;
pub mod core_host;
pub mod segment_desc;
pub mod segment_record;

/// The direction of an interface field at one end: `drive` at the end that drives it is
/// `Out`, at the other `In`.
#[macro_export]
#[doc(hidden)]
macro_rules! end_dir {
    (driver, drive) => {
        rust_hdl::prelude::Out
    };
    (driver, take) => {
        rust_hdl::prelude::In
    };
    (taker, drive) => {
        rust_hdl::prelude::In
    };
    (taker, take) => {
        rust_hdl::prelude::Out
    };
}

/// Declares an interface once, as its two ends: `$driver`, the end that drives the fields
/// marked `drive`, and `$taker`, the end that drives those marked `take`. Each end is a
/// `LogicInterface`; `<$driver>::join(&mut a, &mut b)` connects the two ends (in the Verilog
/// too: rust-hdl turns the call into the assignments between the ports).
#[macro_export]
#[doc(hidden)]
macro_rules! interface_pair {
    (
        $(#[$driver_meta:meta])*
        driver $driver:ident;
        $(#[$taker_meta:meta])*
        taker $taker:ident;
        $(<const $g:ident: usize>)?
        {
            $( $(#[$field_meta:meta])* $field:ident: $dir:ident $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$driver_meta])*
        #[derive(rust_hdl::prelude::LogicInterface, Default)]
        pub struct $driver $(<const $g: usize>)? {
            $( $(#[$field_meta])* pub $field: rust_hdl::prelude::Signal<$crate::end_dir!(driver, $dir), $ty>, )*
        }

        $(#[$taker_meta])*
        #[derive(rust_hdl::prelude::LogicInterface, Default)]
        pub struct $taker $(<const $g: usize>)? {
            $( $(#[$field_meta])* pub $field: rust_hdl::prelude::Signal<$crate::end_dir!(taker, $dir), $ty>, )*
        }

        impl $(<const $g: usize>)? $driver $(<$g>)? {
            /// Connects this end to the other: each field from the end that drives it.
            pub fn join(&mut self, other: &mut $taker $(<$g>)?) {
                $( self.$field.join(&mut other.$field); )*
            }
        }
    };
}
