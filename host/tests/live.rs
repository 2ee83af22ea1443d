//! Live capture (`analyze -i IFACE`) on a veth pair between two network namespaces the test
//! creates: a server in one, a client in the other, real TCP connections made by the kernels,
//! captured on the client's veth by synscope (libpcap) running inside the client's namespace.
//! The end states must be what the kernels did: three connections closed by the client
//! (TIME_WAIT / CLOSED) and one refused (no listener: CLOSED / CLOSED, Zeek's REJ). Traffic
//! stays inside the two namespaces (198.18.0.0/15, the benchmarking range of RFC 2544, with
//! no route out), which are deleted at the end.
//!
//! Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and `ip` (iproute2): where namespaces cannot be
//! created, the test says why on stderr and skips.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_synscope");
const CLIENT: &str = "198.18.0.1";
const SERVER: &str = "198.18.0.2";
const PORT: u16 = 8080;
const CLOSED_PORT: u16 = 8081;

/// Two namespaces joined by a veth pair; deleted on drop.
struct Netns {
    client: String,
    server: String,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}`: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Netns {
    fn create() -> Result<Netns, String> {
        let tag = format!("{}", std::process::id() % 100_000);
        let n = Netns {
            client: format!("syns-c{tag}"),
            server: format!("syns-s{tag}"),
        };
        ip(&["netns", "add", &n.client])?;
        ip(&["netns", "add", &n.server])?;
        let (vc, vs) = (format!("vc{tag}"), format!("vs{tag}"));
        ip(&[
            "link", "add", &vc, "netns", &n.client, "type", "veth", "peer", "name", &vs, "netns",
            &n.server,
        ])?;
        for (ns, dev, addr) in [(&n.client, &vc, CLIENT), (&n.server, &vs, SERVER)] {
            ip(&["-n", ns, "addr", "add", &format!("{addr}/30"), "dev", dev])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        Ok(n)
    }

    fn client_if(&self) -> String {
        format!("vc{}", &self.client[6..])
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.client]);
        let _ = ip(&["netns", "del", &self.server]);
    }
}

/// Run `f` on a thread inside the network namespace `ns` (setns(2) moves only that thread;
/// the sockets it makes stay in the namespace).
fn in_netns<T: Send + 'static>(
    ns: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    let path = format!("/var/run/netns/{ns}");
    thread::spawn(move || {
        let file = std::fs::File::open(&path).expect("the namespace's handle");
        // SAFETY: setns on a valid namespace fd, affecting only this thread.
        let r = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
        f()
    })
}

#[test]
fn live_capture_on_a_veth_pair_tracks_real_connections() {
    let ns = match Netns::create() {
        Ok(ns) => ns,
        Err(why) => {
            eprintln!(
                "SKIPPED live_capture_on_a_veth_pair: cannot create network namespaces ({why})"
            );
            return;
        }
    };
    // The server: answers each connection with a few bytes, then waits for the client's FIN.
    let server = in_netns(&ns.server, || {
        let l = TcpListener::bind((SERVER, PORT)).expect("bind in the server namespace");
        l.set_nonblocking(false).unwrap();
        for _ in 0..3 {
            let (mut s, _) = l.accept().unwrap();
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).unwrap();
            s.write_all(&buf[..n]).unwrap();
            // The client closes first; read its FIN, then close.
            let _ = s.read(&mut buf);
        }
    });
    thread::sleep(Duration::from_millis(200));
    // synscope, inside the client's namespace, on its veth: until 3 s after the last frame.
    let mut capture = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.client,
            BIN,
            "analyze",
            "-i",
            &ns.client_if(),
        ])
        .args(["--duration", "6", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synscope starts in the client namespace");
    thread::sleep(Duration::from_millis(1500));
    let client = in_netns(&ns.client, || {
        let mut ports = Vec::new();
        for _ in 0..3 {
            let to: SocketAddr = format!("{SERVER}:{PORT}").parse().unwrap();
            let mut s = TcpStream::connect_timeout(&to, Duration::from_secs(3)).unwrap();
            ports.push(s.local_addr().unwrap().port());
            s.write_all(b"hello synscope").unwrap();
            let mut buf = [0u8; 64];
            let _ = s.read(&mut buf).unwrap();
            s.shutdown(std::net::Shutdown::Both).unwrap();
            drop(s);
            thread::sleep(Duration::from_millis(100));
        }
        // No listener: the server's kernel answers RST.
        let to: SocketAddr = format!("{SERVER}:{CLOSED_PORT}").parse().unwrap();
        let refused = TcpStream::connect_timeout(&to, Duration::from_secs(3));
        assert!(refused.is_err());
        ports
    });
    let ports = client.join().unwrap();
    server.join().unwrap();
    let t0 = Instant::now();
    let out = loop {
        if let Some(_st) = capture.try_wait().unwrap() {
            break capture.wait_with_output().unwrap();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "synscope did not stop"
        );
        thread::sleep(Duration::from_millis(100));
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("the JSON document");
    assert!(v["source"].as_str().unwrap().starts_with("live:"));
    let conns = v["connections"].as_array().unwrap();
    for p in &ports {
        let c = conns
            .iter()
            .find(|c| c["client"] == format!("{CLIENT}:{p}"))
            .unwrap_or_else(|| panic!("connection from port {p} in {v}"));
        assert_eq!(c["server"], format!("{SERVER}:{PORT}"));
        // The client closed first: it waits in TIME_WAIT, the server is closed.
        assert_eq!(c["client_state"], "TIME_WAIT", "{c}");
        assert_eq!(c["server_state"], "CLOSED", "{c}");
        assert_eq!(c["history"], "ShADadFf", "{c}");
    }
    let refused = conns
        .iter()
        .find(|c| c["server"] == format!("{SERVER}:{CLOSED_PORT}"))
        .unwrap_or_else(|| panic!("the refused connection in {v}"));
    assert_eq!(refused["client_state"], "CLOSED", "{refused}");
    assert_eq!(refused["server_state"], "CLOSED", "{refused}");
    assert_eq!(conns.len(), 4, "{v}");
    eprintln!(
        "live capture on {}: {} frames, {} connections",
        ns.client_if(),
        v["counters"]["frames"],
        conns.len()
    );
}

#[test]
fn a_missing_interface_is_one_clear_line() {
    let out = Command::new(BIN)
        .args(["analyze", "-i", "no-such-if0", "--duration", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("synscope: no-such-if0: "), "{err}");
}
