//! The connection filters every command that lists connections takes, after `conntrack -L`'s
//! (`-s/--src`, `-d/--dst`, `--sport`, `--dport`, `--state`): the client is conntrack's
//! original source, the server its original destination. Options of one kind are alternatives
//! (`--dport 80,443`); options of different kinds must all match.

use clap::Args;
use std::net::IpAddr;
use std::str::FromStr;
use synscope_model::{Endpoint, TcpState};

/// An address or a network: `ADDR` or `ADDR/LEN` (IPv4 or IPv6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    len: u8,
}

impl FromStr for Net {
    type Err = String;
    fn from_str(s: &str) -> Result<Net, String> {
        let (a, len) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let a = a.trim_start_matches('[').trim_end_matches(']');
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("'{s}': an address (10.0.0.1, 2001:db8::1) or ADDR/LEN"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match len {
            None => max,
            Some(l) => l
                .parse::<u8>()
                .ok()
                .filter(|l| *l <= max)
                .ok_or_else(|| format!("'{s}': the prefix length is 0..={max}"))?,
        };
        Ok(Net { addr, len })
    }
}

impl Net {
    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let prefix = |a: &[u8], b: &[u8]| {
            let full = self.len as usize / 8;
            let rest = self.len % 8;
            a[..full] == b[..full]
                && (rest == 0 || (a[full] ^ b[full]) & (0xffu8 << (8 - rest)) == 0)
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix(&n.octets(), &a.octets()),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix(&n.octets(), &a.octets()),
            (IpAddr::V6(n), IpAddr::V4(a)) => prefix(&n.octets(), &a.to_ipv6_mapped().octets()),
            (IpAddr::V4(_), IpAddr::V6(a)) => a
                .to_ipv4_mapped()
                .is_some_and(|a| self.contains(IpAddr::V4(a))),
        }
    }
}

/// A port or an inclusive range: `P` or `P-Q`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    lo: u16,
    hi: u16,
}

impl FromStr for Ports {
    type Err = String;
    fn from_str(s: &str) -> Result<Ports, String> {
        let bad = || format!("'{s}': a port (0..=65535) or a range P-Q");
        let (lo, hi) = match s.split_once('-') {
            Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
            None => {
                let p = s.parse().map_err(|_| bad())?;
                (p, p)
            }
        };
        if lo > hi {
            return Err(bad());
        }
        Ok(Ports { lo, hi })
    }
}

impl Ports {
    pub fn contains(&self, p: u16) -> bool {
        (self.lo..=self.hi).contains(&p)
    }
}

/// A state name in any case, with `-` for `_` (`time-wait`), and `ss`'s short names
/// (`estab`, `syn-recv`).
pub fn parse_state(s: &str) -> Result<TcpState, String> {
    let norm = s.trim().to_ascii_uppercase().replace('-', "_");
    let norm = match norm.as_str() {
        "ESTAB" => "ESTABLISHED",
        "SYN_RECV" => "SYN_RECEIVED",
        n => n,
    };
    TcpState::ALL
        .into_iter()
        .find(|st| st.name() == norm)
        .ok_or_else(|| {
            let names: Vec<&str> = TcpState::ALL.iter().map(|s| s.name()).collect();
            format!("'{s}': a state, one of {}", names.join(" "))
        })
}

/// The filter options (flattened into each command that lists connections).
#[derive(Args, Clone, Debug, Default)]
#[command(
    next_help_heading = "Filters (like conntrack's; kinds combine with AND, values of one kind with OR)"
)]
pub struct FilterArgs {
    /// The client's address or network, ADDR[/LEN] (conntrack -s).
    #[arg(
        short = 's',
        long = "src",
        value_name = "ADDR[/LEN]",
        value_delimiter = ','
    )]
    pub src: Vec<Net>,
    /// The server's address or network (conntrack -d).
    #[arg(
        short = 'd',
        long = "dst",
        value_name = "ADDR[/LEN]",
        value_delimiter = ','
    )]
    pub dst: Vec<Net>,
    /// The client's port: P, P-Q, or a comma list (conntrack --sport).
    #[arg(long, value_name = "PORTS", value_delimiter = ',')]
    pub sport: Vec<Ports>,
    /// The server's port (conntrack --dport).
    #[arg(long, value_name = "PORTS", value_delimiter = ',')]
    pub dport: Vec<Ports>,
    /// Either endpoint's address or network (tcpdump's `host`).
    #[arg(long, value_name = "ADDR[/LEN]", value_delimiter = ',')]
    pub host: Vec<Net>,
    /// Either endpoint's port.
    #[arg(long = "any-port", value_name = "PORTS", value_delimiter = ',')]
    pub any_port: Vec<Ports>,
    /// Either endpoint in one of these states (e.g. time_wait,close_wait).
    #[arg(long, value_name = "STATES", value_delimiter = ',', value_parser = parse_state)]
    pub state: Vec<TcpState>,
    /// The client in one of these states.
    #[arg(long = "client-state", value_name = "STATES", value_delimiter = ',', value_parser = parse_state)]
    pub client_state: Vec<TcpState>,
    /// The server in one of these states.
    #[arg(long = "server-state", value_name = "STATES", value_delimiter = ',', value_parser = parse_state)]
    pub server_state: Vec<TcpState>,
}

