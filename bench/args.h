// The argument checks of the bench programs that write or open what their
// first arguments name: without them `gate_db --help 1000` wrote a database
// named --help.
#ifndef MMGATE_BENCH_ARGS_H_
#define MMGATE_BENCH_ARGS_H_

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace mmgate::bench {

// The arguments after the program's name.
inline std::vector<std::string> Args(int argc, char** argv) {
  return std::vector<std::string>(argv + 1, argv + argc);
}

// Removes `flag` from `args`; true when it was there.
inline bool TakeFlag(std::vector<std::string>* args, const std::string& flag) {
  const size_t before = args->size();
  std::erase(*args, flag);
  return args->size() != before;
}

// What main returns before it does anything, or nullopt to go on: 0 after
// --help or -h (the usage on stdout); 2, the usage on stderr, when there are
// fewer than `required` or more than `max` arguments, or one of the first
// `required` (the paths and counts) begins with '-', an option where a name
// belongs.
inline std::optional<int> CheckUsage(const std::vector<std::string>& args,
                                     size_t required, size_t max,
                                     const char* usage) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::printf("%s\n", usage);
      return 0;
    }
  }
  bool slip = args.size() < required || args.size() > max;
  for (size_t i = 0; i < required && i < args.size(); ++i)
    slip = slip || args[i].starts_with('-');
  if (!slip) return std::nullopt;
  std::fprintf(stderr, "%s\n", usage);
  return 2;
}

// Makes room for a new SQLite database at `url` (a path, sqlite:PATH or
// sqlite://PATH; a server URL is left to the store, which refuses a run id
// that exists). A file that is not empty is someone's data, or the last
// run's: false, with a message, unless `force`, which removes it and its
// journal files.
inline bool ClearDatabase(const std::string& url, bool force) {
  std::string path = url;
  if (path.starts_with("sqlite://"))
    path.erase(0, 9);
  else if (path.starts_with("sqlite:"))
    path.erase(0, 7);
  else if (path.find("://") != std::string::npos)
    return true;
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 || ec) return true;
  if (!force) {
    std::fprintf(stderr, "%s exists and is not empty; --force replaces it\n",
                 path.c_str());
    return false;
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ec);
  return true;
}

}  // namespace mmgate::bench

#endif  // MMGATE_BENCH_ARGS_H_
