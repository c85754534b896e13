# Sanitizer and fuzzing builds (scripts/test --sanitize=..., scripts/fuzz).
#   MKT_SANITIZE  comma list passed to -fsanitize= for every target
#                 (address,undefined or thread); empty = none.
#   MKT_FUZZ      also instrument for libFuzzer and build fuzz/ (clang only).
set(MKT_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")
option(MKT_FUZZ "Build the libFuzzer targets of fuzz/ (clang)" OFF)

if(MKT_SANITIZE)
  add_compile_options(-fsanitize=${MKT_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MKT_SANITIZE})
endif()
if(MKT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MKT_FUZZ needs clang (scripts/fuzz configures CC=clang CXX=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
