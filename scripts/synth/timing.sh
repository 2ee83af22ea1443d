#!/usr/bin/env bash
# The pre-route timing estimate of every top `make synth BOARD=…` synthesized (timing.py on each
# netlist), merged into TIMING_DIR/report.json: `worst_ns` (clock domain -> ns) of the board's
# design (the first top of the synthesis report), its worst paths, and each top's figures.
#
#   scripts/synth/timing.sh BOARD SYNTH_DIR TIMING_DIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BOARD SYNTH_DIR TIMING_DIR" >&2; exit 2; }
board=$1 synth=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=boards.sh
. "$here/boards.sh"
board_facts "$board" || exit 2
[ -f "$synth/report.json" ] || { echo "timing: no $synth/report.json: run make synth BOARD=$board first" >&2; exit 1; }
mkdir -p "$out"
args=()
for p in $periods; do args+=(--period "$p"); done
tops=$(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['tops']))" "$synth/report.json")
reports=()
for t in $tops; do
  python3 "$here/timing.py" "$synth/$t/netlist.json" --name "$t" --family "$family" "${args[@]}" \
    --region core=station.board.core -o "$out/$t.json"
  reports+=("$out/$t.json")
done
python3 "$here/timing.py" --merge "${reports[@]}" --board "$board" -o "$out/report.json"
echo "wrote $out/report.json"
