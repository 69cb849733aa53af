#include "gateway/http/wire.hpp"

namespace sekisho::gateway {
namespace {

// Bytes the fields take on the wire ("Name: value\r\n" each).
std::size_t fields_size(const http::fields& fields) {
    std::size_t size = 0;
    for (const auto& field : fields) size += field.name_string().size() + field.value().size() + 4;
    return size;
}

// The fields in their order, then the blank line that ends the header.
void append_fields(std::string& out, const http::fields& fields) {
    for (const auto& field : fields) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
}

} // namespace

std::string http11_wire(const Request& req) {
    const auto method = req.method_string();
    const auto target = req.target();
    std::string out;
    out.reserve(method.size() + target.size() + 16 + fields_size(req) + req.body().size());
    out.append(method.data(), method.size());
    out += ' ';
    out.append(target.data(), target.size());
    out += " HTTP/1.1\r\n";
    append_fields(out, req);
    out += req.body();
    return out;
}

std::string response_head_wire(const http::response_header<>& head) {
    const auto reason = head.reason();
    const unsigned version = head.version();
    const unsigned code = head.result_int();
    std::string out;
    out.reserve(reason.size() + 16 + fields_size(head));
    const char status_line[] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10), '.',
                                static_cast<char>('0' + version % 10), ' ', static_cast<char>('0' + code / 100),
                                static_cast<char>('0' + (code / 10) % 10), static_cast<char>('0' + code % 10), ' '};
    out.append(status_line, sizeof status_line);
    out.append(reason.data(), reason.size());
    out += "\r\n";
    append_fields(out, head);
    return out;
}

} // namespace sekisho::gateway
