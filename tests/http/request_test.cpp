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

TEST(RequestTest, AnAbsoluteFormTargetIsReadAsItsOriginForm) {
    Request r;
    ASSERT_TRUE(ParseTarget("http://host.example.org:8204/storage/abc?x=1", r));
    EXPECT_EQ(r.path, "/storage/abc");
    EXPECT_EQ(r.target, "/storage/abc?x=1");
    EXPECT_EQ(r.segments, (std::vector<std::string>{"storage", "abc"}));
    EXPECT_EQ(r.QueryParam("x"), "1");
    ASSERT_TRUE(ParseTarget("HTTPS://host", r));
    EXPECT_EQ(r.path, "/");
    ASSERT_TRUE(ParseTarget("http://host?q=2", r));
    EXPECT_EQ(r.path, "/");
    EXPECT_EQ(r.QueryParam("q"), "2");
    EXPECT_EQ(OriginForm("/plain/path"), "/plain/path");
    EXPECT_EQ(OriginForm("ftp://host/x"), "ftp://host/x");  // not an HTTP URI: left alone
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
    auto find = [&router](Method method, std::string_view target) {
        Request r;
        r.method = method;
        EXPECT_TRUE(ParseTarget(target, r));
        return router.Find(r);
    };
    const std::string entry = "/metadata/A/b@c/2020-01-01T00:00:00Z";
    auto m = find(Method::kGet, entry);
    ASSERT_EQ(m.kind, Router::MatchKind::kFound);
    EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"email", "b@c"}));
    EXPECT_EQ(find(Method::kHead, entry).kind, Router::MatchKind::kFound);
    auto del = find(Method::kDelete, entry);
    EXPECT_EQ(del.kind, Router::MatchKind::kMethodNotAllowed);
    EXPECT_EQ(del.allowed, (std::vector<std::string>{"GET", "HEAD", "OPTIONS"}));
    auto put = find(Method::kPut, "/metadata");
    EXPECT_EQ(put.allowed, (std::vector<std::string>{"POST", "GET", "HEAD", "OPTIONS"}));
    EXPECT_EQ(find(Method::kGet, "/nothing").kind, Router::MatchKind::kNotFound);
}

// One URL with a native default (XML/JSON) and an HTML representation, as the
// native API and the web UI register GET /metadata.
Result<Response> Native(Request&) { return Response::Make(200, "application/xml", "native"); }
Result<Response> Html(Request&) { return Response::Make(200, "text/html", "html"); }
Response NativeError(const Request&, const Status&, int code) {
    return Response::Make(code, "application/xml", "native error");
}
Response HtmlError(const Request&, const Status&, int code) {
    return Response::Make(code, "text/html", "html error");
}

void AddNative(Router& router) {
    router.Add(Method::kGet, "/metadata", &Native, &NativeError,
               {{"application/xml", "application/json"}, true});
    router.Add(Method::kPost, "/metadata", &Native);
}
void AddHtml(Router& router) {
    router.Add(Method::kGet, "/metadata", &Html, &HtmlError, {{"text/html"}, false});
}

struct Answer {
    std::string body, error;
    friend bool operator==(const Answer&, const Answer&) = default;
};

Answer Ask(const Router& router, Method method, std::string_view target,
           std::optional<std::string> accept) {
    Request r;
    r.method = method;
    EXPECT_TRUE(ParseTarget(target, r));
    if (accept) r.headers.Set("Accept", *accept);
    Router::Match m = router.Find(r);
    Answer answer;
    if (m.kind == Router::MatchKind::kFound) answer.body = m.route->handler(r).value().body;
    if (m.render_error) answer.error = m.render_error(r, Status::NotFound("x"), 404).body;
    return answer;
}

TEST(RouterTest, RepresentationsOfOneUrlAreChosenByNegotiationWhateverTheRegistrationOrder) {
    Router native_first, html_first;
    AddNative(native_first);
    AddHtml(native_first);
    AddHtml(html_first);
    AddNative(html_first);
    ASSERT_TRUE(native_first.Check().ok());
    ASSERT_TRUE(html_first.Check().ok());
    const std::string browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const struct {
        Method method;
        std::string target;
        std::optional<std::string> accept;
        Answer expected;
    } cases[] = {
        {Method::kGet, "/metadata", std::nullopt, {"native", "native error"}},
        {Method::kGet, "/metadata", "*/*", {"native", "native error"}},
        {Method::kGet, "/metadata", "application/json", {"native", "native error"}},
        {Method::kGet, "/metadata", browser, {"html", "html error"}},
        {Method::kGet, "/metadata?media=html", std::nullopt, {"html", "html error"}},
        {Method::kGet, "/metadata?media=xml", browser, {"native", "native error"}},
        // Nothing acceptable: the default answers (and says 406 itself).
        {Method::kGet, "/metadata", "image/png", {"native", "native error"}},
        // Other methods on the path: errors rendered as the negotiated GET would be.
        {Method::kDelete, "/metadata", browser, {"", "html error"}},
        {Method::kDelete, "/metadata", "application/json", {"", "native error"}},
        {Method::kPost, "/metadata", browser, {"native", "html error"}},
    };
    for (const auto& c : cases) {
        const std::string label = c.target + " Accept: " + c.accept.value_or("(none)");
        EXPECT_EQ(Ask(native_first, c.method, c.target, c.accept), c.expected) << label;
        EXPECT_EQ(Ask(html_first, c.method, c.target, c.accept), c.expected) << label;
    }
}

TEST(RouterTest, CheckRefusesGroupsWithoutExactlyOneDefaultOrWithoutMediaTypes) {
    Router two_defaults;
    two_defaults.Add(Method::kGet, "/x", &Native, {}, {{"application/xml"}, true});
    two_defaults.Add(Method::kGet, "/x", &Html, {}, {{"text/html"}, true});
    EXPECT_EQ(two_defaults.Check().code(), StatusCode::kInternal);
    EXPECT_NE(two_defaults.Check().message().find("GET /x"), std::string::npos)
        << two_defaults.Check().message();
    Router untyped;
    untyped.Add(Method::kGet, "/x", &Native, {}, {{"application/xml"}, true});
    untyped.Add(Method::kGet, "/x", &Html);
    EXPECT_EQ(untyped.Check().code(), StatusCode::kInternal);
    Router alone;
    alone.Add(Method::kGet, "/x", &Native);
    alone.Add(Method::kGet, "/x", &Html);  // untyped duplicates: first match, as before
    EXPECT_TRUE(alone.Check().ok());
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
