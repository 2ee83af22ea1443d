//! Writes the Verilog of every synscope top: `synscope-hdl [DIR]` (default `build/verilog`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("build/verilog"));
    if args.next().is_some() {
        eprintln!("usage: synscope-hdl [DIR]   (writes DIR/<top>.v, default build/verilog)");
        return ExitCode::from(2);
    }
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
