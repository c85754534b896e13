// The OCCI compute create that docs/sites.md shows (built from the Marketplace's
// answer for an image held at a provider) is a valid OCCI create: it parses as a
// text/plain OCCI body with exactly one Kind, infrastructure#compute, and the
// provider's os_tpl mixin (scheme http://schemas.openstack.org/template/os#).
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "occi/syntax.hpp"
#include "tests/support/paths.hpp"

namespace mkt::testing {
namespace {

// The fenced block of docs/sites.md that starts with "POST " (request line,
// headers, blank line or not, body lines).
std::string DocumentedCreate() {
    std::istringstream docs(ReadFile(SourceDir() / "docs" / "sites.md"));
    std::string line, block;
    bool in_fence = false, wanted = false;
    while (std::getline(docs, line)) {
        if (line.starts_with("```")) {
            if (in_fence && wanted) return block;
            in_fence = !in_fence;
            block.clear();
            wanted = false;
            continue;
        }
        if (!in_fence) continue;
        if (block.empty() && line.starts_with("POST ")) wanted = true;
        block += line + "\n";
    }
    return "";
}

// The body: every line after the request line except the Content-Type header.
std::string BodyOf(const std::string& request) {
    std::istringstream in(request);
    std::string line, body;
    std::getline(in, line);  // POST ...
    while (std::getline(in, line)) {
        if (line.empty() || line.starts_with("Content-Type:")) continue;
        body += line + "\n";
    }
    return body;
}

TEST(OcciCreateDocs, TheDocumentedComputeCreateIsAValidOcciCreateForTheProviderOsTpl) {
    const std::string request = DocumentedCreate();
    ASSERT_FALSE(request.empty()) << "docs/sites.md has no ``` block starting with POST";
    EXPECT_TRUE(request.starts_with("POST https://")) << request;
    EXPECT_NE(request.find("/compute/ "), std::string::npos) << "posts to the compute collection";
    EXPECT_NE(request.find("Content-Type: text/plain"), std::string::npos) << request;

    auto message = occi::ParseBody(BodyOf(request));
    ASSERT_TRUE(message.ok()) << message.status().message();
    int kinds = 0, os_tpls = 0;
    for (const occi::CategoryValue& c : message->categories) {
        if (c.cls == "kind") {
            ++kinds;
            EXPECT_EQ(c.TypeId(), "http://schemas.ogf.org/occi/infrastructure#compute");
        } else if (c.cls == "mixin" && c.scheme == "http://schemas.openstack.org/template/os#") {
            ++os_tpls;
            EXPECT_EQ(c.term.size(), 36u) << "a Glance image id (UUID): " << c.term;
        }
    }
    EXPECT_EQ(kinds, 1);
    EXPECT_EQ(os_tpls, 1);
}

TEST(OcciCreateDocs, ABodyWithoutTheKindOrWithABrokenCategoryIsCaught) {
    // The checks above can fail: a body with a broken Category line does not parse.
    EXPECT_FALSE(occi::ParseBody("Category: compute; class=\"kind\"\n").ok());
    auto no_kind = occi::ParseBody(
        "Category: 6c1f0b52-2d4b-4f0e-9a57-0f8f4c2d9e11; "
        "scheme=\"http://schemas.openstack.org/template/os#\"; class=\"mixin\"\n");
    ASSERT_TRUE(no_kind.ok());
    for (const auto& c : no_kind->categories) EXPECT_NE(c.cls, "kind");
}

}  // namespace
}  // namespace mkt::testing
