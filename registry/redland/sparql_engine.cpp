#include "registry/redland/sparql_engine.hpp"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include <rasqal.h>

#include "registry/text.hpp"

namespace mkt::redland {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kDeadlineCheckEvery = 256;  // index steps between clock reads
constexpr size_t kMaxMessageChars = 300;

unsigned char* CopyString(std::string_view text) {
    auto* copy = static_cast<unsigned char*>(std::malloc(text.size() + 1));
    if (!copy) return nullptr;
    if (!text.empty()) std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

}  // namespace

/// One rasqal world and what the query running on it needs inside rasqal's
/// callbacks. Used by one thread at a time.
struct SparqlEngine::Slot {
    rasqal_world* world = nullptr;
    raptor_world* raptor = nullptr;  // ours (rasqal does not free it)
    // The running query:
    const TripleGraph* graph = nullptr;
    Clock::time_point deadline;
    bool timed_out = false;
    uint32_t steps = 0;
    std::unordered_map<TermId, rasqal_literal*> literals;   // one reference each
    std::unordered_map<const rasqal_literal*, TermId> ids;  // reverse of literals
    // Rasqal's first error message of the running query:
    bool failed = false;
    std::string message;
    int line = -1;

    ~Slot() {
        if (world) rasqal_free_world(world);
        if (raptor) raptor_free_world(raptor);
    }

    void Begin(const TripleGraph* g, Clock::time_point until) {
        graph = g;
        deadline = until;
        timed_out = false;
        steps = 0;
        failed = false;
        message.clear();
        line = -1;
    }
    void End() {
        for (auto& [id, literal] : literals) rasqal_free_literal(literal);
        literals.clear();
        ids.clear();
        graph = nullptr;
    }
    /// Checks the clock every few steps; true once the deadline passed.
    bool Expired() {
        if (timed_out) return true;
        if (++steps % kDeadlineCheckEvery == 0 && Clock::now() > deadline) timed_out = true;
        return timed_out;
    }

    rasqal_literal* LiteralFor(TermId id) {
        auto [it, inserted] = literals.try_emplace(id, nullptr);
        if (!inserted) return it->second;
        const RdfTerm term = DecodeTerm(graph->Key(id));
        rasqal_literal* literal = nullptr;
        switch (term.kind) {
            case RdfTerm::Kind::kUri:
                literal = rasqal_new_uri_literal(
                    world, raptor_new_uri_from_counted_string(
                               raptor, reinterpret_cast<const unsigned char*>(term.value.data()),
                               term.value.size()));
                break;
            case RdfTerm::Kind::kBlank:
                literal =
                    rasqal_new_simple_literal(world, RASQAL_LITERAL_BLANK, CopyString(term.value));
                break;
            case RdfTerm::Kind::kLiteral: {
                char* language = term.language.empty()
                                     ? nullptr
                                     : reinterpret_cast<char*>(CopyString(term.language));
                raptor_uri* datatype =
                    term.datatype.empty()
                        ? nullptr
                        : raptor_new_uri(raptor, reinterpret_cast<const unsigned char*>(
                                                     term.datatype.c_str()));
                literal = rasqal_new_string_literal(world, CopyString(term.value), language,
                                                    datatype, nullptr);
                break;
            }
        }
        it->second = literal;
        if (literal) ids.emplace(literal, id);
        return literal;
    }

