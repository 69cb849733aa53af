#include "audit/syslog_forwarder.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <utility>

namespace sekisho::audit {

namespace {

constexpr std::size_t kMaxDatagram = 60000; // below the UDP payload limit of 65507

std::string header_field(std::string_view value, std::size_t max) {
    std::string out;
    for (char c : value.substr(0, max))
        out += (c > 32 && c < 127) ? c : '_'; // PRINTUSASCII only
    return out.empty() ? "-" : out;
}

std::string sd_escape(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '"' || c == '\\' || c == ']') out += '\\';
        out += c;
    }
    return out;
}

std::string field(const Fields& fields, std::string_view key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return {};
}

} // namespace

int syslog_severity(std::string_view level) {
    if (level == "critical") return 2;
    if (level == "error") return 3;
    if (level == "warning" || level == "warn") return 4;
    if (level == "debug" || level == "trace") return 7;
    return 6; // info, and a record without a level (the trail's own)
}

std::string format_rfc5424(const SyslogMessage& m) {
    std::string out = "<" + std::to_string(m.facility * 8 + m.severity) + ">1 ";
    out += header_field(m.timestamp, 64) + ' ';
    out += header_field(m.hostname, 255) + ' ';
    out += header_field(m.app_name, 48) + ' ';
    out += header_field(m.procid, 128) + ' ';
    out += header_field(m.msgid, 32) + ' ';
    if (m.params.empty()) {
        out += '-';
    } else {
        out += "[sekisho@32473"; // 32473: the enterprise number RFC 5612 reserves for examples
        for (const auto& [name, value] : m.params) out += ' ' + header_field(name, 32) + "=\"" + sd_escape(value) + '"';
        out += ']';
    }
    if (!m.msg.empty()) out += ' ' + m.msg;
    return out;
}

SyslogForwarder::SyslogForwarder(SyslogOptions options)
    : options_(std::move(options)), sender_(options_.queue_limit) {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) == 0) hostname_ = name.data();
    procid_ = std::to_string(getpid());
    sender_.start([this] { run(); });
}

SyslogForwarder::~SyslogForwarder() {
    sender_.stop(std::chrono::seconds(2));
    close_socket();
}

void SyslogForwarder::forward(const AppendedRecord& record) {
    SyslogMessage m;
    m.facility = options_.facility;
    m.severity = syslog_severity(field(record.fields, "level"));
    m.timestamp = std::string(record.time);
    m.hostname = hostname_;
    m.app_name = options_.app_name;
    m.procid = procid_;
    m.msgid = std::string(record.event);
    m.params = {{"seq", std::to_string(record.seq)}, {"hash", std::string(record.hash)}};
    m.msg = std::string(record.line);
    sender_.push(format_rfc5424(m));
}

SyslogStats SyslogForwarder::stats() const {
    return {sent_.load(), sender_.dropped(), sender_.queued(), connected_.load()};
}

void SyslogForwarder::close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool SyslogForwarder::ensure_socket() {
    if (fd_ >= 0) return true;
    addrinfo hints{};
    hints.ai_socktype = options_.tcp ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(options_.port);
    if (getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) return false;
    for (auto* ai = found; ai && fd_ < 0; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        // A collector that does not answer must not hold the sender for long.
        const int flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int err = 0;
            socklen_t len = sizeof err;
            rc = (::poll(&p, 1, 3000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) ? 0 : -1;
        }
        fcntl(fd, F_SETFL, flags);
        timeval timeout{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        if (rc == 0)
            fd_ = fd;
        else
            ::close(fd);
    }
    freeaddrinfo(found);
    return fd_ >= 0;
}

bool SyslogForwarder::send_one(const std::string& message) {
    if (!options_.tcp) {
        const auto size = std::min(message.size(), kMaxDatagram);
        return ::send(fd_, message.data(), size, MSG_NOSIGNAL) == static_cast<ssize_t>(size);
    }
    const std::string frame = std::to_string(message.size()) + ' ' + message; // RFC 6587 octet counting
    std::size_t done = 0;
    while (done < frame.size()) {
        const auto n = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void SyslogForwarder::run() {
    const auto report = [this](const std::string& what) {
        if (options_.on_error) options_.on_error(what);
    };
    const auto collector = options_.host + ":" + std::to_string(options_.port);
    std::chrono::milliseconds backoff{250};
    bool outage = false;
    std::uint64_t dropped_reported = 0;
    while (auto message = sender_.next()) {
        if (const auto dropped = sender_.dropped(); dropped > dropped_reported) {
            report("syslog queue full: " + std::to_string(dropped - dropped_reported) +
                   " records were dropped from the forwarded copy (the audit file keeps them)");
            dropped_reported = dropped;
        }
        const bool ok = ensure_socket() && send_one(*message);
        if (ok) {
            ++sent_;
            connected_ = true;
            backoff = std::chrono::milliseconds(250);
            if (std::exchange(outage, false)) report("syslog collector " + collector + " reached again");
            continue;
        }
        close_socket();
        sender_.put_back(std::move(*message)); // retried first, in order
        connected_ = false;
        if (!std::exchange(outage, true))
            report("syslog collector " + collector + " unreachable; records wait and are retried");
        if (sender_.stopping()) break;
        sender_.pause(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
    }
    if (const auto left = sender_.queued())
        report(std::to_string(left) + " records were not forwarded to syslog before the stop");
}

} // namespace sekisho::audit
