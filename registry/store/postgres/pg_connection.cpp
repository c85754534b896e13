#include "registry/store/postgres/pg_connection.hpp"

#include <cstring>
#include <utility>

#include <libpq-fe.h>

#include "registry/text.hpp"

namespace mkt::store::pg {
namespace {

// Type OIDs of pg_type.h (stable across PostgreSQL versions).
constexpr Oid kInt2Oid = 21, kInt4Oid = 23, kInt8Oid = 20;

constexpr std::string_view kUnavailablePrefix = "database unavailable: ";

// SQLSTATEs after which a retry on a (new) connection may succeed.
bool IsTransientSqlState(std::string_view state) {
    return state.starts_with("08") ||  // connection exception
           state == "57P01" ||         // admin shutdown (server stopping)
           state == "57P02" ||         // crash shutdown
           state == "57P03" ||         // cannot connect now (starting up)
           state.starts_with("53") ||  // insufficient resources
           state == "40001" ||         // serialization failure
           state == "40P01" ||         // deadlock detected
           state == "25006";           // read-only transaction (a standby)
}

std::string CleanMessage(const char* message) {
    std::string out = message ? message : "";
    out = std::string(text::TrimWhitespace(out));
    for (char& c : out) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return out.empty() ? "no message from libpq" : out;
}

int64_t BigEndian(const char* bytes, int length) {
    uint64_t v = 0;
    for (int i = 0; i < length; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    if (length < 8 && (v >> (length * 8 - 1)) & 1) v |= ~uint64_t{0} << (length * 8);  // sign
    return static_cast<int64_t>(v);
}

}  // namespace

// ---------------------------------------------------------------- Params

Params::Params(const std::vector<SqlParam>& values) {
    for (const SqlParam& v : values) {
        if (const auto* i = std::get_if<int64_t>(&v)) {
            Int(*i);
        } else {
            Text(std::get<std::string>(v));
        }
    }
}

Params& Params::Text(std::string value) {
    values_.push_back(std::move(value));
    binary_.push_back(0);
    return *this;
}

Params& Params::Int(int64_t value) { return Text(std::to_string(value)); }

Params& Params::Bytes(std::string value) {
    values_.push_back(std::move(value));
    binary_.push_back(1);
    return *this;
}

Params& Params::IntArray(const std::vector<int64_t>& values) {
    std::string text = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) text += ',';
        text += std::to_string(values[i]);
    }
    return Text(text + "}");
}

// ---------------------------------------------------------------- Rows

Rows::Rows(pg_result* result) : result_(result) {}
Rows::~Rows() {
    if (result_) PQclear(result_);
}
Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
    if (this != &other) {
        if (result_) PQclear(result_);
        result_ = std::exchange(other.result_, nullptr);
    }
    return *this;
}

int Rows::size() const { return result_ ? PQntuples(result_) : 0; }

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

Result<int64_t> Rows::Int(int row, int column) const {
    const Oid type = PQftype(result_, column);
    const int length = PQgetlength(result_, row, column);
    const bool integer = type == kInt2Oid || type == kInt4Oid || type == kInt8Oid;
    if (!integer || PQgetisnull(result_, row, column) ||
        (length != 2 && length != 4 && length != 8)) {
        return Status::Internal("database error: column " + std::to_string(column) +
                                " is not an integer (type " + std::to_string(type) + ")");
    }
    return BigEndian(PQgetvalue(result_, row, column), length);
}

std::string_view Rows::Bytes(int row, int column) const {
    return {PQgetvalue(result_, row, column),
            static_cast<size_t>(PQgetlength(result_, row, column))};
}

// ---------------------------------------------------------------- Connection

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo,
                                                     int connect_timeout_seconds,
                                                     const std::string& application_name) {
    // dbname comes last and is expanded: settings in `conninfo` override these.
    const std::string timeout = std::to_string(connect_timeout_seconds);
    const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                              nullptr};
    const char* values[] = {timeout.c_str(), application_name.c_str(), "UTF8", conninfo.c_str(),
                            nullptr};
    pg_conn* conn = PQconnectdbParams(keywords, values, 1);
    if (conn == nullptr) return Status::Unavailable("database unavailable: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        Status s = Status::Unavailable(std::string(kUnavailablePrefix) +
                                       "cannot connect: " + CleanMessage(PQerrorMessage(conn)));
        PQfinish(conn);
        return s;
    }
    return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

bool Connection::InTransaction() const {
    const PGTransactionStatusType t = PQtransactionStatus(conn_);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Status Connection::ErrorStatus(const pg_result* result, std::string_view what) const {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* message = result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result)
                                                                  : PQerrorMessage(conn_);
    std::string text = std::string(what) + ": " + CleanMessage(message);
    // Every error of the server carries a SQLSTATE; one without comes from libpq
    // itself: the connection failed (e.g. "server closed the connection
    // unexpectedly", which libpq may report while PQstatus still says OK). Its
    // state is unknown, so it is never used again.
    if (state == nullptr) broken_ = true;
    if (!healthy() || (state && IsTransientSqlState(state))) {
        return Status::Unavailable(std::string(kUnavailablePrefix) + text + "; retry later");
    }
    return Status::Internal("database error: " + text);
}

