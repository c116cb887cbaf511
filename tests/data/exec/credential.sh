#!/bin/sh
# Test exec credential plugin: prints an ExecCredential with $PLUGIN_TOKEN (or the contents of $PLUGIN_TOKEN_FILE,
# or the cert/key in $PLUGIN_CERT_FILE/$PLUGIN_KEY_FILE), expiring at $PLUGIN_EXPIRY when set. Each run appends a line to
# $PLUGIN_COUNT_FILE; KUBERNETES_EXEC_INFO goes to $PLUGIN_INFO_FILE and the arguments to $PLUGIN_ARGS_FILE.
[ -n "$PLUGIN_COUNT_FILE" ] && echo run >>"$PLUGIN_COUNT_FILE"
[ -n "$PLUGIN_INFO_FILE" ] && printf '%s' "$KUBERNETES_EXEC_INFO" >"$PLUGIN_INFO_FILE"
[ -n "$PLUGIN_ARGS_FILE" ] && printf '%s\n' "$@" >"$PLUGIN_ARGS_FILE"
version=${PLUGIN_API_VERSION:-client.authentication.k8s.io/v1}
expiry=""
[ -n "$PLUGIN_EXPIRY" ] && expiry=",\"expirationTimestamp\":\"$PLUGIN_EXPIRY\""
[ -n "$PLUGIN_TOKEN_FILE" ] && PLUGIN_TOKEN=$(cat "$PLUGIN_TOKEN_FILE")
json_lines() { awk 'BEGIN { ORS = "" } { print $0 "\\n" }' "$1"; }
if [ -n "$PLUGIN_CERT_FILE" ]; then
    status="\"clientCertificateData\":\"$(json_lines "$PLUGIN_CERT_FILE")\",\"clientKeyData\":\"$(json_lines "$PLUGIN_KEY_FILE")\""
else
    status="\"token\":\"$PLUGIN_TOKEN\""
fi
printf '{"kind":"ExecCredential","apiVersion":"%s","status":{%s%s}}\n' "$version" "$status" "$expiry"
