// `posdrill play`: a scenario in the terminal. Three ways to answer, one engine:
// interactive (stdin is a TTY), scripted (--inputs FILE, or answers piped on stdin) and
// automatic (--auto best|critical). Scripted and automatic runs use a fake clock and seed 1 by
// default, so the same answers always print the same transcript.
//
// With --operator the attempt is recorded in the kiosk's database as the kiosk records it (one
// committed event per answer, an award when a pass completes a track). Recording prints nothing
// to stdout except in --json, so the transcript is the same with or without it.

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include "cli/commands.h"
#include "cli/recording.h"
#include "device_bridge/emulation.h"
#include "kiosk/core/certification.h"
#include "kiosk/store/recorder.h"
#include "scenarios/graph.h"
#include "scenarios/result_json.h"
#include "scenarios/style.h"
#include "scenarios/transcript.h"

namespace posdrill {

namespace {

// Think time charged per answer when the script does not say ("2 @45s" says 45 seconds).
constexpr int64_t default_answer_ms = 10'000;

struct Answer {
  std::string token;
  std::optional<int64_t> elapsed_ms;
};

// "2", "check_status @45s", "hint", "skip". Returns false with `error` set on bad syntax.
bool parse_answer(const std::string& line, Answer& out, std::string& error) {
  std::string s = line;
  if (auto hash = s.find('#'); hash != std::string::npos) s.erase(hash);
  auto trim = [](std::string& v) {
    v.erase(0, v.find_first_not_of(" \t\r"));
    v.erase(v.find_last_not_of(" \t\r") + 1);
  };
  trim(s);
  out = {};
  if (auto at = s.find('@'); at != std::string::npos) {
    std::string t = s.substr(at + 1);
    s.erase(at);
    trim(s);
    trim(t);
    if (!t.empty() && t.back() == 's') t.pop_back();
    double secs = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), secs);
    if (ec != std::errc() || p != t.data() + t.size() || secs < 0 || secs > 86400) {
      error = "expected a time like @45s after the answer, got '@" + t + "'";
      return false;
    }
    out.elapsed_ms = static_cast<int64_t>(secs * 1000);
  }
  out.token = s;
  return true;
}

std::optional<int> parse_index(const std::string& token) {
  int v = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || p != token.data() + token.size()) return std::nullopt;
  return v;
}

