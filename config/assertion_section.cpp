// assertion: the key that signs identity assertions and the keys published beside it.
// Here only the files are checked (named, present, readable, not listed twice); what they
// hold is checked when the runtime reads them, against the same key and line.
#include "config/sections.hpp"

#include <algorithm>

namespace sekisho::config::detail {

namespace {

std::optional<KeyFile> key_file(MapReader& section, const Scalar& value) {
    if (value.value.empty()) {
        section.context().problem(value.line, value.key, "must not be empty");
        return std::nullopt;
    }
    if (is_pkcs11_uri(value.value)) {
        // Each assertion is signed on a worker's I/O thread (cached per session for a quarter
        // of its lifetime): a token's round trip there would stall every connection of it.
        section.context().problem(value.line, value.key,
                                  "a pkcs11: URI cannot sign assertions (they are signed on the I/O threads, "
                                  "which a token would block); use a PEM key file readable by sekisho alone");
        return std::nullopt;
    }
    auto path = section.context().existing_file(value.value, value.key, value.line);
    if (!path) return std::nullopt;
    return KeyFile{*path, value.key, value.line};
}

// The same file twice is found here, with both lines; the same key in two files is found
// when the keys are read.
void refuse_repeated_files(MapReader& section, const AssertionConfig& out) {
    std::vector<const KeyFile*> seen;
    if (!out.signing_key.path.empty()) seen.push_back(&out.signing_key);
    for (const auto* list : {&out.next_keys, &out.previous_keys}) {
        for (const auto& file : *list) {
            const auto earlier = std::find_if(seen.begin(), seen.end(),
                                              [&](const KeyFile* k) { return k->path == file.path; });
            if (earlier == seen.end()) {
                seen.push_back(&file);
                continue;
            }
            section.context().problem(file.line, file.key,
                                      file.path + " is already listed as " + (*earlier)->key + " (line " +
                                          std::to_string((*earlier)->line) + "); list each key once");
        }
    }
}

void read_published_keys(MapReader& section, std::string_view key, std::vector<KeyFile>& out) {
    for (const auto& value : section.scalar_list(key, true, true))
        if (auto file = key_file(section, value)) out.push_back(std::move(*file));
}

} // namespace

void read_assertion(MapReader& root, AssertionConfig& out) {
    auto section = root.mapping("assertion");
    if (!section) return;
    section->require("signing_key", "PEM file of the EC P-256 key that signs identity assertions");
    if (auto value = section->scalar("signing_key"))
        if (auto file = key_file(*section, *value)) out.signing_key = std::move(*file);
    read_published_keys(*section, "next_keys", out.next_keys);
    read_published_keys(*section, "previous_keys", out.previous_keys);
    refuse_repeated_files(*section, out);
    section->read_text("issuer", out.issuer);
    section->read_duration("ttl", out.ttl, Seconds(1), Seconds(60));
    section->finish();
}

} // namespace sekisho::config::detail
