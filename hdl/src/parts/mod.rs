//! Building blocks with no synscope knowledge, shared by the front end, the core and the link:
//! memories that say where they belong ([`ram`]), a stream register slice ([`slice`]) and a
//! synchronizer flop ([`sync_flop`]).

pub mod ram;
pub mod slice;
pub mod sync_flop;
