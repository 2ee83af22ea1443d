//! `synscope monitor`: its pure parts (sorting, filtering, rates, the screen drawn into a test
//! backend, the `--once` text), and the real program in a detached tmux session against a
//! scripted board on a pseudo-terminal: keys in, screen text out, a clean exit, and a clear
//! error when the board goes away.

mod common;

use common::{histogram, known_table, slots, ScriptedBoard, BOARD_NOW, FRAMES_PER_READ};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use synscope::events::ConnEvent;
use synscope::monitor::rates::{format_rate, rates, Timed};
use synscope::monitor::state::{Action, Update, View};
use synscope::monitor::table::{visible, Row, SortKey};
use synscope::monitor::{once, render};
use synscope_model::protocol::payload::{CounterSnapshot, EventRecord, Identity};
use synscope_model::protocol::slot::SlotLayout;
use synscope_model::protocol::Frame;
use synscope_model::{Counter, TcpState};

const BIN: &str = env!("CARGO_BIN_EXE_synscope");

fn id() -> Identity {
    common::identity()
}

/// How the scripted board's slots split (its `IDENTIFY`: 4 ways).
fn layout() -> SlotLayout {
    id().layout().unwrap()
}

fn rows() -> Vec<Row> {
    slots(&known_table())
        .iter()
        .map(|s| Row::of(BOARD_NOW, s, layout()))
        .collect()
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn counters(frames: u64) -> CounterSnapshot {
    let mut values = vec![0; Counter::COUNT];
    values[Counter::Frames as usize] = frames;
    values[Counter::Created as usize] = 38;
    CounterSnapshot { now: 1, values }
}

/// A view holding the known table, its histogram, two counter snapshots a second apart
/// (frames: 1000 then 3500) and one event.
fn full_view() -> View {
    let conns = known_table();
    let mut v = View::new("/dev/pts/99", 3_000_000, id());
    v.apply(Update::Stats {
        counters: counters(1000),
        histogram: histogram(&conns),
        losses: None,
        at: Duration::from_secs(1),
    });
    v.apply(Update::Stats {
        counters: counters(3500),
        histogram: histogram(&conns),
        losses: None,
        at: Duration::from_secs(2),
    });
    v.apply(Update::Table {
        now: BOARD_NOW,
        rows: table_of(&conns),
        took: Duration::from_millis(250),
        at: Duration::from_secs(2),
    });
    v.apply(Update::Event(the_event()));
    v
}

/// The rows of `conns` as dumped at `BOARD_NOW`.
fn table_of(conns: &[common::Conn]) -> Vec<Row> {
    slots(conns)
        .iter()
        .map(|s| Row::of(BOARD_NOW, s, layout()))
        .collect()
}

/// The scripted board's event, as received.
fn the_event() -> ConnEvent {
    ConnEvent::of_record(
        &event_record(),
        std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        Some(BOARD_NOW),
        layout(),
    )
}

/// The screen of `v` drawn at 160 x 50, as lines.
fn screen(v: &View) -> Vec<String> {
    screen_of(v, 160, 50)
}

/// The screen of `v` drawn at `w` x `h`, as lines.
fn screen_of(v: &View, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render::draw(f, v, Duration::from_secs(3)))
        .unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// The client and server counts on the histogram line of `state` in a screen's text.
fn hist_counts(lines: &[String], state: TcpState) -> Option<(u32, u32)> {
    lines.iter().find_map(|l| {
        let left: String = l.chars().take(44).collect();
        let w: Vec<&str> = left
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        match w.as_slice() {
            [name, c, s] if *name == state.name() => Some((c.parse().ok()?, s.parse().ok()?)),
            _ => None,
        }
    })
}

/// Lines of the screen showing a connection row (a client endpoint in the table pane).
fn table_rows(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.chars().skip(44).collect::<String>())
        // The table pane's own lines (its left border at column 44).
        .filter(|l| l.starts_with('│'))
        .filter(|l| {
            l.trim_start_matches('│')
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
        })
        .collect()
}

// ---- sorting, filtering, rates ----

