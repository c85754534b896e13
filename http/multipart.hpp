// multipart/form-data (RFC 7578) reading for browser uploads: the first part
// that carries a filename is the uploaded document (StratusLab used the first
// file part too). Pure function over the body bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::http {

struct FilePart {
    std::string field_name;
    std::string filename;
    std::string content_type;
    std::string content;
};

/// `content_type` is the request's Content-Type (it holds the boundary).
/// Errors: kInvalidArgument "malformed multipart body: ..." or "no file part in
/// the multipart body".
Result<FilePart> FirstFilePart(std::string_view content_type, std::string_view body);

}  // namespace mkt::http
