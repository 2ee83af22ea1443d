// wide_echo.v: a fixture for the harness's own tests, not hardware. Ports wider than 128 bits
// (VlWide arrays in Verilator) and a width that is not a multiple of 32.
`default_nettype none
module top(a, invert, y);
    input wire [206:0] a;
    input wire invert;
    output wire [206:0] y;

    assign y = invert ? ~a : a;
endmodule
`default_nettype wire
