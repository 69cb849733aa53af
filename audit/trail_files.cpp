#include "audit/trail_files.hpp"

#include "codec/jst_time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace sekisho::audit {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStampShape = "ddddddddTdddddd.ddd";

// "yyyymmddThhmmss.mmm", optionally "-N" (two rotations within one millisecond).
bool is_rotation_suffix(std::string_view s) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() < kStampShape.size()) return false;
    for (std::size_t i = 0; i < kStampShape.size(); ++i)
        if (kStampShape[i] == 'd' ? !digit(s[i]) : s[i] != kStampShape[i]) return false;
    const auto rest = s.substr(kStampShape.size());
    if (rest.empty()) return true;
    return rest.size() > 1 && rest[0] == '-' && std::all_of(rest.begin() + 1, rest.end(), digit);
}

} // namespace

bool is_rotated_name(std::string_view live_name, std::string_view name) {
    return name.size() > live_name.size() + 1 && name.starts_with(live_name) && name[live_name.size()] == '.' &&
           is_rotation_suffix(name.substr(live_name.size() + 1));
}

std::vector<std::string> rotated_files(const std::string& path) {
    const fs::path p(path);
    const auto live = p.filename().string();
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(p.parent_path().empty() ? "." : p.parent_path(), ec)) {
        const auto name = entry.path().filename().string();
        if (is_rotated_name(live, name)) names.push_back(name);
    }
    // "...000" sorts before "...000-1": the suffix only ever follows an equal stamp.
    std::sort(names.begin(), names.end());
    std::vector<std::string> paths;
    for (const auto& name : names) paths.push_back((p.parent_path() / name).string());
    return paths;
}

std::vector<std::string> trail_files(const std::string& path) {
    auto files = rotated_files(path);
    if (fs::exists(path)) files.push_back(path);
    return files;
}

std::string closed_stamp(const std::string& rotated_path) {
    const auto name = fs::path(rotated_path).filename().string();
    for (std::size_t at = 0; (at = name.find('.', at)) != std::string::npos; ++at)
        if (is_rotation_suffix(std::string_view(name).substr(at + 1))) return name.substr(at + 1, kStampShape.size());
    return {};
}

std::string compact_stamp(std::chrono::system_clock::time_point t) {
    const auto stamp = codec::jst_timestamp(t); // 2026-11-22T13:05:01.123+09:00
    std::string compact;
    for (char c : stamp.substr(0, 23))
        if (c != '-' && c != ':') compact += c;
    return compact;
}

std::optional<std::string> first_line(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || in.eof()) return std::nullopt; // none, or torn
    return line;
}

std::optional<std::string> last_line(const std::string& path, bool repair) {
    const int fd = ::open(path.c_str(), repair ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    ::fstat(fd, &st);
    const off_t size = st.st_size;
    const off_t start = size > (1 << 20) ? size - (1 << 20) : 0;
    std::string tail(static_cast<std::size_t>(size - start), '\0');
    const ssize_t got = ::pread(fd, tail.data(), tail.size(), start);
    if (got != static_cast<ssize_t>(tail.size())) {
        ::close(fd);
        throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    }
    if (!tail.empty() && tail.back() != '\n') {
        const auto cut = tail.rfind('\n');
        const off_t keep = cut == std::string::npos ? start : start + static_cast<off_t>(cut) + 1;
        if (repair && ::ftruncate(fd, keep) != 0) {
            ::close(fd);
            throw std::runtime_error("cannot cut the torn last line of " + path + ": " + std::strerror(errno));
        }
        tail.resize(static_cast<std::size_t>(keep - start));
    }
    ::close(fd);
    if (tail.empty()) return std::nullopt;
    tail.pop_back(); // the newline
    const auto begin = tail.rfind('\n');
    return begin == std::string::npos ? tail : tail.substr(begin + 1);
}

void sync_folder_of(const std::string& path) {
    const auto dir = fs::path(path).parent_path();
    if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

} // namespace sekisho::audit
