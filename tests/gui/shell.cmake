# Console shell suites: the lineage model (QtCore) and the main window against embedded API servers.
kubelb_add_test(NAME tst_lineagemodel SOURCES gui/tst_lineagemodel.cpp LIBS kubelb_models LABELS unit)
qt_add_resources(KUBELB_SHELL_TEST_MANIFESTS ${CMAKE_SOURCE_DIR}/resources/manifests.qrc)
kubelb_add_test(NAME tst_console_shell SOURCES gui/tst_console_shell.cpp ${KUBELB_SHELL_TEST_MANIFESTS}
    LIBS kubelb_console_app Qt6::Widgets LABELS e2e TIMEOUT 300)
# The console's parts wired together (app/consolewiring): real Metrics/Orphans pages, contexts dialog, apply.
kubelb_add_test(NAME tst_console_integration SOURCES gui/tst_console_integration.cpp ${KUBELB_SHELL_TEST_MANIFESTS}
    LIBS kubelb_console_app Qt6::Widgets LABELS e2e TIMEOUT 300)
