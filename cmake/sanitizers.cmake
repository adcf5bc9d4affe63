# ASan + UBSan for the whole build when ISCSI_SANITIZE is on. UBSan findings
# abort, so a CI run cannot pass over one.
if(ISCSI_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer (scripts/test builds iscsid, iscsiadm and iscsi-fuse with
# it and runs the daemon's integration tests against them). Not with ASan.
option(ISCSI_TSAN "Build with ThreadSanitizer" OFF)
if(ISCSI_TSAN)
    if(ISCSI_SANITIZE)
        message(FATAL_ERROR "ISCSI_TSAN and ISCSI_SANITIZE cannot be combined")
    endif()
    # -Wno-tsan: Asio's handler fences (std_fenced_block) are not modelled
    # by TSan, which GCC warns about; Asio's hand-over between threads goes
    # through its scheduler's mutex, which TSan does see.
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
    add_link_options(-fsanitize=thread)
endif()
