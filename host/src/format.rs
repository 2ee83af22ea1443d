//! `--format table|json|ndjson|csv|zeek` (and `--json`, the same as `--format json`): how a
//! command prints what it lists. Each command says which formats make sense for it.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people, like `ss -tan`.
    Table,
    /// One JSON document (design.md's contract).
    Json,
    /// One JSON object per line, per connection or event.
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
    /// A Zeek conn.log (tab-separated, with its `#` header lines).
    Zeek,
}

impl Format {
    pub const fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Zeek => "zeek",
        }
    }
}

/// The output options.
#[derive(Args, Clone, Debug)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl Default for FormatArgs {
    fn default() -> Self {
        FormatArgs {
            format: Format::Table,
            json: false,
        }
    }
}

impl FormatArgs {
    /// The format asked for, if `command` prints it; else an error naming those it prints.
    pub fn pick(&self, command: &str, allowed: &[Format]) -> Result<Format> {
        let f = if self.json { Format::Json } else { self.format };
        if !allowed.contains(&f) {
            let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
            bail!(
                "--format {}: `{command}` prints {}{}",
                f.name(),
                names.join(", "),
                if f == Format::Zeek {
                    " (a Zeek conn.log needs what each side sent, which only the model keeps: \
                     `synscope analyze`)"
                } else {
                    ""
                }
            );
        }
        Ok(f)
    }
}
