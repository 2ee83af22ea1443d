//! `synscope sim CAPTURE --serve`: the simulated board on a pseudo-terminal, driven by the
//! ordinary console commands through `--port` (the serialport path a real board uses).
//!
//! * `serve_answers_the_console_like_a_board`: `table --json` and `stats --json` over the pty
//!   equal `analyze --json --table arty35` on the same capture (end states, every counter);
//!   SIGTERM ends the server with exit status 0.
//! * `a_server_that_dies_is_a_clear_error`: the server killed while `events` listens: the
//!   client exits non-zero with one clear line on stderr, no panic, within a bounded time.

mod common;

use common::{end_states, truth_states};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const BAUD: &str = "3000000";
/// Bound on every wait for a process (the simulated board is slow, the machine may be busy).
const WAIT: Duration = Duration::from_secs(120);

/// A running `sim --serve`, killed when dropped.
struct Server {
    child: Child,
    port: String,
}

impl Server {
    /// `sim CAPTURE --serve`, its line at `baud` (none: the reset rate, as a board's).
    fn start(capture: &str, baud: Option<&str>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_synscope"))
            .args(["sim", capture, "--serve"])
            .args(baud.map(|b| vec!["--baud", b]).unwrap_or_default())
            .env_remove("SYNSCOPE_BAUD")
            .current_dir(ROOT)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("synscope sim --serve starts");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(out).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(WAIT) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("no serial line from sim --serve within {WAIT:?}");
            }
        };
        let port = line
            .strip_prefix("serial: ")
            .unwrap_or_else(|| panic!("first line {line:?}"))
            .trim()
            .to_string();
        assert!(port.starts_with("/dev/"), "{port}");
        Server { child, port }
    }

    /// Send `signal` and wait (bounded) for the exit.
    fn stop(mut self, signal: libc::c_int) -> std::process::ExitStatus {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        wait_bounded(&mut self.child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_bounded(child: &mut Child) -> std::process::ExitStatus {
    let t = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if t.elapsed() > WAIT {
            let _ = child.kill();
            panic!("a process did not exit within {WAIT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Run synscope to completion (bounded).
fn synscope(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(args)
        .current_dir(ROOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_bounded(&mut child);
    child.wait_with_output().unwrap()
}

fn json_of(o: &Output, what: &str) -> Value {
    assert!(
        o.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The simulated board starts at the reset rate, like a board: the console raises it for each
/// command (no flag) and puts it back.
#[test]
fn serve_answers_the_console_like_a_board() {
    let t = Instant::now();
    let capture = "captures/A_normal.pcap";
    let server = Server::start(capture, None);
    let p = server.port.clone();
    let t0 = Instant::now();
    let table = json_of(&synscope(&["--port", &p, "table", "--json"]), "table");
    eprintln!("table, no baud flag: {:.2} s", t0.elapsed().as_secs_f64());
    let stats = json_of(&synscope(&["--port", &p, "stats", "--json"]), "stats");
    let ping = synscope(&["--port", &p, "ping", "--json"]);
    assert_eq!(json_of(&ping, "ping")["baud"], 3_000_000);
    let cfg = json_of(
        &synscope(&["--port", &p, "--baud", "115200", "config", "--json"]),
        "config",
    );
    assert_eq!(cfg["baud"], 115_200, "the reset rate put back");
    let model = json_of(
        &synscope(&["analyze", capture, "--json", "--table", "arty35"]),
        "analyze",
    );
    assert_eq!(table["board"]["board"], "simulated board");
    assert!(!end_states(&model).is_empty());
    assert_eq!(end_states(&table), end_states(&model));
    assert_eq!(stats["counters"], model["counters"]);
    let status = server.stop(libc::SIGTERM);
    assert!(status.success(), "sim --serve after SIGTERM: {status}");
    eprintln!("serve: {:.1} s", t.elapsed().as_secs_f64());
}

/// `table --json` of the simulated board after an IPv6 capture (every connection a pair of
/// ways, dumped head and continuation) gives the kernels' end states with full `[addr]:port`
/// endpoints; `lookup` finds a connection by `[addr]:port`, either way round, and says when a
/// tuple is not there.
#[test]
fn serve_tracks_ipv6_and_looks_it_up() {
    let capture = "captures/Q6_ipv6_many.pcap";
    let server = Server::start(capture, Some(BAUD));
    let p = server.port.clone();
    let table = json_of(
        &synscope(&["--port", &p, "--baud", BAUD, "table", "--json"]),
        "table",
    );
    let want = truth_states("Q6_ipv6_many");
    assert_eq!(end_states(&table), want);
    let (client, server_ep, cs, ss) = &want[0];
    let found = json_of(
        &synscope(&[
            "--port", &p, "--baud", BAUD, "lookup", server_ep, client, "--json",
        ]),
        "lookup",
    );
    assert_eq!(found["found"], true, "{found}");
    assert_eq!(found["connection"]["client"], client.as_str());
    assert_eq!(found["connection"]["client_state"], cs.as_str());
    assert_eq!(found["connection"]["server_state"], ss.as_str());
    // Not in the table: `{"found": false}` and exit status 3 (as `conntrack -G`).
    let o = synscope(&[
        "--port",
        &p,
        "--baud",
        BAUD,
        "lookup",
        "[fd77:1::99]:1",
        server_ep,
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let missing: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(missing["found"], false, "{missing}");
    let status = server.stop(libc::SIGTERM);
    assert!(status.success(), "sim --serve after SIGTERM: {status}");
}

#[test]
fn a_server_that_dies_is_a_clear_error() {
    let t = Instant::now();
    let server = Server::start("captures/E_refused.pcap", Some(BAUD));
    let mut client = Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(["--port", &server.port, "--baud", BAUD, "events"])
        .current_dir(ROOT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it connect and listen, then take the board away.
    thread::sleep(Duration::from_secs(2));
    assert!(client.try_wait().unwrap().is_none(), "events exited early");
    server.stop(libc::SIGKILL);
    let status = wait_bounded(&mut client);
    let out = client.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success());
    assert!(err.starts_with("synscope: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    eprintln!(
        "dead port: {err:?} after {:.1} s",
        t.elapsed().as_secs_f64()
    );
}
