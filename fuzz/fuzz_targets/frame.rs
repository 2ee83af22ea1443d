//! Any bytes as a frame: `parse_frame` never panics, and what it accepts is a consistent
//! descriptor (flags within the 9 bits, window scale in range, payload within the frame).
#![no_main]

use libfuzzer_sys::fuzz_target;
use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::frame::{parse_frame, MAX_FRAME_LEN, MIN_FRAME_LEN};

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = parse_frame(data, 7) {
        assert!((MIN_FRAME_LEN..=MAX_FRAME_LEN).contains(&data.len()));
        assert!(d.flags.bits() < 1 << 9);
        assert!(d.wscale <= WSCALE_NONE);
        assert!((d.payload_len as usize) < data.len());
        assert_eq!(d.time, 7);
    }
});
