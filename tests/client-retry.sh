#!/bin/sh
# client-retry.sh - drive tests/check_client_retry (real aws_call()s)
# against tests/retry_server.py, inside a network namespace with only
# loopback so nothing can leave the machine.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-.}
prog="$builddir/tests/check_client_retry"

if [ -z "${ECSW_IN_NETNS:-}" ]; then
	if ! unshare -n true 2>/dev/null; then
		echo "SKIP: cannot unshare the network namespace (need root)"
		exit 77
	fi
	ECSW_IN_NETNS=1 exec unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A CA and a certificate for "localhost" only, for the TLS checks.
tls_args=
if command -v openssl >/dev/null &&
   openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=retry-test-ca \
	-keyout "$tmp/ca.key" -out "$tmp/ca.pem" >/dev/null 2>&1 &&
   openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
	-keyout "$tmp/srv.key" -out "$tmp/srv.csr" >/dev/null 2>&1 &&
   printf 'subjectAltName=DNS:localhost\n' > "$tmp/ext" &&
   openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
	-CAcreateserial -days 2 -extfile "$tmp/ext" -out "$tmp/srv.pem" >/dev/null 2>&1; then
	tls_args="$tmp/srv.pem $tmp/srv.key"
fi

# shellcheck disable=SC2086
python3 "$srcdir/tests/retry_server.py" $tls_args > "$tmp/ports" 2>"$tmp/server.log" &
server_pid=$!
i=0
while [ ! -s "$tmp/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/ports" ]; then
	echo "FAIL: retry_server.py did not start"; cat "$tmp/server.log"; exit 1
fi
read -r port tls_port < "$tmp/ports" || true
RETRY_URL="http://127.0.0.1:$port"
export RETRY_URL
if [ -n "${tls_port:-}" ]; then
	RETRY_TLS_PORT=$tls_port RETRY_CA="$tmp/ca.pem"
	export RETRY_TLS_PORT RETRY_CA
fi
# The tests set their own; the caller's must not leak in.
unset AWS_ENDPOINT_URL AWS_MAX_ATTEMPTS AWS_CA_BUNDLE http_proxy https_proxy \
	HTTPS_PROXY all_proxy ALL_PROXY NO_PROXY no_proxy

# ECSW_TEST_WRAPPER (e.g. "valgrind --leak-check=full") runs the program under a tool.
${ECSW_TEST_WRAPPER:-} "$prog"
rc=$?
if [ $rc -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $rc
