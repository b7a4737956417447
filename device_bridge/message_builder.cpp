#include "device_bridge/message_builder.h"

#include <array>

namespace posdrill {

namespace {

// pos-facts.md section 2 for MTI / DE3 / DE25; DE60.1 type codes from the CUP POS field notes
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

IsoMessage reversal_of(const IsoMessage& original, std::string_view reason) {
  IsoMessage m = original;
  m.mti = "0400";
  for (int de : {35, 36, 37, 52, 53, 64}) m.erase(de);
  m.set(39, std::string(reason));
  return m;
}

}  // namespace posdrill
