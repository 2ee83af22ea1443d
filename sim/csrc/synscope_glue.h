// Shared by the glue and the generated per-model shims.
#pragma once
#include <stdexcept>
#include <string>

struct SynscopeSimFatal : std::runtime_error {
    explicit SynscopeSimFatal(const std::string& what) : std::runtime_error(what) {}
};

// Remembers the message of the last fatal error on this thread (read by synscope_last_error).
void synscope_set_error(const char* what);