// One keypad token of a `keys` line: a digit string (each digit pressed), menu, enter, cancel,
// clear, card / tap / swipe (the customer inserts, taps or swipes the card), pin / pin:wrong (the
// customer keys the PIN), supervisor.
bool valid_key_token(const std::string& t) {
  if (parse_card_input(t) || t == "pin" || t == "pin:wrong" || t == "supervisor") return true;
  if (parse_key(t)) return true;
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Session {
 public:
  Session(const Scenario& s, const Clock& clock, uint64_t seed)
      : scenario_(s), terminal_(&clock, s.setup), runner_(s, clock, seed, &terminal_) {}

  Runner& runner() { return runner_; }
  const TerminalRecord* last_lookup() const { return last_lookup_ ? &*last_lookup_ : nullptr; }
  const Screen* screen() const { return terminal_.scenario() ? &terminal_.scenario()->terminal().screen() : nullptr; }

  // The slips in the shop from what the terminal did before the story starts (the merchant copies,
  // and a cardholder copy the customer brought back): the trainee finds the voucher number, auth
  // code and date on them, as at the till.
  std::string history_slips(Lang lang) const {
    const ScenarioEmulation* emu = terminal_.scenario();
    if (!emu) return "";
    std::string out;
    for (const Receipt& r : emu->history_receipts()) {
      if (r.copy == Receipt::Copy::merchant)
        out += lang == Lang::zh ? "【此前的签购单】\n" : "[An earlier slip]\n";
      else
        out += lang == Lang::zh ? "【客人带来的签购单】\n" : "[The slip the customer brought]\n";
      for (const std::string& l : r.lines) out += "  " + l + "\n";
    }
    return out.empty() ? out : out + "\n";
  }

  void perform(const TerminalRequest& req) { perform_on_terminal(runner_, terminal_, req, last_lookup_); }

  // Applies one answer at a decision or terminal step. Returns "" or what was wrong with it.
  std::string apply(const std::string& token, Lang lang) {
    const Step& st = runner_.step();
    if (token == "hint" || token == "提示") {
      if (!runner_.take_hint()) return lang == Lang::zh ? "这一步没有更多提示了" : "no more hints at this step";
      return "";
    }
    if (st.kind == StepKind::decision) {
      const auto& shown = runner_.shown_choices();
      if (auto i = parse_index(token)) {
        if (*i < 1 || *i > int(shown.size()))
          return "expected a choice number 1–" + std::to_string(shown.size()) + ", got " + token;
        runner_.choose(shown[*i - 1]->id);
        return "";
      }
      if (runner_.choose(token)) return "";
      return "expected a choice number 1–" + std::to_string(shown.size()) + ", a choice id or 'hint' at step '" +
             st.id + "', got '" + token + "'";
    }
    if (st.kind == StepKind::terminal) {
      if (token == "skip" || token == "放弃") {
        runner_.give_up();
        return "";
      }
      if (token == "keys" || token.rfind("keys ", 0) == 0) return keys(token.substr(4), st);
      std::optional<TerminalOp> op;
      if (auto i = parse_index(token)) {
        if (*i < 1 || *i > terminal_op_count)
          return "expected a menu number 1–" + std::to_string(terminal_op_count) + ", got " + token;
        op = terminal_menu_op(*i);
      } else {
        op = parse_terminal_op(token);
      }
      if (!op)
        return "expected 'keys …', a terminal menu number, an operation name (e.g. balance_inquiry), 'hint' or "
               "'skip' at step '" +
               st.id + "', got '" + token + "'";
      // Keyed right: the original comes from the trainee's last look-up, else from the slip the
      // story starts with (not the newest pre-auth on the terminal, which may be one just made).
      TerminalRequest req = request_for(scenario_, st, *op, last_lookup());
      terminal_.quote_story_original(req);
      perform(req);
      return "";
    }
    return "this step takes no answer";
  }

  // Keys `request` at the device the way a trainee would (menu, digits, the customer's card and
  // PIN), from whatever the terminal shows now: the automatic player's way of doing a task.
  void key_request(const TerminalRequest& request) {
    const ScenarioEmulation* emu = terminal_.scenario();
    if (!emu) return;
    std::string line;
    for (const std::string& in : emu->terminal().plan_inputs(request, emu->card())) line += " " + in;
    if (!line.empty()) keys(line, runner_.step());
  }

 private:
  // `keys menu 5 card pin`: each token at the device, in order; the task ends when the terminal
  // has done something that ends it, and nothing may follow that.
  std::string keys(const std::string& line, const Step& task) {
    std::istringstream in(line);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) {
      if (!valid_key_token(t))
        return "expected keys: digits, menu, enter, cancel, clear, card, tap, swipe, pin, pin:wrong or "
               "supervisor, got '" +
               t + "'";
      tokens.push_back(t);
    }
    if (tokens.empty()) return "expected keys after 'keys', like: keys menu 5 card pin";
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (&runner_.step() != &task || runner_.finished())
        return "the task ended before '" + tokens[i] + "': nothing may follow on the same line";
      const std::string& t = tokens[i];
      if (auto mode = parse_card_input(t)) {
        terminal_.present_card(*mode);
      } else if (t == "pin" || t == "pin:wrong") {
        terminal_.customer_pin(t == "pin:wrong");
      } else if (t == "supervisor") {
        terminal_.supervisor();
      } else if (auto k = parse_key(t)) {
        terminal_.press(*k);
      } else {
        for (char c : t) terminal_.press(digit_key(c - '0'));
      }
      runner_.note_inputs(terminal_.take_inputs());
      for (const auto& r : terminal_.poll()) {
        if (r.op == TerminalOp::transaction_query) last_lookup_ = r;
        runner_.observe(r);
      }
    }
    return "";
  }

  const Scenario& scenario_;
  EmulatedTerminalPort terminal_;  // the trainee's time flows into the emulation
  Runner runner_;
  std::optional<TerminalRecord> last_lookup_;
};

