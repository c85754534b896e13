#include "web/routes.hpp"

#include "api/handlers.hpp"
#include "web/handlers.hpp"

namespace mkt::web {
namespace {

using http::Method;
using http::Request;
using http::Response;
using WebHandler = Result<Response> (*)(const WebContext&, Request&);
using ApiHandler = Result<Response> (*)(const api::ApiContext&, Request&);

// The native media types of the shared routes; HTML must beat all of them.
const std::vector<std::string>& ListingOffers() {
    static const std::vector<std::string> offers = {"application/xml", "application/json"};
    return offers;
}
const std::vector<std::string>& EntryOffers() {
    static const std::vector<std::string> offers = {"application/rdf+xml", "application/json"};
    return offers;
}

}  // namespace

void RegisterWebUi(http::Router& router, const WebContext& ctx) {
    auto page = [&ctx](WebHandler handler) {
        return [&ctx, handler](Request& req) { return handler(ctx, req); };
    };
    // HTML for browsers, the native handler, untouched, for everyone else.
    auto shared = [&ctx](WebHandler html, ApiHandler native,
                         const std::vector<std::string>& offers) {
        return [&ctx, html, native, &offers](Request& req) {
            return PrefersHtml(req, offers) ? html(ctx, req) : native(ctx.api, req);
        };
    };
    auto html_errors = [&ctx](const Request& req, const Status& s, int code) {
        return RenderWebError(ctx, req, s, code, true);
    };
    auto negotiated_errors = [&ctx](const Request& req, const Status& s, int code) {
        return RenderWebError(ctx, req, s, code, false);
    };

    router.Add(Method::kGet, "/", page(&BrowsePage), html_errors);
    router.Add(Method::kGet, "/metadata", shared(&BrowsePage, &api::ListEntries, ListingOffers()),
               negotiated_errors);
    router.Add(Method::kGet, "/metadata/{identifier}/{email}/{created}",
               shared(&EntryDetailPage, &api::GetEntry, EntryOffers()), negotiated_errors);
    router.Add(Method::kGet, "/endorsers",
               shared(&EndorsersPage, &api::ListEndorsers, ListingOffers()), negotiated_errors);
    router.Add(Method::kGet, "/endorsers/{email}",
               shared(&EndorserPage, &api::GetEndorserHistory, ListingOffers()), negotiated_errors);
    router.Add(Method::kGet, "/upload", page(&UploadForm), html_errors);
    router.Add(Method::kPost, "/upload", page(&UploadSubmit), html_errors);
    router.Add(Method::kGet, "/sparql", page(&SparqlPage), html_errors);
    router.Add(Method::kGet, "/assets/{name}", page(&GetAsset), html_errors);
}

}  // namespace mkt::web
