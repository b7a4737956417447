// The shipped content (POSDRILL_TEST_CONTENT_DIR), loaded once a test process. The dev build
// runs each Catch case in a process of its own, but the sanitizer build runs every program whole
// (tests/CMakeLists.txt), and there reading all the scenarios and their figure sets again for
// each case took most of the run. A case that changes the set works on its own copy.
#pragma once

#include "scenarios/loader.h"

namespace posdrill::test {

inline const ContentSet& shipped_set() {
  static const ContentSet set = load_content(POSDRILL_TEST_CONTENT_DIR);
  return set;
}

}  // namespace posdrill::test