#[test]
fn filter_matches_addresses_ports_and_states() {
    let r = rows();
    let n = |f: &str| visible(&r, f, SortKey::Client, false).len();
    assert_eq!(n(""), 38);
    assert_eq!(n("192.168"), 1);
    assert_eq!(n("10.0.0.4"), 5);
    assert_eq!(n(":443"), 5);
    assert_eq!(n(":22"), 1, "exact port: 22 is not 2200 or 40022");
    assert_eq!(n("time_wait"), 9, "state names case-insensitively");
    assert_eq!(n("ESTABLISHED"), 23);
    assert_eq!(n("established :80"), 23, "all words must match");
    assert_eq!(n("syn_received 10.0.0.3:50004"), 1);
    assert_eq!(n("nothing-like-this"), 0);
}

#[test]
fn sort_cycles_through_every_column_and_orders_rows() {
    let mut k = SortKey::Client;
    let mut seen = vec![k];
    for _ in 0..SortKey::ALL.len() - 1 {
        k = k.next();
        seen.push(k);
    }
    assert_eq!(seen, SortKey::ALL.to_vec());
    assert_eq!(k.next(), SortKey::Client);

    let r = rows();
    let by_idle = visible(&r, "", SortKey::Idle, false);
    assert!(by_idle.windows(2).all(|w| w[0].idle <= w[1].idle));
    assert_eq!(by_idle.last().unwrap().idle, 38);
    let desc = visible(&r, "", SortKey::Idle, true);
    assert_eq!(desc[0].idle, 38);
    let by_client = visible(&r, "", SortKey::Client, false);
    assert!(by_client.windows(2).all(|w| w[0].client <= w[1].client));
    assert_eq!(
        by_client.last().unwrap().client.to_string(),
        "192.168.1.7:33333"
    );
    let by_state = visible(&r, "", SortKey::ClientState, false);
    // TcpState order: CLOSED LISTEN SYN_SENT SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 ...
    assert_eq!(by_state[0].client_state, TcpState::SynSent);
    assert_eq!(by_state.last().unwrap().client_state, TcpState::TimeWait);
}

#[test]
fn rates_are_per_second_between_snapshots() {
    let a = Timed {
        snapshot: counters(1000),
        at: Duration::from_millis(500),
    };
    let b = Timed {
        snapshot: counters(3500),
        at: Duration::from_millis(1500),
    };
    let r = rates(&a, &b);
    assert_eq!(r[Counter::Frames as usize], Some(2500.0));
    assert_eq!(r[Counter::Created as usize], Some(0.0));
    // Cleared counters (lower than before) and no time passed: no rate.
    assert_eq!(rates(&b, &a)[Counter::Frames as usize], None);
    assert_eq!(rates(&a, &a)[Counter::Frames as usize], None);
    assert_eq!(format_rate(Some(2500.0)), "2.5k");
    assert_eq!(format_rate(Some(3.0)), "3.00");
    assert_eq!(format_rate(Some(0.0)), "0");
    assert_eq!(format_rate(None), "-");
}

#[test]
fn keys_sort_filter_pause_help_and_quit() {
    let mut v = full_view();
    assert_eq!(v.key(key('s')), Action::Continue);
    assert_eq!(v.sort, SortKey::Server);
    v.key(key('r'));
    assert!(v.descending);
    // `/`, typed text filters live; Esc drops it, Enter keeps it.
    v.key(key('/'));
    for c in "192".chars() {
        v.key(key(c));
    }
    assert_eq!(v.visible_rows().len(), 1);
    v.key(code(KeyCode::Esc));
    assert_eq!(v.visible_rows().len(), 38);
    v.key(key('/'));
    for c in ":4430".chars() {
        v.key(key(c));
    }
    v.key(code(KeyCode::Backspace));
    v.key(code(KeyCode::Enter));
    assert_eq!(v.filter, ":443");
    assert_eq!(v.visible_rows().len(), 5);
    // `q` while typing a filter is text, not quit.
    v.key(key('/'));
    assert_eq!(v.key(key('q')), Action::Continue);
    v.key(code(KeyCode::Esc));
    v.key(key('c'));
    assert_eq!(v.visible_rows().len(), 38);
    // Paused: updates are held, then applied on resume.
    v.key(key('p'));
    v.apply(Update::Table {
        now: BOARD_NOW,
        rows: table_of(&known_table()[..3]),
        took: Duration::ZERO,
        at: Duration::from_secs(9),
    });
    assert_eq!(v.rows.len(), 38);
    v.key(key('p'));
    assert_eq!(v.rows.len(), 3);
    v.key(key('?'));
    assert!(v.help);
    assert_eq!(v.key(key('x')), Action::Continue);
    assert!(!v.help);
    assert_eq!(v.key(key('q')), Action::Quit);
    assert_eq!(v.key(code(KeyCode::Esc)), Action::Quit);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(v.key(ctrl_c), Action::Quit);
}

