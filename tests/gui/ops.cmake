# Console operations (views/charts, views/orphans and their models): included by tests/CMakeLists.txt in GUI builds.
kubelb_add_test(NAME tst_prometheus SOURCES models/tst_prometheus.cpp LIBS kubelb_models LABELS unit)
kubelb_add_test(NAME tst_opsmodels SOURCES models/tst_opsmodels.cpp LIBS kubelb_models LABELS unit)
kubelb_add_test(NAME tst_metricspage SOURCES gui/tst_metricspage.cpp LIBS kubelb_views Qt6::Network LABELS unit)
