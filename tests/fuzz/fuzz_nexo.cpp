// libFuzzer target: arbitrary bytes read as a nexo SaleToPOIRequest and as a SaleToPOIResponse
// (device_bridge/nexo.h). The property:
// - parsing never crashes, hangs or reads out of bounds (ASan, UBSan, libFuzzer's timeout);
// - a refused text says where and what (an error with a JSON path or an expectation);
// - bounds hold: nothing over max_message_bytes is accepted; amounts are never negative; a
//   masked PAN that is kept is a masked PAN (a full card number is refused, never kept);
// - an accepted message builds, the built text parses again, and building that gives the same
//   text: the builder is a fixed point after one pass. The structs have no operator==, so the
//   built text stands in for "the same message"; a field the parser kept but the builder dropped
//   (or wrote differently) shows up as a different second text.
// Built by run_fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "device_bridge/nexo.h"

namespace {

using namespace posdrill::nexo;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_nexo: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_amount(const std::optional<int64_t>& minor, const char* where) {
  if (minor && *minor < 0) fail("negative amount accepted", where);
}

void check_pan(const std::string& pan) {
  if (!pan.empty() && !is_masked_pan(pan)) fail("a PAN that is not masked was kept", pan);
}

void check_payment_response(const PaymentResponse& p) {
  check_pan(p.masked_pan);
  check_amount(p.authorized_minor, "PaymentResponse.AuthorizedAmount");
}

void check_reversal_response(const ReversalResponse& r) { check_amount(r.reversed_minor, "ReversalResponse"); }

void check_bounds(const Request& r) {
  std::visit(
      [](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, PaymentRequest>) {
          check_amount(b.requested_minor, "PaymentRequest.RequestedAmount");
        } else if constexpr (std::is_same_v<T, ReversalRequest>) {
          check_amount(b.reversed_minor, "ReversalRequest.ReversedAmount");
        }
      },
      r.body);
}

void check_bounds(const Response& r) {
  std::visit(
      [](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, PaymentResponse>) {
          check_payment_response(b);
        } else if constexpr (std::is_same_v<T, ReversalResponse>) {
          check_reversal_response(b);
        } else if constexpr (std::is_same_v<T, TransactionStatusResponse>) {
          if (b.repeated) {
            if (auto* p = std::get_if<PaymentResponse>(&b.repeated->body)) check_payment_response(*p);
            if (auto* v = std::get_if<ReversalResponse>(&b.repeated->body)) check_reversal_response(*v);
          }
        }
      },
      r.body);
}

// One direction (request or response): parse, check, build, parse, build.
template <class Message>
void round_trip(std::string_view input, Parsed<Message> (*parse)(std::string_view),
                std::string (*build)(const Message&), const char* kind) {
  const Parsed<Message> first = parse(input);
  if (!first.ok()) {
    if (first.error.path.empty() && first.error.expected.empty()) fail("a refusal with no reason", kind);
    return;
  }
  if (input.size() > max_message_bytes) fail("an over-long text was accepted", kind);
  check_bounds(*first.value);

  const std::string built = build(*first.value);
  // Escaping can make a text near the limit longer than the limit: the reader is right to refuse
  // that one, and it is not a round-trip failure.
  if (built.size() > max_message_bytes) return;
  const Parsed<Message> second = parse(built);
  if (!second.ok()) fail("the built text does not parse", std::string(kind) + ": " + second.error.to_string());
  check_bounds(*second.value);
  if (build(*second.value) != built) fail("building is not a fixed point", std::string(kind) + ": " + built);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  round_trip<Request>(input, &parse_request, &build_request, "request");
  round_trip<Response>(input, &parse_response, &build_response, "response");
  return 0;
}
