#include "registry/redland/entry_triples.hpp"

#include <memory>

#include <raptor2.h>

#include "registry/redland/rdfxml_checker.hpp"
#include "registry/redland/triple_graph.hpp"

namespace mkt::redland {
namespace {

struct ParseState {
    std::vector<EncodedTriple>* out = nullptr;
    std::string about;    // http://mp.stratuslab.eu/#<id>
    std::string subject;  // the entry's subject, encoded
    std::string blank_prefix;
    bool failed = false;
    std::string message;
};

std::string EncodeRaptorTerm(const raptor_term* term, const ParseState& state) {
    RdfTerm t;
    switch (term->type) {
        case RAPTOR_TERM_TYPE_URI: {
            const char* uri = reinterpret_cast<const char*>(raptor_uri_as_string(term->value.uri));
            t.kind = RdfTerm::Kind::kUri;
            t.value = uri;
            break;
        }
        case RAPTOR_TERM_TYPE_BLANK:
            t.kind = RdfTerm::Kind::kBlank;
            t.value = state.blank_prefix +
                      std::string(reinterpret_cast<const char*>(term->value.blank.string),
                                  term->value.blank.string_len);
            break;
        case RAPTOR_TERM_TYPE_LITERAL:
            t.kind = RdfTerm::Kind::kLiteral;
            t.value.assign(reinterpret_cast<const char*>(term->value.literal.string),
                           term->value.literal.string_len);
            if (term->value.literal.language) {
                t.language.assign(reinterpret_cast<const char*>(term->value.literal.language),
                                  term->value.literal.language_len);
            }
            if (term->value.literal.datatype) {
                t.datatype = reinterpret_cast<const char*>(
                    raptor_uri_as_string(term->value.literal.datatype));
            }
            break;
        case RAPTOR_TERM_TYPE_UNKNOWN:
            break;
    }
    return EncodeTerm(t);
}

void OnStatement(void* user_data, raptor_statement* st) {
    auto* state = static_cast<ParseState*>(user_data);
    EncodedTriple triple;
    if (st->subject->type == RAPTOR_TERM_TYPE_URI &&
        state->about ==
            reinterpret_cast<const char*>(raptor_uri_as_string(st->subject->value.uri))) {
        triple.s = state->subject;
    } else {
        triple.s = EncodeRaptorTerm(st->subject, *state);
    }
    triple.p = EncodeRaptorTerm(st->predicate, *state);
    triple.o = EncodeRaptorTerm(st->object, *state);
    state->out->push_back(std::move(triple));
}

void OnLog(void* user_data, raptor_log_message* message) {
    auto* state = static_cast<ParseState*>(user_data);
    if (message->level < RAPTOR_LOG_LEVEL_ERROR || state->failed) return;
    state->failed = true;
    state->message = message->text ? message->text : "unknown parser error";
}

struct ParserFree {
    void operator()(raptor_parser* p) const { raptor_free_parser(p); }
};
struct UriFree {
    void operator()(raptor_uri* u) const { raptor_free_uri(u); }
};

bool IsNameEnd(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>'; }

/// Position of the last `<Signature` / `<p:Signature` start tag, or npos.
size_t LastSignatureStart(std::string_view doc) {
    size_t at = doc.size();
    while (true) {
        at = doc.rfind("Signature", at == 0 ? 0 : at - 1);
        if (at == std::string_view::npos || at == 0) return std::string_view::npos;
        const size_t after = at + 9;
        if (after < doc.size() && IsNameEnd(doc[after])) {
            size_t lt = at - 1;
            if (doc[lt] == ':') {  // a prefix: walk back over the name characters
                while (lt > 0 && doc[lt - 1] != '<' && doc[lt - 1] != '/' &&
                       !IsNameEnd(doc[lt - 1]))
                    --lt;
                if (lt == 0) return std::string_view::npos;
                --lt;
            }
            if (doc[lt] == '<') return lt;
        }
        if (at == 0) return std::string_view::npos;
    }
}

}  // namespace

std::string EntrySubjectUri(const EntryKey& key) {
    return std::string(kMarketplaceBaseUri) + "#" + key.ToPath();
}

std::string WithoutSignature(std::string_view document) {
    const size_t start = LastSignatureStart(document);
    if (start == std::string_view::npos) return std::string(document);
    size_t end = document.rfind("Signature>");
    if (end == std::string_view::npos || end < start) return std::string(document);
    end += 10;  // past "Signature>"
    std::string out(document.substr(0, start));
    out.append(document.substr(end));
    return out;
}

Status AppendEntryTriples(const World& world, const Entry& entry, std::vector<EncodedTriple>& out) {
    const std::string rdf = WithoutSignature(entry.document);
    ParseState state;
    state.out = &out;
    state.about = std::string(kMarketplaceBaseUri) + "#" + entry.key.identifier;
    state.subject = "U" + EntrySubjectUri(entry.key);
    state.blank_prefix = "e" + std::to_string(entry.seq) + "x";
    MKT_ASSIGN_OR_RETURN(World::Lease lease, world.Acquire());
    raptor_world_set_log_handler(lease.get(), &state, &OnLog);
    std::unique_ptr<raptor_parser, ParserFree> parser(raptor_new_parser(lease.get(), "rdfxml"));
    if (!parser) return Status::Internal("raptor: cannot create an RDF/XML parser");
    raptor_parser_set_option(parser.get(), RAPTOR_OPTION_NO_NET, nullptr, 1);
    raptor_parser_set_option(parser.get(), RAPTOR_OPTION_NO_FILE, nullptr, 1);
    raptor_parser_set_option(parser.get(), RAPTOR_OPTION_LOAD_EXTERNAL_ENTITIES, nullptr, 0);
    raptor_parser_set_statement_handler(parser.get(), &state, &OnStatement);
    std::unique_ptr<raptor_uri, UriFree> base(
        raptor_new_uri(lease.get(), reinterpret_cast<const unsigned char*>(kMarketplaceBaseUri)));
    if (!base) return Status::Internal("raptor: cannot create the base URI");
    const size_t before = out.size();
    int rc = raptor_parser_parse_start(parser.get(), base.get());
    if (rc == 0) {
        rc = raptor_parser_parse_chunk(
            parser.get(), reinterpret_cast<const unsigned char*>(rdf.data()), rdf.size(), 1);
    }
    if (state.failed || rc != 0) {
        out.resize(before);
        return Status::InvalidArgument("entry " + entry.key.ToPath() + ": invalid RDF: " +
                                       (state.failed ? state.message : "the parser failed"));
    }
    return Status::Ok();
}

}  // namespace mkt::redland
