#include "kiosk/core/replay.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/answer_view.h"

namespace posdrill {

namespace {

Text text_of(const nlohmann::json& j, const char* key) {
  Text t;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return t;
  t.zh = it->value("zh", "");
  t.en = it->value("en", "");
  return t;
}

}  // namespace

std::vector<ReplayStep> replay_steps(const std::vector<AttemptEventRow>& events, const Scenario* scenario) {
  std::vector<ReplayStep> out;
  for (const AttemptEventRow& e : events) {
    ReplayStep r;
    r.seq = e.seq;
    r.step_id = e.step_id;
    r.choice_id = e.choice_id;
    r.points = e.points;
    r.max_points = e.max_points;
    r.critical = e.critical;
    r.mistake = e.mistake;
    // A bad payload still shows the plain columns: one unreadable event never hides the others.
    const nlohmann::json j = nlohmann::json::parse(e.payload, nullptr, false);
    if (!j.is_object()) {
      r.unreadable = true;
      out.push_back(std::move(r));
      continue;
    }
    r.kind = j.value("kind", "");
    r.prompt = text_of(j, "prompt");
    r.text = text_of(j, "text");
    r.customer = text_of(j, "customer");
    r.feedback = text_of(j, "feedback");
    r.terminal_success = j.value("success", false);
    r.gave_up = j.value("gave_up", false);
    if (const auto h = j.find("hints"); h != j.end() && h->is_array())
      for (const auto& x : *h)
        if (x.is_object()) r.hints.push_back(Text{x.value("zh", ""), x.value("en", "")});
    const Step* step = scenario ? scenario->find(r.step_id) : nullptr;
    if (const auto sc = j.find("shown_choices"); sc != j.end() && sc->is_array() && step) {
      for (const auto& id : *sc)
        if (const Text* text = id.is_string() ? choice_text(step, id.get<std::string>()) : nullptr)
          r.shown.push_back(*text);
    }
    if (const Text* chosen = choice_text(step, r.choice_id)) r.chosen = *chosen;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace posdrill
