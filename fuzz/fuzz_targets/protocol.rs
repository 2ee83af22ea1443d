//! Any bytes from the UART into the frame decoder and every payload decoder: no panic; a frame
//! that decodes re-encodes to a frame that decodes to the same content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synscope_model::protocol::payload::{
    decode_lookup_answer, Config, CounterSnapshot, DumpChunk, EventRecord, Histogram, Identity,
};
use synscope_model::protocol::{encode_frame, Decoder, Frame};

fuzz_target!(|data: &[u8]| {
    let mut d = Decoder::new();
    for b in data {
        if let Some(Ok(content)) = d.push(*b) {
            let mut wire = Vec::new();
            encode_frame(&content, &mut wire);
            let mut again = Decoder::new();
            let back: Vec<_> = wire.iter().filter_map(|b| again.push(*b)).collect();
            assert_eq!(back, vec![Ok(content.clone())]);
            if let Ok(f) = Frame::parse(&content) {
                let p = &f.payload;
                let _ = Identity::decode(p);
                let _ = CounterSnapshot::decode(p);
                let _ = Histogram::decode(p);
                let _ = DumpChunk::decode(p);
                let _ = Config::decode(p);
                let _ = EventRecord::decode(p);
                let _ = decode_lookup_answer(p, 0);
            }
        }
    }
});