// ---- the screen ----

#[test]
fn the_screen_shows_states_counters_rates_table_events_and_status() {
    let v = full_view();
    let s = screen(&v);
    let text = s.join("\n");
    assert!(s[0].contains("/dev/pts/99 @ 3000000 |"), "{}", s[0]);
    assert!(s[0].contains("simulated board"), "{}", s[0]);
    assert!(s[0].contains("256 entries"), "{}", s[0]);
    assert!(s[0].contains("refreshed 1.0 s ago"), "{}", s[0]);
    assert_eq!(hist_counts(&s, TcpState::Established), Some((23, 23)));
    assert_eq!(hist_counts(&s, TcpState::TimeWait), Some((9, 0)));
    assert_eq!(hist_counts(&s, TcpState::Closed), Some((0, 9)));
    assert_eq!(hist_counts(&s, TcpState::SynReceived), Some((0, 5)));
    assert_eq!(hist_counts(&s, TcpState::FinWait2), Some((1, 0)));
    // The SYN-flood gauge: clients in SYN_SENT / SYN_RECEIVED, as `stats` prints it.
    assert!(text.contains("half-open 5 · SYN:SYN-ACK"), "{text}");
    // frames: 3500, 2500 per second; zero counters are left out.
    assert!(
        s.iter().any(|l| {
            let w: Vec<&str> = l
                .split(|c: char| c.is_whitespace() || c == '│')
                .filter(|w| !w.is_empty())
                .collect();
            w.windows(3).any(|x| x == ["frames", "3500", "2.5k"])
        }),
        "{text}"
    );
    assert!(!text.contains("drop_bad_fcs"), "{text}");
    assert!(text.contains("connections: 38 of 38"), "{text}");
    assert!(text.contains("board time 5000 s"), "{text}");
    // The pane holds 50 - 1 - 9 - 1 - 3 = 36 rows of the 38, sorted by client.
    let t = table_rows(&s);
    assert_eq!(t.len(), 36, "{text}");
    assert!(
        t[0].contains("10.0.0.1:40000") && t[0].contains("ESTABLISHED"),
        "{}",
        t[0]
    );
    assert!(
        text.contains("NEW      10.0.0.1:40000 -> 10.0.0.2:80  client CLOSED->SYN_SENT"),
        "{text}"
    );
    assert!(text.contains(&the_event().line(Some(114))), "{text}");
    assert!(text.contains("events (1 received)"), "{text}");
    assert!(s[49].contains("q quit"), "{}", s[49]);
}

fn event_record() -> EventRecord {
    let f = common::event_frame(0);
    let mut d = synscope_model::protocol::Decoder::new();
    let c = f.iter().find_map(|b| d.push(*b)).unwrap().unwrap();
    EventRecord::decode(&Frame::parse(&c).unwrap().payload).unwrap()
}

