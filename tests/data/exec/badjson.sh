#!/bin/sh
# Test exec plugin that prints truncated JSON which contains a secret-looking value.
printf '{"kind":"ExecCredential","status":{"token":"%s' "${PLUGIN_TOKEN:-leaked-secret-value}"
