# Sourced by the project's scripts: points JAVA_HOME at a JDK 25 or newer (the machine's
# default java may be older), or stops with a clear message.

java_major() {
	"$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

has_jdk25() {
	[ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(java_major "$1/bin/java")" -ge 25 ] 2>/dev/null
}

if [ -z "${JAVA_HOME:-}" ] || ! has_jdk25 "$JAVA_HOME"; then
	JAVA_HOME=""
	for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*; do
		if has_jdk25 "$candidate"; then
			JAVA_HOME="$candidate"
			break
		fi
	done
	if [ -z "$JAVA_HOME" ]; then
		echo "No JDK 25 or newer found: install one (for example Temurin 25) or set JAVA_HOME." >&2
		exit 1
	fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
