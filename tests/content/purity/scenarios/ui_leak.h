// Fixture: a PURE folder that includes a UI header; the purity check must reject it.
#include <imgui.h>
