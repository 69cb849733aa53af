#include "audit/legal_hold.hpp"

#include "audit/retention_register.hpp"
#include "audit/trail_files.hpp"
#include "codec/jst_time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sekisho::audit {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

void check_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                               c == '.' || c == '_' || c == '-';
                    });
    if (!ok)
        throw std::runtime_error("'" + name + "' is no hold name: use 1 to 64 letters, digits, '.', '_' or '-', "
                                 "e.g. case-2026-041");
}

json::value read_json(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto value = json::parse(text.str(), ec);
    if (ec || !value.is_object()) throw std::runtime_error(file.string() + ": not a JSON object (" + ec.message() + ")");
    return value;
}

std::uint64_t number(const json::object& o, std::string_view key, const fs::path& file) {
    const auto* v = o.if_contains(key);
    if (v && v->is_uint64()) return v->as_uint64();
    if (v && v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
    throw std::runtime_error(file.string() + ": '" + std::string(key) + "' is missing or not a number");
}

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

fs::path hold_file(const std::string& trail_path, const std::string& name) {
    return fs::path(holds_folder(trail_path)) / (name + ".json");
}

Fields hold_fields(const LegalHold& h) {
    std::string files;
    for (const auto& f : h.files) files += (files.empty() ? "" : " ") + f;
    return {{"hold", h.name}, {"reason", h.reason}, {"by", h.by}, {"export", h.export_dir},
            {"first_seq", std::to_string(h.first_seq)}, {"last_seq", std::to_string(h.last_seq)}, {"files", files}};
}

} // namespace

std::string holds_folder(const std::string& trail_path) {
    return trail_path + ".holds";
}

std::vector<LegalHold> read_holds(const std::string& trail_path) {
    std::vector<LegalHold> holds;
    const fs::path folder = holds_folder(trail_path);
    if (!fs::exists(folder)) return holds;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const auto& file = entry.path();
        if (file.extension() != ".json" || file.filename().string().starts_with(".")) continue;
        const auto value = read_json(file);
        const auto& o = value.as_object();
        LegalHold h;
        h.name = file.stem().string();
        h.reason = text(o, "reason");
        h.by = text(o, "by");
        h.placed_at = text(o, "placed_at");
        h.export_dir = text(o, "export");
        h.first_seq = number(o, "first_seq", file);
        h.last_seq = number(o, "last_seq", file);
        if (const auto* files = o.if_contains("files"); files && files->is_array())
            for (const auto& f : files->as_array())
                if (f.is_string()) h.files.emplace_back(f.as_string());
        holds.push_back(std::move(h));
    }
    std::sort(holds.begin(), holds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return holds;
}

LegalHold hold_of_export(const std::string& export_dir) {
    const auto manifest_path = fs::path(export_dir) / "manifest.json";
    if (!fs::exists(manifest_path))
        throw std::runtime_error(export_dir + " is no export of 'sekishoctl audit export' (it has no manifest.json)");
    const auto value = read_json(manifest_path);
    const auto& manifest = value.as_object();
    const auto* chain = manifest.if_contains("chain");
    if (!chain || !chain->is_object()) throw std::runtime_error(manifest_path.string() + ": no 'chain' object");
    LegalHold h;
    h.export_dir = fs::absolute(export_dir).lexically_normal().string();
    h.first_seq = number(chain->as_object(), "first_seq", manifest_path);
    h.last_seq = number(chain->as_object(), "last_seq", manifest_path);
    if (const auto* sources = manifest.if_contains("sources"); sources && sources->is_array())
        for (const auto& s : sources->as_array())
            if (s.is_object()) h.files.push_back(fs::path(text(s.as_object(), "original")).filename().string());
    return h;
}

void add_hold(const std::string& trail_path, LegalHold hold) {
    check_name(hold.name);
    if (hold.reason.empty()) throw std::runtime_error("a hold needs a reason (--reason), e.g. the case number");
    RetentionRegister reg(retention_register_path(trail_path)); // one writer at a time
    const auto file = hold_file(trail_path, hold.name);
    if (fs::exists(file)) throw std::runtime_error("the hold " + hold.name + " exists already (" + file.string() + ")");
    fs::create_directories(file.parent_path());
    fs::permissions(file.parent_path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    hold.placed_at = codec::jst_timestamp(std::chrono::system_clock::now());
    json::object o;
    o["reason"] = hold.reason;
    o["by"] = hold.by;
    o["placed_at"] = hold.placed_at;
    o["export"] = hold.export_dir;
    o["first_seq"] = hold.first_seq;
    o["last_seq"] = hold.last_seq;
    json::array files;
    for (const auto& f : hold.files) files.emplace_back(f);
    o["files"] = std::move(files);
    const auto tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << json::serialize(o) << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
    }
    reg.append("audit.hold_added", hold_fields(hold)); // recorded before it takes effect
    fs::rename(tmp, file);
    sync_folder_of(file.string());
}

LegalHold remove_hold(const std::string& trail_path, const std::string& name, const std::string& by) {
    check_name(name);
    RetentionRegister reg(retention_register_path(trail_path));
    for (auto& hold : read_holds(trail_path)) {
        if (hold.name != name) continue;
        auto fields = hold_fields(hold);
        for (auto& [k, v] : fields)
            if (k == "by") v = by; // who lifts it; who placed it is in audit.hold_added
        reg.append("audit.hold_removed", fields);
        fs::remove(hold_file(trail_path, name));
        sync_folder_of(hold_file(trail_path, name).string());
        return hold;
    }
    throw std::runtime_error("there is no hold " + name + " (sekishoctl audit hold list)");
}

const LegalHold* hold_over(const std::vector<LegalHold>& holds, std::uint64_t first_seq, std::uint64_t last_seq) {
    for (const auto& h : holds)
        if (h.first_seq <= last_seq && first_seq <= h.last_seq) return &h;
    return nullptr;
}

} // namespace sekisho::audit
