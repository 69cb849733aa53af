#include "gateway/runtime/assertion_keys.hpp"

#include "codec/sha256.hpp"
#include "config/load.hpp"
#include "gateway/events/log.hpp"
#include "pki/jws_verify.hpp"

#include <algorithm>
#include <optional>

namespace sekisho::gateway {
namespace {

// A key read so far, for telling the operator which earlier entry a repeated key repeats.
struct Seen {
    const config::KeyFile* file;
    std::string kid;
};

class KeySetBuilder {
public:
    explicit KeySetBuilder(const std::string& config_file) : config_file_(config_file) {}

    void add_signing(const config::KeyFile& file, AssertionKeys& out) {
        auto key = attempt(file, Named::already, [&] { return pki::load_private_key(file.path); });
        if (!key) return;
        auto signer = attempt(file, Named::not_yet,
                              [&] { return std::make_unique<pki::Es256Signer>(std::move(*key)); });
        if (!signer || !accept(file, (*signer)->jwk())) return;
        jwks_.push_back((*signer)->jwk());
        out.signer = std::move(*signer);
    }

    void add_published(const config::KeyFile& file, std::vector<std::string>& kids) {
        auto key = attempt(file, Named::already, [&] { return pki::load_public_key_pem(file.path); });
        if (!key) return;
        auto jwk = attempt(file, Named::not_yet, [&] { return pki::es256_jwk(key->get()); });
        if (!jwk || !accept(file, *jwk)) return;
        kids.push_back(jwk->kid);
        jwks_.push_back(std::move(*jwk));
    }

    void finish(AssertionKeys& out) {
        if (!problems_.empty()) throw config::ConfigError(std::move(problems_));
        out.jwks = pki::jwk_set_json(std::move(jwks_));
        const auto digest = codec::sha256(out.jwks);
        // 128 bits of the digest: a tag, not a security boundary.
        out.etag = "\"" +
                   pki::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 16)) +
                   "\"";
    }

private:
    // Whether a step's error message names the key file itself (the loaders' do).
    enum class Named { already, not_yet };

    // The step's result, or a problem on the file and nothing.
    template <class Step>
    auto attempt(const config::KeyFile& file, Named named, Step step) -> std::optional<decltype(step())> {
        try {
            return step();
        } catch (const std::exception& e) {
            problem(file, named == Named::already ? std::string(e.what()) : file.path + ": " + e.what());
            return std::nullopt;
        }
    }

    // False (and a problem) when an earlier entry holds the same key.
    bool accept(const config::KeyFile& file, const pki::Es256Jwk& jwk) {
        const auto earlier =
            std::find_if(seen_.begin(), seen_.end(), [&](const Seen& s) { return s.kid == jwk.kid; });
        if (earlier == seen_.end()) {
            seen_.push_back({&file, jwk.kid});
            return true;
        }
        const std::string list = file.key.substr(0, file.key.find('['));
        const bool is_signing_key = earlier->file->key == "assertion.signing_key";
        problem(file, file.path + " holds the same key (kid " + jwk.kid + ") as " + earlier->file->key +
                          " (" + earlier->file->path + ", line " + std::to_string(earlier->file->line) +
                          "); " +
                          (is_signing_key ? "the signing key is published already: remove it from " + list
                                          : "list each key once, in next_keys before it signs or in "
                                            "previous_keys after"));
        return false;
    }

    void problem(const config::KeyFile& file, std::string reason) {
        problems_.push_back({config_file_, file.line, file.key, std::move(reason)});
    }

    const std::string& config_file_;
    std::vector<Seen> seen_;
    std::vector<pki::Es256Jwk> jwks_;
    std::vector<config::ConfigProblem> problems_;
};

std::string joined(const std::vector<std::string>& kids) {
    std::string out;
    for (const auto& kid : kids)
        out += (out.empty() ? "" : ",") + kid;
    return out.empty() ? "-" : out;
}

KeyEvent keys_event(const AssertionKeys& keys) {
    return {spdlog::level::info,
            "assertion.keys",
            {{"signing", keys.signer->kid()},
             {"next", joined(keys.next_kids)},
             {"previous", joined(keys.previous_kids)}}};
}

} // namespace

bool AssertionKeys::publishes(std::string_view kid) const {
    return (signer && signer->kid() == kid) ||
           std::find(next_kids.begin(), next_kids.end(), kid) != next_kids.end() ||
           std::find(previous_kids.begin(), previous_kids.end(), kid) != previous_kids.end();
}

AssertionKeys load_assertion_keys(const config::AssertionConfig& cfg, const std::string& config_file) {
    AssertionKeys keys;
    KeySetBuilder builder(config_file);
    builder.add_signing(cfg.signing_key, keys);
    for (const auto& file : cfg.next_keys)
        builder.add_published(file, keys.next_kids);
    for (const auto& file : cfg.previous_keys)
        builder.add_published(file, keys.previous_kids);
    builder.finish(keys);
    return keys;
}

std::chrono::seconds keep_previous_for(const config::Config& cfg) {
    const auto& t = cfg.timeouts;
    return t.handshake + t.request_header + t.request_body + cfg.assertion.ttl;
}

std::vector<KeyEvent> key_events(const AssertionKeys* before, const AssertionKeys& after,
                                 std::chrono::seconds keep_previous) {
    if (!before) return {keys_event(after)};
    if (before->signer->kid() == after.signer->kid() && before->next_kids == after.next_kids &&
        before->previous_kids == after.previous_kids)
        return {};
    std::vector<KeyEvent> events{keys_event(after)};
    const std::string& old_kid = before->signer->kid();
    const std::string& new_kid = after.signer->kid();
    if (old_kid == new_kid) return events;
    const std::string keep = std::to_string(keep_previous.count()) + "s";
    events.push_back({spdlog::level::info,
                      "assertion.signing_key_changed",
                      {{"from", old_kid},
                       {"to", new_kid},
                       {"detail", "keep the previous key in assertion.previous_keys for at least " + keep +
                                      " after the last instance reloaded"}}});
    if (!before->publishes(new_kid))
        events.push_back(
            {spdlog::level::warn,
             "assertion.key_unannounced",
             {{"kid", new_kid},
              {"detail", "the new signing key was not published before it signed: a backend that "
                         "fetched the key set earlier refuses its assertions until it fetches "
                         "again (up to " +
                             std::to_string(kJwksMaxAge.count()) +
                             "s); list a key in assertion.next_keys that long before it signs"}}});
    if (!after.publishes(old_kid))
        events.push_back(
            {spdlog::level::warn,
             "assertion.key_withdrawn",
             {{"kid", old_kid},
              {"detail", "the previous signing key is no longer published: assertions it signed in "
                         "the last " +
                             keep + " fail verification; list it in assertion.previous_keys"}}});
    return events;
}

void log_key_events(const std::vector<KeyEvent>& events) {
    for (const auto& event : events) {
        std::vector<LogField> fields(event.fields.begin(), event.fields.end());
        log_event_fields(event.level, event.name, fields);
    }
}

} // namespace sekisho::gateway
