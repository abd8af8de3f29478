#!/bin/sh
# BitWeb @VERSION@ command line, written by installer/install.sh.
# where this launcher is: 'bitweb service install' makes the service run it
BITWEB_LAUNCHER=@SELF@
export BITWEB_LAUNCHER
# the engine's base options (heap cap, the JIT's pace): 'bitweb serve' (and the service, which runs it) gets them
if [ "${1-}" = serve ]; then
  # ... and maps the engine's class-data archive beside the jar, or has this JVM write it as it
  # stops, if this folder may be written (docs/TUNING.md, "Class-data archives the launchers give")
  cds=-Xshare:auto
  if [ -f @ARCHIVE@ ]; then
    cds=-XX:SharedArchiveFile=@ARCHIVE@
  elif [ -w @APP@ ]; then
    cds=-XX:ArchiveClassesAtExit=@ARCHIVE@
  fi
  exec @JAVA@ @JVM@ -Xlog:cds=off -Xlog:cds+dynamic=off "$cds" -Dbitweb.archive=@ARCHIVE@ -jar @JAR@ "$@"
fi
exec @JAVA@ @JVM@ -jar @JAR@ "$@"
