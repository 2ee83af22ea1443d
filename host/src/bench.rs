//! `synscope bench …`: throughput figures, with peers measured in the same run.

use crate::generate::{generate, GenerateArgs};
use crate::output;
use crate::progress::Progress;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use synscope_model::capture::read_file;
use synscope_model::shard::analyze_capture_sharded;
use synscope_model::{Counter, TableShape, TrackerConfig};

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Packets per second of `analyze` on one thread and on --threads, against tshark and
    /// tcptrace on the same file.
    Analyze(BenchAnalyzeArgs),
    #[cfg(feature = "simulator")]
    Core(crate::bench_core::BenchCoreArgs),
}

#[derive(Args, Debug)]
pub struct BenchAnalyzeArgs {
    /// Capture to measure on; without it a synthetic one is generated (see --generate).
    pub capture: Option<PathBuf>,
    /// Generate a synthetic capture of this many frames (100 connections per 1000 frames).
    #[arg(long, default_value_t = 1_000_000)]
    pub generate: u64,
    /// Percentage of IPv6 connections in the generated capture (`generate --ipv6`).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub ipv6: u8,
    /// Timed runs of synscope (the best is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
    /// Threads of the sharded run (measured beside the one-thread run).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(2..))]
    pub threads: u16,
    /// Skip the peers (tshark, tcptrace).
    #[arg(long)]
    pub no_peers: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: &BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Analyze(a) => bench_analyze(a),
        #[cfg(feature = "simulator")]
        BenchCommand::Core(a) => crate::bench_core::run(a),
    }
}

/// Time taken by one measured run: wall clock, and CPU time (user + system).
#[derive(Clone, Copy, Debug)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

/// CPU time (user + system) of this process's threads so far: unlike the wall clock, it does
/// not count the time other processes held the cores, so it stays put on a loaded machine (a
/// sharded run's threads are all counted).
fn process_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec; CLOCK_PROCESS_CPUTIME_ID exists on every Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// CPU time (user + system) of every child process waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: an all-zero rusage is valid, and getrusage fills it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Best wall time and best CPU time of `runs` runs of `f` (each the minimum over the runs),
/// with the result of the run of the best wall time.
fn best_of<T>(runs: u32, mut f: impl FnMut() -> Result<T>) -> Result<(Took, T)> {
    let mut best: Option<(Took, T)> = None;
    for _ in 0..runs.max(1) {
        let (t0, c0) = (Instant::now(), process_cpu());
        let v = f()?;
        let took = Took {
            wall: t0.elapsed(),
            cpu: process_cpu() - c0,
        };
        best = Some(match best {
            None => (took, v),
            Some((b, bv)) => {
                let cpu = b.cpu.min(took.cpu);
                if took.wall < b.wall {
                    (
                        Took {
                            wall: took.wall,
                            cpu,
                        },
                        v,
                    )
                } else {
                    (Took { wall: b.wall, cpu }, bv)
                }
            }
        });
    }
    Ok(best.expect("at least one run"))
}

/// Wall and CPU time of a peer tool on the capture, or `None` when it is not installed.
fn time_peer(tool: &str, args: &[&str], capture: &Path) -> Result<Option<Took>> {
    let probe = Command::new(tool)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if probe.is_err() {
        return Ok(None);
    }
    let (t0, c0) = (Instant::now(), children_cpu());
    let status = Command::new(tool)
        .args(args)
        .arg(capture)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("running {tool}"))?;
    let took = Took {
        wall: t0.elapsed(),
        cpu: children_cpu() - c0,
    };
    if !status.success() {
        bail!("{tool} failed on {} ({status})", capture.display());
    }
    Ok(Some(took))
}

