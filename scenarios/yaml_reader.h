// Position-aware reading of YAML: typed access to a yaml-cpp tree in which every miss (a wrong
// type, a missing or unknown key, a value out of range) becomes a Diagnostic that names the file,
// the 1-based line and column, and what was expected. The content loader reads every schema with
// it; anything else that reads a YAML file for people to edit can use it the same way.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/loader.h"  // Diagnostic
#include "scenarios/model.h"

namespace posdrill {

// "a, b, c": the list an "expected one of: …" message names.
std::string join_keys(const std::vector<std::string_view>& items);

// Typed reads from one file's tree. Each reader reports what it could not read to the
// diagnostics it was given and returns nullopt (or an empty value); reading goes on, so one pass
// reports every problem of the file.
class YamlReader {
 public:
  using Keys = std::vector<std::string_view>;

  // `file` names the file in diagnostics; `out` collects them.
  YamlReader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  void error(const YAML::Mark& m, std::string msg) {
    out_.push_back({file_, m.line + 1, m.column + 1, std::move(msg)});
  }
  void error(const YAML::Node& n, std::string msg) { error(n.Mark(), std::move(msg)); }

  // A mapping whose keys are all in `allowed`; reports unknown and duplicate keys.
  bool map(const YAML::Node& n, std::string_view what, const Keys& allowed);
  // A mapping whose keys are the file's own (text keys, ids): each a plain value, each once.
  bool open_map(const YAML::Node& n, std::string_view what);
  // The value of `key`, or an undefined node (and an error when `required`).
  YAML::Node get(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // `n` as a single value (not a list or a map, not empty of a value), in UTF-8.
  std::optional<std::string> scalar(const YAML::Node& n, std::string_view key);
  // A value that is not empty.
  std::optional<std::string> string(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // The same, with its node, for checks of the caller's own that place their message on it.
  struct Placed {
    std::string text;
    YAML::Node node;
  };
  std::optional<Placed> placed_string(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // A whole number from lo to hi; `unit` ("seconds") is named in the messages when given.
  std::optional<int> integer(const YAML::Node& m, std::string_view key, std::string_view what, bool required, int lo,
                             int hi, std::string_view unit = {});
  // true or false.
  std::optional<bool> boolean(const YAML::Node& m, std::string_view key, std::string_view what);
  // An amount in CNY ("328.00"), in minor units.
  std::optional<int64_t> amount(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // A response code: two characters, digits or capitals ("00", "55", "A0").
  std::optional<std::string> response_code(const YAML::Node& m, std::string_view key, std::string_view what,
                                           bool required);
  // {zh: …, en: …}, both present and not empty.
  Text text(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // `n` itself as such a text, into `t`.
  void read_text(const YAML::Node& n, std::string_view key, Text& t);
  // For texts the program fills in: both languages use the same {names}, so neither shows a
  // "{amount}" raw or leaves a value out.
  void same_placeholders(const YAML::Node& n, std::string_view key, const Text& t);

  // While the returned guard lives, messages name each key as `prefix` + key ("lrs." + "timeout"),
  // the way a file with sections is documented. Guards nest.
  class Prefix {
   public:
    Prefix(YamlReader& r, std::string_view add) : r_(r), saved_(r.prefix_) { r.prefix_ += add; }
    ~Prefix() { r_.prefix_ = saved_; }
    Prefix(const Prefix&) = delete;
    Prefix& operator=(const Prefix&) = delete;

   private:
    YamlReader& r_;
    std::string saved_;
  };
  [[nodiscard]] Prefix within(std::string_view prefix) { return Prefix(*this, prefix); }
  // `key` as messages name it.
  std::string name(std::string_view key) const { return prefix_ + std::string(key); }

  SourcePos pos(const YAML::Node& n) const { return {n.Mark().line + 1, n.Mark().column + 1}; }
  std::size_t count() const { return out_.size(); }  // diagnostics so far
  const std::string& file() const { return file_; }

 private:
  // The keys of a map, read once: walking a yaml-cpp map costs two node copies a key, and the
  // loader asks each map for every key it knows. Keyed by the map's offset in the file and
  // checked by identity, so a node built in memory (no offset) is simply walked.
  struct Entry {
    YAML::Mark key;  // where the key is written: a value left out has no place of its own
    YAML::Node value;
  };
  struct MapIndex {
    YAML::Node node;
    std::unordered_map<std::string, Entry> values;
  };
  const MapIndex* index(const YAML::Node& m);
  // The entry of `key` in map `m`, if it has one.
  std::optional<Entry> find(const YAML::Node& m, std::string_view key);
  // The same, reporting its absence when `required`.
  std::optional<Entry> entry(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // The value of `key` as one value with its node; nullopt when absent (an error when
  // `required`), and after an error when it is a list or a map, nothing, or not UTF-8.
  std::optional<Placed> value(const YAML::Node& m, std::string_view key, std::string_view what, bool required);
  // The keys of map `n`: each plain and given once, and (when `allowed`) one of those.
  void check_keys(const YAML::Node& n, std::string_view what, const Keys* allowed);

  std::string file_;
  std::string prefix_;
  std::vector<Diagnostic>& out_;
  std::unordered_map<int, MapIndex> maps_;
};

// Whether a file with nothing in it (or only comments) is an error or simply says nothing.
enum class EmptyFile { error, allowed };

// Parses YAML, turning parser exceptions into a diagnostic. Returns false on a syntax error, and
// on an empty file unless it is allowed (then `root` is a null node).
bool parse_yaml(std::string_view text, const std::string& file, YAML::Node& root, std::vector<Diagnostic>& out,
                EmptyFile empty = EmptyFile::error);

// yaml-cpp counts columns in bytes; editors count characters. Chinese takes 3 bytes a character
// in UTF-8, so convert, or every position after Chinese text on a line would be off.
void columns_to_characters(std::string_view text, std::vector<Diagnostic>& diags);

// The frame every schema's loader shares: parse `text` and, unless the YAML itself is broken, run
// `read(reader, root)`; what yaml-cpp can still throw on exotic input (aliases to odd nodes)
// becomes a diagnostic, never an exception. Columns are left in bytes for the caller to convert.
template <class Read>
void read_yaml_text(std::string_view text, const std::string& file, std::vector<Diagnostic>& diags, Read read,
                    EmptyFile empty = EmptyFile::error) {
  YAML::Node root;
  if (!parse_yaml(text, file, root, diags, empty)) return;
  YamlReader r(file, diags);
  try {
    read(r, root);
  } catch (const YAML::Exception& e) {
    diags.push_back({file, e.mark.line + 1, e.mark.column + 1, "could not read this value: " + e.msg});
  }
}

}  // namespace posdrill
