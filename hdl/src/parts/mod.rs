//! Building blocks with no synscope knowledge, shared by the front end, the core and the link:
//! memories that say where they belong ([`ram`]), a stream register slice ([`slice`]), a
//! synchronizer flop ([`sync_flop`]), a reset synchronizer ([`reset_sync`]) and constants of
//! any width ([`konst`]).

pub mod konst;
pub mod ram;
pub mod reset_sync;
pub mod slice;
pub mod sync_flop;
