//! `synscope demo [CAPTURE]`: the simulated board serving its UART on a pseudo-terminal
//! (`synscope sim CAPTURE --serve --paced`, a child process, its line at the reset rate as a
//! board's), watched by the monitor, which raises the line to 3 Mbaud as it would a board's. Without a terminal, a few plain-text snapshots (`monitor --once`)
//! instead, so `make demo` in a script shows something and ends. The child is killed and
//! reaped on every way out (SIGTERM, then SIGKILL).

use crate::analyze::TimeoutArgs;
use crate::console::PortArgs;
use crate::filter::FilterArgs;
use crate::monitor::{self, once, state::View, MonitorArgs};
use crate::output::write_stdout;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The capture shown when none is given.
pub const DEFAULT_CAPTURE: &str = "captures/K_many.pcap";
/// How long the simulated board may take to print its serial port.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the simulated board has to end after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(1);
/// Lines of the child's stderr kept to explain a failure.
const STDERR_LINES: usize = 20;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// pcap or pcapng capture to replay (default: captures/K_many.pcap of this repository).
    pub capture: Option<PathBuf>,
    /// Replay speed: frames are fed no earlier than capture time / SPEED. The simulated
    /// hardware runs slower than real time (it simulates every clock of the 100 MHz design);
    /// at 0.2 K_many's 6.7 s play over about half a minute, slow enough to watch.
    #[arg(long, default_value_t = 0.2)]
    pub speed: f64,
    /// Without a terminal: how many plain-text snapshots to print...
    #[arg(long, default_value_t = 3)]
    pub snapshots: u32,
    /// ...and the seconds between them.
    #[arg(long, default_value_t = 4.0)]
    pub every: f64,
}

/// How long the demo's console waits through a silent line. A board pauses for microseconds;
/// the simulated one runs about 100 times slower than a board, in a process that shares the
/// CPU with everything else, and on a loaded machine (`make demo` beside a build, load 4 on
/// 2 cores) it once held an answer back for more than a board's 1.5 s. A simulated board that
/// has stopped still ends the wait, and its own last words are shown (`SimBoard::explain`).
pub const SIMULATED_ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

pub fn run(a: &DemoArgs) -> Result<()> {
    let capture = resolve_capture(a.capture.as_deref())?;
    let mut board = SimBoard::start(&capture, a.speed)?;
    let port = PortArgs {
        port: Some(board.serial.clone()),
        baud: None,
        answer_timeout: Some(SIMULATED_ANSWER_TIMEOUT),
    };
    let result = if std::io::stdout().is_terminal() {
        monitor::run(
            &MonitorArgs {
                once: false,
                interface: None,
                timeouts: TimeoutArgs::default(),
                select: FilterArgs::default(),
                filter: String::new(),
                interval: 0.5,
                table_interval: 3.0,
            },
            &port,
        )
    } else {
        snapshots(
            &port,
            a.snapshots,
            Duration::from_secs_f64(a.every.max(0.0)),
        )
    };
    result.map_err(|e| board.explain(e))
}

/// `count` plain-text snapshots, `every` apart.
fn snapshots(port: &PortArgs, count: u32, every: Duration) -> Result<()> {
    let (mut link, id) = port.connect()?;
    let layout = id.layout()?;
    for i in 0..count {
        let t0 = Instant::now();
        let mut view = View::new(link.name(), link.baud(), id);
        once::snapshot(&mut link, &mut view, layout)?;
        let head = format!("=== snapshot {} of {count} ===\n", i + 1);
        write_stdout(format!("{head}{}\n", once::text(&view)).as_bytes())?;
        if i + 1 < count {
            thread::sleep(every.saturating_sub(t0.elapsed()));
        }
    }
    Ok(())
}

