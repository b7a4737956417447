// The kiosk's platform layer: SDL2 window, the renderer, fonts, the event-driven frame loop and
// screenshots. No domain logic: content and strings come from the core, screens from kiosk/ui.
//
// [SECTION] Helpers: stderr
// [SECTION] Platform: SDL, the renderer (renderer.h) and ImGui, set up and torn down
// [SECTION] Sync: the worker behind the effect runner's SyncControl
// [SECTION] Frame loop
//
// The wait for events, the pointer and the UI script (--ui-script) are in frame_input.h; the
// start-up work off the main thread (content, strings, glyph set, font) in startup.h.
//
// Idle cost: the loop sleeps until an event (EventWait) and draws only a few frames after each
// event (enough for ImGui to settle hover and release states), so a kiosk nobody touches uses
// next to no CPU; inside a drill, one frame a second keeps the clock current.

#include "kiosk/platform/kiosk_main.h"
#include "base/time.h"

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "kiosk/app/removable_media.h"
#include "kiosk/app/services.h"
#include "kiosk/core/app_state.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/glyphs.h"
#include "kiosk/core/preview.h"
#include "kiosk/core/strings.h"
#include "kiosk/ime/google_pinyin.h"
#include "kiosk/net/sync_worker.h"
#include "kiosk/platform/atlas_cache.h"
#include "kiosk/platform/fonts.h"
#include "kiosk/platform/frame_input.h"
#include "kiosk/platform/preview_watch.h"
#include "kiosk/platform/renderer.h"
#include "kiosk/platform/spare_links.h"
#include "kiosk/platform/startup.h"
#include "kiosk/store/roster_cache.h"
#include "kiosk/store/store.h"
#include "kiosk/ui/attract_screen.h"
#include "kiosk/ui/catalog_screen.h"
#include "kiosk/ui/debrief_screen.h"
#include "kiosk/ui/feedback_screen.h"
#include "kiosk/ui/runner_screen.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/theme.h"
#include "scenarios/loader.h"

