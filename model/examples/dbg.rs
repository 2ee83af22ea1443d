use synscope_model::capture::for_each_frame;
use synscope_model::*;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    let mut t = Tracker::new(TrackerConfig {
        shape: TableShape::Unbounded,
        ..Default::default()
    });
    let mut pad = Vec::new();
    for_each_frame(&bytes, |f| {
        synscope_model::frame::pad_to_minimum(f.data, &mut pad);
        let time = synscope_model::time::ticks(f.timestamp);
        let r = t.process_frame(&pad, time, &mut ());
        if let Ok((d, v)) = r {
            let k = FlowKey::of(d.src, d.dst).0;
            let e = t.table().entries().find(|e| e.key == k);
            println!(
                "{:>6} {}->{} {} seq={} ack={} len={} {:?}\n     {:?}",
                time,
                d.src,
                d.dst,
                d.flags,
                d.seq,
                d.ack,
                d.payload_len,
                v,
                e.map(|e| (e.ends, e.last_seen))
            );
        }
    })
    .unwrap();
    t.finish(&mut ());
    for e in t.table().entries() {
        println!("END {:?}", e);
    }
}
