// `posdrill operators`: add, list, reset a PIN, deactivate. Every field goes through the same
// checks as the kiosk's forms (kiosk/core/records.h) before the store sees it.
//
// PINs: --pin works but lands in shell history and `ps`; $POSDRILL_PIN or one line on a piped
// stdin do not. At a terminal the PIN is asked for with echo off. The PIN is never printed.

#include <termios.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "kiosk/store/store.h"

namespace posdrill {

namespace {

constexpr std::size_t max_pin_line = 64;  // a PIN is at most 8 digits; anything longer is refused

// One line from stdin, without its line end; false on EOF or when it is absurdly long.
bool read_pin_line(std::string& out) {
  out.clear();
  char c = 0;
  bool any = false;
  while (std::cin.get(c)) {
    any = true;
    if (c == '\n') break;
    if (out.size() >= max_pin_line) return false;
    out += c;
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return any;
}

// The PIN from --pin, $POSDRILL_PIN, a piped stdin, or a prompt with echo off. nullopt (after a
// message) when there is none.
std::optional<std::string> obtain_pin(const OperatorOptions& o, const char* command) {
  if (o.pin) return *o.pin;
  if (const char* env = std::getenv("POSDRILL_PIN"); env && *env) return std::string(env);
  std::string line;
  if (!isatty(STDIN_FILENO)) {
    if (!read_pin_line(line)) {
      std::cerr << "posdrill " << command
                << ": expected the PIN (4-8 digits) as one line on stdin, in $POSDRILL_PIN or with --pin\n";
      return std::nullopt;
    }
    return line;
  }
  std::cerr << "PIN (4-8 digits): " << std::flush;
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = read_pin_line(line);
  if (tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << '\n';
  if (!ok) {
    std::cerr << "posdrill " << command << ": no PIN given\n";
    return std::nullopt;
  }
  return line;
}

int exit_for(const StoreStatus& st) {
  switch (st.code) {
    case StoreError::none:
      return exit_ok;
    case StoreError::exists:
    case StoreError::not_found:
      return exit_failed;
    default:
      return exit_usage;
  }
}

bool check_field(FieldError e, const char* command) {
  if (e == FieldError::none) return true;
  std::cerr << "posdrill " << command << ": " << field_error_en(e) << '\n';
  return false;
}

int add(const Settings& settings, const OperatorOptions& o) {
  const char* cmd = "operators add";
  if (!check_field(check_employee_id(o.id), cmd) || !check_field(check_operator_name(o.name), cmd)) return exit_usage;
  auto role = parse_role(o.role);
  if (!role) {
    std::cerr << "posdrill " << cmd << ": --role takes trainee, manager or admin, got '" << o.role << "'\n";
    return exit_usage;
  }
  OperatorRecord op;
  op.employee_id = o.id;
  op.name = o.name;
  op.role = *role;
  op.store_id = o.store;
  if (!o.lang.empty()) {
    auto lang = parse_lang(o.lang);
    if (!lang) {
      std::cerr << "posdrill " << cmd << ": --lang takes zh or en, got '" << o.lang << "'\n";
      return exit_usage;
    }
    op.lang = *lang;
  } else {
    op.lang = settings.lang;
  }
  if (op.store_id.size() > 64 || check_operator_name(op.store_id.empty() ? "-" : op.store_id) != FieldError::none) {
    std::cerr << "posdrill " << cmd << ": --store takes up to 64 printable characters\n";
    return exit_usage;
  }
  op.created_ms = wall_now();
  auto pin = obtain_pin(o, cmd);
  if (!pin) return exit_usage;
  if (!check_field(check_pin(*pin), cmd)) return exit_usage;
  auto store = open_database(settings, cmd, Access::create);
  if (!store) return exit_usage;
  const StoreStatus st = store->add_operator(op, *pin);
  pin->assign(pin->size(), '\0');
  if (!st) {
    std::cerr << "posdrill " << cmd << ": " << st.message << '\n';
    return exit_for(st);
  }
  std::cout << "added " << role_name(op.role) << " " << op.employee_id << '\n';
  return exit_ok;
}

int list(const Settings& settings, const OperatorOptions& o) {
  std::vector<OperatorRecord> ops;
  std::error_code ec;
  // Listing never creates a database; with none there is simply no one yet.
  if (std::filesystem::exists(database_path(settings), ec)) {
    auto store = open_database(settings, "operators list", Access::read_only);
    if (!store) return exit_usage;
    const StoreList<OperatorRecord> read = store->operators(o.all);
    if (!read.ok()) return read_failed("operators list", read.status);
    ops = read;
  }
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& op : ops)
      j.push_back({{"employee_id", op.employee_id},
                   {"name", op.name},
                   {"role", role_name(op.role)},
                   {"store", op.store_id},
                   {"lang", lang_code(op.lang)},
                   {"active", op.active},
                   {"created_ms", op.created_ms.ms()}});
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  for (const auto& op : ops) {
    std::cout << op.employee_id << '\t' << role_name(op.role) << '\t' << (op.store_id.empty() ? "-" : op.store_id)
              << '\t' << lang_code(op.lang) << '\t' << (op.active ? "active" : "inactive") << '\t' << op.name << '\n';
  }
  if (ops.empty()) std::cerr << "no operators yet (posdrill operators add …)\n";
  return exit_ok;
}

int reset_pin(const Settings& settings, const OperatorOptions& o) {
  const char* cmd = "operators reset-pin";
  if (!check_field(check_employee_id(o.id), cmd)) return exit_usage;
  auto pin = obtain_pin(o, cmd);
  if (!pin) return exit_usage;
  if (!check_field(check_pin(*pin), cmd)) return exit_usage;
  auto store = open_database(settings, cmd, Access::write);
  if (!store) return exit_usage;
  const StoreStatus st = store->reset_pin(o.id, *pin);
  pin->assign(pin->size(), '\0');
  if (!st) {
    std::cerr << "posdrill " << cmd << ": " << st.message << '\n';
    return exit_for(st);
  }
  std::cout << "PIN reset for " << o.id << '\n';
  return exit_ok;
}

int deactivate(const Settings& settings, const OperatorOptions& o) {
  const char* cmd = "operators deactivate";
  if (!check_field(check_employee_id(o.id), cmd)) return exit_usage;
  auto store = open_database(settings, cmd, Access::write);
  if (!store) return exit_usage;
  const StoreStatus st = store->set_active(o.id, false);
  if (!st) {
    std::cerr << "posdrill " << cmd << ": " << st.message << '\n';
    return exit_for(st);
  }
  std::cout << "deactivated " << o.id << " (their records stay)\n";
  return exit_ok;
}

}  // namespace

int cmd_operators(const Settings& settings, const OperatorOptions& o) {
  if (o.action == "add") return add(settings, o);
  if (o.action == "list") return list(settings, o);
  if (o.action == "reset-pin") return reset_pin(settings, o);
  if (o.action == "deactivate") return deactivate(settings, o);
  std::cerr << "posdrill operators: expected add, list, reset-pin or deactivate\n";
  return exit_usage;
}

}  // namespace posdrill
