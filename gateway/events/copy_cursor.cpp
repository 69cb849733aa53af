#include "gateway/events/copy_cursor.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sekisho::gateway {

CopyCursor::CopyCursor(std::string path) : path_(std::move(path)) {
    if (!std::filesystem::exists(path_)) return;
    std::ifstream in(path_);
    if (!(in >> value_) || value_ < 0)
        throw std::runtime_error(path_ + ": not a copy position (delete it to copy everything again)");
}

void CopyCursor::save(std::int64_t value) {
    const std::string tmp = path_ + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << value << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
    }
    std::filesystem::rename(tmp, path_);
    value_ = value;
}

} // namespace sekisho::gateway
