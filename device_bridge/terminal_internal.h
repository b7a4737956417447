// Internal to EmulatedTerminal (terminal.h), whose code is spread over terminal.cpp,
// terminal_online.cpp, terminal_receipts.cpp and terminal_driver.cpp: the transaction table and the
// few helpers more than one of them uses. Not part of the terminal's interface: nothing else
// includes this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "device_bridge/terminal.h"
#include "device_bridge/terminal_texts.h"

namespace posdrill::terminal_internal {

// Each transaction type's key among the operations of content/ui/terminal.yaml (its title there:
// txn_label), and the operation it is for the runner and on the line.
struct TxnInfo {
  TxnType type;
  const char* key;
  TerminalOp op;
  CupOperation cup;
};

const TxnInfo& info(TxnType t);

const Text& training_mark();  // on the status line and on every slip

std::optional<char> key_digit(Key k);
std::string zero_pad(int64_t v, std::size_t width);
std::string pad_left_zeros(std::string_view s, std::size_t width);
// Overwrites before releasing: card data and PIN blocks must not linger in freed memory.
void wipe(std::string& s);
bool is_digit_string(const std::string& s, std::size_t n);  // exactly n decimal digits
Text amount_line(int64_t minor);

}  // namespace posdrill::terminal_internal
