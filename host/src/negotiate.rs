//! Finding the board's line rate and moving it to the fastest one that carries every byte
//! value intact (docs/console.md, "The line rate"): every command is fast without a flag, and
//! the board is left at the rate it was found at when the command ends.
//!
//! 1. **Probe**: `IDENTIFY` at 115200 (the rate after reset), then at the others, fastest
//!    first. A rate that gives silence or noise is the wrong one; text (a console, a modem)
//!    is no synscope at any rate and ends the search at once.
//! 2. **Raise**: `SET_CONFIG baud` to the fastest rate (answered at the old rate, then the
//!    board switches), the host follows, and a `PING` carrying all 256 byte values must come
//!    back intact; otherwise the board is asked back to the rate it was at, and the next
//!    slower rate is tried.
//! 3. **Restore**: the link puts the rate it was found at back when it closes
//!    (`Link::restore_on_close`), unless `config --set-baud` changed it on purpose.

use crate::link::{Error, Link, Patience};
use anyhow::{anyhow, Result};
use std::time::Duration;
use synscope_model::protocol::payload::Identity;
use synscope_model::protocol::{client, ConfigItem, Op, BAUD_RATES};

/// The rate after reset.
pub const RESET_BAUD: u32 = BAUD_RATES[0];

/// The code of `baud` in `SET_CONFIG baud`.
pub fn baud_code(baud: u32) -> Result<u8> {
    Ok(client::baud_code(baud)?)
}

/// The rates to probe, in order: the reset rate first, then the others from the fastest.
fn probe_order() -> Vec<u32> {
    let mut v = vec![RESET_BAUD];
    v.extend(BAUD_RATES.iter().rev().filter(|&&b| b != RESET_BAUD));
    v
}

/// Open `name`, find the board's rate (or use `baud` as given: no probing, no change) and, if
/// not given, raise it to the fastest reliable one.
pub fn connect(
    name: &str,
    baud: Option<u32>,
    answer_timeout: Option<Duration>,
) -> Result<(Link, Identity)> {
    let open = |rate| -> Result<Link> {
        let mut link = Link::open(name, rate)?;
        if let Some(t) = answer_timeout {
            link.set_timeout(t);
        }
        Ok(link)
    };
    if let Some(b) = baud {
        baud_code(b)?;
        let mut link = open(b)?;
        let id = identify(&mut link)?;
        return Ok((link, id));
    }
    let mut link = open(RESET_BAUD)?;
    let (found, id) = probe(&mut link)?;
    raise(&mut link, found)?;
    Ok((link, id))
}

/// `IDENTIFY`, patient only with a synscope's answers.
fn identify(link: &mut Link) -> Result<Identity, Error> {
    link.set_patience(Patience::IDENTIFY);
    let id = link.identify();
    link.set_patience(Patience::ANSWERING);
    id
}

/// The rate the board is at, and its identity. The board's own word on its rate
/// (`GET_CONFIG`) settles it: a pseudo-terminal carries bytes at whatever rate the host sets,
/// so the simulated board answers at every one.
fn probe(link: &mut Link) -> Result<(u32, Identity)> {
    let mut last = None;
    for rate in probe_order() {
        link.set_line_rate(rate)?;
        match identify(link) {
            Ok(id) => {
                let cfg = link.config()?;
                let at = BAUD_RATES
                    .get(cfg.baud_code as usize)
                    .copied()
                    .unwrap_or(rate);
                if at != rate {
                    link.set_line_rate(at)?;
                }
                return Ok((at, id));
            }
            // Text is no synscope at any rate; the link failing (unplugged) is the same at
            // every rate; a synscope whose table geometry makes no slots answered at this one.
            Err(
                e @ (Error::NotSynscope { text: true, .. }
                | Error::Io { .. }
                | Error::BadWays { .. }
                | Error::BadBuckets { .. }),
            ) => return Err(e.into()),
            // A wrong rate: silence, or the board's bytes garbled.
            Err(e) => last = Some(e),
        }
    }
    let rates: Vec<String> = probe_order().iter().map(u32::to_string).collect();
    Err(anyhow!(
        "no synscope answers on {} at any line rate ({}): {}",
        link.name(),
        rates.join(", "),
        last.map_or(String::new(), |e| format!("{e:#}"))
    ))
}

/// Move the board (found at `found`) to the fastest rate that passes the check.
fn raise(link: &mut Link, found: u32) -> Result<()> {
    let found_code = baud_code(found)?;
    for &target in BAUD_RATES.iter().rev().filter(|&&b| b > found) {
        link.set_baud(target)?;
        if check(link).is_ok() {
            link.restore_on_close(ConfigItem::Baud, vec![found_code]);
            return Ok(());
        }
        // Back to the rate that worked: asked at the new rate (it may get through), then
        // found again at the old one.
        let _ = link.set_config(ConfigItem::Baud, &[found_code]);
        link.set_line_rate(found)?;
        identify(link)?;
    }
    Ok(())
}

/// Every byte value through the line and back.
fn check(link: &mut Link) -> Result<()> {
    let all: Vec<u8> = (0..=255u8).collect();
    let echo = link.request(Op::Ping, all.clone())?;
    if echo != all {
        return Err(anyhow!("{}: a ping came back changed", link.name()));
    }
    Ok(())
}
