#!/bin/sh
# BitWeb @VERSION@ native messaging host, written by installer/install.sh. Browsers start this with
# the caller's origin (Chromium) or manifest path and extension ID (Firefox) as arguments.
# The JVM's class-data archive (docs/TUNING.md, "Class-data archives the launchers give"): mapped when it
# is there; otherwise written as this JVM exits, if this folder may be written. The bridge deletes
# one made for another Java or jar, and a later start writes it again.
cds=-Xshare:auto
if [ -f @ARCHIVE@ ]; then
  cds=-XX:SharedArchiveFile=@ARCHIVE@
elif [ -w @APP@ ]; then
  cds=-XX:ArchiveClassesAtExit=@ARCHIVE@
fi
exec @JAVA@ @JVM@ "$cds" -Dbitweb.archive=@ARCHIVE@ -jar @JAR@ host "$@"
