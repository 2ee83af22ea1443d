# The boards `make synth`, `make timing` and `make vivado` know: part, yosys family, clocks.
# Sourced by the scripts in scripts/synth and scripts/board; hdl/src/boards.rs holds the same
# facts for the generator, and a test (hdl/tests/boards_sh.rs) holds the two in step.
#
#   board_facts BOARD    sets part, family, periods ("DOMAIN=NS ..."), or fails with a message
board_facts() {
  case "$1" in
    arty-a7-35)  part=xc7a35ticsg324-1L; family=xc7;  periods="clk100mhz=10 eth_rx_clk=40 eth_tx_clk=40 clock=10" ;;
    arty-a7-100) part=xc7a100tcsg324-1;  family=xc7;  periods="clk100mhz=10 eth_rx_clk=40 eth_tx_clk=40 clock=10" ;;
    xcvu13p)     part=xcvu13p-fhga2104-1-e; family=xcup; periods="clock=6.667" ;;
    *) echo "unknown BOARD '$1' (arty-a7-35, arty-a7-100 or xcvu13p)" >&2; return 1 ;;
  esac
}
