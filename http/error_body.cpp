#include "http/error_body.hpp"

#include "http/negotiation.hpp"
#include "mappers/native_json.hpp"
#include "mappers/native_xml.hpp"

namespace mkt::http {

Response RenderNativeError(const Request& request, const Status& status, int http_status) {
    // An unacceptable Accept must not hide the error: fall back to XML.
    const std::string type =
        Negotiate(request, {"application/xml", "application/json"}).value_or("application/xml");
    if (type == "application/json") {
        return Response::Make(
            http_status, "application/json",
            mappers::ErrorToJson(status, http_status, request.context.request_id));
    }
    return Response::Make(http_status, "application/xml; charset=utf-8",
                          mappers::ErrorToXml(status, http_status, request.context.request_id));
}

}  // namespace mkt::http
