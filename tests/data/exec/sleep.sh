#!/bin/sh
# Test exec plugin that never answers in time.
exec sleep 30
