# Console operations (views/charts, views/orphans and their models): included by tests/CMakeLists.txt in GUI builds.
kubelb_add_test(NAME tst_prometheus SOURCES models/tst_prometheus.cpp LIBS kubelb_models LABELS unit)
kubelb_add_test(NAME tst_opsmodels SOURCES models/tst_opsmodels.cpp LIBS kubelb_models LABELS unit)
kubelb_add_test(NAME tst_metricspage SOURCES gui/tst_metricspage.cpp LIBS kubelb_views Qt6::Network LABELS unit)
kubelb_add_test(NAME tst_orphans_wizard SOURCES gui/tst_orphans_wizard.cpp
    LIBS kubelb_views kubelb_syncctl kubelb_testsupport LABELS e2e TIMEOUT 600)
add_dependencies(tst_orphans_wizard kubelb-syncd)
