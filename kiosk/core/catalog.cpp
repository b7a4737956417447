// The catalog view model.

#include "kiosk/core/catalog.h"

#include <algorithm>
#include <tuple>

namespace posdrill {

std::string topic_string_key(Topic t) {
  std::string key = "topic.";
  key += topic_id(t);
  return key;
}

namespace {

std::string topic_label(Topic t, const UiStrings& strings, Lang lang) {
  const std::string key = topic_string_key(t);
  // The engine has its own topic names; use them rather than a placeholder if strings.yaml
  // lost the entry, since the catalog's grouping would be unreadable without titles.
  if (!strings.contains(key)) return topic_title(t).get(lang);
  return strings.tr(key, lang);
}

std::string difficulty_label(int difficulty, const UiStrings& strings, Lang lang) {
  return strings.tr("difficulty." + std::to_string(difficulty), lang);
}

CatalogCard make_card(const Scenario& s, const UiStrings& strings, Lang lang) {
  CatalogCard c;
  c.scenario_id = s.id;
  c.difficulty = s.difficulty;
  c.minutes = s.minutes;
  c.decisions = s.decision_count();
  c.title = s.title.get(lang);
  c.summary = s.summary.get(lang);
  c.difficulty_label = difficulty_label(s.difficulty, strings, lang);
  c.minutes_label = fill_count(strings.tr("catalog.minutes", lang), s.minutes);
  c.decisions_label = tr_count(strings, "catalog.decisions", c.decisions, lang);
  return c;
}

}  // namespace

CatalogView build_catalog_view(const std::vector<Scenario>& scenarios, const UiStrings& strings, Lang lang) {
  CatalogView v;
  v.lang = lang;
  v.app_title = strings.tr("app.title", lang);
  v.training_mark = strings.tr("app.training_mark", lang);
  v.lang_toggle = strings.tr("app.lang_toggle", lang);
  v.heading = strings.tr("catalog.title", lang);
  v.subtitle = strings.tr("catalog.subtitle", lang);

  for (Topic t : all_topics) {
    CatalogGroup g;
    g.topic = t;
    for (const Scenario& s : scenarios)
      if (s.topic == t) g.cards.push_back(make_card(s, strings, lang));
    if (g.cards.empty()) continue;
    std::sort(g.cards.begin(), g.cards.end(), [](const CatalogCard& a, const CatalogCard& b) {
      return std::tie(a.difficulty, a.minutes, a.scenario_id) < std::tie(b.difficulty, b.minutes, b.scenario_id);
    });
    g.title = topic_label(t, strings, lang);
    g.count_label = tr_count(strings, "catalog.scenarios", static_cast<long long>(g.cards.size()), lang);
    v.scenario_count += g.cards.size();
    v.groups.push_back(std::move(g));
  }

  if (v.scenario_count == 0) v.empty_message = strings.tr("catalog.empty", lang);
  return v;
}

}  // namespace posdrill
