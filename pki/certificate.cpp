#include "pki/certificate.hpp"

#include "pki/printable.hpp"
#include "codec/hex.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>
#include <ctime>
#include <string_view>

namespace sekisho::pki {
namespace {

BioPtr open_for_reading(const std::string& path, const char* what) {
    BioPtr bio(BIO_new_file(path.c_str(), "rb"));
    if (!bio) throw OpensslError("cannot open " + std::string(what) + " file " + path);
    return bio;
}

// PEM_read_bio_* report "no start line" when the file simply ends; that is not an error.
bool only_end_of_pem_left() {
    unsigned long err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        return true;
    }
    return false;
}

constexpr std::string_view kDeviceUrnPrefix = "urn:sekisho:device:";

std::vector<X509Ptr> read_certificates(BioPtr bio, const std::string& pem_path) {
    std::vector<X509Ptr> certs;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        certs.emplace_back(cert);
    }
    if (!only_end_of_pem_left()) {
        throw OpensslError("cannot parse certificate " + std::to_string(certs.size() + 1) +
                           " in " + pem_path);
    }
    if (certs.empty()) throw std::runtime_error(pem_path + ": no PEM certificate found");
    return certs;
}

} // namespace

std::vector<X509Ptr> load_certificates(const std::string& pem_path) {
    return read_certificates(open_for_reading(pem_path, "certificate"), pem_path);
}

std::vector<X509Ptr> parse_certificates(const std::string& pem, const std::string& pem_path) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) throw OpensslError("cannot read " + pem_path);
    return read_certificates(std::move(bio), pem_path);
}

std::string common_name_of(X509* cert) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    const int index = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
    if (index < 0) return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    std::string name;
    if (length > 0) name.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return name;
}

std::vector<X509CrlPtr> load_crls(const std::string& path) {
    BioPtr bio = open_for_reading(path, "CRL");
    std::vector<X509CrlPtr> crls;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
        crls.emplace_back(crl);
    }
    if (!crls.empty()) {
        if (!only_end_of_pem_left()) throw OpensslError("cannot parse a CRL in " + path);
        return crls;
    }
    ERR_clear_error();
    // No PEM CRL at all: the file may hold a single DER CRL.
    bio = open_for_reading(path, "CRL");
    if (X509_CRL* crl = d2i_X509_CRL_bio(bio.get(), nullptr)) {
        crls.emplace_back(crl);
        return crls;
    }
    throw OpensslError(path + ": no CRL found (neither PEM nor DER)");
}

std::string sha256_fingerprint_hex(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) != 1) {
        throw OpensslError("cannot compute the SHA-256 fingerprint of " + subject_of(cert));
    }
    return codec::to_lower_hex(md, len);
}

std::string facility_of(X509* cert) {
    using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
        std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                              static_cast<std::size_t>(ASN1_STRING_length(uri)));
        if (!text.starts_with(kDeviceUrnPrefix)) continue;
        text.remove_prefix(kDeviceUrnPrefix.size());
        std::size_t colon = text.find(':');
        if (colon == std::string_view::npos || colon == 0) continue; // no device id: not ours
        return printable(text.substr(0, colon)); // a refused certificate can carry anything
    }

    X509_NAME* subject = X509_get_subject_name(cert);
    int index = X509_NAME_get_index_by_NID(subject, NID_organizationName, -1);
    if (index < 0) return "";
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
    if (len < 0) return "";
    std::string org(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return printable(org);
}

std::string subject_of(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        throw OpensslError("cannot print a certificate subject");
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return printable(std::string_view(data, static_cast<std::size_t>(len))); // ESC_CTRL leaves C1 as is
}

bool has_client_auth_eku(X509* cert) {
    // X509_get_extended_key_usage caches the extension; UINT32_MAX means "extension absent".
    uint32_t eku = X509_get_extended_key_usage(cert);
    return eku != UINT32_MAX && (eku & XKU_SSL_CLIENT) != 0;
}

std::string to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        throw OpensslError("cannot write certificate " + subject_of(cert) + " as PEM");
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::optional<std::int64_t> unix_seconds(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

} // namespace sekisho::pki
