#include "http/error_body.hpp"

#include <nlohmann/json.hpp>

#include "http/negotiation.hpp"

namespace mkt::http {

std::string XmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

Response RenderNativeError(const Request& request, const Status& status, int http_status) {
    // An unacceptable Accept must not hide the error: fall back to XML.
    const std::string type =
        Negotiate(request, {"application/xml", "application/json"}).value_or("application/xml");
    if (type == "application/json") {
        nlohmann::json body = {{"error",
                                {{"status", http_status},
                                 {"code", StatusCodeName(status.code())},
                                 {"message", status.message()},
                                 {"request_id", request.context.request_id}}}};
        return Response::Make(
            http_status, "application/json",
            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error status=\"" +
                       std::to_string(http_status) + "\" code=\"" +
                       std::string(StatusCodeName(status.code())) + "\" request-id=\"" +
                       XmlEscape(request.context.request_id) + "\">" + XmlEscape(status.message()) +
                       "</error>\n";
    return Response::Make(http_status, "application/xml; charset=utf-8", std::move(body));
}

}  // namespace mkt::http
