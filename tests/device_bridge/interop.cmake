# Cross-check of the interop dialect against npm iso_8583 (pinned in package-lock.json).
# Included from tests/device_bridge/CMakeLists.txt.
add_executable(interop_tool ${CMAKE_CURRENT_LIST_DIR}/interop_tool.cpp)
target_link_libraries(interop_tool PRIVATE posdrill_device_bridge nlohmann_json::nlohmann_json)

add_test(NAME bridge.interop_iso8583
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_interop.sh ${PROJECT_SOURCE_DIR} $<TARGET_FILE:interop_tool>)
# npm ci may have to fetch the package the first time.
set_tests_properties(bridge.interop_iso8583 PROPERTIES TIMEOUT 300 LABELS "interop;slow;network")
