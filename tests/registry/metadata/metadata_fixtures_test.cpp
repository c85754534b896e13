// Data-driven: every StratusLab fixture through the parse and RDF steps of the
// upload pipeline, against the manifests in tests/data/:
//   metadata-lib-expectations.tsv  every metadata-lib document: ok, or the step and message
//   stratuslab-documents.tsv       server, client and production documents: key fields
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "registry/redland/rdfxml_checker.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/registry/metadata/metadata_test_util.hpp"

namespace mkt {
namespace {

std::vector<std::vector<std::string>> ReadTsv(const std::string& name) {
    std::istringstream in(testing::ReadFile(testing::SourceDir() / "tests/data" / name));
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields;
        std::istringstream split(line);
        for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
        rows.push_back(fields);
    }
    return rows;
}

std::set<std::string> XmlFilesIn(const std::filesystem::path& dir, const std::string& prefix) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".xml")
            names.insert(prefix + entry.path().filename().string());
    }
    return names;
}

struct Pipeline {
    xmlsec::XmlMetadataParser parser;
    redland::RaptorRdfChecker rdf{testing::SharedWorld()};
};

struct Expectation {
    std::string step, message, note;
};

TEST(MetadataFixturesTest, ManifestListsEveryMetadataLibDocument) {
    std::set<std::string> listed;
    for (const auto& row : ReadTsv("metadata-lib-expectations.tsv")) listed.insert(row.at(0));
    EXPECT_EQ(listed, XmlFilesIn(testing::MetadataLib(), ""));
}

TEST(MetadataFixturesTest, EveryMetadataLibDocumentMeetsItsExpectation) {
    const Pipeline pipeline;
    size_t ok = 0, parse = 0, rdf = 0;
    for (const auto& row : ReadTsv("metadata-lib-expectations.tsv")) {
        ASSERT_GE(row.size(), 2u) << "malformed manifest row";
        const std::string& file = row[0];
        const Expectation want{row[1], row.size() > 2 ? row[2] : "", row.size() > 3 ? row[3] : ""};
        SCOPED_TRACE(file + " (" + want.note + ")");
        auto parsed = pipeline.parser.Parse(testing::MetadataLibFile(file));
        if (want.step == "parse") {
            ++parse;
            ASSERT_FALSE(parsed.ok()) << "parsed, expected: " << want.message;
            EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
            EXPECT_NE(parsed.status().message().find(want.message), std::string::npos)
                << "got: " << parsed.status().message() << "\nwant: " << want.message;
            continue;
        }
        ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
        const Status checked = pipeline.rdf.Check(parsed.value()->UnsignedXml());
        if (want.step == "rdf") {
            ++rdf;
            ASSERT_FALSE(checked.ok()) << "RDF accepted, expected: " << want.message;
            EXPECT_EQ(checked.code(), StatusCode::kInvalidArgument);
            EXPECT_NE(checked.message().find(want.message), std::string::npos)
                << "got: " << checked.message() << "\nwant: " << want.message;
        } else {
            ASSERT_EQ(want.step, "ok") << "unknown step in manifest";
            ++ok;
            EXPECT_TRUE(checked.ok()) << checked.ToString();
        }
    }
    EXPECT_EQ(ok, 7u);
    EXPECT_EQ(parse, 34u);
    EXPECT_EQ(rdf, 2u);
}

TEST(MetadataFixturesTest, ServerClientAndProductionDocumentsGiveTheirKeys) {
    const Pipeline pipeline;
    std::map<std::string, std::vector<std::string>> documents;  // file -> split documents
    size_t checked = 0;
    for (const auto& row : ReadTsv("stratuslab-documents.tsv")) {
        ASSERT_EQ(row.size(), 6u) << "malformed manifest row";
        const std::string& file = row[0];
        SCOPED_TRACE(file + " #" + row[1]);
        if (!documents.count(file)) {
            documents[file] =
                testing::SplitListing(testing::ReadFile(testing::StratusLabFixtures() / file));
        }
        const size_t index = std::stoul(row[1]);
        ASSERT_LT(index, documents[file].size());
        auto parsed = pipeline.parser.Parse(documents[file][index]);
        ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
        const EntryMetadata& m = parsed.value()->metadata();
        EXPECT_EQ(m.identifier, row[2]);
        EXPECT_EQ(m.endorsement.email, row[3]);
        EXPECT_EQ(m.endorsement.created.ToString(), row[4]);
        EXPECT_EQ(parsed.value()->HasSignature(), row[5] == "yes");
        const Status rdf = pipeline.rdf.Check(parsed.value()->UnsignedXml());
        EXPECT_TRUE(rdf.ok()) << rdf.ToString();
        ++checked;
    }
    // Every document of every file is covered: split counts match the rows.
    std::map<std::string, size_t> rows_per_file;
    for (const auto& row : ReadTsv("stratuslab-documents.tsv")) ++rows_per_file[row[0]];
    for (const auto& [file, docs] : documents) EXPECT_EQ(docs.size(), rows_per_file[file]) << file;
    // And every file of the three directories is covered, valid.xml apart (next test).
    std::set<std::string> expected;
    for (const char* dir : {"marketplace-server", "client", "production"}) {
        const auto names = XmlFilesIn(testing::StratusLabFixtures() / dir, std::string(dir) + "/");
        expected.insert(names.begin(), names.end());
    }
    expected.erase("marketplace-server/valid.xml");
    std::set<std::string> covered;
    for (const auto& [file, docs] : documents) covered.insert(file);
    EXPECT_EQ(covered, expected);
    EXPECT_EQ(checked, 19u);
}

TEST(MetadataFixturesTest, ServerSigningTemplateWithAnEmptyEndorsementIsRefused) {
    const xmlsec::XmlMetadataParser parser;
    auto parsed = parser.Parse(
        testing::ReadFile(testing::StratusLabFixtures() / "marketplace-server/valid.xml"));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(),
              "slreq:endorsement has no dcterms:created element (required order: dcterms:created, "
              "slreq:endorser)");
}

TEST(MetadataFixturesTest, ListingsAreRefusedWholeAndAcceptedSplit) {
    const xmlsec::XmlMetadataParser parser;
    const std::string listing =
        testing::ReadFile(testing::StratusLabFixtures() / "client/valid-multiple-entries.xml");
    EXPECT_FALSE(parser.Parse(listing).ok());
    const auto documents = testing::SplitListing(listing);
    ASSERT_EQ(documents.size(), 2u);
    for (const auto& doc : documents) EXPECT_TRUE(parser.Parse(doc).ok()) << doc.substr(0, 200);
}

}  // namespace
}  // namespace mkt
