# mkt_add_test(<source> LIBS <targets...> [LABELS <labels...>] [MAIN <target>]
#              [FIXTURES <ctest fixture required>] [RESOURCE_LOCK <resource>])
# Builds one GoogleTest executable per *_test.cpp and registers each test case with ctest.
# MAIN replaces gtest_main (e.g. mkt_library_main, which initialises xmlsec and Raptor).
# FIXTURES: the ctest fixture every test case requires (e.g. Glance: tests/support).
# RESOURCE_LOCK: test cases holding the same resource never run at once (the fixture's
# one-worker Glance dropped connections when two test processes used it under ctest -j2).
find_package(GTest REQUIRED)
include(GoogleTest)

function(mkt_add_test source)
  cmake_parse_arguments(ARG "" "MAIN;FIXTURES;RESOURCE_LOCK" "LIBS;LABELS" ${ARGN})
  if(NOT ARG_MAIN)
    set(ARG_MAIN GTest::gtest_main)
  endif()
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  mkt_warnings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} mkt_test_support ${ARG_MAIN} GTest::gtest)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  # gtest_discover_tests flattens list values in PROPERTIES into separate words,
  # so the single-valued FIXTURES_REQUIRED goes before the two-entry ENVIRONMENT.
  set(fixtures "")
  if(ARG_FIXTURES)
    set(fixtures FIXTURES_REQUIRED ${ARG_FIXTURES})
  endif()
  if(ARG_RESOURCE_LOCK)
    list(APPEND fixtures RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    PROPERTIES LABELS "${ARG_LABELS}" ${fixtures}
               ENVIRONMENT "MKT_SOURCE_DIR=${CMAKE_SOURCE_DIR};MKT_BINARY_DIR=${CMAKE_BINARY_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()
