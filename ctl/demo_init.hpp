// `sekishoctl demo init DIR`: a complete, self-contained demo installation in one folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sekisho::ctl {

struct DemoInitOptions {
    std::filesystem::path dir;
    std::string listen = "127.0.0.1:8443";
    std::string upstream = "http://127.0.0.1:8080";
    bool force = false; // overwrite an existing demo
};

// Parses the arguments after "init". Throws std::invalid_argument on a usage mistake.
DemoInitOptions parse_demo_init_options(const std::vector<std::string>& args);

// Creates the demo and prints a summary. Returns 1 (with a message on stderr) when DIR
// already holds a demo and force is not set; throws on any other failure.
int run_demo_init(const DemoInitOptions& options);

} // namespace sekisho::ctl
