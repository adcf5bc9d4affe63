# What `cmake --install` puts where (Debian's layout with the default
# CMAKE_INSTALL_PREFIX=/usr/local; packagers set /usr): programs in sbin,
# configuration under ISCSI_SYSCONFDIR, systemd units with the programs'
# real paths filled in.
include(GNUInstallDirs)

set(ISCSI_SYSTEMD_UNITDIR "lib/systemd/system" CACHE PATH "Where systemd units go, relative to the prefix")

install(TARGETS iscsid iscsiadm iscsistart iscsi-iname RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
foreach(tool iscsi-fuse iscsi-nbd)
    if(TARGET ${tool})
        install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
    endif()
endforeach()

# Shipped configuration: never overwrite an admin's edited copy.
install(CODE "
    foreach(f iscsid.conf exports/example.conf)
        # file(INSTALL) adds DESTDIR itself; the test for an existing copy must.
        set(dest \"${ISCSI_SYSCONFDIR}/\${f}\")
        if(NOT EXISTS \"\$ENV{DESTDIR}\${dest}\")
            get_filename_component(dir \"\${dest}\" DIRECTORY)
            file(INSTALL \"${PROJECT_SOURCE_DIR}/conf/\${f}\" DESTINATION \"\${dir}\"
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
        endif()
    endforeach()
")

set(ISCSI_UNIT_TEMPLATES iscsid.socket iscsid.service iscsid-adopt.service iscsi.service iscsi-init.service
    iscsi-fuse@.service iscsi-nbd@.service)
foreach(unit ${ISCSI_UNIT_TEMPLATES})
    configure_file(${PROJECT_SOURCE_DIR}/conf/systemd/${unit}.in ${PROJECT_BINARY_DIR}/conf/systemd/${unit} @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/conf/systemd/${unit} DESTINATION ${ISCSI_SYSTEMD_UNITDIR})
endforeach()

# Keeps network managers off the NIC of a root on iSCSI (systemd runs every
# generator in <prefix>/lib/systemd/system-generators at boot).
set(ISCSI_SYSTEMD_GENERATORDIR "lib/systemd/system-generators" CACHE PATH
    "Where systemd generators go, relative to the prefix")
install(PROGRAMS conf/systemd/iscsi-boot-network-generator DESTINATION ${ISCSI_SYSTEMD_GENERATORDIR})

install(FILES conf/bash-completion/iscsiadm DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES docs/man/iscsiadm.8 docs/man/iscsistart.8 docs/man/iscsi-iname.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES docs/man/iscsid.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES docs/session-api.md docs/fuse-export.md docs/compat.md docs/architecture.md docs/dbus-api.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The D-Bus API (docs/dbus-api.md): the bus policy where dbus-daemon reads
# system services' policies, the polkit action, the introspection data.
install(FILES conf/dbus/org.iscsiinitiator.Iscsid1.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/dbus-1/system.d)
install(FILES conf/polkit/org.iscsiinitiator.Iscsid1.policy DESTINATION ${CMAKE_INSTALL_DATADIR}/polkit-1/actions)
install(FILES docs/org.iscsiinitiator.Iscsid1.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/dbus-1/interfaces)

# Root on iSCSI: the initramfs-tools hook and boot script go where
# mkinitramfs looks, whatever the prefix (initramfs-tools reads only
# /usr/share/initramfs-tools and /etc/initramfs-tools); the hook finds
# iscsistart under /usr/local/sbin, /usr/sbin or /sbin.
set(ISCSI_INITRAMFS_TOOLS_DIR "/usr/share/initramfs-tools" CACHE PATH "Where initramfs-tools' hooks and scripts go")
install(PROGRAMS initramfs-hooks/initramfs-tools/hooks/iscsi-initiator
        DESTINATION ${ISCSI_INITRAMFS_TOOLS_DIR}/hooks)
install(PROGRAMS initramfs-hooks/initramfs-tools/scripts/local-top/iscsi-initiator
        DESTINATION ${ISCSI_INITRAMFS_TOOLS_DIR}/scripts/local-top)
install(FILES initramfs-hooks/lib/iscsi-initiator-lib.sh
        DESTINATION ${ISCSI_INITRAMFS_TOOLS_DIR}/scripts RENAME iscsi-initiator-lib)

# The dracut module, where dracut looks for modules, with the shared
# library beside its scripts, and the dracut.conf.d file that leaves out
# dracut's own iscsi module (open-iscsi's).
set(ISCSI_DRACUT_DIR "/usr/lib/dracut" CACHE PATH "dracut's directory (modules.d, dracut.conf.d)")
install(PROGRAMS initramfs-hooks/dracut/95iscsi-initiator/module-setup.sh
                 initramfs-hooks/dracut/95iscsi-initiator/parse-iscsi-initiator.sh
                 initramfs-hooks/dracut/95iscsi-initiator/iscsi-initiator-root.sh
                 initramfs-hooks/dracut/95iscsi-initiator/iscsi-initiator-generator.sh
        DESTINATION ${ISCSI_DRACUT_DIR}/modules.d/95iscsi-initiator)
install(FILES initramfs-hooks/lib/iscsi-initiator-lib.sh
        DESTINATION ${ISCSI_DRACUT_DIR}/modules.d/95iscsi-initiator)
install(FILES initramfs-hooks/dracut/dracut.conf.d/iscsi-initiator.conf
        DESTINATION ${ISCSI_DRACUT_DIR}/dracut.conf.d)
