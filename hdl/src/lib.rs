//! synscope hardware (rust-hdl).
