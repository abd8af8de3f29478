#!/bin/sh
# BitWeb @VERSION@ native messaging host, written by installer/install.sh. Browsers start this with
# the caller's origin (Chromium) or manifest path and extension ID (Firefox) as arguments.
exec @JAVA@ @JVM@ -jar @JAR@ host "$@"
