// Fixture for tests/section_index_check.sh (never compiled): every section is in the index, but
// not in the file's order.
// [SECTION] Second
// [SECTION] First (comes first)
#include <cstdio>

// [SECTION] First
int first() { return 1; }

// [SECTION] Second
int second() { return 2; }
