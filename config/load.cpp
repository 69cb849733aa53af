#include "config/load.hpp"

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sekisho::config {

namespace fs = std::filesystem;

namespace {

std::string join_lines(const std::vector<ConfigProblem>& problems) {
    std::string out;
    for (const auto& problem : problems) {
        if (!out.empty()) out += '\n';
        out += problem.to_string();
    }
    return out;
}

[[noreturn]] void fail(const std::string& file, int line, std::string reason) {
    throw ConfigError({ConfigProblem{file, line, "", std::move(reason)}});
}

Config read_config(detail::MapReader& root) {
    Config config;
    std::uint64_t workers = 0;
    if (root.read_unsigned("workers", workers, 256)) config.workers = static_cast<unsigned>(workers);
    detail::read_log(root, config.log);
    root.require("listen", "the main TLS listener, e.g. 0.0.0.0:8443");
    root.read_endpoint("listen", config.listen);
    detail::read_proxy_protocol(root, config.proxy_protocol);
    detail::read_tls(root, config.tls);
    detail::read_limits(root, config.limits);
    detail::read_timeouts(root, config.timeouts);
    detail::read_assertion(root, config.assertion);
    const bool have_pkcs11_module = !config.tls.pkcs11_module.empty();
    if (auto section = root.mapping("upstream_tls")) {
        config.upstream_tls = detail::read_upstream_tls(*section, have_pkcs11_module);
    }
    detail::read_admin(root, have_pkcs11_module, config.admin);
    if (root.has("registry")) detail::read_registry(root, config.registry);
    if (root.has("enrollment")) {
        detail::read_enrollment(root, have_pkcs11_module, config.enrollment);
        // A CA still trusted after a rollover keeps being revoked through its CRL: with CRLs
        // checked at all, its CRL must be among them (else its terminals fail the check).
        const auto& crls = config.tls.crl;
        for (const auto& previous : config.enrollment.previous_cas) {
            if (crls.empty() || previous.crl.empty() || std::find(crls.begin(), crls.end(), previous.crl) != crls.end())
                continue;
            root.problem("enrollment", "previous_cas " + previous.name + ": its CRL " + previous.crl +
                                           " is not in tls.crl; list it there for as long as the CA is trusted, or "
                                           "retire the CA (sekishoctl pki rollover retire) and remove it here");
        }
        if (!config.registry.configured())
            root.problem("enrollment", "needs a registry (registry.sqlite or registry.postgresql): enrolled "
                                       "terminals are recorded in the registry");
    }
    if (root.has("auth")) {
        detail::read_auth(root, config.auth);
        if (!config.registry.configured())
            root.problem("auth", "needs a registry (registry.sqlite or registry.postgresql): the users who "
                                 "log in are kept in the registry");
    }
    if (root.has("audit")) detail::read_audit(root, have_pkcs11_module, config.audit);
    if (root.has("alerts")) detail::read_alerts(root, config.alerts);
    if (root.has("cluster")) detail::read_cluster(root, config.cluster);
    if (root.has("backup")) detail::read_backup(root, config.backup);
    if (config.auth.sessions.store == SessionStoreKind::redis && config.cluster.secret_file.empty())
        root.problem("cluster", "needs secret_file when auth.sessions.store is redis: the instances sharing the "
                                "sessions must share the key that seals their index (a file of 32 random bytes, "
                                "e.g. openssl rand -out /etc/sekisho/cluster.key 32; chmod 600)");
    detail::read_routes(root, have_pkcs11_module, config.registry.configured(), config.routes);
    detail::cap_proxy_protocol_timeout(config.proxy_protocol, config.timeouts.handshake);
    detail::cap_proxy_protocol_timeout(config.enrollment.proxy_protocol, config.timeouts.handshake);
    root.finish();
    return config;
}

} // namespace

bool Config::login_required_somewhere() const {
    for (const auto& route : routes)
        if (route.login) return true;
    return false;
}

std::string ConfigProblem::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!key.empty()) out += key + ": ";
    return out + reason;
}

ConfigError::ConfigError(std::vector<ConfigProblem> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

Config load_text(const std::string& text, const std::string& file, const std::string& base_dir) {
    YAML::Node document;
    try {
        document = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        fail(file, line, "YAML syntax error: " + e.msg + " (check indentation, colons and quotes)");
    }
    if (document.IsNull()) {
        fail(file, 0, "the configuration is empty; see config/examples/sekisho.yaml");
    }
    if (!document.IsMap()) {
        fail(file, detail::line_of(document, 1),
             "the top level must be settings written as 'key: value' lines");
    }

    std::error_code error;
    const fs::path base = fs::absolute(base_dir.empty() ? fs::path(".") : fs::path(base_dir), error);
    detail::LoadContext context(file, error ? fs::path(base_dir) : base);
    detail::MapReader root(context, document, "", detail::line_of(document, 1));
    Config config = read_config(root);
    if (context.has_problems()) throw ConfigError(context.take_problems());
    config.source_file = file;
    config.source_text = text;
    return config;
}

Config load_file(const std::string& path) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
        fail(path, 0, "cannot read the configuration file: it is a folder");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, 0, std::string("cannot read the configuration file: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) fail(path, 0, "cannot read the configuration file: read error");
    const fs::path parent = fs::path(path).parent_path();
    return load_text(text.str(), path, parent.empty() ? "." : parent.string());
}

} // namespace sekisho::config
