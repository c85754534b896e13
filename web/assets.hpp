// Static assets of the web UI (web/assets/*.css, *.js), embedded in the binary at
// build time (web/CMakeLists.txt generates the table), so the server needs no
// install tree and works offline. Each asset carries a version (the first 12 hex
// digits of its SHA-256): pages link "/assets/<name>?v=<version>", and that URL is
// served with a one-year immutable Cache-Control; a changed asset gets a new URL.
#pragma once

#include <string_view>

namespace mkt::web {

struct Asset {
    std::string_view name;          // "app.css"
    std::string_view content_type;  // "text/css; charset=utf-8"
    std::string_view version;       // 12 hex digits
    std::string_view body;
};

/// The asset of that file name, or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace mkt::web
