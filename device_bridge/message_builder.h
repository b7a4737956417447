// Names for the CUP terminal operations (pos-facts.md section 2), so the terminal and the host
// say "pre-auth completion" instead of repeating 0200 / 000000 / 06. Pure lookups.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// The 0400 that reverses `original` (pos-facts section 5): a copy without track data (DE35, DE36),
// PIN block (DE52, DE53), RRN (DE37) and MAC (DE64); DE39 carries the reversal reason
// ("06" stored, "98" no answer, "A0" bad MAC).
IsoMessage reversal_of(const IsoMessage& original, std::string_view reason);

// "0200" -> "0210", "0400" -> "0410"; returns the input unchanged when it is not a request MTI.
std::string response_mti(std::string_view request_mti);

}  // namespace posdrill
