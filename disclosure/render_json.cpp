#include "disclosure/render_json.hpp"

#include "pki/jws_verify.hpp"

#include <boost/json.hpp>

#include <openssl/bn.h>

namespace sekisho::disclosure {

namespace json = boost::json;

namespace {

json::object text_json(const Text& text) {
    return json::object{{"ja", text.ja}, {"en", text.en}};
}

json::array strings(const std::vector<std::string>& list) {
    json::array out;
    for (const auto& s : list) out.emplace_back(s);
    return out;
}

} // namespace

json::value document_json(const Document& d) {
    const auto summary = d.summary();
    json::object out{
        {"format", kDisclosureFormat},
        {"product", d.product},
        {"version", d.version},
        {"generated_at", d.generated_at},
        {"source", d.source},
        {"config_file", d.config_file},
        {"config_sha256", d.config_sha256},
        {"signing_key", d.signing_key},
        {"summary", json::object{{"yes", summary.yes}, {"no", summary.no}, {"not_applicable", summary.not_applicable}}},
    };
    json::array items;
    for (const auto& e : d.entries) {
        json::object item{
            {"id", e.item.id},
            {"list", e.item.list},
            {"number", e.item.number},
            {"section", text_json(e.item.section)},
            {"question", text_json(e.item.question)},
            {"answer", answer_key(e.answer)},
            {"answer_ja", answer_ja(e.answer)},
            {"remarks", text_json(e.remarks)},
        };
        if (!e.remedy.empty()) item["remedy"] = text_json(e.remedy);
        item["config_keys"] = strings(e.config_keys);
        item["tests"] = strings(e.tests);
        items.push_back(std::move(item));
    }
    out["items"] = std::move(items);
    return out;
}

std::string render_json(const Document& document) {
    // The document's fields on their lines, one item per line: readable, and diffable from
    // one disclosure to the next.
    auto value = document_json(document);
    auto& object = value.as_object();
    auto items = std::move(object["items"].as_array());
    object.erase("items");
    std::string out = "{\n";
    for (const auto& [key, field] : object)
        out += "  " + json::serialize(json::string(key)) + ": " + json::serialize(field) + ",\n";
    out += "  \"items\": [\n";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += "    " + json::serialize(items[i]) + (i + 1 < items.size() ? ",\n" : "\n");
    out += "  ]\n}\n";
    return out;
}

std::string sign_document(const Document& document, const pki::Es256Signer& signer) {
    const auto compact = signer.sign_typed(render_json(document), kDisclosureType);
    const auto first = compact.find('.');
    const auto second = compact.find('.', first + 1);
    json::object out{
        {"protected", compact.substr(0, first)},
        {"payload", compact.substr(first + 1, second - first - 1)},
        {"signature", compact.substr(second + 1)},
    };
    return json::serialize(out) + "\n";
}

namespace {

// S at most n/2: the one spelling of a signature that Es256Signer writes.
bool low_s(std::string_view raw_signature) {
    const auto* s = reinterpret_cast<const unsigned char*>(raw_signature.data()) + 32;
    pki::BignumPtr value(BN_bin2bn(s, 32, nullptr));
    pki::BignumPtr order(BN_bin2bn(pki::kP256Order, sizeof pki::kP256Order, nullptr));
    pki::BignumPtr half(BN_new());
    if (!value || !order || !half || BN_rshift1(half.get(), order.get()) != 1) return false;
    return BN_cmp(value.get(), half.get()) <= 0;
}

} // namespace

std::optional<VerifiedDocument> verify_signed_document(std::string_view file_text, EVP_PKEY* public_key) {
    // Only the bytes sign_document writes pass: the same three members in that order, no
    // spaces, escapes, duplicates or anything beside them, each part canonical base64url, the
    // header as Es256Signer writes it for a disclosure, S in its lower half. A file that
    // differs by one byte from what the gateway signed does not verify, even where the
    // difference would mean the same to a JSON parser.
    json::error_code ec;
    const auto value = json::parse(file_text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& object = value.as_object();
    std::string parts[3];
    const char* names[3] = {"protected", "payload", "signature"};
    for (int i = 0; i < 3; ++i) {
        const auto* field = object.if_contains(names[i]);
        if (!field || !field->is_string()) return std::nullopt;
        parts[i] = std::string(field->as_string());
    }
    const json::object rebuilt{{"protected", parts[0]}, {"payload", parts[1]}, {"signature", parts[2]}};
    if (file_text != json::serialize(rebuilt) + "\n") return std::nullopt;
    std::optional<std::string> decoded[3];
    for (int i = 0; i < 3; ++i) {
        decoded[i] = pki::base64url_decode(parts[i]);
        if (!decoded[i] || pki::base64url_encode(*decoded[i]) != parts[i]) return std::nullopt;
    }
    const auto header = json::parse(*decoded[0], ec);
    if (ec || !header.is_object()) return std::nullopt;
    const auto* kid = header.as_object().if_contains("kid");
    if (!kid || !kid->is_string() || *decoded[0] != pki::es256_header(kDisclosureType, kid->as_string()))
        return std::nullopt;
    if (decoded[2]->size() != 64 || !low_s(*decoded[2])) return std::nullopt;
    auto payload = pki::verify_es256(parts[0] + "." + parts[1] + "." + parts[2], public_key);
    if (!payload) return std::nullopt;
    // What was signed must be a disclosure, not another document of the same key.
    const auto document = json::parse(*payload, ec);
    if (ec || !document.is_object()) return std::nullopt;
    const auto* format = document.as_object().if_contains("format");
    const auto* generated = document.as_object().if_contains("generated_at");
    if (!format || !format->is_string() || format->as_string() != kDisclosureFormat || !generated ||
        !generated->is_string())
        return std::nullopt;
    VerifiedDocument out;
    out.json = std::move(*payload);
    out.kid = std::string(kid->as_string());
    out.generated_at = std::string(generated->as_string());
    return out;
}

} // namespace sekisho::disclosure
