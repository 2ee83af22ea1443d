//! The serial link to a synscope board, or to the simulated board's pseudo-terminal: the
//! protocol client (`synscope_model::protocol::client`) over a serial port, opening the port
//! with errors that say what to do, and the board's settings put back when the link closes.

use serialport::SerialPort;
use std::io::{ErrorKind, Read, Write};
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};
use synscope_model::protocol::client::{Client, Transport};
use synscope_model::protocol::ConfigItem;

pub use synscope_model::protocol::client::{Error, Patience};

/// One read's timeout: the granularity of every wait.
const READ_SLICE: Duration = Duration::from_millis(20);

/// A serial port (or a pseudo-terminal) as the client's transport; its clock is the wall
/// clock from when it was opened.
pub struct SerialLine {
    port: Box<dyn SerialPort>,
    opened: Instant,
}

impl SerialLine {
    /// The line over an open port (whose read timeout is a wait's slice).
    pub fn new(port: Box<dyn SerialPort>) -> SerialLine {
        SerialLine {
            port,
            opened: Instant::now(),
        }
    }
}

impl Transport for SerialLine {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.port.write_all(bytes)?;
        self.port.flush()
    }

    /// One read: its timeout is the slice; end of file is the device gone.
    fn receive(&mut self, into: &mut Vec<u8>) -> std::io::Result<()> {
        let mut buf = [0u8; 512];
        match self.port.read(&mut buf) {
            Ok(0) => Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                into.extend_from_slice(&buf[..n]);
                Ok(())
            }
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn now(&self) -> Duration {
        self.opened.elapsed()
    }

    /// The port stays open; bytes of the old rate still in flight are dropped.
    fn set_baud(&mut self, baud: u32) -> std::io::Result<()> {
        self.port.set_baud_rate(baud)?;
        let _ = self.port.clear(serialport::ClearBuffer::Input);
        Ok(())
    }
}

/// An open link: the client over the serial line, and the settings to put back when it
/// closes. It is used as its client (`Deref`).
pub struct Link {
    client: Client<SerialLine>,
    /// `SET_CONFIG` items to put back when the link closes (the board left as it was found),
    /// applied last first.
    restore: Vec<(ConfigItem, Vec<u8>)>,
}

/// Why a port cannot be opened, said so the user knows what to do.
fn open_error(name: &str, e: serialport::Error) -> Error {
    use serialport::ErrorKind as K;
    let port = name.to_string();
    let busy = e.description.contains("lock") || e.description.contains("busy");
    match e.kind() {
        // serialport says NoDevice both for a missing device and for one another program
        // holds (TIOCEXCL's EBUSY, or its exclusive flock).
        K::NoDevice if busy && std::path::Path::new(name).exists() => Error::PortBusy {
            holders: holders(name),
            port,
        },
        K::NoDevice | K::Io(ErrorKind::NotFound) => Error::NoSuchPort { port },
        K::Io(ErrorKind::PermissionDenied) => Error::PermissionDenied {
            group: device_group(name).unwrap_or_else(|| "dialout".to_string()),
            port,
        },
        _ if e.description.contains("typewriter") => Error::NotATerminal { port },
        _ => Error::CannotOpen {
            port,
            reason: e.to_string(),
        },
    }
}

/// The other processes that have `path` open, as `NAME (pid N)`, from /proc (what `fuser`
/// does); empty when none is visible.
fn holders(path: &str) -> Vec<String> {
    let Ok(target) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let me = std::process::id().to_string();
    let mut who = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return who;
    };
    for p in procs.flatten() {
        let pid = p.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l == target))
        {
            let comm = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default();
            who.push(format!("{} (pid {pid})", comm.trim()));
        }
    }
    who
}

/// The group owning a device node, by name from /etc/group.
fn device_group(path: &str) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let gid = std::fs::metadata(path).ok()?.gid();
    let groups = std::fs::read_to_string("/etc/group").ok()?;
    groups.lines().find_map(|l| {
        let mut f = l.split(':');
        let (name, _, id) = (f.next()?, f.next()?, f.next()?);
        (id.parse::<u32>().ok()? == gid).then(|| name.to_string())
    })
}

