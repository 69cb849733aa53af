#include "ctl/remote.hpp"

#include "operations/cli_args.hpp"
#include "operations/usage_error.hpp"
#include "pki/certificate.hpp"
#include "pki/est_messages.hpp"
#include "pki/pem_io.hpp"
#include "pki/printable.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace sekisho::ctl {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using operations::UsageError;

const std::string kUsage =
    "usage: sekishoctl --remote URL --cert FILE --key FILE [--ca FILE] [--password-file FILE]\n"
    "                  <device|user|session|password|disclose> ...\n"
    "\n"
    "Runs the command in the gateway through its administration API (admin.api), as the\n"
    "administrator this management terminal proves to be: the operator certificate (its subject\n"
    "CN is the user id) and that user's password. The ledger names that administrator.\n"
    "\n"
    "  --remote URL         the admin listener, https://HOST:PORT\n"
    "  --cert FILE          the operator certificate (PEM, with its chain)\n"
    "  --key FILE           its private key (PEM)\n"
    "  --ca FILE            CA bundle that issued the admin listener's certificate (default:\n"
    "                       the system's trusted CAs)\n"
    "  --password-file FILE the password, one line (default: $SEKISHO_PASSWORD_FILE, else asked\n"
    "                       for on the terminal without echo)\n"
    "Commands: device ..., user ... (as on the host), session list|end|end-user, and password\n"
    "(your own new password: typed twice, or one line of standard input; also the way out of a\n"
    "reset, which allows nothing else until it is done), and disclose (the self-disclosure of the\n"
    "gateway as it runs: --format json|html|csv|text, --lang ja|en; redirect it to a file).\n";

struct RemoteOptions {
    std::string url, cert, key, ca, password_file;
    std::vector<std::string> command;
};

RemoteOptions parse_remote(const std::vector<std::string>& args) {
    RemoteOptions o;
    std::size_t i = 0;
    const auto value = [&](const std::string& name) -> std::string {
        if (i + 1 >= args.size()) throw UsageError(name + " needs a value", kUsage);
        return args[++i];
    };
    for (; i < args.size() && args[i].starts_with("--"); ++i) {
        const std::string& a = args[i];
        if (a == "--remote") o.url = value(a);
        else if (a == "--cert") o.cert = value(a);
        else if (a == "--key") o.key = value(a);
        else if (a == "--ca") o.ca = value(a);
        else if (a == "--password-file") o.password_file = value(a);
        else throw UsageError("unknown option '" + a + "' before the command", kUsage);
    }
    o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (o.url.empty() || o.cert.empty() || o.key.empty())
        throw UsageError("--remote needs --cert and --key (the operator certificate and its key)", kUsage);
    if (o.command.empty()) throw UsageError("missing command (device, user or session)", kUsage);
    const std::string& group = o.command[0];
    if (group != "device" && group != "user" && group != "session" && group != "password" && group != "disclose")
        throw UsageError("'" + group + "' does not run through --remote: only device, user, session, password and disclose do",
                         kUsage);
    return o;
}

std::string first_line(std::string text) {
    if (auto end = text.find_first_of("\r\n"); end != std::string::npos) text.resize(end);
    return text;
}

// Typed on the terminal with echo off, after prompt.
std::string ask_on_terminal(const char* prompt) {
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) throw std::runtime_error("no password: give --password-file (there is no terminal to ask on)");
    std::fputs(prompt, tty);
    std::fflush(tty);
    termios saved{};
    const int fd = fileno(tty);
    const bool is_tty = tcgetattr(fd, &saved) == 0;
    if (is_tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char line[1024];
    const bool got = std::fgets(line, sizeof line, tty) != nullptr;
    if (is_tty) tcsetattr(fd, TCSAFLUSH, &saved);
    std::fputs("\n", tty);
    std::fclose(tty);
    if (!got) throw std::runtime_error("no password typed");
    return first_line(line);
}

// From the file, or typed on the terminal.
std::string read_password(const RemoteOptions& o) {
    std::string file = o.password_file;
    if (file.empty()) {
        if (const char* env = std::getenv("SEKISHO_PASSWORD_FILE"); env && *env) file = env;
    }
    if (!file.empty()) return first_line(pki::read_file(file, 4096));
    return ask_on_terminal("password: ");
}

// `password`: the new one, typed twice on a terminal, else one line of standard input.
std::string new_password() {
    if (isatty(STDIN_FILENO) == 0) {
        std::string line;
        if (!std::getline(std::cin, line)) throw std::runtime_error("password: no new password on standard input");
        return line;
    }
    std::string first = ask_on_terminal("new password: ");
    if (first != ask_on_terminal("new password again: ")) throw std::runtime_error("password: the two entries differ");
    return first;
}