#[test]
fn the_screen_follows_filter_sort_pause_help_and_errors() {
    let mut v = full_view();
    v.key(key('/'));
    for c in "192.168".chars() {
        v.key(key(c));
    }
    let s = screen(&v);
    let t = table_rows(&s);
    assert_eq!(t.len(), 1, "{}", s.join("\n"));
    assert!(
        t[0].contains("FIN_WAIT_2") && t[0].contains("CLOSE_WAIT"),
        "{}",
        t[0]
    );
    assert!(
        s[49].contains("filter") && s[49].contains("192.168_"),
        "{}",
        s[49]
    );
    v.key(code(KeyCode::Enter));
    for _ in 0..4 {
        v.key(key('s'));
    }
    v.key(key('c'));
    v.key(key('r'));
    let s = screen(&v);
    let text = s.join("\n");
    assert!(text.contains("sort IDLE desc"), "{text}");
    assert!(table_rows(&s)[0].contains("38s"), "{text}");
    v.key(key('p'));
    v.key(key('?'));
    v.apply(Update::Error("/dev/pts/99: the link failed".into()));
    let s = screen(&v);
    let text = s.join("\n");
    assert!(s[0].contains("PAUSED"), "{}", s[0]);
    assert!(s[0].contains("| error: /dev/pts/99"), "{}", s[0]);
    assert!(
        s[49].starts_with("error: /dev/pts/99: the link failed"),
        "{}",
        s[49]
    );
    assert!(text.contains("this help"), "{text}");
}

#[test]
fn once_text_lists_every_row_state_and_counter() {
    let mut v = full_view();
    let t = once::text(&v);
    assert!(
        t.contains("connections: 38 of 38 shown, sorted by CLIENT"),
        "{t}"
    );
    assert_eq!(
        t.lines().filter(|l| l.starts_with("10.0.0.1:")).count(),
        32,
        "{t}"
    );
    assert!(
        t.lines()
            .any(|l| l.split_whitespace().eq(["ESTABLISHED", "23", "23"])),
        "{t}"
    );
    assert!(
        t.lines()
            .any(|l| l.split_whitespace().eq(["frames", "3500", "2.5k"])),
        "{t}"
    );
    assert!(t.contains("events: 1 received"), "{t}");
    v.filter = "time_wait".into();
    let t = once::text(&v);
    assert!(t.contains("connections: 9 of 38"), "{t}");
}

// ---- the program ----

fn synscope(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("synscope runs")
}

#[test]
fn without_a_terminal_monitor_refuses_unless_once() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(20));
    let out = synscope(&["--port", &board.path, "monitor"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs a terminal") && err.contains("--once"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let out = synscope(&[
        "--port",
        &board.path,
        "monitor",
        "--once",
        "--filter",
        ":443",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("connections: 5 of 38 shown"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains("10.0.0.4:443")).count(),
        5,
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().eq(["SYN_SENT", "5", "0"])),
        "{text}"
    );
    // Two counter reads about a second apart: frames grew by FRAMES_PER_READ.
    let frames: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("frames "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(frames[1], (2 * FRAMES_PER_READ).to_string(), "{text}");
    assert!(
        text.contains("NEW      10.0.0.1:40000 -> 10.0.0.2:80  client CLOSED->SYN_SENT"),
        "{text}"
    );
}

#[test]
fn a_missing_port_is_one_clear_line() {
    let out = synscope(&["--port", "/dev/no-such-tty", "monitor", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no such port: /dev/no-such-tty"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A detached tmux session on its own server (socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        Tmux::start_sized(command, 160, 50)
    }

    fn start_sized(command: &str, w: u16, h: u16) -> Tmux {
        let socket = format!("synscope-test-{}-{}", std::process::id(), fastrand_suffix());
        let t = Tmux { socket };
        let (w, h) = (w.to_string(), h.to_string());
        let ok = t
            .cmd(&["new-session", "-d", "-s", "m", "-x", &w, "-y", &h, command])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        t
    }

    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", "m"];
        a.extend(keys);
        assert!(self.cmd(&a).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "m"]).stdout).into_owned()
    }

    /// The screen once `ok` holds, within `limit`; panics with the last screen otherwise.
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if t0.elapsed() > limit {
                panic!("waited {limit:?} for {what}; the screen:\n{s}");
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn fastrand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}

