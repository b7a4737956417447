// Operator roles and the checks every operator field passes before the store sees it. The same
// checks run on the kiosk's forms and on the command line, so both refuse the same things.

#include "kiosk/core/records.h"

#include <cstdint>

namespace posdrill {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::trainee:
      return "trainee";
    case Role::manager:
      return "manager";
    case Role::admin:
      return "admin";
  }
  return "trainee";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::trainee, Role::manager, Role::admin})
    if (role_name(r) == name) return r;
  return std::nullopt;
}

bool is_manager(Role role) { return role == Role::manager || role == Role::admin; }

FieldError check_employee_id(std::string_view id) {
  if (id.empty()) return FieldError::id_empty;
  if (id.size() > 32) return FieldError::id_too_long;
  // Digits only: the sign-in numpad has nothing else, and an id it cannot key is an account
  // nobody can reach by touch.
  for (char c : id)
    if (c < '0' || c > '9') return FieldError::id_bad_chars;
  return FieldError::none;
}

namespace {

// Decodes one UTF-8 code point at s[i], advancing i. Strict (RFC 3629): no overlong forms, no
// surrogates, nothing above U+10FFFF, so a name that reached the database is always valid text.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + extra >= s.size()) return std::nullopt;  // cut short
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += extra + 1;
  return cp;
}

// C0, DEL, C1, and the Unicode line/paragraph separators: anything that would break a roster
// line, a log line or the layout of a name tag.
bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029; }

}  // namespace

FieldError check_operator_name(std::string_view name) {
  if (name.find_first_not_of(' ') == std::string_view::npos) return FieldError::name_empty;
  std::size_t count = 0;
  for (std::size_t i = 0; i < name.size();) {
    auto cp = next_code_point(name, i);
    if (!cp || is_control(*cp)) return FieldError::name_control;
    ++count;
  }
  return count > 64 ? FieldError::name_too_long : FieldError::none;
}

FieldError check_pin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 8) return FieldError::pin_length;
  for (char c : pin)
    if (c < '0' || c > '9') return FieldError::pin_digits;
  // The PINs people pick first and guess first: 0000, 1234, 9876…
  bool same = true, up = true, down = true;
  for (std::size_t i = 1; i < pin.size(); ++i) {
    const int d = pin[i] - pin[i - 1];
    same = same && d == 0;
    up = up && d == 1;
    down = down && d == -1;
  }
  return same || up || down ? FieldError::pin_weak : FieldError::none;
}

std::string_view field_error_key(FieldError e) {
  switch (e) {
    case FieldError::none:
      return "field.none";
    case FieldError::id_empty:
      return "field.id_empty";
    case FieldError::id_too_long:
      return "field.id_too_long";
    case FieldError::id_bad_chars:
      return "field.id_bad_chars";
    case FieldError::name_empty:
      return "field.name_empty";
    case FieldError::name_too_long:
      return "field.name_too_long";
    case FieldError::name_control:
      return "field.name_control";
    case FieldError::pin_length:
      return "field.pin_length";
    case FieldError::pin_digits:
      return "field.pin_digits";
    case FieldError::pin_weak:
      return "field.pin_weak";
  }
  return "field.none";
}

std::string_view field_error_en(FieldError e) {
  switch (e) {
    case FieldError::none:
      return "The value is valid.";
    case FieldError::id_empty:
      return "The employee id is empty; enter 1 to 32 digits.";
    case FieldError::id_too_long:
      return "The employee id is longer than 32 digits.";
    case FieldError::id_bad_chars:
      return "The employee id may only contain the digits 0-9 (the sign-in numpad has nothing else).";
    case FieldError::name_empty:
      return "The name is empty; enter 1 to 64 characters.";
    case FieldError::name_too_long:
      return "The name is longer than 64 characters.";
    case FieldError::name_control:
      return "The name contains control characters or is not valid UTF-8 text.";
    case FieldError::pin_length:
      return "The PIN must be 4 to 8 digits long.";
    case FieldError::pin_digits:
      return "The PIN may only contain the digits 0-9.";
    case FieldError::pin_weak:
      return "The PIN is too easy to guess (one repeated digit or a straight run like 1234 or 9876); choose another.";
  }
  return "";
}

std::string_view cert_status_name(CertStatus s) {
  switch (s) {
    case CertStatus::not_started:
      return "not_started";
    case CertStatus::in_progress:
      return "in_progress";
    case CertStatus::certified:
      return "certified";
    case CertStatus::expiring:
      return "expiring";
    case CertStatus::expired:
      return "expired";
  }
  return "not_started";
}

}  // namespace posdrill
