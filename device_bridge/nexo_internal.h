// Internal to the nexo codec (nexo.h), whose code is spread over nexo.cpp (names, amounts and
// builders) and nexo_parse.cpp (the bounded reader and the parsers): the name tables both use.
// Not part of the codec's interface: nothing else includes this header.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "device_bridge/nexo.h"

namespace posdrill::nexo::internal {

inline constexpr std::pair<Category, std::string_view> category_names[] = {
    {Category::login, "Login"},       {Category::payment, "Payment"},
    {Category::reversal, "Reversal"}, {Category::transaction_status, "TransactionStatus"},
    {Category::abort, "Abort"},       {Category::display, "Display"},
};

inline constexpr std::pair<PaymentType, std::string_view> payment_type_names[] = {
    {PaymentType::normal, "Normal"},
    {PaymentType::first_reservation, "FirstReservation"},
    {PaymentType::completion, "Completion"},
};

inline constexpr std::pair<ReversalReason, std::string_view> reversal_reason_names[] = {
    {ReversalReason::customer_cancel, "CustCancel"},
    {ReversalReason::merchant_cancel, "MerchantCancel"},
    {ReversalReason::malfunction, "Malfunction"},
    {ReversalReason::unable_to_complete, "Unable2Compl"},
};

inline constexpr std::pair<Result, std::string_view> result_names[] = {
    {Result::success, "Success"}, {Result::failure, "Failure"}, {Result::partial, "Partial"}};

template <class E, std::size_t N>
std::string_view name_of(const std::pair<E, std::string_view> (&table)[N], E e) {
  for (const auto& [k, v] : table)
    if (k == e) return v;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::pair<E, std::string_view> (&table)[N], std::string_view s) {
  for (const auto& [k, v] : table)
    if (v == s) return k;
  return std::nullopt;
}

// The member that holds a message's body: "PaymentRequest", "LoginResponse", …
std::string_view body_key(Category c, bool request);

}  // namespace posdrill::nexo::internal
