# What Vivado needs beyond the pin files (constraints/<board>.xdc), for either board.
# nextpnr-xilinx ignores these commands (board.md), so they live apart. Hand-written: cell
# names follow rust-hdl's hierarchy (`station/board/mii/<register>/q_reg`), matched with
# wildcards; every pattern is in braces (Vivado reads `[` `]` in a bare name as Tcl commands).
#
# No set_clock_groups: it would take precedence over the max-delay and bus-skew constraints
# below and leave the Gray pointers unconstrained. The crossings are constrained one by one,
# as verilog-ethernet's axis_async_fifo.tcl does; the only logic between the clocks is mii_rx.

# Synchronizer flops: together, not retimed.
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mii/rd_sync*/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mii/req_sync*/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mii/ack_sync*/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *rst_meta/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *rst_sync/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mdio/in_meta/q_reg*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mdio/in_sync/q_reg*}]

# Read pointer (system clock, Gray, moves one step at a time) into the PHY clock: within one
# system clock period, and skewed by less than one, so a sample sees at most one changing bit.
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *mii/rd_gray/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/rd_sync1/q_reg*}] 10.000
set_bus_skew -from [get_cells -hierarchical -filter {NAME =~ *mii/rd_gray/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/rd_sync1/q_reg*}] 10.000

# Commit pointer (PHY clock): held in cm_gray while the toggle handshake carries it, so its
# bits only need to arrive before the toggle's synchronized edge (>= 2 system clock periods);
# constrained to one system period all the same, with the same skew bound.
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *mii/cm_gray/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/wr_seen/q_reg*}] 10.000
set_bus_skew -from [get_cells -hierarchical -filter {NAME =~ *mii/cm_gray/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/wr_seen/q_reg*}] 10.000
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *mii/cm_req/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/req_sync1/q_reg*}] 10.000
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *mii/req_sync3/q_reg*}] -to [get_cells -hierarchical -filter {NAME =~ *mii/ack_sync1/q_reg*}] 10.000

# The receive FIFO's block RAM: written on the PHY clock, read on the system clock; the read
# side reads only committed entries (mii_rx), so a write-to-read timing path is not a path.
set_max_delay -datapath_only -from [get_clocks eth_rx_clk] -to [get_cells -hierarchical -filter {NAME =~ *mii/ram/*}] 10.000

# The PHY-side reset synchronizer: asynchronous assertion from the system clock's reset flop.
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *mii/phy_rst/s1_reg*}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *mii/phy_rst/*_reg*/PRE}]

# The reset button, the straps, the PHY's transmit clock domain (nothing in it) and the LEDs
# are asynchronous to everything.
set_false_path -from [get_ports {ck_rst}]
set_false_path -from [get_ports {eth_col eth_crs}]
set_false_path -to [get_ports {led[*]}]
