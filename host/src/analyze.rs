//! `synscope analyze CAPTURE|-|-i IFACE [--format F] [filters]`: the reference model over a
//! capture file, a capture streamed on standard input, or frames captured live.

use crate::exit::NothingFound;
use crate::filter::FilterArgs;
use crate::format::{Format, FormatArgs};
use crate::live::{self, Input, Live, LiveArgs};
use crate::signals::{self, UntilInterrupted};
use crate::{output, report};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use synscope_model::analysis::{AnalysisReport, Analyzer};
use synscope_model::capture::{cut_short, for_each_frame_in, read_file};
use synscope_model::shard::analyze_capture_sharded;
use synscope_model::{Counter, TableShape, Timeouts, TrackerConfig};

/// Connection-table shape for the analysis.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TableChoice {
    /// No limit: every connection is kept (offline analysis).
    Unbounded,
    /// As the Arty A7-35T: 512 buckets × 4 ways (2K).
    Arty35,
    /// As the Arty A7-100T: 2048 buckets × 4 ways (8K).
    Arty100,
}

impl TableChoice {
    pub fn shape(self) -> TableShape {
        match self {
            TableChoice::Unbounded => TableShape::Unbounded,
            TableChoice::Arty35 => TableShape::ARTY_35T,
            TableChoice::Arty100 => TableShape::ARTY_100T,
        }
    }
}

/// Timeout options shared by the commands that run a tracker.
#[derive(Args, Clone, Debug)]
pub struct TimeoutArgs {
    /// TIME_WAIT (2MSL) timeout, seconds.
    #[arg(long, default_value_t = Timeouts::default().time_wait)]
    pub time_wait: u32,
    /// Longest silence of a SYN_SENT / SYN_RECEIVED endpoint, seconds (Linux gives up on an
    /// unacknowledged SYN-ACK after about 63 s).
    #[arg(long, default_value_t = Timeouts::default().handshake)]
    pub handshake: u32,
    /// An orphaned FIN_WAIT_2 ends after this long without a segment, seconds
    /// (`tcp_fin_timeout`).
    #[arg(long, default_value_t = Timeouts::default().fin_wait_2)]
    pub fin_wait_2: u32,
    /// Idle timeout of a live connection, seconds.
    #[arg(long, default_value_t = Timeouts::default().idle)]
    pub idle: u32,
    /// How long a closed connection stays visible, seconds.
    #[arg(long, default_value_t = Timeouts::default().linger)]
    pub linger: u32,
}

impl Default for TimeoutArgs {
    fn default() -> Self {
        let t = Timeouts::default();
        TimeoutArgs {
            time_wait: t.time_wait,
            handshake: t.handshake,
            fin_wait_2: t.fin_wait_2,
            idle: t.idle,
            linger: t.linger,
        }
    }
}

impl TimeoutArgs {
    pub fn timeouts(&self) -> Result<Timeouts> {
        let t = Timeouts {
            time_wait: self.time_wait,
            handshake: self.handshake,
            fin_wait_2: self.fin_wait_2,
            idle: self.idle,
            linger: self.linger,
        };
        t.validate().map_err(anyhow::Error::msg)?;
        Ok(t)
    }
}

