#include "pki/pem_io.hpp"

#include "pki/certificate.hpp"
#include "pki/random.hpp"

#include <openssl/pem.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sekisho::pki {
namespace {

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string system_error(const std::string& what, const std::string& path) {
    return "cannot " + what + " " + path + ": " + std::strerror(errno);
}

} // namespace

std::string crl_to_pem(X509_CRL* crl) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl) != 1) {
        throw OpensslError("cannot write a CRL as PEM");
    }
    return bio_text(bio.get());
}

std::string private_key_to_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw OpensslError("cannot write a private key as PEM (keys on a token cannot be exported)");
    }
    return bio_text(bio.get());
}

namespace {

// A new file next to path that nothing else can have prepared: O_EXCL refuses an existing
// name, a symlink (even a dangling one) included.
int create_temporary(const std::string& path, unsigned mode, std::string& temporary) {
    for (int attempt = 0; attempt < 16; ++attempt) {
        temporary = path + ".tmp-" + random_password(12);
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(system_error("write", path));
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

} // namespace

// Written to a temporary file in the same folder and renamed over path: a symlink planted at
// path is replaced, never followed (a CA key must not land where its owner chose), and a
// reader never sees half a CRL.
std::string read_file(const std::string& path, std::size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(system_error("read", path));
    std::string bytes;
    char chunk[8192];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const std::string message = system_error("read", path);
            ::close(fd);
            throw std::runtime_error(message);
        }
        if (n == 0) break;
        bytes.append(chunk, static_cast<std::size_t>(n));
        if (bytes.size() > max_bytes) {
            ::close(fd);
            throw std::runtime_error(path + ": larger than " + std::to_string(max_bytes) + " bytes");
        }
    }
    ::close(fd);
    return bytes;
}

void write_file(const std::string& path, std::string_view bytes, unsigned mode) {
    std::string temporary;
    const int fd = create_temporary(path, mode, temporary);
    if (fd < 0) throw std::runtime_error(system_error("create a temporary file for", path));
    try {
        // open() honours the umask; the mode asked for is the mode the file gets.
        if (::fchmod(fd, mode) != 0) throw std::runtime_error(system_error("set the permissions of", path));
        write_all(fd, bytes, path);
        if (::fsync(fd) != 0) throw std::runtime_error(system_error("sync", path));
    } catch (...) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw;
    }
    if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const auto message = system_error("replace", path);
        ::unlink(temporary.c_str());
        throw std::runtime_error(message);
    }
}

void write_certificates_pem(const std::string& path, const std::vector<X509*>& certs) {
    std::string text;
    for (X509* cert : certs) text += to_pem(cert);
    write_file(path, text, 0644);
}

void write_crl_pem(const std::string& path, X509_CRL* crl) {
    write_file(path, crl_to_pem(crl), 0644);
}

void write_private_key_pem(const std::string& path, EVP_PKEY* key) {
    std::string pem;
    try {
        pem = private_key_to_pem(key);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    write_file(path, pem, 0600);
    OPENSSL_cleanse(pem.data(), pem.size());
}

} // namespace sekisho::pki
