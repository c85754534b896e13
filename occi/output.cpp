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

Emit StreamedOutput::Put(std::string_view text) {
    if (!gone_ && !sink_.Write(text)) gone_ = true;
    return gone_ ? Emit::kStop : Emit::kContinue;
}

Emit StreamedOutput::AddCategory(const m::Category& c) {
    if (format_ != Format::kJson) {
        std::string line = "Category: " + m::CategoryText(c) + "\n";
        return Put(line);
    }
    if (c.cls == m::CategoryClass::kMixin) {
        std::string text;
        if (!mixins_opened_) {
            text = "{\"kinds\":[" + kinds_ + "],\"mixins\":[";
            mixins_opened_ = true;
        } else {
            text = ",";
        }
        text += m::CategoryJson(c);
        return Put(text);
    }
    if (c.cls == m::CategoryClass::kKind && mixins_opened_) {
        out_of_order_ = true;
        return Emit::kStop;
    }
    std::string& list = c.cls == m::CategoryClass::kKind ? kinds_ : actions_;
    if (!list.empty()) list += ',';
    list += m::CategoryJson(c);
    return Emit::kContinue;
}

Emit StreamedOutput::AddLocation(const std::string& url,
                                 const std::function<std::string()>& resource_json) {
    switch (format_) {
        case Format::kJson: {
            std::string text = first_item_ ? "{\"resources\":[" : ",";
            first_item_ = false;
            text += resource_json();
            return Put(text);
        }
        case Format::kUriList:
            return Put(url + "\r\n");
        default:
            return Put("X-OCCI-Location: " + url + "\n");
    }
}

Status StreamedOutput::Outcome() const {
    if (out_of_order_) return Status::Internal("OCCI answer: a kind came after the mixins");
    if (gone_) return Status::Unavailable("OCCI answer cut: the client left");
    return Status::Ok();
}

Status StreamedOutput::FinishCategories() {
    if (format_ == Format::kJson) {
        std::string end = mixins_opened_ ? "" : "{\"kinds\":[" + kinds_ + "],\"mixins\":[";
        end += "],\"actions\":[" + actions_ + "]}\n";
        Put(end);
    }
    return Outcome();
}

Status StreamedOutput::FinishLocations() {
    if (format_ == Format::kJson) Put(first_item_ ? "{\"resources\":[]}\n" : "]}\n");
    return Outcome();
}

}  // namespace mkt::occi
