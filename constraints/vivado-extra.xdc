# What Vivado needs beyond the pin files (constraints/<board>.xdc), for either board.
# nextpnr-xilinx ignores these commands (board.md), so they live apart. Hand-written: cell
# names follow rust-hdl's flattened naming (`<block>$<field>`), matched with wildcards.

# The PHY receive clock and the system clock are unrelated: only the mii_rx FIFO crosses them,
# through Gray-coded pointers and two-flop synchronizers.
set_clock_groups -asynchronous -group [get_clocks clk100mhz] -group [get_clocks eth_rx_clk]

# Keep the synchronizer flops together and away from retiming (mii_rx's pointer syncs, the
# reset button's two flops).
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *sync*}]
set_property ASYNC_REG TRUE [get_cells -hierarchical -filter {NAME =~ *rst_meta*}]

# The Gray pointers must arrive within one destination period (Cummings, SNUG 2002).
set_max_delay -datapath_only -from [get_clocks eth_rx_clk] -to [get_clocks clk100mhz] 10.0
set_max_delay -datapath_only -from [get_clocks clk100mhz] -to [get_clocks eth_rx_clk] 10.0

# The reset button and the LEDs are asynchronous to everything.
set_false_path -from [get_ports ck_rst]
set_false_path -to [get_ports {led[*]}]
