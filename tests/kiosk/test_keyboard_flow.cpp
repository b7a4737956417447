// The on-screen keyboard with the real pinyin library (kiosk/ime/google_pinyin.h) and its packaged
// dictionary: the library alone, then the first run done by touch alone at both sizes, and the
// atlas growing by the candidates the keyboard shows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/ime/google_pinyin.h"
#include "kiosk/platform/fonts.h"
#include "kiosk_fixture.h"

namespace posdrill::test {

namespace {

std::unique_ptr<GooglePinyin> open_pinyin() {
  std::string error;
  std::unique_ptr<GooglePinyin> p = GooglePinyin::open(GooglePinyin::default_dictionary(), error);
  INFO(error);
  REQUIRE(p);
  return p;
}

bool offers(const InputMethod& ime, const std::string& text) {
  for (std::size_t i = 0; i < ime.candidate_count(); ++i)
    if (ime.candidate(i) == text) return true;
  return false;
}

std::size_t index_of(const InputMethod& ime, const std::string& text) {
  for (std::size_t i = 0; i < ime.candidate_count(); ++i)
    if (ime.candidate(i) == text) return i;
  FAIL("no candidate " << text);
  return 0;
}

// Taps the candidate `text` on the keyboard's row, paging on until it shows; false when no page
// has it.
bool tap_candidate(Kiosk& k, const std::string& text) {
  for (int page = 0; page < 20; ++page) {
    const std::vector<std::string> shown = k.screens_ui.keyboard.page();
    const auto it = std::find(shown.begin(), shown.end(), text);
    if (it != shown.end()) {
      k.tap("kb.cand." + std::to_string(it - shown.begin()));
      return true;
    }
    if (!k.screens_ui.keyboard.has_next_page()) return false;
    k.tap("kb.next");
  }
  return false;
}

void tap_keys(Kiosk& k, const std::string& keys) {
  for (char c : keys) k.tap(std::string("kb.") + c);
}

// From the first screen to the console's accounts tab: the hidden corner, the manager's id and PIN.
void open_accounts(Kiosk& k) {
  k.tap("attract.start");
  for (int i = 0; i < 5; ++i) k.tap_corner();
  REQUIRE(k.state.screen == ScreenId::manager_gate);
  k.key_in("9001");
  k.key_in("7391");
  REQUIRE(k.state.screen == ScreenId::console);
  k.tap("tab.operators");
}

void quiet(const std::string&) {}

}  // namespace

TEST_CASE("the pinyin library offers 李娜 for lina and choosing builds the name", "[keyboard][pinyin]") {
  std::unique_ptr<GooglePinyin> p = open_pinyin();
  p->search("lina");
  REQUIRE(p->candidate_count() > 0);
  const bool whole = offers(*p, "李娜");
  CHECK((whole || (offers(*p, "李"))));
  // Both ways build the same name: the phrase at once, or 李 and then 娜.
  CHECK(p->choose(index_of(*p, "李娜")));
  CHECK(p->chosen() == "李娜");
  p->search("lina");
  CHECK_FALSE(p->choose(index_of(*p, "李")));
  CHECK(p->chosen() == "李");
  REQUIRE(offers(*p, "娜"));
  CHECK(p->choose(index_of(*p, "娜")));
  CHECK(p->chosen() == "李娜");
  // A second decoder in the same process is refused, not silently shared.
  std::string error;
  CHECK_FALSE(GooglePinyin::open(GooglePinyin::default_dictionary(), error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("the first run done by touch alone with the name typed in pinyin, then sign-in on the numpad",
          "[keyboard][pinyin][first_run]") {
  std::unique_ptr<GooglePinyin> p = open_pinyin();
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    INFO("display " << size.x << "x" << size.y);
    Kiosk k(size, false);
    k.screens_ui.keyboard.set_input_method(p.get());
    k.tap("attract.start");
    REQUIRE(k.state.screen == ScreenId::first_run);
    CHECK_FALSE(k.on_screen("kb.ok"));  // no field has the focus yet: no keyboard
    k.tap("first_run.id");
    CHECK_FALSE(k.on_screen("kb.q"));  // digits: the number pad
    tap_keys(k, "20001");
    k.tap("kb.ok");  // on to the name, in 中 (the screen speaks Chinese)
    CHECK(k.screens_ui.keyboard.focused() == "first_run.name");
    REQUIRE(k.screens_ui.keyboard.chinese());
    tap_keys(k, "lina");
    CHECK(k.screens_ui.first_run.form.name.empty());  // composing
    if (!tap_candidate(k, "李娜")) {
      REQUIRE(tap_candidate(k, "李"));
      REQUIRE(tap_candidate(k, "娜"));
    }
    CHECK(k.screens_ui.first_run.form.name == "李娜");
    k.tap("kb.ok");
    CHECK(k.screens_ui.keyboard.focused() == "first_run.pin");
    tap_keys(k, "86420");
    k.tap("kb.ok");
    tap_keys(k, "86420");
    k.tap("kb.ok");
    CHECK(k.screens_ui.keyboard.focused().empty());
    k.tap("first_run.create");
    REQUIRE(k.state.screen == ScreenId::home);
    REQUIRE(k.state.session);
    CHECK(k.state.session->op.name == "李娜");
    CHECK(k.store->operators(true).at(0).name == "李娜");
    // Signed out, the administrator comes back by the numpad alone.
    k.tap("home.sign_out");
    k.tap("attract.start");
    REQUIRE(k.state.screen == ScreenId::sign_in);
    k.key_in("20001");
    k.key_in("86420");
    REQUIRE(k.state.screen == ScreenId::home);
    CHECK(k.state.session->op.employee_id == "20001");
  }
}

TEST_CASE("the console's add form takes a name in pinyin and a store in letters", "[keyboard][pinyin]") {
  std::unique_ptr<GooglePinyin> p = open_pinyin();
  Kiosk k(ImVec2(1280, 800));
  k.screens_ui.keyboard.set_input_method(p.get());
  open_accounts(k);
  CHECK(k.on_screen("console.exit"));
  k.tap("add.id");
  // The keyboard takes the footer's place: no 退出培训机 under 确定 while typing.
  CHECK_FALSE(k.on_screen("console.exit"));
  CHECK_FALSE(k.on_screen("console.export"));
  tap_keys(k, "3003");
  k.tap("kb.ok");
  REQUIRE(k.screens_ui.keyboard.focused() == "add.name");
  // The field the focus moved to is wholly in view above the keyboard.
  CHECK(k.rects.at("add.name").fully_visible());
  tap_keys(k, "zhangwei");
  REQUIRE(tap_candidate(k, "张伟"));
  k.tap("kb.ok");
  REQUIRE(k.screens_ui.keyboard.focused() == "add.store");
  CHECK_FALSE(k.screens_ui.keyboard.chinese());  // a store code opens in 英
  k.tap("kb.shift");
  tap_keys(k, "s1");
  CHECK(k.screens_ui.console.add.store == "S1");
  k.tap("kb.ok");
  tap_keys(k, "86420");
  k.tap("kb.ok");
  tap_keys(k, "86420");
  k.tap("kb.ok");
  k.tap("add.save");
  bool found = false;
  for (const OperatorRecord& o : k.store->operators(true))
    if (o.employee_id == "3003") {
      found = true;
      CHECK(o.name == "张伟");
      CHECK(o.store_id == "S1");
    }
  CHECK(found);
  // The notice names who was added, not only that something was saved.
  CHECK(k.state.console.notice_key == "console.added");
  CHECK(k.state.console.notice_detail == "张伟 (3003)");
  CHECK_FALSE(k.state.console.notice_error);
  // Saved: the form is empty for the next person, once the list shows the new account; the
  // keyboard is gone and the footer back.
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.on_screen("console.exit"));
  CHECK(k.screens_ui.console.add.id.empty());
  CHECK(k.screens_ui.console.add.name.empty());
  CHECK(k.screens_ui.console.add.store.empty());

  // Refused (the id is taken): what was typed stays to be corrected.
  k.tap("add.id");
  tap_keys(k, "3003");
  k.tap("kb.ok");
  tap_keys(k, "wang");
  REQUIRE(tap_candidate(k, "王"));
  k.tap("kb.ok");
  k.tap("kb.ok");
  tap_keys(k, "86420");
  k.tap("kb.ok");
  tap_keys(k, "86420");
  k.tap("kb.ok");
  k.tap("add.save");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.state.console.notice_error);
  CHECK(k.screens_ui.console.add.id == "3003");
  CHECK(k.screens_ui.console.add.name == "王");
}

TEST_CASE("the keyboard puts itself away on its hide key and shows which of 中 and 英 is in use",
          "[keyboard][pinyin]") {
  std::unique_ptr<GooglePinyin> p = open_pinyin();
  Kiosk k(ImVec2(1280, 800));
  k.screens_ui.keyboard.set_input_method(p.get());
  open_accounts(k);

  // The number pad has the key too: the form and the footer come back.
  k.tap("add.id");
  REQUIRE(k.on_screen("kb.hide"));
  tap_keys(k, "30");
  k.tap("kb.hide");
  CHECK(k.screens_ui.keyboard.focused().empty());
  CHECK_FALSE(k.on_screen("kb.ok"));
  CHECK(k.on_screen("console.exit"));
  CHECK(k.screens_ui.console.add.id == "30");

  // Letters being composed are dropped when the keyboard goes away: they are not a name.
  k.tap("add.name");
  REQUIRE(k.screens_ui.keyboard.chinese());
  // Pinyin has no capitals: 大写 is dimmed in 中 (it is live in 英, below).
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("kb.shift") == 1);
  CHECK_FALSE(k.rects.at("kb.shift").enabled);
  tap_keys(k, "zhang");
  REQUIRE(k.screens_ui.keyboard.composing());
  CHECK_FALSE(k.on_screen("kb.1"));  // the top row holds the candidates while composing
  k.tap("kb.hide");
  CHECK(k.screens_ui.console.add.name.empty());
  CHECK_FALSE(k.screens_ui.keyboard.composing());
  CHECK_FALSE(k.on_screen("kb.hide"));
  CHECK(k.on_screen("console.exit"));

