# Console shell suites: the lineage model (QtCore) and the main window against embedded API servers.
kubelb_add_test(NAME tst_lineagemodel SOURCES gui/tst_lineagemodel.cpp LIBS kubelb_models LABELS unit)
# AUTORCC per target: qt_add_resources() would mark the shared .qrc SKIP_AUTORCC for every suite in tests/.
kubelb_add_test(NAME tst_console_shell SOURCES gui/tst_console_shell.cpp ${CMAKE_SOURCE_DIR}/resources/manifests.qrc
    LIBS kubelb_console_app Qt6::Widgets LABELS e2e TIMEOUT 300)
set_target_properties(tst_console_shell PROPERTIES AUTORCC ON)
# The console's parts wired together (app/consolewiring): real Metrics/Orphans pages, contexts dialog, apply.
kubelb_add_test(NAME tst_console_integration SOURCES gui/tst_console_integration.cpp
    ${CMAKE_SOURCE_DIR}/resources/manifests.qrc LIBS kubelb_console_app Qt6::Widgets LABELS e2e TIMEOUT 300)
set_target_properties(tst_console_integration PROPERTIES AUTORCC ON)
