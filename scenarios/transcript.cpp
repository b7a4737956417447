#include "scenarios/transcript.h"

#include <cstdio>
#include <sstream>

namespace posdrill {

namespace {

// Console labels. Kept beside the renderer because they frame the transcript format itself.
struct Label {
  const char* zh;
  const char* en;
};
const char* L(const Label& l, Lang lang) { return lang == Lang::zh ? l.zh : l.en; }

const Label l_scene = {"【情景】", "[Situation] "};
const Label l_customer = {"【客人】", "[Customer] "};
const Label l_terminal = {"【终端屏幕】", "[Terminal screen] "};
const Label l_sms = {"【客人手机短信】", "[Customer's phone SMS] "};
const Label l_decision = {"【您的决定】", "[Your decision] "};
const Label l_task = {"【终端操作】", "[Terminal task] "};
const Label l_menu = {"终端菜单:", "Terminal menu:"};
const Label l_chosen = {"您的选择:", "You chose:"};
const Label l_did = {"终端执行:", "Terminal did:"};
const Label l_keyed = {"键入", "Keyed"};
const Label l_requirement = {"⚠ 与终端状态不符:", "⚠ Does not match the terminal:"};
const Label l_hint = {"【提示】", "[Hint] "};
const Label l_feedback = {"【讲解】", "[Why] "};
const Label l_points = {"得分", "Points"};
const Label l_time = {"用时", "Time"};
const Label l_seconds = {"秒", "s"};
const Label l_overtime = {"(超时)", "(over the time limit)"};
const Label l_critical = {"⚠ 严重错误", "⚠ Critical error"};
const Label l_done = {"✓ 操作正确", "✓ Done right"};
const Label l_not_done = {"✗ 操作不符合要求", "✗ Not what was needed"};
const Label l_gave_up = {"✗ 未完成操作", "✗ Not done"};
const Label l_reversal = {"自动冲正已发送", "automatic reversal sent"};
const Label l_reversal_failed = {"冲正不成功", "reversal failed"};
const Label l_no_answer = {"未收到回复", "no reply"};
const Label l_not_sent = {"终端未发出", "not sent"};
const Label l_from_wire = {"取自主机线路", "from the host line"};
const Label l_end = {"【结局】", "[Outcome] "};
const Label l_result = {"成绩", "Result"};
const Label l_score = {"得分", "Score"};
const Label l_pass_mark = {"及格线", "pass mark"};
const Label l_hints_cost = {"提示扣分", "hints"};
const Label l_overtime_cost = {"超时扣分", "overtime"};
const Label l_criticals = {"严重错误", "critical errors"};
const Label l_passed = {"通过", "PASSED"};
const Label l_failed = {"未通过", "FAILED"};
const Label l_debrief = {"【复盘】", "[Debrief] "};
const Label l_rules = {"要记住的规则:", "Rules to remember:"};
const Label l_topic = {"主题", "Topic"};
const Label l_difficulty = {"难度", "Difficulty"};
const Label l_minutes = {"分钟", "min"};
const Label l_training = {"培训 TRAINING", "培训 TRAINING"};

// The terminal menu, in the order a CUP terminal lists its transactions.
const TerminalOp menu[] = {
    TerminalOp::sale,    TerminalOp::void_sale,          TerminalOp::refund,         TerminalOp::balance_inquiry,
    TerminalOp::preauth, TerminalOp::preauth_completion, TerminalOp::preauth_cancel, TerminalOp::transaction_query,
    TerminalOp::reprint, TerminalOp::settlement,         TerminalOp::sign_on};
static_assert(std::size(menu) == terminal_op_count);

// Indents every line after the first of a multi-line text so it stays under its label.
std::string indent(const std::string& s, const std::string& pad) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", double(ms) / 1000.0);
  return buf;
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", v * 100.0 + 1e-9);
  return buf;
}

void put(std::ostringstream& o, const Label& label, const Text& t, Lang lang) {
  if (!t.empty()) o << L(label, lang) << indent(t.get(lang), "  ") << '\n';
}

bool is_digit_key(const std::string& input) { return input.size() == 1 && input[0] >= '0' && input[0] <= '9'; }

// Two screen summaries ("title｜first line｜…") at the same prompt: title and first line alike.
bool same_prompt(const Text& a, const Text& b) {
  auto head = [](const std::string& s) {
    const std::string bar = "｜";
    const std::size_t first = s.find(bar);
    return first == std::string::npos ? s : s.substr(0, s.find(bar, first + bar.size()));
  };
  return head(a.zh) == head(b.zh);
}

// A keyed input as a trainee reads it: the key's label on the device, the cardholder's card and
// PIN (the cardholder, not "the customer": a friend may pay with his own card), the supervisor
// password (keyed by whoever holds it: the trainee when alone in the shop).
std::string keyed_label(const std::string& input, Lang lang) {
  static const struct {
    const char* input;
    Label label;
  } names[] = {{"menu", {"菜单", "Menu"}},
               {"enter", {"确认", "Enter"}},
               {"cancel", {"取消", "Cancel"}},
               {"clear", {"退格", "Clear"}},
               {"card", {"持卡人插卡", "cardholder's card"}},
               {"tap", {"持卡人挥卡", "cardholder taps the card"}},
               {"swipe", {"持卡人刷卡", "cardholder swipes the card"}},
               {"pin ******", {"持卡人输密码 ******", "cardholder's PIN ******"}},
               {"supervisor", {"输入主管密码 ******", "supervisor password ******"}}};
  for (const auto& n : names)
    if (input == n.input) return L(n.label, lang);
  return input;
}

}  // namespace

