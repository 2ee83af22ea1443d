//! Helpers shared by the differential tests (each test file uses a subset).
#![allow(dead_code)]

/// The segment descriptor on a generated model's output ports (`desc$v6` … `desc$seg_time`, the
/// parser's `SegmentDescOut`, which every top with a parser output shares). An IPv4 address must come
/// out in the low 32 bits, the rest zero (checked: a wider value would not fit `Endpoint::v4`
/// and the comparison with the model fails).
#[macro_export]
macro_rules! descriptor_out {
    ($m:expr) => {
        synscope_model::SegmentDescriptor {
            src: if $m.desc_v6() {
                synscope_model::Endpoint::v6($m.desc_src_ip(), $m.desc_src_port() as u16)
            } else {
                synscope_model::Endpoint::v4($m.desc_src_ip() as u32, $m.desc_src_port() as u16)
            },
            dst: if $m.desc_v6() {
                synscope_model::Endpoint::v6($m.desc_dst_ip(), $m.desc_dst_port() as u16)
            } else {
                synscope_model::Endpoint::v4($m.desc_dst_ip() as u32, $m.desc_dst_port() as u16)
            },
            seq: $m.desc_seq() as u32,
            ack: $m.desc_ack() as u32,
            flags: synscope_model::TcpFlags::new($m.desc_flags() as u16),
            window: $m.desc_window() as u16,
            wscale: $m.desc_wscale() as u8,
            payload_len: $m.desc_payload_len() as u16,
            tsval: $m.desc_ts_ok().then_some($m.desc_tsval() as u32),
            time: $m.desc_seg_time() as u32,
        }
    };
}

pub use synscope_model::rng::Rng;

/// The seed a test draws with: `SYNSCOPE_SEED` if set (to replay a failure), else
/// `default_seed`.
pub fn seed(default_seed: u64) -> u64 {
    std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_seed)
}

/// The test's generator, from [`seed`]`(default_seed)`.
pub fn seeded(default_seed: u64) -> Rng {
    Rng::new(seed(default_seed))
}

/// Every frame of every bundled capture (`captures/*.pcap`, in name order), read with the
/// model's capture reader: (file name, time in ticks, bytes as captured).
pub fn capture_frames() -> Vec<(String, u32, Vec<u8>)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../captures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("captures/")
        .map(|e| e.expect("captures/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no captures in {}", dir.display());
    let mut out = Vec::new();
    for p in paths {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let bytes = synscope_model::capture::read_file(&p).expect("reading a capture");
        synscope_model::capture::for_each_frame(&bytes, |f| {
            out.push((
                name.clone(),
                synscope_model::time::ticks(f.timestamp),
                f.data.to_vec(),
            ))
        })
        .expect("parsing a capture");
    }
    out
}

/// Every bundled capture's segment descriptors (frames padded as a sender's MAC would, parsed
/// by the model; the others left out), one capture after another: (file name, descriptors).
pub fn capture_descriptors() -> Vec<(String, Vec<synscope_model::SegmentDescriptor>)> {
    let mut out: Vec<(String, Vec<synscope_model::SegmentDescriptor>)> = Vec::new();
    let mut buf = Vec::new();
    for (name, t, f) in capture_frames() {
        if out.last().map(|(n, _)| n) != Some(&name) {
            out.push((name, Vec::new()));
        }
        synscope_model::frame::pad_to_minimum(&f, &mut buf);
        if let Ok(d) = synscope_model::frame::parse_frame(&buf, t) {
            out.last_mut().unwrap().1.push(d);
        }
    }
    out
}

