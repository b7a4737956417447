#include "scenarios/graph.h"

#include <algorithm>
#include <functional>

namespace posdrill {

namespace {

// The steps a step leads to, in file order.
std::vector<std::string> successors(const Step& st) {
  std::vector<std::string> out;
  switch (st.kind) {
    case StepKind::narrative:
      out.push_back(st.next);
      break;
    case StepKind::decision:
      for (const auto& c : st.choices) out.push_back(c.next);
      break;
    case StepKind::terminal:
      for (const auto& o : st.outcomes)
        if (std::find(out.begin(), out.end(), o.next) == out.end()) out.push_back(o.next);
      break;
    case StepKind::end:
      break;
  }
  return out;
}

template <typename T, typename F>
T memo_walk(const Scenario& s, const std::string& id, std::unordered_map<std::string, T>& memo, F&& visit) {
  if (auto it = memo.find(id); it != memo.end()) return it->second;
  const Step* st = s.find(id);
  T v = st ? visit(*st) : T{};
  memo[id] = v;
  return v;
}

}  // namespace

std::unordered_map<std::string, int> best_remaining(const Scenario& s, bool safe_only) {
  std::unordered_map<std::string, int> memo;
  std::function<int(const std::string&)> best = [&](const std::string& id) -> int {
    return memo_walk<int>(s, id, memo, [&](const Step& st) {
      switch (st.kind) {
        case StepKind::narrative:
          return best(st.next);
        case StepKind::end:
          return 0;
        case StepKind::terminal: {
          int b = -1;
          for (const auto& o : st.outcomes)
            if (!(safe_only && o.critical)) b = std::max(b, o.points + best(o.next));
          return std::max(b, 0);
        }
        case StepKind::decision: {
          int b = -1;
          for (const auto& c : st.choices)
            if (!(safe_only && c.critical)) b = std::max(b, c.points + best(c.next));
          return std::max(b, 0);
        }
      }
      return 0;
    });
  };
  for (const auto& st : s.steps) best(st.id);
  return memo;
}

std::unordered_map<std::string, bool> reaches_critical(const Scenario& s) {
  std::unordered_map<std::string, bool> memo;
  std::function<bool(const std::string&)> walk = [&](const std::string& id) -> bool {
    return memo_walk<bool>(s, id, memo, [&](const Step& st) {
      switch (st.kind) {
        case StepKind::narrative:
          return walk(st.next);
        case StepKind::end:
          return false;
        case StepKind::terminal:
          return std::any_of(st.outcomes.begin(), st.outcomes.end(),
                             [&](const Outcome& o) { return o.critical || walk(o.next); });
        case StepKind::decision:
          return std::any_of(st.choices.begin(), st.choices.end(),
                             [&](const Choice& c) { return c.critical || walk(c.next); });
      }
      return false;
    });
  };
  for (const auto& st : s.steps) walk(st.id);
  return memo;
}

void check_graph(Scenario& s, std::vector<Diagnostic>& out) {
  auto err = [&](SourcePos p, std::string msg) { out.push_back({s.file, p.line, p.column, std::move(msg)}); };
  const std::size_t before = out.size();

  std::unordered_map<std::string, const Step*> by_id;
  std::vector<std::string_view> ids;
  for (const auto& st : s.steps) {
    auto [it, fresh] = by_id.emplace(st.id, &st);
    if (!fresh)
      err(st.pos, "duplicate step id '" + st.id + "' (first at line " + std::to_string(it->second->pos.line) + ")");
    else
      ids.push_back(st.id);
  }
  auto check_link = [&](const std::string& target, SourcePos p, const std::string& from) {
    if (!by_id.count(target))
      err(p, from + " leads to '" + target + "', which is not a step in this file" + suggest(target, ids));
  };
  check_link(s.start, s.start_pos, "start");
  for (const auto& st : s.steps) {
    std::string from = "step '" + st.id + "'";
    if (st.kind == StepKind::narrative) check_link(st.next, st.next_pos, from);
    // Each distinct link once: the short form's two branches often share their target.
    std::vector<std::pair<std::string, int>> seen;
    for (const auto& o : st.outcomes) {
      std::pair<std::string, int> key{o.next, o.next_pos.line * 1000 + o.next_pos.column};
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      check_link(o.next, o.next_pos, from);
    }
    for (const auto& c : st.choices) check_link(c.next, c.next_pos, "choice '" + c.id + "'");
  }
  if (out.size() != before) return;  // the walks below need every link to resolve

  // Loops and reachability: one depth-first walk from start, in file order.
  enum Colour { white, grey, black };
  std::unordered_map<std::string, Colour> colour;
  std::vector<std::string> path;
  bool looped = false;
  std::function<void(const Step&)> dfs = [&](const Step& st) {
    colour[st.id] = grey;
    path.push_back(st.id);
    for (const auto& next : successors(st)) {
      Colour c = colour.count(next) ? colour[next] : white;
      if (c == grey && !looped) {
        looped = true;
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), next);
        for (auto it = from; it != path.end(); ++it) cycle += *it + " → ";
        // Point at the link that closes the loop, where the fix goes.
        SourcePos at = st.pos;
        if (st.kind == StepKind::decision) {
          for (const auto& ch : st.choices)
            if (ch.next == next) {
              at = ch.next_pos;
              break;
            }
        } else if (st.kind == StepKind::terminal) {
          for (const auto& o : st.outcomes)
            if (o.next == next) {
              at = o.next_pos;
              break;
            }
        } else {
          at = st.next_pos;
        }
        err(at, "this path never ends: it loops " + cycle + next +
                    ". Steps must never lead back; write a new step for a second try");
      } else if (c == white) {
        dfs(*by_id[next]);
      }
    }
    path.pop_back();
    colour[st.id] = black;
  };
  dfs(*by_id[s.start]);
  for (const auto& st : s.steps)
    if (!colour.count(st.id)) err(st.pos, "step '" + st.id + "' is never reached from start '" + s.start + "'");
  if (looped || out.size() != before) return;

  // Scoring.
  auto best = best_remaining(s, false);
  auto safe = best_remaining(s, true);
  s.max_points = best[s.start];
  s.best_safe_points = safe[s.start];
  if (s.max_points <= 0) {
    err(s.pass_mark_pos, "no path earns any points: give the right choices points");
  } else if (s.best_safe_points * 100 < s.pass_mark * s.max_points) {
    err(s.pass_mark_pos, "pass mark " + std::to_string(s.pass_mark) +
                             "% cannot be reached: the best path without critical errors earns " +
                             std::to_string(s.best_safe_points) + " of " + std::to_string(s.max_points) + " points (" +
                             std::to_string(s.best_safe_points * 100 / s.max_points) + "%)");
  }
  bool any_critical = false;
  for (const auto& st : s.steps) {
    int top = st.max_points();
    for (const auto& c : st.choices) {
      any_critical = any_critical || c.critical;
      if (c.feedback.empty() && (c.critical || c.points < top))
        err(c.pos, "choice '" + c.id + "' is not the best answer (" + std::to_string(c.points) + " of " +
                       std::to_string(top) + " points" + (c.critical ? ", critical" : "") +
                       ") and needs 'feedback' that explains why");
    }
  }
  if (!any_critical) {
    SourcePos first = s.steps.empty() ? SourcePos{1, 1} : s.steps.front().pos;
    for (const auto& st : s.steps)
      if (st.kind == StepKind::decision) {
        first = st.pos;
        break;
      }
    err(first, "no choice is marked 'critical: true': every scenario needs at least one critical error to learn from");
  }
}

}  // namespace posdrill
