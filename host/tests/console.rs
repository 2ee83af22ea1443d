//! The board commands against a scripted board and a chattering device on pseudo-terminals:
//! every command ends within its bound on a port that speaks something else, saying what it
//! saw; `lookup`'s exit status; `config --set-baud`; a port in use; `SYNSCOPE_PORT` and
//! `SYNSCOPE_BAUD`; filters and formats of `table`; events with roles, and the events the board
//! lost reported as they are counted.

mod common;

use common::{identity, known_table, Chatter, Chattering, ScriptedBoard};
use serde_json::Value;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use synscope_model::protocol::payload::Identity;

const BIN: &str = env!("CARGO_BIN_EXE_synscope");

fn synscope(args: &[&str]) -> Output {
    synscope_env(args, &[])
}

fn synscope_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .stdin(Stdio::null())
        .env_remove("SYNSCOPE_PORT")
        .env_remove("SYNSCOPE_BAUD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("synscope runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The bound on a command against a device that never makes a synscope frame: five line
/// rates probed, each ended by the noise budget (1 KiB or 5 s) or 1.5 s of silence.
const CHATTER_BOUND: Duration = Duration::from_secs(30);

#[test]
fn a_chattering_port_ends_every_command_within_its_bound() {
    for what in [Chatter::Text, Chatter::Random] {
        let dev = Chattering::start(what);
        let p = dev.path.as_str();
        let commands: [&[&str]; 8] = [
            &["ping"],
            &["stats"],
            &["table"],
            &["lookup", "10.0.0.1:1", "10.0.0.2:2"],
            &["config"],
            &["events"],
            &["monitor", "--once"],
            &["--baud", "115200", "ping"],
        ];
        for cmd in commands {
            let mut args = vec!["--port", p];
            args.extend(cmd);
            let t0 = Instant::now();
            let out = synscope(&args);
            let took = t0.elapsed();
            let err = stderr(&out);
            eprintln!(
                "{what:?} {cmd:?}: {:.1} s: {}",
                took.as_secs_f64(),
                err.trim()
            );
            assert!(took < CHATTER_BOUND, "{what:?} {cmd:?} took {took:?}");
            assert_eq!(out.status.code(), Some(1), "{what:?} {cmd:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains("does not speak synscope"),
                "{what:?} {cmd:?}: {err}"
            );
            match what {
                Chatter::Text => assert!(err.contains("text: \"+CSQ: "), "{err}"),
                Chatter::Random => assert!(err.contains("binary bytes"), "{err}"),
            }
        }
    }
}

#[test]
fn lookup_exits_3_when_not_found() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let found = synscope(&[
        "--port",
        &board.path,
        "lookup",
        "10.0.0.2:80",
        "10.0.0.1:40003",
    ]);
    assert!(found.status.success(), "{}", stderr(&found));
    let text = String::from_utf8_lossy(&found.stdout);
    assert!(
        text.starts_with("10.0.0.1:40003 ESTABLISHED -> 10.0.0.2:80 ESTABLISHED"),
        "{text}"
    );
    let missing = synscope(&["--port", &board.path, "lookup", "10.9.9.9:1", "10.0.0.2:80"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("not in the table"));
    assert!(stderr(&missing).is_empty(), "{}", stderr(&missing));
    let json = synscope(&[
        "--port",
        &board.path,
        "lookup",
        "10.9.9.9:1",
        "10.0.0.2:80",
        "--json",
    ]);
    assert_eq!(json.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["found"], false);
}

#[test]
fn config_set_baud_switches_and_exits_0() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let out = synscope(&["--port", &board.path, "config", "--set-baud", "3000000"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("board now at 3000000 baud"),
        "{}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("baud 3000000"));
    // The next command finds it there and leaves it there.
    let ping = synscope(&["--port", &board.path, "ping"]);
    assert!(ping.status.success(), "{}", stderr(&ping));
    assert!(String::from_utf8_lossy(&ping.stdout).contains("at 3000000 baud"));
    let cfg = synscope(&["--port", &board.path, "config", "--json"]);
    let v: Value = serde_json::from_slice(&cfg.stdout).unwrap();
    assert_eq!(v["baud"], 3_000_000);
    let bad = synscope(&["--port", &board.path, "config", "--set-baud", "12345"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("one of [115200"), "{}", stderr(&bad));
}

/// Without a flag the line is raised to the fastest rate for the command, then put back;
/// `--baud` and `SYNSCOPE_BAUD` use a rate as it is; `SYNSCOPE_PORT` names the port.
#[test]
fn the_rate_is_negotiated_and_put_back_and_the_environment_is_read() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let ping = synscope(&["--port", &board.path, "ping"]);
    assert!(ping.status.success(), "{}", stderr(&ping));
    assert!(String::from_utf8_lossy(&ping.stdout).contains("at 3000000 baud"));
    let cfg = synscope(&[
        "--port",
        &board.path,
        "--baud",
        "115200",
        "config",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&cfg.stdout).unwrap();
    assert_eq!(v["baud"], 115_200, "put back after the ping");
    let env = synscope_env(
        &["ping"],
        &[("SYNSCOPE_PORT", &board.path), ("SYNSCOPE_BAUD", "115200")],
    );
    assert!(env.status.success(), "{}", stderr(&env));
    assert!(String::from_utf8_lossy(&env.stdout).contains("at 115200 baud"));
    let bad = synscope_env(
        &["ping"],
        &[("SYNSCOPE_PORT", &board.path), ("SYNSCOPE_BAUD", "7")],
    );
    assert!(
        stderr(&bad).contains("7 baud: the board runs at one of"),
        "{}",
        stderr(&bad)
    );
}

/// `PortArgs::answer_timeout` reaches the link whichever way it is opened (negotiated, or at
/// `--baud`); without it the link waits a board's `ANSWER_TIMEOUT`.
#[test]
fn the_answer_timeout_reaches_the_link() {
    use synscope::console::PortArgs;
    use synscope_model::protocol::client::ANSWER_TIMEOUT;
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let long = Duration::from_secs(7);
    for baud in [None, Some(115_200)] {
        let args = |answer_timeout| PortArgs {
            port: Some(board.path.clone()),
            baud,
            answer_timeout,
        };
        let (link, _) = args(Some(long)).connect().expect("connect");
        assert_eq!(link.timeout(), long, "at {baud:?}");
        drop(link);
        let (link, _) = args(None).connect().expect("connect");
        assert_eq!(link.timeout(), ANSWER_TIMEOUT, "at {baud:?}");
    }
}

#[test]
fn a_port_in_use_says_so() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let mut holder = Command::new(BIN)
        .args(["--port", &board.path, "events"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let out = synscope(&["--port", &board.path, "ping"]);
    let _ = holder.kill();
    let _ = holder.wait();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    // The holders named as `fuser` would: the other synscope among them (the scripted board
    // itself keeps the device open too).
    assert!(
        err.contains(&format!("port in use: {} is held by ", board.path)),
        "{err}"
    );
    assert!(
        err.contains(&format!("synscope (pid {})", holder.id())),
        "{err}"
    );
}

#[test]
fn table_filters_and_formats() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let p = board.path.as_str();
    let json = synscope(&["--port", p, "table", "--json", "--dport", "443"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["connection_count"], 5);
    assert!(v["connections"][0]["expires_in"].is_u64());
    let nd = synscope(&[
        "--port",
        p,
        "table",
        "--format",
        "ndjson",
        "--state",
        "time_wait",
    ]);
    let lines = String::from_utf8(nd.stdout).unwrap();
    assert_eq!(lines.lines().count(), 9);
    for l in lines.lines() {
        let c: Value = serde_json::from_str(l).unwrap();
        assert_eq!(c["client_state"], "TIME_WAIT");
        // TIME_WAIT 60 s + linger 10 s from when it was last seen.
        assert_eq!(
            c["expires_in"].as_u64().unwrap() + c["idle_s"].as_u64().unwrap(),
            70
        );
    }
    let csv = synscope(&[
        "--port",
        p,
        "table",
        "--format",
        "csv",
        "-s",
        "192.168.0.0/16",
    ]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("192.168.1.7:33333,10.0.0.2:22,FIN_WAIT_2,CLOSE_WAIT"));
    let text = synscope(&["--port", p, "table", "--host", "10.0.0.4"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("38 of 256 entries in use, 5 shown"), "{text}");
    assert!(text.lines().next().unwrap().contains("EXPIRES"), "{text}");
    let stats = synscope(&[
        "--port",
        p,
        "stats",
        "--json",
        "--server-state",
        "CLOSE_WAIT",
    ]);
    let v: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(v["filtered"]["connections"], 1);
    assert_eq!(v["state_counts"]["client"]["FIN_WAIT_2"], 1);
    assert_eq!(v["state_counts"]["client"]["ESTABLISHED"], 0);
}

#[test]
fn events_name_roles_and_report_what_the_board_lost() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let out = synscope(&[
        "--port",
        &board.path,
        "events",
        "--count",
        "3",
        "--format",
        "ndjson",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(text.lines().count(), 3, "{text}");
    let e: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(e["type"], "NEW");
    assert_eq!(e["client"], "10.0.0.1:40000");
    assert_eq!(e["server"], "10.0.0.2:80");
    assert_eq!(e["client_state"]["after"], "SYN_SENT");
    assert_eq!(e["server_state"]["after"], "LISTEN");
    assert!(e["time"].as_f64().unwrap() > 1.6e9);
    // The scripted board counts 7 more events dropped at every counter reading.
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l
                .starts_with("synscope: 7 events lost on the board (7 with its event queue full")),
        "{err}"
    );
    let lines = synscope(&["--port", &board.path, "events", "--count", "1"]);
    let l = String::from_utf8(lines.stdout).unwrap();
    assert!(
        l.contains(" NEW      10.0.0.1:40000 -> 10.0.0.2:80  client CLOSED->SYN_SENT  server CLOSED->LISTEN  slot 1/1"),
        "{l}"
    );
    // A filter that no event passes: none printed (bounded by --idle-exit... the scripted
    // board sends one per reading, so count on time instead).
    let none = synscope(&[
        "--port",
        &board.path,
        "events",
        "--dport",
        "9",
        "--idle-exit",
        "2",
    ]);
    assert!(none.status.success());
    assert!(none.stdout.is_empty());
}

#[test]
fn an_eight_way_board_s_slots_are_split_by_eight() {
    // The scripted board's slots are the table's indices: 10.0.0.1:40009 is slot 9, bucket 1
    // way 1 at 8 ways (bucket 2 way 1 at 4); its events are of slot 5, bucket 0 way 5.
    let id = Identity {
        ways: 8,
        ..identity()
    };
    let board = ScriptedBoard::start_as(id, known_table(), Duration::from_secs(60));
    let p = board.path.as_str();
    let json = synscope(&["--port", p, "table", "--json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["board"]["ways"], 8);
    let c = &v["connections"][9];
    assert_eq!(c["client"], "10.0.0.1:40009");
    assert_eq!((&c["bucket"], &c["way"]), (&1.into(), &1.into()));
    let csv = synscope(&["--port", p, "table", "--format", "csv", "--sport", "40009"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("10.0.0.1:40009,10.0.0.2:80,ESTABLISHED,ESTABLISHED,false,1,1,"),
        "{csv}"
    );
    let text = synscope(&["--port", p, "table", "--sport", "40009"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().ends_with("  1/1"), "{text}");
    let look = synscope(&["--port", p, "lookup", "10.0.0.1:40009", "10.0.0.2:80"]);
    let look = String::from_utf8(look.stdout).unwrap();
    assert!(look.contains("(slot 1/1, "), "{look}");
    let ev = synscope(&["--port", p, "events", "--count", "1"]);
    let ev = String::from_utf8(ev.stdout).unwrap();
    assert!(ev.trim_end().ends_with("  slot 0/5"), "{ev}");
    let ev = synscope(&["--port", p, "events", "--count", "1", "--format", "ndjson"]);
    let e: Value = serde_json::from_slice(&ev.stdout).unwrap();
    assert_eq!(e["slot"], serde_json::json!({"bucket": 0, "way": 5}));
}

#[test]
fn a_board_whose_way_count_makes_no_table_is_refused() {
    let id = Identity {
        ways: 3,
        ..identity()
    };
    let board = ScriptedBoard::start_as(id, known_table(), Duration::from_secs(60));
    let out = synscope(&["--port", &board.path, "table"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("answered as a synscope whose table has 3 ways per bucket"),
        "{err}"
    );
    // Found at the first line rate it answered at, not probed at every other.
    assert!(!err.contains("at any line rate"), "{err}");
    eprintln!("{err}");
    assert!(out.stdout.is_empty());
}