/// Runs of at least 10⁵ frames when `SYNSCOPE_LONG=1`.
/// The `client_is_lo` of an event record (the role bit the core reports): the applied entry's,
/// or for a creation the table refused, the role `segment::open` would have given the entry.
pub fn event_client_is_lo(
    entry: Option<synscope_model::Entry>,
    d: &synscope_model::SegmentDescriptor,
) -> bool {
    entry.map_or_else(
        || {
            let (key, src_is_lo) = synscope_model::FlowKey::of(d.src, d.dst);
            let sender = synscope_model::End::lo_if(src_is_lo);
            synscope_model::segment::open(key, sender, d, d.flags.class(), d.time).client_is_lo
        },
        |e| e.client_is_lo,
    )
}

pub fn long_run() -> bool {
    std::env::var("SYNSCOPE_LONG").is_ok_and(|v| v == "1")
}

/// Ethernet header length: the IPv4 header's offset in an untagged frame.
pub const ETH: usize = 14;

/// The first SYN of the bundled captures (untagged IPv4, 20-byte IP header, TCP options).
pub fn first_syn() -> Vec<u8> {
    capture_frames()
        .into_iter()
        .map(|(_, _, f)| f)
        .find(|f| {
            f.len() > ETH + 40
                && f[12..14] == [0x08, 0x00]
                && f[ETH] == 0x45
                && f[ETH + 9] == 6
                && f[ETH + 20 + 13] == 0x02
        })
        .expect("a SYN in the captures")
}

/// Recompute the IPv4 header checksum of an untagged frame (RFC 791 §3.1), over the header
/// length its IHL gives, when the frame holds that much: a changed field is then seen by the
/// parser's field checks, not only by its checksum check.
pub fn fix_ip_checksum(v: &mut [u8]) {
    let ihl = (v[ETH] & 0x0f) as usize * 4;
    if ihl < 20 || v.len() < ETH + ihl {
        return;
    }
    v[ETH + 10..ETH + 12].fill(0);
    let sum = !synscope_model::frame::ones_complement_sum(&v[ETH..ETH + ihl]);
    v[ETH + 10..ETH + 12].copy_from_slice(&sum.to_be_bytes());
}

/// Payload bytes a frame built by [`descriptor_frame`] carries at most: a descriptor's length is
/// clamped so that frames stay short on the simulated MII (the model is fed what the frame
/// says, so the comparison is exact whatever the clamp).
pub const FRAME_PAYLOAD_CAP: u16 = 200;

