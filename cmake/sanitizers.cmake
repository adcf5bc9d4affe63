# ASan + UBSan for the whole build when ISCSI_SANITIZE is on. UBSan findings
# abort, so a CI run cannot pass over one.
if(ISCSI_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()
