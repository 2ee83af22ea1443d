//! `synscope`: the host console of the synscope TCP connection-state monitor.

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;
use synscope::{analyze, bench, console, demo, generate, monitor, output, ports, sim};

/// Watch TCP connection state: offline on capture files, or on a synscope board.
#[derive(Parser)]
#[command(name = "synscope", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    port: console::PortArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference model over a pcap/pcapng capture and print every connection's end
    /// states (both endpoints).
    Analyze(analyze::AnalyzeArgs),
    /// Run a capture through the simulated board (the generated Verilog under Verilator, frames
    /// on its MII pins) and print the end states read out of the simulated hardware through its
    /// UART; or, with --serve, keep it running on a pseudo-terminal for the board commands.
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
    Demo(demo::DemoArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze(a) => analyze::run(&a),
        Command::Bench(b) => bench::run(&b),
        Command::Sim(s) => sim::run(&s, cli.port.baud),
        Command::Generate(g) => generate::run(&g),
        Command::Ports { json } => ports::run(json),
        Command::Board(b) => console::run(&b, &cli.port),
        Command::Monitor(m) => monitor::run(&m, &cli.port),
        Command::Demo(d) => demo::run(&d),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "synscope", &mut out);
            output::write_stdout(&out)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}
