#include "pki/ossl.hpp"

#include <openssl/err.h>

namespace sekisho::pki {

std::string take_openssl_errors() {
    std::string out;
    const char* file = nullptr;
    int line = 0;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(&file, &line, nullptr, &data, &flags)) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
        if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
            out += " (";
            out += data;
            out += ")";
        }
    }
    return out;
}

namespace {
std::string with_reasons(const std::string& what_we_did) {
    std::string reasons = take_openssl_errors();
    return reasons.empty() ? what_we_did : what_we_did + ": " + reasons;
}
} // namespace

OpensslError::OpensslError(const std::string& what_we_did)
    : std::runtime_error(with_reasons(what_we_did)) {}

} // namespace sekisho::pki
