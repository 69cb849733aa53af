#include "disclosure/render_json.hpp"

#include "pki/jws_verify.hpp"

#include <boost/json.hpp>

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
        {"format", "sekisho-disclosure/1"},
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
    const auto compact = signer.sign(render_json(document));
    const auto first = compact.find('.');
    const auto second = compact.find('.', first + 1);
    json::object out{
        {"protected", compact.substr(0, first)},
        {"payload", compact.substr(first + 1, second - first - 1)},
        {"signature", compact.substr(second + 1)},
    };
    return json::serialize(out) + "\n";
}

std::optional<VerifiedDocument> verify_signed_document(std::string_view file_text, EVP_PKEY* public_key) {
    json::error_code ec;
    const auto value = json::parse(file_text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& object = value.as_object();
    if (object.size() != 3) return std::nullopt;
    std::string parts[3];
    const char* names[3] = {"protected", "payload", "signature"};
    for (int i = 0; i < 3; ++i) {
        const auto* field = object.if_contains(names[i]);
        if (!field || !field->is_string()) return std::nullopt;
        parts[i] = std::string(field->as_string());
        // Only the canonical spelling: base64url has spare bits in its last character, and a
        // byte changed there must not pass for the same document.
        const auto decoded = pki::base64url_decode(parts[i]);
        if (!decoded || pki::base64url_encode(*decoded) != parts[i]) return std::nullopt;
    }
    auto payload = pki::verify_es256(parts[0] + "." + parts[1] + "." + parts[2], public_key);
    if (!payload) return std::nullopt;
    VerifiedDocument out;
    out.json = std::move(*payload);
    const auto header = json::parse(*pki::base64url_decode(parts[0]), ec);
    if (!ec && header.is_object())
        if (const auto* kid = header.as_object().if_contains("kid"); kid && kid->is_string())
            out.kid = std::string(kid->as_string());
    return out;
}

} // namespace sekisho::disclosure
