#!/bin/sh
# BitWeb @VERSION@ command line, written by installer/install.sh.
# where this launcher is: 'bitweb service install' makes the service run it
BITWEB_LAUNCHER=@SELF@
export BITWEB_LAUNCHER
# The engine's base options (heap cap, the JIT's pace) for every command: 'bitweb serve' (and the
# service, which runs it) runs the engine as the browser's bridge does. And a class-data archive
# beside the jar, serve's own or the one every other command shares: mapped, or written by this
# JVM as it exits if this folder may be written (docs/TUNING.md, "Class-data archives the
# launchers give"); the JVM's own messages (about it, or failing to write it) stay off stdout.
if [ "${1-}" = serve ]; then
  archive=@SERVE_ARCHIVE@
else
  archive=@COMMANDS_ARCHIVE@
fi
cds=-Xshare:auto
if [ -f "$archive" ]; then
  cds=-XX:SharedArchiveFile=$archive
elif [ -w @APP@ ]; then
  cds=-XX:ArchiveClassesAtExit=$archive
fi
exec @JAVA@ @JVM@ -XX:+DisplayVMOutputToStderr -Xlog:cds=off -Xlog:cds+dynamic=off "$cds" "-Dbitweb.archive=$archive" -jar @JAR@ "$@"
