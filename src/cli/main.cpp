// Entry point of the `ramiel` command-line tool: parses arguments, dispatches to a subcommand and
// turns every error into one line on stderr and a non-zero exit.
#include <cstdio>
#include <exception>
#include <string>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "ramiel/error.h"

namespace ramiel::cli {
namespace {
int g_exit_code = 0;
}  // namespace

void set_exit_code(int code) { g_exit_code = code; }
int exit_code() { return g_exit_code; }

}  // namespace ramiel::cli

int main(int argc, char** argv) {
  CLI::App app{"ramiel: runs ONNX models faster at batch size 1 by executing independent parts in parallel"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ramiel 0.1.0");
  ramiel::cli::add_info_command(app);
  ramiel::cli::add_dot_command(app);
  ramiel::cli::add_run_command(app);
  ramiel::cli::add_bench_command(app);
  ramiel::cli::add_prune_command(app);
  ramiel::cli::add_profile_command(app);
  ramiel::cli::add_compile_command(app);
  if (argc > 1 && argv[1][0] != '-') {
    // CLI11 would report a stray word as "a subcommand is required"; name the typo instead.
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      found = found || sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found) {
      std::fprintf(stderr, "ramiel: error: unknown command '%s' (commands: %s)\n", argv[1], known.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ramiel: error: %s (see 'ramiel --help')\n", e.what());
    return 2;
  } catch (const ramiel::Error& e) {
    std::fprintf(stderr, "ramiel: error: %s\n", e.what());
    return e.kind() == ramiel::ErrorKind::kInvalidArgument ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "ramiel: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ramiel: error: internal: %s\n", e.what());
    return 1;
  }
  return ramiel::cli::exit_code();
}