  // A tap on the field brings it back. 英 and 中 are two keys: tapping the one in use changes
  // nothing, the other switches.
  k.tap("add.name");
  REQUIRE(k.on_screen("kb.zh"));
  k.tap("kb.zh");
  CHECK(k.screens_ui.keyboard.chinese());
  k.tap("kb.en");
  CHECK_FALSE(k.screens_ui.keyboard.chinese());
  k.tap("kb.en");
  CHECK_FALSE(k.screens_ui.keyboard.chinese());
  tap_keys(k, "li");
  CHECK(k.screens_ui.console.add.name == "li");
  // A field comes back in the mode it was left in; another field starts in the UI's language,
  // but a store code (letters and digits) in 英.
  k.tap("kb.hide");
  k.tap("add.name");
  CHECK_FALSE(k.screens_ui.keyboard.chinese());
  k.tap("kb.zh");  // left in 中: the store field opens in 英 all the same
  k.tap("add.store");
  CHECK_FALSE(k.screens_ui.keyboard.chinese());
  // Nothing being composed, the top row has the digits: a store code with numbers in it.
  k.tap("kb.en");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.at("kb.shift").enabled);
  k.tap("kb.shift");
  tap_keys(k, "s12");
  CHECK(k.screens_ui.console.add.store == "S12");
  k.tap("kb.zh");
  CHECK(k.screens_ui.keyboard.chinese());

  // Back from a console opened at the staff sign-in: the first screen, with nothing of the
  // manager's id left for the next person to find.
  k.tap("kb.hide");
  k.tap("console.close");
  CHECK(k.state.screen == ScreenId::attract);
  CHECK(k.state.pin_entry.employee_id.empty());
  CHECK(k.state.pin_entry.pin.empty());
}

