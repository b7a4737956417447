// Operator field checks and the names of roles, field errors and certification statuses: the
// rules the kiosk's forms and `posdrill operators` both apply before anything reaches the store.

#include <catch2/catch.hpp>

#include <string>

#include "kiosk/core/records.h"

using namespace posdrill;

TEST_CASE("roles have names that parse back") {
  for (Role r : {Role::trainee, Role::manager, Role::admin}) CHECK(parse_role(role_name(r)) == r);
  CHECK(role_name(Role::admin) == "admin");
  CHECK_FALSE(parse_role("Admin"));
  CHECK_FALSE(parse_role(""));
  CHECK_FALSE(is_manager(Role::trainee));
  CHECK(is_manager(Role::manager));
  CHECK(is_manager(Role::admin));
}

TEST_CASE("employee ids are 1 to 32 digits: what the sign-in numpad can key") {
  CHECK(check_employee_id("") == FieldError::id_empty);
  CHECK(check_employee_id("7") == FieldError::none);
  CHECK(check_employee_id("0012345") == FieldError::none);
  CHECK(check_employee_id(std::string(32, '9')) == FieldError::none);
  CHECK(check_employee_id(std::string(33, '9')) == FieldError::id_too_long);
  CHECK(check_employee_id("a") == FieldError::id_bad_chars);
  CHECK(check_employee_id("E1001") == FieldError::id_bad_chars);
  CHECK(check_employee_id("1001-2") == FieldError::id_bad_chars);
  CHECK(check_employee_id("１００１") == FieldError::id_bad_chars);  // full-width digits are not 0-9
  CHECK(check_employee_id("E 1001") == FieldError::id_bad_chars);
  CHECK(check_employee_id("E1001;") == FieldError::id_bad_chars);
  CHECK(check_employee_id("员工1") == FieldError::id_bad_chars);
}

TEST_CASE("operator names count code points and refuse control characters") {
  CHECK(check_operator_name("") == FieldError::name_empty);
  CHECK(check_operator_name("   ") == FieldError::name_empty);
  CHECK(check_operator_name("Li Wei") == FieldError::none);
  CHECK(check_operator_name("王小明") == FieldError::none);
  CHECK(check_operator_name("O'Brien, \"Pat\"") == FieldError::none);
  // 64 Chinese characters are 192 bytes but 64 code points: allowed; 65 are not.
  std::string zh64;
  for (int i = 0; i < 64; ++i) zh64 += "张";
  CHECK(zh64.size() == 192);
  CHECK(check_operator_name(zh64) == FieldError::none);
  CHECK(check_operator_name(zh64 + "张") == FieldError::name_too_long);
  CHECK(check_operator_name(std::string(64, 'x')) == FieldError::none);
  CHECK(check_operator_name(std::string(65, 'x')) == FieldError::name_too_long);
  // A four-byte character (outside the BMP) is one code point.
  CHECK(check_operator_name("\xF0\x9F\x98\x80") == FieldError::none);
  // Control characters.
  CHECK(check_operator_name("Li\nWei") == FieldError::name_control);
  CHECK(check_operator_name("Li\rWei") == FieldError::name_control);
  CHECK(check_operator_name("Li\tWei") == FieldError::name_control);
  CHECK(check_operator_name(std::string("Li\0Wei", 6)) == FieldError::name_control);
  CHECK(check_operator_name("Li\x7FWei") == FieldError::name_control);
  CHECK(check_operator_name("Li\xC2\x85Wei") == FieldError::name_control);      // U+0085 NEL
  CHECK(check_operator_name("Li\xE2\x80\xA8Wei") == FieldError::name_control);  // U+2028
  // Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong '/', a surrogate.
  CHECK(check_operator_name("\x80") == FieldError::name_control);
  CHECK(check_operator_name("\xE5\xBC") == FieldError::name_control);
  CHECK(check_operator_name("\xC0\xAF") == FieldError::name_control);
  CHECK(check_operator_name("\xED\xA0\x80") == FieldError::name_control);
  CHECK(check_operator_name("\xF4\x90\x80\x80") == FieldError::name_control);  // above U+10FFFF
}

TEST_CASE("PINs are 4 to 8 digits and not easy to guess") {
  CHECK(check_pin("") == FieldError::pin_length);
  CHECK(check_pin("135") == FieldError::pin_length);
  CHECK(check_pin("1357") == FieldError::none);
  CHECK(check_pin("13572468") == FieldError::none);
  CHECK(check_pin("135724680") == FieldError::pin_length);
  CHECK(check_pin("13a7") == FieldError::pin_digits);
  CHECK(check_pin("1 57") == FieldError::pin_digits);
  CHECK(check_pin("-135") == FieldError::pin_digits);
  // Weak: one repeated digit, or a straight run up or down.
  CHECK(check_pin("0000") == FieldError::pin_weak);
  CHECK(check_pin("99999999") == FieldError::pin_weak);
  CHECK(check_pin("1234") == FieldError::pin_weak);
  CHECK(check_pin("3456789") == FieldError::pin_weak);
  CHECK(check_pin("9876") == FieldError::pin_weak);
  CHECK(check_pin("987654") == FieldError::pin_weak);
  CHECK(check_pin("01234567") == FieldError::pin_weak);
  // Near misses are allowed: a run that wraps, or that breaks once.
  CHECK(check_pin("8901") == FieldError::none);
  CHECK(check_pin("1235") == FieldError::none);
  CHECK(check_pin("1122") == FieldError::none);
  CHECK(check_pin("2580") == FieldError::none);
}

TEST_CASE("field errors have keys and English sentences") {
  CHECK(field_error_key(FieldError::pin_weak) == "field.pin_weak");
  CHECK(field_error_key(FieldError::id_bad_chars) == "field.id_bad_chars");
  CHECK(field_error_key(FieldError::name_control) == "field.name_control");
  for (FieldError e : {FieldError::id_empty, FieldError::id_too_long, FieldError::id_bad_chars, FieldError::name_empty,
                       FieldError::name_too_long, FieldError::name_control, FieldError::pin_length,
                       FieldError::pin_digits, FieldError::pin_weak}) {
    const std::string_view s = field_error_en(e);
    INFO(field_error_key(e));
    CHECK(s.size() > 10);
    CHECK(s.back() == '.');
  }
}

TEST_CASE("certification statuses have names") {
  CHECK(cert_status_name(CertStatus::not_started) == "not_started");
  CHECK(cert_status_name(CertStatus::in_progress) == "in_progress");
  CHECK(cert_status_name(CertStatus::certified) == "certified");
  CHECK(cert_status_name(CertStatus::expiring) == "expiring");
  CHECK(cert_status_name(CertStatus::expired) == "expired");
}
