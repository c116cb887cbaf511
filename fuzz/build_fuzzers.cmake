# ctest's fuzz_build: configures and builds the libFuzzer targets with clang in their own build directory
# (only the libraries they need: no GUI, tests or benchmarks).
if(NOT CLANGXX)
    message(FATAL_ERROR "fuzzing needs clang++ with libFuzzer: install the Debian packages clang and "
        "libclang-rt-14-dev (scripts/dev.sh installs them), then reconfigure")
endif()
if(NOT EXISTS ${BUILD_DIR}/CMakeCache.txt)
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR} -G ${GENERATOR}
        -DCMAKE_CXX_COMPILER=${CLANGXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g"
        -DKUBELB_FUZZ=ON -DKUBELB_BUILD_GUI=OFF -DKUBELB_BUILD_TESTS=OFF -DKUBELB_BUILD_BENCH=OFF
        RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        file(REMOVE ${BUILD_DIR}/CMakeCache.txt)
        message(FATAL_ERROR "configuring the fuzz build in ${BUILD_DIR} failed")
    endif()
endif()
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target kubelb_fuzzers --parallel ${cores}
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building the fuzz targets in ${BUILD_DIR} failed")
endif()
