#include "gateway/http/wire.hpp"

namespace sekisho::gateway {

std::string http11_wire(const Request& req) {
    const auto method = req.method_string();
    const auto target = req.target();
    std::size_t size = method.size() + target.size() + 16 + req.body().size();
    for (const auto& field : req) size += field.name_string().size() + field.value().size() + 4;
    std::string out;
    out.reserve(size);
    out.append(method.data(), method.size());
    out += ' ';
    out.append(target.data(), target.size());
    out += " HTTP/1.1\r\n";
    for (const auto& field : req) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += req.body();
    return out;
}

std::string response_head_wire(const http::response_header<>& head) {
    const auto reason = head.reason();
    const unsigned version = head.version();
    const unsigned code = head.result_int();
    std::size_t size = reason.size() + 16;
    for (const auto& field : head) size += field.name_string().size() + field.value().size() + 4;
    std::string out;
    out.reserve(size);
    const char status_line[] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10), '.',
                                static_cast<char>('0' + version % 10), ' ', static_cast<char>('0' + code / 100),
                                static_cast<char>('0' + (code / 10) % 10), static_cast<char>('0' + code % 10), ' '};
    out.append(status_line, sizeof status_line);
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& field : head) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

} // namespace sekisho::gateway
