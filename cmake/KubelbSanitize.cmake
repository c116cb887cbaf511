# Sanitizer builds (scripts/dev.sh sanitize): -DKUBELB_SANITIZE="address;undefined" or -DKUBELB_SANITIZE=thread.
# Applies to every target of the build (our libraries, tests and binaries); Qt itself stays uninstrumented.
set(KUBELB_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address;undefined or thread")
if(KUBELB_SANITIZE)
    set(_kubelb_allowed address undefined thread)
    foreach(s IN LISTS KUBELB_SANITIZE)
        if(NOT s IN_LIST _kubelb_allowed)
            message(FATAL_ERROR "KUBELB_SANITIZE: unknown sanitizer '${s}' (use address;undefined or thread)")
        endif()
    endforeach()
    if("thread" IN_LIST KUBELB_SANITIZE AND "address" IN_LIST KUBELB_SANITIZE)
        message(FATAL_ERROR "KUBELB_SANITIZE: thread cannot be combined with address")
    endif()
    list(JOIN KUBELB_SANITIZE "," _kubelb_sanitizers)
    add_compile_options(-fsanitize=${_kubelb_sanitizers} -fno-omit-frame-pointer)
    add_link_options(-fsanitize=${_kubelb_sanitizers})
    if("undefined" IN_LIST KUBELB_SANITIZE)
        # Every UB report fails the test that triggered it.
        add_compile_options(-fno-sanitize-recover=undefined)
    endif()
endif()

# libFuzzer builds (fuzz/, docs/testing.md): every library gets coverage instrumentation plus ASan and UBSan; the
# fuzz_<target> executables link libFuzzer itself.
option(KUBELB_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)
if(KUBELB_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "KUBELB_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ "
            "(Debian packages clang and libclang-rt-14-dev)")
    endif()
    if(KUBELB_SANITIZE)
        message(FATAL_ERROR "KUBELB_FUZZ already uses address;undefined: leave KUBELB_SANITIZE empty")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
