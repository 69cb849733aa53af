#include "pki/csr_policy.hpp"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <optional>

namespace sekisho::pki {
namespace {

using ExtensionStackPtr =
    std::unique_ptr<STACK_OF(X509_EXTENSION), decltype([](STACK_OF(X509_EXTENSION) * s) {
                        sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
                    })>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, OsslDeleter<EXTENDED_KEY_USAGE_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, OsslDeleter<BASIC_CONSTRAINTS_free>>;
using BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, OsslDeleter<ASN1_BIT_STRING_free>>;
using PssParamsPtr = std::unique_ptr<RSA_PSS_PARAMS, OsslDeleter<RSA_PSS_PARAMS_free>>;

// A refusal reason, or nothing when the check passed.
using Refusal = std::optional<std::string>;

// OpenSSL's short name ("serverAuth"), or the dotted OID when it has none.
std::string name_of(const ASN1_OBJECT* object) {
    int nid = OBJ_obj2nid(object);
    if (nid != NID_undef) return OBJ_nid2sn(nid);
    std::array<char, 128> buf{};
    OBJ_obj2txt(buf.data(), static_cast<int>(buf.size()), object, 1);
    return buf.data();
}

int curve_nid(const std::string& name) {
    int nid = OBJ_sn2nid(name.c_str());
    return nid != NID_undef ? nid : EC_curve_nist2nid(name.c_str());
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string accepted_keys(const CsrPolicy& policy) {
    std::string out;
    if (policy.allow_ec) out = "an EC key on " + joined(policy.ec_curves);
    if (policy.allow_rsa) {
        out += (out.empty() ? "" : " or ") + std::string("an RSA key of at least ") +
               std::to_string(policy.min_rsa_bits) + " bits";
    }
    return out.empty() ? "nothing (the policy allows neither RSA nor EC)" : out;
}

Refusal check_key(EVP_PKEY* key, const CsrPolicy& policy) {
    const int type = EVP_PKEY_get_base_id(key);
    if (type == EVP_PKEY_RSA) {
        if (!policy.allow_rsa) return "RSA keys are not accepted: use " + accepted_keys(policy);
        const int bits = EVP_PKEY_get_bits(key);
        if (bits < policy.min_rsa_bits) {
            return "RSA key of " + std::to_string(bits) + " bits is too weak: at least " +
                   std::to_string(policy.min_rsa_bits) + " required";
        }
        return std::nullopt;
    }
    if (type == EVP_PKEY_EC) {
        if (!policy.allow_ec) return "EC keys are not accepted: use " + accepted_keys(policy);
        std::array<char, 80> group{};
        std::size_t length = 0;
        if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &length) != 1) {
            ERR_clear_error();
            return std::string("the EC key has no named curve (explicit curve parameters are not accepted)");
        }
        const int nid = curve_nid(group.data());
        for (const auto& allowed : policy.ec_curves) {
            if (nid != NID_undef && curve_nid(allowed) == nid) return std::nullopt;
        }
        return "EC curve " + std::string(group.data()) + " is not accepted: use one of " +
               joined(policy.ec_curves);
    }
    const char* name = EVP_PKEY_get0_type_name(key);
    return "key type " + std::string(name != nullptr ? name : "unknown") + " is not accepted: use " +
           accepted_keys(policy);
}

// The hash of RSASSA-PSS parameters; absent parameters or hash mean SHA-1 (RFC 4055).
int pss_digest_nid(const X509_ALGOR* algorithm) {
    const ASN1_TYPE* parameter = algorithm->parameter;
    if (parameter == nullptr || parameter->type != V_ASN1_SEQUENCE) return NID_sha1;
    PssParamsPtr params(
        static_cast<RSA_PSS_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), parameter)));
    if (!params) {
        ERR_clear_error();
        return NID_undef;
    }
    if (params->hashAlgorithm == nullptr) return NID_sha1;
    return OBJ_obj2nid(params->hashAlgorithm->algorithm);
}

Refusal check_signature_algorithm(X509_REQ* csr) {
    const X509_ALGOR* algorithm = nullptr;
    X509_REQ_get0_signature(csr, nullptr, &algorithm);
    const int signature_nid = OBJ_obj2nid(algorithm->algorithm);
    // The long name: "sha1WithRSAEncryption" says more than the short "RSA-SHA1".
    const std::string name =
        signature_nid != NID_undef ? OBJ_nid2ln(signature_nid) : name_of(algorithm->algorithm);
    int digest_nid = NID_undef;
    int key_nid = NID_undef;
    if (OBJ_find_sigid_algs(signature_nid, &digest_nid, &key_nid) != 1) {
        return "the CSR's signature algorithm " + name + " is not recognised";
    }
    if (signature_nid == NID_rsassaPss) digest_nid = pss_digest_nid(algorithm);
    switch (digest_nid) {
    case NID_md2:
    case NID_md4:
    case NID_md5:
    case NID_sha1:
        return "the CSR is signed with " + name + " (" + OBJ_nid2sn(digest_nid) +
               "), which is broken: sign it with SHA-256 or stronger";
    case NID_sha256:
    case NID_sha384:
    case NID_sha512:
    case NID_sha3_256:
    case NID_sha3_384:
    case NID_sha3_512:
        return std::nullopt;
    default:
        return "the CSR's signature algorithm " + name +
               " is not accepted: sign it with SHA-256, SHA-384 or SHA-512";
    }
}

