#include "backup/sources.hpp"

#include "pki/pkcs11_uri.hpp"

#include <filesystem>
#include <set>

namespace sekisho::backup {

namespace {

namespace fs = std::filesystem;

class Collector {
public:
    void add(const std::string& path, const std::string& key, FileKind kind) {
        if (path.empty()) return;
        if (pki::is_pkcs11_uri(path)) {
            sources_.omitted.push_back({key, "a key on a PKCS#11 token stays there; back up the token by its own means"});
            return;
        }
        const auto absolute = fs::absolute(path).lexically_normal().string();
        if (!seen_.insert(absolute).second) return;
        sources_.files.push_back({absolute, key, kind});
    }
    void add_all(const std::vector<std::string>& paths, const std::string& key, FileKind kind) {
        for (std::size_t i = 0; i < paths.size(); ++i) add(paths[i], key + "[" + std::to_string(i) + "]", kind);
    }
    void add_upstream(const config::UpstreamTlsConfig& tls, const std::string& key) {
        add(tls.ca, key + ".ca", FileKind::certificate);
        add(tls.certificate, key + ".certificate", FileKind::certificate);
        add(tls.key, key + ".key", FileKind::secret);
    }
    Sources take() { return std::move(sources_); }

private:
    Sources sources_;
    std::set<std::string> seen_;
};

} // namespace

Sources sources_of(const config::Config& c) {
    Collector add;
    add.add(c.source_file, "the configuration", FileKind::config);
    add.add(c.tls.certificate, "tls.certificate", FileKind::certificate);
    add.add(c.tls.key, "tls.key", FileKind::secret);
    add.add(c.tls.client_ca, "tls.client_ca", FileKind::certificate);
    add.add_all(c.tls.crl, "tls.crl", FileKind::crl);
    add.add(c.assertion.signing_key.path, "assertion.signing_key", FileKind::secret);
    for (const auto* keys : {&c.assertion.next_keys, &c.assertion.previous_keys})
        for (const auto& key : *keys) add.add(key.path, key.key, FileKind::secret);
    add.add_upstream(c.upstream_tls, "upstream_tls");
    for (std::size_t i = 0; i < c.routes.size(); ++i)
        if (c.routes[i].upstream_tls) add.add_upstream(*c.routes[i].upstream_tls, "routes[" + std::to_string(i) + "].upstream_tls");
    if (c.admin.tls) {
        add.add(c.admin.tls->certificate, "admin.tls.certificate", FileKind::certificate);
        add.add(c.admin.tls->key, "admin.tls.key", FileKind::secret);
        add.add(c.admin.tls->client_ca, "admin.tls.client_ca", FileKind::certificate);
        add.add_all(c.admin.tls->crl, "admin.tls.crl", FileKind::crl);
    }
    add.add(c.enrollment.ca.certificate, "enrollment.ca.certificate", FileKind::certificate);
    add.add(c.enrollment.ca.chain, "enrollment.ca.chain", FileKind::certificate);
    add.add(c.enrollment.ca.crl, "enrollment.ca.crl", FileKind::crl);
    add.add(c.enrollment.ca.key, "enrollment.ca.key", FileKind::secret);
    if (c.registry.postgresql) {
        const auto& pg = *c.registry.postgresql;
        add.add(pg.password_file, "registry.postgresql.password_file", FileKind::secret);
        add.add(pg.sslrootcert, "registry.postgresql.sslrootcert", FileKind::certificate);
        add.add(pg.sslcert, "registry.postgresql.sslcert", FileKind::certificate);
        add.add(pg.sslkey, "registry.postgresql.sslkey", FileKind::secret);
    }
    if (c.auth.sessions.store == config::SessionStoreKind::redis) {
        const auto& redis = c.auth.sessions.redis;
        add.add(redis.password_file, "auth.sessions.redis.password_file", FileKind::secret);
        add.add(redis.tls_ca, "auth.sessions.redis.tls.ca", FileKind::certificate);
        add.add(redis.tls_certificate, "auth.sessions.redis.tls.certificate", FileKind::certificate);
        add.add(redis.tls_key, "auth.sessions.redis.tls.key", FileKind::secret);
    }
    add.add(c.audit.seal_key, "audit.seal_key", FileKind::secret);
    add.add(c.cluster.secret_file, "cluster.secret_file", FileKind::secret);
    return add.take();
}

std::string name_in_backup(const std::string& path, const std::string& config_dir) {
    const auto relative = fs::path(path).lexically_relative(config_dir);
    if (!relative.empty() && *relative.begin() != "..") return "files/" + relative.string();
    return "outside" + fs::path(path).lexically_normal().string();
}

} // namespace sekisho::backup
