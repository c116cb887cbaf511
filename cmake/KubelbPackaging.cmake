# Install rules for everything besides the binaries (those sit next to their targets) and the CPack setup.
# Components: `syncd` (package kubelb-syncd) and `console` (package kubelb-console, only when app/ builds it).
# The Dockerfile installs `--component syncd` with these same rules (tst_packages checks that they agree).

# kubelb-syncd: systemd units, example configuration (conffiles), the Kubernetes manifests and the dashboard.
install(FILES packaging/systemd/kubelb-syncd-manager.service packaging/systemd/kubelb-syncd-ccm.service
    DESTINATION lib/systemd/system COMPONENT syncd)
install(FILES packaging/etc/manager.yaml packaging/etc/ccm.yaml DESTINATION /etc/kubelb COMPONENT syncd)
install(DIRECTORY packaging/kubernetes packaging/grafana DESTINATION share/kubelb-sync COMPONENT syncd)
install(FILES docs/deploy.md DESTINATION share/doc/kubelb-syncd COMPONENT syncd)

# kubelb-console: the binary comes from app/ (another branch); its desktop integration is ready here.
set(KUBELB_PACKAGE_COMPONENTS syncd)
if(TARGET kubelb-console)
    install(TARGETS kubelb-console RUNTIME DESTINATION bin COMPONENT console)
    install(FILES resources/kubelb-console.desktop DESTINATION share/applications COMPONENT console)
    install(FILES resources/icons/kubelb-console.svg DESTINATION share/icons/hicolor/scalable/apps COMPONENT console)
    install(FILES resources/io.kubelb.console.metainfo.xml DESTINATION share/metainfo COMPONENT console)
    list(APPEND KUBELB_PACKAGE_COMPONENTS console)
endif()

set(CPACK_PACKAGE_NAME kubelb-sync)
set(CPACK_PACKAGE_VENDOR "kubelb-sync")
set(CPACK_PACKAGE_CONTACT "kubelb-sync developers <kubelb-sync@example.org>")
# The summary line of each package comes from its own description: CPackDeb only prepends a summary that
# differs from its default, so keep the default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/kubelb-sync/kubelb-sync")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${KUBELB_PACKAGE_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Real dependencies, computed by dpkg-shlibdeps from the binaries (Qt, yaml-cpp, prometheus-cpp, OpenSSL, …).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_SYNCD_PACKAGE_NAME kubelb-syncd)
set(CPACK_DEBIAN_SYNCD_PACKAGE_SECTION admin)
# Loaded as a plugin (apiserver --data-dir), so dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_SYNCD_PACKAGE_DEPENDS "libqt6sql6-sqlite")
string(CONCAT CPACK_DEBIAN_SYNCD_DESCRIPTION
    "KubeLB SyncSecret controllers, embedded API server and kubelb-syncctl\n"
    "kubelb-syncd runs the tenant-side (ccm) and management-side (manager) SyncSecret controllers, an embedded\n"
    "Kubernetes-compatible API server and a demo; kubelb-syncctl shows lineage, finds orphans and cleans up.\n"
    "Ships systemd units, example configuration in /etc/kubelb and the Kubernetes manifests.")
# The example configuration in /etc/kubelb is the admin's to edit: dpkg keeps their changes on upgrade.
set(CPACK_DEBIAN_SYNCD_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/packaging/syncd/conffiles)
set(CPACK_DEBIAN_SYNCD_PACKAGE_CONTROL_STRICT_PERMISSION ON)
configure_file(packaging/debian/syncd.conffiles ${CMAKE_CURRENT_BINARY_DIR}/packaging/syncd/conffiles COPYONLY)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME kubelb-console)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SECTION admin)
string(CONCAT CPACK_DEBIAN_CONSOLE_DESCRIPTION
    "KubeLB SyncSecret admin console\n"
    "A Qt Widgets desktop for KubeLB's SyncSecret system: lineage from tenant SyncSecrets to management Secrets,\n"
    "reconcile metrics, orphan detection and a guarded cleanup wizard.")
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
include(CPack)
