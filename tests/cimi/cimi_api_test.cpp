// The CIMI front-end over real HTTP against signed entries: the $filter cases
// rewritten for attributes real entries have (exact results and count), and
// one named test per MUST / SHOULD of reference cimi.md section 7.
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "mappers/url.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::DocumentSpec;
using testing::IdentifierOf;

constexpr const char* kVersionHeader = "CIMI-Specification-Version";

class CimiApiTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer();
        t_ = server_->clock().Now();
        auto up = [](const std::string& who, const DocumentSpec& spec, Timestamp at,
                     const std::string& replaces = "") {
            std::string doc = testing::UnsignedDocument(spec, at);
            if (!replaces.empty()) {
                const std::string anchor = "</dcterms:title>\n";
                doc.insert(doc.find(anchor) + anchor.size(),
                           "    <dcterms:replaces>" + replaces + "</dcterms:replaces>\n");
            }
            auto r = server_->Upload(testing::SignAs(who, doc, at));
            ASSERT_EQ(r.status, 201) << r.body;
        };
        up("alice", {.image = "ubuntu-a", .title = "Ubuntu 22.04 server", .description = "LTS"},
           t_ - 500);
        up("alice", {.image = "ubuntu-b", .os_version = "20.04", .title = "Ubuntu 20.04 old"},
           t_ - 400);
        up("erin", {.image = "ubuntu-b", .os_version = "20.04", .title = "Ubuntu 20.04 by Erin"},
           t_ - 300);
        up("bob",
           {.image = "debian",
            .os = "debian",
            .os_version = "12",
            .os_arch = "aarch64",
            .title = "Debian 12",
            .description = "O'Brien arm image",
            .location = "https://images.example.org/debian-12.qcow2"},
           t_ - 200, IdentifierOf("ubuntu-a"));
        up("alice",
           {.image = "centos",
            .os = "CentOS",
            .os_version = "7",
            .title = "CentOS 7",
            .deprecated = "end of life"},
           t_ - 100);
        up("carol",
           {.image = "short",
            .os = "cirros",
            .os_version = "0.6",
            .title = "Short-lived",
            .valid = t_ + 50},
           t_ - 50);
        server_->clock().Advance(100);  // "short" is now expired
    }
    static void TearDownTestSuite() { delete server_; }

    static client::HttpResponse Send(const std::string& method, const std::string& path,
                                     std::vector<std::pair<std::string, std::string>> headers = {},
                                     std::string body = "") {
        client::HttpClient http;
        auto r = http.Send({method, server_->url(path), std::move(headers), std::move(body)});
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return r.ok() ? *r : client::HttpResponse{};
    }
    static json GetJson(const std::string& path, long expected = 200) {
        auto r = Send("GET", path, {{"Accept", "application/json"}});
        EXPECT_EQ(r.status, expected) << path << ": " << r.body;
        EXPECT_FALSE(r.Header(kVersionHeader).empty()) << path;
        return json::parse(r.body, nullptr, false);
    }
    static std::string Filter(const std::string& filter) {
        return "cimi/machineImages?%24filter=" + mappers::PercentEncode(filter, false);
    }
    // The identifiers' image names, in result order.
    static std::vector<std::string> Names(const json& collection) {
        static const std::map<std::string, std::string> kById = [] {
            std::map<std::string, std::string> m;
            for (const char* n : {"ubuntu-a", "ubuntu-b", "debian", "centos", "short"})
                m[IdentifierOf(n)] = n;
            return m;
        }();
        std::vector<std::string> out;
        if (!collection.contains("machineImages")) return out;
        for (const auto& item : collection["machineImages"]) {
            const std::string id = item["id"];
            out.push_back(kById.at(id.substr(id.rfind('/') + 1)));
        }
        return out;
    }
    static std::string ImageId(const std::string& image) {
        return server_->url("cimi/machineImages/" + IdentifierOf(image));
    }

    static testing::TestServer* server_;
    static Timestamp t_;
};
testing::TestServer* CimiApiTest::server_ = nullptr;
Timestamp CimiApiTest::t_;

