// JSON forms of content and results, shared by `posdrill list/lint/play --json` and later by
// the store and sync layers. Texts are {"zh": …, "en": …}.
#pragma once

#include <nlohmann/json.hpp>

#include "scenarios/loader.h"
#include "scenarios/runner.h"

namespace posdrill {

nlohmann::json text_json(const Text& t);
nlohmann::json terminal_record_json(const TerminalRecord& r);
nlohmann::json step_record_json(const StepRecord& r);
nlohmann::json result_json(const AttemptResult& r);
// {"id", "topic", "title", "decisions", "critical", ...} for the catalog.
nlohmann::json catalog_entry_json(const Scenario& s);
nlohmann::json diagnostic_json(const Diagnostic& d);

}  // namespace posdrill