impl Link {
    /// Open `name` at `baud` (8N1, no flow control).
    pub fn open(name: &str, baud: u32) -> Result<Link, Error> {
        let port = serialport::new(name, baud)
            .timeout(READ_SLICE)
            .open()
            .map_err(|e| open_error(name, e))?;
        Ok(Link::from_port(port, name, baud))
    }

    /// A link over an already open port (tests use one end of a pseudo-terminal pair).
    pub fn from_port(port: Box<dyn SerialPort>, name: &str, baud: u32) -> Link {
        Link {
            client: Client::new(SerialLine::new(port), name, baud),
            restore: Vec::new(),
        }
    }

    /// Put `item` back to `value` when the link closes (the first registration of an item
    /// wins: it holds what the board had before this session).
    pub fn restore_on_close(&mut self, item: ConfigItem, value: Vec<u8>) {
        if !self.restore.iter().any(|(i, _)| *i == item) {
            self.restore.push((item, value));
        }
    }

    /// Keep `item` as it is now when the link closes (`config` changed it on purpose).
    pub fn keep_on_close(&mut self, item: ConfigItem) {
        self.restore.retain(|(i, _)| *i != item);
    }
}

impl Deref for Link {
    type Target = Client<SerialLine>;

    fn deref(&self) -> &Client<SerialLine> {
        &self.client
    }
}

impl DerefMut for Link {
    fn deref_mut(&mut self) -> &mut Client<SerialLine> {
        &mut self.client
    }
}

/// What the board had is put back (`restore_on_close`), each with a short wait for its
/// answer; a board that is gone is not waited for.
impl Drop for Link {
    fn drop(&mut self) {
        self.client.set_timeout(Duration::from_millis(500));
        while let Some((item, value)) = self.restore.pop() {
            if self.client.set_config(item, &value).is_err() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_port_is_named() {
        let e = Link::open("/dev/synscope-no-such-port", 115_200)
            .err()
            .unwrap();
        assert!(matches!(e, Error::NoSuchPort { .. }), "{e:?}");
        assert!(e.to_string().starts_with(
            "no such port: /dev/synscope-no-such-port (`synscope ports` lists the serial ports"
        ));
    }

    #[test]
    fn a_file_is_not_a_terminal() {
        let f = std::env::temp_dir().join(format!("synscope-link-test-{}", std::process::id()));
        std::fs::write(&f, b"").unwrap();
        let e = Link::open(f.to_str().unwrap(), 115_200).err().unwrap();
        std::fs::remove_file(&f).unwrap();
        assert!(matches!(e, Error::NotATerminal { .. }), "{e:?}");
        assert!(e
            .to_string()
            .ends_with(": not a serial port (not a terminal device)"));
    }

    #[test]
    fn a_port_another_program_holds_is_busy() {
        let (_master, slave) = serialport::TTYPort::pair().unwrap();
        let path = slave.name().unwrap();
        // `serialport` opens exclusively: the second open is refused.
        let _first = Link::open(&path, 115_200).unwrap();
        let e = Link::open(&path, 115_200).err().unwrap();
        assert!(matches!(e, Error::PortBusy { .. }), "{e:?}");
        let m = e.to_string();
        assert!(
            m.starts_with(&format!("port in use: {path} is held by ")),
            "{m}"
        );
        assert!(
            m.ends_with("(one program at a time: end it, or watch with `synscope monitor` there)")
        );
    }

    #[test]
    fn permission_and_other_failures_say_what_to_do() {
        // Not provoked as root: the serialport errors the open gets.
        let io = |k| serialport::Error::new(serialport::ErrorKind::Io(k), "x");
        let e = open_error("/nonexistent/ttyS9", io(ErrorKind::PermissionDenied));
        assert!(matches!(e, Error::PermissionDenied { .. }));
        assert_eq!(
            e.to_string(),
            "permission denied on /nonexistent/ttyS9: it belongs to group 'dialout'; add \
             yourself (sudo usermod -aG dialout $USER) and log in again"
        );
        let e = open_error("/dev/ttyS9", io(ErrorKind::Other));
        assert!(matches!(e, Error::CannotOpen { .. }));
        assert_eq!(e.to_string(), "cannot open /dev/ttyS9: x");
    }
}