struct HttpCase {
    std::string what;
    std::string query;                  // path and query, encoded
    std::vector<std::string> expected;  // in order
    uint64_t count;
};

TEST_F(CimiApiTest, FilterCasesOnRealEntriesGiveExactResultsAndCount) {
    const std::string t350 = (t_ - 350).ToString(), t300 = (t_ - 300).ToString();
    const std::vector<HttpCase> cases = {
        {"no filter: valid images, newest first",
         "cimi/machineImages",
         {"debian", "ubuntu-b", "ubuntu-a"},
         3},
        {"property", Filter("property['os']='ubuntu'"), {"ubuntu-b", "ubuntu-a"}, 2},
        {"benchmark shape", Filter("property['os']='ubuntu' and created>" + t350), {"ubuntu-b"}, 1},
        {"reversed relational", Filter(t300 + "<=created"), {"debian", "ubuntu-b"}, 2},
        {"name", Filter("name='Debian 12'"), {"debian"}, 1},
        {"escaped quote", Filter("description='O\\'Brien arm image'"), {"debian"}, 1},
        {"state reaches expired and deprecated", Filter("state='ERROR'"), {"short", "centos"}, 2},
        {"status", Filter("property['status']='deprecated'"), {"centos"}, 1},
        {"or of statuses",
         Filter("property['status']='expired' or property['status']='deprecated'"),
         {"short", "centos"},
         2},
        {"os compares ignoring case on both sides",
         Filter("state!='AVAILABLE' and property['os']='centos'"),
         {"centos"},
         1},
        {"os as signed", Filter("state!='AVAILABLE' and property['os']='CentOS'"), {"centos"}, 1},
        {"os relational ignores case too",
         Filter("state='ERROR' and property['os']>='CENTOS' and property['os']<'CI'"),
         {"centos"},
         1},
        {"other strings are case-sensitive", Filter("name='debian 12'"), {}, 0},
        {"newest endorser speaks for the image",
         Filter("property['endorser']='erin@example.org'"),
         {"ubuntu-b"},
         1},
        {"older endorser of a re-endorsed image",
         Filter("property['endorser']='alice@example.org'"),
         {"ubuntu-a"},
         1},
        {"relatedImage path",
         Filter("relatedImage/href='" + ImageId("ubuntu-a") + "'"),
         {"debian"},
         1},
        {"evaluated term",
         Filter("property['os-arch']='x86_64' and name!='Ubuntu 22.04 server'"),
         {"ubuntu-b"},
         1},
        {"order then page",
         "cimi/machineImages?$orderby=name&$first=2&$last=3",
         {"ubuntu-b", "ubuntu-a"},
         3},
        {"page of the store's order", "cimi/machineImages?$first=2&$last=2", {"ubuntu-b"}, 3},
        {"page past the end", "cimi/machineImages?$first=5", {}, 3},
        {"ascending",
         "cimi/machineImages?$orderby=created:asc",
         {"ubuntu-a", "ubuntu-b", "debian"},
         3},
        {"ordered errors",
         Filter("state='ERROR'") + "&$orderby=created:asc",
         {"centos", "short"},
         2},
        {"two $filter parameters",
         Filter("property['os']='ubuntu'") +
             "&$filter=" + mappers::PercentEncode("created>" + t350, false),
         {"ubuntu-b"},
         1},
        {"id order", "cimi/machineImages?$orderby=id:desc&" + Filter("state='ERROR'").substr(19),
         IdentifierOf("short") > IdentifierOf("centos")
             ? std::vector<std::string>{"short", "centos"}
             : std::vector<std::string>{"centos", "short"},
         2},
    };
    for (const HttpCase& c : cases) {
        SCOPED_TRACE(c.what + ": " + c.query);
        json page = GetJson(c.query);
        EXPECT_EQ(Names(page), c.expected);
        EXPECT_EQ(page["count"], c.count);
    }
}

