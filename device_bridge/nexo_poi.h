// The emulated terminal as a nexo POI (Point Of Interaction): a sale system — the kiosk's own
// NexoTerminalPort, or any cash register speaking the Adyen Terminal API — practises against the
// scenario's emulated terminal and acquirer host (ScenarioEmulation, emulation.h) as if it were a
// real card terminal on the counter. nexo.h is the codec, net/http_server.h the transport.
//
// The emulated POI holds the card: the scenario chooses the test card and the customer's PIN, so
// no card number and no PIN ever arrives over nexo. Every answer carries at most the masked PAN.
//
// What it answers (the request's header is echoed with MessageType "Response")
//   Login              Success, POISystemData (POIStatus OK); training mode announced (below).
//   Payment            Normal -> sale, FirstReservation -> pre-auth, Completion -> pre-auth
//                      completion (the original by OriginalPOITransaction). The terminal's DE39:
//                      00 -> Success; 55 -> Failure/WrongPin; no answer, 68, 91, 96, 98, A0 ->
//                      Failure/UnreachableHost; any other code -> Failure/Refusal. The code always
//                      travels in AdditionalResponse (responseCode=55&refusalReason=...).
//   Reversal           a sale -> void, a pre-auth -> pre-auth cancel; the original by its
//                      POITransactionID (or ApprovalCode). Unknown original -> Failure/NotFound.
//   TransactionStatus  the status of the request named by MessageReference (ServiceID, SaleID;
//                      none: the last one): Success with RepeatedMessageResponse, or
//                      Failure/NotFound. For a request whose host answer was lost it tells the
//                      real outcome from the host's books: hostOutcome=approved&reversal=pending
//                      (booked by the issuer; the terminal will reverse it at its next online
//                      transaction), reversed, not_received, declined or approved&reversal=failed.
//   Abort              nothing is ever in progress between requests: HTTP 200 with no body (nexo
//                      sends no AbortResponse).
//   Display            Success (logged as its length only).
//
// The "timed out — did it go through?" rule (docs/domain.md §5.5, §11.3): when the terminal's own exchange
// with the host timed out and left a reversal record (scenario fault answer_lost, request_lost),
// the POI does not answer the sale system in time — by default not at all (the connection stays
// silent), or after `lost_answer_delay_ms` with Failure/UnreachableHost. The sale system must then
// ask TransactionStatus; it must not retry the payment or refund. A refused connection leaves no
// reversal record, so that answer comes at once (Failure/UnreachableHost).
//
// Training mode: every Response.AdditionalResponse starts with trainingMode=true. nexo has no POI
// side training flag (LoginRequest.TrainingModeFlag goes the other way), and AdditionalResponse is
// the place a POI puts extra facts in every answer, so a sale system can check each result, not
// only the login.
//
// Refusals a sale system can meet: a ServiceID already used by the same SaleID -> Failure/
// NotAllowed (a blind retry must not charge twice); a POIID that is not this POI's ->
// Failure/NotAllowed; a request without ProtocolVersion from a SaleID that never logged in ->
// Failure/LoggedOut; a currency other than CNY -> Failure/PaymentRestriction; a malformed request
// (a ProtocolVersion other than 3.x, none in a Login, an amount of 0.00, a full card number in
// MaskedPan) -> HTTP 400 with the JSON path and what was expected; a body that is not
// Content-Type application/json -> HTTP 415 (net/http_server.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "device_bridge/emulation.h"
#include "device_bridge/exchange.h"
#include "device_bridge/nexo.h"

namespace posdrill {

struct NexoPoiOptions {
  std::string poi_id = "POSDRILL-TRAINING";
  // A payment whose host answer was lost: -1 never answers; >= 0 answers Failure after that many ms.
  int lost_answer_delay_ms = -1;
  // Real time passing (ms since the POI started) moves the emulator's clock, so velocity windows
  // and time-outs see it; empty: the clock moves only by the emulation's own waits (tests).
  std::function<int64_t()> elapsed_ms;
  // One line per message: category, ServiceID, amount, result, response code. Never a card
  // number or a PIN.
  std::function<void(const std::string&)> log;
  ReplayOptions replay;
};

class NexoPoi {
 public:
  explicit NexoPoi(const Setup& setup, NexoPoiOptions options = {});
  ~NexoPoi();
  NexoPoi(const NexoPoi&) = delete;
  NexoPoi& operator=(const NexoPoi&) = delete;

  struct Answer {
    int http_status = 200;
    std::string body;  // JSON, or plain text with a 400
    bool silent = false;
    int delay_ms = 0;
  };
  // One request body in, what to send back out.
  Answer handle(std::string_view body);
  // The same for HttpServer.
  HttpServerAnswer handle_http(const HttpServerRequest& request);

  const std::string& poi_id() const { return options_.poi_id; }
  ScenarioEmulation& scenario() { return *scenario_; }

 private:
  struct Txn;
  Answer respond(const nexo::Header& request_header, nexo::ResponseBody body);
  Answer login(const nexo::Request& r);
  Answer payment(const nexo::Request& r, const nexo::PaymentRequest& p);
  Answer reversal(const nexo::Request& r, const nexo::ReversalRequest& v);
  Answer transaction_status(const nexo::Request& r, const nexo::TransactionStatusRequest& t);
  // Runs one operation on the emulated terminal; fills the Txn's outcome.
  void perform(Txn& txn, const TerminalRequest& request);
  nexo::ResponseStatus outcome_status(const Txn& txn) const;
  void move_clock();
  std::string time_stamp() const;
  void log(const std::string& line) const;
  const Txn* find(std::string_view sale_id, std::string_view service_id) const;
  const Txn* find_original(const nexo::OriginalTransaction& o) const;

  NexoPoiOptions options_;
  std::unique_ptr<ScenarioEmulation> scenario_;
  std::string masked_pan_, brand_;
  std::vector<std::unique_ptr<Txn>> txns_;
  int local_ids_ = 0;
  static constexpr std::size_t max_logged_in = 1024;
  std::set<std::string> logged_in_;  // SaleIDs that sent a Login
};

}  // namespace posdrill
