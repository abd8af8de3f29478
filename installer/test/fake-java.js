// A stand-in `java` for the installer's tests: answers -version like JDK 17, `-jar JAR --version`
// like a BitWeb jar, and otherwise records its arguments, one per line, in `argsFile` (by
// default the file named by $BITWEB_TEST_ARGS when it runs).

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFakeJava(bin, argsFile = null) {
  const target = argsFile === null ? '"$BITWEB_TEST_ARGS"' : `'${argsFile.replaceAll("'", "'\\''")}'`;
  const java = join(bin, 'java');
  writeFileSync(java, '#!/bin/sh\n'
    + 'if [ "$1" = -version ]; then echo \'openjdk version "17.0.9" 2023-10-17\' >&2; exit 0; fi\n'
    + 'if [ "$3" = --version ]; then echo \'bitweb 9.8.7\'; exit 0; fi\n'
    + `printf '%s\\n' "$@" > ${target}\n`);
  chmodSync(java, 0o755);
  return java;
}