TEST_F(CimiApiTest, InvalidFilterIs400WithAMessageInCimiShape) {
    for (const char* bad : {"name='x' and", "state=AVAILABLE", "()", "name='x' AND type='IMAGE'",
                            "created>'yesterday'"}) {
        SCOPED_TRACE(bad);
        json error = GetJson(Filter(bad), 400);
        EXPECT_EQ(error["status"], 400);
        EXPECT_NE(error["message"].get<std::string>().find("invalid CIMI filter"),
                  std::string::npos);
    }
    // A literal '+' in a zone decodes to a space: 400; %2B works.
    EXPECT_EQ(GetJson("cimi/machineImages?$filter=created>" + (t_ - 350).ToString().substr(0, 19) +
                          "+00:00",
                      400)["status"],
              400);
    EXPECT_EQ(GetJson(Filter("created>" + (t_ - 350).ToString().substr(0, 19) + "+00:00"))["count"],
              2);
}

TEST_F(CimiApiTest, CloudEntryPointHasResourceUriIdAbsoluteBaseUriEndingInSlashAndMachineImages) {
    for (const char* path : {"cimi/cloudEntryPoint", "cimi", "cimi/"}) {
        json cep = GetJson(path);
        EXPECT_EQ(cep["resourceURI"], "http://schemas.dmtf.org/cimi/1/CloudEntryPoint");
        EXPECT_EQ(cep["id"], server_->url("cimi/cloudEntryPoint"));
        EXPECT_EQ(cep["baseURI"], server_->url("cimi/"));
        EXPECT_EQ(cep["machineImages"]["href"], server_->url("cimi/machineImages"));
        EXPECT_EQ(cep["resourceMetadata"]["href"], server_->url("cimi/resourceMetadata"));
        EXPECT_FALSE(cep.contains("operations"));
    }
}

TEST_F(CimiApiTest, EveryResponseCarriesTheSpecificationVersionErrorsIncluded) {
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"GET", "cimi/cloudEntryPoint"},
        {"GET", "cimi/machineImages/AAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"GET", "cimi/nothing/here"},
        {"POST", "cimi/machineImages"},
        {"DELETE", "cimi/machineImages/" + IdentifierOf("debian")},
        {"GET", Filter("(")},
        {"OPTIONS", "cimi/machineImages"}};
    for (const auto& [method, path] : requests) {
        auto r = Send(method, path);
        EXPECT_EQ(r.Header(kVersionHeader), "1.0.1") << method << " " << path << " " << r.status;
    }
    auto not_acceptable = Send("GET", "cimi/machineImages", {{"Accept", "text/html"}});
    EXPECT_EQ(not_acceptable.status, 406);
    EXPECT_EQ(not_acceptable.Header(kVersionHeader), "1.0.1");
}

TEST_F(CimiApiTest, UnmatchedVersionListIs400AndMajorMinorPrefixesAreAccepted) {
    auto prefix = Send("GET", "cimi/cloudEntryPoint", {{kVersionHeader, "1.0"}});
    EXPECT_EQ(prefix.status, 200);
    EXPECT_EQ(prefix.Header(kVersionHeader), "1.0.1");
    auto v2 = Send("GET", "cimi/cloudEntryPoint", {{kVersionHeader, "3.0, 2.0"}});
    EXPECT_EQ(v2.Header(kVersionHeader), "2.0.0");
    EXPECT_EQ(json::parse(v2.body)["resourceURI"],
              "http://schemas.dmtf.org/cimi/2/CloudEntryPoint");
    auto legacy = Send("GET", "cimi/cloudEntryPoint", {{"X-CIMI-Specification-Version", "1.1"}});
    EXPECT_EQ(legacy.Header(kVersionHeader), "1.1.0");
    for (const char* bad : {"1.0.2", "1.0.0", "9.9"}) {
        auto r = Send("GET", "cimi/machineImages", {{kVersionHeader, bad}});
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_EQ(r.Header(kVersionHeader), "1.0.1");
        EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("supported"),
                  std::string::npos);
    }
}

