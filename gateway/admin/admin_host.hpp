// Which Host names the admin listener answers to: its own. Without this check, a web page
// of another site whose name is made to resolve to the gateway host (DNS rebinding), or to
// an operator's SSH port forward, reads /metrics and /dashboard through the operator's own
// browser, which then sends that site's name as Host. The port is not compared: it adds
// nothing against rebinding (the name does), and a port forward legitimately changes it.
#pragma once

#include "config/config.hpp"
#include "pki/ossl.hpp"

#include <string>
#include <string_view>

namespace sekisho::gateway {

class AdminHostCheck {
public:
    // Own names: admin.listen's host (unless a wildcard address), every loopback name when
    // it listens on loopback, and the names admin.tls.certificate is valid for. Throws
    // when the certificate cannot be read.
    explicit AdminHostCheck(const config::AdminConfig& admin);

    // host_header: the request's Host field as sent ("name", "name:port", "[v6]:port").
    bool allows(std::string_view host_header) const;

private:
    std::string listen_host_; // lower-case, no brackets; empty for 0.0.0.0 / ::
    bool loopback_ = false;
    pki::X509Ptr certificate_; // admin.tls.certificate, or null for plain HTTP
};

} // namespace sekisho::gateway
