// The one table from domain Status codes to HTTP statuses (and reason phrases).
// Every front-end's errors go through it; front-ends only choose the body format.
#pragma once

#include <string_view>

#include "registry/status.hpp"

namespace mkt::http {

int HttpStatusFor(StatusCode code);
std::string_view ReasonPhrase(int http_status);

}  // namespace mkt::http
