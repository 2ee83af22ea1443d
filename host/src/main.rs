//! `synscope`: the host console of the synscope TCP connection-state monitor.

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use synscope::exit::EXIT_STATUS_HELP;
use synscope::{analyze, bench, console, exit, generate, man, monitor, output, ports};
#[cfg(feature = "simulator")]
use synscope::{demo, sim};

/// Watch TCP connection state: offline on capture files, live on an interface, or on a
/// synscope board.
#[derive(Parser)]
#[command(
    name = "synscope",
    version,
    about,
    propagate_version = true,
    after_help = EXIT_STATUS_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    port: console::PortArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference model over a pcap/pcapng capture (a file, standard input, or frames
    /// captured live with -i) and print every connection's end states (both endpoints).
    Analyze(analyze::AnalyzeArgs),
    /// Run a capture through the simulated board (the generated Verilog under Verilator, frames
    /// on its MII pins) and print the end states read out of the simulated hardware through its
    /// UART; or, with --serve, keep it running on a pseudo-terminal for the board commands.
    #[cfg(feature = "simulator")]
    Sim(sim::SimArgs),
    /// Measure throughput (analysis of a capture; the hardware core).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Write a large synthetic capture (realistic mix of connection lifetimes and endings).
    Generate(generate::GenerateArgs),
    /// List serial ports, a board's UART first.
    Ports {
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Board(console::BoardCommand),
    /// Watch a board live, full screen: connections (sort with s, filter with /), per-state
    /// counts, counters with rates, events. `--once` prints one plain-text snapshot.
    Monitor(monitor::MonitorArgs),
    /// The monitor on the simulated board replaying a capture (default captures/K_many.pcap).
    #[cfg(feature = "simulator")]
    Demo(demo::DemoArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (synscope.1 and one per command) into a folder, or print
    /// synscope.1 on stdout.
    Man {
        /// Folder to write synscope.1, synscope-analyze.1, … into (e.g. /usr/local/share/man/man1).
        dir: Option<PathBuf>,
    },
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze(a) => analyze::run(&a),
        Command::Bench(b) => bench::run(&b),
        // `sim --serve` keeps the reset rate unless --baud says otherwise: hosts raise it.
        #[cfg(feature = "simulator")]
        Command::Sim(s) => sim::run(&s, cli.port.baud.unwrap_or(synscope::negotiate::RESET_BAUD)),
        Command::Generate(g) => generate::run(&g),
        Command::Ports { json } => ports::run(json),
        Command::Board(b) => console::run(&b, &cli.port),
        Command::Monitor(m) => monitor::run(&m, &cli.port),
        #[cfg(feature = "simulator")]
        Command::Demo(d) => demo::run(&d),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "synscope", &mut out);
            output::write_stdout(&out)
        }
        Command::Man { dir } => man::run(Cli::command(), dir.as_deref()),
    }
}

fn main() -> ExitCode {
    exit::report(run(Cli::parse()))
}
