use synscope_model::analysis::analyze_capture;
use synscope_model::{TableShape, TrackerConfig};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    for shape in [TableShape::Unbounded, TableShape::ARTY_35T] {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let r = analyze_capture(
                &bytes,
                TrackerConfig {
                    shape,
                    ..Default::default()
                },
            )
            .unwrap();
            best = best.min(t.elapsed().as_secs_f64());
            n = r.counters.get(synscope_model::Counter::Frames);
        }
        println!(
            "{shape:?}: {n} frames, best {best:.3} s, {:.2} M pkt/s",
            n as f64 / best / 1e6
        );
    }
}
