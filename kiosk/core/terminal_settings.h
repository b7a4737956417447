// Settings for practising on a spare real terminal (config `terminal:` section):
//
//   terminal:
//     nexo: http://192.0.2.10:8080/nexo   # the terminal's nexo Sale-to-POI endpoint
//     poi_id: TRAINING-01                 # its POIID (optional)
//     acquirer: example_acquirer_uat      # content/test_hosts id: the amount that gives each answer
//     timeout: 120                        # seconds to wait for the trainee at the terminal
//     answer_timeout: 60                  # the terminal's own answer time-out (交易超时), seconds
//     ca_file: terminal-ca.pem            # https: the terminal's CA certificate
//     proxy:                              # the host-link fault proxy, run by the kiosk
//       listen: 0.0.0.0:6000              #   the terminal's host address points here
//       upstream: 192.0.2.50:5000         #   the acquirer's TEST host behind it
//     wire:                               # practising on a hand-keyed CUP terminal, scored
//       listen: 0.0.0.0:6001              #   from its host line (posdrill play --wire)
//       upstream: 192.0.2.50:5000
//     test_hosts: [192.0.2.50:5000]       # upstreams allowed besides loopback
#pragma once

#include <string>
#include <vector>

namespace posdrill {

struct RealTerminalSettings {
  std::string nexo_address;  // the terminal's nexo endpoint, e.g. http://192.0.2.10:8080/nexo; empty: none
  std::string poi_id;        // the terminal's POIID; empty: NexoTerminalConfig's default
  // A content/test_hosts profile id: online request N of a scenario is sent with the amount that
  // makes this acquirer's test host give the scenario's outcome N ("00" when it names none).
  // Empty: the scenario's own amounts (right for `posdrill terminal --nexo`, which follows the
  // scenario's story itself).
  std::string acquirer;
  int timeout_s = 120;  // how long a payment may wait for the trainee at the terminal
  // The hand-keyed terminal's answer time-out (its 交易超时 parameter, set by the acquirer): an
  // answer the host line delays longer than this never reached the terminal (WireWatch).
  int answer_timeout_s = 60;
  std::string ca_file;  // absolute after loading (relative paths are taken from the config's folder)
  // The host-link fault proxy (device_bridge/net/proxy.h) the kiosk runs while a `faults: proxy`
  // scenario is played on the terminal. Both empty: no proxy (such scenarios stay on screen).
  std::string proxy_listen;    // ADDR:PORT
  std::string proxy_upstream;  // ADDR:PORT, loopback or listed in test_hosts
  // The wire mode (posdrill play --wire): a hand-keyed terminal's host address points at
  // wire_listen; its traffic goes on to wire_upstream and is scored from the line. Both or neither.
  std::string wire_listen;    // ADDR:PORT
  std::string wire_upstream;  // ADDR:PORT, loopback or listed in test_hosts
  // Upstreams the proxy may use besides loopback ("ADDR" or "ADDR:PORT", numeric; see
  // upstream_allowed). `posdrill proxy --test-host` adds to this list.
  std::vector<std::string> test_hosts;
};

}  // namespace posdrill