/// Rows of the connection pane (right of the left column) that contain `needle`.
fn rows_with(screen: &str, needle: &str) -> usize {
    let lines: Vec<String> = screen.lines().map(str::to_string).collect();
    table_rows(&lines)
        .iter()
        .filter(|l| l.contains(needle))
        .count()
}

#[test]
fn monitor_in_tmux_filters_sorts_and_quits_cleanly() {
    let board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let tmux = Tmux::start(&format!(
        "'{BIN}' --port {} monitor --table-interval 0.5; echo \"monitor exited $?\"; sleep 30",
        board.path
    ));
    let limit = Duration::from_secs(20);
    let s = tmux.wait_for("the table", limit, |s| s.contains("connections: 38 of 38"));
    assert!(s.contains("10.0.0.1:40000"), "{s}");
    let s = tmux.wait_for("the histogram and an event", limit, |s| {
        s.contains("NEW      10.0.0.1:40000 -> 10.0.0.2:80") && s.contains("frames")
    });
    let hist = |s: &str, st: &str| {
        s.lines().find_map(|l| {
            let left: String = l.chars().take(44).collect();
            let w: Vec<&str> = left
                .split(|c: char| c.is_whitespace() || c == '│')
                .filter(|w| !w.is_empty())
                .collect();
            (w.first() == Some(&st) && w.len() == 3).then(|| (w[1].to_string(), w[2].to_string()))
        })
    };
    assert_eq!(
        hist(&s, "ESTABLISHED"),
        Some(("23".into(), "23".into())),
        "{s}"
    );
    assert_eq!(hist(&s, "TIME_WAIT"), Some(("9".into(), "0".into())), "{s}");
    assert_eq!(
        hist(&s, "CLOSE_WAIT"),
        Some(("0".into(), "1".into())),
        "{s}"
    );
    assert!(s.contains("simulated board"), "{s}");

    // Filter: only the 192.168.1.7 row stays.
    tmux.keys(&["/", "192.168", "Enter"]);
    let s = tmux.wait_for("the filter", limit, |s| {
        s.contains("filter \"192.168\"") && s.contains("q quit")
    });
    assert!(s.contains("connections: 1 of 38"), "{s}");
    assert_eq!(rows_with(&s, "192.168.1.7:33333"), 1, "{s}");
    assert_eq!(rows_with(&s, "10.0.0.1:4"), 0, "{s}");
    assert!(s.contains("FIN_WAIT_2"), "{s}");
    // Another filter: the five half-open connections; then sort.
    tmux.keys(&["/", ":443", "Enter"]);
    let s = tmux.wait_for("the second filter", limit, |s| {
        s.contains("connections: 5 of 38")
    });
    assert_eq!(rows_with(&s, "10.0.0.4:443"), 5, "{s}");
    assert_eq!(rows_with(&s, "192.168.1.7:33333"), 0, "{s}");
    tmux.keys(&["s"]);
    tmux.wait_for("sort by server", limit, |s| s.contains("sort SERVER asc"));
    tmux.keys(&["c"]);
    tmux.wait_for("the filter cleared", limit, |s| {
        s.contains("connections: 38 of 38")
    });
    tmux.keys(&["q"]);
    let s = tmux.wait_for("a clean exit", limit, |s| s.contains("monitor exited"));
    assert!(s.contains("monitor exited 0"), "{s}");
    assert!(
        !s.contains("connections:"),
        "the alternate screen is left: {s}"
    );
}

#[test]
fn monitor_in_tmux_exits_with_one_line_when_the_board_goes_away() {
    let mut board = ScriptedBoard::start(known_table(), Duration::from_secs(60));
    let tmux = Tmux::start(&format!(
        "'{BIN}' --port {} monitor 2>&1; echo \"monitor exited $?\"; sleep 30",
        board.path
    ));
    let limit = Duration::from_secs(20);
    tmux.wait_for("the table", limit, |s| s.contains("connections: 38 of 38"));
    board.unplug();
    let s = tmux.wait_for("the exit", limit, |s| s.contains("monitor exited"));
    assert!(s.contains("monitor exited 1"), "{s}");
    let err: Vec<&str> = s.lines().filter(|l| l.starts_with("synscope: ")).collect();
    assert_eq!(err.len(), 1, "{s}");
    assert!(
        err[0].contains("lost the board") && err[0].contains(&board.path),
        "{s}"
    );
    assert!(!s.contains("panicked"), "{s}");
}

