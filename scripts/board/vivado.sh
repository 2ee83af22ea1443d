#!/usr/bin/env bash
# make vivado BOARD=...: the Vivado non-project flow (scripts/board/vivado.tcl) on the board top
# `make verilog` wrote, with the board's pin file and constraints/vivado-extra.xdc.
#   scripts/board/vivado.sh BOARD OUTDIR
#   scripts/board/vivado.sh --files BOARD     the Verilog and XDC files it reads, one a line
set -euo pipefail
files_only=0
if [ "${1:-}" = --files ]; then files_only=1; shift; set -- "$1" none; fi
[ $# -eq 2 ] || { echo "usage: $0 BOARD OUTDIR" >&2; exit 2; }
board=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../synth/boards.sh
. "$here/../synth/boards.sh"
board_facts "$board" || exit 2
[ "$family" = xc7 ] || { echo "vivado: $board is a synthesis design point, not a board top" >&2; exit 2; }
top=build/verilog/$(echo "$board" | tr - _).v
xdcs=("constraints/$board.xdc" constraints/vivado-extra.xdc)
if [ $files_only = 1 ]; then printf '%s\n' "$top" "${xdcs[@]}"; exit 0; fi
[ -f "$top" ] || { echo "vivado: no $top: run make verilog" >&2; exit 1; }
command -v "${VIVADO:-vivado}" >/dev/null || {
  echo "vivado: ${VIVADO:-vivado} not found: install Vivado (ML Standard, free for the Artix-7 35T/100T) and source its settings64.sh, or use make bitstream (openXC7)" >&2
  exit 1
}
mkdir -p "$out"
"${VIVADO:-vivado}" -mode batch -nojournal -log "$out/vivado.log" -source "$here/vivado.tcl" \
  -tclargs "$part" "$out" "$top" "${xdcs[@]}"
