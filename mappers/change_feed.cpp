#include "mappers/change_feed.hpp"

#include <nlohmann/json.hpp>

#include "mappers/native_xml.hpp"
#include "registry/text.hpp"

namespace mkt::mappers {
namespace {

using federation::FeedChange;
using federation::FeedPage;
using nlohmann::json;

json ChangeJson(const Entry& e) {
    json change = {{"seq", e.seq},
                   {"identifier", e.key.identifier},
                   {"email", e.key.email},
                   {"created", e.key.created.ToString()}};
    if (text::IsValidUtf8(e.document)) {
        change["document"] = e.document;
    } else {
        change["document_base64"] = text::Base64Encode(e.document);
    }
    return change;
}

Status PageError(const std::string& what) {
    return Status::InvalidArgument("change feed page: " + what);
}

Result<std::string> StringField(const json& change, const char* name, size_t index) {
    auto it = change.find(name);
    if (it == change.end() || !it->is_string()) {
        return PageError("change " + std::to_string(index) + " has no string \"" + name + "\"");
    }
    return it->get<std::string>();
}

Result<FeedChange> ReadChange(const json& change, size_t index, int64_t previous_seq) {
    if (!change.is_object())
        return PageError("change " + std::to_string(index) + " is not an object");
    auto seq = change.find("seq");
    if (seq == change.end() || !seq->is_number_integer()) {
        return PageError("change " + std::to_string(index) + " has no integer \"seq\"");
    }
    FeedChange out;
    out.seq = seq->get<int64_t>();
    if (out.seq <= previous_seq) {
        return PageError("seq " + std::to_string(out.seq) + " of change " + std::to_string(index) +
                         " does not follow " + std::to_string(previous_seq) +
                         " (the feed must be in increasing seq order after the cursor)");
    }
    MKT_ASSIGN_OR_RETURN(out.identifier, StringField(change, "identifier", index));
    MKT_ASSIGN_OR_RETURN(out.email, StringField(change, "email", index));
    MKT_ASSIGN_OR_RETURN(out.created, StringField(change, "created", index));
    if (change.contains("document")) {
        MKT_ASSIGN_OR_RETURN(out.document, StringField(change, "document", index));
    } else {
        MKT_ASSIGN_OR_RETURN(std::string encoded, StringField(change, "document_base64", index));
        if (!text::Base64Decode(encoded, out.document)) {
            return PageError("change " + std::to_string(index) +
                             " has a \"document_base64\" that is not base64");
        }
    }
    return out;
}

}  // namespace

std::string ChangesToJson(const std::vector<Entry>& changes, int64_t last_seq) {
    json list = json::array();
    for (const Entry& e : changes) list.push_back(ChangeJson(e));
    // Strings are valid UTF-8 by construction (identifiers and emails passed the
    // parser; documents that are not UTF-8 are base64).
    return json{{"changes", std::move(list)}, {"last_seq", last_seq}}.dump(
               -1, ' ', false, json::error_handler_t::replace) +
           "\n";
}

std::string ChangesToXml(const std::vector<Entry>& changes, int64_t last_seq) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<changes last_seq=\"" +
                      std::to_string(last_seq) + "\">\n";
    for (const Entry& e : changes) {
        out += "  <change seq=\"" + std::to_string(e.seq) + "\" identifier=\"" +
               XmlEscape(e.key.identifier) + "\" email=\"" + XmlEscape(e.key.email) +
               "\" created=\"" + e.key.created.ToString() + "\">";
        if (text::IsValidUtf8(e.document)) {
            out += "<document>" + XmlEscape(e.document) + "</document>";
        } else {
            out +=
                "<document encoding=\"base64\">" + text::Base64Encode(e.document) + "</document>";
        }
        out += "</change>\n";
    }
    out += "</changes>\n";
    return out;
}

Result<federation::FeedPage> ParseChangesJson(std::string_view body, int64_t after_seq) {
    const json page = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (page.is_discarded()) return PageError("the body is not JSON");
    if (!page.is_object()) return PageError("the body is not a JSON object");
    auto changes = page.find("changes");
    if (changes == page.end() || !changes->is_array()) return PageError("no \"changes\" array");
    auto last = page.find("last_seq");
    if (last == page.end() || !last->is_number_integer()) {
        return PageError("no integer \"last_seq\"");
    }
    FeedPage out;
    out.last_seq = last->get<int64_t>();
    int64_t previous = after_seq;
    for (size_t i = 0; i < changes->size(); ++i) {
        MKT_ASSIGN_OR_RETURN(FeedChange change, ReadChange((*changes)[i], i, previous));
        previous = change.seq;
        out.changes.push_back(std::move(change));
    }
    if (out.last_seq < previous) {
        return PageError("last_seq " + std::to_string(out.last_seq) +
                         " is below the page's greatest seq " + std::to_string(previous));
    }
    return out;
}

}  // namespace mkt::mappers
