// Names for the CUP terminal operations (docs/domain.md §3), so the terminal and the host
// say "pre-auth completion" instead of repeating 0200 / 000000 / 06. Pure lookups.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device_bridge/iso_message.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

// Every message-level operation a CUP terminal sends. TerminalOp (the trainee's menu) has no
// reversal, incremental pre-auth, completion void or batch upload, and its transaction_query and
// reprint never go online.
enum class CupOperation {
  sale,                       // 消费
  void_sale,                  // 消费撤销
  refund,                     // 退货
  preauth,                    // 预授权
  preauth_incremental,        // 追加预授权
  preauth_cancel,             // 预授权撤销
  preauth_completion,         // 预授权完成(请求)
  preauth_completion_advice,  // 预授权完成(通知), offline: no auth code comes back
  completion_void,            // 预授权完成撤销
  balance_inquiry,            // 余额查询
  reversal,                   // 冲正
  batch_upload,               // 批上送
  settlement,                 // 结算
  sign_on,                    // 签到
};
inline constexpr int cup_operation_count = 14;

// The codes that identify an operation on the wire. Empty strings mean "not sent" or, for a
// reversal, "copied from the original request".
struct OperationCodes {
  std::string_view mti;              // request MTI, e.g. "0200"
  std::string_view processing_code;  // DE3
  std::string_view condition_code;   // DE25
  std::string_view type_code;        // DE60.1 交易类型码 (first 2 digits of DE60)
  std::string_view network_code;     // DE60.3 网络管理信息码 (digits 9-11 of DE60)
  bool reversible;                   // the terminal stores a reversal record before sending it
};

OperationCodes operation_codes(CupOperation op);
// "sale", "void_sale", ... (the enumerator's name).
std::string_view cup_operation_name(CupOperation op);

// The online operation behind a menu operation; nullopt for transaction_query and reprint.
std::optional<CupOperation> cup_operation(TerminalOp op);
// The menu operation a message operation belongs to; nullopt for reversal, incremental pre-auth,
// completion void, completion advice and batch upload.
std::optional<TerminalOp> terminal_op(CupOperation op);

// What a request or a response is, from its MTI, DE3 (first two digits) and DE25; the response
// MTI (0210, 0410, ...) classifies as its request. nullopt when nothing matches.
std::optional<CupOperation> classify(const IsoMessage& message);

// The request skeleton of `op`: MTI, DE3, DE25 and DE60 (type code + `batch` + network code).
// `batch` must be 6 digits. Reversal: use reversal_of() instead.
IsoMessage start_request(CupOperation op, std::string_view batch = "000001");

// The 0400 that reverses `original` (docs/domain.md §5.4): a copy without track data (DE35, DE36),
// PIN block (DE52, DE53), RRN (DE37) and MAC (DE64); DE39 carries the reversal reason
// ("06" stored, "98" no answer, "A0" bad MAC). A swiped or inserted original named its card only
// in track 2: the reversal names it in DE2 (the card number may be kept, the track may not), so
// the host can check that it undoes a transaction of that card.
IsoMessage reversal_of(const IsoMessage& original, std::string_view reason);

// The card number of a request: DE2, else the digits of track 2 (DE35) before the separator
// ('=' or 'D'); "" when there is neither.
std::string card_number_of(const IsoMessage& request);

// ---------------------------------------------------------------------------------------------
// What a request carries (device_bridge/README.md, "Requests field by field")
// ---------------------------------------------------------------------------------------------

// The data elements `op`'s request must carry, ascending, besides the card (DE2 or DE35, for
// every card operation: card_required) and DE64 (the MAC, checked by the wire host). DE60 must
// hold at least 60.1, 60.2 and 60.3 (11 digits).
std::vector<int> mandatory_fields(CupOperation op);
bool card_required(CupOperation op);
// Data elements no request may carry: DE54 (an answer's balance), DE70 and DE90 (not CUP
// terminal fields), and DE39 anywhere but in a reversal (where it is the reason).
bool forbidden_in_request(int de, CupOperation op);
// The first thing wrong with `request` (classified as `op`) against those rules and the codes of
// operation_codes(op): a missing or forbidden data element, DE60 shorter than 11 digits, DE60.1
// or DE60.3 not the operation's (a sign-on takes 60.3 = 001, 003 or 004), DE49 not "156", DE4
// not 12 digits. One English sentence naming the data element; "" when nothing is wrong. A
// reversal's DE60.1 is checked by reversed_operation().
std::string request_field_problem(const IsoMessage& request, CupOperation op);

// What a 0400 reverses, from the DE3 (first two digits), DE25 and DE60.1 it copied from its
// original: `op`, or why not in `problem` with the code a host answers — 12 when no reversible
// operation has that DE3 and DE25, 30 when one has but its DE60.1 differs.
struct ReversedOperation {
  std::optional<CupOperation> op;
  std::string code;
  std::string problem;
};
ReversedOperation reversed_operation(const IsoMessage& reversal);

// "0200" -> "0210", "0400" -> "0410"; returns the input unchanged when it is not a request MTI.
std::string response_mti(std::string_view request_mti);

}  // namespace posdrill
