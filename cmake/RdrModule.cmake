# Helpers that give every module and test the same shape.
include_guard(GLOBAL)

# rdr_module(<name> SOURCES ... [DEPS ...]): one static library per src/ directory, named rdr_<name>,
# with the public headers of include/rdr/<name>/ and the private ones of src/<name>/.
function(rdr_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(rdr_${name} STATIC ${ARG_SOURCES})
  target_include_directories(rdr_${name}
    PUBLIC ${RDR_INCLUDE_DIR}
    PRIVATE ${RDR_SOURCE_ROOT}/src)
  target_link_libraries(rdr_${name} PUBLIC ${ARG_DEPS})
endfunction()

# rdr_test(<name> LABEL unit|integration|e2e SOURCES ... [DEPS ...]): a GoogleTest binary whose
# tests ctest discovers one by one and labels, so that `ctest -L unit` selects them.
function(rdr_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${RDR_SOURCE_ROOT}/src ${RDR_SOURCE_ROOT}/test)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    RDR_SOURCE_DIR="${RDR_SOURCE_ROOT}"
    RDR_TEST_DATA_DIR="${RDR_SOURCE_ROOT}/test/data")
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 30)
endfunction()
