#include "pki/csr_build.hpp"

#include "pki/x509_build.hpp"

#include <openssl/pem.h>

namespace sekisho::pki {

X509ReqPtr create_csr(EVP_PKEY* key, const std::string& common_name, const std::string& organization) {
    const std::string what = "certificate request '" + common_name + "'";
    if (common_name.empty()) throw std::runtime_error("certificate request: the common name (CN) is empty");
    detail::require_strong_key(key, what);
    X509ReqPtr csr(X509_REQ_new());
    if (!csr || X509_REQ_set_version(csr.get(), 0) != 1) throw OpensslError(what + ": cannot create it");
    detail::fill_subject(X509_REQ_get_subject_name(csr.get()), common_name, organization, what);
    // A software copy: the request must not keep a token key alive (see public_key_copy).
    if (X509_REQ_set_pubkey(csr.get(), detail::public_key_copy(key, what).get()) != 1) {
        throw OpensslError(what + ": cannot set the public key");
    }
    if (X509_REQ_sign(csr.get(), key, detail::signature_digest_for(key)) <= 0) {
        throw OpensslError(what + ": signing failed");
    }
    return csr;
}

std::string csr_to_pem(X509_REQ* csr) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_REQ(bio.get(), csr) != 1) throw OpensslError("cannot write a CSR as PEM");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

} // namespace sekisho::pki