Status Connection::Exec(std::string_view sql) {
    const std::string text(sql);
    Rows rows(PQexec(conn_, text.c_str()));
    const ExecStatusType status = PQresultStatus(rows.result_);
    if (rows.result_ && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
        return Status::Ok();
    }
    return ErrorStatus(rows.result_, text.substr(0, text.find_first_of(" \n")));
}

std::string Connection::NameFor(const std::string& sql, bool& fresh) {
    auto it = prepared_.find(sql);
    fresh = it == prepared_.end();
    if (!fresh) return it->second;
    std::string name = "mkt_" + std::to_string(++next_name_);
    prepared_.emplace(sql, name);
    return name;
}

Result<std::string> Connection::Prepared(const std::string& sql) {
    if (prepared_.size() >= kMaxPreparedStatements && !prepared_.contains(sql)) {
        MKT_RETURN_IF_ERROR(Exec("DEALLOCATE ALL"));
        prepared_.clear();
    }
    bool fresh = false;
    std::string name = NameFor(sql, fresh);
    if (!fresh) return name;
    Rows rows(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(rows.result_) != PGRES_COMMAND_OK) {
        prepared_.erase(sql);
        return ErrorStatus(rows.result_, "preparing a statement");
    }
    return name;
}

Result<Rows> Connection::Query(const std::string& sql, const Params& params) {
    MKT_ASSIGN_OR_RETURN(std::string name, Prepared(sql));
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const std::string& v : params.values_) {
        values.push_back(v.data());
        lengths.push_back(static_cast<int>(v.size()));
    }
    Rows rows(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                             lengths.data(), params.binary_.data(), /*resultFormat=*/1));
    const ExecStatusType status = PQresultStatus(rows.result_);
    if (rows.result_ && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)) return rows;
    return ErrorStatus(rows.result_, "running a statement");
}

// ---------------------------------------------------------------- Pipeline

size_t Connection::Pipeline::Add(const std::string& sql, Params params) {
    items_.push_back({&sql, std::move(params)});
    return items_.size() - 1;
}

Status Connection::Pipeline::Run() {
    Connection& c = connection_;
    pg_conn* conn = c.conn_;
    results_.clear();
    if (c.prepared_.size() + items_.size() > kMaxPreparedStatements) {
        MKT_RETURN_IF_ERROR(c.Exec("DEALLOCATE ALL"));
        c.prepared_.clear();
    }
    if (PQenterPipelineMode(conn) != 1) return c.ErrorStatus(nullptr, "entering pipeline mode");
    // What the server will answer, in order: a prepare (for statements new to
    // this connection) or an execution, then the sync.
    struct Expected {
        bool prepare;
        size_t item;
        std::string sql;  // prepares: to forget the name if the prepare fails
    };
    std::vector<Expected> expected;
    Status send_error;
    for (size_t i = 0; i < items_.size() && send_error.ok(); ++i) {
        const Item& item = items_[i];
        bool fresh = false;
        const std::string name = c.NameFor(*item.sql, fresh);
        if (fresh) {
            if (PQsendPrepare(conn, name.c_str(), item.sql->c_str(), 0, nullptr) != 1) {
                c.prepared_.erase(*item.sql);
                send_error = c.ErrorStatus(nullptr, "sending a statement");
                break;
            }
            expected.push_back({true, i, *item.sql});
        }
        std::vector<const char*> values;
        std::vector<int> lengths;
        for (const std::string& v : item.params.values_) {
            values.push_back(v.data());
            lengths.push_back(static_cast<int>(v.size()));
        }
        if (PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(values.size()), values.data(),
                                lengths.data(), item.params.binary_.data(), 1) != 1) {
            send_error = c.ErrorStatus(nullptr, "sending a statement");
            break;
        }
        expected.push_back({false, i, {}});
    }
    if (!send_error.ok()) {
        // Nothing can be read back reliably: the connection is dropped by the owner.
        (void)PQexitPipelineMode(conn);
        return send_error;
    }
    if (PQpipelineSync(conn) != 1) return c.ErrorStatus(nullptr, "sending a pipeline");

    results_.resize(items_.size());
    Status first_error;
    for (const Expected& e : expected) {
        pg_result* r = PQgetResult(conn);
        if (r == nullptr) {
            first_error = c.ErrorStatus(nullptr, "reading a pipeline result");
            break;
        }
        Rows rows(r);
        const ExecStatusType status = PQresultStatus(r);
        const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        if (!ok) {
            if (e.prepare) c.prepared_.erase(e.sql);
            if (first_error.ok() && status != PGRES_PIPELINE_ABORTED) {
                first_error =
                    c.ErrorStatus(r, e.prepare ? "preparing a statement" : "running a statement");
            }
        }
        if (!e.prepare && ok) results_[e.item] = std::move(rows);
        // Each command's results end with a null.
        while (pg_result* extra = PQgetResult(conn)) PQclear(extra);
    }
    if (first_error.ok() || c.healthy()) {
        // The sync's own result, then the pipeline can be left.
        for (int nulls = 0; nulls < 3;) {
            pg_result* r = PQgetResult(conn);
            if (r == nullptr) {
                if (!c.healthy()) break;
                ++nulls;
                continue;
            }
            const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (sync) break;
        }
    }
    if (PQexitPipelineMode(conn) != 1 && first_error.ok()) {
        first_error = c.ErrorStatus(nullptr, "leaving pipeline mode");
    }
    return first_error;
}

}  // namespace mkt::store::pg
