#include "audit/audit_verify.hpp"

#include "audit/audit_record.hpp"
#include "pki/jws_verify.hpp"

#include <boost/json/parse.hpp>

#include <fstream>

namespace sekisho::audit {

namespace {

// The seal's signed payload must name exactly this seal's seq and the head before it.
bool seal_matches(const ParsedRecord& record, EVP_PKEY* key, std::string& why) {
    std::string head, sig;
    for (const auto& [k, v] : record.fields) {
        if (k == "head") head = v;
        if (k == "sig") sig = v;
    }
    if (head != record.prev) {
        why = "the seal's head is not the previous record's hash";
        return false;
    }
    if (!key) return true;
    const auto payload = pki::verify_es256(sig, key);
    if (!payload) {
        why = "the seal's signature does not verify with the given key";
        return false;
    }
    boost::system::error_code ec;
    const auto value = boost::json::parse(*payload, ec);
    const auto* obj = ec ? nullptr : value.if_object();
    const auto* seq = obj ? obj->if_contains("seq") : nullptr;
    const auto* signed_head = obj ? obj->if_contains("head") : nullptr;
    if (!seq || !signed_head || !signed_head->is_string() || signed_head->as_string() != head ||
        !(seq->is_uint64() || seq->is_int64()) ||
        (seq->is_uint64() ? seq->as_uint64() : static_cast<std::uint64_t>(seq->as_int64())) != record.seq) {
        why = "the seal's signed payload names another record";
        return false;
    }
    return true;
}

} // namespace

VerifyResult verify_chain(const std::vector<std::string>& files, EVP_PKEY* seal_key) {
    VerifyResult result;
    std::string previous_hash;
    std::uint64_t previous_seq = 0;
    bool first = true;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            result.problem = file + ": cannot be read";
            return result;
        }
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            const auto where = file + ":" + std::to_string(number) + ": ";
            if (in.eof()) { // no newline after it: a torn line
                result.problem = where + "the line is not complete";
                return result;
            }
            std::string error;
            const auto record = parse_record(line, &error);
            if (!record) {
                result.problem = where + error;
                return result;
            }
            if (first) {
                if (record->seq == 1 && record->prev != kGenesis) {
                    result.problem = where + "record 1 does not start the chain";
                    return result;
                }
                result.first_seq = record->seq;
            } else if (record->seq != previous_seq + 1) {
                result.problem = where + "record " + std::to_string(record->seq) + " follows record " +
                                 std::to_string(previous_seq) + " (a record is missing, inserted or moved)";
                return result;
            } else if (record->prev != previous_hash) {
                result.problem = where + "record " + std::to_string(record->seq) +
                                 " does not chain to the record before it (that one was changed, or this one inserted)";
                return result;
            }
            if (record->event == "audit.seal") {
                std::string why;
                if (!seal_matches(*record, seal_key, why)) {
                    result.problem = where + why;
                    return result;
                }
                ++result.seals;
                result.unsealed_tail = 0;
            } else {
                ++result.unsealed_tail;
            }
            previous_hash = record_hash(line);
            previous_seq = record->seq;
            first = false;
            ++result.records;
        }
    }
    result.last_seq = previous_seq;
    result.ok = true;
    return result;
}

} // namespace sekisho::audit
