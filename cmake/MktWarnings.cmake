# One warning set for every project target: mkt_warnings(<target>).
function(mkt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                         -Woverloaded-virtual -Wnull-dereference -Wformat=2)
  # GCC 12 reports -Wrestrict inside std::string's inlined _M_replace when a
  # literal and a string are concatenated at -O2/-O3, where nothing overlaps
  # (GCC bug 105329, fixed in 13): off for those compilers, so Release builds.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(MKT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