#[derive(Args, Debug)]
#[command(after_help = "Ctrl-C ends a stream or a live capture and prints what was tracked.")]
pub struct AnalyzeArgs {
    /// pcap or pcapng capture (Ethernet link type); `-` reads one from standard input, as it
    /// arrives (`tcpdump -w - | synscope analyze -`).
    #[arg(required_unless_present = "interface", conflicts_with = "interface")]
    pub capture: Option<PathBuf>,
    /// Capture live on this network interface instead (libpcap; root or CAP_NET_RAW), until
    /// Ctrl-C, --count or --duration.
    #[arg(short = 'i', long, value_name = "IFACE")]
    pub interface: Option<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    /// Connection-table shape.
    #[arg(long, value_enum, default_value_t = TableChoice::Unbounded)]
    pub table: TableChoice,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Threads to shard the connections over (the same result on any number; default: every
    /// core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Every core this process may use.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Analyze the capture at `path` on `threads` threads.
pub fn analyze_path(path: &Path, config: TrackerConfig, threads: usize) -> Result<AnalysisReport> {
    let bytes = read_file(path).with_context(|| format!("cannot read {}", path.display()))?;
    analyze_capture_sharded(&bytes, config, threads)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Analyze a capture arriving on standard input: mapped like a file when it is one (`<
/// file.pcap`), else read as a stream until it ends or Ctrl-C.
fn analyze_stdin(config: TrackerConfig, threads: usize) -> Result<AnalysisReport> {
    let stdin = std::io::stdin();
    let is_file = std::fs::File::from(stdin.as_fd().try_clone_to_owned()?)
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > 0);
    if is_file {
        return analyze_path(Path::new("/dev/stdin"), config, threads);
    }
    signals::stop_on_interrupt();
    let mut a = Analyzer::new(config);
    let read = for_each_frame_in(UntilInterrupted(stdin.lock()), |f| {
        a.frame(f.timestamp, f.data, f.orig_len)
    });
    let cut = cut_short(read).context("cannot read standard input")?;
    let mut r = a.finish();
    // Ctrl-C inside a record is the end the user asked for, not a damaged capture.
    r.file_cut_short = cut && !signals::interrupted();
    Ok(r)
}

/// Analyze frames captured live on `iface`.
fn analyze_live(
    iface: &str,
    limits: &LiveArgs,
    config: TrackerConfig,
) -> Result<(AnalysisReport, live::Summary)> {
    let mut cap = Live::open(iface)?;
    signals::stop_on_interrupt();
    let mut a = Analyzer::new(config);
    let summary = cap.run(limits, |input| {
        if let Input::Frame {
            timestamp,
            data,
            wire_len,
        } = input
        {
            a.frame(timestamp, data, wire_len);
        }
        true
    })?;
    Ok((a.finish(), summary))
}

pub fn run(a: &AnalyzeArgs) -> Result<()> {
    let format = a.format.pick(
        "analyze",
        &[
            Format::Table,
            Format::Json,
            Format::Ndjson,
            Format::Csv,
            Format::Zeek,
        ],
    )?;
    let config = TrackerConfig {
        shape: a.table.shape(),
        timeouts: a.timeouts.timeouts()?,
    };
    let threads = a.threads.map_or_else(all_cores, usize::from);
    let (r, source, live) = match (&a.interface, &a.capture) {
        (Some(iface), _) => {
            let (r, s) = analyze_live(iface, &a.live, config)?;
            (r, format!("live:{iface}"), Some(s))
        }
        (None, Some(p)) if p.as_os_str() == "-" => {
            (analyze_stdin(config, threads)?, "-".to_string(), None)
        }
        (None, Some(p)) => (
            analyze_path(p, config, threads)?,
            p.display().to_string(),
            None,
        ),
        (None, None) => bail!("name a capture, `-` for standard input, or -i IFACE"),
    };
    output::with_stdout(|out| {
        report::Listing {
            report: &r,
            source: &source,
            engine: "model",
            filter: &a.filter,
        }
        .write(format, out)
    })?;
    let frames = r.counters.get(Counter::Frames);
    let named = if source == "-" {
        "standard input"
    } else {
        &source
    };
    if r.file_cut_short {
        eprintln!(
            "synscope: warning: {named} was cut short in the middle of a frame (a capture \
             still being written, or a partial copy): the result is that of its {frames} \
             complete frames"
        );
    }
    if let Some(l) = live.filter(|l| l.dropped > 0) {
        eprintln!(
            "synscope: {} frames dropped by the kernel before synscope read them (the capture \
             could not keep up)",
            l.dropped
        );
    }
    if let Some(line) = report::not_tracked(&r) {
        eprintln!("synscope: {line}");
    }
    if r.connections.is_empty() && frames > 0 {
        return Err(NothingFound(Some(format!(
            "no TCP connection tracked out of {frames} frames"
        )))
        .into());
    }
    Ok(())
}
