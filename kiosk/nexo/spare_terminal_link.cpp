#include "kiosk/nexo/spare_terminal_link.h"

#include <chrono>

#include "kiosk/nexo/wire_terminal_link.h"

namespace posdrill {

std::optional<SpareTerminalLink::Options> SpareTerminalLink::options_from(
    const RealTerminalSettings& settings, const std::vector<TestHostProfile>& test_hosts, std::string& error) {
  error.clear();
  if (settings.nexo_address.empty()) return std::nullopt;
  Options o;
  o.nexo.url = settings.nexo_address;
  if (!settings.poi_id.empty()) o.nexo.poi_id = settings.poi_id;
  o.nexo.timeout_ms = settings.timeout_s * 1000;
  o.nexo.ca_file = settings.ca_file;
  if (!parse_nexo_url(o.nexo.url, error)) {
    error = "terminal.nexo: " + error;
    return std::nullopt;
  }
  const TestHostProfile* table = nullptr;
  if (!configured_test_host(settings, test_hosts, table, error)) return std::nullopt;
  if (table) {
    o.acquirer = table->id;
    o.acquirer_title = table->title;
  }
  if (!settings.proxy_listen.empty() || !settings.proxy_upstream.empty()) {
    auto listen = parse_endpoint(settings.proxy_listen, error);
    if (!listen) {
      error = "terminal.proxy.listen: " + error;
      return std::nullopt;
    }
    auto upstream = parse_endpoint(settings.proxy_upstream, error);
    if (!upstream) {
      error = "terminal.proxy.upstream: " + error;
      return std::nullopt;
    }
    o.proxy_listen = *listen;
    o.proxy_upstream = *upstream;
  }
  o.test_hosts = settings.test_hosts;
  return o;
}

SpareTerminalLink::SpareTerminalLink(Options options) : options_(std::move(options)) {
  NexoPost post = options_.post ? options_.post : curl_nexo_post(&cancel_);
  port_ = std::make_unique<NexoTerminalPort>(options_.nexo, std::move(post), options_.wall_ms);
  view_.configured = true;
  view_.address = options_.nexo.url;
  view_.link = TerminalLinkState::connecting;
  view_.acquirer = options_.acquirer;
  view_.acquirer_title_zh = options_.acquirer_title.zh;
  view_.acquirer_title_en = options_.acquirer_title.en;
  if (options_.proxy_listen) view_.proxy_address = endpoint_text(*options_.proxy_listen);
}

SpareTerminalLink::~SpareTerminalLink() { stop(); }

void SpareTerminalLink::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

bool SpareTerminalLink::start(std::string& error) {
  if (!port_->health().configured) {
    error = "terminal.nexo: " + port_->health().last_error;
    return false;
  }
  if (options_.proxy_listen && options_.proxy_upstream) {
    HostLinkProxy::Options po;
    po.upstream = *options_.proxy_upstream;
    po.test_hosts = options_.test_hosts;
    proxy_ = std::make_unique<HostLinkProxy>(po, &plan_, [this](const std::string& l) { log("proxy: " + l); });
    std::string why;
    if (!proxy_->listen(*options_.proxy_listen, why)) {
      // The terminal itself still works: only `faults: proxy` scenarios stay on screen.
      log("the host-link proxy does not run: " + why);
      std::lock_guard lock(mutex_);
      view_.proxy_problem = why;
      proxy_.reset();
    } else {
      std::string address = endpoint_text(Endpoint{options_.proxy_listen->host, proxy_->port()});
      {
        std::lock_guard lock(mutex_);
        view_.proxy = true;
        view_.proxy_address = address;
      }
      log("host-link proxy on " + address + " to " + endpoint_text(*options_.proxy_upstream));
    }
    if (proxy_) proxy_thread_ = std::thread([this] { proxy_->serve(); });
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void SpareTerminalLink::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (proxy_) proxy_->stop();
  if (proxy_thread_.joinable()) proxy_thread_.join();
}

void SpareTerminalLink::begin(uint64_t serial, const Scenario& scenario) {
  Job j;
  j.kind = Job::Kind::begin;
  j.serial = serial;
  j.setup = scenario.setup;
  j.proxy_faults = scenario.real_terminal && scenario.real_terminal->proxy_faults;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(j));
  }
  wake_.notify_all();
}