/// An Ethernet/IPv4/TCP frame (no FCS) that the parser turns back into `d` (payload length
/// clamped to [`FRAME_PAYLOAD_CAP`]; a SYN carries its window scale as an option, a TSval goes
/// in a Timestamps option), padded to the minimum length as a MAC sends it.
pub fn descriptor_frame(d: &synscope_model::SegmentDescriptor) -> Vec<u8> {
    use synscope_model::descriptor::WSCALE_NONE;
    let payload = d.payload_len.min(FRAME_PAYLOAD_CAP) as usize;
    let mut opts: Vec<u8> = Vec::new();
    if d.flags.syn() && d.wscale != WSCALE_NONE {
        opts.extend([3, 3, d.wscale, 1]);
    }
    if let Some(ts) = d.tsval {
        // NOP, NOP, Timestamps (RFC 7323 §3.2): TSval, TSecr 0.
        opts.extend([1, 1, 8, 10]);
        opts.extend(ts.to_be_bytes());
        opts.extend([0, 0, 0, 0]);
    }
    let tcp_len = 20 + opts.len();
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
    if d.src.is_v6() {
        // IPv6 (RFC 8200 §3): payload length, next header TCP, hop limit 64.
        let plen = tcp_len + payload;
        f.extend([
            0x86,
            0xdd,
            0x60,
            0,
            0,
            0,
            (plen >> 8) as u8,
            plen as u8,
            6,
            64,
        ]);
        f.extend(d.src.addr_bits().to_be_bytes());
        f.extend(d.dst.addr_bits().to_be_bytes());
    } else {
        let total = 20 + tcp_len + payload;
        f.extend([0x08, 0x00]);
        let ip_at = f.len();
        f.extend([
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        f.extend((d.src.addr_bits() as u32).to_be_bytes());
        f.extend((d.dst.addr_bits() as u32).to_be_bytes());
        let sum = !synscope_model::frame::ones_complement_sum(&f[ip_at..ip_at + 20]);
        f[ip_at + 10..ip_at + 12].copy_from_slice(&sum.to_be_bytes());
    }
    let bits = d.flags.bits();
    f.extend(d.src.port.to_be_bytes());
    f.extend(d.dst.port.to_be_bytes());
    f.extend(d.seq.to_be_bytes());
    f.extend(d.ack.to_be_bytes());
    f.push(((tcp_len / 4) as u8) << 4 | (bits >> 8) as u8 & 1);
    f.push(bits as u8);
    f.extend(d.window.to_be_bytes());
    f.extend([0, 0, 0, 0]);
    f.extend(&opts);
    f.resize(f.len() + payload, 0x5a);
    if f.len() < synscope_model::frame::MIN_FRAME_LEN {
        f.resize(synscope_model::frame::MIN_FRAME_LEN, 0);
    }
    f
}

/// The model with the simulated board's table shape and timeouts.
pub fn board_model() -> synscope_model::tracker::Tracker {
    synscope_model::tracker::Tracker::new(synscope_model::tracker::TrackerConfig {
        shape: synscope_model::TableShape::ARTY_35T,
        timeouts: synscope_model::Timeouts::default(),
    })
}

/// Compare the board's table and counters with the model's (after both finished).
pub fn compare_board(
    name: &str,
    board: &mut synscope_sim::board::BoardSim,
    model: &mut synscope_model::tracker::Tracker,
) {
    board.finish();
    model.finish(&mut ());
    let mut got: Vec<_> = board
        .table()
        .expect("DUMP_TABLE")
        .into_iter()
        .map(|s| (s.slot(), s.entry))
        .collect();
    got.sort_by_key(|(slot, _)| *slot);
    let want: Vec<_> = model
        .table()
        .entries_with_slot()
        .map(|(slot, e)| (slot, *e))
        .collect();
    assert_eq!(got.len(), want.len(), "{name}: live entries");
    for ((gs, ge), (ws, we)) in got.iter().zip(&want) {
        assert_eq!(gs, ws, "{name}: slot");
        assert_eq!(ge, we, "{name}: entry in slot {gs}");
    }
    for (c, v) in board.counters().expect("READ_COUNTERS") {
        assert_eq!(v, model.counters().get(c), "{name}: counter {}", c.name());
    }
    let k = model.counters();
    assert_eq!(
        k.get(synscope_model::Counter::Frames),
        k.get(synscope_model::Counter::Processed) + k.dropped()
    );
}

/// A port value of a way index or count, whatever its width: the generated accessors take
/// and give a 1-bit port (a way index at 2 ways, `SYNSCOPE_WAYS=2`) as `bool`, a wider one as
/// an integer.
pub trait PortValue: Copy {
    fn from_u64(v: u64) -> Self;
    fn to_u64(self) -> u64;
}

impl PortValue for bool {
    fn from_u64(v: u64) -> bool {
        v != 0
    }
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
}

impl PortValue for u64 {
    fn from_u64(v: u64) -> u64 {
        v
    }
    fn to_u64(self) -> u64 {
        self
    }
}

/// The `timeouts` port of the aging blocks (`entry_age::TimeoutBits`): the five timeouts packed
/// least significant first, in declaration order.
pub fn timeout_word(t: &synscope_model::Timeouts) -> u128 {
    use synscope_hdl::conn::entry_age::TIMEOUT_BITS;
    [t.time_wait, t.handshake, t.fin_wait_2, t.idle, t.linger]
        .iter()
        .enumerate()
        .fold(0, |w, (i, v)| w | u128::from(*v) << (i * TIMEOUT_BITS))
}
