//! Reading capture files (pcap and pcapng, Ethernet link type) with the `pcap-file` crate.

use pcap_file::pcap::PcapParser;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{DataLink, PcapError};
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct CapturedFrame<'a> {
    /// Capture timestamp since the epoch.
    pub timestamp: Duration,
    /// The bytes captured (without FCS, as capture files hold them).
    pub data: &'a [u8],
    /// The frame's length on the wire; larger than `data.len()` when the capture's snap length
    /// cut it.
    pub orig_len: u32,
}

impl CapturedFrame<'_> {
    /// The capture cut this frame short (snap length).
    pub fn is_truncated(&self) -> bool {
        (self.data.len() as u64) < self.orig_len as u64
    }
}

/// Why a capture could not be read.
#[derive(Debug)]
pub enum CaptureError {
    Io(std::io::Error),
    /// Not a pcap or pcapng file.
    UnknownFormat,
    /// The file ends inside a header or a frame.
    Truncated {
        frames_read: u64,
    },
    /// A header field the format forbids.
    Malformed {
        frames_read: u64,
        what: String,
    },
    /// Not an Ethernet capture.
    LinkType(DataLink),
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Io(e) => write!(f, "{e}"),
            CaptureError::UnknownFormat => {
                f.write_str("not a capture file (expected pcap or pcapng)")
            }
            CaptureError::Truncated { frames_read } => {
                write!(f, "file is truncated after {frames_read} frames")
            }
            CaptureError::Malformed { frames_read, what } => {
                write!(f, "malformed capture after {frames_read} frames: {what}")
            }
            CaptureError::LinkType(l) => write!(
                f,
                "link type {l:?} is not supported: synscope reads Ethernet captures \
                 (LINKTYPE_ETHERNET, e.g. `tcpdump -i eth0`, not `-i any`)"
            ),
        }
    }
}

impl std::error::Error for CaptureError {}

fn map_err(e: PcapError, frames_read: u64) -> CaptureError {
    match e {
        PcapError::IncompleteBuffer => CaptureError::Truncated { frames_read },
        PcapError::IoError(e) => CaptureError::Io(e),
        other => CaptureError::Malformed {
            frames_read,
            what: other.to_string(),
        },
    }
}

const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
];
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// A capture file's bytes, mapped into memory (no copy: large captures are read at the speed of
/// the page cache).
pub struct CaptureBytes(memmap2::Mmap);

impl std::ops::Deref for CaptureBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// Map a capture file into memory.
pub fn read_file(path: &Path) -> Result<CaptureBytes, CaptureError> {
    let file = std::fs::File::open(path).map_err(CaptureError::Io)?;
    let len = file.metadata().map_err(CaptureError::Io)?.len();
    if len == 0 {
        return Err(CaptureError::UnknownFormat);
    }
    // SAFETY: the map is read-only and every access goes through bounds-checked slices. The
    // one hazard of a file map remains: a file truncated by another process while it is read
    // ends the process with SIGBUS. Capture files are not expected to change while analyzed.
    let map =
        unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(CaptureError::Io)?;
    Ok(CaptureBytes(map))
}

/// Call `f` for every frame of the capture held in `bytes`; returns the number of frames.
pub fn for_each_frame(
    bytes: &[u8],
    mut f: impl FnMut(CapturedFrame<'_>),
) -> Result<u64, CaptureError> {
    let magic: [u8; 4] = bytes
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .ok_or(CaptureError::UnknownFormat)?;
    if PCAP_MAGICS.contains(&magic) {
        read_pcap(bytes, &mut f)
    } else if magic == PCAPNG_MAGIC {
        read_pcapng(bytes, &mut f)
    } else {
        Err(CaptureError::UnknownFormat)
    }
}

fn read_pcap(bytes: &[u8], f: &mut impl FnMut(CapturedFrame<'_>)) -> Result<u64, CaptureError> {
    let (mut rest, parser) = PcapParser::new(bytes).map_err(|e| map_err(e, 0))?;
    let link = parser.header().datalink;
    if link != DataLink::ETHERNET {
        return Err(CaptureError::LinkType(link));
    }
    let mut n = 0u64;
    while !rest.is_empty() {
        let (r, p) = parser.next_packet(rest).map_err(|e| map_err(e, n))?;
        rest = r;
        f(CapturedFrame {
            timestamp: p.timestamp,
            data: &p.data,
            orig_len: p.orig_len,
        });
        n += 1;
    }
    Ok(n)
}

fn read_pcapng(bytes: &[u8], f: &mut impl FnMut(CapturedFrame<'_>)) -> Result<u64, CaptureError> {
    let (mut rest, mut parser) = PcapNgParser::new(bytes).map_err(|e| map_err(e, 0))?;
    let mut n = 0u64;
    while !rest.is_empty() {
        let (r, block) = parser.next_block(rest).map_err(|e| map_err(e, n))?;
        rest = r;
        let (iface, timestamp, data, orig_len) = match &block {
            Block::EnhancedPacket(p) => (p.interface_id, p.timestamp, &p.data, p.original_len),
            Block::SimplePacket(p) => (0, Duration::ZERO, &p.data, p.original_len),
            _ => continue,
        };
        let link = parser
            .interfaces()
            .get(iface as usize)
            .map(|i| i.linktype)
            .ok_or_else(|| CaptureError::Malformed {
                frames_read: n,
                what: format!("packet names interface {iface}, which is not described"),
            })?;
        if link != DataLink::ETHERNET {
            return Err(CaptureError::LinkType(link));
        }
        f(CapturedFrame {
            timestamp,
            data,
            orig_len,
        });
        n += 1;
    }
    Ok(n)
}
