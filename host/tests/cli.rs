//! The command-line contract: JSON document shape, and one clear error line (never a panic) for
//! every kind of bad input.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn synscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(args)
        .output()
        .expect("run synscope")
}

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../captures")
        .join(name)
}

/// Σ of the `drop_*` counters of a JSON document's `counters`.
fn drop_sum(counters: &Value) -> u64 {
    counters
        .as_object()
        .unwrap()
        .iter()
        .filter(|(n, _)| n.starts_with("drop_"))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum()
}

fn assert_clean_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err}");
    assert!(err.starts_with("synscope: "), "{err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn analyze_json_follows_the_contract() {
    let p = capture("K_many.pcap");
    let out = synscope(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let conns = v["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 300);
    let states: Vec<&str> = [
        "CLOSED",
        "LISTEN",
        "SYN_SENT",
        "SYN_RECEIVED",
        "ESTABLISHED",
        "FIN_WAIT_1",
        "FIN_WAIT_2",
        "CLOSE_WAIT",
        "CLOSING",
        "LAST_ACK",
        "TIME_WAIT",
    ]
    .to_vec();
    for c in conns {
        assert!(c["client"].as_str().unwrap().starts_with("10.77.1.10:"));
        assert_eq!(c["server"], "10.77.1.20:1883");
        assert!(states.contains(&c["client_state"].as_str().unwrap()));
        assert!(states.contains(&c["server_state"].as_str().unwrap()));
    }
    let k = &v["counters"];
    assert_eq!(k["frames"], 4693);
    let drops = drop_sum(k);
    assert_eq!(k["processed"].as_u64().unwrap() + drops, 4693);
    assert_eq!(v["state_counts"]["client"]["ESTABLISHED"], 57);
    assert_eq!(v["listeners"][0]["endpoint"], "10.77.1.20:1883");
}

#[test]
fn analyze_reports_untracked_frames_on_stderr() {
    // K_many cut at 70 bytes (tcpdump -s 70): the SYNs' and SYN-ACKs' options are cut (their
    // headers end at byte 74, the others' at 66); the frames whose headers are whole are
    // tracked, the others counted and named on stderr.
    let dir = std::env::temp_dir().join(format!("synscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cut = dir.join("k70.pcap");
    let full = std::fs::read(capture("K_many.pcap")).unwrap();
    let mut out = full[..24].to_vec();
    out[16..20].copy_from_slice(&70u32.to_le_bytes());
    synscope_model::capture::for_each_frame(&full, |f| {
        let keep = f.data.len().min(70);
        out.extend((f.timestamp.as_secs() as u32).to_le_bytes());
        out.extend(f.timestamp.subsec_micros().to_le_bytes());
        out.extend((keep as u32).to_le_bytes());
        out.extend(f.orig_len.to_le_bytes());
        out.extend(&f.data[..keep]);
    })
    .unwrap();
    std::fs::write(&cut, out).unwrap();
    let o = synscope(&["analyze", cut.to_str().unwrap(), "--json"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("600 of 4693 frames not tracked: 600 snap truncated"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["counters"]["drop_snap_truncated"], 600);
    assert_eq!(v["connections"].as_array().unwrap().len(), 300);
    // A whole capture says nothing.
    let o = synscope(&["analyze", capture("K_many.pcap").to_str().unwrap()]);
    assert!(o.status.success() && o.stderr.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_prints_ipv6_endpoints_bracketed() {
    let p = capture("P6_vlan_ipv6.pcap");
    let out = synscope(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["connections"][0];
    assert_eq!(c["client"], "[fd77:1::10]:48958");
    assert_eq!(c["server"], "[fd77:1::20]:9092");
    assert_eq!(v["listeners"][0]["endpoint"], "[fd77:1::20]:9092");
    let out = synscope(&["analyze", p.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[fd77:1::10]:48958 "), "{text}");
}

#[test]
fn analyze_table_is_readable() {
    let p = capture("A_normal.pcap");
    let out = synscope(&["analyze", p.to_str().unwrap()]);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("10.77.1.10:47960"));
    assert!(s.contains("TIME_WAIT"));
    assert!(s.contains("1 connections; 29 frames: 29 processed, 0 dropped"));
}

#[test]
fn a_missing_capture_is_one_clear_line() {
    let out = synscope(&["analyze", "/nonexistent/x.pcap"]);
    assert_clean_error(&out, "No such file");
}

#[test]
fn a_file_that_is_not_a_capture_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.txt");
    std::fs::write(&p, "hello, this is not a pcap").unwrap();
    assert_clean_error(
        &synscope(&["analyze", p.to_str().unwrap()]),
        "not a capture file",
    );
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, "").unwrap();
    assert_clean_error(
        &synscope(&["analyze", empty.to_str().unwrap()]),
        "not a capture file",
    );
}

#[test]
fn a_capture_cut_inside_its_header_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(capture("A_normal.pcap")).unwrap();
    let p = dir.path().join("cut10.pcap");
    std::fs::write(&p, &bytes[..10]).unwrap();
    assert_clean_error(&synscope(&["analyze", p.to_str().unwrap()]), "truncated");
}

/// A capture cut inside a frame (still being written, or a partial copy): the result of its
/// complete frames, and a warning, as tshark does.
#[test]
fn a_capture_cut_short_gives_its_complete_frames_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(capture("K_many.pcap")).unwrap();
    let whole = synscope(&[
        "analyze",
        capture("K_many.pcap").to_str().unwrap(),
        "--json",
    ]);
    let whole: Value = serde_json::from_slice(&whole.stdout).unwrap();
    let p = dir.path().join("partial.pcap");
    std::fs::write(&p, &bytes[..bytes.len() - 7]).unwrap();
    let out = synscope(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("was cut short in the middle of a frame")
            && err.contains("its 4692 complete frames"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["counters"]["frames"], 4692);
    assert_eq!(v["capture_cut_short"], true);
    assert_eq!(v["connections"].as_array().unwrap().len(), 300);
    assert_eq!(whole["capture_cut_short"], false);
    // The same through a pipe.
    let out = piped(&bytes[..bytes.len() - 7], &["analyze", "-", "--json"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard input was cut short"), "{err}");
}

/// `synscope ARGS` with `input` on its standard input through a pipe.
fn piped(input: &[u8], args: &[&str]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // A slow writer, in pieces, as tcpdump -w - would.
        for chunk in input.chunks(1000) {
            if stdin.write_all(chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn without_source(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["source"] = Value::Null;
    v
}

/// `analyze -`: pcap and pcapng streams on a pipe, and a file redirected to stdin, give the
/// file's result.
#[test]
fn analyze_reads_pipes_and_stdin() {
    let src = capture("K_many.pcap");
    let file = without_source(&synscope(&["analyze", src.to_str().unwrap(), "--json"]));
    let bytes = std::fs::read(&src).unwrap();
    assert_eq!(
        without_source(&piped(&bytes, &["analyze", "-", "--json"])),
        file
    );
    let dir = tempfile::tempdir().unwrap();
    let ng = dir.path().join("k.pcapng");
    write_pcapng(&bytes, &ng);
    let ng_bytes = std::fs::read(&ng).unwrap();
    assert_eq!(
        without_source(&piped(&ng_bytes, &["analyze", "-", "--json"])),
        file
    );
    let redirected = Command::new(env!("CARGO_BIN_EXE_synscope"))
        .args(["analyze", "-", "--json"])
        .stdin(std::fs::File::open(&src).unwrap())
        .output()
        .unwrap();
    assert_eq!(without_source(&redirected), file);
    let not = piped(b"hello, not a capture", &["analyze", "-"]);
    assert_clean_error(&not, "not a capture file");
}

/// Frames not tracked are reported with their reasons; nothing tracked out of a non-empty
/// capture is exit status 3.
#[test]
fn untracked_frames_are_reported_and_nothing_tracked_fails() {
    let out = synscope(&["analyze", capture("K_many.pcap").to_str().unwrap()]);
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g.pcap");
    let gen = synscope(&[
        "generate",
        g.to_str().unwrap(),
        "--packets",
        "6000",
        "--connections",
        "600",
    ]);
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let out = synscope(&["analyze", g.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("synscope: ")
            && err.contains("frames not tracked: ")
            && err.contains("not ip"),
        "{err}"
    );
    // Every frame turned into ARP: nothing tracked.
    let bytes = std::fs::read(capture("A_normal.pcap")).unwrap();
    let arp = dir.path().join("arp.pcap");
    rewrite(&bytes, &arp, |f| {
        f[12] = 0x08;
        f[13] = 0x06;
    });
    let out = synscope(&["analyze", arp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("29 of 29 frames not tracked: 29 not ip"),
        "{err}"
    );
    assert!(
        err.contains("no TCP connection tracked out of 29 frames"),
        "{err}"
    );
}

/// A copy of a pcap with every frame changed by `f`.
fn rewrite(bytes: &[u8], to: &Path, mut f: impl FnMut(&mut Vec<u8>)) {
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    let mut w = PcapWriter::with_header(
        std::fs::File::create(to).unwrap(),
        PcapHeader {
            datalink: pcap_file::DataLink::ETHERNET,
            ..PcapHeader::default()
        },
    )
    .unwrap();
    synscope_model::capture::for_each_frame(bytes, |fr| {
        let mut d = fr.data.to_vec();
        f(&mut d);
        w.write_packet(&PcapPacket::new(fr.timestamp, d.len() as u32, &d))
            .unwrap();
    })
    .unwrap();
}

fn write_pcapng(bytes: &[u8], to: &Path) {
    use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
    use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock;
    use pcap_file::pcapng::PcapNgWriter;
    use std::borrow::Cow;
    let mut w = PcapNgWriter::new(std::fs::File::create(to).unwrap()).unwrap();
    w.write_pcapng_block(InterfaceDescriptionBlock {
        linktype: pcap_file::DataLink::ETHERNET,
        snaplen: 65535,
        options: vec![],
    })
    .unwrap();
    synscope_model::capture::for_each_frame(bytes, |f| {
        w.write_pcapng_block(EnhancedPacketBlock {
            interface_id: 0,
            timestamp: f.timestamp,
            original_len: f.orig_len,
            data: Cow::Borrowed(f.data),
            options: vec![],
        })
        .unwrap();
    })
    .unwrap();
}

/// Every format of `analyze` lists the same connections; Zeek's conn.log derives
/// `conn_state` and `history` from what the model saw.
#[test]
fn analyze_formats() {
    let k = capture("K_many.pcap");
    let k = k.to_str().unwrap();
    let json: Value =
        serde_json::from_slice(&synscope(&["analyze", k, "--format", "json"]).stdout).unwrap();
    let conns = json["connections"].as_array().unwrap();
    let nd = synscope(&["analyze", k, "--format", "ndjson"]);
    let lines: Vec<Value> = String::from_utf8(nd.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, conns);
    let csv = String::from_utf8(synscope(&["analyze", k, "--format", "csv"]).stdout).unwrap();
    let mut rows = csv.lines();
    let head: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(
        &head[..4],
        ["client", "server", "client_state", "server_state"]
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), 300);
    for (r, c) in rows.iter().zip(conns) {
        let f: Vec<&str> = r.split(',').collect();
        assert_eq!(f[0], c["client"]);
        assert_eq!(f[3], c["server_state"]);
    }
    // One orderly connection: SF, the handshake, data both ways, both FINs.
    let a = capture("A_normal.pcap");
    let zeek =
        String::from_utf8(synscope(&["analyze", a.to_str().unwrap(), "--format", "zeek"]).stdout)
            .unwrap();
    let fields: Vec<&str> = zeek
        .lines()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .unwrap()
        .split('\t')
        .collect();
    let rec: Vec<&str> = zeek
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .split('\t')
        .collect();
    assert_eq!(fields.len(), rec.len());
    let get = |name: &str| rec[fields.iter().position(|f| *f == name).unwrap()];
    assert_eq!(get("id.orig_h"), "10.77.1.10");
    assert_eq!(get("id.resp_p"), "5432");
    assert_eq!(get("conn_state"), "SF");
    assert_eq!(get("history"), "ShADadFf");
    assert_eq!(get("orig_pkts"), "16");
    assert!(zeek.lines().last().unwrap().starts_with("#close\t"));
    // A refused connection is REJ; an unanswered SYN is S0.
    let e = capture("E_refused.pcap");
    let zeek =
        String::from_utf8(synscope(&["analyze", e.to_str().unwrap(), "--format", "zeek"]).stdout)
            .unwrap();
    assert!(zeek.lines().any(|l| l.contains("\tREJ\t")), "{zeek}");
    // The table names the time left of each entry, like conntrack.
    let t = String::from_utf8(synscope(&["analyze", a.to_str().unwrap()]).stdout).unwrap();
    assert!(
        t.lines().next().unwrap().contains("FIRST SEEN") && t.contains("EXPIRES"),
        "{t}"
    );
    assert!(
        t.lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .any(|w| w == "70"),
        "TIME_WAIT 60 s + linger 10 s: {t}"
    );
    // Zeek needs the model's history: the board's table refuses it, saying why.
    let out = synscope(&["--port", "/dev/null", "table", "--format", "zeek"]);
    assert_clean_error(&out, "only the model keeps");
}

/// conntrack-like filters: addresses and networks, ports and ranges, states of either side.
#[test]
fn analyze_filters() {
    let k = capture("K_many.pcap");
    let k = k.to_str().unwrap();
    let count = |extra: &[&str]| -> usize {
        let mut a = vec!["analyze", k, "--json"];
        a.extend(extra);
        let out = synscope(&a);
        assert!(
            out.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = v["connections"].as_array().unwrap().len();
        assert_eq!(v["connection_count"], n);
        n
    };
    let all: Value = serde_json::from_slice(&synscope(&["analyze", k, "--json"]).stdout).unwrap();
    let est = all["state_counts"]["client"]["ESTABLISHED"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(count(&[]), 300);
    assert_eq!(count(&["--dport", "1883"]), 300);
    assert_eq!(count(&["--dport", "80,443"]), 0);
    assert_eq!(count(&["-s", "10.77.1.0/24", "-d", "10.77.1.20"]), 300);
    assert_eq!(count(&["--src", "10.77.2.0/24"]), 0);
    assert_eq!(count(&["--client-state", "established"]), est);
    let ports: Vec<u64> = all["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["client"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let (lo, hi) = (ports.iter().min().unwrap(), ports.iter().max().unwrap());
    let mid = (lo + hi) / 2;
    let below = ports.iter().filter(|p| **p <= mid).count();
    assert_eq!(count(&["--sport", &format!("{lo}-{mid}")]), below);
    assert_eq!(count(&["--any-port", &format!("{lo}-{mid}")]), below);
    assert_eq!(
        count(&["--host", "10.77.1.20", "--state", "ESTABLISHED"]),
        {
            all["connections"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| {
                    c["client_state"] == "ESTABLISHED" || c["server_state"] == "ESTABLISHED"
                })
                .count()
        }
    );
    let bad = synscope(&["analyze", k, "--state", "bogus"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("one of CLOSED LISTEN"));
}

/// `generate` refuses what it cannot honour instead of writing something else.
#[test]
fn generate_checks_its_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.pcap");
    let p = p.to_str().unwrap();
    assert_clean_error(
        &synscope(&["generate", p, "--connections", "0"]),
        "--connections 0",
    );
    assert_clean_error(
        &synscope(&["generate", p, "--packets", "10", "--connections", "1000"]),
        "too few",
    );
    assert_clean_error(
        &synscope(&[
            "generate",
            p,
            "--packets",
            "1000000000",
            "--connections",
            "1",
        ]),
        "too many",
    );
    assert!(!Path::new(p).exists(), "nothing written");
}

/// The manual pages come from the clap definitions.
#[test]
fn man_pages_are_generated() {
    let out = synscope(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH synscope"),
        "{}",
        &page[..200]
    );
    assert!(page.contains("EXIT STATUS"));
    let dir = tempfile::tempdir().unwrap();
    let out = synscope(&["man", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    for name in [
        "synscope.1",
        "synscope-analyze.1",
        "synscope-lookup.1",
        "synscope-monitor.1",
    ] {
        let p = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(p.contains(".SH"), "{name}");
    }
    let analyze = std::fs::read_to_string(dir.path().join("synscope-analyze.1")).unwrap();
    assert!(
        analyze.contains("\\-\\-format") && analyze.contains("\\-\\-dport"),
        "{analyze}"
    );
}

#[test]
fn a_capture_lying_about_lengths_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(capture("A_normal.pcap")).unwrap();
    // First record header: incl_len at offset 24 + 8.
    bytes[32..36].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let p = dir.path().join("liar.pcap");
    std::fs::write(&p, &bytes).unwrap();
    let out = synscope(&["analyze", p.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_non_ethernet_capture_names_the_link_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(capture("E_refused.pcap")).unwrap();
    bytes[20..24].copy_from_slice(&113u32.to_le_bytes()); // LINUX_SLL ("-i any")
    let p = dir.path().join("sll.pcap");
    std::fs::write(&p, &bytes).unwrap();
    assert_clean_error(&synscope(&["analyze", p.to_str().unwrap()]), "link type");
}

#[test]
fn generated_captures_analyze_and_account_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.pcap");
    let out = synscope(&[
        "generate",
        p.to_str().unwrap(),
        "--packets",
        "20000",
        "--connections",
        "2000",
        "--concurrency",
        "300",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = synscope(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["connections"].as_array().unwrap().len(), 2000);
    let k = &v["counters"];
    let drops = drop_sum(k);
    assert_eq!(
        k["processed"].as_u64().unwrap() + drops,
        k["frames"].as_u64().unwrap()
    );
    assert!(k["drop_not_ip"].as_u64().unwrap() > 0);
    assert!(k["class_invalid"].as_u64().unwrap() > 0);
    // Every generated ending is orderly, so no RST may be out of window.
    assert_eq!(k["rst_out_of_window"], 0);
    assert_eq!(k["rst_in_window"], 0);
}

#[test]
fn generated_ipv6_mixes_are_tracked_like_ipv4() {
    // Half the connections IPv6 (some with a destination-options header): the same accounting,
    // the same endings, every connection reported, bracketed endpoints.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g6.pcap");
    let out = synscope(&[
        "generate",
        p.to_str().unwrap(),
        "--packets",
        "20000",
        "--connections",
        "2000",
        "--concurrency",
        "300",
        "--ipv6",
        "50",
    ]);
    assert!(out.status.success());
    let out = synscope(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let conns = v["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 2000);
    let v6 = conns
        .iter()
        .filter(|c| c["client"].as_str().unwrap().starts_with("[fd00:1::"))
        .count();
    assert!((800..1200).contains(&v6), "{v6} IPv6 connections of 2000");
    let k = &v["counters"];
    assert_eq!(
        k["processed"].as_u64().unwrap() + drop_sum(k),
        k["frames"].as_u64().unwrap()
    );
    assert_eq!(k["rst_out_of_window"], 0);
    assert_eq!(k["rst_in_window"], 0);
    assert_eq!(k["drop_bad_ip_header"], 0);
    let bad = synscope(&["generate", p.to_str().unwrap(), "--ipv6", "101"]);
    assert!(!bad.status.success());
}

#[test]
fn pcapng_gives_the_same_result_as_pcap() {
    let src = capture("K_many.pcap");
    let bytes = std::fs::read(&src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ng = dir.path().join("k.pcapng");
    write_pcapng(&bytes, &ng);
    let a = synscope(&["analyze", src.to_str().unwrap(), "--json"]);
    let b = synscope(&["analyze", ng.to_str().unwrap(), "--json"]);
    assert!(a.status.success() && b.status.success());
    let mut va: Value = serde_json::from_slice(&a.stdout).unwrap();
    let mut vb: Value = serde_json::from_slice(&b.stdout).unwrap();
    va["source"] = Value::Null;
    vb["source"] = Value::Null;
    assert_eq!(va, vb);
}

/// `bench analyze --json`: the design.md keys, wall and CPU figures, and the peers' ratios when
/// they are installed (CI installs both).
#[test]
fn bench_analyze_json_has_rates_and_peer_ratios() {
    let a = capture("K_many.pcap");
    let out = synscope(&[
        "bench",
        "analyze",
        a.to_str().unwrap(),
        "--json",
        "--runs",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["frames"], 4693, "{v}");
    for key in [
        "packets_per_s",
        "packets_per_s_cpu",
        "packets_per_s_bounded_35t",
        "packets_per_s_bounded_35t_cpu",
    ] {
        assert!(v[key].as_f64().unwrap() > 0.0, "{key}: {v}");
    }
    // CPU time never exceeds wall time for one thread, so the CPU rate is the higher one.
    assert!(
        v["packets_per_s_cpu"].as_f64() >= v["packets_per_s"].as_f64(),
        "{v}"
    );
    for (peer, key) in [
        ("tshark", "speedup_vs_tshark"),
        ("tcptrace", "speedup_vs_tcptrace"),
    ] {
        let installed = Command::new(peer).arg("-v").output().is_ok();
        assert_eq!(v[key].is_f64(), installed, "{key}: {v}");
        assert_eq!(
            v[format!("{key}_cpu")].is_f64(),
            installed,
            "{key}_cpu: {v}"
        );
    }
}
