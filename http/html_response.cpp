#include "http/html_response.hpp"

#include "registry/text.hpp"

namespace mkt::http {

Response HtmlResponse(int status, std::string body) {
    Response r = Response::Make(status, "text/html; charset=utf-8", std::move(body));
    r.headers.Set("Cache-Control", "no-cache");
    r.headers.Set("Vary", "Accept");
    r.headers.Set("Content-Security-Policy", kHtmlContentSecurityPolicy);
    r.headers.Set("X-Content-Type-Options", "nosniff");
    r.headers.Set("Referrer-Policy", "same-origin");
    return r;
}

bool IsLinkableIri(std::string_view iri) {
    for (std::string_view scheme : {"http://", "https://", "ftp://"}) {
        if (text::StartsWithIgnoreCase(iri, scheme)) return true;
    }
    return false;
}

}  // namespace mkt::http