TEST_CASE("every candidate the keyboard shows is in the atlas before it is drawn", "[keyboard][pinyin][font]") {
  std::unique_ptr<GooglePinyin> p = open_pinyin();
  Kiosk k(ImVec2(1280, 800), false);
  k.screens_ui.keyboard.set_input_method(p.get());
  const std::vector<uint32_t> start = collect_glyphs(k.state.strings, k.state.scenarios);
  std::optional<ChosenFont> font = choose_font(start, quiet);
  REQUIRE(font);
  KioskFonts fonts(std::move(*font), GlyphSet(start), theme_metrics(800.0f));
  ImFontAtlas atlas;
  std::string error;
  REQUIRE(fonts.build(atlas, error));
  REQUIRE(fonts.theme().body->FindGlyphNoFallback(0x5A1C) == nullptr);  // 娜: not in the content
  fonts.release_cpu_copies(atlas);

  k.tap("attract.start");
  k.tap("first_run.name");
  tap_keys(k, "lina");
  // What the frame loop does between frames while a field has the focus.
  for (const std::string& text : k.screens_ui.keyboard.shown_texts()) fonts.add_text(text);
  REQUIRE(fonts.rebuild_due());
  REQUIRE(fonts.rebuild(atlas, error));
  const std::vector<std::string> page = k.screens_ui.keyboard.page();
  REQUIRE_FALSE(page.empty());
  std::size_t checked = 0;
  for (const std::string& c : page)
    for (uint32_t cp : decode_utf8(c)) {
      INFO(c);
      CHECK(fonts.theme().body->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);
      CHECK(fonts.theme().heading->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);
      ++checked;
    }
  CHECK(checked >= page.size());
  CHECK(fonts.glyphs().contains(0x5A1C));  // 娜, among the first page's candidates
}

