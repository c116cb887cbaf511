#!/bin/sh
# Test exec plugin that fails like an expired login does.
echo "error: the refresh token has expired; run 'login' again" >&2
exit 3
