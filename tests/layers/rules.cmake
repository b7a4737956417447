# The layers, as link rules: each product target may link only the targets and libraries listed
# for it (PUBLIC and PRIVATE alike). A layer that needs something new gets it here, on purpose.
# tests/layers/check.cmake compares these with the link graph the build wrote (layers.txt).
set(allowed_posdrill_scenarios yaml-cpp nlohmann_json::nlohmann_json)
set(allowed_posdrill_device_bridge posdrill_scenarios)
set(allowed_posdrill_device_net posdrill_device_bridge)
set(allowed_posdrill_core posdrill_scenarios posdrill_device_bridge yaml-cpp nlohmann_json::nlohmann_json)
set(allowed_posdrill_sync posdrill_core posdrill_scenarios nlohmann_json::nlohmann_json)
set(allowed_posdrill_store posdrill_core posdrill_sync SQLite::SQLite3 PkgConfig::SODIUM nlohmann_json::nlohmann_json)
set(allowed_posdrill_http CURL::libcurl)
set(allowed_posdrill_net posdrill_http posdrill_store posdrill_sync)
set(allowed_posdrill_nexo posdrill_device_bridge posdrill_device_net posdrill_http posdrill_core)
set(allowed_posdrill_app posdrill_core posdrill_store)
set(allowed_posdrill_cli posdrill_scenarios posdrill_device_bridge posdrill_device_net posdrill_core posdrill_store posdrill_net CLI11::CLI11)
set(allowed_posdrill_ui posdrill_core PkgConfig::IMGUI Freetype::Freetype)
set(allowed_posdrill_ime posdrill_core PkgConfig::GOOGLEPINYIN)
# The platform is the top: SDL, GL and every layer below.
set(allowed_posdrill_platform posdrill_ui posdrill_ime posdrill_app posdrill_net posdrill_nexo PkgConfig::IMGUI
    SDL2::SDL2 OpenGL::GL Freetype::Freetype dl)

# What the PURE layers must never reach, even through another target.
set(pure_layers posdrill_scenarios posdrill_device_bridge posdrill_core posdrill_sync)
set(never_in_pure SQLite::SQLite3 CURL::libcurl PkgConfig::SODIUM PkgConfig::IMGUI SDL2::SDL2 OpenGL::GL
    Freetype::Freetype)
