// Closing the kiosk never waits out a network time-out: the HTTP client's stop flag ends a request
// in flight (a silent LRS, a terminal waiting for the trainee), and the spare terminal's link
// stops in the middle of a payment. A failure here would show as the time-out's error instead
// of "cancelled" (after ten minutes), not as a timing assertion.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "device_bridge/net/tcp.h"
#include "kiosk/net/http_client.h"
#include "kiosk/nexo/spare_terminal_link.h"
#include "scenarios/loader.h"
#include "tests/nexo/poi_server.h"
#include "tests/shipped_set.h"

using namespace posdrill;

TEST_CASE("a request to a server that never answers ends when the stop flag is raised", "[cancel][threads]") {
  // A listening socket nobody accepts on: the kernel completes the handshake, nothing answers.
  uint16_t port = 0;
  std::string error;
  const int fd = listen_socket({"127.0.0.1", 0}, port, error);
  REQUIRE(fd >= 0);
  std::atomic<bool> stop{false};
  HttpClient http(&stop);
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/xapi/statements";
  req.body = "[]";
  req.timeout_s = 600;
  std::thread raiser([&stop] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  const HttpResponse r = http.perform(req);
  raiser.join();
  CHECK(r.error == HttpError::cancelled);
  // Once raised, later requests end at once.
  CHECK(http.perform(req).error == HttpError::cancelled);
  ::close(fd);
}

TEST_CASE("the spare terminal's link stops in the middle of a payment", "[cancel][threads]") {
  // The POI's host never answers the first sale, and it never gives up on it either.
  ContentSet content = posdrill::test::shipped_set();
  const Scenario* sc = content.find("wrong_pin_retry_privacy");
  REQUIRE(sc);
  Setup setup = sc->setup;
  setup.faults = {Fault{FaultKind::answer_lost, 1, 0, "", {}}};
  test::PoiServer poi(setup);
  std::mutex mutex;
  std::vector<std::string> lines;
  SpareTerminalLink::Options o;
  o.nexo.url = poi.url();
  o.nexo.timeout_ms = 600'000;
  o.nexo.status_timeout_ms = 600'000;
  o.log = [&](const std::string& l) {
    std::lock_guard lock(mutex);
    lines.push_back(l);
  };
  SpareTerminalLink link(std::move(o));
  std::string error;
  REQUIRE(link.start(error));
  TerminalRequest sale;
  sale.op = TerminalOp::sale;
  sale.amount_minor = 18650;
  link.send(1, sale);
  // Wait (bounded) until the link thread has taken the sale, then give curl a moment to send it.
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard lock(mutex);
      if (!lines.empty() && lines.back().find("sale") != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  link.stop();
  const std::vector<SpareTerminalLink::Answer> answers = link.take_answers();
  REQUIRE(answers.size() == 1);
  REQUIRE(answers[0].records.size() == 1);
  CHECK(answers[0].records[0].response_code.empty());  // nothing is scored as approved or declined
  INFO(link.view().detail << " / " << answers[0].records[0].screen.en);
  CHECK(link.view().detail.find("cancelled") != std::string::npos);
}
