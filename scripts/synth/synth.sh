#!/usr/bin/env bash
# Synthesize one generated top for Xilinx 7-series with yosys and write OUTDIR/report.json.
#
#   scripts/synth/synth.sh NAME VERILOG OUTDIR
#
# NAME is the design's name in the report (the Verilog module is always `top`, a rust-hdl rule).
# BOARD (arty-a7-35 | arty-a7-100, default arty-a7-35) is recorded with its part; yosys
# `synth_xilinx -family xc7` does not distinguish the two parts, so the netlist is the same.
# Writes OUTDIR/{synth.log, netlist.json, stat.txt, report.json} and prints the report line.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 NAME VERILOG OUTDIR" >&2
  exit 2
fi
name=$1 verilog=$2 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
board=${BOARD:-arty-a7-35}
case "$board" in
  arty-a7-35)  part=xc7a35ticsg324-1L ;;
  arty-a7-100) part=xc7a100tcsg324-1 ;;
  *) echo "synth.sh: unknown BOARD '$board' (arty-a7-35 or arty-a7-100)" >&2; exit 2 ;;
esac
command -v yosys >/dev/null || { echo "synth.sh: yosys not found (make deps installs it)" >&2; exit 1; }
[ -f "$verilog" ] || { echo "synth.sh: no such file: $verilog" >&2; exit 1; }

mkdir -p "$outdir"
# -flatten: optimise across the per-sub-block modules rust-hdl emits (about 3x smaller).
if ! yosys -q -l "$outdir/synth.log" -p "
    read_verilog $verilog
    synth_xilinx -family xc7 -flatten -top top
    tee -q -o $outdir/stat.txt stat
    write_json $outdir/netlist.json
  " >/dev/null; then
  echo "synth.sh: yosys failed on $verilog; see $outdir/synth.log" >&2
  tail -n 20 "$outdir/synth.log" >&2
  exit 1
fi
python3 "$here/report.py" "$outdir/netlist.json" --top "$name" --board "$board" --part "$part" \
  -o "$outdir/report.json"
