# Shared by bin/fnscope, bin/test and .ci/run. Source it; it defines functions and sets nothing else.

FNSCOPE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() { echo "fnscope: $*" >&2; exit 1; }

# Finds a JDK >= 25 (JAVA_HOME first, then the system JVM folder) and exports JAVA_HOME; dies with a clear message.
find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  local d v
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ {gsub(/ /,"",$2); print $2}')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$d"
      return 0
    fi
  done
  die "fnscope needs a JDK 25 or newer (it calls the embedded ClickHouse engine through the FFM API).
Install one (e.g. Temurin 25 from adoptium.net, or 'apt-get install temurin-25-jdk') and set JAVA_HOME to it.
Looked in: ${candidates[*]:-nothing}"
}

# The JVM flags every fnscope JVM runs with. libjsig lets the JVM chain the signal handlers that the embedded
# ClickHouse engine installs; without it the JVM stalls and crashes after chDB starts (see clickhouse/RATIONALE.md).
jvm_flags() {
  echo "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
}

libjsig() {
  local f="$JAVA_HOME/lib/libjsig.so"
  [ -f "$f" ] || f="$JAVA_HOME/lib/server/libjsig.so"
  [ -f "$f" ] || die "no libjsig.so in $JAVA_HOME/lib: this JDK cannot host the embedded ClickHouse engine"
  echo "$f"
}

mvn_cmd() {
  command -v mvn >/dev/null 2>&1 || die "Maven is missing: install it ('apt-get install maven') and retry"
  mvn -B -ntp "$@"
}