namespace posdrill {

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------

// Not posdrill::SteadyClock (the Clock port the attempts read): this one times start-up and polls.
using Chrono = std::chrono::steady_clock;

void log_line(const std::string& s) { std::fprintf(stderr, "posdrill kiosk: %s\n", s.c_str()); }

// Replaces `path` with `text` so a reader never sees half a file: written beside it, then renamed.
bool replace_file(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      error = "cannot write " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot replace " + path + ": " + ec.message();
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Platform
// ---------------------------------------------------------------------------------------------

// Owns what SDL, the renderer and ImGui hand out, released in reverse order on every exit path.
struct Platform {
  bool sdl = false;
  SDL_Window* window = nullptr;
  bool imgui = false;
  std::unique_ptr<FrameRenderer> renderer;  // and ImGui's SDL2 backend

  Platform() = default;
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;
  ~Platform() {
    renderer.reset();
    if (imgui) ImGui::DestroyContext();
    if (window) SDL_DestroyWindow(window);
    if (sdl) SDL_Quit();
  }
};

int fail(const std::string& what) {
  log_line(what);
  return 1;
}

struct WindowPlan {
  int x = 0;
  int y = 0;
  int w = 1280;
  int h = 800;
  Uint32 flags = 0;
};

WindowPlan plan_window(const KioskOptions& o, Uint32 renderer_flags) {
  WindowPlan p;
  // No SDL_WINDOW_ALLOW_HIGHDPI: fonts are rasterized for window pixels, and a 1:1 framebuffer
  // keeps screenshots the size that was asked for.
  p.flags = renderer_flags;
  const bool sized = o.width > 0 && o.height > 0;
  // A screenshot documents a given size, so it always renders into a plain window of that size.
  if (o.windowed || !o.screenshot.empty()) {
    p.x = static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(0));
    p.y = p.x;
    if (sized) {
      p.w = o.width;
      p.h = o.height;
    }
    return p;
  }
  SDL_Rect b{0, 0, 1280, 800};
  SDL_GetDisplayBounds(0, &b);  // the primary display
  p.x = b.x;
  p.y = b.y;
  p.flags |= SDL_WINDOW_BORDERLESS;
  if (sized) {
    p.w = o.width;
    p.h = o.height;
  } else {
    // Full screen "desktop" keeps the display's mode: no mode switch, no flicker on start.
    p.flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    p.w = b.w;
    p.h = b.h;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Sync: the worker behind the effect runner's SyncControl
// ---------------------------------------------------------------------------------------------

// Wakes the frame loop from the link thread (SDL_PushEvent is thread-safe).
void wake_frame_loop() {
  SDL_Event e{};
  e.type = SDL_USEREVENT;
  SDL_PushEvent(&e);
}

struct WorkerControl final : SyncControl {
  SyncWorker* worker = nullptr;
  void kick() override {
    if (worker) worker->kick();
  }
  void request_remote_awards(const std::string& employee_id) override {
    if (worker) worker->request_remote_awards(employee_id);
  }
};

// The footer's view: the counts from the kiosk's own connection (a local read, no network), the
// last try's problem from the worker. The worker refreshes its snapshot only after a pass (every
// couple of seconds when idle), so its counts would lag an answer just recorded and read 0 before
// its first pass; the file is the truth for what waits. The worker exists only when an LRS is
// configured, so the view is enabled.
SyncView sync_view(const SyncSnapshot& snap, const OutboxCounts& counts) {
  SyncView v;
  v.enabled = true;
  v.queued = counts.queued;
  v.set_aside = counts.set_aside;
  v.sent = snap.sent;
  v.last_sent_ms = counts.last_sent_ms;
  v.problem = snap.problem == SyncProblem::none ? "" : sync_problem_name(snap.problem);
  if (snap.problem != SyncProblem::none) v.problem_detail = snap.problem_detail;
  v.alarm = snap.alarm;
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Frame loop
// ---------------------------------------------------------------------------------------------

int run_kiosk(const KioskOptions& options) {
  const auto t_start = Chrono::now();
  const bool shot = !options.screenshot.empty();

  // A bad script is a usage error: say so before any slow start-up work.
  std::vector<ScriptLine> script_lines;
  if (!options.ui_script.empty()) {
    std::string error;
    if (!load_script(options.ui_script, script_lines, error)) return fail("UI script: " + error);
    log_line("UI script " + options.ui_script + ": " + std::to_string(script_lines.size()) + " commands");
  }

  // A preview plays the file's own content folder and keeps nothing: its records go to a private
  // folder that is removed when the window closes.
  const bool preview = !options.preview_file.empty();
  std::filesystem::path content_dir = options.content_dir.empty() ? "content" : options.content_dir;
  ThrowAwayFolder preview_data;
  if (preview) {
    std::string error;
    const auto dir = preview_content_dir(options.preview_file, error);
    if (!dir) return fail(error);
    content_dir = *dir;
    if (!preview_data.make(error)) return fail("preview: " + error);
  }
  const std::filesystem::path data_dir = preview ? preview_data.path : options.data_dir;
  if (!preview && !options.data_dir.empty()) {
    // Private from the start, as the store makes it: a folder made here with the default umask
    // would be readable by every user of the machine.
    std::string error;
    if (!make_private_dirs(options.data_dir, error)) log_line("cannot create data folder: " + error);
  }
  ScriptPlayer script(options.ui_script, std::move(script_lines));

  // The records: the kiosk never runs without them, since every attempt must be kept. Opening
  // also marks attempts a crash left open as abandoned.
  const auto wall_ms = [] { return wall_now(); };
  const std::filesystem::path db_file = (data_dir.empty() ? std::filesystem::path(".") : data_dir) / "posdrill.db";
  StoreStatus store_status;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db_file, store_status, wall_ms());
  if (!store) return fail("cannot open the records " + db_file.string() + ": " + store_status.message);
  if (store->open_check() != "every page")
    log_line("the records are over " + std::to_string(SqliteStore::whole_check_bytes >> 20) + " MiB: checked " +
             store->open_check() + " before writing (posdrill db check --full reads every page)");
  if (store->recovered_attempts() > 0)
    log_line(std::to_string(store->recovered_attempts()) + " attempt(s) cut off by a stop were kept as abandoned");
  std::vector<std::string> names;
  for (const OperatorRecord& op : store->operators(true)) {
    names.push_back(op.name);
    // Where certifications earned elsewhere were earned ("Earned at <store>"), as cached so far.
    for (const RemoteAward& r : store->remote_awards(op.employee_id)) {
      names.push_back(r.store_id);
      names.push_back(r.kiosk_id);
    }
  }

  // Start-up runs in three lanes: one worker parses the scenarios; another loads the strings and,
  // on a warm start, reads the glyph set a previous start kept beside the records and probes the
  // font file (atlas_cache.h); this thread opens SDL, the window and the renderer (a GL context
  // mostly waits on the driver). A warm start then reads the atlas from the cache and draws the
  // first frame while the scenarios are still being parsed; input waits in SDL's queue until they
  // are in. A cold start (and a preview, whose records are thrown away) collects the glyph set from
  // the scenarios and builds the atlas first. An early return below waits for the workers (the
  // futures' destructors), so nothing outlives run_kiosk.
  const std::filesystem::path cache_dir = preview ? std::filesystem::path() : db_file.parent_path() / "cache";
  const bool spare = !options.terminal.nexo_address.empty() || !options.terminal.wire_listen.empty();
  std::future<ContentLoad> content_load = std::async(std::launch::async, [content_dir] {
    const auto t = Chrono::now();
    ContentLoad c{load_content(content_dir)};
    c.ms = ms_since(t);
    return c;
  });
  std::future<Prepared> prepared = std::async(std::launch::async, [content_dir, names, cache_dir, spare] {
    return prepare(content_dir, names, spare, cache_dir, log_line);
  });

  Platform pf;
  // A training station left idle must stay visible, and must not minimize when a notification
  // or a second screen takes the focus.
  SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
  SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
  // Full screen, the kiosk takes the keyboard: Alt+Tab, the Windows key and the like reach the
  // kiosk (which ignores them) instead of the desktop. --windowed leaves the desktop's shortcuts.
  if (!options.windowed) SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
  SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
    return fail(std::string("cannot start SDL video: ") + SDL_GetError());
  pf.sdl = true;
  SDL_DisableScreenSaver();

  const RenderPath render_path = resolve_render_path(options.renderer);
  const WindowPlan plan = plan_window(options, prepare_window_for(render_path));
  // The title comes from the strings, which the worker is still loading: set once it is done.
  pf.window = SDL_CreateWindow("posdrill", plan.x, plan.y, plan.w, plan.h, plan.flags);
  if (!pf.window) return fail(std::string("cannot open the window: ") + SDL_GetError());
  if (!options.windowed) SDL_SetWindowKeyboardGrab(pf.window, SDL_TRUE);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  pf.imgui = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
  io.LogFilename = nullptr;
  {
    std::string error, note;
    pf.renderer = make_renderer(render_path, pf.window, !shot, error, note);
    if (!pf.renderer) return fail(error);
    if (!note.empty()) log_line(note);
  }
  FrameRenderer& renderer = *pf.renderer;

  const double platform_ms = ms_since(t_start);

  const auto t_wait = Chrono::now();
  Prepared prep = prepared.get();
  // The scenarios, once parsed: the strings and their diagnostics join them.
  LoadedContent loaded;
  double content_ms = 0;
  const auto take_content = [&] {
    ContentLoad c = content_load.get();
    content_ms = c.ms;
    loaded = combine(content_dir, std::move(c.content), std::move(prep.strings));
  };
  if (!prep.glyphs_from_cache) {
    take_content();
    collect_glyph_set(prep, loaded, names, spare, log_line);
  }
  const double wait_ms = ms_since(t_wait);
  if (!prep.font) return fail("no usable font: install fonts-noto-cjk or fonts-wqy-microhei");
  // The strings: the content's copy once it is in, else the worker's (a warm start's first frame).
  const UiStrings& first_strings = prep.glyphs_from_cache ? prep.strings.strings : loaded.strings;
  SDL_SetWindowTitle(pf.window, first_strings.tr("app.title", options.lang).c_str());

  int win_w = 0, win_h = 0;
  SDL_GetWindowSize(pf.window, &win_w, &win_h);
  const ThemeMetrics metrics = theme_metrics(static_cast<float>(win_h));
  apply_theme_style(metrics, ImGui::GetStyle());

  KioskFonts fonts(std::move(*prep.font), GlyphSet(std::move(prep.code_points)), metrics);
  std::vector<uint32_t> common_hanzi;  // read when the on-screen keyboard first opens
  {
    std::string error, why = prep.cache_note;
    std::filesystem::path atlas_file;
    bool restored = false;
    if (prep.glyph_key) {
      atlas_file = atlas_cache_file(cache_dir, atlas_cache_key(*prep.glyph_key, fonts.font().path, fonts.font().face,
                                                               metrics.body_px, metrics.heading_px,
                                                               fonts.font().line_per_em));
      restored = fonts.restore(*io.Fonts, atlas_file, why);
    }
    if (!restored) {
      if (!fonts.build(*io.Fonts, error)) return fail(error);
      // A glyph set read from the cache was kept from good content (collect_glyph_set), and its key
      // covers every content byte: the atlas built from it is as good.
      const bool content_good = prep.glyphs_from_cache || loaded.problems.empty();
      if (!atlas_file.empty() && content_good && !save_atlas_cache(atlas_file, *io.Fonts, fonts.theme(), error))
        why = error;
    }
    if (!restored && !why.empty()) log_line("font cache: " + why);
  }
  const AtlasBuild first_atlas = fonts.last_build();

  // State owned by this loop; screens only read it and post actions, which update() applies
  // after the frame.
  const SteadyClock clock;
  AppState state;
  state.strings = first_strings;
  state.require_sign_in = true;
  state.has_manager = store->has_active_manager();
  state.wall_ms = wall_ms();
  state.clock = &clock;
  state.lang = options.lang;
  state.store_lang = options.lang;
  state.help_contact = options.help_contact;
  // A scripted run (tests, screenshots) is reproducible; a trainee gets a fresh choice order.
  state.seed = script.done() ? static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) : 1;
  // The kiosk opens on the attract screen, and an idle sign-out returns there.
  state.screen = ScreenId::attract;
  state.problems = options.problems;

  // The frame ImGui drew, on the window's background.
  const auto render_frame = [&] {
    ImGui::Render();
    renderer.draw(ImGui::GetDrawData(), palette().background);
  };
  int frame = 0;
  const auto after_first_frame = [&] {
    renderer.finish();  // llvmpipe renders lazily: only a finished frame is a real first frame
    const double first_ms = ms_since(t_start);
    char line[640];
    std::snprintf(line, sizeof line,
                  "font %s face %d (%s), %zu glyphs, atlas %dx%d %s in %.1f ms; first frame after %.1f ms (strings "
                  "%.1f, glyphs %.1f%s, font %.1f ms; SDL+%s+ImGui %.1f ms, then waited %.1f ms)",
                  fonts.font().path.c_str(), fonts.font().face, fonts.font().family.c_str(), first_atlas.glyphs,
                  first_atlas.width, first_atlas.height, first_atlas.from_cache ? "read from the cache" : "built",
                  first_atlas.ms, first_ms, prep.strings_ms, prep.glyphs_ms, prep.glyphs_from_cache ? " (cached)" : "",
                  prep.font_ms, render_path_name(render_path), platform_ms, wait_ms);
    log_line(line);
    // The texture is made now: drop the atlas's own copies (the atlas pixels and the font file,
    // ~20 MB); a rebuild reads the file again.
    fonts.release_cpu_copies(*io.Fonts);
  };
  ScreensUiState screens_ui;
  // A warm start shows the attract screen before the scenarios are in; nothing is dispatched,
  // since SDL's events are not taken until then.
  if (prep.glyphs_from_cache) {
    renderer.new_frame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    draw_screens(state, fonts.theme(), screens_ui, [](const Action&) {});
    render_frame();
    ++frame;
    after_first_frame();
    renderer.present();
    take_content();
  }
  state.scenarios = std::move(loaded.content.scenarios);
  state.tracks = std::move(loaded.content.tracks);
  state.strings = std::move(loaded.strings);
  state.error_count = loaded.error_count;
  refresh_catalog(state);
  state.last_input_ms = clock.now();
  state.problems.insert(state.problems.end(), loaded.problems.begin(), loaded.problems.end());
  {
    char line[160];
    std::snprintf(line, sizeof line, "%zu scenarios, %zu content errors, in after %.1f ms (worker: content %.1f ms)",
                  state.scenarios.size(), state.error_count, ms_since(t_start), content_ms);
    log_line(line);
  }
  if (!preview && !state.problems.empty())
    log_line("out of service: " + std::to_string(state.problems.size()) + " problem(s) with the config or content");
  // The preview (kiosk/core/preview.h): the file's scenario at once, reloaded at every save.
  std::unique_ptr<PreviewWatch> preview_watch;
  const auto preview_note = [&] {
    if (!state.preview->note.empty()) log_line("preview: " + state.preview->note.en);
  };
  if (preview) {
    start_preview(state, options.preview_file.string(), options.preview_step, std::move(state.problems));
    preview_note();
    SDL_SetWindowTitle(pf.window, ("posdrill preview " + options.preview_file.filename().string()).c_str());
    preview_watch = std::make_unique<PreviewWatch>(options.preview_file, wake_frame_loop);
    std::string error;
    if (!preview_watch->start(error)) return fail("preview: " + error);
    log_line("preview: watching " + options.preview_file.string());
  }
  state.kiosk_facts = {
      {"settings.version", "", POSDRILL_KIOSK_VERSION},
      {"settings.content", "", std::filesystem::absolute(content_dir).string()},
      {"settings.records", "", std::filesystem::absolute(db_file).string()},
      {"settings.idle", "",
       std::to_string(state.idle_timeout_ms / 1000) + " + " + std::to_string(state.still_there_ms / 1000)},
      !options.terminal.nexo_address.empty()
          ? KioskFact{"settings.terminal", "settings.terminal_spare", options.terminal.nexo_address}
      : !options.terminal.wire_listen.empty()
          ? KioskFact{"settings.terminal", "settings.terminal_wire", options.terminal.wire_listen}
          : KioskFact{"settings.terminal", "settings.terminal_emulated", ""},
      options.sync_site ? KioskFact{"settings.sync", "", endpoint_for_display(options.sync_site->lrs.endpoint)}
                        : KioskFact{"settings.sync", "settings.sync_off", ""},
  };
  if (options.sync_site) state.kiosk_facts.push_back({"settings.kiosk_id", "", options.sync_site->kiosk_id});
  KioskServices services(*store, state, (db_file.parent_path() / "exports"), wall_ms, log_line);
  services.show_chain_from(RosterCache::default_file(db_file.parent_path()));
  {
    const passwd* pw = ::getpwuid(::geteuid());
    services.export_to_removable(default_media_roots(pw && pw->pw_name ? pw->pw_name : ""), [] {
      std::ifstream in("/proc/self/mountinfo");
      return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    });
  }

  // Sync: a worker thread with its own connection to the same file sends the outbox; this loop
  // only reads its snapshot (a copy under a mutex), so a slow or absent network never holds a
  // frame. Statements are queued by the recorder whether or not the worker runs.
  WorkerControl sync_control;
  std::unique_ptr<SyncWorker> sync_worker;
  if (options.sync_site) {
    SyncWorker::Options wo;
    wo.database = db_file;
    wo.config = options.sync_site->lrs;
    wo.log = [](const std::string& line) { log_line("sync: " + line); };
    sync_worker = std::make_unique<SyncWorker>(std::move(wo));
    std::string error;
    if (sync_worker->start(error)) {
      sync_control.worker = sync_worker.get();
      state.sync.enabled = true;
      log_line("sync to " + endpoint_for_display(options.sync_site->lrs.endpoint) + " as kiosk " +
               options.sync_site->kiosk_id);
    } else {
      sync_worker.reset();
      // Shown as an alarm in the footer: results pile up on this kiosk until someone looks.
      state.sync = SyncView{true, 0, 0, 0, WallTime{}, "unknown", "the sync worker did not start: " + error, true};
      log_line("the sync worker did not start: " + error);
    }
    services.enable_sync(*options.sync_site, &sync_control);
  }
  // The spare terminal (over nexo, or keyed by hand on its host line): link threads this loop
  // reads like the sync worker's snapshot.
  SpareTerminalLinks spare_links(log_line, wake_frame_loop);
  spare_links.start(options.terminal, loaded.content.test_hosts, state, services);
  // Pinyin for the on-screen keyboard; without it the 中 key says so and letters type as they are.
  std::unique_ptr<GooglePinyin> pinyin;
  {
    std::string error;
    pinyin = GooglePinyin::open(GooglePinyin::default_dictionary(), error);
    if (!pinyin) log_line("no pinyin input on the on-screen keyboard: " + error);
    screens_ui.keyboard.set_input_method(pinyin.get());
  }
  WidgetRects rects;
  set_widget_rects(&rects);
  std::string widgets_written;  // what --widgets-json holds now
  PointerFromEvents pointer;
  std::vector<Action> actions;
  const Dispatch dispatch = [&actions](const Action& a) { actions.push_back(a); };
  bool running = true;
  // Set when an effect wrote to the outbox: the footer's counts are read again at once rather
  // than at the next poll, so "Synced" never stands next to an answer that is still waiting.
  bool outbox_changed = false;
  // Every action goes through the effect runner (store, exports) and back into update(); what is
  // left for the platform is the window title, the outbox flag and leaving.
  // Set by every action: names and LRS texts in the state are passed through the glyph set
  // before the next frame.
  bool state_changed = true;
  const auto act = [&](const Action& action) {
    state_changed = true;
    for (const Effect& e : apply(state, services, action)) {
      if (const auto* lc = std::get_if<LanguageChanged>(&e))
        SDL_SetWindowTitle(pf.window, state.strings.tr("app.title", lc->lang).c_str());
      if (writes_outbox(e)) outbox_changed = true;
    }
    if (services.quit_requested()) running = false;
  };

  const int after_frames = std::max(1, options.after_frames);
  // ImGui needs a few frames after an input to settle (release, hover, a layout that depends
  // on the previous frame's sizes); after that the loop sleeps until the next event.
  constexpr int settle_frames = 3;
  constexpr int idle_wake_ms = 1000;
  int frames_left = settle_frames;
  int frames_after_script = 0;
  // The worker's snapshot is read at most every sync_poll_ms (and at every idle wake-up, about a
  // second): often enough for a footer, rare enough to cost nothing.
  constexpr auto sync_poll_ms = std::chrono::milliseconds(500);
  auto last_sync_poll = Chrono::now() - sync_poll_ms;
  const auto poll_sync = [&] {
    if (!sync_worker || (!outbox_changed && Chrono::now() - last_sync_poll < sync_poll_ms)) return;
    last_sync_poll = Chrono::now();
    outbox_changed = false;
    // Waiting and set-aside counts from the kiosk's own connection (the worker's lag behind a
    // fresh answer); the delivered total from the worker's last pass (counting it is a scan).
    const SyncView view = sync_view(sync_worker->snapshot(), store->outbox_counts(false));
    if (!(view == state.sync)) {
      act(SyncStatusChanged{view});
      frames_left = settle_frames;
    }
    for (const std::string& id : sync_worker->take_remote_updates()) {
      act(RemoteAwardsUpdated{id});
      frames_left = settle_frames;
    }
  };
  const auto poll_spare = [&] {
    if (spare_links.poll(state, act)) frames_left = settle_frames;
  };
  const EventWait event_wait;
  if (!event_wait.native())
    log_line(std::string("video driver ") + SDL_GetCurrentVideoDriver() + ": idle wake-ups every " +
             std::to_string(EventWait::poll_ms) + " ms");
  while (running) {
    const bool busy = frames_left > 0 || shot || !script.done();
    SDL_Event ev;
    // The twin showing the screens an exchange passed through wakes up when the next one is due.
    const int64_t twin_change = state.attempt ? terminal_screen_change_in_ms(*state.attempt, clock.now()) : -1;
    const int wake_ms =
        twin_change >= 0 ? static_cast<int>(std::min<int64_t>(idle_wake_ms, twin_change)) : idle_wake_ms;
    // Idle: wait for an event without taking it, so the loop below takes every event the same way.
    if (!busy) event_wait.wait(wake_ms);
    bool moved = false;  // this frame's events moved the pointer
    // Nothing is taken before the first frame is drawn: ImGui finds the window under a tap from
    // the previous frame's windows, so a tap on a window not drawn yet (a cold start's black
    // window) would fall on nothing and be lost. It waits in SDL's queue for the second frame.
    while (frame > 0) {
      // A release after a move waits for the next frame: ImGui must see the finger move with the
      // button held (a drag, a scroll), not a press and release at the end point (a tap).
      SDL_Event next;
      if (SDL_PeepEvents(&next, 1, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) <= 0) break;
      if (moved && next.type == SDL_MOUSEBUTTONUP) break;
      if (SDL_PollEvent(&ev) == 0) break;
      ImGui_ImplSDL2_ProcessEvent(&ev);
      pointer.take(ev);
      if (ev.type == SDL_MOUSEMOTION) moved = true;
      // Typed text (and an input method's composition) may bring characters the atlas lacks.
      if (ev.type == SDL_TEXTINPUT) fonts.add_text(ev.text.text);
      if (ev.type == SDL_TEXTEDITING) fonts.add_text(ev.edit.text);
      // Alt+F4 and the window manager's close button arrive as a window close: a kiosk stays open
      // (a manager closes it from the console), a windowed run closes as any window does.
      // SDL_QUIT alone (with SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE off) means a signal such as the
      // service manager's SIGTERM: honoured, and the attempt in progress is closed properly.
      const bool close_request = ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE &&
                                 ev.window.windowID == SDL_GetWindowID(pf.window);
      if (ev.type == SDL_QUIT || (close_request && options.windowed)) running = false;
      if (close_request && !options.windowed)
        log_line("ignored a request to close the kiosk (use the manager console)");
      // A press (not a mere mouse move: a jittering mouse is nobody) restarts the idle count.
      if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_FINGERDOWN || ev.type == SDL_KEYDOWN ||
          ev.type == SDL_MOUSEWHEEL)
        act(UserInput{});
      frames_left = settle_frames;
      // ImGui 1.86 reads a key as its state at the frame: a key pressed and released between
      // two frames (a badge scanner's Enter comes ~1 ms after its digits) is never seen, and
      // text typed after it would land before it. So a frame takes at most one key press: the
      // events after it wait in SDL's queue for the next frame, in order.
      // Presses and releases likewise: one a frame, so none is lost or merged with a move.
      if (ev.type == SDL_KEYDOWN || ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) break;
    }
    if (!running) break;
    // Idle sign-out runs on the injected clock at every wake-up (about once a second).
    {
      const ScreenId screen_before = state.screen;
      const bool prompt_before = state.still_there;
      act(Tick{});
      if (state.screen != screen_before || state.still_there != prompt_before) frames_left = settle_frames;
    }
    poll_sync();
    poll_spare();
    // The previewed file was saved: load the content again; open where the author was, or keep the
    // last good version on screen with the problems listed.
    if (preview_watch && preview_watch->take_change()) {
      LoadedContent again = load_everything(content_dir);
      reload_preview(state, std::move(again.content.scenarios), std::move(again.content.tracks),
                     std::move(again.strings), std::move(again.problems));
      if (!state.preview->problems.empty()) {
        log_line("preview: " + std::to_string(state.preview->problems.size()) + " problem(s); the last good version stays");
      } else {
        if (const Scenario* sc = previewed_scenario(state))
          fonts.add_code_points(collect_kiosk_glyphs(state.strings, {*sc}));
        preview_note();
        log_line("preview: reloaded (" + std::to_string(state.preview->reloads) + "), at step '" +
                 preview_step(state) + "'");
      }
      state_changed = true;
      frames_left = settle_frames;
    }
    // The runner's timer and the prompt's countdown tick: one frame per idle wake-up (about a
    // second) keeps them current.
    if (frames_left == 0 && (state.screen == ScreenId::runner || state.still_there)) frames_left = 1;
    if (twin_change >= 0) frames_left = std::max(frames_left, 1);
    if (frames_left == 0 && !shot && script.done()) continue;  // woke up with nothing to show

    // Between frames (ImGui locks the atlas inside one): text that brought new characters, from a
    // keyboard, a script, the records or the LRS, grows the atlas before it is drawn.
    if (state_changed) {
      for (std::string_view text : state_visible_texts(state)) fonts.add_text(text);
      state_changed = false;
    }
    fonts.add_text(script.typing());
    // The keyboard's composition and candidate page, as the next frame shows them, at body size.
    // While its form is open the body font holds the common hanzi too: a pinyin key rebuilds the
    // atlas only for a rare character, not at every key (bench_atlas measures both).
    const OnScreenKeyboard& kb = screens_ui.keyboard;
    const bool form_screen = state.screen == ScreenId::first_run || state.screen == ScreenId::console;
    if (form_screen && !kb.focused().empty() && kb.has_input_method() && !fonts.body_prefetch()) {
      if (common_hanzi.empty()) common_hanzi = gb2312_hanzi(false);
      fonts.start_body_prefetch(common_hanzi);
    } else if (!form_screen) {
      fonts.end_body_prefetch();
    }
    if (!kb.focused().empty())
      for (const std::string& text : kb.shown_texts()) fonts.add_body_text(text);
    if (fonts.rebuild_due()) {
      const std::size_t before = fonts.last_build().glyphs;
      std::string error;
      const bool rebuilt = fonts.rebuild(*io.Fonts, error);
      // Before the first frame the backend has no texture yet: its first NewFrame makes one
      // from the atlas just built, and the first frame drops the CPU copies. Making one here as
      // well, then dropping the copies, left that first NewFrame to rebuild the atlas from a
      // font file already let go: every glyph garbled (a Chinese help_contact did it).
      if (frame > 0) {
        renderer.reload_font_texture();
        fonts.release_cpu_copies(*io.Fonts);
      }
      if (rebuilt) {
        const AtlasBuild& b = fonts.last_build();
        char line[160];
        std::snprintf(line, sizeof line, "atlas rebuilt: %zu glyphs (+%zu), %zu at body size only, %dx%d in %.1f ms",
                      b.glyphs, b.glyphs - before, b.body_only, b.width, b.height, b.ms);
        log_line(line);
      } else {
        log_line("atlas rebuild failed, new characters show as '?': " + error);
      }
    }
    renderer.new_frame();
    ImGui_ImplSDL2_NewFrame();
    // The 1.86 backend reads the pointer as SDL's state now, after every queued event was pumped
    // (a quick flick's press, move and release all at once read as a tap where it ended); ImGui
    // gets it as of the events this frame took instead.
    pointer.apply(io);
    if (!script.done()) {
      script.press(io, rects);
      if (script.failed()) return fail("UI script: " + script.error());
      frames_left = settle_frames;
    } else {
      ++frames_after_script;
    }
    rects.clear();
    ImGui::NewFrame();
    // A script's press counts as input like a finger's (SDL never sees it).
    if (!script.done() && io.MouseDown[0]) act(UserInput{});
    draw_screens(state, fonts.theme(), screens_ui, dispatch);
    render_frame();
    if (!options.widgets_json.empty()) {
      std::string json = widget_rects_json(rects);
      if (json != widgets_written) {
        std::string error;
        if (!replace_file(options.widgets_json, json, error)) return fail("--widgets-json: " + error);
        widgets_written = std::move(json);
      }
    }
    ++frame;
    --frames_left;

    if (frame == 1) after_first_frame();

    if (shot && script.done() && frames_after_script >= after_frames) {
      int fb_w = 0, fb_h = 0;
      if (!renderer.write_png(options.screenshot, fb_w, fb_h))
        return fail("cannot write the screenshot " + options.screenshot);
      log_line("screenshot " + options.screenshot + " (" + std::to_string(fb_w) + "x" + std::to_string(fb_h) + ")");
      return 0;
    }
    renderer.present();

    for (const Action& a : actions) {
      act(a);
      frames_left = settle_frames;
    }
    if (!actions.empty()) keep_preview_open(state);
    actions.clear();
  }
  // Leaving by a manager's command or a signal: the attempt in progress is kept as abandoned now
  // rather than found open at the next start.
  if (state.attempt || state.session) act(SignOut{});
  // Statements queued by that sign-out wait in the file for the next start.
  if (sync_worker) sync_worker->stop();
  spare_links.stop();
  log_line("closed");
  return 0;
}

}  // namespace posdrill