TEST_CASE("a refused new PIN keeps the reset form open, a saved one closes it with a tick", "[keyboard][console]") {
  Kiosk k(ImVec2(1280, 800));
  open_accounts(k);
  k.tap("reset.1001");
  REQUIRE(k.on_screen("reset.save"));
  // A PIN anyone would guess is refused: the form stays, emptied, with the reason.
  k.tap("reset.pin");
  tap_keys(k, "1111");
  k.tap("kb.ok");
  tap_keys(k, "1111");
  k.tap("kb.ok");
  k.tap("reset.save");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.state.console.notice_error);
  CHECK(k.on_screen("reset.save"));
  CHECK(k.screens_ui.console.pin_for == "1001");
  CHECK(k.screens_ui.console.new_pin.empty());
  CHECK(k.screens_ui.console.new_pin_again.empty());
  // Typed again and saved: the refusal goes once the field is tapped, the form closes and the
  // notice says whose PIN it was.
  k.tap("reset.pin");
  CHECK(k.state.console.notice_key.empty());
  tap_keys(k, "4826");
  k.tap("kb.ok");
  tap_keys(k, "4826");
  k.tap("kb.ok");
  k.tap("reset.save");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.state.console.notice_key == "console.pin_saved");
  CHECK(k.state.console.notice_detail == "王小明 (1001)");
  CHECK_FALSE(k.state.console.notice_error);
  CHECK_FALSE(k.on_screen("reset.save"));
  CHECK(k.screens_ui.console.pin_for.empty());
  // Cancel closes an open form and keeps nothing typed.
  k.tap("reset.1001");
  k.tap("reset.pin");
  tap_keys(k, "48");
  k.tap("kb.hide");
  k.tap("reset.cancel");
  CHECK_FALSE(k.on_screen("reset.save"));
  CHECK(k.screens_ui.console.pin_for.empty());
  CHECK(k.screens_ui.console.new_pin.empty());
  // The notice is about the accounts: another tab starts without it.
  k.tap("reset.1001");
  k.tap("reset.pin");
  tap_keys(k, "5937");
  k.tap("kb.ok");
  tap_keys(k, "5937");
  k.tap("kb.ok");
  k.tap("reset.save");
  REQUIRE(k.state.console.notice_key == "console.pin_saved");
  k.tap("tab.sync");
  CHECK(k.state.console.notice_key.empty());
}

TEST_CASE("a console tab opens at its top, not where the last one was scrolled", "[keyboard][console]") {
  Kiosk k(ImVec2(1280, 800));
  open_accounts(k);
  // Down the add form on the keyboard: each field the focus moves to is scrolled into view.
  k.tap("add.id");
  tap_keys(k, "3003");
  k.tap("kb.ok");
  k.tap("kb.ok");
  k.tap("kb.ok");
  REQUIRE(k.screens_ui.keyboard.focused() == "add.pin");
  k.tap("tab.items");
  k.frame(ImVec2(-1, -1), false);  // a scroll asked for in one frame lands in the next
  REQUIRE(k.on_screen("items.choose"));
  CHECK(k.rects.at("items.choose").fully_visible());
}

}  // namespace posdrill::test
