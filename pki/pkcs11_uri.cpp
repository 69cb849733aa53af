#include "pki/pkcs11_uri.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace sekisho::pki {
namespace {

constexpr std::string_view kScheme = "pkcs11:";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool iequals_at(std::string_view text, std::size_t at, std::string_view lower) {
    if (text.size() - at < lower.size()) return false;
    for (std::size_t i = 0; i < lower.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != lower[i]) return false;
    return true;
}

// Replaces the value of every pin-value attribute (in any case, in the path or the query)
// with "***" up to the next ';' or the end, keeping everything else. A PIN may hold '&' or
// '?' as typed: masking too much costs an attribute in a message, too little a PIN.
std::string mask_pin(const std::string& uri) {
    constexpr std::string_view name = "pin-value=";
    std::string out;
    std::size_t pos = 0;
    while (pos < uri.size()) {
        const bool at_attribute = pos == 0 || std::string_view(":;?&").find(uri[pos - 1]) != std::string_view::npos;
        if (at_attribute && iequals_at(uri, pos, name)) {
            out.append(uri, pos, name.size());
            out += "***";
            pos = std::min(uri.find(';', pos), uri.size());
            continue;
        }
        out += uri[pos++];
    }
    return out;
}

void assign(std::optional<std::string>& field, const std::string& name, const std::string& value,
            const std::string& masked_uri) {
    if (field) {
        throw std::runtime_error("PKCS#11 URI " + masked_uri + ": attribute '" + name +
                                 "' given twice");
    }
    field = value;
}

} // namespace

std::string percent_decode(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            throw std::invalid_argument("malformed percent escape at offset " + std::to_string(i));
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

bool is_pkcs11_uri(const std::string& spec) {
    return iequals_at(spec, 0, kScheme);
}

Pkcs11Uri parse_pkcs11_uri(const std::string& uri) {
    Pkcs11Uri result;
    result.masked = mask_pin(uri);
    if (!is_pkcs11_uri(uri)) {
        throw std::runtime_error("'" + result.masked + "' is not a pkcs11: URI");
    }
    std::string rest = uri.substr(kScheme.size());
    std::size_t query_at = rest.find('?');
    std::string path = rest.substr(0, query_at);
    std::string query = query_at == std::string::npos ? "" : rest.substr(query_at + 1);

    auto take = [&](const std::string& attributes, char separator) {
        std::size_t pos = 0;
        while (pos < attributes.size()) {
            std::size_t end = attributes.find(separator, pos);
            if (end == std::string::npos) end = attributes.size();
            std::string attribute = attributes.substr(pos, end - pos);
            pos = end + 1;
            if (attribute.empty()) continue;
            std::size_t eq = attribute.find('=');
            if (eq == std::string::npos) { // not echoed: it may be the rest of a PIN
                throw std::runtime_error("PKCS#11 URI " + result.masked + ": an attribute has no '='");
            }
            std::string name = attribute.substr(0, eq);
            std::string value;
            try {
                value = percent_decode(attribute.substr(eq + 1));
            } catch (const std::invalid_argument& e) {
                throw std::runtime_error("PKCS#11 URI " + result.masked + ": attribute '" + name +
                                         "': " + e.what());
            }
            if (name == "token") assign(result.token, name, value, result.masked);
            else if (name == "manufacturer") assign(result.manufacturer, name, value, result.masked);
            else if (name == "model") assign(result.model, name, value, result.masked);
            else if (name == "serial") assign(result.serial, name, value, result.masked);
            else if (name == "object") assign(result.object, name, value, result.masked);
            else if (name == "id") assign(result.id, name, value, result.masked);
            else if (name == "type") assign(result.type, name, value, result.masked);
            else if (name == "pin-value") assign(result.pin_value, name, value, result.masked);
            else if (name == "pin-source") assign(result.pin_source, name, value, result.masked);
            else if (name == "module-path") assign(result.module_path, name, value, result.masked);
        }
    };
    take(path, ';');
    take(query, '&');

    if (result.type && *result.type != "private") {
        throw std::runtime_error("PKCS#11 URI " + result.masked + ": type=" + *result.type +
                                 " cannot be used as a private key (use type=private)");
    }
    if (result.pin_source && result.pin_source->starts_with("file:")) {
        std::string path_part = result.pin_source->substr(5);
        // "file:///etc/pin" and "file:/etc/pin" both name /etc/pin.
        if (path_part.starts_with("//")) path_part = path_part.substr(2);
        result.pin_source = path_part;
    }
    return result;
}

std::optional<std::string> pin_of(const Pkcs11Uri& uri) {
    if (uri.pin_value) return uri.pin_value;
    if (!uri.pin_source) return std::nullopt;
    std::ifstream in(*uri.pin_source);
    if (!in) {
        throw std::runtime_error("PKCS#11 URI " + uri.masked + ": cannot read pin-source file " +
                                 *uri.pin_source + ": " + std::strerror(errno));
    }
    std::string pin;
    std::getline(in, pin);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    return pin;
}

} // namespace sekisho::pki
