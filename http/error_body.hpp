// Native error bodies: {"error": {"status", "code", "message", "request_id"}} in
// JSON and <error status="..." code="...">message</error> in XML (escaped; the
// StratusLab original forgot to escape). Chosen by the same negotiation as the
// resource, XML by default as in StratusLab. Other front-ends (CIMI, OCCI)
// supply their own ErrorRenderer.
#pragma once

#include <functional>
#include <string>

#include "http/request.hpp"
#include "registry/status.hpp"

namespace mkt::http {

/// Renders `status` (already mapped to `http_status`) as a response body.
using ErrorRenderer = std::function<Response(const Request&, const Status&, int http_status)>;

Response RenderNativeError(const Request& request, const Status& status, int http_status);

}  // namespace mkt::http
