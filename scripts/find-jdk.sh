# Sourced by ./fenceq and .ci/run. Prints the home of a JDK >= 21 (JAVA_HOME first, then the java
# on PATH, then the newest JDK in the usual install folders); fails with one line naming what it saw.
fenceq_jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

fenceq_find_jdk() {
  local wanted=21 seen="" candidate major best="" best_major=0
  local path_java
  path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$path_java" ]; then
    path_java=$(dirname "$(dirname "$(readlink -f "$path_java")")")
  fi
  for candidate in "${JAVA_HOME:-}" "$path_java"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(fenceq_jdk_major "$candidate")
    seen="$seen ${candidate}(${major:-?})"
    if [ -n "$major" ] && [ "$major" -ge "$wanted" ]; then
      echo "$candidate"
      return 0
    fi
  done
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
    "$HOME"/.sdkman/candidates/java/* /opt/java/* /opt/jdk*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(fenceq_jdk_major "$candidate")
    seen="$seen ${candidate}(${major:-?})"
    if [ -n "$major" ] && [ "$major" -ge "$wanted" ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -n "$best" ]; then
    echo "$best"
    return 0
  fi
  echo "fenceq needs a JDK $wanted or newer; set JAVA_HOME to one (found:${seen:- no JDK})" >&2
  return 1
}
