// Verilator's user hooks for the synscope simulator: $stop, $fatal and Verilator's own fatal
// errors throw a C++ exception instead of calling abort(). The per-model eval wrapper catches it
// and returns an error code, and the Rust side turns that into a panic of the calling test.
// (Compiled together with verilated.cpp built with VL_USER_FATAL, VL_USER_STOP, VL_USER_FINISH.)
#include "verilated.h"
#include "synscope_glue.h"

#include <string>

namespace {
thread_local std::string last_error;
}

void synscope_set_error(const char* what) { last_error = what; }

extern "C" const char* synscope_last_error() { return last_error.c_str(); }

void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    (void)hier;
    Verilated::threadContextp()->gotError(true);
    Verilated::threadContextp()->gotFinish(true);
    std::string what = (filename && filename[0])
                           ? std::string(filename) + ":" + std::to_string(linenum) + ": " + msg
                           : std::string(msg);
    throw SynscopeSimFatal(what);
}

// Verilator compiles `$fatal(n, msg)` into a print of msg ("%Error: ... Assertion failed") followed
// by $stop, so both arrive here; the message itself is on stdout.
void vl_stop(const char* filename, int linenum, const char* hier) {
    vl_fatal(filename, linenum, hier, "Verilog $stop or $fatal");
}

void vl_finish(const char* filename, int linenum, const char* hier) {
    (void)filename;
    (void)linenum;
    (void)hier;
    // $finish only marks the context finished; the Rust side decides when a run ends.
    Verilated::threadContextp()->gotFinish(true);
}