/// One connection as the filter sees it.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    pub client: Endpoint,
    pub server: Endpoint,
    pub client_state: TcpState,
    pub server_state: TcpState,
}

/// An endpoint's address as an `IpAddr` (whatever the model's address type).
fn ip_of(e: &Endpoint) -> IpAddr {
    e.ip
}

fn any_or<T>(set: &[T], hit: impl Fn(&T) -> bool) -> bool {
    set.is_empty() || set.iter().any(hit)
}

impl FilterArgs {
    /// No filter given: everything matches.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
            && self.dst.is_empty()
            && self.sport.is_empty()
            && self.dport.is_empty()
            && self.host.is_empty()
            && self.any_port.is_empty()
            && self.state.is_empty()
            && self.client_state.is_empty()
            && self.server_state.is_empty()
    }

    /// Whether `c` passes every filter given.
    pub fn matches(&self, c: &Conn) -> bool {
        let (ci, si) = (ip_of(&c.client), ip_of(&c.server));
        any_or(&self.src, |n| n.contains(ci))
            && any_or(&self.dst, |n| n.contains(si))
            && any_or(&self.sport, |p| p.contains(c.client.port))
            && any_or(&self.dport, |p| p.contains(c.server.port))
            && any_or(&self.host, |n| n.contains(ci) || n.contains(si))
            && any_or(&self.any_port, |p| {
                p.contains(c.client.port) || p.contains(c.server.port)
            })
            && any_or(&self.state, |s| {
                *s == c.client_state || *s == c.server_state
            })
            && any_or(&self.client_state, |s| *s == c.client_state)
            && any_or(&self.server_state, |s| *s == c.server_state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Conn {
        Conn {
            client: Endpoint::v4(u32::from_be_bytes([10, 0, 0, 1]), 40000),
            server: Endpoint::v4(u32::from_be_bytes([192, 168, 7, 2]), 443),
            client_state: TcpState::TimeWait,
            server_state: TcpState::Closed,
        }
    }

    fn f(args: &[&str]) -> FilterArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct T {
            #[command(flatten)]
            f: FilterArgs,
        }
        let mut v = vec!["t"];
        v.extend(args);
        T::try_parse_from(v).unwrap().f
    }

    #[test]
    fn each_kind_of_filter() {
        let c = conn();
        let yes = |a: &[&str]| assert!(f(a).matches(&c), "{a:?}");
        let no = |a: &[&str]| assert!(!f(a).matches(&c), "{a:?}");
        yes(&[]);
        yes(&["-s", "10.0.0.1"]);
        yes(&["--src", "10.0.0.0/8"]);
        no(&["-s", "192.168.7.2"]);
        yes(&["-d", "192.168.0.0/16"]);
        no(&["-d", "192.168.8.0/24"]);
        yes(&["--sport", "39000-41000"]);
        yes(&["--dport", "80,443"]);
        no(&["--dport", "80"]);
        yes(&["--host", "192.168.7.2"]);
        yes(&["--any-port", "40000"]);
        no(&["--any-port", "22"]);
        yes(&["--state", "closed"]);
        yes(&["--state", "time-wait"]);
        yes(&["--client-state", "TIME_WAIT,established"]);
        no(&["--server-state", "time_wait"]);
        yes(&[
            "-s",
            "10.0.0.1",
            "--dport",
            "443",
            "--server-state",
            "CLOSED",
        ]);
        no(&[
            "-s",
            "10.0.0.1",
            "--dport",
            "443",
            "--server-state",
            "estab",
        ]);
    }

    #[test]
    fn bad_values_say_what_is_expected() {
        assert!("10.0.0.1/33".parse::<Net>().unwrap_err().contains("0..=32"));
        assert!("foo".parse::<Net>().is_err());
        assert!("9-3".parse::<Ports>().is_err());
        assert!("70000".parse::<Ports>().is_err());
        assert!(parse_state("bogus").unwrap_err().contains("TIME_WAIT"));
        assert_eq!(parse_state("syn-recv"), Ok(TcpState::SynReceived));
        let n: Net = "2001:db8::/32".parse().unwrap();
        assert!(n.contains("2001:db8::1".parse().unwrap()));
        assert!(!n.contains("2001:db9::1".parse().unwrap()));
    }
}
