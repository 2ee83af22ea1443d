# Vivado non-project flow for the synscope board top (make vivado BOARD=...):
#   vivado -mode batch -source scripts/board/vivado.tcl -tclargs PART OUTDIR VERILOG XDC...
# Synthesizes, places, routes, writes the bitstream and the timing and utilization reports.
# The Verilog list is `make verilog`'s board top (one file: rust-hdl writes every sub-block into
# it); a test (hdl/src/vivado_flow.rs) holds this script's use of it in step.
if {[llength $argv] < 4} {
    puts stderr "usage: vivado -mode batch -source vivado.tcl -tclargs PART OUTDIR VERILOG XDC..."
    exit 2
}
set part [lindex $argv 0]
set out [lindex $argv 1]
set verilog [lindex $argv 2]
set xdcs [lrange $argv 3 end]
file mkdir $out

read_verilog $verilog
foreach x $xdcs {
    read_xdc $x
}
synth_design -top top -part $part
write_checkpoint -force [file join $out post_synth.dcp]
report_utilization -file [file join $out utilization_synth.rpt]
opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $out post_route.dcp]
report_timing_summary -max_paths 20 -file [file join $out timing_summary.rpt]
report_clock_interaction -file [file join $out clock_interaction.rpt]
report_cdc -file [file join $out cdc.rpt]
report_utilization -file [file join $out utilization.rpt]
report_drc -file [file join $out drc.rpt]
write_bitstream -force [file join $out top.bit]
set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]
puts "vivado: wrote [file join $out top.bit] (worst setup slack $wns ns)"
if {$wns < 0} {
    puts stderr "vivado: timing not met (WNS $wns ns): see [file join $out timing_summary.rpt]"
    exit 1
}