    /// The graph id of a rasqal value; nullopt when the graph has no such term.
    std::optional<TermId> IdOf(rasqal_literal* literal) {
        if (auto it = ids.find(literal); it != ids.end()) return it->second;
        RdfTerm term;
        switch (literal->type) {
            case RASQAL_LITERAL_URI:
                term.kind = RdfTerm::Kind::kUri;
                term.value =
                    reinterpret_cast<const char*>(raptor_uri_as_string(literal->value.uri));
                break;
            case RASQAL_LITERAL_BLANK:
                term.kind = RdfTerm::Kind::kBlank;
                term.value = reinterpret_cast<const char*>(literal->string);
                break;
            default: {
                term.kind = RdfTerm::Kind::kLiteral;
                if (literal->string) term.value = reinterpret_cast<const char*>(literal->string);
                if (literal->language) term.language = literal->language;
                if (raptor_uri* dt = rasqal_literal_datatype(literal)) {
                    term.datatype = reinterpret_cast<const char*>(raptor_uri_as_string(dt));
                }
            }
        }
        return graph->Find(EncodeTerm(term));
    }
};

namespace {

using Slot = SparqlEngine::Slot;
using Key3 = TripleGraph::Key3;

Slot* SlotOf(void* user_data) { return *static_cast<Slot**>(user_data); }

/// The state of one triple pattern's match.
struct PatternMatch {
    Slot* slot = nullptr;
    TripleGraph::Matches matches;
    int range = 0;
    const Key3* cur = nullptr;
    bool empty = false;