/// The capture to replay: the one given, else the bundled one, looked for under the current
/// directory, the source tree this synscope was built from, and above the executable.
pub fn resolve_capture(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        if !p.is_file() {
            bail!("no such capture: {}", p.display());
        }
        return Ok(p.to_path_buf());
    }
    let mut places = vec![
        PathBuf::from(DEFAULT_CAPTURE),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(DEFAULT_CAPTURE),
    ];
    if let Ok(exe) = std::env::current_exe() {
        places.extend(exe.ancestors().skip(1).map(|d| d.join(DEFAULT_CAPTURE)));
    }
    places.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        anyhow!("cannot find {DEFAULT_CAPTURE}: run from the synscope folder, or name a capture")
    })
}

/// The simulated board as a child process serving its UART on a pseudo-terminal.
struct SimBoard {
    child: Child,
    serial: String,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl SimBoard {
    /// Start `synscope sim CAPTURE --serve --paced --speed S` and wait (bounded) for its
    /// `serial: PATH` line.
    fn start(capture: &Path, speed: f64) -> Result<SimBoard> {
        let exe = std::env::current_exe().context("cannot find the synscope executable")?;
        let child = Command::new(exe)
            .arg("sim")
            .arg(capture)
            .args(["--serve", "--paced", "--speed", &speed.to_string()])
            // A board's rate after reset, whatever the caller's environment says.
            .env_remove("SYNSCOPE_BAUD")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start the simulated board (synscope sim --serve)")?;
        let mut board = SimBoard {
            child,
            serial: String::new(),
            stderr: Arc::new(Mutex::new(VecDeque::new())),
        };
        let err = board.child.stderr.take().map(BufReader::new);
        let keep = board.stderr.clone();
        if let Some(err) = err {
            thread::spawn(move || {
                for line in err.lines().map_while(Result::ok) {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let mut k = keep.lock().unwrap_or_else(|p| p.into_inner());
                    if k.len() == STDERR_LINES {
                        k.pop_front();
                    }
                    k.push_back(line);
                }
            });
        }
        let lines = board.stdout_lines();
        board.serial = board.wait_serial(&lines)?;
        Ok(board)
    }

    /// The child's stdout, line by line, on a thread that keeps draining it.
    fn stdout_lines(&mut self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Some(out) = self.child.stdout.take() {
            thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        rx
    }

    fn wait_serial(&mut self, lines: &Receiver<String>) -> Result<String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match lines.recv_timeout(Duration::from_millis(100)) {
                Ok(l) => {
                    if let Some(p) = l.strip_prefix("serial:") {
                        return Ok(p.trim().to_string());
                    }
                    bail!(self.failure(&format!(
                        "the simulated board printed '{l}' instead of its serial port"
                    )));
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Ok(Some(st)) = self.child.try_wait() {
                        bail!(self.failure(&format!("the simulated board exited ({st})")));
                    }
                }
                Err(RecvTimeoutError::Timeout) => bail!(self.failure(&format!(
                    "the simulated board did not name its serial port within {} s",
                    START_TIMEOUT.as_secs()
                ))),
                Err(RecvTimeoutError::Disconnected) => {
                    let st = self.child.wait().ok();
                    let how =
                        st.map_or("closed its output".to_string(), |s| format!("exited ({s})"));
                    bail!(self.failure(&format!("the simulated board {how}")));
                }
            }
        }
    }

    /// `what`, with the child's last stderr lines.
    fn failure(&self, what: &str) -> String {
        // Give the stderr reader a moment to catch the child's last words.
        thread::sleep(Duration::from_millis(100));
        let k = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        if k.is_empty() {
            what.to_string()
        } else {
            let said: Vec<&str> = k.iter().map(String::as_str).collect();
            format!("{what}; it said: {}", said.join(" / "))
        }
    }

    /// An error of the monitor, with the simulated board's own words if it has died.
    fn explain(&mut self, e: anyhow::Error) -> anyhow::Error {
        match self.child.try_wait() {
            Ok(Some(st)) => anyhow!(
                "{e:#} ({})",
                self.failure(&format!("the simulated board exited: {st}"))
            ),
            _ => e,
        }
    }
}

/// SIGTERM first (the simulated board stops serving cleanly), SIGKILL if it has not ended
/// within `STOP_GRACE`; reaped either way.
impl Drop for SimBoard {
    fn drop(&mut self) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: signalling our own child, which has not been reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
