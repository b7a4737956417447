// Entry point of the graphical kiosk (SDL2 + Dear ImGui). The `posdrill` binary calls it when no
// headless sub-command is given.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/terminal_settings.h"
#include "kiosk/platform/renderer.h"
#include "kiosk/sync/statements.h"
#include "scenarios/text.h"

namespace posdrill {

struct KioskOptions {
  std::filesystem::path content_dir;  // content/ folder (scenarios, tracks, ui strings)
  std::filesystem::path data_dir;     // writable data folder (created if missing)
  bool windowed = false;              // false: borderless full screen on the primary display
  int width = 0;                      // 0: the display's size (full screen) or 1280x800 (windowed)
  int height = 0;
  // How frames are drawn (renderer.h): a GPU through GL, or SDL's software renderer when the
  // machine has none; `--renderer gl|software` overrides.
  RenderPath renderer = RenderPath::automatic;
  std::string screenshot;  // non-empty: render after_frames frames, write PNG, exit
  int after_frames = 3;
  // non-empty: a UI script (`click WIDGET_ID` / `wait N` a line) played before the screenshot
  // or, without one, before the kiosk is handed to the trainee. A bad file stops the start with
  // file:line on stderr (exit 1).
  std::string ui_script;
  // non-empty: after every frame whose touch targets changed, this file is replaced (write and
  // rename) with them as JSON, one object a line: {"id", "x", "y", "w", "h", "enabled"} in
  // window pixels. UI tests and tools read what is on screen and where.
  std::string widgets_json;
  Lang lang = Lang::zh;
  // The config's help_contact: who to call, shown on the out-of-service screen ("" none).
  std::string help_contact;
  // Set: results go to the company's learning record store. Every recorded answer queues its
  // statements and a worker thread sends them (offline-first: nothing waits for the network).
  // Unset (no LRS configured): nothing is queued and the footer stays hidden.
  std::optional<StatementSite> sync_site;
  // The config's `terminal:` section: with `nexo:` set, trainees can practise on that spare
  // terminal (a link thread drives it; kiosk/nexo/spare_terminal_link.h).
  RealTerminalSettings terminal;
  // The config's problems (file:line:column: …): the kiosk starts out of service and lists them
  // in the manager console. The content's own problems join them at start.
  std::vector<std::string> problems;
  // Set: `posdrill preview FILE` — no sign-in and nothing recorded (a private throw-away data
  // folder); the scenario loaded from this file opens at once (at preview_step when given) and
  // reloads whenever the file is saved (kiosk/core/preview.h). content_dir is FILE's content folder.
  std::filesystem::path preview_file;
  std::string preview_step;
};

// Runs the kiosk until it is closed. Returns the process exit code (0 ok, 1 runtime failure such
// as no display or no font, with the reason printed on stderr).
int run_kiosk(const KioskOptions& options);

}  // namespace posdrill
