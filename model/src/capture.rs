//! Reading capture files (pcap and pcapng, Ethernet link type) with the `pcap-file` crate.

use pcap_file::pcap::PcapParser;
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::PcapNgReader;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{DataLink, PcapError};
use std::borrow::Cow;
use std::fmt;
use std::io::{ErrorKind, Read};
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
        // A stream reader's way of saying the same: the input ended inside a record.
        PcapError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => {
            CaptureError::Truncated { frames_read }
        }
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
pub fn for_each_frame<'a>(
    bytes: &'a [u8],
    mut f: impl FnMut(CapturedFrame<'a>),
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

/// A pcapng packet's interface must be described, and Ethernet.
fn ethernet(link: Option<DataLink>, iface: u32, frames_read: u64) -> Result<(), CaptureError> {
    match link {
        None => Err(CaptureError::Malformed {
            frames_read,
            what: format!("packet names interface {iface}, which is not described"),
        }),
        Some(l) if l != DataLink::ETHERNET => Err(CaptureError::LinkType(l)),
        Some(_) => Ok(()),
    }
}

/// A header the reader could not finish: the input is not a capture, or one cut inside its
/// header (no frame to give).
fn header_error(e: PcapError) -> CaptureError {
    match e {
        PcapError::IncompleteBuffer => CaptureError::Malformed {
            frames_read: 0,
            what: "the file is truncated inside its header".to_string(),
        },
        PcapError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => CaptureError::Malformed {
            frames_read: 0,
            what: "the input is truncated inside its header".to_string(),
        },
        e => map_err(e, 0),
    }
}

/// A capture that ends inside a record (a file still being written, or cut short by a copy)
/// is read up to its last complete frame, as tshark does: `Ok(true)` when `read` (the result of
/// [`for_each_frame`] or [`for_each_frame_in`], whose callback has seen every complete frame)
/// ended so; other errors stay errors.
pub fn cut_short(read: Result<u64, CaptureError>) -> Result<bool, CaptureError> {
    match read {
        Ok(_) => Ok(false),
        Err(CaptureError::Truncated { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Call `f` for every frame of a capture read from a stream (a pipe, standard input, a
/// socket), pcap or pcapng, as the bytes arrive: nothing is held but the record being read, so
/// an endless stream (`tcpdump -w - | synscope analyze -`) is analyzed as it comes. Returns the
/// number of frames; the errors are those of [`for_each_frame`].
pub fn for_each_frame_in(
    mut reader: impl Read,
    mut f: impl FnMut(CapturedFrame<'_>),
) -> Result<u64, CaptureError> {
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) => return Err(CaptureError::UnknownFormat),
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(CaptureError::Io(e)),
        }
    }
    let stream = std::io::Cursor::new(magic).chain(reader);
    let mut n = 0u64;
    if PCAP_MAGICS.contains(&magic) {
        let mut r = PcapReader::new(stream).map_err(header_error)?;
        let link = r.header().datalink;
        if link != DataLink::ETHERNET {
            return Err(CaptureError::LinkType(link));
        }
        while let Some(p) = r.next_packet() {
            let p = p.map_err(|e| map_err(e, n))?;
            f(CapturedFrame {
                timestamp: p.timestamp,
                data: &p.data,
                orig_len: p.orig_len,
            });
            n += 1;
        }
    } else if magic == PCAPNG_MAGIC {
        let mut r = PcapNgReader::new(stream).map_err(header_error)?;
        // The interfaces of the current section (the reader's own list is borrowed with the
        // block it hands out).
        let mut links: Vec<DataLink> = Vec::new();
        while let Some(block) = r.next_block() {
            let block = block.map_err(|e| map_err(e, n))?;
            let (iface, timestamp, orig_len, data) = match block {
                Block::EnhancedPacket(p) => (p.interface_id, p.timestamp, p.original_len, p.data),
                Block::SimplePacket(p) => (0, Duration::ZERO, p.original_len, p.data),
                Block::InterfaceDescription(i) => {
                    links.push(i.linktype);
                    continue;
                }
                Block::SectionHeader(_) => {
                    links.clear();
                    continue;
                }
                _ => continue,
            };
            ethernet(links.get(iface as usize).copied(), iface, n)?;
            f(CapturedFrame {
                timestamp,
                data: &data,
                orig_len,
            });
            n += 1;
        }
    } else {
        return Err(CaptureError::UnknownFormat);
    }
    Ok(n)
}

/// The largest record a capture holds (libpcap's `MAXIMUM_SNAPLEN`): a length beyond it is a
/// damaged file, not one cut short.
const MAX_RECORD: usize = 262_144;

/// How far ahead of the record being read the file is loaded into the cache, in bytes.
const READ_AHEAD: usize = 4096;

/// Ask the CPU to load the capture `READ_AHEAD` bytes ahead of `at`, every cache line of it
/// from `*loaded` on. Records are a few hundred bytes apart and each one's place is known only
/// once the one before is read: without this, reading a large capture waits for memory at
/// every record.
#[inline(always)]
fn read_ahead(bytes: &[u8], at: usize, loaded: &mut usize) {
    let end = (at + READ_AHEAD).min(bytes.len());
    while *loaded < end {
        crate::prefetch::prefetch(&bytes[*loaded]);
        *loaded += 64;
    }
}

/// Classic pcap: the file header through `pcap-file`, then the records by a small walker of
/// their 16-byte headers (ts_sec, ts_frac, incl_len, orig_len; the hot loop of `analyze`, about
/// twice as fast as building a `PcapPacket` per frame; `records_match_pcap_file` holds it to the
/// crate's parser).
fn read_pcap<'a>(
    bytes: &'a [u8],
    f: &mut impl FnMut(CapturedFrame<'a>),
) -> Result<u64, CaptureError> {
    let (mut rest, parser) = PcapParser::new(bytes).map_err(header_error)?;
    let header = parser.header();
    if header.datalink != DataLink::ETHERNET {
        return Err(CaptureError::LinkType(header.datalink));
    }
    let big = header.endianness == pcap_file::Endianness::Big;
    let nanos = header.ts_resolution == pcap_file::TsResolution::NanoSecond;
    let word = |b: &[u8], at: usize| {
        let w = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if big {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        }
    };
    let mut n = 0u64;
    let mut loaded = bytes.len() - rest.len();
    while !rest.is_empty() {
        read_ahead(bytes, bytes.len() - rest.len(), &mut loaded);
        if rest.len() < 16 {
            return Err(CaptureError::Truncated { frames_read: n });
        }
        let (ts_sec, ts_frac) = (word(rest, 0), word(rest, 4));
        let (incl, orig) = (word(rest, 8) as usize, word(rest, 12));
        if ts_frac >= if nanos { 1_000_000_000 } else { 1_000_000 } {
            return Err(CaptureError::Malformed {
                frames_read: n,
                what: format!("timestamp fraction {ts_frac} out of range"),
            });
        }
        if incl > MAX_RECORD {
            return Err(CaptureError::Malformed {
                frames_read: n,
                what: format!(
                    "a record of {incl} bytes, more than any capture holds ({MAX_RECORD})"
                ),
            });
        }
        let Some(data) = rest.get(16..16 + incl) else {
            return Err(CaptureError::Truncated { frames_read: n });
        };
        let sub = if nanos { ts_frac } else { ts_frac * 1000 };
        f(CapturedFrame {
            timestamp: Duration::new(ts_sec as u64, sub),
            data,
            orig_len: orig,
        });
        rest = &rest[16 + incl..];
        n += 1;
    }
    Ok(n)
}

fn read_pcapng<'a>(
    bytes: &'a [u8],
    f: &mut impl FnMut(CapturedFrame<'a>),
) -> Result<u64, CaptureError> {
    let (mut rest, mut parser) = PcapNgParser::new(bytes).map_err(header_error)?;
    let mut n = 0u64;
    while !rest.is_empty() {
        let (r, block) = parser.next_block(rest).map_err(|e| map_err(e, n))?;
        rest = r;
        let (iface, timestamp, data, orig_len) = match block {
            Block::EnhancedPacket(p) => (p.interface_id, p.timestamp, p.data, p.original_len),
            Block::SimplePacket(p) => (0, Duration::ZERO, p.data, p.original_len),
            _ => continue,
        };
        // Parsed from a slice, a packet's data is a slice of it (frames live as long as the
        // capture, so a reader may hold a few while it looks ahead).
        let Cow::Borrowed(data) = data else {
            unreachable!("pcap-file borrows packet data from the slice it parses")
        };
        ethernet(
            parser.interfaces().get(iface as usize).map(|i| i.linktype),
            iface,
            n,
        )?;
        f(CapturedFrame {
            timestamp,
            data,
            orig_len,
        });
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames_of(bytes: &[u8]) -> Vec<(Duration, Vec<u8>, u32)> {
        let mut v = Vec::new();
        for_each_frame(bytes, |f| {
            v.push((f.timestamp, f.data.to_vec(), f.orig_len))
        })
        .unwrap();
        v
    }

    /// A reader that hands out at most 7 bytes a call, like a slow pipe.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn bundled(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../captures")
                .join(name),
        )
        .unwrap()
    }

    /// A stream gives the frames a file gives, however the bytes arrive.
    #[test]
    fn a_stream_reads_like_the_file() {
        let bytes = bundled("K_many.pcap");
        let want = frames_of(&bytes);
        let mut got = Vec::new();
        let n = for_each_frame_in(Trickle(&bytes), |f| {
            got.push((f.timestamp, f.data.to_vec(), f.orig_len))
        })
        .unwrap();
        assert_eq!(n as usize, want.len());
        assert_eq!(got, want);
    }

    /// A file or a stream that ends inside a record: every complete frame, then `cut_short`.
    #[test]
    fn a_capture_cut_short_gives_its_complete_frames() {
        let bytes = bundled("A_normal.pcap");
        let all = frames_of(&bytes);
        let cut = &bytes[..bytes.len() - 7];
        let mut from_file = 0;
        let r = for_each_frame(cut, |_| from_file += 1);
        assert!(cut_short(r).unwrap());
        assert_eq!(from_file, all.len() - 1);
        let mut from_stream = 0;
        let r = for_each_frame_in(Trickle(cut), |_| from_stream += 1);
        assert!(cut_short(r).unwrap());
        assert_eq!(from_stream, all.len() - 1);
        assert!(!cut_short(for_each_frame(&bytes, |_| {})).unwrap());
        assert!(matches!(
            for_each_frame_in(Trickle(b"hello"), |_| {}),
            Err(CaptureError::UnknownFormat)
        ));
        assert!(matches!(
            for_each_frame_in(Trickle(b""), |_| {}),
            Err(CaptureError::UnknownFormat)
        ));
    }

    /// The record walker agrees with `pcap-file`'s own parser on every bundled capture.
    #[test]
    fn records_match_pcap_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("pcap") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let mut ours = Vec::new();
            for_each_frame(&bytes, |f| {
                ours.push((f.timestamp, f.data.to_vec(), f.orig_len))
            })
            .unwrap();
            let (mut rest, parser) = PcapParser::new(&bytes).unwrap();
            let mut theirs = Vec::new();
            while !rest.is_empty() {
                let (r, p) = parser.next_packet(rest).unwrap();
                theirs.push((p.timestamp, p.data.to_vec(), p.orig_len));
                rest = r;
            }
            assert!(!ours.is_empty());
            assert_eq!(ours, theirs, "{}", path.display());
        }
    }
}