void advance_narratives(Runner& r) {
  while (!r.finished() && r.step().kind == StepKind::narrative) r.advance();
}

int finish(const Scenario& s, const AttemptResult& res, const PlayOptions& o, Lang lang, bool print_transcript,
           Recording& rec, const std::string& preface) {
  if (!rec.finish(res, false)) return exit_usage;
  if (o.json) {
    nlohmann::json j = result_json(res);
    if (!o.operator_id.empty()) j["operator"] = o.operator_id;
    j["lang"] = lang_code(lang);
    rec.annotate(j);
    std::cout << j.dump(2) << '\n';
  } else {
    if (print_transcript) std::cout << render_transcript(s, res, lang, preface);
    rec.tell(o.operator_id);
  }
  return res.passed ? exit_ok : exit_failed;
}

// A run that stops before its end (bad script, end of input) is kept as abandoned.
int stop(const AttemptResult& res, Recording& rec, int code) {
  rec.finish(res, true);
  return code;
}

// The automatic player keys every terminal task on the device as a trainee would, so its
// transcript shows the screens and keys of each task.
int play_auto(const Scenario& s, const PlayOptions& o, Lang lang, uint64_t seed, Recording& rec) {
  FakeClock clock;
  Session session(s, clock, seed);
  Runner& r = session.runner();
  AutoPlayer player(s, o.auto_mode == "critical" ? AutoMode::critical : AutoMode::best);
  // shortest / longest: the questions answered by length, as a trainee who does not read.
  if (o.auto_mode == "shortest" || o.auto_mode == "longest") {
    const bool longest = o.auto_mode == "longest";
    player.choose_with([longest, lang](const Step& q) { return extreme_by_length(q, longest, lang); });
  }
  // Each step takes a few actions at most (a look-up, then the task); this bound only stops a bug.
  const std::size_t max_actions = 4 * s.steps.size() + 16;
  for (std::size_t n = 0; n < max_actions && !r.finished(); ++n) {
    const AutoAction a = player.next(r, session.last_lookup());
    if (a.kind == AutoAction::advance) {
      r.advance();
      continue;
    }
    clock.advance_ms(default_answer_ms);
    if (a.kind == AutoAction::choose)
      r.choose(a.choice_id);
    else if (a.kind == AutoAction::give_up)
      r.give_up();
    else
      session.key_request(a.request);
  }
  if (!r.finished()) {
    std::cerr << "posdrill play: the automatic player did not reach an end of '" << s.id << "'\n";
    return stop(r.result(), rec, exit_usage);
  }
  // The automatic player answers all at once; its steps are committed one event each all the same.
  if (!rec.steps(r.result())) return stop(r.result(), rec, exit_usage);
  return finish(s, r.result(), o, lang, true, rec, session.history_slips(lang));
}

int play_scripted(const Scenario& s, const PlayOptions& o, Lang lang, uint64_t seed, std::istream& in,
                  const std::string& source, Recording& rec) {
  FakeClock clock;
  Session session(s, clock, seed);
  Runner& r = session.runner();
  std::string line;
  int line_no = 0;
  advance_narratives(r);
  while (!r.finished()) {
    if (!std::getline(in, line)) {
      std::cerr << source << ": the answers ended at step '" << r.step().id << "' before the scenario did\n";
      return stop(r.result(), rec, exit_usage);
    }
    ++line_no;
    Answer a;
    std::string error;
    if (!parse_answer(line, a, error)) {
      std::cerr << source << ":" << line_no << ": " << error << '\n';
      return stop(r.result(), rec, exit_usage);
    }
    if (a.token.empty()) continue;
    if (a.token != "hint" && a.token != "提示") clock.advance_ms(a.elapsed_ms.value_or(default_answer_ms));
    error = session.apply(a.token, lang);
    if (!error.empty()) {
      std::cerr << source << ":" << line_no << ": " << error << '\n';
      return stop(r.result(), rec, exit_usage);
    }
    advance_narratives(r);
    if (!rec.steps(r.result())) return stop(r.result(), rec, exit_usage);
  }
  return finish(s, r.result(), o, lang, true, rec, session.history_slips(lang));
}

