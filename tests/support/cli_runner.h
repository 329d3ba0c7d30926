#pragma once
// Runs the built `ramiel` binary in tests and captures its exit code and output.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace ramiel::testing {

/// Exit code, stdout and stderr of one CLI run.
struct CliResult {
  int exit_code = -1;   ///< Process exit status (128+signal if killed).
  std::string out;      ///< Standard output.
  std::string err;      ///< Standard error.
};

/// Path of the ramiel binary (RAMIEL_BINARY_DIR/ramiel).
inline std::string ramiel_binary() {
  const char* dir = std::getenv("RAMIEL_BINARY_DIR");
  return std::string(dir ? dir : RAMIEL_TEST_BINARY_DIR) + "/ramiel";
}

/// Runs `ramiel ARGS` through the shell (args are passed verbatim; quote them yourself).
inline CliResult run_cli(const std::string& args) {
  static int counter = 0;
  std::string err_file = "/tmp/ramiel_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::string cmd = ramiel_binary() + " " + args + " 2>" + err_file;
  CliResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (FILE* e = std::fopen(err_file.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), e)) > 0) r.err.append(buf.data(), n);
    std::fclose(e);
  }
  std::remove(err_file.c_str());
  return r;
}

}  // namespace ramiel::testing
