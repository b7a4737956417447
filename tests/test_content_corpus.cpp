// The broken-content corpus: tests/content/broken/*.yaml. Each file is a small scenario with exactly
// one defect, and its first line says what the validator must report:
//
//   # expect: LINE:COLUMN: MESSAGE
//
// LINE:COLUMN: MESSAGE is exactly what `posdrill lint FILE` prints after "FILE:". To add a case, write
// the file with a placeholder first line, run the linter on it, check that the position really points
// at the defect and that the message tells a trainer what to fix, then paste the output in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "scenarios/loader.h"

#ifndef POSDRILL_TEST_BROKEN_DIR
#error "POSDRILL_TEST_BROKEN_DIR must name the folder of broken scenario files"
#endif

namespace {

namespace fs = std::filesystem;

constexpr std::size_t min_corpus_files = 24;

struct Expectation {
  bool found = false;  // the first line has the "# expect: LINE:COLUMN: MESSAGE" form
  int line = 0;
  int column = 0;
  std::string message;
};

fs::path broken_dir() { return fs::path(POSDRILL_TEST_BROKEN_DIR); }

// Every *.yaml in the corpus folder, sorted by name.
std::vector<fs::path> corpus_files() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(broken_dir(), ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Reads "# expect: LINE:COLUMN: MESSAGE" from the first line of `file`.
Expectation read_expectation(const fs::path& file) {
  Expectation e;
  std::ifstream in(file, std::ios::binary);
  std::string first;
  if (!in || !std::getline(in, first)) return e;
  if (!first.empty() && first.back() == '\r') first.pop_back();
  const std::string prefix = "# expect: ";
  if (first.compare(0, prefix.size(), prefix) != 0) return e;
  std::string_view rest = std::string_view(first).substr(prefix.size());
  auto colon1 = rest.find(':');
  if (colon1 == std::string_view::npos) return e;
  auto colon2 = rest.find(": ", colon1 + 1);
  if (colon2 == std::string_view::npos) return e;
  if (!parse_int(rest.substr(0, colon1), e.line)) return e;
  if (!parse_int(rest.substr(colon1 + 1, colon2 - colon1 - 1), e.column)) return e;
  e.message = std::string(rest.substr(colon2 + 2));
  e.found = !e.message.empty();
  return e;
}

std::string describe(const std::vector<posdrill::Diagnostic>& diags) {
  std::ostringstream o;
  o << diags.size() << " diagnostic(s)";
  for (const auto& d : diags) o << "\n  " << d.line << ':' << d.column << ": " << d.message;
  return o.str();
}

// The diagnostics of `set` that belong to the file named `name` (compared by file name only).
std::vector<posdrill::Diagnostic> errors_of(const posdrill::ContentSet& set, const fs::path& name) {
  std::vector<posdrill::Diagnostic> out;
  for (const auto& d : set.errors)
    if (fs::path(d.file).filename() == name.filename()) out.push_back(d);
  return out;
}

// The project's content/scenarios folder: from the compile definition when there is one, else
// found from the corpus folder (<root>/tests/content/broken).
fs::path shipped_scenarios_dir() {
#ifdef POSDRILL_TEST_CONTENT_DIR
  return fs::path(POSDRILL_TEST_CONTENT_DIR) / "scenarios";
#else
  fs::path broken = broken_dir().lexically_normal();
  if (!broken.has_filename()) broken = broken.parent_path();  // a trailing '/'
  return broken.parent_path().parent_path().parent_path() / "content" / "scenarios";
#endif
}

// A temporary folder, removed again when the test is over.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned long long> dist;
    for (int tries = 0; tries < 100 && path.empty(); ++tries) {
      fs::path p = fs::temp_directory_path() / ("posdrill_corpus_" + std::to_string(dist(rd)));
      std::error_code ec;
      if (fs::create_directory(p, ec)) path = p;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace

TEST_CASE("every broken scenario in the corpus gives exactly its expected diagnostic", "[content][corpus]") {
  const auto files = corpus_files();
  INFO("corpus folder: " << broken_dir().string());
  // Every file found is checked below: one without an expectation line fails, it is never skipped.
  REQUIRE(files.size() >= min_corpus_files);

  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      INFO("file: " << file.string());
      const Expectation want = read_expectation(file);
      {
        INFO("the first line must read '# expect: LINE:COLUMN: MESSAGE'");
        REQUIRE(want.found);
      }

      const posdrill::ContentSet set = posdrill::load_content(file);
      INFO("expected " << want.line << ':' << want.column << ": " << want.message);
      INFO("got " << describe(set.errors));
      CHECK(set.files_read == 1);
      CHECK(set.scenarios.empty());
      REQUIRE(set.errors.size() == 1);
      const posdrill::Diagnostic& got = set.errors.front();
      CHECK(fs::path(got.file).filename() == file.filename());
      REQUIRE(got.line == want.line);
      REQUIRE(got.column == want.column);
      REQUIRE(got.message == want.message);
    }
  }
}

TEST_CASE("one broken file never stops the good ones from loading", "[content][corpus]") {
  const auto broken = corpus_files();
  REQUIRE(broken.size() >= min_corpus_files);

  // A valid scenario to put among the broken ones: the first shipped one that loads cleanly alone.
  const fs::path shipped = shipped_scenarios_dir();
  INFO("shipped scenarios: " << shipped.string());
  fs::path good;
  std::string good_id;
  {
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(shipped, ec))
      if (e.is_regular_file(ec) && e.path().extension() == ".yaml") candidates.push_back(e.path());
    std::sort(candidates.begin(), candidates.end());
    for (const auto& c : candidates) {
      const auto alone = posdrill::load_content(c);
      if (alone.errors.empty() && alone.scenarios.size() == 1) {
        good = c;
        good_id = alone.scenarios.front().id;
        break;
      }
    }
  }
  REQUIRE_FALSE(good.empty());
  INFO("good scenario: " << good.string() << " (id " << good_id << ")");

  TempDir tmp;
  REQUIRE_FALSE(tmp.path.empty());
  INFO("temp folder: " << tmp.path.string());
  for (const auto& f : broken) fs::copy_file(f, tmp.path / f.filename());
  REQUIRE_FALSE(fs::exists(tmp.path / good.filename()));
  fs::copy_file(good, tmp.path / good.filename());

  const posdrill::ContentSet set = posdrill::load_content(tmp.path);
  INFO("errors: " << describe(set.errors));
  CHECK(set.files_read == static_cast<int>(broken.size() + 1));

  // The good one loads...
  REQUIRE(set.scenarios.size() == 1);
  CHECK(set.scenarios.front().id == good_id);
  CHECK(errors_of(set, good).empty());

  // ...and each broken file still reports exactly its own diagnostic, nothing more or less.
  CHECK(set.errors.size() == broken.size());
  for (const auto& f : broken) {
    INFO("file: " << f.filename().string());
    const Expectation want = read_expectation(f);
    const auto diags = errors_of(set, f);
    INFO("got " << describe(diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags.front().line == want.line);
    CHECK(diags.front().column == want.column);
    CHECK(diags.front().message == want.message);
  }
}