std::string describe(const TerminalRecord& r, Lang lang) {
  std::ostringstream o;
  o << terminal_op_label(r.op).get(lang);
  if (r.amount_minor) o << " " << format_amount(r.amount_minor);
  o << " → ";
  const std::string from = r.source == "wire" ? std::string(" [") + L(l_from_wire, lang) + "]" : std::string();
  if (r.reversal_failed) return o.str() + L(l_reversal_failed, lang) + "; " + r.screen.get(lang) + from;
  if (r.reversal_sent) o << L(l_reversal, lang) << "; ";
  o << r.screen.get(lang);
  // Only what went to the acquirer carries a response code; a look-up in the terminal's own list
  // or a reprint never leaves the device, and neither a refusal at the keypad nor a request whose
  // connection could not be made was ever sent (so there is nothing to reverse).
  if (r.keying_refused || r.not_sent)
    o << " (" << L(l_not_sent, lang) << ")";
  else if (!terminal_op_is_online(r.op))
    ;
  else if (!r.response_code.empty())
    o << " (" << r.response_code << ")";
  else
    o << " (" << L(l_no_answer, lang) << ")";
  return o.str() + from;
}

TerminalOp terminal_menu_op(int index_1based) {
  if (index_1based < 1 || index_1based > terminal_op_count) return TerminalOp::sale;
  return menu[index_1based - 1];
}

std::string render_header(const Scenario& s, Lang lang) {
  std::ostringstream o;
  o << "== " << s.title.get(lang) << " ==  [" << L(l_training, lang) << "]\n";
  o << L(l_topic, lang) << ": " << topic_title(s.topic).get(lang) << " · " << L(l_difficulty, lang) << " "
    << s.difficulty << "/3 · " << s.minutes << " " << L(l_minutes, lang) << " · " << L(l_pass_mark, lang) << " "
    << s.pass_mark << "%\n";
  o << s.summary.get(lang) << "\n\n";
  return o.str();
}

std::string render_question(const Runner& r, Lang lang) {
  std::ostringstream o;
  const Step& st = r.step();
  if (st.kind == StepKind::decision) {
    o << L(l_decision, lang) << st.prompt.get(lang) << '\n';
    int i = 1;
    for (const Choice* c : r.shown_choices()) o << "  " << i++ << ") " << indent(c->text.get(lang), "     ") << '\n';
  } else if (st.kind == StepKind::terminal) {
    o << L(l_task, lang) << st.prompt.get(lang) << '\n' << "  " << L(l_menu, lang) << '\n';
    for (int i = 0; i < terminal_op_count; ++i)
      o << "    " << (i + 1) << ") " << terminal_op_label(menu[i]).get(lang) << '\n';
  }
  return o.str();
}