// The command as JSON: files named by --cert travel with it; --password-stdin's line too.
std::string request_body(const std::vector<std::string>& command) {
    json::array args;
    json::object files;
    bool password_stdin = false;
    for (std::size_t i = 0; i < command.size(); ++i) {
        args.emplace_back(command[i]);
        if (command[i] == "--password-stdin") password_stdin = true;
        std::string path;
        if (command[i] == "--cert" && i + 1 < command.size()) path = command[i + 1];
        if (command[i].starts_with("--cert=")) path = command[i].substr(7);
        if (!path.empty()) files[path] = pki::read_file(path, 1024 * 1024);
    }
    json::object body{{"args", std::move(args)}};
    if (!files.empty()) body["files"] = std::move(files);
    if (command[0] == "password") body["stdin"] = new_password() + "\n";
    if (password_stdin) {
        std::string line;
        if (!std::getline(std::cin, line)) throw std::runtime_error("--password-stdin: no password on standard input");
        body["stdin"] = line + "\n";
    }
    return json::serialize(body);
}

http::response<http::string_body> post(const RemoteOptions& o, const std::string& user, const std::string& password,
                                       const std::string& body) {
    auto url = boost::urls::parse_absolute_uri(o.url);
    if (!url || url->scheme() != "https" || url->host().empty())
        throw UsageError("--remote wants https://HOST:PORT, not '" + o.url + "'", kUsage);
    const std::string host = url->host_address();
    const std::string port = url->has_port() ? std::string(url->port()) : "443";

    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (o.ca.empty()) tls.set_default_verify_paths();
    else tls.load_verify_file(o.ca);
    tls.use_certificate_chain_file(o.cert);
    tls.use_private_key_file(o.key, asio::ssl::context::pem);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        throw std::runtime_error("cannot set the server name " + host);
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    asio::ip::tcp::resolver resolver(io);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(resolver.resolve(host, port));
    stream.handshake(asio::ssl::stream_base::client);

    http::request<http::string_body> req{http::verb::post, "/api/v1/run", 11};
    req.set(http::field::host, url->encoded_host_and_port());
    req.set(http::field::content_type, "application/json");
    req.set(http::field::authorization, "Basic " + pki::base64_encode(user + ":" + password, false));
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    boost::system::error_code ignored;
    stream.shutdown(ignored);
    return parser.release();
}

} // namespace

bool wants_remote(const std::vector<std::string>& args) {
    return !args.empty() && (args[0] == "--remote" || args[0].starts_with("--remote="));
}

const std::string& remote_usage() { return kUsage; }

int run_remote(const std::vector<std::string>& args) {
    const RemoteOptions o = parse_remote(args);
    const std::string user = pki::common_name_of(pki::load_certificates(o.cert).front().get());
    if (user.empty()) throw std::runtime_error(o.cert + ": the operator certificate has no subject CN (the user id)");
    const std::string password = read_password(o); // the current one first, as a login asks
    const std::string body = request_body(o.command);
    const auto res = post(o, user, password, body);
    boost::system::error_code ec;
    const json::value doc = json::parse(res.body(), ec);
    const json::object* answer = !ec && doc.is_object() ? &doc.as_object() : nullptr;
    if (res.result() != http::status::ok || !answer || !answer->contains("exit")) {
        std::string why = answer && answer->contains("error") && answer->at("error").is_string()
                              ? std::string(answer->at("error").as_string())
                              : res.body().substr(0, 200);
        throw std::runtime_error(o.url + " refused: " + std::to_string(res.result_int()) + " " + why);
    }
    if (const auto* out = answer->if_contains("output"); out && out->is_string()) std::cout << out->as_string().c_str();
    if (const auto* err = answer->if_contains("error"); err && err->is_string() && !err->as_string().empty()) {
        // As the host prints it: one line at a time, each escaped (it may quote what a terminal sent).
        std::string_view text = err->as_string();
        std::cerr << "sekishoctl " << o.command[0] << " (remote): ";
        for (bool first = true; first || !text.empty(); first = false) {
            const auto end = text.find('\n');
            std::cerr << (first ? "" : "  ") << pki::printable(std::string(text.substr(0, end))) << "\n";
            text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        }
    }
    return static_cast<int>(answer->at("exit").to_number<std::int64_t>());
}

} // namespace sekisho::ctl
