#include "web/routes.hpp"

#include "web/handlers.hpp"

namespace mkt::web {
namespace {

using http::Method;
using http::Request;
using http::Response;
using WebHandler = Result<Response> (*)(const WebContext&, Request&);

}  // namespace

void RegisterWebUi(http::Router& router, const WebContext& ctx) {
    auto page = [&ctx](WebHandler handler) {
        return [&ctx, handler](Request& req) { return handler(ctx, req); };
    };
    auto html_errors = [&ctx](const Request& req, const Status& s, int code) {
        return RenderWebError(ctx, req, s, code, true);
    };
    auto negotiated_errors = [&ctx](const Request& req, const Status& s, int code) {
        return RenderWebError(ctx, req, s, code, false);
    };
    // The HTML representation of URLs whose default is the native API's.
    const http::Representation html{{"text/html"}, false};

    router.Add(Method::kGet, "/", page(&BrowsePage), html_errors);
    router.Add(Method::kGet, "/metadata", page(&BrowsePage), negotiated_errors, html);
    router.Add(Method::kGet, "/metadata/{identifier}/{email}/{created}", page(&EntryDetailPage),
               negotiated_errors, html);
    router.Add(Method::kGet, "/endorsers", page(&EndorsersPage), negotiated_errors, html);
    router.Add(Method::kGet, "/endorsers/{email}", page(&EndorserPage), negotiated_errors, html);
    router.Add(Method::kGet, "/upload", page(&UploadForm), html_errors);
    router.Add(Method::kPost, "/upload", page(&UploadSubmit), html_errors);
    router.Add(Method::kGet, "/sparql", page(&SparqlPage), html_errors);
    if (ctx.confirmation) {
        // People open the link from a mail client: HTML is the default here.
        router.Add(Method::kGet, "/confirm/{token}", page(&ConfirmPage), negotiated_errors,
                   http::Representation{{"text/html"}, true});
    }
    router.Add(Method::kGet, "/assets/{name}", page(&GetAsset), html_errors);
}

}  // namespace mkt::web
