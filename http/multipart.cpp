#include "http/multipart.hpp"

#include "http/request.hpp"
#include "registry/text.hpp"

namespace mkt::http {
namespace {

// Value of a parameter (`name=value` or `name="value"`) in a header value.
std::optional<std::string> HeaderParam(std::string_view header, std::string_view name) {
    size_t pos = 0;
    while ((pos = header.find(';', pos)) != std::string_view::npos) {
        ++pos;
        while (pos < header.size() && (header[pos] == ' ' || header[pos] == '\t')) ++pos;
        const size_t eq = header.find('=', pos);
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view key = header.substr(pos, eq - pos);
        size_t vstart = eq + 1;
        std::string value;
        if (vstart < header.size() && header[vstart] == '"') {
            size_t i = vstart + 1;
            for (; i < header.size() && header[i] != '"'; ++i) {
                if (header[i] == '\\' && i + 1 < header.size()) ++i;
                value.push_back(header[i]);
            }
            pos = i;
        } else {
            const size_t vend = header.find(';', vstart);
            value = std::string(header.substr(
                vstart, vend == std::string_view::npos ? std::string_view::npos : vend - vstart));
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
                value.pop_back();
            pos = vend == std::string_view::npos ? header.size() : vend;
        }
        if (text::EqualsIgnoreCase(key, name)) return value;
    }
    return std::nullopt;
}

}  // namespace

Result<FilePart> FirstFilePart(std::string_view content_type, std::string_view body) {
    auto boundary = HeaderParam(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) {
        return Status::InvalidArgument("malformed multipart body: missing or invalid boundary");
    }
    const std::string delimiter = "--" + *boundary;
    size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) {
        return Status::InvalidArgument("malformed multipart body: boundary not found");
    }
    while (true) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") break;  // closing delimiter
        if (body.substr(pos, 2) != "\r\n") {
            return Status::InvalidArgument("malformed multipart body: bad delimiter line");
        }
        pos += 2;
        const size_t head_end = body.find("\r\n\r\n", pos);
        if (head_end == std::string_view::npos) {
            return Status::InvalidArgument("malformed multipart body: unterminated part headers");
        }
        FilePart part;
        bool has_filename = false;
        size_t line_start = pos;
        while (line_start < head_end + 2) {
            const size_t line_end = body.find("\r\n", line_start);
            const std::string_view line = body.substr(line_start, line_end - line_start);
            line_start = line_end + 2;
            const size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            const std::string_view name = line.substr(0, colon);
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (text::EqualsIgnoreCase(name, "Content-Disposition")) {
                part.field_name = HeaderParam(value, "name").value_or("");
                if (auto f = HeaderParam(value, "filename")) {
                    part.filename = *f;
                    has_filename = true;
                }
            } else if (text::EqualsIgnoreCase(name, "Content-Type")) {
                part.content_type = std::string(value);
            }
        }
        const size_t content_start = head_end + 4;
        const size_t next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) {
            return Status::InvalidArgument("malformed multipart body: unterminated part");
        }
        if (has_filename) {
            part.content = std::string(body.substr(content_start, next - content_start));
            return part;
        }
        pos = next + 2;
    }
    return Status::InvalidArgument(
        "no file part in the multipart body (send the document as a file field)");
}

}  // namespace mkt::http
