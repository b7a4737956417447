#include <string>

#include "scenarios/terminal_port.h"

namespace posdrill {

namespace {

struct RcText {
  std::string_view code;
  Text text;
};

// Display texts of a CUP terminal (docs/domain.md §4.1).
const RcText rc_table[] = {
    {"00", {"交易成功", "Approved"}},
    {"05", {"持卡人认证失败", "Cardholder authentication failed"}},
    {"12", {"无效交易", "Invalid transaction"}},
    {"13", {"无效金额", "Invalid amount"}},
    {"14", {"无效卡号", "Invalid card number"}},
    {"22", {"操作有误,或超出交易允许天数", "Wrong operation, or past the allowed days"}},
    {"25", {"没有原始交易,请联系发卡方", "Original transaction not found, contact the issuer"}},
    {"30", {"格式错误", "Format error"}},
    {"33", {"过期的卡,请没收", "Expired card, pick up"}},
    {"34", {"有作弊嫌疑的卡,请没收", "Suspected fraud, pick up the card"}},
    {"38", {"密码错误次数超限,请与发卡方联系", "PIN tries exceeded, contact the issuer"}},
    {"41", {"挂失卡,请没收", "Lost card, pick up"}},
    {"43", {"被窃卡,请没收", "Stolen card, pick up"}},
    {"51", {"可用余额不足", "Insufficient funds"}},
    {"54", {"过期的卡", "Expired card"}},
    {"55", {"密码错请重试", "Incorrect PIN, try again"}},
    {"57", {"不允许此卡交易", "Transaction not permitted to this card"}},
    {"61", {"交易金额超限", "Amount over the limit"}},
    {"62", {"受限制的卡", "Restricted card"}},
    {"64", {"原始金额错误", "Original amount incorrect"}},
    {"65", {"超出消费次数限制", "Too many transactions"}},
    {"68", {"交易超时,请重试", "Response too late, try again"}},
    {"75", {"密码错误次数超限", "PIN tries exceeded"}},
    {"77", {"请重新签到", "Please sign on again"}},
    {"91", {"发卡方状态不正常,请稍后重试", "Issuer unavailable, try later"}},
    {"94", {"拒绝,重复交易", "Declined: duplicate transaction"}},
    {"96", {"交换中心异常,请稍后重试", "Switch malfunction, try later"}},
    {"98", {"发卡方超时", "Issuer timed out"}},
    {"99", {"PIN格式错,请重新签到", "PIN format error, sign on again"}},
    {"A0", {"MAC校验错,请重新签到", "MAC check failed, sign on again"}},
};

}  // namespace

Text response_text(std::string_view code) {
  for (const auto& r : rc_table)
    if (r.code == code) return r.text;
  std::string c(code);
  return {"交易失败 (" + c + ")", "Transaction failed (" + c + ")"};
}

std::vector<Text> response_texts() {
  std::vector<Text> out;
  for (const auto& r : rc_table) out.push_back(r.text);
  return out;
}

}  // namespace posdrill