TEST_F(CimiApiTest, CollectionHasResourceUriIdNumericCountAndEntries) {
    json c = GetJson("cimi/machineImages");
    EXPECT_EQ(c["resourceURI"], "http://schemas.dmtf.org/cimi/1/MachineImageCollection");
    EXPECT_EQ(c["id"], server_->url("cimi/machineImages"));
    EXPECT_TRUE(c["count"].is_number_unsigned());
    ASSERT_EQ(c["machineImages"].size(), c["count"].get<size_t>());
    for (const auto& item : c["machineImages"])
        EXPECT_EQ(item["resourceURI"], "http://schemas.dmtf.org/cimi/1/MachineImage");
    EXPECT_FALSE(c.contains("operations"));  // read-only: no add
}

TEST_F(CimiApiTest, EveryEntryIdDereferencesToTheSameIdAndName) {
    json c = GetJson(Filter("state='AVAILABLE' or state='ERROR'"));
    ASSERT_EQ(c["count"], 5);
    for (const auto& item : c["machineImages"]) {
        const std::string id = item["id"];
        ASSERT_EQ(id.rfind(server_->url("cimi/machineImages/"), 0), 0u) << id;
        json one = GetJson(id.substr(server_->url().size()));
        EXPECT_EQ(one["id"], id);
        EXPECT_EQ(one["name"], item["name"]);
        EXPECT_EQ(one["state"], item["state"]);
    }
    // The item view lists every endorser of the image.
    json b = GetJson("cimi/machineImages/" + IdentifierOf("ubuntu-b"));
    EXPECT_EQ(b["name"], "Ubuntu 20.04 by Erin");
    EXPECT_EQ(b["properties"]["endorsers"], "alice@example.org,erin@example.org");
    EXPECT_EQ(b["properties"]["endorser"], "erin@example.org");
}

TEST_F(CimiApiTest, StateAndTypeComeFromTheAllowedSetsAndNeverClaimAnUnusableImage) {
    json c = GetJson(Filter("state='AVAILABLE' or state='ERROR'"));
    const std::set<std::string> states = {"CREATING", "AVAILABLE", "DELETING", "ERROR"};
    const std::set<std::string> types = {"IMAGE", "SNAPSHOT", "PARTIAL_SNAPSHOT"};
    for (const auto& item : c["machineImages"]) {
        EXPECT_TRUE(states.count(item["state"].get<std::string>()));
        EXPECT_TRUE(types.count(item["type"].get<std::string>()));
        const bool usable = item["properties"]["status"] == "valid";
        EXPECT_EQ(item["state"] == "AVAILABLE", usable) << item.dump();
    }
    EXPECT_EQ(GetJson("cimi/machineImages/" + IdentifierOf("centos"))["properties"]["deprecated"],
              "end of life");
}

TEST_F(CimiApiTest, ImageLocationIsAStringRelatedImageAHrefAndDatesCarryAZone) {
    json d = GetJson("cimi/machineImages/" + IdentifierOf("debian"));
    EXPECT_EQ(d["imageLocation"], "https://images.example.org/debian-12.qcow2");
    EXPECT_EQ(d["relatedImage"], (json{{"href", ImageId("ubuntu-a")}}));
    EXPECT_EQ(d["created"], (t_ - 200).ToString());
    EXPECT_EQ(d["created"].get<std::string>().back(), 'Z');
    EXPECT_EQ(d["updated"].get<std::string>().back(), 'Z');
    EXPECT_EQ(d["properties"]["os"], "debian");
    EXPECT_EQ(d["properties"]["metadata"],
              server_->url("metadata/" + IdentifierOf("debian") + "/bob@example.org/" +
                           (t_ - 200).ToString()));
}