void SpareTerminalLink::send(uint64_t serial, const TerminalRequest& request) {
  Job j;
  j.kind = Job::Kind::send;
  j.serial = serial;
  j.request = request;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(j));
  }
  wake_.notify_all();
}

void SpareTerminalLink::end(uint64_t serial) {
  Job j;
  j.kind = Job::Kind::end;
  j.serial = serial;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(j));
  }
  wake_.notify_all();
}

std::vector<SpareTerminalLink::Answer> SpareTerminalLink::take_answers() {
  std::lock_guard lock(mutex_);
  return std::exchange(answers_, {});
}

SpareTerminalView SpareTerminalLink::view() const {
  std::lock_guard lock(mutex_);
  return view_;
}

uint16_t SpareTerminalLink::proxy_port() const { return proxy_ ? proxy_->port() : 0; }

HostLinkProxy::Counters SpareTerminalLink::proxy_counters() const {
  return proxy_ ? proxy_->counters() : HostLinkProxy::Counters{};
}

// Copies the port's health into the view (the port is the link thread's alone).
void SpareTerminalLink::publish_health() {
  const NexoLinkHealth& h = port_->health();
  TerminalLinkState state = TerminalLinkState::connecting;
  switch (h.reach) {
    case NexoLinkHealth::Reach::unknown:
      state = TerminalLinkState::connecting;
      break;
    case NexoLinkHealth::Reach::answered:
      state = h.training_confirmed ? TerminalLinkState::ready : TerminalLinkState::refused;
      break;
    case NexoLinkHealth::Reach::unreachable:
      state = TerminalLinkState::unreachable;
      break;
    case NexoLinkHealth::Reach::refused:
      state = TerminalLinkState::refused;
      break;
  }
  // The log callback is the caller's code (it may block on a file or take its own lock): it runs
  // after the mutex is released, so the frame loop's view() never waits on it.
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = state != view_.link;
    view_.link = state;
    view_.last_ok_ms = h.last_ok_ms;
    view_.problem = state == TerminalLinkState::ready ? Text{} : h.problem;
    view_.detail = h.last_error;
  }
  if (changed)
    log("terminal link: " + std::string(terminal_link_state_name(state)) +
        (h.last_error.empty() ? "" : " (" + h.last_error + ")"));
  if (options_.notify) options_.notify();
}

void SpareTerminalLink::run() {
  using Clock = std::chrono::steady_clock;
  port_->login();
  publish_health();
  auto last_contact = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto due = last_contact + std::chrono::milliseconds(options_.probe_interval_ms);
    if (jobs_.empty() && !wake_.wait_until(lock, due, [this] { return stopping_ || !jobs_.empty(); })) {
      // Nothing asked for a whole interval: check the terminal is still there.
      lock.unlock();
      port_->login();
      publish_health();
      last_contact = Clock::now();
      lock.lock();
      continue;
    }
    if (stopping_) break;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    switch (job.kind) {
      case Job::Kind::begin: {
        std::vector<ProxyFaultPlan::Rule> rules;
        if (proxy_ && job.proxy_faults) {
          std::vector<std::string> skipped;
          ProxyFaultPlan plan = ProxyFaultPlan::from_setup(job.setup, &skipped);
          rules = plan.rules();
          for (const auto& s : skipped) log("proxy: not on the wire: " + s);
        }
        if (proxy_) plan_.replace(std::move(rules));
        port_->prepare(job.setup);  // logs in
        break;
      }
      case Job::Kind::send: {
        log("attempt " + std::to_string(job.serial) + ": " + std::string(terminal_op_name(job.request.op)) +
            (job.request.amount_minor ? " " + format_amount(*job.request.amount_minor) : ""));
        port_->request(job.request);
        Answer a{job.serial, port_->poll()};
        for (const auto& r : a.records)
          log("attempt " + std::to_string(job.serial) + ": " + std::string(terminal_op_name(r.op)) + " answered " +
              (r.response_code.empty() ? "nothing" : r.response_code));
        std::lock_guard g(mutex_);
        answers_.push_back(std::move(a));
        break;
      }
      case Job::Kind::end:
        if (proxy_) plan_.replace({});
        break;
    }
    publish_health();
    last_contact = Clock::now();
    lock.lock();
  }
}

}  // namespace posdrill
