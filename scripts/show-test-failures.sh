#!/usr/bin/env bash
# Prints, for each test class that failed in the last Maven run, its failures and the end of its
# log (engines log to the test's stderr). A CI summary shows the end of the output: this puts the
# evidence of a failure there instead of somewhere in a 3-minute scroll.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for report in native-host/target/surefire-reports/TEST-*.xml; do
    [ -e "$report" ] || continue
    if grep -qE '<(failure|error)[ >]' "$report"; then
        class=$(basename "$report" .xml); class=${class#TEST-}
        echo "=== $class failed: its log, last 60 warnings and errors ==="
        output="native-host/target/surefire-reports/$class-output.txt"
        if [ -f "$output" ]; then
            grep -E ' (WARN|ERROR) |Exception|^\s+at org\.bitweb' "$output" | tail -n 60
        fi
        grep -oE '<(failure|error) message="[^"]{0,300}' "$report" | head -n 5
    fi
done
