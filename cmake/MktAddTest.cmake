# mkt_add_test(<source> LIBS <targets...> [LABELS <labels...>] [MAIN <target>]
#              [FIXTURES <ctest fixtures...>])
# Builds one GoogleTest executable per *_test.cpp and registers each test case with ctest.
# MAIN replaces gtest_main (e.g. mkt_library_main, which initialises xmlsec and Raptor).
# FIXTURES: ctest fixtures every test case requires (e.g. Glance: tests/support).
find_package(GTest REQUIRED)
include(GoogleTest)

function(mkt_add_test source)
  cmake_parse_arguments(ARG "" "MAIN" "LIBS;LABELS;FIXTURES" ${ARGN})
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
  set(fixture_properties)
  if(ARG_FIXTURES)
    # The fixture's one-worker Glance dropped connections when two test
    # processes used it at once under ctest -j2: its tests take turns.
    set(fixture_properties FIXTURES_REQUIRED "${ARG_FIXTURES}" RESOURCE_LOCK "${ARG_FIXTURES}")
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
               ENVIRONMENT "MKT_SOURCE_DIR=${CMAKE_SOURCE_DIR};MKT_BINARY_DIR=${CMAKE_BINARY_DIR}"
               ${fixture_properties}
    DISCOVERY_TIMEOUT 60)
endfunction()
