#!/bin/sh
# BitWeb @VERSION@ command line, written by installer/install.sh.
# where this launcher is: 'bitweb service install' makes the service run it
BITWEB_LAUNCHER=@SELF@
export BITWEB_LAUNCHER
exec @JAVA@ -jar @JAR@ "$@"
