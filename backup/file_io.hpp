// The few file operations a backup needs, each failure naming the file: reading a whole
// file, writing a new one durably (never replacing one), and making a folder's entries
// durable. A backup is worth something only once it is on the disk, and a restore must
// never overwrite what an operator did not mean to lose.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::backup {

// The file's bytes; throws std::runtime_error "<path>: cannot read: <why>".
std::string read_file(const std::string& path);

// Creates path (refused if anything is there) with mode, writes bytes, fsyncs.
void write_new_file(const std::string& path, std::string_view bytes, unsigned mode);

// fsync of a folder: the names created in it survive a crash.
void sync_directory(const std::string& path);

// The permission bits of path (0 when it cannot be read).
unsigned file_mode(const std::string& path);

} // namespace sekisho::backup