TEST_F(CimiApiTest, EmptyValuesAreOmitted) {
    auto r = Send("GET", Filter("name='none'"), {{"Accept", "application/json"}});
    EXPECT_EQ(r.body.find("machineImages\":"), std::string::npos) << r.body;
    EXPECT_EQ(json::parse(r.body)["count"], 0);
    json a = GetJson("cimi/machineImages/" + IdentifierOf("ubuntu-a"));
    EXPECT_FALSE(a.contains("relatedImage"));
    for (const auto& [key, value] : a["properties"].items()) EXPECT_NE(value, "") << key;
    EXPECT_EQ(Send("GET", "cimi/machineImages/" + IdentifierOf("ubuntu-a")).body.find("\"\""),
              std::string::npos);
}

TEST_F(CimiApiTest, OsVersionAndArchAreShownExactlyAsSigned) {
    json centos = GetJson("cimi/machineImages/" + IdentifierOf("centos"));
    EXPECT_EQ(centos["properties"]["os"], "CentOS");  // the signed value, not lower-cased
    json listed = json::parse(Send("GET", Filter("state='ERROR' and property['os']='centos'"),
                                   {{"Accept", "application/json"}})
                                  .body);
    ASSERT_EQ(listed["count"], 1);
    EXPECT_EQ(listed["machineImages"][0]["properties"]["os"], "CentOS");
}

