#include "audit/audit_verify.hpp"

#include "audit/audit_record.hpp"
#include "audit/retention_register.hpp"
#include "audit/trail_files.hpp"
#include "pki/jws_verify.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
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


// Records from_seq + 1 .. to_seq - 1 are gone: true when purged files recorded in the
// register cover exactly them, each chained to the one before, from from_hash to to_prev.
bool bridged(const std::vector<PurgedFile>& purged, std::uint64_t from_seq, std::string from_hash,
             std::uint64_t to_seq, const std::string& to_prev, VerifyResult& result) {
    std::uint64_t at = from_seq;
    while (at + 1 < to_seq) {
        const auto next = std::find_if(purged.begin(), purged.end(), [&](const PurgedFile& f) {
            return f.first_seq == at + 1 && f.first_prev == from_hash && f.last_seq >= f.first_seq;
        });
        if (next == purged.end()) return false;
        at = next->last_seq;
        from_hash = next->last_hash;
        ++result.purged_files;
    }
    return at + 1 == to_seq && from_hash == to_prev;
}

// Walks files in chain order; with purged (the whole trail), a gap is accepted only where
// the retention register records the files that filled it, and the chain must start at
// record 1 or at such a gap.
VerifyResult walk(const std::vector<std::string>& files, EVP_PKEY* seal_key, const std::vector<PurgedFile>* purged) {
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
                if (purged && record->seq != 1 && !bridged(*purged, 0, kGenesis, record->seq, record->prev, result)) {
                    result.problem = where + "the trail starts at record " + std::to_string(record->seq) +
                                     ": records before it are missing and no purge in the retention register "
                                     "accounts for them (a file was deleted or moved)";
                    return result;
                }
                result.first_seq = record->seq;
            } else if (purged && record->seq > previous_seq + 1 &&
                       bridged(*purged, previous_seq, previous_hash, record->seq, record->prev, result)) {
                // files purged past retention, recorded (a legal hold kept the one before)
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

} // namespace

VerifyResult verify_chain(const std::vector<std::string>& files, EVP_PKEY* seal_key) {
    return walk(files, seal_key, nullptr);
}

VerifyResult verify_trail(const std::string& trail_path, EVP_PKEY* seal_key) {
    const auto register_path = retention_register_path(trail_path);
    std::vector<PurgedFile> purged;
    try {
        purged = purged_files(read_retention_register(register_path));
    } catch (const std::exception& e) {
        VerifyResult broken;
        broken.problem = e.what();
        return broken;
    }
    const auto files = trail_files(trail_path);
    if (files.empty()) {
        VerifyResult none;
        none.problem = trail_path + ": no file of this trail exists";
        return none;
    }
    auto result = walk(files, seal_key, &purged);
    result.files = files.size();
    return result;
}

} // namespace sekisho::audit