int play_interactive(const Scenario& s, const PlayOptions& o, Lang lang, uint64_t seed, Recording& rec) {
  SteadyClock clock;
  Session session(s, clock, seed);
  Runner& r = session.runner();
  std::size_t printed = 0;
  auto print_new = [&] {
    const auto& steps = r.result().steps;
    for (; printed < steps.size(); ++printed) std::cout << render_step(s, steps[printed], lang, false);
  };
  std::cout << render_header(s, lang) << session.history_slips(lang);
  const char* help =
      lang == Lang::zh ? "(输入编号作答;输入 hint 查看提示" : "(type a number to answer; 'hint' for a hint";
  std::cout << help
            << (lang == Lang::zh ? ";终端任务用 keys 按键,如 keys menu 5 card pin;skip 放弃)\n\n"
                                 : "; at a terminal task press keys, e.g. keys menu 5 card pin; 'skip' gives up)\n\n");
  advance_narratives(r);
  print_new();
  int hints_shown = 0;
  while (!r.finished()) {
    if (const Screen* screen = session.screen(); screen && r.step().kind == StepKind::terminal) {
      std::cout << (lang == Lang::zh ? "【终端屏幕】" : "[Terminal screen] ") << screen->title.get(lang);
      for (const Text& l : screen->lines) std::cout << " | " << l.get(lang);
      std::cout << '\n';
    }
    std::cout << render_question(r, lang) << "> " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
      std::cout << '\n' << (lang == Lang::zh ? "练习已中止,未完成。" : "Attempt abandoned, not finished.") << '\n';
      return stop(r.result(), rec, exit_failed);
    }
    Answer a;
    std::string error;
    if (parse_answer(line, a, error) && !a.token.empty()) error = session.apply(a.token, lang);
    if (!error.empty()) {
      std::cout << error << "\n\n";
      continue;
    }
    if (a.token == "hint" || a.token == "提示") {
      const Step& st = r.step();
      int taken = int(st.hints.size()) - r.hints_left();
      for (; hints_shown < taken; ++hints_shown)
        std::cout << (lang == Lang::zh ? "【提示】" : "[Hint] ") << st.hints[hints_shown].text.get(lang) << "\n\n";
      continue;
    }
    hints_shown = 0;
    advance_narratives(r);
    if (!rec.steps(r.result())) return stop(r.result(), rec, exit_usage);
    print_new();
  }
  if (!rec.finish(r.result(), false)) return exit_usage;
  std::cout << render_summary(s, r.result(), lang);
  if (o.json) {
    nlohmann::json j = result_json(r.result());
    rec.annotate(j);
    std::cout << j.dump(2) << '\n';
  }
  rec.tell(o.operator_id);
  return r.result().passed ? exit_ok : exit_failed;
}

}  // namespace

