# Project-wide warning set, applied through an interface target so that
# third-party code (GoogleTest, Asio headers) is not affected.
add_library(iscsi_warnings INTERFACE)
target_compile_options(iscsi_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough)
if(ISCSI_WERROR)
    target_compile_options(iscsi_warnings INTERFACE -Werror)
endif()
