#include "device_bridge/message_builder.h"

#include <array>

namespace posdrill {

namespace {

// docs/domain.md §3.1 for MTI / DE3 / DE25; DE60.1 type codes from the CUP POS field notes
// (查询 01, 预授权 10, 预授权撤消 11, 预授权完成 20, 完成撤消 21, 消费 22, 消费撤消 23, 退货 25).
// Incremental pre-auth reuses 10 and the completion advice uses 24 (secondary sources).
struct Row {
  CupOperation op;
  std::string_view name;
  OperationCodes codes;
};

constexpr std::array<Row, cup_operation_count> rows = {{
    {CupOperation::sale, "sale", {"0200", "000000", "00", "22", "000", true}},
    {CupOperation::void_sale, "void_sale", {"0200", "200000", "00", "23", "000", true}},
    {CupOperation::refund, "refund", {"0220", "200000", "00", "25", "000", false}},
    {CupOperation::preauth, "preauth", {"0100", "030000", "06", "10", "000", true}},
    {CupOperation::preauth_incremental, "preauth_incremental", {"0100", "030000", "60", "10", "000", true}},
    {CupOperation::preauth_cancel, "preauth_cancel", {"0100", "200000", "06", "11", "000", true}},
    {CupOperation::preauth_completion, "preauth_completion", {"0200", "000000", "06", "20", "000", true}},
    {CupOperation::preauth_completion_advice,
     "preauth_completion_advice",
     {"0220", "000000", "06", "24", "000", false}},
    {CupOperation::completion_void, "completion_void", {"0200", "200000", "06", "21", "000", true}},
    {CupOperation::balance_inquiry, "balance_inquiry", {"0200", "310000", "00", "01", "000", false}},
    {CupOperation::reversal, "reversal", {"0400", "", "", "", "", false}},
    {CupOperation::batch_upload, "batch_upload", {"0320", "", "", "00", "201", false}},
    {CupOperation::settlement, "settlement", {"0500", "", "", "00", "201", false}},
    // 003: sign-on asking for double-length (two-key 3DES) working keys, like our test keys.
    {CupOperation::sign_on, "sign_on", {"0800", "", "", "00", "003", false}},
}};

const Row& row(CupOperation op) { return rows[std::size_t(op)]; }

bool is_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

OperationCodes operation_codes(CupOperation op) { return row(op).codes; }
std::string_view cup_operation_name(CupOperation op) { return row(op).name; }

std::optional<CupOperation> cup_operation(TerminalOp op) {
  switch (op) {
    case TerminalOp::sale:
      return CupOperation::sale;
    case TerminalOp::void_sale:
      return CupOperation::void_sale;
    case TerminalOp::refund:
      return CupOperation::refund;
    case TerminalOp::preauth:
      return CupOperation::preauth;
    case TerminalOp::preauth_completion:
      return CupOperation::preauth_completion;
    case TerminalOp::preauth_cancel:
      return CupOperation::preauth_cancel;
    case TerminalOp::balance_inquiry:
      return CupOperation::balance_inquiry;
    case TerminalOp::settlement:
      return CupOperation::settlement;
    case TerminalOp::sign_on:
      return CupOperation::sign_on;
    case TerminalOp::transaction_query:
    case TerminalOp::reprint:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<TerminalOp> terminal_op(CupOperation op) {
  switch (op) {
    case CupOperation::sale:
      return TerminalOp::sale;
    case CupOperation::void_sale:
      return TerminalOp::void_sale;
    case CupOperation::refund:
      return TerminalOp::refund;
    case CupOperation::preauth:
      return TerminalOp::preauth;
    case CupOperation::preauth_cancel:
      return TerminalOp::preauth_cancel;
    case CupOperation::preauth_completion:
      return TerminalOp::preauth_completion;
    case CupOperation::balance_inquiry:
      return TerminalOp::balance_inquiry;
    case CupOperation::settlement:
      return TerminalOp::settlement;
    case CupOperation::sign_on:
      return TerminalOp::sign_on;
    default:
      return std::nullopt;
  }
}

std::string response_mti(std::string_view request_mti) {
  std::string mti(request_mti);
  if (is_digits(mti, 4) && (mti[2] - '0') % 2 == 0) mti[2] = char(mti[2] + 1);
  return mti;
}

std::optional<CupOperation> classify(const IsoMessage& message) {
  if (!is_digits(message.mti, 4)) return std::nullopt;
  std::string mti = message.mti;
  if ((mti[2] - '0') % 2 == 1) mti[2] = char(mti[2] - 1);  // a response classifies as its request
  if (mti == "0400") return CupOperation::reversal;
  if (mti == "0320") return CupOperation::batch_upload;
  if (mti == "0500") return CupOperation::settlement;
  if (mti == "0800") return CupOperation::sign_on;
  // The transaction type is DE3's first two digits; the account-type digits after it vary.
  std::string_view type = std::string_view(message.get(3)).substr(0, 2);
  const std::string& condition = message.get(25);
  for (const Row& r : rows) {
    if (r.codes.processing_code.empty()) continue;
    if (r.codes.mti == mti && r.codes.processing_code.substr(0, 2) == type && r.codes.condition_code == condition)
      return r.op;
  }
  return std::nullopt;
}

IsoMessage start_request(CupOperation op, std::string_view batch) {
  const OperationCodes& c = row(op).codes;
  IsoMessage m;
  m.mti = std::string(c.mti);
  if (!c.processing_code.empty()) m.set(3, std::string(c.processing_code));
  if (!c.condition_code.empty()) m.set(25, std::string(c.condition_code));
  if (!c.type_code.empty()) {
    std::string b = is_digits(batch, 6) ? std::string(batch) : std::string("000001");
    m.set(60, std::string(c.type_code) + b + std::string(c.network_code));
  }
  return m;
}

std::string card_number_of(const IsoMessage& request) {
  if (request.has(2)) return request.get(2);
  const std::string& track = request.get(35);
  std::size_t sep = track.find_first_of("=D");
  return sep == std::string::npos ? std::string() : track.substr(0, sep);
}

IsoMessage reversal_of(const IsoMessage& original, std::string_view reason) {
  IsoMessage m = original;
  m.mti = "0400";
  if (!m.has(2)) {
    std::string pan = card_number_of(original);
    if (!pan.empty()) m.set(2, pan);
  }
  for (int de : {35, 36, 37, 52, 53, 64}) m.erase(de);
  m.set(39, std::string(reason));
  return m;
}

// ---------------------------------------------------------------------------------------------
// What a request carries
// ---------------------------------------------------------------------------------------------

std::vector<int> mandatory_fields(CupOperation op) {
  switch (op) {
    case CupOperation::sale:
    case CupOperation::preauth:
      return {3, 4, 11, 22, 25, 41, 42, 49, 60};
    case CupOperation::void_sale:
    case CupOperation::completion_void:
    case CupOperation::refund:
    case CupOperation::preauth_incremental:
    case CupOperation::preauth_cancel:
    case CupOperation::preauth_completion:
    case CupOperation::preauth_completion_advice:
      return {3, 4, 11, 22, 25, 41, 42, 49, 60, 61};
    case CupOperation::balance_inquiry:
      return {3, 11, 22, 25, 41, 42, 60};
    case CupOperation::reversal:
      return {3, 4, 11, 22, 25, 39, 41, 42, 49, 60};
    case CupOperation::settlement:
      return {11, 41, 42, 48, 49, 60};
    case CupOperation::sign_on:
    case CupOperation::batch_upload:
      return {11, 41, 42, 60};
  }
  return {};
}

bool card_required(CupOperation op) {
  return op != CupOperation::settlement && op != CupOperation::sign_on && op != CupOperation::batch_upload;
}

bool forbidden_in_request(int de, CupOperation op) {
  return de == 54 || de == 70 || de == 90 || (de == 39 && op != CupOperation::reversal);
}

std::string request_field_problem(const IsoMessage& request, CupOperation op) {
  const std::string name(cup_operation_name(op));
  for (int de : mandatory_fields(op))
    if (!request.has(de)) return "DE" + std::to_string(de) + " is missing: a " + name + " request must carry it";
  if (card_required(op) && card_number_of(request).empty())
    return "the card is missing: a " + name + " request carries DE2 or track 2 (DE35)";
  for (const auto& [de, value] : request.fields)
    if (forbidden_in_request(de, op))
      return "DE" + std::to_string(de) + " must not be in a request (" +
             (de == 39 ? "a response code travels only in answers and reversals" : "it is not a CUP request field") +
             ")";
  const std::string& de60 = request.get(60);
  if (request.has(60) && (de60.size() < 11 || !is_digits(de60, de60.size())))
    return "DE60 must hold 60.1, 60.2 and 60.3: at least 11 digits";
  const OperationCodes c = operation_codes(op);
  if (op != CupOperation::reversal && request.has(60)) {
    if (std::string_view(de60).substr(0, 2) != c.type_code)
      return "DE60.1 is " + de60.substr(0, 2) + ", but a " + name + " with DE3 " + request.get(3) + " and DE25 " +
             request.get(25) + " has type code " + std::string(c.type_code);
    std::string_view network = std::string_view(de60).substr(8, 3);
    bool network_ok = op == CupOperation::sign_on ? (network == "001" || network == "003" || network == "004")
                                                  : network == c.network_code;
    if (!network_ok)
      return "DE60.3 is " + std::string(network) + ", expected " +
             (op == CupOperation::sign_on ? std::string("001, 003 or 004") : std::string(c.network_code));
  }
  if (request.has(49) && request.get(49) != "156")
    return "DE49 is " + request.get(49) + ": this acquirer takes CNY (156) only";
  if (request.has(4) && !is_digits(request.get(4), 12)) return "DE4 must be 12 digits of fen";
  return "";
}

ReversedOperation reversed_operation(const IsoMessage& reversal) {
  ReversedOperation out;
  std::string_view type = std::string_view(reversal.get(3)).substr(0, 2);
  const std::string& condition = reversal.get(25);
  std::string_view type_code = std::string_view(reversal.get(60)).substr(0, 2);
  bool family = false;
  for (const Row& r : rows) {
    if (!r.codes.reversible || r.codes.processing_code.substr(0, 2) != type || r.codes.condition_code != condition)
      continue;
    family = true;
    if (r.codes.type_code == type_code) {
      out.op = r.op;
      return out;
    }
  }
  if (family) {
    out.code = "30";
    out.problem = "DE60.1 " + std::string(type_code) + " names no reversible operation with DE3 " + reversal.get(3) +
                  " and DE25 " + condition;
  } else {
    out.code = "12";
    out.problem = "DE3 " + reversal.get(3) + " with DE25 " + condition + " is no operation a terminal reverses";
  }
  return out;
}

}  // namespace posdrill
