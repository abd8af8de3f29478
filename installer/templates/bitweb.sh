#!/bin/sh
# BitWeb @VERSION@ command line, written by installer/install.sh.
# where this launcher is: 'bitweb service install' makes the service run it
BITWEB_LAUNCHER=@SELF@
export BITWEB_LAUNCHER
# the engine's memory options: 'bitweb serve' (and the service, which runs it) caps its heap
exec @JAVA@ @JVM@ -jar @JAR@ "$@"
