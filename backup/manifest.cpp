#include "backup/manifest.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sekisho::backup {

namespace {

constexpr std::pair<FileKind, const char*> kKinds[] = {
    {FileKind::registry, "registry"}, {FileKind::config, "config"},         {FileKind::certificate, "certificate"},
    {FileKind::crl, "crl"},           {FileKind::public_key, "public_key"}, {FileKind::secret, "secret"},
};

FileKind kind_of(const std::string& name) {
    for (const auto& [kind, text] : kKinds)
        if (name == text) return kind;
    throw std::invalid_argument("unknown kind '" + name + "'");
}

// o[key], or an error that names the key (boost's own says only "out of range").
const boost::json::value& field(const boost::json::object& o, const char* key) {
    const auto* value = o.if_contains(key);
    if (value == nullptr) throw std::invalid_argument(std::string("no \"") + key + "\"");
    return *value;
}

std::string text(const boost::json::object& o, const char* key) {
    return std::string(field(o, key).as_string());
}

// "0640": permission bits as people write them.
std::string octal_mode(unsigned mode) {
    std::string text = "0000";
    for (int i = 3; i >= 1; --i, mode >>= 3) text[static_cast<std::size_t>(i)] = static_cast<char>('0' + (mode & 7u));
    return text;
}

unsigned parse_mode(const std::string& text) {
    if (text.size() != 4 || text.find_first_not_of("01234567") != std::string::npos)
        throw std::invalid_argument("mode '" + text + "' is not four octal digits");
    return static_cast<unsigned>(std::stoul(text, nullptr, 8)) & 0777u;
}

} // namespace

const char* kind_name(FileKind kind) {
    for (const auto& [k, text] : kKinds)
        if (k == kind) return text;
    return "?";
}

const ManifestFile* Manifest::find(const std::string& name) const {
    for (const auto& file : files)
        if (file.name == name) return &file;
    return nullptr;
}

bool Manifest::has_secrets() const {
    for (const auto& file : files)
        if (file.sealed) return true;
    return false;
}

std::string manifest_json(const Manifest& m) {
    boost::json::object registry{{"backend", m.registry_backend},   {"location", m.registry_location},
                                 {"schema_version", m.schema_version}, {"last_ledger_seq", m.last_ledger_seq},
                                 {"revision", m.revision},          {"file", kRegistryName}};
    boost::json::object rows;
    for (const auto& [table, n] : m.rows) rows[table] = n;
    registry["rows"] = std::move(rows);
    boost::json::array files;
    for (const auto& f : m.files) {
        boost::json::object file{{"name", f.name}, {"kind", kind_name(f.kind)}, {"source", f.source},
                                 {"size", f.size}, {"sha256", f.sha256},        {"mode", octal_mode(f.mode)},
                                 {"sealed", f.sealed}};
        if (f.sealed) file["plain_sha256"] = f.plain_sha256;
        files.push_back(std::move(file));
    }
    boost::json::array omitted;
    for (const auto& o : m.omitted) omitted.push_back(boost::json::object{{"what", o.what}, {"why", o.why}});
    boost::json::object out{{"format", m.format},
                            {"generation", m.generation},
                            {"created_at", m.created_at},
                            {"sekisho_version", m.sekisho_version},
                            {"config", boost::json::object{{"source", m.config}, {"file", m.config_name}}},
                            {"registry", std::move(registry)},
                            {"audit", boost::json::object{{"file", m.audit_file},
                                                          {"seal_public_key", m.audit_seal_public},
                                                          {"head_seq", m.audit_head_seq},
                                                          {"head_sha256", m.audit_head_sha256}}},
                            {"files", std::move(files)},
                            {"omitted", std::move(omitted)}};
    return boost::json::serialize(out) + "\n";
}

Manifest parse_manifest(const std::string& json, const std::string& path) {
    try {
        const auto root = boost::json::parse(json).as_object();
        Manifest m;
        m.format = field(root, "format").to_number<int>();
        if (m.format != 1) throw std::invalid_argument("format " + std::to_string(m.format) + " is not one this build reads");
        m.generation = text(root, "generation");
        m.created_at = text(root, "created_at");
        m.sekisho_version = text(root, "sekisho_version");
        const auto& config = field(root, "config").as_object();
        m.config = text(config, "source");
        m.config_name = text(config, "file");
        const auto& registry = field(root, "registry").as_object();
        m.registry_backend = text(registry, "backend");
        m.registry_location = text(registry, "location");
        m.schema_version = field(registry, "schema_version").to_number<int>();
        m.last_ledger_seq = field(registry, "last_ledger_seq").to_number<std::int64_t>();
        m.revision = field(registry, "revision").to_number<std::int64_t>();
        for (const auto& [table, n] : field(registry, "rows").as_object())
            m.rows.emplace_back(std::string(table), n.to_number<std::int64_t>());
        const auto& audit = field(root, "audit").as_object();
        m.audit_file = text(audit, "file");
        m.audit_seal_public = text(audit, "seal_public_key");
        m.audit_head_seq = field(audit, "head_seq").to_number<std::uint64_t>();
        m.audit_head_sha256 = text(audit, "head_sha256");
        for (const auto& value : field(root, "files").as_array()) {
            const auto& o = value.as_object();
            ManifestFile f;
            f.name = text(o, "name");
            if (f.name.empty() || f.name.starts_with("/") || f.name.find("..") != std::string::npos)
                throw std::invalid_argument("file name '" + f.name + "' leaves the generation");
            f.kind = kind_of(text(o, "kind"));
            f.source = text(o, "source");
            f.size = field(o, "size").to_number<std::uint64_t>();
            f.sha256 = text(o, "sha256");
            f.mode = parse_mode(text(o, "mode"));
            f.sealed = field(o, "sealed").as_bool();
            if (f.sealed) f.plain_sha256 = text(o, "plain_sha256");
            m.files.push_back(std::move(f));
        }
        for (const auto& value : field(root, "omitted").as_array())
            m.omitted.push_back({text(value.as_object(), "what"), text(value.as_object(), "why")});
        return m;
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": not a readable backup manifest: " + e.what());
    }
}

} // namespace sekisho::backup
