# Fails when a source file under one of DIRS includes a header matching PATTERN.
# Usage: cmake -DROOT=<source dir> -DDIRS="a;b" -DPATTERN=<regex> -DWHAT=<rule in words> [-DFLAT=ON]
#        [-DLINES=ON] -P purity_check.cmake
# FLAT=ON: the files directly in each folder, not those in its subfolders.
# LINES=ON: any line matching PATTERN fails, not only an #include.
set(bad 0)
foreach(dir ${DIRS})
  if(FLAT)
    file(GLOB sources ${ROOT}/${dir}/*.h ${ROOT}/${dir}/*.hpp ${ROOT}/${dir}/*.cpp)
  else()
    file(GLOB_RECURSE sources ${ROOT}/${dir}/*.h ${ROOT}/${dir}/*.hpp ${ROOT}/${dir}/*.cpp)
  endif()
  foreach(src ${sources})
    if(LINES)
      file(STRINGS ${src} hits REGEX "${PATTERN}")
    else()
      file(STRINGS ${src} hits REGEX "#[ \t]*include[ \t]*[<\"](${PATTERN})")
    endif()
    if(hits)
      message(SEND_ERROR "${src}: ${WHAT}, but it includes: ${hits}")
      set(bad 1)
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "purity check failed: ${WHAT}")
endif()
message(STATUS "purity check passed: ${WHAT} (${DIRS})")
