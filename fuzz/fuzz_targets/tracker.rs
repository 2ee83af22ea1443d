//! Any bytes as a stream of frames (a length byte pair, a time step, the frame) into a small
//! bounded tracker: no panic, and the books balance: every frame is processed or dropped under
//! one reason, the table never holds more than its capacity, the state histogram counts every
//! entry once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synscope_model::tracker::{Event, EventSink};
use synscope_model::{Counter, TableShape, Timeouts, Tracker, TrackerConfig};

struct Count(u64);
impl EventSink for Count {
    fn event(&mut self, _: Event) {
        self.0 += 1;
    }
}

fuzz_target!(|data: &[u8]| {
    let mut t = Tracker::new(TrackerConfig {
        shape: TableShape::Bounded { buckets: 8, ways: 4 },
        timeouts: Timeouts {
            time_wait: 3,
            handshake: 2,
            fin_wait_2: 3,
            idle: 20,
            linger: 1,
        },
    });
    let mut sink = Count(0);
    let (mut rest, mut time, mut frames) = (data, 0u32, 0u64);
    while rest.len() >= 3 {
        let len = u16::from_le_bytes([rest[0], rest[1]]) as usize % 1600;
        // Ticks of 1/16 s: up to about 4 s between frames.
        time += (rest[2] % 64) as u32;
        rest = &rest[3..];
        let frame = &rest[..len.min(rest.len())];
        rest = &rest[frame.len()..];
        t.advance_time(time, &mut sink);
        let _ = t.process_frame(frame, time, &mut sink);
        frames += 1;
    }
    t.finish(&mut sink);
    let k = t.counters();
    assert_eq!(k.get(Counter::Frames), frames);
    assert_eq!(k.get(Counter::Frames), k.get(Counter::Processed) + k.dropped());
    assert!(t.table().len() <= 32);
    let h = t.state_histogram();
    assert_eq!(h[0].iter().sum::<u64>(), t.table().len() as u64);
    assert_eq!(h[1].iter().sum::<u64>(), t.table().len() as u64);
});
