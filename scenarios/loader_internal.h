// Internal to the content loader, whose code is spread over loader.cpp (files, folders, tracks and
// test hosts), scenario_schema.cpp and figures.cpp; all of it reads through yaml_reader.h. Not part
// of the loader's interface: nothing else includes this header.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader.h"
#include "scenarios/yaml_reader.h"

namespace posdrill::loader_internal {

using Keys = YamlReader::Keys;

// A scenario, track or test host id: 3 to 48 lowercase letters, digits or _.
bool valid_id(std::string_view s);

// One fault of setup.faults (or of a history entry: no request, no op), as also read on its own
// from a fault script.
std::optional<Fault> read_fault(YamlReader& r, const YAML::Node& m, bool in_history);

// The whole scenario below `root`, figures already filled in (scenario_schema.cpp).
void read_scenario(YamlReader& r, const YAML::Node& root, Scenario& s);

// Figures that vary (figures.cpp): one set is a value for every figure of the file.
struct Figure {
  std::string name;
  Text value;                 // zh == en unless written per language
  bool per_language = false;  // written as {zh, en}: only a text can take it
};
using FigureSet = std::vector<Figure>;

// Reads the figures block and checks every placeholder of the file against it. Returns the sets
// (empty when the file has none, or on an error, which `r` has reported).
std::vector<FigureSet> read_figures(YamlReader& r, const YAML::Node& root, std::string_view text);
// Fills every placeholder of the tree (figures block aside) with `set`'s values, in place.
void fill_figures(const YAML::Node& root, const FigureSet& set);

}  // namespace posdrill::loader_internal