std::string render_step(const Scenario& s, const StepRecord& rec, Lang lang, bool with_question) {
  std::ostringstream o;
  const Step* st = s.find(rec.step_id);
  switch (rec.kind) {
    case StepKind::narrative:
    case StepKind::end:
      put(o, rec.kind == StepKind::end ? l_end : l_scene, rec.text, lang);
      // What the story's own operation did comes before what followed from it: the bank's SMS
      // (`sms: bank`) is sent because of that operation, so it must not read as coming first.
      for (const auto& t : rec.terminal_records) o << L(l_did, lang) << ' ' << describe(t, lang) << '\n';
      put(o, l_terminal, rec.terminal, lang);
      put(o, l_customer, rec.customer, lang);
      put(o, l_sms, rec.sms, lang);
      if (!rec.requirement_miss.empty()) o << L(l_requirement, lang) << ' ' << rec.requirement_miss << '\n';
      break;
    case StepKind::decision: {
      if (with_question) {
        o << L(l_decision, lang) << rec.prompt.get(lang) << '\n';
        int i = 1;
        for (const auto& id : rec.shown_choices)
          for (const auto& c : st->choices)
            if (c.id == id) o << "  " << i++ << ") " << indent(c.text.get(lang), "     ") << '\n';
      }
      for (const auto& h : rec.hints_taken) o << L(l_hint, lang) << h.get(lang) << '\n';
      for (const auto& c : st->choices)
        if (c.id == rec.choice_id) o << L(l_chosen, lang) << ' ' << indent(c.text.get(lang), "  ") << '\n';
      for (const auto& t : rec.terminal_records) o << L(l_did, lang) << ' ' << describe(t, lang) << '\n';
      break;
    }
    case StepKind::terminal:
      if (with_question) o << L(l_task, lang) << rec.prompt.get(lang) << '\n';
      for (const auto& h : rec.hints_taken) o << L(l_hint, lang) << h.get(lang) << '\n';
      // Digits keyed one after another read as the number they make, with the screen after the last;
      // a digit that picks a menu item (the screen moves on) stands alone, so "1" for 消费 and the
      // amount after it read as two.
      for (std::size_t i = 0; i < rec.keyed.size(); ++i) {
        std::string input = keyed_label(rec.keyed[i].input, lang);
        auto typed = [&](std::size_t k) {  // a digit that stayed at the prompt it was keyed at
          return is_digit_key(rec.keyed[k].input) &&
                 (k == 0 || same_prompt(rec.keyed[k - 1].screen, rec.keyed[k].screen));
        };
        while (typed(i) && i + 1 < rec.keyed.size() && typed(i + 1)) input += rec.keyed[++i].input;
        o << "  " << L(l_keyed, lang) << ' ' << input;
        for (const Text& p : rec.keyed[i].passed) o << " → " << p.get(lang);
        o << " → " << rec.keyed[i].screen.get(lang) << '\n';
      }
      for (const auto& t : rec.terminal_records) o << L(l_did, lang) << ' ' << describe(t, lang) << '\n';
      o << (rec.success ? L(l_done, lang) : rec.gave_up ? L(l_gave_up, lang) : L(l_not_done, lang)) << '\n';
      break;
  }
  if (rec.kind == StepKind::decision || rec.kind == StepKind::terminal) {
    if (rec.critical) o << L(l_critical, lang) << '\n';
    o << L(l_points, lang) << ' ' << rec.points << '/' << rec.max_points;
    if (rec.hint_cost) o << " · " << L(l_hints_cost, lang) << " -" << rec.hint_cost;
    o << " · " << L(l_time, lang) << ' ' << seconds(rec.elapsed_ms) << ' ' << L(l_seconds, lang);
    if (rec.overtime) o << ' ' << L(l_overtime, lang);
    o << '\n';
    put(o, l_feedback, rec.feedback, lang);
    o << '\n';
  }
  return o.str();
}

std::string render_summary(const Scenario& s, const AttemptResult& res, Lang lang) {
  std::ostringstream o;
  o << "\n" << L(l_result, lang) << ": " << (res.passed ? L(l_passed, lang) : L(l_failed, lang)) << '\n';
  o << L(l_score, lang) << ' ' << percent(res.score) << " (" << res.points << '/' << res.max_points;
  if (res.hint_cost) o << ", " << L(l_hints_cost, lang) << " -" << res.hint_cost;
  if (res.overtime_penalty) o << ", " << L(l_overtime_cost, lang) << " -" << res.overtime_penalty;
  o << ") · " << L(l_pass_mark, lang) << ' ' << res.pass_mark << "% · " << L(l_criticals, lang) << ' '
    << res.critical_errors << "\n\n";
  o << L(l_debrief, lang);
  if (!s.debrief.summary.empty()) o << indent(s.debrief.summary.get(lang), "  ");
  o << '\n' << L(l_rules, lang) << '\n';
  int i = 1;
  for (const auto& r : s.debrief.rules) o << "  " << i++ << ". " << indent(r.get(lang), "     ") << '\n';
  return o.str();
}

std::string render_transcript(const Scenario& s, const AttemptResult& res, Lang lang, std::string_view preface) {
  std::string out = render_header(s, lang);
  out += preface;
  for (const auto& rec : res.steps) out += render_step(s, rec, lang, true);
  return out + render_summary(s, res, lang);
}

}  // namespace posdrill
