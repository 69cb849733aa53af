// The browser enrollment page (Japanese and English, no JavaScript): enter the ticket code,
// receive a PKCS#12 with a password shown once, plus the CA certificate and short import
// instructions. The private key exists only inside the response: the server keeps nothing.
#pragma once

#include "gateway/http/html.hpp" // query_parameter, for the ticket in ?ticket=

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sekisho::gateway {

// The form; ticket_id pre-fills the ticket field (from ?ticket=), error is shown above it.
std::string enrollment_form_html(std::string_view ticket_id, std::string_view error);

// The result: a download link carrying the PKCS#12 (data: URI), its password, the CA
// certificate link and import steps for Windows and macOS.
std::string enrollment_result_html(std::string_view device_name, std::string_view p12_der,
                                   std::string_view password, std::string_view root_fingerprint);

// application/x-www-form-urlencoded "ticket=..&code=.." → (ticket, code).
std::optional<std::pair<std::string, std::string>> parse_enrollment_form(std::string_view body);

} // namespace sekisho::gateway
