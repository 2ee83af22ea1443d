//! `synscope analyze CAPTURE [--json]`: the reference model over a capture file.

use crate::{output, report};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use synscope_model::analysis::{analyze_capture, AnalysisReport};
use synscope_model::capture::read_file;
use synscope_model::{TableShape, Timeouts, TrackerConfig};

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
pub struct AnalyzeArgs {
    /// pcap or pcapng capture (Ethernet link type).
    pub capture: PathBuf,
    /// Print the JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Connection-table shape.
    #[arg(long, value_enum, default_value_t = TableChoice::Unbounded)]
    pub table: TableChoice,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
}

/// Analyze the capture at `path`.
pub fn analyze_path(path: &Path, config: TrackerConfig) -> Result<AnalysisReport> {
    let bytes = read_file(path).with_context(|| format!("cannot read {}", path.display()))?;
    analyze_capture(&bytes, config).with_context(|| format!("cannot read {}", path.display()))
}

pub fn run(a: &AnalyzeArgs) -> Result<()> {
    let config = TrackerConfig {
        shape: a.table.shape(),
        timeouts: a.timeouts.timeouts()?,
    };
    let r = analyze_path(&a.capture, config)?;
    if let Some(line) = report::untracked_frames(&r.counters) {
        eprintln!("synscope: {}: {line}", a.capture.display());
    }
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&report::to_json(
            &r,
            &a.capture.display().to_string(),
            "model",
        ))?;
        s.push('\n');
        s
    } else {
        report::to_table(&r)
    };
    output::write_stdout(text.as_bytes())
}
