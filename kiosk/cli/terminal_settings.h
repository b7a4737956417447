// Settings for practising on a spare real terminal (config `terminal:` section).
#pragma once

#include <string>

namespace posdrill {

struct RealTerminalSettings {
  std::string nexo_address;  // the terminal's nexo endpoint, e.g. http://192.0.2.10:8080/nexo; empty: none
};

}  // namespace posdrill
