#include "store/sql/connection.hpp"

namespace sekisho::store::sql {

void Connection::fail(std::string_view operation, const std::string& detail) const {
    throw RegistryError("registry " + location_ + ": " + std::string(operation) + ": " + detail);
}

void Connection::unavailable(std::string_view operation, const std::string& detail) const {
    throw RegistryUnavailable("registry " + location_ + ": " + std::string(operation) + ": " + detail);
}

Statement& Statement::bind_nullable(int index, const std::optional<std::string>& text) {
    if (text) return bind(index, std::string_view(*text));
    cursor_->bind_null(index);
    return *this;
}

Statement& Statement::bind_nullable(int index, const std::optional<std::int64_t>& value) {
    if (value) return bind(index, *value);
    cursor_->bind_null(index);
    return *this;
}

void Statement::run() {
    while (step()) {
    }
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

Transaction::Transaction(Connection& db, Kind kind, std::string_view operation) : db_(db), operation_(operation) {
    db_.begin(kind, operation_);
    open_ = true;
}

Transaction::~Transaction() {
    if (open_) db_.rollback();
}

void Transaction::commit() {
    db_.commit(operation_);
    open_ = false;
}

} // namespace sekisho::store::sql