#[test]
#[cfg(feature = "simulator")]
fn demo_says_why_when_the_capture_or_the_simulated_board_fails() {
    let out = synscope(&["demo", "/no/such.pcap"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim(), "synscope: no such capture: /no/such.pcap");
    // A file that is not a capture: the simulated board (a child) exits, and its own words
    // are part of the one line.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pcap");
    std::fs::write(&bad, b"not a capture").unwrap();
    let t0 = Instant::now();
    let out = synscope(&["demo", bad.to_str().unwrap()]);
    assert!(t0.elapsed() < Duration::from_secs(60));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("the simulated board exited") && err.contains("it said: "),
        "{err}"
    );
}

#[test]
#[cfg(feature = "simulator")]
fn demo_finds_the_bundled_capture() {
    let p = synscope::demo::resolve_capture(None).unwrap();
    assert!(p.ends_with("captures/K_many.pcap"), "{}", p.display());
    assert!(p.is_file());
    let given = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures/A_normal.pcap");
    assert_eq!(
        synscope::demo::resolve_capture(Some(&given)).unwrap(),
        given
    );
}

#[test]
fn small_terminals_still_show_the_status_and_keys() {
    let mut v = full_view();
    v.help = true;
    for (w, h) in [(80, 24), (40, 10), (10, 3), (1, 1)] {
        let s = screen_of(&v, w, h);
        assert_eq!(s.len(), h as usize);
        assert!(
            s[0].starts_with(&"synscope monitor"[..w.min(16) as usize]),
            "{s:?}"
        );
    }
    v.help = false;
    let s = screen_of(&v, 80, 24);
    assert!(s[23].starts_with("q quit"), "{s:?}");
    assert!(s.iter().any(|l| l.contains("10.0.0.1:40000")), "{s:?}");
}

// ---- the simulated board ----

/// `synscope sim CAPTURE --serve` as a child (its line at the reset rate, as a board's),
/// killed and reaped on drop.
#[cfg(feature = "simulator")]
struct ServedBoard {
    child: std::process::Child,
    serial: String,
}

#[cfg(feature = "simulator")]
impl ServedBoard {
    fn start(capture: &str) -> ServedBoard {
        use std::io::{BufRead, BufReader};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../captures")
            .join(capture);
        let mut child = Command::new(BIN)
            .arg("sim")
            .arg(&path)
            .arg("--serve")
            .env_remove("SYNSCOPE_BAUD")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("synscope sim --serve starts");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let mut board = ServedBoard {
            child,
            serial: String::new(),
        };
        let first = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the simulated board names its serial port");
        board.serial = first
            .strip_prefix("serial:")
            .unwrap_or_else(|| panic!("first line: {first}"))
            .trim()
            .to_string();
        board
    }
}

