# libFuzzer targets of the ISO 8583 codec (tests/fuzz/fuzz_codec_*.cpp) and of the nexo JSON
# messages (tests/fuzz/fuzz_nexo.cpp). The project builds with g++; run_fuzz.sh compiles these with
# clang++ -fsanitize=fuzzer,address,undefined itself and fails (never skips) when clang or
# libFuzzer's runtime is missing. The ctest run is short; `make fuzz` runs longer. Included from
# tests/CMakeLists.txt.
# Runs per target: about 20 s each on two cores once compiled (a nexo input costs a JSON parse,
# roughly five times a codec input), so the whole test run stays short.
set(fuzz_runs_codec_cup 300000)
set(fuzz_runs_codec_interop 300000)
set(fuzz_runs_nexo 60000)
foreach(target codec_cup codec_interop nexo)
  add_test(NAME fuzz.${target}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_fuzz.sh ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/fuzz
                   ${target} -runs=${fuzz_runs_${target}} -seed=1)
  # The first run compiles with sanitizers (about half a minute on two cores).
  set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 600 LABELS "fuzz;slow")
endforeach()
