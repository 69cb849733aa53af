// `sekishoctl report review`: the periodic review report (issue 16 item 5) from the registry
// the gateway's configuration names, as text, JSON, CSV or a printable HTML page. Reading
// only: the report changes nothing, so it needs no actor.
#include "ctl/report.hpp"

#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "pki/pem_io.hpp"
#include "review/collect.hpp"
#include "review/report_csv.hpp"
#include "review/report_html.hpp"
#include "review/report_json.hpp"
#include "review/report_tables.hpp"
#include "store/registry.hpp"

#include <iostream>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing it shares

namespace {

const std::string kUsage =
    "usage: sekishoctl report review [--config FILE] [--days N] [--format text|json|csv|html] [--out FILE]\n"
    "\n"
    "The periodic review (定期見直し) of the registry the gateway's configuration names:\n"
    "  - active users never logged in, or not for N days (break-glass accounts apart)\n"
    "  - devices (not revoked) never seen, or not for N days — the gateway records when it\n"
    "    admits a terminal, at most once an hour per device (registry.last_seen_flush)\n"
    "  - device certificates expiring within 30 days (a renewed device by its newest)\n"
    "  - administrators (roles admin, operator, auditor, security) and their last actions\n"
    "    in the ledger\n"
    "  - break-glass accounts, their periods and logins within the last N days\n"
    "  - locked accounts\n"
    "\n"
    "  --config FILE  the gateway's configuration (default: $SEKISHO_CONFIG, else\n"
    "                 /etc/sekisho/sekisho.yaml)\n"
    "  --days N       the review period in days, 1 to 3650 (default 90)\n"
    "  --format F     text (default), json, csv (one section per list, UTF-8 with BOM, safe to\n"
    "                 open in a spreadsheet) or html (a self-contained printable page in Japanese\n"
    "                 and English)\n"
    "  --out FILE     write the report to FILE (mode 0600: it names people) instead of stdout\n"
    "\n"
    "Times are Japan time (JST). Nothing is changed; to disable unused accounts see\n"
    "'sekishoctl user disable-unused'.\n";

std::string render_text(const review::ReviewReport& report) {
    std::string out = "periodic review of " + report.registry + " at " + review::jst_minutes(report.generated_at) +
                      " JST (period: " + std::to_string(report.options.days) + " days)\n";
    for (const auto& note : review::report_notes(report)) out += "\nWARNING: " + note.en + "\n";
    for (const auto& table : review::report_tables(report)) {
        out += "\n== " + table.en + " (" + std::to_string(table.rows.size()) + ")\n";
        if (table.rows.empty()) {
            out += "none\n";
            continue;
        }
        std::vector<std::vector<std::string>> rows{{}};
        for (const auto& column : table.columns) rows.front().push_back(column.en);
        rows.insert(rows.end(), table.rows.begin(), table.rows.end());
        out += render_table(rows);
    }
    return out;
}

int run_review(const CliArgs& args) {
    const std::string format = args.get("--format").value_or("text");
    if (format != "text" && format != "json" && format != "csv" && format != "html")
        throw UsageError("report review: --format wants text, json, csv or html, not '" + format + "'", kUsage);
    review::ReviewOptions options;
    if (const auto days = args.get("--days")) {
        try {
            options.days = static_cast<int>(parse_integer_option("--days", *days, 1, 3650));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("report review: ") + e.what(), kUsage);
        }
    }
    const config::Config config = load_registry_config(config_path_of(args), "report");
    const auto registry = store::open_registry(config.registry);
    const auto now = store::system_clock_now();
    const auto report = review::build_review_report(review::collect_review_input(*registry, options, now), options, now);
    const std::string text = format == "json"  ? review::render_json(report)
                             : format == "csv" ? review::render_csv(report)
                             : format == "html" ? review::render_html(report)
                                                : render_text(report);
    if (const auto out = args.get("--out")) {
        pki::write_file(*out, text, 0600);
        std::cerr << "report written to " << *out << "\n";
    } else {
        std::cout << text;
    }
    return 0;
}

} // namespace

int run_report(const std::vector<std::string>& args) {
    const std::string& name = subcommand_word(args, 0, "report", kUsage);
    if (is_help(name)) {
        std::cout << kUsage;
        return 0;
    }
    if (name != "review") unknown_subcommand("report", name, kUsage);
    const auto rest = subcommand_args(args, 0);
    if (asks_for_help(rest)) {
        std::cout << kUsage;
        return 0;
    }
    CliArgs parsed;
    parse_subcommand_args("report", name, kUsage, [&] {
        parsed = parse_args(rest, {{"--config"}, {"--days"}, {"--format"}, {"--out"}}, 0);
    });
    return run_review(parsed);
}

} // namespace sekisho::ctl