#[cfg(feature = "simulator")]
impl Drop for ServedBoard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[cfg(feature = "simulator")]
fn monitor_in_tmux_on_the_simulated_board_shows_the_capture() {
    // captures/A_normal.json: one connection, 10.77.1.10:47960 -> 10.77.1.20:5432, ending
    // TIME_WAIT (client) / CLOSED (server).
    let board = ServedBoard::start("A_normal.pcap");
    let tmux = Tmux::start(&format!(
        "'{BIN}' --port {} monitor; echo \"monitor exited $?\"; sleep 30",
        board.serial
    ));
    let limit = Duration::from_secs(60);
    let s = tmux.wait_for("the capture's connection", limit, |s| {
        s.contains("connections: 1 of 1") && s.contains("10.77.1.10:47960")
    });
    let row: String = s
        .lines()
        .find(|l| l.contains("10.77.1.10:47960"))
        .map(|l| l.chars().skip(44).collect())
        .unwrap();
    let row: Vec<&str> = row
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    assert_eq!(
        &row[..4],
        ["10.77.1.10:47960", "10.77.1.20:5432", "TIME_WAIT", "CLOSED"],
        "{s}"
    );
    let s = tmux.wait_for("the histogram", limit, |s| s.contains("frames"));
    assert!(s.contains("simulated board"), "{s}");
    let hist = |st: &str| {
        s.lines().find_map(|l| {
            let left: String = l.chars().take(44).collect();
            let w: Vec<&str> = left
                .split(|c: char| c.is_whitespace() || c == '│')
                .filter(|w| !w.is_empty())
                .collect();
            (w.len() == 3 && w[0] == st).then(|| (w[1].to_string(), w[2].to_string()))
        })
    };
    assert_eq!(hist("TIME_WAIT"), Some(("1".into(), "0".into())), "{s}");
    assert_eq!(hist("CLOSED"), Some(("0".into(), "1".into())), "{s}");
    // 29 frames in the capture, all processed.
    assert!(
        s.lines().any(|l| l
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .take(2)
            .eq(["frames", "29"])),
        "{s}"
    );
    tmux.keys(&["q"]);
    let s = tmux.wait_for("a clean exit", limit, |s| s.contains("monitor exited"));
    assert!(s.contains("monitor exited 0"), "{s}");
}

#[test]
#[cfg(feature = "simulator")]
fn demo_in_tmux_shows_the_capture_live_and_ends_the_simulated_board() {
    // A copy under a name of its own, to find the child process by.
    let dir = tempfile::tempdir().unwrap();
    let name = format!("demo-{}-{}.pcap", std::process::id(), fastrand_suffix());
    let capture = dir.path().join(&name);
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures/A_normal.pcap"),
        &capture,
    )
    .unwrap();
    let tmux = Tmux::start(&format!(
        "'{BIN}' demo '{}' --speed 0.1; echo \"demo exited $?\"; sleep 30",
        capture.display()
    ));
    let limit = Duration::from_secs(60);
    let s = tmux.wait_for("the connection in TIME_WAIT", limit, |s| {
        s.contains("connections: 1 of 1") && s.contains("TIME_WAIT    CLOSED")
    });
    assert!(s.contains("@ 3000000 |"), "{s}");
    assert!(
        s.lines().any(|l| l
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w == ["10.77.1.10:47960", "10.77.1.20:5432"])),
        "{s}"
    );
    // The capture (0.75 s, played over 7.5 s) went on while the monitor watched: the
    // client's last change arrived as an event (the first ones may precede the monitor).
    tmux.wait_for("the client's move to TIME_WAIT as an event", limit, |s| {
        s.lines()
            .any(|l| l.contains(" UPDATE   10.77.1.10:47960 -> ") && l.contains("->TIME_WAIT"))
    });
    let running = || {
        Command::new("pgrep")
            .args(["-f", &format!("synscope sim .*{name}")])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false)
    };
    assert!(running(), "the simulated board runs while the demo does");
    tmux.keys(&["q"]);
    let s = tmux.wait_for("the demo's end", limit, |s| s.contains("demo exited"));
    assert!(s.contains("demo exited 0"), "{s}");
    assert!(!running(), "the simulated board is gone with the demo");
}

// ---- terminal sizes ----

/// The known table and two connections with the longest IPv4 endpoints, whose ports differ
/// only in the last digit (a cut port would make them look the same).
fn wide_table() -> Vec<common::Conn> {
    let mut v = known_table();
    for port in [40002, 40008] {
        v.push(common::Conn {
            client: synscope_model::Endpoint::v4(common::ip(192, 168, 100, 200), port),
            server: synscope_model::Endpoint::v4(common::ip(172, 16, 254, 254), 65535),
            client_state: TcpState::SynSent,
            server_state: TcpState::SynReceived,
            idle: 1,
        });
    }
    v
}