    void SkipEmptyRanges() {
        while (range < 2 && cur == matches.ranges[range][1]) {
            ++range;
            if (range < 2) cur = matches.ranges[range][0];
        }
    }
    bool AtEnd() const { return empty || range >= 2 || slot->timed_out; }
};

rasqal_triple_parts BindMatch(rasqal_triples_match* rtm, void*, rasqal_variable* bindings[4],
                              rasqal_triple_parts parts) {
    auto* pm = static_cast<PatternMatch*>(rtm->user_data);
    const Triple t = TripleGraph::Unpermute(pm->matches.order, *pm->cur);
    const TermId ids[3] = {t.s, t.p, t.o};
    const int bits[3] = {RASQAL_TRIPLE_SUBJECT, RASQAL_TRIPLE_PREDICATE, RASQAL_TRIPLE_OBJECT};
    int result = 0;
    for (int i = 0; i < 3; ++i) {
        rasqal_variable* var = bindings[i];
        if (!var) continue;
        bool repeated = false;
        for (int j = 0; j < i; ++j) {
            if (bindings[j] == var) {
                if (ids[j] != ids[i]) return RASQAL_TRIPLE_NONE;  // ?x p ?x with x != x
                repeated = true;
            }
        }
        if (repeated || !(parts & bits[i])) continue;
        rasqal_variable_set_value(var,
                                  rasqal_new_literal_from_literal(pm->slot->LiteralFor(ids[i])));
        result |= bits[i];
    }
    return static_cast<rasqal_triple_parts>(result);
}

void NextMatch(rasqal_triples_match* rtm, void*) {
    auto* pm = static_cast<PatternMatch*>(rtm->user_data);
    if (pm->AtEnd()) return;
    if (pm->slot->Expired()) return;
    ++pm->cur;
    pm->SkipEmptyRanges();
}

int IsEnd(rasqal_triples_match* rtm, void*) {
    return static_cast<PatternMatch*>(rtm->user_data)->AtEnd() ? 1 : 0;
}

void FinishMatch(rasqal_triples_match* rtm, void*) {
    delete static_cast<PatternMatch*>(rtm->user_data);
    rtm->user_data = nullptr;
}

int InitMatch(rasqal_triples_match* rtm, rasqal_triples_source*, void* user_data,
              rasqal_triple_meta* m, rasqal_triple* t) {
    Slot* slot = SlotOf(user_data);
    auto* pm = new PatternMatch();
    pm->slot = slot;
    rtm->user_data = pm;
    rtm->bind_match = &BindMatch;
    rtm->next_match = &NextMatch;
    rtm->is_end = &IsEnd;
    rtm->finish = &FinishMatch;

    rasqal_literal* parts[3] = {t->subject, t->predicate, t->object};
    const int bits[3] = {RASQAL_TRIPLE_SUBJECT, RASQAL_TRIPLE_PREDICATE, RASQAL_TRIPLE_OBJECT};
    std::optional<TermId> bound[3];
    for (int i = 0; i < 3; ++i) {
        rasqal_variable* var = rasqal_literal_as_variable(parts[i]);
        m->bindings[i] = var;
        rasqal_literal* constant = parts[i];
        if (var) {
            if (m->parts & bits[i]) {
                rasqal_variable_set_value(var, nullptr);  // we bind it
                continue;
            }
            if (!var->value) continue;  // unbound and not ours: a wildcard
            constant = var->value;
        }
        bound[i] = slot->IdOf(constant);
        if (!bound[i]) pm->empty = true;  // a term the graph does not have
    }
    m->bindings[3] = nullptr;
    if (t->origin) pm->empty = true;  // no named graphs: GRAPH patterns match nothing
    if (!pm->empty) {
        pm->matches = slot->graph->Match({bound[0], bound[1], bound[2]});
        pm->cur = pm->matches.ranges[0][0];
        pm->SkipEmptyRanges();
    }
    return 0;
}

int TriplePresent(rasqal_triples_source*, void* user_data, rasqal_triple* t) {
    Slot* slot = SlotOf(user_data);
    const auto s = slot->IdOf(t->subject), p = slot->IdOf(t->predicate), o = slot->IdOf(t->object);
    return s && p && o && slot->graph->Contains({*s, *p, *o}) ? 1 : 0;
}

void FreeSource(void*) {}

int NewSource(rasqal_query*, void* factory_user_data, void* user_data, rasqal_triples_source* rts) {
    *static_cast<Slot**>(user_data) = static_cast<Slot*>(factory_user_data);
    rts->version = 1;
    rts->init_triples_match = &InitMatch;
    rts->triple_present = &TriplePresent;
    rts->free_triples_source = &FreeSource;
    rts->support_feature = nullptr;
    return 0;
}

int RegisterFactory(rasqal_triples_source_factory* factory) {
    factory->version = 1;
    factory->user_data_size = sizeof(Slot*);
    factory->new_triples_source = &NewSource;
    factory->init_triples_source = nullptr;
    factory->init_triples_source2 = nullptr;
    return 0;
}

void OnLog(void* user_data, raptor_log_message* message) {
    auto* slot = static_cast<Slot*>(user_data);
    if (message->level < RAPTOR_LOG_LEVEL_ERROR || slot->failed) return;
    slot->failed = true;
    slot->message = message->text ? message->text : "unknown error";
    if (slot->message.size() > kMaxMessageChars) slot->message.resize(kMaxMessageChars);
    if (message->locator) slot->line = raptor_locator_line(message->locator);
}

struct QueryFree {
    void operator()(rasqal_query* q) const { rasqal_free_query(q); }
};
struct ResultsFree {
    void operator()(rasqal_query_results* r) const { rasqal_free_query_results(r); }
};

std::string ErrorText(const Slot& slot, std::string_view fallback) {
    std::string text = slot.failed ? slot.message : std::string(fallback);
    if (slot.failed && slot.line > 0) text += " (line " + std::to_string(slot.line) + ")";
    return text;
}

struct RefusedPatterns {
    bool service = false;
    bool minus = false;  // parsed by rasqal 0.9.33 but not evaluated (it fails with no reason)
};

int FindRefusedPatterns(rasqal_query*, rasqal_graph_pattern* gp, void* user_data) {
    auto& found = *static_cast<RefusedPatterns*>(user_data);
    switch (rasqal_graph_pattern_get_operator(gp)) {
        case RASQAL_GRAPH_PATTERN_OPERATOR_SERVICE:
            found.service = true;
            break;
        case RASQAL_GRAPH_PATTERN_OPERATOR_MINUS:
            found.minus = true;
            break;
        default:
            break;
    }
    return 0;
}

// The first keyword after the prologue (comments, BASE and PREFIX declarations),
// upper-cased; "" when there is none. Only for classifying text rasqal refused.
std::string FirstKeyword(std::string_view text) {
    size_t i = 0;
    auto skip_blanks = [&] {
        for (;;) {
            while (i < text.size() &&
                   (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
                ++i;
            }
            if (i < text.size() && text[i] == '#') {
                while (i < text.size() && text[i] != '\n') ++i;
                continue;
            }
            return;
        }
    };
    auto word = [&] {
        const size_t start = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        return text::AsciiUpper(text.substr(start, i - start));
    };
    for (;;) {
        skip_blanks();
        std::string keyword = word();
        if (keyword != "PREFIX" && keyword != "BASE") return keyword;
        const size_t iri_end = text.find('>', i);  // PREFIX name: <iri> or BASE <iri>
        if (iri_end == std::string_view::npos) return keyword;
        i = iri_end + 1;
    }
}

/// True when `text` starts like a SPARQL 1.1 Update request (no query starts
/// so: a query's first keyword is SELECT, ASK, CONSTRUCT or DESCRIBE).
bool LooksLikeUpdate(std::string_view text) {
    static constexpr std::string_view kUpdateVerbs[] = {
        "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"};
    const std::string first = FirstKeyword(text);
    for (std::string_view verb : kUpdateVerbs) {
        if (first == verb) return true;
    }
    return false;
}

bool HasEmptyTemplate(rasqal_query* query) {
    if (rasqal_query_get_verb(query) != RASQAL_QUERY_VERB_CONSTRUCT) return false;
    raptor_sequence* triples = rasqal_query_get_construct_triples_sequence(query);
    return !triples || raptor_sequence_size(triples) == 0;
}

/// Refuses what a read-only endpoint over one default graph does not answer.
Status CheckAllowed(rasqal_query* query) {
    if (rasqal_query_get_data_graph(query, 0)) {
        return Status::InvalidArgument(
            "FROM and FROM NAMED are refused: the endpoint queries its own default graph (every "
            "entry); remove the dataset clause");
    }
    RefusedPatterns refused;
    if (rasqal_graph_pattern* root = rasqal_query_get_query_graph_pattern(query)) {
        rasqal_graph_pattern_visit(query, root, &FindRefusedPatterns, &refused);
    }
    if (refused.service) {
        return Status::InvalidArgument(
            "SERVICE is refused: this endpoint does not send queries to other endpoints");
    }
    if (refused.minus) {
        return Status::InvalidArgument(
            "MINUS is not supported by this endpoint's SPARQL engine: use OPTIONAL { ... } "
            "FILTER(!BOUND(?v)) instead");
    }
    const rasqal_query_verb verb = rasqal_query_get_verb(query);
    if (verb == RASQAL_QUERY_VERB_DESCRIBE) {
        return Status::InvalidArgument(
            "DESCRIBE is not supported: use CONSTRUCT or SELECT ?p ?o WHERE { <uri> ?p ?o }");
    }
    if (verb != RASQAL_QUERY_VERB_SELECT && verb != RASQAL_QUERY_VERB_ASK &&
        verb != RASQAL_QUERY_VERB_CONSTRUCT) {
        return Status::InvalidArgument(
            "SPARQL updates are refused: this endpoint is read-only (entries change only by "
            "signed uploads)");
    }
    return Status::Ok();
}

RdfTerm TermOf(Slot& slot, rasqal_literal* literal) {
    if (auto it = slot.ids.find(literal); it != slot.ids.end()) {
        return DecodeTerm(slot.graph->Key(it->second));
    }
    RdfTerm term;
    switch (literal->type) {
        case RASQAL_LITERAL_URI:
            term.kind = RdfTerm::Kind::kUri;
            term.value = reinterpret_cast<const char*>(raptor_uri_as_string(literal->value.uri));
            return term;
        case RASQAL_LITERAL_BLANK:
            term.kind = RdfTerm::Kind::kBlank;
            term.value = reinterpret_cast<const char*>(literal->string);
            return term;
        default:
            break;
    }
    term.kind = RdfTerm::Kind::kLiteral;
    size_t length = 0;
    int error = 0;
    const unsigned char* text = rasqal_literal_as_counted_string(literal, &length, 0, &error);
    if (text) term.value.assign(reinterpret_cast<const char*>(text), length);
    if (literal->language) term.language = literal->language;
    if (raptor_uri* dt = rasqal_literal_datatype(literal)) {
        term.datatype = reinterpret_cast<const char*>(raptor_uri_as_string(dt));
        if (term.datatype == kXsdString) term.datatype.clear();
    }
    return term;
}

RdfTerm TermOf(const raptor_term* t) {
    RdfTerm term;
    switch (t->type) {
        case RAPTOR_TERM_TYPE_URI:
            term.value = reinterpret_cast<const char*>(raptor_uri_as_string(t->value.uri));
            break;
        case RAPTOR_TERM_TYPE_BLANK:
            term.kind = RdfTerm::Kind::kBlank;
            term.value.assign(reinterpret_cast<const char*>(t->value.blank.string),
                              t->value.blank.string_len);
            break;
        case RAPTOR_TERM_TYPE_LITERAL:
            term.kind = RdfTerm::Kind::kLiteral;
            term.value.assign(reinterpret_cast<const char*>(t->value.literal.string),
                              t->value.literal.string_len);
            if (t->value.literal.language) {
                term.language.assign(reinterpret_cast<const char*>(t->value.literal.language),
                                     t->value.literal.language_len);
            }
            if (t->value.literal.datatype) {
                term.datatype =
                    reinterpret_cast<const char*>(raptor_uri_as_string(t->value.literal.datatype));
            }
            break;
        case RAPTOR_TERM_TYPE_UNKNOWN:
            break;
    }
    return term;
}

/// Top-level solution modifiers applied while reading rasqal's rows.
struct Modifiers {
    bool distinct = false;
    long offset = 0;  // NOLINT(runtime/int): rasqal's int widened
    long limit = -1;  // -1: none
};

struct Reader {
    Slot& slot;
    const QueryLimits& limits;
    std::string timeout_message() const {
        return "query stopped after " + std::to_string(limits.timeout_ms) +
               " ms: the time limit per query (sparql.timeout_ms); narrow the patterns or add "
               "LIMIT";
    }
    std::string rows_message() const {
        return "the result has more than " + std::to_string(limits.max_rows) +
               " rows, the limit per query (sparql.max_rows); add LIMIT (and OFFSET to page) "
               "or narrow the query";
    }
    bool Expired() {
        if (!slot.timed_out && Clock::now() > slot.deadline) slot.timed_out = true;
        return slot.timed_out;
    }

    Status ReadBindings(rasqal_query_results* results, const Modifiers& mod, QueryResult& out) {
        out.form = QueryResult::Form::kBindings;
        const int count = rasqal_query_results_get_bindings_count(results);
        for (int i = 0; i < count; ++i) {
            out.variables.emplace_back(
                reinterpret_cast<const char*>(rasqal_query_results_get_binding_name(results, i)));
        }
        std::unordered_set<std::string> seen;
        long skipped = 0;  // NOLINT(runtime/int)
        std::string key;
        while (!rasqal_query_results_finished(results)) {
            if (Expired()) break;
            if (mod.limit >= 0 && static_cast<long>(out.rows.size()) >= mod.limit) break;  // NOLINT
            if (mod.distinct) {
                key.clear();
                for (int i = 0; i < count; ++i) {
                    rasqal_literal* v = rasqal_query_results_get_binding_value(results, i);
                    if (!v) {
                        key += "-|";
                    } else if (auto it = slot.ids.find(v); it != slot.ids.end()) {
                        key += std::to_string(it->second) + "|";
                    } else {
                        key += "=" + EncodeTerm(TermOf(slot, v)) + "\x02";
                    }
                }
                if (!seen.insert(key).second) {
                    rasqal_query_results_next(results);
                    continue;
                }
            }
            if (skipped < mod.offset) {
                ++skipped;
                rasqal_query_results_next(results);
                continue;
            }
            if (out.rows.size() >= limits.max_rows) return Status::InvalidArgument(rows_message());
            std::vector<std::optional<RdfTerm>> row(static_cast<size_t>(count));
            for (int i = 0; i < count; ++i) {
                if (rasqal_literal* v = rasqal_query_results_get_binding_value(results, i)) {
                    row[static_cast<size_t>(i)] = TermOf(slot, v);
                }
            }
            out.rows.push_back(std::move(row));
            rasqal_query_results_next(results);
        }
        return Status::Ok();
    }

    Status ReadGraph(rasqal_query_results* results, QueryResult& out) {
        out.form = QueryResult::Form::kGraph;
        while (raptor_statement* st = rasqal_query_results_get_triple(results)) {
            if (Expired()) break;
            if (out.triples.size() >= limits.max_rows) {
                return Status::InvalidArgument("the result has more than " +
                                               std::to_string(limits.max_rows) +
                                               " triples, the limit per query (sparql.max_rows); "
                                               "add LIMIT or narrow the query");
            }
            out.triples.push_back({TermOf(st->subject), TermOf(st->predicate), TermOf(st->object)});
            if (rasqal_query_results_next_triple(results)) break;
        }
        return Status::Ok();
    }
};

}  // namespace

SparqlEngine::SparqlEngine(const EntryGraph& graph, QueryLimits limits)
    : graph_(graph), limits_(limits) {}

SparqlEngine::~SparqlEngine() = default;

Result<std::unique_ptr<SparqlEngine>> SparqlEngine::Create(const EntryGraph& graph,
                                                           QueryLimits limits) {
    if (limits.max_concurrent == 0) limits.max_concurrent = 1;
    std::unique_ptr<SparqlEngine> engine(new SparqlEngine(graph, limits));
    for (size_t i = 0; i < limits.max_concurrent; ++i) {
        auto slot = std::make_unique<Slot>();
        slot->world = rasqal_new_world();
        if (!slot->world) return Status::Internal("rasqal: cannot create a world");
        // Our own raptor world without URI interning: every URI value handed to
        // rasqal (e.g. 100,000 entry subjects) would otherwise go through the
        // world's URI tree (string compares: a third of a seed query's time).
        // Also leaves libxml2's error handlers and libcurl alone (as world.hpp).
        slot->raptor = raptor_new_world();
        if (!slot->raptor ||
            raptor_world_set_flag(slot->raptor, RAPTOR_WORLD_FLAG_URI_INTERNING, 0) != 0 ||
            raptor_world_set_flag(slot->raptor, RAPTOR_WORLD_FLAG_LIBXML_GENERIC_ERROR_SAVE, 0) !=
                0 ||
            raptor_world_set_flag(slot->raptor, RAPTOR_WORLD_FLAG_LIBXML_STRUCTURED_ERROR_SAVE,
                                  0) != 0 ||
            raptor_world_set_flag(slot->raptor, RAPTOR_WORLD_FLAG_WWW_SKIP_INIT_FINISH, 1) != 0 ||
            raptor_world_open(slot->raptor) != 0) {
            return Status::Internal("raptor: cannot open a world for rasqal");
        }
        rasqal_world_set_raptor(slot->world, slot->raptor);
        if (rasqal_world_open(slot->world) != 0 ||
            rasqal_set_triples_source_factory(slot->world, &RegisterFactory, slot.get()) != 0) {
            return Status::Internal("rasqal: cannot open a world with the graph's triples source");
        }
        rasqal_world_set_log_handler(slot->world, slot.get(), &OnLog);
        engine->idle_.push_back(slot.get());
        engine->slots_.push_back(std::move(slot));
    }
    return engine;
}

SparqlEngine::Slot* SparqlEngine::AcquireSlot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.empty()) return nullptr;
    Slot* slot = idle_.back();
    idle_.pop_back();
    return slot;
}

