#!/bin/sh
# BitWeb @VERSION@ command line, written by installer/install.sh.
exec @JAVA@ -jar @JAR@ "$@"