TEST_F(CimiApiTest, UnknownImageIs404AndWritesAre405WithAllow) {
    EXPECT_EQ(GetJson("cimi/machineImages/AAAAAAAAAAAAAAAAAAAAAAAAAAA", 404)["status"], 404);
    EXPECT_EQ(GetJson("cimi/machineImages/not-an-identifier", 404)["status"], 404);
    EXPECT_EQ(GetJson("cimi/machines", 404)["status"], 404);
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "cimi/machineImages"},
             {"PUT", "cimi/machineImages"},
             {"DELETE", "cimi/machineImages"},
             {"POST", "cimi/machineImages/" + IdentifierOf("debian")},
             {"PUT", "cimi/machineImages/" + IdentifierOf("debian")},
             {"DELETE", "cimi/machineImages/" + IdentifierOf("debian")},
             {"PUT", "cimi/cloudEntryPoint"}}) {
        auto r = Send(method, path, {{"Content-Type", "application/json"}},
                      R"({"type":"IMAGE","imageLocation":"https://x.example.org/i.img"})");
        EXPECT_EQ(r.status, 405) << method << " " << path;
        EXPECT_EQ(r.Header("Allow"), "GET, HEAD, OPTIONS");
        EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("POST /metadata"),
                  std::string::npos);
    }
    auto options = Send("OPTIONS", "cimi/machineImages");
    EXPECT_EQ(options.status, 204);
    EXPECT_EQ(options.Header("Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(CimiApiTest, PercentEncodedQueryStringsAreDecodedIncludingDollarQuoteAndPlus) {
    const std::string fully =
        "cimi/machineImages?%24filter=property%5B%27os%27%5D%3D%27ubuntu%27%20and%20created%3E" +
        mappers::PercentEncode((t_ - 350).ToString().substr(0, 19) + "+00:00", false) +
        "&%24select=name";
    json c = GetJson(fully);
    EXPECT_EQ(Names(c), std::vector<std::string>{"ubuntu-b"});
    EXPECT_FALSE(c["machineImages"][0].contains("state"));
}

TEST_F(CimiApiTest, SelectKeepsIdAndResourceUriAndStarMeansEverything) {
    json c = GetJson("cimi/machineImages?$select=name,%20description");
    for (const auto& item : c["machineImages"]) {
        std::set<std::string> keys;
        for (const auto& [k, v] : item.items()) keys.insert(k);
        keys.erase("description");  // only where the image has one
        EXPECT_EQ(keys, (std::set<std::string>{"resourceURI", "id", "name"}));
    }
    EXPECT_TRUE(GetJson("cimi/machineImages?$select=*")["machineImages"][0].contains("state"));
}

TEST_F(CimiApiTest, ExpandInlinesRelatedImageAndTheCollectionOnTheEntryPoint) {
    json d = GetJson("cimi/machineImages/" + IdentifierOf("debian") + "?$expand=relatedImage");
    EXPECT_EQ(d["relatedImage"]["href"], ImageId("ubuntu-a"));
    EXPECT_EQ(d["relatedImage"]["name"], "Ubuntu 22.04 server");
    json plain = GetJson("cimi/machineImages?" + Filter("name='Debian 12'").substr(19));
    EXPECT_FALSE(plain["machineImages"][0]["relatedImage"].contains("name"));
    json expanded =
        GetJson("cimi/machineImages?$expand=*&" + Filter("name='Debian 12'").substr(19));
    EXPECT_EQ(expanded["machineImages"][0]["relatedImage"]["name"], "Ubuntu 22.04 server");
    json cep = GetJson("cimi/cloudEntryPoint?$expand=machineImages");
    EXPECT_EQ(cep["machineImages"]["count"], 3);
    EXPECT_EQ(cep["machineImages"]["href"], server_->url("cimi/machineImages"));
    EXPECT_EQ(cep["machineImages"]["machineImages"].size(), 3u);
}

TEST_F(CimiApiTest, FormatOverridesAcceptAndXmlIsServed) {
    auto xml = Send("GET", "cimi/machineImages?$format=XML", {{"Accept", "application/json"}});
    EXPECT_EQ(xml.status, 200);
    EXPECT_EQ(xml.Header("Content-Type").rfind("application/xml", 0), 0u);
    EXPECT_NE(xml.body.find("<Collection xmlns=\"http://schemas.dmtf.org/cimi/1\""),
              std::string::npos);
    EXPECT_NE(xml.body.find("<count>3</count>"), std::string::npos);
    EXPECT_NE(xml.body.find("<property key=\"os\">ubuntu</property>"), std::string::npos);
    auto json_format =
        Send("GET", "cimi/cloudEntryPoint?$format=%20json%20", {{"Accept", "application/xml"}});
    EXPECT_EQ(json_format.Header("Content-Type"), "application/json");
    auto any = Send("GET", "cimi/cloudEntryPoint", {{"Accept", "*/*"}});
    EXPECT_EQ(any.Header("Content-Type"), "application/json");
    auto xml_error = Send("GET", "cimi/machineImages/AAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          {{"Accept", "application/xml"}});
    EXPECT_EQ(xml_error.status, 404);
    EXPECT_NE(xml_error.body.find("<status>404</status>"), std::string::npos);
}

TEST_F(CimiApiTest, ResourceMetadataDeclaresMachineImageAndTheQueryCapabilities) {
    json all = GetJson("cimi/resourceMetadata");
    EXPECT_EQ(all["count"], 2);
    json cep = GetJson("cimi/resourceMetadata/CloudEntryPoint");
    std::set<std::string> capabilities;
    for (const auto& c : cep["capabilities"]) capabilities.insert(c["name"]);
    for (const char* c :
         {"FilterParameterQuery", "FirstParameterAndLastParameterQuery", "SelectParameterQuery",
          "ExpandParameterQuery", "OrderByParameterQuery", "FormatParameterQuery"}) {
        EXPECT_TRUE(capabilities.count(c)) << c;
    }
    EXPECT_EQ(GetJson("cimi/resourceMetadata/MachineImage")["typeURI"],
              "http://schemas.dmtf.org/cimi/1/MachineImage");
    EXPECT_EQ(GetJson("cimi/resourceMetadata/Machine", 404)["status"], 404);
}

}  // namespace
}  // namespace mkt