int cmd_play(const Settings& settings, const PlayOptions& o) {
  if (!o.auto_mode.empty() && o.auto_mode != "best" && o.auto_mode != "critical" && o.auto_mode != "shortest" &&
      o.auto_mode != "longest") {
    std::cerr << "posdrill play: --auto takes best, critical, shortest or longest, got '" << o.auto_mode << "'\n";
    return exit_usage;
  }
  if (!o.auto_mode.empty() && !o.inputs_file.empty()) {
    std::cerr << "posdrill play: give either --auto or --inputs, not both\n";
    return exit_usage;
  }
  ContentSet set = load_content(settings.content_dir);
  const Scenario* s = set.find(o.scenario_id);
  if (!s) {
    bool broken = false;
    for (const auto& d : set.errors)
      if (std::filesystem::path(d.file).stem() == o.scenario_id) {
        std::cerr << d.to_string() << '\n';
        broken = true;
      }
    if (broken) {
      std::cerr << "posdrill play: scenario '" << o.scenario_id
                << "' has content errors (above) and cannot be played\n";
    } else {
      std::vector<std::string_view> ids;
      for (const auto& sc : set.scenarios) ids.push_back(sc.id);
      std::cerr << "posdrill play: no scenario '" << o.scenario_id << "'" << suggest(o.scenario_id, ids)
                << "; posdrill list shows them all\n";
    }
    return exit_usage;
  }
  Lang lang = o.lang.value_or(settings.lang);
  std::ifstream inputs;
  if (o.auto_mode.empty() && !o.inputs_file.empty() && o.inputs_file != "-") {
    inputs.open(o.inputs_file);
    if (!inputs) {
      std::cerr << "posdrill play: cannot read " << o.inputs_file << '\n';
      return exit_usage;
    }
  }
  const bool scripted = !o.auto_mode.empty() || inputs.is_open() || o.inputs_file == "-" || !isatty(STDIN_FILENO);
  const uint64_t seed = scripted ? o.seed.value_or(1) : o.seed.value_or(std::random_device{}());
  // The seed picks the scenario's figures too (content/README.md, "Figures that vary").
  const Scenario& played = scenario_for_seed(*s, seed);

  if (o.wire && !o.auto_mode.empty()) {
    std::cerr << "posdrill play: --auto keys the emulator; with --wire the terminal is keyed by hand\n";
    return exit_usage;
  }
  if (!o.wire && (!o.upstream.empty() || !o.test_hosts.empty() || !o.profile.empty())) {
    std::cerr << "posdrill play: --upstream, --test-host and --profile go with --wire\n";
    return exit_usage;
  }

  // --operator: the attempt is recorded for someone who exists and may sign in.
  std::unique_ptr<SqliteStore> store;
  Recording rec;
  if (!o.operator_id.empty()) {
    store = open_database(settings, "play", Access::write);
    if (!store) return exit_usage;
    const auto op = store->find_operator(o.operator_id);
    if (!op.ok()) return read_failed("play", op.status);
    if (!op || !op->active) {
      std::cerr << "posdrill play: "
                << (op ? "operator '" + o.operator_id + "' is deactivated" : "no operator '" + o.operator_id + "'")
                << "; posdrill operators list shows who can play\n";
      return exit_usage;
    }
    rec = Recording(*store, set, statement_site(settings));
    // On the hand-keyed terminal the record begins once the line is up and the trainer's
    // preparation keyed, so a refused upstream or an absent terminal leaves no attempt behind.
    if (!o.wire && !rec.begin(o.operator_id, *s, seed, lang, TerminalKind::emulated)) return exit_usage;
  }

  if (o.wire) {
    const WireRecording wr{rec, [&] {
                             return o.operator_id.empty() ||
                                    rec.begin(o.operator_id, *s, seed, lang, TerminalKind::real);
                           }};
    if (inputs.is_open()) return play_wire(settings, set, played, o, lang, seed, inputs, o.inputs_file, false, wr);
    return play_wire(settings, set, played, o, lang, seed, std::cin, "<stdin>", !scripted, wr);
  }

  if (!o.auto_mode.empty()) return play_auto(played, o, lang, seed, rec);
  if (inputs.is_open()) return play_scripted(played, o, lang, seed, inputs, o.inputs_file, rec);
  if (scripted) return play_scripted(played, o, lang, seed, std::cin, "<stdin>", rec);
  return play_interactive(played, o, lang, seed, rec);
}

}  // namespace posdrill
