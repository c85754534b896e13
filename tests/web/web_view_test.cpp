// The web UI's view models (mappers/web_view) and pure page renderers (web/pages)
// over a real StratusLab production document: escaping, safe links, the
// signature verdict, and the entry page against a golden file
// (tests/data/golden/web/; MKT_UPDATE_GOLDEN=1 rewrites it, review the diff).
#include "mappers/web_view.hpp"

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/support/golden.hpp"
#include "web/pages.hpp"

namespace mkt {
namespace {

using mappers::web::HtmlEscape;
using mappers::web::IsDownloadLink;

constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kEscapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;";

const mappers::LinkContext kContext{"https://marketplace.example.org/",
                                    *Timestamp::Parse("2016-06-01T00:00:00Z")};

// Asset versions change with every CSS/JS edit; the page structure is what is pinned.
std::string WithoutAssetVersions(std::string html) {
    for (size_t at = html.find("?v="); at != std::string::npos; at = html.find("?v=", at + 1)) {
        html.replace(at + 3, 12, "VERSION");
    }
    return html;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
    testing::ExpectGolden("web", name, WithoutAssetVersions(actual));
}

Entry ProductionEntry() {
    Entry e = testing::ProductionFixtureEntry();
    e.signer.trust_mode = TrustMode::kStrict;
    e.signer.subject = e.metadata.endorsement.subject;
    e.signer.issuer = e.metadata.endorsement.issuers.front();
    e.signer.serial = "356e";
    e.signer.certificate_sha256 = "ab12";
    e.signer.not_before = *Timestamp::Parse("2016-01-01T00:00:00Z");
    e.signer.not_after = *Timestamp::Parse("2017-01-01T00:00:00Z");
    e.signer.email_binding = "san";
    e.signer.signature_method = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    e.signer.canonicalization = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    return e;
}

// An entry whose every free-text field tries to break out of the markup.
Entry HostileEntry() {
    Entry e = ProductionEntry();
    e.metadata.title = kScript;
    e.metadata.description = "\"><img src=x onerror=alert(2)>";
    e.metadata.os = "<b>os</b>";
    e.metadata.tag = "'onmouseover='alert(3)";
    e.metadata.deprecated = "<iframe src=javascript:alert(4)>";
    e.metadata.locations = {"javascript:alert(5)", "https://example.org/a\"onclick=\"alert(6)"};
    e.signer.subject = "CN=<script>x</script>";
    return e;
}

TEST(WebViewTest, HtmlEscapeEscapesEveryMarkupCharacter) {
    EXPECT_EQ(HtmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    EXPECT_EQ(HtmlEscape(kScript), kEscapedScript);
    EXPECT_EQ(HtmlEscape("plain é"), "plain é");
}

TEST(WebViewTest, OnlyHttpHttpsAndFtpLocationsBecomeDownloadLinks) {
    EXPECT_TRUE(IsDownloadLink("http://example.org/a.img"));
    EXPECT_TRUE(IsDownloadLink("HTTPS://example.org/a.img"));
    EXPECT_TRUE(IsDownloadLink("ftp://example.org/a.img"));
    EXPECT_FALSE(IsDownloadLink("javascript:alert(1)"));
    EXPECT_FALSE(IsDownloadLink("pdisk:host:1234:abc"));
    EXPECT_FALSE(IsDownloadLink("https://example.org/a b"));
    EXPECT_FALSE(IsDownloadLink("data:text/html,<script>"));
}

TEST(WebViewTest, RowCarriesTheListedColumnsAndLinks) {
    const auto row = mappers::web::ToEntryRow(ProductionEntry(), kContext);
    EXPECT_EQ(row.identifier, "LHfKVPoHcv4oMirHU0KuOQc-TvI");
    EXPECT_EQ(row.os, "Ubuntu");
    EXPECT_EQ(row.os_version, "14.04");
    EXPECT_EQ(row.os_arch, "x86_64");
    EXPECT_EQ(row.kind, "machine");
    EXPECT_EQ(row.status, "valid");
    EXPECT_EQ(row.page_url,
              "https://marketplace.example.org/metadata/LHfKVPoHcv4oMirHU0KuOQc-TvI/"
              "jerome.pansanel@iphc.cnrs.fr/2016-05-17T06:39:18Z");
    EXPECT_EQ(row.endorser_url,
              "https://marketplace.example.org/endorsers/jerome.pansanel@iphc.cnrs.fr");
    EXPECT_EQ(row.download_url,
              "http://grand-est.fr/resources/CLOUD/trusty-server-cloudimg-amd64-disk1.img");
}

TEST(WebViewTest, EntryViewLinksToEveryOtherRepresentation) {
    const auto view = mappers::web::ToEntryView(ProductionEntry(), kContext);
    EXPECT_EQ(view.links.raw_xml, view.row.page_url + "?media=rdf");
    EXPECT_EQ(view.links.json, view.row.page_url + "?media=json");
    EXPECT_EQ(view.links.cimi,
              "https://marketplace.example.org/cimi/machineImages/LHfKVPoHcv4oMirHU0KuOQc-TvI");
    EXPECT_EQ(view.links.occi,
              "https://marketplace.example.org/storage/LHfKVPoHcv4oMirHU0KuOQc-TvI");
    EXPECT_EQ(view.checksums.size(), 4u);
    EXPECT_NE(std::find(view.fields.begin(), view.fields.end(),
                        mappers::web::Field{"Valid until", "2016-10-09T14:22:21Z"}),
              view.fields.end());
}

TEST(WebViewTest, SignatureVerdictNamesTheTrustModeAndCertificateState) {
    Entry e = ProductionEntry();
    auto strict = mappers::web::ToSignatureView(e, kContext.now);
    EXPECT_EQ(strict.trust_mode, "strict");
    EXPECT_NE(strict.verdict.find("chains to a trusted CA"), std::string::npos);
    EXPECT_EQ(strict.certificate_state, "valid on 2016-06-01T00:00:00Z");
    auto later = mappers::web::ToSignatureView(e, *Timestamp::Parse("2018-01-01T00:00:00Z"));
    EXPECT_EQ(later.certificate_state, "expired on 2017-01-01T00:00:00Z");
    e.signer.trust_mode = TrustMode::kCompat;
    auto compat = mappers::web::ToSignatureView(e, kContext.now);
    EXPECT_EQ(compat.trust_mode, "compat");
    EXPECT_NE(compat.verdict.find("not chained to a trusted CA"), std::string::npos);
}

TEST(WebPagesTest, EntryPageMatchesTheGoldenFile) {
    const Entry e = ProductionEntry();
    web::EntryPageModel model{
        mappers::web::ToEntryView(e, kContext), {mappers::web::ToEntryRow(e, kContext)}, 1};
    ExpectGolden("entry_page.html", web::RenderEntryPage({kContext.base_url, "strict", ""}, model));
}

TEST(WebPagesTest, HostileDocumentTextIsShownAsTextOnEveryPage) {
    const Entry e = HostileEntry();
    const web::Frame frame{kContext.base_url, "compat", "browse"};
    const auto row = mappers::web::ToEntryRow(e, kContext);
    web::BrowseModel browse;
    browse.filters = {{"q", kScript}};
    browse.rows = {row};
    browse.total = 1;
    web::EndorserPageModel endorser;
    endorser.email = e.key.email;
    endorser.subject = e.signer.subject;
    endorser.tags = {e.metadata.tag};
    endorser.entries = {row};
    endorser.total = 1;
    web::UploadOutcome rejected;
    rejected.http_status = 400;
    rejected.error_code = "invalid_argument";
    rejected.error_message = std::string("bad title ") + kScript;
    web::UploadOutcome accepted;
    accepted.entry = row;
    const std::vector<std::string> pages = {
        web::RenderBrowsePage(frame, browse),
        web::RenderEntryPage(frame, {mappers::web::ToEntryView(e, kContext), {row}, 1}),
        web::RenderEndorserPage(frame, endorser),
        web::RenderUploadPage(frame, rejected),
        web::RenderUploadPage(frame, accepted),
        web::RenderSparqlPage(frame, kScript),
        web::RenderErrorPage(frame, 400, "invalid_argument", kScript)};
    for (const std::string& html : pages) {
        EXPECT_EQ(html.find("<script>alert"), std::string::npos) << html;
        EXPECT_EQ(html.find("<img src=x"), std::string::npos);
        EXPECT_EQ(html.find("<iframe"), std::string::npos);
        EXPECT_EQ(html.find("<b>os"), std::string::npos);
        EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
        EXPECT_EQ(html.find("'onmouseover='"), std::string::npos);
        EXPECT_EQ(html.find("\"onclick=\""), std::string::npos);
    }
    EXPECT_NE(pages[1].find(kEscapedScript), std::string::npos);
    EXPECT_NE(pages[1].find("<code>javascript:alert(5)</code>"), std::string::npos);
}

TEST(WebPagesTest, SortHeadersToggleTheOrderAndKeepTheFilters) {
    web::BrowseModel m;
    m.filters = {{"os", "Ubuntu Linux"}};
    m.sort = "title";
    m.order = "asc";
    const std::string html = web::RenderBrowsePage({kContext.base_url, "strict", "browse"}, m);
    EXPECT_NE(html.find("href=\"https://marketplace.example.org/metadata?os=Ubuntu%20Linux&amp;"
                        "sort=title&amp;order=desc\""),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("aria-sort=\"ascending\""), std::string::npos);
    EXPECT_NE(html.find("href=\"https://marketplace.example.org/metadata?os=Ubuntu%20Linux&amp;"
                        "sort=os&amp;order=asc\""),
              std::string::npos);
}

TEST(WebPagesTest, PagerNumbersRowsAndLinksTheCursorForward) {
    web::BrowseModel m;
    m.limit = 25;
    m.offset = 25;
    m.total = 60;
    m.next_cursor = "abc";
    m.rows.resize(25);
    const std::string html = web::RenderBrowsePage({kContext.base_url, "strict", "browse"}, m);
    EXPECT_NE(html.find("Rows 26–50 of <span id=\"total\">60</span>."), std::string::npos);
    EXPECT_NE(html.find("rel=\"next\" href=\"https://marketplace.example.org/"
                        "metadata?limit=25&amp;offset=50&amp;cursor=abc\""),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("rel=\"prev\" href=\"https://marketplace.example.org/metadata?limit=25\""),
              std::string::npos);
}

}  // namespace
}  // namespace mkt