Refusal check_extended_key_usage(X509_EXTENSION* extension) {
    EkuPtr usages(static_cast<EXTENDED_KEY_USAGE*>(X509V3_EXT_d2i(extension)));
    if (!usages) {
        ERR_clear_error();
        return std::string("the CSR's extendedKeyUsage request cannot be decoded");
    }
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages.get()); ++i) {
        const ASN1_OBJECT* usage = sk_ASN1_OBJECT_value(usages.get(), i);
        if (OBJ_obj2nid(usage) != NID_client_auth) {
            return "the CSR asks for " + name_of(usage) +
                   "; device certificates are for client authentication only";
        }
    }
    return std::nullopt;
}

Refusal check_basic_constraints(X509_EXTENSION* extension) {
    BasicConstraintsPtr constraints(static_cast<BASIC_CONSTRAINTS*>(X509V3_EXT_d2i(extension)));
    if (!constraints) {
        ERR_clear_error();
        return std::string("the CSR's basicConstraints request cannot be decoded");
    }
    if (constraints->ca != 0) {
        return std::string("the CSR asks for basicConstraints CA:TRUE; a device certificate "
                           "cannot be a certificate authority");
    }
    return std::nullopt;
}

Refusal check_key_usage(X509_EXTENSION* extension) {
    BitStringPtr bits(static_cast<ASN1_BIT_STRING*>(X509V3_EXT_d2i(extension)));
    if (!bits) {
        ERR_clear_error();
        return std::string("the CSR's keyUsage request cannot be decoded");
    }
    // RFC 5280 §4.2.1.3 bit numbers.
    constexpr int kKeyCertSign = 5;
    constexpr int kCrlSign = 6;
    for (auto [bit, name] : {std::pair{kKeyCertSign, "keyCertSign"}, std::pair{kCrlSign, "cRLSign"}}) {
        if (ASN1_BIT_STRING_get_bit(bits.get(), bit) == 1) {
            return "the CSR asks for keyUsage " + std::string(name) +
                   "; only certificate authorities sign certificates and CRLs";
        }
    }
    return std::nullopt;
}

Refusal check_extensions(X509_REQ* csr, std::vector<std::string>& ignored) {
    ExtensionStackPtr extensions(X509_REQ_get_extensions(csr));
    if (!extensions) {
        ERR_clear_error();
        return std::string("the CSR's extension request attribute cannot be decoded");
    }
    for (int i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
        X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions.get(), i);
        Refusal refusal;
        switch (OBJ_obj2nid(X509_EXTENSION_get_object(extension))) {
        case NID_ext_key_usage:
            refusal = check_extended_key_usage(extension);
            break;
        case NID_basic_constraints:
            refusal = check_basic_constraints(extension);
            break;
        case NID_key_usage:
            refusal = check_key_usage(extension);
            break;
        default:
            break;
        }
        if (refusal) return refusal;
        ignored.push_back(name_of(X509_EXTENSION_get_object(extension)));
    }
    return std::nullopt;
}

std::string common_name_of(X509_REQ* csr) {
    X509_NAME* subject = X509_REQ_get_subject_name(csr);
    const int index = subject != nullptr ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
    if (index < 0) return "";
    unsigned char* utf8 = nullptr;
    const int length =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
    if (length < 0) {
        ERR_clear_error();
        return "";
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return out;
}

} // namespace

X509ReqPtr parse_csr_der(std::string_view der) {
    if (der.empty()) throw std::runtime_error("the CSR is empty");
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509ReqPtr csr(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    if (!csr) throw OpensslError("the data is not a DER-encoded PKCS#10 certificate request (CSR)");
    const auto consumed = static_cast<std::size_t>(p - reinterpret_cast<const unsigned char*>(der.data()));
    if (consumed != der.size()) {
        throw std::runtime_error("the CSR is followed by " + std::to_string(der.size() - consumed) +
                                 " unexpected bytes");
    }
    return csr;
}

X509ReqPtr parse_csr_pem(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) throw OpensslError("cannot read the CSR: out of memory");
    X509ReqPtr csr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!csr) {
        throw OpensslError("the text is not a PEM certificate request "
                           "(-----BEGIN CERTIFICATE REQUEST-----)");
    }
    return csr;
}

CsrCheck check_csr(X509_REQ* csr, const CsrPolicy& policy) {
    if (csr == nullptr) throw std::invalid_argument("check_csr: no CSR given");
    CsrCheck result;
    result.subject_cn = common_name_of(csr);
    EVP_PKEY* key = X509_REQ_get0_pubkey(csr);
    Refusal refusal;
    if (key == nullptr) {
        ERR_clear_error();
        refusal = "the CSR's public key cannot be read";
    }
    if (!refusal) refusal = check_key(key, policy);
    if (!refusal) refusal = check_signature_algorithm(csr);
    if (!refusal && X509_REQ_verify(csr, key) != 1) {
        ERR_clear_error();
        refusal = "the CSR signature does not verify: no proof of possession of the private key";
    }
    if (!refusal) refusal = check_extensions(csr, result.ignored_extensions);
    if (refusal) {
        result.reason = *refusal;
        result.ignored_extensions.clear();
        return result;
    }
    if (EVP_PKEY_up_ref(key) != 1) throw OpensslError("cannot keep the CSR's public key");
    result.public_key.reset(key);
    result.ok = true;
    return result;
}

} // namespace sekisho::pki