size_t SparqlEngine::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return slots_.size() - idle_.size();
}

void SparqlEngine::ReleaseSlot(Slot* slot) const {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(slot);
}

Result<QueryResult> SparqlEngine::Execute(std::string_view text) const {
    Result<QueryResult> result = ExecuteUncounted(text);
    outcomes_.Count(result.ok() ? StatusCode::kOk : result.status().code());
    return result;
}

Result<QueryResult> SparqlEngine::ExecuteUncounted(std::string_view text) const {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return Status::InvalidArgument("the query is empty: send a SPARQL query in 'query'");
    }
    switch (graph_.state()) {
        case EntryGraph::State::kReady:
            break;
        case EntryGraph::State::kFailed:
            return Status::Unavailable("the SPARQL graph could not be built: " +
                                       graph_.failure().message());
        default:
            return Status::Unavailable("the SPARQL graph is being built (" +
                                       std::to_string(graph_.BuildProgress()) +
                                       " entries loaded so far); retry shortly");
    }
    Slot* slot = AcquireSlot();
    if (!slot) {
        return Status::Unavailable(std::to_string(limits_.max_concurrent) +
                                   " queries are already running (sparql.max_concurrent); retry "
                                   "shortly");
    }
    // The slot goes back to the pool however the query ends (an exception
    // included): a lost slot would lower sparql.max_concurrent for good.
    struct Lease {
        const SparqlEngine& engine;
        Slot* slot;
        ~Lease() {
            slot->End();
            engine.ReleaseSlot(slot);
        }
    };
    EntryGraph::ReadView view = graph_.Read();
    slot->Begin(&view.graph(), Clock::now() + std::chrono::milliseconds(limits_.timeout_ms));
    const Lease lease{*this, slot};
    Result<QueryResult> result = [&]() -> Result<QueryResult> {
        const std::string query_text(text);
        // Before rasqal: its parser builds update operations for INSERT DATA and
        // friends, refuses them, and leaks them (found by the sparql_query fuzz
        // target: 539 bytes per request).
        if (LooksLikeUpdate(query_text)) {
            return Status::InvalidArgument(
                "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP) are refused: this "
                "endpoint is read-only; entries change only by signed uploads");
        }
        std::unique_ptr<rasqal_query, QueryFree> query(
            rasqal_new_query(slot->world, "sparql11-query", nullptr));
        if (!query) return Status::Internal("rasqal: cannot create a SPARQL 1.1 query");
        if (rasqal_query_prepare(query.get(),
                                 reinterpret_cast<const unsigned char*>(query_text.c_str()),
                                 nullptr) != 0) {
            const std::string syntax = ErrorText(*slot, "the query could not be parsed");
            slot->failed = false;
            return Status::InvalidArgument("SPARQL syntax error: " + syntax);
        }
        MKT_RETURN_IF_ERROR(CheckAllowed(query.get()));
        if (HasEmptyTemplate(query.get())) {
            // CONSTRUCT {} answers the empty graph; rasqal crashes reading its
            // triples (found by the sparql_query fuzz target).
            QueryResult empty;
            empty.form = QueryResult::Form::kGraph;
            return empty;
        }
        Modifiers mod;
        if (rasqal_query_get_verb(query.get()) == RASQAL_QUERY_VERB_SELECT) {
            mod.distinct = rasqal_query_get_distinct(query.get()) != 0;
            mod.limit = rasqal_query_get_limit(query.get());
            mod.offset = std::max(0, rasqal_query_get_offset(query.get()));
            rasqal_query_set_distinct(query.get(), 0);
            rasqal_query_set_limit(query.get(), -1);
            rasqal_query_set_offset(query.get(), -1);
        }
        std::unique_ptr<rasqal_query_results, ResultsFree> results(
            rasqal_query_execute(query.get()));
        Reader reader{*slot, limits_};
        if (!results) {
            if (slot->timed_out)
                return Status(StatusCode::kDeadlineExceeded, reader.timeout_message());
            return Status::Internal("query execution failed: " +
                                    ErrorText(*slot, "rasqal gave no reason"));
        }
        QueryResult out;
        if (rasqal_query_results_is_bindings(results.get())) {
            MKT_RETURN_IF_ERROR(reader.ReadBindings(results.get(), mod, out));
        } else if (rasqal_query_results_is_boolean(results.get())) {
            out.form = QueryResult::Form::kBoolean;
            out.boolean = rasqal_query_results_get_boolean(results.get()) > 0;
        } else if (rasqal_query_results_is_graph(results.get())) {
            MKT_RETURN_IF_ERROR(reader.ReadGraph(results.get(), out));
        }
        if (slot->timed_out) return Status(StatusCode::kDeadlineExceeded, reader.timeout_message());
        return out;
    }();
    return result;
}

}  // namespace mkt::redland
