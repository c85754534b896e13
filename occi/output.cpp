#include "occi/output.hpp"

namespace mkt::occi {

using http::Response;
namespace m = mappers::occi;

Emit Output::AddCategory(const m::Category& c) {
    switch (rendering_.format) {
        case Format::kJson:
            json_.Add(c);
            return Emit::kContinue;
        case Format::kOcci:
            return AppendHeader(m::CategoryText(c));
        default:
            body_ += "Category: ";
            body_ += m::CategoryText(c);
            body_ += '\n';
            return Emit::kContinue;
    }
}

Emit Output::AddLocation(const std::string& url,
                         const std::function<std::string()>& resource_json) {
    switch (rendering_.format) {
        case Format::kJson:
            resources_.push_back(resource_json());
            return Emit::kContinue;
        case Format::kOcci:
            return AppendHeader(url);
        case Format::kUriList:
            body_ += url + "\r\n";
            return Emit::kContinue;
        case Format::kPlain:
            body_ += "X-OCCI-Location: " + url + "\n";
            return Emit::kContinue;
    }
    return Emit::kContinue;
}

Response Output::FinishCategories() {
    if (rendering_.format == Format::kJson) return Make(json_.Finish());
    return FinishWith("Category");
}

Response Output::FinishLocations() {
    if (rendering_.format == Format::kJson) return Make(m::ResourcesJson(resources_));
    return FinishWith("X-OCCI-Location");
}

Emit Output::AppendHeader(const std::string& value) {
    if (!header_.empty()) header_ += ", ";
    header_ += value;
    return header_.size() > kMaxOcciHeaderBytes ? Emit::kOverflow : Emit::kContinue;
}

Response Output::Make(std::string body) const {
    return Response::Make(200, rendering_.content_type, std::move(body));
}

Response Output::FinishWith(const char* header) {
    if (rendering_.format != Format::kOcci) return Make(std::move(body_));
    Response r = Make("OK");
    if (!header_.empty()) r.headers.Add(header, std::move(header_));
    return r;
}

}  // namespace mkt::occi
