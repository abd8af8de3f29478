#!/bin/sh
# BitWeb command line, written by installer/install.sh.
exec @JAVA@ -jar @JAR@ "$@"
