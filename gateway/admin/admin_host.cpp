#include "gateway/admin/admin_host.hpp"

#include "gateway/http/routing.hpp"
#include "pki/certificate.hpp"

#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

namespace sekisho::gateway {
namespace {

std::string bare_lower(std::string_view host) {
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    std::string out(host);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

} // namespace

AdminHostCheck::AdminHostCheck(const config::AdminConfig& admin) {
    if (admin.listen) {
        listen_host_ = bare_lower(admin.listen->host);
        // A wildcard address is no name anybody should use (browsers map 0.0.0.0 to this host).
        if (listen_host_ == "0.0.0.0" || listen_host_ == "::") listen_host_.clear();
        loopback_ = config::is_loopback_host(listen_host_);
    }
    if (admin.tls) certificate_ = std::move(pki::load_certificates(admin.tls->certificate).front());
}

bool AdminHostCheck::allows(std::string_view host_header) const {
    const std::string name = normalize_host(host_header);
    if (name.empty()) return false;
    if (!listen_host_.empty() && name == listen_host_) return true;
    if (loopback_ && config::is_loopback_host(name)) return true;
    if (!certificate_) return false;
    return X509_check_host(certificate_.get(), name.c_str(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                           nullptr) == 1 ||
           X509_check_ip_asc(certificate_.get(), name.c_str(), 0) == 1;
}

} // namespace sekisho::gateway
