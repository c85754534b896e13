#include "http/request.hpp"

#include <gtest/gtest.h>

#include "http/multipart.hpp"
#include "http/router.hpp"

namespace mkt::http {
namespace {

TEST(RequestTest, DecodesSegmentsAndQuery) {
    Request r;
    ASSERT_TRUE(ParseTarget(
        "//metadata/MMZu9WvwKIro-rtBQfDk4PsKO7_/jane%40example.org//?q=a+b&os=ubuntu%2022", r));
    EXPECT_EQ(r.segments, (std::vector<std::string>{"metadata", "MMZu9WvwKIro-rtBQfDk4PsKO7_",
                                                    "jane@example.org"}));
    EXPECT_EQ(r.QueryParam("q"), "a b");
    EXPECT_EQ(r.QueryParam("os"), "ubuntu 22");
    EXPECT_FALSE(r.QueryParam("none").has_value());
}

TEST(RequestTest, RefusesBadEscapes) {
    Request r;
    EXPECT_FALSE(ParseTarget("/a%2", r));
    EXPECT_FALSE(ParseTarget("/a%zz", r));
    EXPECT_FALSE(ParseTarget("/a%00b", r));
    EXPECT_FALSE(ParseTarget("/a%2Fb", r));  // an encoded slash never splits a segment
    EXPECT_FALSE(ParseTarget("/a?x=%", r));
}

TEST(RequestTest, HeadersAreCaseInsensitive) {
    Headers h;
    h.Add("Content-Type", "a");
    EXPECT_EQ(h.Get("content-type"), "a");
    h.Set("CONTENT-TYPE", "b");
    EXPECT_EQ(h.items().size(), 1u);
    EXPECT_EQ(h.Get("Content-Type"), "b");
}

Result<Response> Ok(Request&) { return Response::Make(200, "text/plain", "ok"); }

TEST(RouterTest, MatchesParametersAndReportsAllowedMethods) {
    Router router;
    router.Add(Method::kGet, "/metadata/{id}/{email}/{created}", &Ok);
    router.Add(Method::kPost, "/metadata", &Ok);
    router.Add(Method::kGet, "/metadata", &Ok);
    Request r;
    ParseTarget("/metadata/A/b@c/2020-01-01T00:00:00Z", r);
    auto m = router.Find(Method::kGet, r.segments);
    ASSERT_EQ(m.kind, Router::MatchKind::kFound);
    EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"email", "b@c"}));
    EXPECT_EQ(router.Find(Method::kHead, r.segments).kind, Router::MatchKind::kFound);
    auto del = router.Find(Method::kDelete, r.segments);
    EXPECT_EQ(del.kind, Router::MatchKind::kMethodNotAllowed);
    EXPECT_EQ(del.allowed, (std::vector<std::string>{"GET", "HEAD", "OPTIONS"}));
    auto put = router.Find(Method::kPut, {"metadata"});
    EXPECT_EQ(put.allowed, (std::vector<std::string>{"POST", "GET", "HEAD", "OPTIONS"}));
    EXPECT_EQ(router.Find(Method::kGet, {"nothing"}).kind, Router::MatchKind::kNotFound);
}

TEST(MultipartTest, ReturnsTheFirstFilePart) {
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"Metadata File\"; filename=\"a.xml\"\r\n"
        "Content-Type: application/xml\r\n\r\n<rdf:RDF/>\r\n--XyZ--\r\n";
    auto part = FirstFilePart("multipart/form-data; boundary=XyZ", body);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(part->field_name, "Metadata File");
    EXPECT_EQ(part->filename, "a.xml");
    EXPECT_EQ(part->content, "<rdf:RDF/>");
}

TEST(MultipartTest, ExplainsMalformedBodies) {
    EXPECT_EQ(FirstFilePart("multipart/form-data", "x").status().message(),
              "malformed multipart body: missing or invalid boundary");
    EXPECT_EQ(FirstFilePart("multipart/form-data; boundary=b",
                            "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--")
                  .status()
                  .message(),
              "no file part in the multipart body (send the document as a file field)");
    EXPECT_FALSE(
        FirstFilePart("multipart/form-data; boundary=b", "--b\r\nX: y\r\n\r\nunterminated").ok());
}

}  // namespace
}  // namespace mkt::http
