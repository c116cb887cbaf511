# Shared settings for the project's own targets.
function(kubelb_defaults target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
    if(KUBELB_FUZZ)
        # clang warns where gcc does not; the gcc build is the -Werror gate, the clang fuzz build only reports.
        target_compile_options(${target} PRIVATE -Wno-error)
    endif()
    if(KUBELB_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # gcc's flow analysis misfires on sanitizer-instrumented std::optional copies (false maybe-uninitialized).
        target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    target_compile_definitions(${target} PRIVATE QT_NO_CAST_FROM_ASCII QT_NO_FOREACH QT_NO_KEYWORDS
        KUBELB_VERSION="${PROJECT_VERSION}")
    # The git hash lives in the generated kubelb/version.h (target kubelb_version), not in every target's flags:
    # a new commit then recompiles the few files that print it instead of the whole tree.
endfunction()

# One test executable per suite: kubelb_add_test(NAME tst_store SOURCES ... LIBS ... [LABELS e2e] [TIMEOUT s])
function(kubelb_add_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    kubelb_defaults(${T_NAME})
    target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
    target_compile_definitions(${T_NAME} PRIVATE KUBELB_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
        KUBELB_BINARY_DIR="${CMAKE_BINARY_DIR}")
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    if("thread" IN_LIST KUBELB_SANITIZE)
        # TSan ignores Qt's own internal threads (tests/sanitizers/tsan_qt.cpp, docs/testing.md).
        if(NOT TARGET kubelb_tsan_qt)
            add_library(kubelb_tsan_qt OBJECT ${CMAKE_SOURCE_DIR}/tests/sanitizers/tsan_qt.cpp)
            kubelb_defaults(kubelb_tsan_qt)
            target_include_directories(kubelb_tsan_qt PRIVATE ${CMAKE_SOURCE_DIR})
            target_link_libraries(kubelb_tsan_qt PRIVATE Qt6::Core)
        endif()
        target_link_libraries(${T_NAME} PRIVATE kubelb_tsan_qt)
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    if(KUBELB_SANITIZE)
        # Sanitizer builds run several times slower (scripts/sanitize.sh): same suites, three times the budget, and
        # the suites' own deadlines scale by KUBELB_TEST_SLOWDOWN.
        math(EXPR T_TIMEOUT "${T_TIMEOUT} * 3")
        target_compile_definitions(${T_NAME} PRIVATE KUBELB_TEST_SLOWDOWN=3)
    else()
        target_compile_definitions(${T_NAME} PRIVATE KUBELB_TEST_SLOWDOWN=1)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
    if(T_LABELS)
        set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
    endif()
endfunction()
