#include "gateway/http/html.hpp"

#include "codec/html_escape.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace sekisho::gateway {

std::string html_escape(std::string_view s) {
    return codec::html_escape(s);
}

std::string query_parameter(std::string_view query, std::string_view name) {
    try {
        boost::urls::encoding_opts opt;
        opt.space_as_plus = true;
        // Boost.URL 1.81 measures the text with strlen on this path: hand it a terminated copy.
        const std::string text(query);
        boost::urls::params_view params(text, opt);
        for (const auto& p : params)
            if (p.key == name) return std::string(p.value);
    } catch (const std::exception&) {
        // malformed form data: treated as absent
    }
    return {};
}

std::string url_encode(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

} // namespace sekisho::gateway
