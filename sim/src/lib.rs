//! synscope simulation harness.