fn bench_analyze(a: &BenchAnalyzeArgs) -> Result<()> {
    let generated;
    let path = match &a.capture {
        Some(p) => p.clone(),
        None => {
            let p = std::env::temp_dir()
                .join(format!("synscope-bench-{}-v6-{}.pcap", a.generate, a.ipv6));
            let g = GenerateArgs {
                output: p.clone(),
                packets: a.generate,
                connections: (a.generate / 10).max(1),
                concurrency: 4096,
                seed: 1,
                ipv6: a.ipv6,
            };
            eprintln!("generating {} ({} frames)…", p.display(), a.generate);
            generated = generate(&g, &p)?;
            eprintln!(
                "  {} frames, {} connections",
                generated.frames, generated.connections
            );
            p
        }
    };
    let analyze = |shape, threads: usize| {
        let bytes = read_file(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let config = TrackerConfig {
            shape,
            ..TrackerConfig::default()
        };
        Ok(analyze_capture_sharded(&bytes, config, threads)?)
    };
    let threads = usize::from(a.threads);
    let progress = Progress::new("timing synscope", 3 * u64::from(a.runs.max(1)), "runs");
    let timed = |shape, threads| {
        best_of(a.runs, || {
            let r = analyze(shape, threads);
            progress.inc(1);
            r
        })
    };
    let (ours, report) = timed(TableShape::Unbounded, 1)?;
    let (sharded, sharded_report) = timed(TableShape::Unbounded, threads)?;
    let (bounded, _) = timed(TableShape::ARTY_35T, 1)?;
    progress.finish();
    if sharded_report.counters != report.counters
        || sharded_report.connections != report.connections
    {
        bail!("the {threads}-thread analysis differs from the one-thread analysis");
    }
    let frames = report.counters.get(Counter::Frames);
    let pps = frames as f64 / ours.wall.as_secs_f64();
    let pps_cpu = frames as f64 / ours.cpu.as_secs_f64();
    let pps_n = frames as f64 / sharded.wall.as_secs_f64();
    let (tshark, tcptrace) = if a.no_peers {
        (None, None)
    } else {
        eprintln!("timing tshark and tcptrace on the same file…");
        (
            time_peer("tshark", &["-q", "-z", "conv,tcp", "-r"], &path)?,
            time_peer("tcptrace", &["-n"], &path)?,
        )
    };
    let ratio = |p: Option<Took>| p.map(|p| p.wall.as_secs_f64() / ours.wall.as_secs_f64());
    let ratio_cpu = |p: Option<Took>| p.map(|p| p.cpu.as_secs_f64() / ours.cpu.as_secs_f64());
    let ratio_n = |p: Option<Took>| p.map(|p| p.wall.as_secs_f64() / sharded.wall.as_secs_f64());
    if a.json {
        let v = json!({
            "capture": path.display().to_string(),
            "frames": frames,
            "connections": report.connections.len(),
            "seconds": ours.wall.as_secs_f64(),
            "cpu_seconds": ours.cpu.as_secs_f64(),
            "packets_per_s": pps,
            "packets_per_s_cpu": pps_cpu,
            "packets_per_s_bounded_35t": frames as f64 / bounded.wall.as_secs_f64(),
            "packets_per_s_bounded_35t_cpu": frames as f64 / bounded.cpu.as_secs_f64(),
            "tshark_seconds": tshark.map(|d| d.wall.as_secs_f64()),
            "tcptrace_seconds": tcptrace.map(|d| d.wall.as_secs_f64()),
            "tshark_cpu_seconds": tshark.map(|d| d.cpu.as_secs_f64()),
            "tcptrace_cpu_seconds": tcptrace.map(|d| d.cpu.as_secs_f64()),
            "speedup_vs_tshark": ratio(tshark),
            "speedup_vs_tcptrace": ratio(tcptrace),
            "speedup_vs_tshark_cpu": ratio_cpu(tshark),
            "speedup_vs_tcptrace_cpu": ratio_cpu(tcptrace),
            "threads": threads,
            "threads_seconds": sharded.wall.as_secs_f64(),
            "threads_cpu_seconds": sharded.cpu.as_secs_f64(),
            "threads_packets_per_s": pps_n,
            "threads_speedup": ours.wall.as_secs_f64() / sharded.wall.as_secs_f64(),
            "threads_speedup_vs_tshark": ratio_n(tshark),
            "threads_speedup_vs_tcptrace": ratio_n(tcptrace),
        });
        return output::write_stdout(format!("{v}\n").as_bytes());
    }
    let mut s = format!(
        "synscope analyze: {frames} frames, {} connections in {:.3} s = {:.2} M packets/s \
         (one thread, file read included; {:.2} M packets/s of CPU time)\n\
         on {threads} threads (same result): {:.3} s = {:.2} M packets/s, {:.2}× one thread \
         ({:.2} s of CPU time)\n\
         bounded table as the 35T's ({} entries), one thread: {:.2} M packets/s ({:.2} M of CPU \
         time)\n",
        report.connections.len(),
        ours.wall.as_secs_f64(),
        pps / 1e6,
        pps_cpu / 1e6,
        sharded.wall.as_secs_f64(),
        pps_n / 1e6,
        ours.wall.as_secs_f64() / sharded.wall.as_secs_f64(),
        sharded.cpu.as_secs_f64(),
        TableShape::ARTY_35T.capacity().unwrap_or(0),
        frames as f64 / bounded.wall.as_secs_f64() / 1e6,
        frames as f64 / bounded.cpu.as_secs_f64() / 1e6,
    );
    for (name, t) in [("tshark -z conv,tcp", tshark), ("tcptrace -n", tcptrace)] {
        match t {
            Some(t) => {
                s += &format!(
                    "{name}: {:.3} s — synscope is {:.1}× faster on one thread ({:.1}× in CPU \
                     time), {:.1}× on {threads}\n",
                    t.wall.as_secs_f64(),
                    t.wall.as_secs_f64() / ours.wall.as_secs_f64(),
                    t.cpu.as_secs_f64() / ours.cpu.as_secs_f64(),
                    t.wall.as_secs_f64() / sharded.wall.as_secs_f64(),
                )
            }
            None if a.no_peers => {}
            None => s += &format!("{name}: not installed (apt-get install tshark tcptrace)\n"),
        }
    }
    output::write_stdout(s.as_bytes())
}
