// The kiosk as the SALE system of a spare real card terminal: posdrill::TerminalPort
// (scenarios/terminal_port.h) over nexo Sale-to-POI (device_bridge/nexo.h, JSON over HTTP POST to
// the terminal's /nexo endpoint). The runner scores terminal tasks from the TerminalRecords this
// port builds — only from what the terminal answered, never from what the trainee claims.
//
// Rules it keeps (docs/domain.md §5, §10, §11)
// - Training only: prepare() and the first request log in (LoginRequest.TrainingModeFlag) and
//   require the terminal to report training mode (trainingMode=true in AdditionalResponse, the
//   convention of device_bridge/nexo_poi.h); every later answer must say so too. A terminal that
//   does not is refused with a plain-words error, and nothing is sent to it.
// - Test cards only: an answer whose masked PAN does not start with a test card's first 6 digits
//   (default_test_bins(), taken from the emulator's test cards) is refused and not scored — the
//   kiosk tells staff to void it on the terminal.
// - "Timed out — did it go through?": when a Payment or Reversal gets no answer within
//   timeout_ms, the port asks TransactionStatus about that ServiceID. It never sends the payment
//   again and never refunds on its own. The record then carries what the status answer says.
// - One address: the port talks only to the URL it was configured with (numeric address or
//   localhost, http or https, no redirects followed).
//
// Threading: request() blocks for up to timeout_ms + status_timeout_ms. The headless player calls
// it directly; the kiosk's frame loop must call it from its terminal thread (architecture.md).
//
// Operations: sale (Payment Normal), pre-auth (FirstReservation), pre-auth completion (Completion,
// quoting the pre-auth this port saw approved, or the keyed auth code), void and pre-auth cancel
// (Reversal of a sale / pre-auth this port saw approved). Anything else (balance inquiry, query,
// reprint, settlement, refund, sign-on) is done on the terminal's own keypad: request() reports a
// record with no response code saying so.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "device_bridge/nexo.h"
#include "scenarios/terminal_port.h"
#include "scenarios/text.h"

namespace posdrill {

// The first 6 digits of every test card the emulator accepts (is_test_card): 476173, 620000,
// 620550, 621094, 411111, 424242.
std::vector<std::string> default_test_bins();

struct NexoTerminalConfig {
  std::string url;                           // the terminal's endpoint, e.g. http://192.0.2.10:8443/nexo
  std::string poi_id = "POSDRILL-TRAINING";  // the terminal's POIID
  std::string sale_id = "POSDRILL-KIOSK";    // this kiosk's SaleID
  int timeout_ms = 120'000;                  // Adyen's local Terminal API processing time-out
  int status_timeout_ms = 10'000;
  int connect_timeout_ms = 5'000;
  std::vector<std::string> test_bins;  // empty: default_test_bins()
  std::string ca_file;                 // https: the terminal's CA certificate
};

// One POST's outcome, as the transport saw it.
struct NexoPostResult {
  enum class Kind { answered, timeout, unreachable } kind = Kind::answered;
  long status = 0;
  std::string body;
  std::string error;  // plain words when not answered
};
using NexoPost = std::function<NexoPostResult(const std::string& url, const std::string& body, int timeout_ms,
                                              int connect_timeout_ms, const std::string& ca_file)>;
// The libcurl transport (kiosk/net/http_client.h). One client, reused: keep-alive to the terminal.
// `stop` (may be null, must outlive the transport): raised, the request in flight ends within
// about a second as unreachable ("cancelled"), so a closing kiosk never waits out a payment.
NexoPost curl_nexo_post(const std::atomic<bool>* stop = nullptr);

// Every text this port can put on a record's screen or in health().problem (the kiosk's glyph set).
std::vector<Text> nexo_port_texts();

// What the kiosk shows about the link to the terminal.
struct NexoLinkHealth {
  // How the last exchange went: answered (and usable), no answer at all (cable, power, address,
  // time-out), or an answer the kiosk will not use (not in training mode, unreadable, refused login).
  enum class Reach { unknown, answered, unreachable, refused } reach = Reach::unknown;
  bool configured = false;          // the URL parsed
  bool training_confirmed = false;  // the terminal said trainingMode=true at login
  WallTime last_ok_ms;              // the last good answer; 0: never
  std::string last_error;           // the last problem in plain words; "" after a good answer
  Text problem;                     // the last refused or failed operation, for the screen (zh, en)
};

class NexoTerminalPort final : public TerminalPort {
 public:
  // `post` empty: curl_nexo_post(). `wall_ms` empty: the system clock.
  explicit NexoTerminalPort(NexoTerminalConfig config, NexoPost post = {}, std::function<WallTime()> wall_ms = {});

  void prepare(const Setup& setup) override;
  void request(const TerminalRequest& request) override;
  std::vector<TerminalRecord> poll() override;

  const NexoLinkHealth& health() const { return health_; }
  // Logs in now (prepare() does it too). False with health().last_error set.
  bool login();

 private:
  bool login_once();
  struct Original {
    TerminalOp op = TerminalOp::sale;
    nexo::TransactionId poi_transaction;
    std::string approval_code;
    int64_t amount_minor = 0;
  };
  enum class Check { ok, refused, failed };
  // Sends one request and parses the answer. On a time-out returns nullopt with timed_out set.
  std::optional<nexo::Response> exchange(const nexo::Request& request, int timeout_ms, bool& timed_out);
  Check check_answer(const nexo::Response& r, const nexo::Header& sent);
  nexo::Header next_header(nexo::Category c);
  void money_request(const TerminalRequest& request, nexo::Request msg);
  TerminalRecord record_from(const TerminalRequest& request, const nexo::ResponseStatus& status,
                             std::optional<int64_t> amount, const std::string& approval_code) const;
  void fail(const TerminalRequest& request, const Text& screen, const std::string& error);
  std::string now_stamp() const;

  NexoTerminalConfig config_;
  std::optional<NexoTarget> target_;
  std::string url_;
  NexoPost post_;
  std::function<WallTime()> wall_ms_;
  NexoLinkHealth health_;
  const Text* login_problem_ = nullptr;  // what the screen says when the last login failed
  uint64_t next_service_ = 1;
  std::vector<Original> originals_;  // approved sales and pre-auths, for voids and completions
  std::vector<TerminalRecord> done_;
};

}  // namespace posdrill
