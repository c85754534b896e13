#include "registry/redland/rdfxml_checker.hpp"

#include <memory>
#include <string>

#include <raptor2.h>

namespace mkt::redland {
namespace {

constexpr size_t kMaxMessageChars = 300;

/// What one parse saw: the triples, and the first error or warning.
struct ParseState {
    size_t triples = 0;
    bool failed = false;
    std::string message;
    int line = -1;
};

void CountStatement(void* user_data, raptor_statement*) {
    ++static_cast<ParseState*>(user_data)->triples;
}

void CaptureLogMessage(void* user_data, raptor_log_message* message) {
    auto* state = static_cast<ParseState*>(user_data);
    if (message->level < RAPTOR_LOG_LEVEL_WARN || state->failed) return;
    state->failed = true;
    state->message = message->text ? message->text : "unknown parser error";
    if (state->message.size() > kMaxMessageChars) {
        state->message.resize(kMaxMessageChars);
        state->message += "...";
    }
    if (message->locator) state->line = raptor_locator_line(message->locator);
}

struct ParserFree {
    void operator()(raptor_parser* p) const { raptor_free_parser(p); }
};
struct UriFree {
    void operator()(raptor_uri* u) const { raptor_free_uri(u); }
};

Status InvalidRdf(const ParseState& state) {
    std::string message = "invalid RDF: " + state.message;
    if (state.line > 0) message += " (line " + std::to_string(state.line) + ")";
    return Status::InvalidArgument(message);
}

/// Runs Raptor over `rdf_xml` with `world`, filling `state`.
Status Parse(raptor_world* world, std::string_view rdf_xml, ParseState& state) {
    std::unique_ptr<raptor_parser, ParserFree> parser(raptor_new_parser(world, "rdfxml"));
    if (!parser) return Status::Internal("raptor: cannot create an RDF/XML parser");
    const bool configured =
        raptor_parser_set_option(parser.get(), RAPTOR_OPTION_NO_NET, nullptr, 1) == 0 &&
        raptor_parser_set_option(parser.get(), RAPTOR_OPTION_NO_FILE, nullptr, 1) == 0 &&
        raptor_parser_set_option(parser.get(), RAPTOR_OPTION_LOAD_EXTERNAL_ENTITIES, nullptr, 0) ==
            0;
    if (!configured) return Status::Internal("raptor: cannot restrict the RDF/XML parser");
    raptor_parser_set_statement_handler(parser.get(), &state, &CountStatement);
    std::unique_ptr<raptor_uri, UriFree> base(
        raptor_new_uri(world, reinterpret_cast<const unsigned char*>(kMarketplaceBaseUri)));
    if (!base) return Status::Internal("raptor: cannot create the base URI");
    int rc = raptor_parser_parse_start(parser.get(), base.get());
    if (rc == 0) {
        rc = raptor_parser_parse_chunk(parser.get(),
                                       reinterpret_cast<const unsigned char*>(rdf_xml.data()),
                                       rdf_xml.size(), 1);
    }
    if (state.failed) return InvalidRdf(state);
    if (rc != 0) return Status::InvalidArgument("invalid RDF: the RDF/XML parser failed");
    return Status::Ok();
}

}  // namespace

Status RaptorRdfChecker::Check(std::string_view rdf_xml) const {
    return CountTriples(rdf_xml).status();
}

Result<size_t> RaptorRdfChecker::CountTriples(std::string_view rdf_xml) const {
    if (rdf_xml.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return Status::InvalidArgument("invalid RDF: empty document");
    }
    ParseState state;  // outlives the lease: the world's log handler points to it
    MKT_ASSIGN_OR_RETURN(World::Lease lease, world_.Acquire());
    raptor_world_set_log_handler(lease.get(), &state, &CaptureLogMessage);
    MKT_RETURN_IF_ERROR(Parse(lease.get(), rdf_xml, state));
    return state.triples;
}

}  // namespace mkt::redland
