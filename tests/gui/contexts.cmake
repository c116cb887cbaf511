# Console contexts: keychain credentials (real gnome-keyring under dbus-run-session), settings, connection checks
# against the embedded API server over TLS, and the contexts dialog driven with QTest.
kubelb_add_test(NAME tst_credentialstore SOURCES gui/tst_credentialstore.cpp LIBS kubelb_console_support Qt6::DBus
    LABELS unit)
kubelb_add_test(NAME tst_contexts SOURCES gui/tst_contexts.cpp LIBS kubelb_views kubelb_console_support
    kubelb_testsupport Qt6::Widgets Qt6::DBus LABELS unit)
# Typed credentials in every console action (app/consolewiring): the cleanup wizard against an embedded API server
# whose management context has no kubeconfig credentials; the keychain restore at start (needs gnome-keyring).
kubelb_add_test(NAME tst_console_credentials SOURCES gui/tst_console_credentials.cpp LIBS kubelb_console_app
    kubelb_testsupport Qt6::Widgets Qt6::DBus LABELS e2e TIMEOUT 300)
