# Console shell suites: the lineage model (QtCore) and the main window against embedded API servers.
kubelb_add_test(NAME tst_lineagemodel SOURCES gui/tst_lineagemodel.cpp LIBS kubelb_models LABELS unit)
