// fatal_probe.v: a fixture for the harness's own tests, not hardware. It counts clocks and calls
// $stop or $fatal on request, to show that these become a Rust panic of one test, not an abort.
`default_nettype none
module top(clock, stop_req, fatal_req, count);
    input wire clock;
    input wire stop_req;
    input wire fatal_req;
    output reg [7:0] count;

    initial count = 8'd0;

    always @(posedge clock) begin
        count <= count + 8'd1;
        if (stop_req) $stop;
        if (fatal_req) $fatal(1, "fatal_probe: fatal requested at count %0d", count);
    end
endmodule
`default_nettype wire
