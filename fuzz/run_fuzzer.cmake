# ctest's fuzz_<target>: runs one libFuzzer target for SECONDS on a copy of its checked-in corpus (the copy grows;
# the checked-in corpus never changes). A crash, leak, UB report, timeout or out-of-memory fails the test and leaves
# the input in WORK/artifacts.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/artifacts)
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
set(options -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
    -artifact_prefix=${WORK}/artifacts/)
if(EXISTS ${DICT})
    list(APPEND options -dict=${DICT})
endif()
execute_process(COMMAND ${FUZZER} ${options} ${WORK}/corpus RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(GLOB found ${WORK}/artifacts/*)
    message(FATAL_ERROR "${FUZZER} failed (${rc}); reproduce with: ${FUZZER} ${found}")
endif()
