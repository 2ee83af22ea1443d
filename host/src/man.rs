//! `synscope man [DIR]`: manual pages generated from the clap definitions (`clap_mangen`), so
//! they say what `--help` says: `synscope.1`, and `synscope-COMMAND.1` for each command.

use crate::exit::EXIT_STATUS_HELP;
use anyhow::{Context, Result};
use clap::Command;
use std::path::Path;

/// The EXIT STATUS section, in roff.
fn exit_status(out: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    writeln!(out, "{}", EXIT_STATUS_HELP.replace('-', "\\-"))
}

/// One page: the command's own sections, then EXIT STATUS.
fn page(cmd: &Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    exit_status(&mut out)?;
    Ok(out)
}

/// Every page: `(file name, roff)`.
pub fn pages(cmd: Command) -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = cmd;
    cmd.build();
    let mut v = vec![("synscope.1".to_string(), page(&cmd)?)];
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        let name = format!("synscope-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(name.replace('-', " "));
        v.push((format!("{name}.1"), page(&sub)?));
    }
    Ok(v)
}

pub fn run(cmd: Command, dir: Option<&Path>) -> Result<()> {
    let pages = pages(cmd)?;
    match dir {
        None => crate::output::write_stdout(&pages[0].1),
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            for (name, roff) in &pages {
                let p = d.join(name);
                std::fs::write(&p, roff)
                    .with_context(|| format!("cannot write {}", p.display()))?;
            }
            eprintln!("wrote {} manual pages into {}", pages.len(), d.display());
            Ok(())
        }
    }
}
