//! Writes the Verilog of every synscope top.
//!
//! `synscope-hdl [DIR]`: writes `DIR/<top>.v` (default `build/verilog`) and prints the paths.
//! `synscope-hdl --tops BOARD`: prints the names of the tops `make synth BOARD=…` synthesizes,
//! the board's design first (the top whose figures head its report).
//! `synscope-hdl --xdc BOARD`: prints the board's pin constraints (`constraints/BOARD.xdc`).
//! `synscope-hdl --connections TOP`: prints the capacity of TOP's connection table (0: none).

use std::path::PathBuf;
use std::process::ExitCode;
use synscope_hdl::gen::BOARDS;
use synscope_hdl::TOPS;

const USAGE: &str =
    "usage: synscope-hdl [DIR]         writes DIR/<top>.v (default build/verilog)\n       \
                     synscope-hdl --tops BOARD  lists the tops synthesized for BOARD\n       \
                     synscope-hdl --xdc BOARD   prints the pin constraints of BOARD\n       \
                     synscope-hdl --connections TOP  prints TOP's table capacity";

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, board] if flag == "--tops" => list_tops(board),
        [flag, board] if flag == "--xdc" => print_xdc(board),
        [flag, top] if flag == "--connections" => match TOPS.iter().find(|t| t.name == top) {
            Some(t) => {
                println!("{}", t.connections);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("synscope-hdl: unknown top '{top}'");
                ExitCode::from(2)
            }
        },
        [] => write_all(PathBuf::from("build/verilog")),
        [dir] if !dir.starts_with('-') => write_all(PathBuf::from(dir)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn list_tops(board: &str) -> ExitCode {
    if !BOARDS.contains(&board) {
        eprintln!(
            "synscope-hdl: unknown board '{board}' (one of: {})",
            BOARDS.join(", ")
        );
        return ExitCode::from(2);
    }
    let design = synscope_hdl::gen::design_top(board).map(|t| t.name);
    design.into_iter().for_each(|n| println!("{n}"));
    for top in TOPS
        .iter()
        .filter(|t| t.for_board(board) && Some(t.name) != design)
    {
        println!("{}", top.name);
    }
    ExitCode::SUCCESS
}

fn print_xdc(board: &str) -> ExitCode {
    match synscope_hdl::pins::part(board) {
        Some(part) => {
            print!("{}", synscope_hdl::pins::xdc(board, part));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "synscope-hdl: unknown board '{board}' (one of: {})",
                BOARDS.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

fn write_all(dir: PathBuf) -> ExitCode {
    match synscope_hdl::generate_all(&dir) {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "synscope-hdl: cannot write Verilog to {}: {e}",
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}
