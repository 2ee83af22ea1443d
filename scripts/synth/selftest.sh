#!/usr/bin/env bash
# Checks the logic-depth measurement of report.py on designs whose depth is known by hand:
# registered inputs, one registered output each, synthesized like every synscope top.
#   and6   6-input AND                 1 LUT level
#   xor36  36-input parity             2 LUT levels (6 LUT6, then 1 LUT6)
#   xor216 216-input parity            3 LUT levels (36, 6, 1 LUT6)
#   add32  32-bit adder                1 LUT level, then the CARRY4 chain
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
fail=0

check() { # name width expr expect_levels [min_carry]
  local name=$1 w=$2 expr=$3 want=$4 carry=${5:-0}
  cat > "$work/$name.v" <<V
module top(input wire clk, input wire [$((w-1)):0] a, input wire [$((w-1)):0] b, output reg [$((w)):0] y);
  reg [$((w-1)):0] a_q, b_q;
  always @(posedge clk) begin
    a_q <= a; b_q <= b; y <= $expr;
  end
endmodule
V
  BOARD=arty-a7-35 "$here/synth.sh" "$name" "$work/$name.v" "$work/$name" >/dev/null
  local got gotc
  got=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['logic_levels'])" "$work/$name/report.json")
  gotc=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['carry4_chain'])" "$work/$name/report.json")
  if [ "$got" = "$want" ] && [ "$gotc" -ge "$carry" ]; then
    echo "ok   $name: logic_levels=$got carry4_chain=$gotc"
  else
    echo "FAIL $name: logic_levels=$got (want $want) carry4_chain=$gotc (want >= $carry)"
    fail=1
  fi
}

check and6 6 '{1'"'"'b0, &a_q}' 1
check xor36 36 '{1'"'"'b0, ^a_q}' 2
check xor216 216 '{1'"'"'b0, ^a_q}' 3
check add32 32 'a_q + b_q' 1 8
exit $fail
