# The console's contexts support (settings, keychain credentials), kept out of app/CMakeLists.txt so the contexts
# work and the application shell build separately: the kubelb-console target links kubelb_console_support.
add_library(kubelb_console_support STATIC
    ${CMAKE_SOURCE_DIR}/app/credentialstore.cpp ${CMAKE_SOURCE_DIR}/app/credentialstore.h
    ${CMAKE_SOURCE_DIR}/app/settings.cpp ${CMAKE_SOURCE_DIR}/app/settings.h)
kubelb_defaults(kubelb_console_support)
target_include_directories(kubelb_console_support PUBLIC ${CMAKE_SOURCE_DIR})
# Not kubelb_views: views/contexts links this library (its dialog stores typed credentials), so only the models
# headers that views/consoleconfig.h needs come in here.
target_link_libraries(kubelb_console_support PUBLIC kubelb_models kubelb_kube Qt6::Core Qt6::DBus
    Qt6Keychain::Qt6Keychain)
