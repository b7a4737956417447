#include "kiosk/nexo/wire_terminal_link.h"

#include "base/time.h"

namespace posdrill {

bool configured_test_host(const RealTerminalSettings& settings, const std::vector<TestHostProfile>& test_hosts,
                          const TestHostProfile*& found, std::string& error) {
  found = nullptr;
  if (settings.acquirer.empty()) return true;
  for (const auto& p : test_hosts)
    if (p.id == settings.acquirer) found = &p;
  if (found) return true;
  error = "terminal.acquirer: no test-host table '" + settings.acquirer + "' in content/test_hosts (known:";
  for (const auto& p : test_hosts) error += " " + p.id;
  error += ")";
  return false;
}

std::optional<WireTerminalLink::Options> WireTerminalLink::options_from(const RealTerminalSettings& settings,
                                                                        const std::vector<TestHostProfile>& test_hosts,
                                                                        std::string& error) {
  error.clear();
  if (settings.wire_listen.empty() && settings.wire_upstream.empty()) return std::nullopt;
  Options o;
  auto listen = parse_endpoint(settings.wire_listen, error);
  if (!listen) {
    error = "terminal.wire.listen: " + error;
    return std::nullopt;
  }
  auto upstream = parse_endpoint(settings.wire_upstream, error);
  if (!upstream) {
    error = "terminal.wire.upstream: " + error;
    return std::nullopt;
  }
  o.listen = *listen;
  o.upstream = *upstream;
  const TestHostProfile* table = nullptr;
  if (!configured_test_host(settings, test_hosts, table, error)) return std::nullopt;
  if (table) {
    o.acquirer = table->id;
    o.acquirer_title = table->title;
  }
  o.test_hosts = settings.test_hosts;
  o.wait_s = settings.timeout_s;
  o.answer_timeout_s = settings.answer_timeout_s;
  return o;
}

WireTerminalLink::WireTerminalLink(Options options)
    : options_(std::move(options)),
      watch_(WireWatch::Options{3, int64_t(options_.answer_timeout_s) * 1000},
             [this](const std::string& l) { log("wire: " + l); }) {
  view_.configured = true;
  view_.hand_keyed = true;
  view_.link = TerminalLinkState::connecting;
  view_.address = endpoint_text(options_.listen);
  view_.acquirer = options_.acquirer;
  view_.acquirer_title_zh = options_.acquirer_title.zh;
  view_.acquirer_title_en = options_.acquirer_title.en;
  view_.wait_s = options_.wait_s;
}

WireTerminalLink::~WireTerminalLink() { stop(); }

void WireTerminalLink::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

WallTime WireTerminalLink::now() const {
  if (options_.wall_ms) return options_.wall_ms();
  return wall_now();
}

bool WireTerminalLink::start(std::string& error) {
  HostLinkProxy::Options po;
  po.upstream = options_.upstream;
  po.test_hosts = options_.test_hosts;
  proxy_ = std::make_unique<HostLinkProxy>(po, &plan_, [this](const std::string& l) { log("proxy: " + l); });
  proxy_->set_observer(&watch_);
  if (!proxy_->listen(options_.listen, error)) {
    proxy_.reset();
    return false;
  }
  const std::string address = endpoint_text(Endpoint{options_.listen.host, proxy_->port()});
  {
    std::lock_guard lock(mutex_);
    view_.link = TerminalLinkState::ready;
    view_.address = address;
    view_.proxy = true;
    view_.proxy_address = address;
  }
  log("host line of the hand-keyed terminal on " + address + " to " + endpoint_text(options_.upstream));
  proxy_thread_ = std::thread([this] { proxy_->serve(); });
  thread_ = std::thread([this] { run(); });
  return true;
}

void WireTerminalLink::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  watch_.stop_waiting();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (proxy_) proxy_->stop();
  if (proxy_thread_.joinable()) proxy_thread_.join();
}

void WireTerminalLink::begin(uint64_t serial, const Scenario& scenario) {
  std::vector<ProxyFaultPlan::Rule> rules;
  if (scenario.real_terminal && scenario.real_terminal->proxy_faults) {
    std::vector<std::string> skipped;
    rules = ProxyFaultPlan::from_setup(scenario.setup, &skipped).rules();
    for (const auto& s : skipped) log("proxy: not on the wire: " + s);
  }
  plan_.replace(std::move(rules));
  std::lock_guard lock(mutex_);
  serial_ = serial;
  // What the terminal sent before the attempt began belongs to no attempt.
  exchanges_.clear();
}

void WireTerminalLink::end(uint64_t serial) {
  std::lock_guard lock(mutex_);
  if (serial_ != serial) return;
  serial_ = 0;
  plan_.replace({});
}

std::vector<WireTerminalLink::Exchange> WireTerminalLink::take_exchanges() {
  std::lock_guard lock(mutex_);
  std::vector<Exchange> out(std::make_move_iterator(exchanges_.begin()), std::make_move_iterator(exchanges_.end()));
  exchanges_.clear();
  return out;
}

SpareTerminalView WireTerminalLink::view() const {
  std::lock_guard lock(mutex_);
  return view_;
}

uint16_t WireTerminalLink::port() const { return proxy_ ? proxy_->port() : 0; }

void WireTerminalLink::run() {
  for (;;) {
    // Wakes for an exchange, for stop() (stop_waiting) or once the line is found unscorable.
    std::optional<WireExchange> e = watch_.next(60'000);
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
    }
    if (e) {
      {
        std::lock_guard lock(mutex_);
        exchanges_.push_back({serial_, std::move(e->record), e->op_known, std::move(e->line)});
        view_.last_ok_ms = now();
      }
      if (options_.notify) options_.notify();
      continue;
    }
    const std::string why = watch_.unscorable();
    if (why.empty()) continue;
    // Nothing more this line says can be scored: say so, and wait for the kiosk to close.
    {
      std::unique_lock lock(mutex_);
      view_.link = TerminalLinkState::refused;
      // Shown to trainees too: in plain words, the detail for whoever sets up the terminal.
      view_.problem = {"这台终端发出的数据不是银联终端的格式，无法评分，请培训员检查终端设置（" + why + "）",
                       "What this terminal sends is not in the UnionPay terminal format, so it cannot be scored; "
                       "the trainer should check the terminal's settings (" + why + ")"};
      view_.detail = why;
    }
    log("the hand-keyed terminal cannot be scored: " + why);
    if (options_.notify) options_.notify();
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return stopping_; });
    return;
  }
}

}  // namespace posdrill
