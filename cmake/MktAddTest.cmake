# mkt_add_test(<source> LIBS <targets...> [LABELS <labels...>])
# Builds one GoogleTest executable per *_test.cpp and registers each test case with ctest.
find_package(GTest REQUIRED)
include(GoogleTest)

function(mkt_add_test source)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS" ${ARGN})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  mkt_warnings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} mkt_test_support GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
               ENVIRONMENT "MKT_SOURCE_DIR=${CMAKE_SOURCE_DIR};MKT_BINARY_DIR=${CMAKE_BINARY_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()
