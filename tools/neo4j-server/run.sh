#!/usr/bin/env bash
# Start Neo4j 5.26 Community (embedded, Bolt only) for tests.
#
#   tools/neo4j-server/run.sh [PORT|0|auto] [DATA_DIR]
#
# Builds the jar on first use (Maven), then execs java so that signals
# (SIGTERM from a test harness) reach the JVM directly. Prints exactly one
# stdout line, "NEO4J_READY bolt://127.0.0.1:<port>", when ready; logs go to
# stderr. Extra JVM flags: NEO4J_SERVER_JAVA_OPTS (e.g. "-Xmx1g"); page cache:
# NEO4J_SERVER_PAGECACHE (e.g. "2g"; default 64m, enough for test data).
# NEO4J_SERVER_MIN_REPLAN: least time between replans of a query (e.g. "1h";
# default Neo4j's 10s); the test suite sets 1h, as it wipes and reloads.
# NEO4J_SERVER_PARENT_PID: stop the server when that process ends (the tests
# and the bench pass their own PID, so that killing them cannot orphan it).
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/neo4j-server.jar"

command -v java >/dev/null 2>&1 || { echo "run.sh: java not found on PATH (need Java 17+)" >&2; exit 127; }

# Build when the jar (or its lib/) is missing or older than the sources/pom.
if [[ ! -f "$jar" || ! -d "$here/target/lib" || "$here/pom.xml" -nt "$jar" \
      || -n "$(find "$here/src" -newer "$jar" -type f -print -quit)" ]]; then
    command -v mvn >/dev/null 2>&1 || { echo "run.sh: mvn not found on PATH (needed to build $jar)" >&2; exit 127; }
    # Build output to stderr so stdout stays reserved for the ready line.
    mvn -q -B -Dstyle.color=never -f "$here/pom.xml" package >&2
fi

# Sized for a 2-core CI box running short test sessions:
#  - TieredStopAtLevel=1 (C1 JIT only): C2 compiler threads cost more CPU
#    than they win back in a test run; measured ~40% less JVM CPU to reach
#    NEO4J_READY and ~50% less for a 12k-query workload. Add
#    "-XX:TieredStopAtLevel=4" to NEO4J_SERVER_JAVA_OPTS for full C2.
#  - SerialGC, 512 MB heap; ActiveProcessorCount keeps Neo4j's thread pools
#    small on big dev machines too (NEO4J_SERVER_CPUS to change it).
#  - add-opens/Netty flags as the Neo4j 5 server launcher passes them: not
#    needed on Java 17 today (no warnings without them), kept as a guard.
# NEO4J_SERVER_JAVA_OPTS comes last, so its flags win.
exec java \
    -Xms128m -Xmx512m \
    -XX:+UseSerialGC \
    -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError \
    -XX:ActiveProcessorCount="${NEO4J_SERVER_CPUS:-2}" \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    --add-opens=java.base/java.util=ALL-UNNAMED \
    -Dio.netty.tryReflectionSetAccessible=true \
    -Djdk.attach.allowAttachSelf=true \
    -Dlog4j2.disable.jmx=true \
    -Dfile.encoding=UTF-8 \
    -Dstege.pagecache="${NEO4J_SERVER_PAGECACHE:-64m}" \
    -Dstege.minReplan="${NEO4J_SERVER_MIN_REPLAN:-}" \
    -Dstege.parent="${NEO4J_SERVER_PARENT_PID:-}" \
    ${NEO4J_SERVER_JAVA_OPTS:-} \
    -jar "$jar" "$@"
