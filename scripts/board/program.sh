#!/usr/bin/env bash
# Load a bitstream into the Arty with openFPGALoader (SRAM; FLASH=1 writes the SPI flash).
#   scripts/board/program.sh BOARD BITFILE
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BOARD BITFILE" >&2; exit 2; }
board=$1 bit=$2
case "$board" in
  arty-a7-35)  cable=arty ;;
  arty-a7-100) cable=arty_a7_100t ;;
  *) echo "program: unknown BOARD '$board' (arty-a7-35 or arty-a7-100)" >&2; exit 2 ;;
esac
command -v openFPGALoader >/dev/null || {
  echo "program: openFPGALoader not found: apt install openfpgaloader" >&2; exit 1; }
[ -f "$bit" ] || { echo "program: no bitstream $bit: run make bitstream BOARD=$board first" >&2; exit 1; }
if [ "${FLASH:-0}" = 1 ]; then
  openFPGALoader -b "$cable" -f "$bit"
else
  openFPGALoader -b "$cable" "$bit"
fi
