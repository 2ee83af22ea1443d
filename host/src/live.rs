//! Live capture on a network interface (`-i IFACE`) through libpcap (the `pcap` crate), so
//! synscope is useful on a host with no board: the model tracks the frames as they arrive.

use crate::signals;
use anyhow::{anyhow, bail, Result};
use clap::Args;
use pcap::{Capture, Linktype};
use std::time::{Duration, Instant};

/// How long one read waits for frames before the loop looks at its stop conditions.
const READ_TIMEOUT_MS: i32 = 100;
/// The largest frame kept whole (a jumbo frame).
const SNAPLEN: i32 = 65_535;

/// When a live capture stops (besides Ctrl-C).
#[derive(Args, Clone, Debug, Default)]
pub struct LiveArgs {
    /// With -i: stop after this many frames.
    #[arg(long, requires = "interface")]
    pub count: Option<u64>,
    /// With -i: stop after this many seconds.
    #[arg(long, requires = "interface", value_parser = positive_seconds)]
    pub duration: Option<f64>,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("'{s}': seconds, more than 0")),
    }
}

/// What a live capture saw.
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary {
    pub frames: u64,
    /// Frames the kernel dropped because synscope did not read them fast enough (libpcap's
    /// `ps_drop`), plus those the interface dropped (`ps_ifdrop`).
    pub dropped: u64,
}

/// What a live capture hands its caller.
pub enum Input<'a> {
    /// A frame: when it was captured, its bytes, its length on the wire.
    Frame {
        timestamp: Duration,
        data: &'a [u8],
        wire_len: u32,
    },
    /// No frame: a read timed out, or frames come and the caller may look at the time.
    Tick,
}

/// An open live capture.
pub struct Live {
    cap: Capture<pcap::Active>,
    iface: String,
}

impl Live {
    /// Open `iface` for capture: promiscuous, whole frames, frames delivered at once.
    pub fn open(iface: &str) -> Result<Live> {
        let cap = Capture::from_device(iface)
            .and_then(|c| {
                c.promisc(true)
                    .snaplen(SNAPLEN)
                    .immediate_mode(true)
                    .timeout(READ_TIMEOUT_MS)
                    .open()
            })
            .map_err(|e| open_error(iface, e))?;
        let link = cap.get_datalink();
        if link != Linktype::ETHERNET {
            bail!(
                "{iface}: link type {} is not supported: synscope reads Ethernet frames \
                 (an Ethernet interface or a veth; not `any`, which libpcap gives as Linux \
                 cooked frames)",
                link.get_name().unwrap_or_else(|_| link.0.to_string())
            );
        }
        Ok(Live {
            cap,
            iface: iface.to_string(),
        })
    }

    /// Call `on` with every frame, and between reads (at least every read timeout), until
    /// Ctrl-C/SIGTERM, `limits.count` frames or `limits.duration` seconds, whichever comes
    /// first, or until `on` returns false.
    pub fn run(
        &mut self,
        limits: &LiveArgs,
        mut on: impl FnMut(Input<'_>) -> bool,
    ) -> Result<Summary> {
        let start = Instant::now();
        let until = limits.duration.map(|s| start + Duration::from_secs_f64(s));
        let mut s = Summary::default();
        loop {
            if signals::interrupted()
                || limits.count.is_some_and(|n| s.frames >= n)
                || until.is_some_and(|t| Instant::now() >= t)
                || !on(Input::Tick)
            {
                break;
            }
            match self.cap.next_packet() {
                Ok(p) => {
                    let ts = Duration::new(
                        p.header.ts.tv_sec.max(0) as u64,
                        (p.header.ts.tv_usec.clamp(0, 999_999) * 1000) as u32,
                    );
                    s.frames += 1;
                    if !on(Input::Frame {
                        timestamp: ts,
                        data: p.data,
                        wire_len: p.header.len,
                    }) {
                        break;
                    }
                }
                Err(pcap::Error::TimeoutExpired) => {}
                Err(e) => return Err(anyhow!("{}: the capture failed: {e}", self.iface)),
            }
        }
        if let Ok(st) = self.cap.stats() {
            s.dropped = st.dropped as u64 + st.if_dropped as u64;
        }
        Ok(s)
    }
}

/// Why an interface cannot be captured on, said so the user knows what to do.
fn open_error(iface: &str, e: pcap::Error) -> anyhow::Error {
    let text = e.to_string();
    if text.contains("ermission") || text.contains("not permitted") {
        anyhow!(
            "{iface}: no permission to capture ({text}): run as root, or give synscope the \
             capability (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synscope))"
        )
    } else if text.contains("No such device") || text.contains("doesn't exist") {
        anyhow!("{iface}: no such interface (`ip link` lists them)")
    } else {
        anyhow!("{iface}: cannot capture: {text}")
    }
}