/// Every endpoint-like word on `screen` is one of `known` whole, and no word is a cut state
/// name: nothing was cut to fit.
fn assert_nothing_cut(screen: &str, known: &[String]) {
    for w in screen.split(|c: char| c.is_whitespace() || c == '│' || c == '─') {
        let w = w.trim_matches(|c: char| c == ',' || c == '"' || c == '(' || c == ')');
        // ADDR:PORT with a dotted address (a time of day has no dot before its colon).
        let endpoint_like = w
            .rsplit_once(':')
            .is_some_and(|(a, _)| a.contains('.') && a.starts_with(|c: char| c.is_ascii_digit()));
        if endpoint_like {
            assert!(
                known.iter().any(|k| k == w),
                "`{w}` is not a whole endpoint:\n{screen}"
            );
        }
        if w.len() >= 3
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        {
            let cut = TcpState::ALL
                .iter()
                .any(|s| s.name().starts_with(w) && s.name() != w);
            assert!(!cut, "`{w}` is a cut state name:\n{screen}");
        }
    }
}

#[test]
fn monitor_in_tmux_at_80x24_and_120x40_shows_whole_addresses_and_ports() {
    let conns = wide_table();
    let known: Vec<String> = conns
        .iter()
        .flat_map(|c| [c.client.to_string(), c.server.to_string()])
        .collect();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let board = ScriptedBoard::start(conns.clone(), Duration::from_secs(60));
        let tmux = Tmux::start_sized(
            &format!(
                "'{BIN}' --port {} monitor --table-interval 0.5; echo \"monitor exited $?\"; sleep 30",
                board.path
            ),
            w,
            h,
        );
        let limit = Duration::from_secs(20);
        let s = tmux.wait_for("the table", limit, |s| {
            s.contains("connections: 40 of 40") && s.contains("frames")
        });
        assert_nothing_cut(&s, &known);
        assert!(s.contains("ESTABLISHED"), "{s}");
        // The widest rows, on screen: sort by client, descending.
        tmux.keys(&["r"]);
        let s = tmux.wait_for("the widest rows", limit, |s| s.contains("sort CLIENT desc"));
        for ep in [
            "192.168.100.200:40002",
            "192.168.100.200:40008",
            "172.16.254.254:65535",
        ] {
            assert!(s.contains(ep), "{w}x{h}: {ep} whole:\n{s}");
        }
        let row = s
            .lines()
            .find(|l| l.contains("192.168.100.200:40008"))
            .unwrap()
            .to_string();
        for word in ["172.16.254.254:65535", "SYN_SENT", "SYN_RECEIVED"] {
            assert!(row.contains(word), "{w}x{h}: {row}");
        }
        assert_nothing_cut(&s, &known);
        // The events pane at this width: whole endpoints too.
        let s = tmux.wait_for("an event", limit, |s| s.contains(" NEW "));
        assert_nothing_cut(&s, &known);
        assert!(s.lines().count() <= h as usize);
        eprintln!("{w}x{h}:\n{s}");
        tmux.keys(&["q"]);
        let s = tmux.wait_for("a clean exit", limit, |s| s.contains("monitor exited"));
        assert!(s.contains("monitor exited 0"), "{s}");
    }
}

/// `q` quits at once even while the monitor is still finding a board that never answers.
#[test]
fn q_quits_while_the_board_is_still_being_found() {
    let dev = common::Chattering::start(common::Chatter::Random);
    use serialport::SerialPort;
    let (master, slave) = serialport::TTYPort::pair().unwrap();
    let silent = slave.name().unwrap();
    for port in [dev.path.clone(), silent] {
        let tmux = Tmux::start(&format!(
            "'{BIN}' --port {port} monitor; echo \"monitor exited $?\"; sleep 30"
        ));
        let limit = Duration::from_secs(20);
        tmux.wait_for("the screen", limit, |s| s.contains("connecting"));
        let t0 = Instant::now();
        tmux.keys(&["q"]);
        let s = tmux.wait_for("the exit", limit, |s| s.contains("monitor exited"));
        assert!(s.contains("monitor exited 0"), "{s}");
        assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    }
    drop(master);
}
