// Fixture for tests/section_index_check.sh and tests/source_size_check.sh (never compiled): an
// index gone stale, naming a section that is gone and missing one that was added.
// [SECTION] Alpha: the first
// [SECTION] Beta
#include <cstdio>

// [SECTION] Alpha
int alpha() { return 1; }

// ---- [SECTION] Gamma ----------------------------------------------------------------------------
int gamma() { return 3; }
