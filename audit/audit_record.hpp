// One audit record: a JSON object on one line, in a fixed key order so that its bytes are
// canonical — {"seq":N,"time":"<RFC 3339 JST>","event":"...",<fields>,"prev":"<hex>"} —
// where prev is the SHA-256 of the previous record's line. Changing, removing, inserting
// or moving a record breaks the chain at the next one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sekisho::audit {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The prev of the very first record.
inline const std::string kGenesis(64, '0');

// The canonical line (without the newline). Field keys that would shadow seq, time, event
// or prev are written with a leading '_'. Event, keys and values pass pki::valid_utf8
// first (a user name, path or ticket id arrives as bytes), so the line always parses again.
std::string render_record(std::uint64_t seq, std::string_view time, std::string_view event, const Fields& fields,
                          std::string_view prev);

// Lower-case hex SHA-256 of a line's bytes.
std::string record_hash(std::string_view line);

struct ParsedRecord {
    std::uint64_t seq = 0;
    std::string time;
    std::string event;
    std::string prev;
    Fields fields; // string values only, in file order
};

// nullopt with *error set when the line is not a well-formed record.
std::optional<ParsedRecord> parse_record(std::string_view line, std::string* error);

} // namespace sekisho::audit
