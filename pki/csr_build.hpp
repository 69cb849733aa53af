// Making a PKCS#10 certificate request for a key we hold, e.g. an issuing CA whose
// certificate is signed on an offline root machine. The key may live on a token.
#pragma once

#include "pki/csr_policy.hpp"

#include <string>

namespace sekisho::pki {

// A CSR with subject O=organization (omitted when empty), CN=common_name and key's public
// half, signed with key (proof of possession). It asks for no extensions: whoever signs
// decides the profile. Throws naming the CN on failure.
X509ReqPtr create_csr(EVP_PKEY* key, const std::string& common_name, const std::string& organization);

// PEM "CERTIFICATE REQUEST" text.
std::string csr_to_pem(X509_REQ* csr);

} // namespace sekisho::pki
