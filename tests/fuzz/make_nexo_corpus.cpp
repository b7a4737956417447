// Writes the nexo fuzz target's seed corpus (tests/fuzz/corpus_nexo): one valid text of each
// message kind the codec knows, built with the codec's own builders so every seed is accepted and
// the fuzzer starts from the deep paths (amounts, masked PANs, repeated responses) rather than
// from bare JSON. The files are committed; run this again only when the message set grows:
//   clang++ -std=c++20 -I. tests/fuzz/make_nexo_corpus.cpp device_bridge/nexo.cpp device_bridge/nexo_parse.cpp \
//       device_bridge/endpoint.cpp device_bridge/framing.cpp -o /tmp/gen
//   /tmp/gen tests/fuzz/corpus_nexo
#include <cstdio>
#include <fstream>
#include <string>

#include "device_bridge/nexo.h"

using namespace posdrill::nexo;

namespace {

Header header(Category c, std::string service) {
  return Header{c, std::move(service), "POSDRILL-KIOSK", "TRAINING-01"};
}

void write(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_nexo_corpus DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const TransactionId sale_tx{"S-20261121-1", "2026-11-21T14:32:00+08:00"};
  const TransactionId poi_tx{"P-000001", "2026-11-21T14:32:05+08:00"};

  LoginRequest login;
  login.date_time = "2026-11-21T14:30:00+08:00";
  write(dir, "login_request.json", build_request(Request{header(Category::login, "1"), login}));

  PaymentRequest sale;
  sale.sale_transaction = sale_tx;
  sale.requested_minor = 18650;
  write(dir, "payment_sale_request.json", build_request(Request{header(Category::payment, "2"), sale}));

  PaymentRequest preauth = sale;
  preauth.type = PaymentType::first_reservation;
  preauth.requested_minor = 100000;
  write(dir, "payment_preauth_request.json", build_request(Request{header(Category::payment, "3"), preauth}));

  PaymentRequest completion = sale;
  completion.type = PaymentType::completion;
  completion.requested_minor = 115000;
  completion.original = OriginalTransaction{poi_tx, "123456", "POSDRILL-KIOSK", "TRAINING-01"};
  write(dir, "payment_completion_request.json", build_request(Request{header(Category::payment, "4"), completion}));

  ReversalRequest reversal;
  reversal.original = OriginalTransaction{poi_tx, "123456", "", ""};
  reversal.reason = ReversalReason::customer_cancel;
  reversal.reversed_minor = 18650;
  write(dir, "reversal_request.json", build_request(Request{header(Category::reversal, "5"), reversal}));

  TransactionStatusRequest status;
  status.reference = MessageReference{Category::payment, "2", "POSDRILL-KIOSK", "TRAINING-01"};
  write(dir, "transaction_status_request.json",
        build_request(Request{header(Category::transaction_status, "6"), status}));

  AbortRequest abort;
  abort.reference = MessageReference{Category::payment, "2", "POSDRILL-KIOSK", "TRAINING-01"};
  abort.reason = "MerchantAbort";
  write(dir, "abort_request.json", build_request(Request{header(Category::abort, "7"), abort}));

  write(dir, "display_request.json",
        build_request(Request{header(Category::display, "8"), DisplayRequest{"培训 TRAINING 请插卡"}}));

  LoginResponse login_ok;
  login_ok.date_time = "2026-11-21T14:30:01+08:00";
  login_ok.response.additional_response = encode_additional({{"trainingMode", "true"}});
  login_ok.manufacturer_id = "posdrill";
  login_ok.application_name = "emulator";
  login_ok.software_version = "1";
  login_ok.certification_code = "TRAINING";
  write(dir, "login_response.json", build_response(Response{header(Category::login, "1"), login_ok}));

  PaymentResponse paid;
  paid.response.additional_response = encode_additional({{"trainingMode", "true"}, {"hostResponseCode", "00"}});
  paid.sale_transaction = sale_tx;
  paid.poi_transaction = poi_tx;
  paid.masked_pan = "620000******0047";
  paid.payment_brand = "cup";
  paid.currency = "CNY";
  paid.authorized_minor = 18650;
  paid.approval_code = "123456";
  paid.acquirer_transaction = TransactionId{"000123", "2026-11-21T14:32:04+08:00"};
  paid.merchant_id = "898110048160001";
  paid.acquirer_poi_id = "10000001";
  write(dir, "payment_response_approved.json", build_response(Response{header(Category::payment, "2"), paid}));

  PaymentResponse declined = paid;
  declined.response.result = Result::failure;
  declined.response.error_condition = "WrongPIN";
  declined.response.additional_response = encode_additional({{"trainingMode", "true"}, {"hostResponseCode", "55"}});
  declined.authorized_minor.reset();
  declined.approval_code.clear();
  write(dir, "payment_response_declined.json", build_response(Response{header(Category::payment, "2"), declined}));

  ReversalResponse reversed;
  reversed.poi_transaction = TransactionId{"P-000002", "2026-11-21T14:33:00+08:00"};
  reversed.original = OriginalTransaction{poi_tx, "123456", "", ""};
  reversed.reversed_minor = 18650;
  write(dir, "reversal_response.json", build_response(Response{header(Category::reversal, "5"), reversed}));

  TransactionStatusResponse status_answer;
  status_answer.reference = status.reference;
  status_answer.repeated = RepeatedResponse{header(Category::payment, "2"), paid};
  write(dir, "transaction_status_response.json",
        build_response(Response{header(Category::transaction_status, "6"), status_answer}));

  DisplayResponse shown;
  write(dir, "display_response.json", build_response(Response{header(Category::display, "8"), shown}));
  return 0;
}
