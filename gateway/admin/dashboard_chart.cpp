#include "gateway/admin/dashboard_chart.hpp"

#include "codec/jst_time.hpp"
#include "gateway/http/html.hpp"

#include <algorithm>

namespace sekisho::gateway {
namespace {

constexpr int kWidth = 720, kHeight = 200;
constexpr int kLeft = 40, kRight = 8, kTop = 10, kBottom = 30; // room for the axis labels

std::string hh_mm(std::chrono::system_clock::time_point t) {
    return codec::jst_display(t).substr(11, 5);
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

} // namespace

std::string render_failure_chart(const FailureSummary& f, Lang lang) {
    const auto& t = dashboard_text(lang);
    const auto n = std::max<std::size_t>(1, f.buckets.size());
    const std::uint64_t peak = std::max<std::uint64_t>(1, f.buckets.empty() ? 1 : *std::max_element(f.buckets.begin(), f.buckets.end()));
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
    const double slot = plot_w / static_cast<double>(n);
    const std::string label = std::string(t.chart_label) + " (" +
                              std::string(f.bucket_width.count() >= 60 ? t.chart_per_hour : t.chart_per_minute) + ")";

    std::string svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(kWidth) +
                      " " + std::to_string(kHeight) + "\" role=\"img\" aria-label=\"" + html_escape(label) + "\">";
    svg += "<title>" + html_escape(label) + "</title>";
    // Axes and the peak value, so the bars have a scale.
    const auto base_y = num(kTop + plot_h);
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + base_y + "\" x2=\"" + std::to_string(kWidth - kRight) +
           "\" y2=\"" + base_y + "\" stroke=\"#666\"/>";
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kTop) + "\" x2=\"" +
           std::to_string(kLeft) + "\" y2=\"" + base_y + "\" stroke=\"#666\"/>";
    svg += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + std::to_string(kTop + 10) +
           "\" text-anchor=\"end\" font-size=\"11\">" + std::to_string(peak) + "</text>";
    svg += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + base_y + "\" text-anchor=\"end\" font-size=\"11\">0</text>";
    const std::size_t label_every = std::max<std::size_t>(1, n / 6);
    for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        const auto start = f.first_bucket + f.bucket_width * static_cast<long>(i);
        const auto count = f.buckets[i];
        const double h = plot_h * static_cast<double>(count) / static_cast<double>(peak);
        const double x = kLeft + slot * static_cast<double>(i);
        svg += "<rect class=\"bar\" x=\"" + num(x + slot * 0.1) + "\" y=\"" + num(kTop + plot_h - h) + "\" width=\"" +
               num(std::max(1.0, slot * 0.8)) + "\" height=\"" + num(h) + "\" data-count=\"" + std::to_string(count) +
               "\"><title>" + hh_mm(start) + " " + std::to_string(count) + "</title></rect>";
        if (i % label_every == 0)
            svg += "<text x=\"" + num(x) + "\" y=\"" + std::to_string(kHeight - 10) + "\" font-size=\"11\">" +
                   hh_mm(start) + "</text>";
    }
    svg += "</svg>";
    return svg;
}

} // namespace sekisho::gateway
