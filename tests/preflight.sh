#!/bin/sh
# tests/preflight.sh - `ecs-wizard preflight` against moto, on loopback only.
#
# moto lets the first 3 requests through unsigned; we spend them creating an
# IAM user, its access key and an allow-all policy, so every later request
# must carry a valid SigV4 signature made with that key.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${ECSW_BIN:=$top_srcdir/src/ecs-wizard}"
MOTO="${ECSW_SHARED:-$top_srcdir/../shared}/tools/moto-server-ecs"

# Re-run ourselves in a network namespace that has only loopback.
if [ -z "${ECSW_IN_NETNS:-}" ]; then
	command -v unshare >/dev/null || { echo "no unshare: skipped"; exit 77; }
	ECSW_IN_NETNS=1 exec unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

[ -x "$MOTO" ] || { echo "no $MOTO: skipped"; exit 77; }
python3 -c 'import boto3, moto' 2>/dev/null || { echo "no boto3/moto: skipped"; exit 77; }

work=$(mktemp -d)
moto_pid=
cleanup() {
	[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
INITIAL_NO_AUTH_ACTION_COUNT=3 "$MOTO" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
# Wait for the port without spending a free request.
python3 - "$port" <<'PY' || { echo "moto did not start"; cat "$work/moto.log"; exit 1; }
import socket, sys, time
for _ in range(900):  # up to ~45 s: moto imports slowly on a busy CI machine
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY

url="http://127.0.0.1:$port"
python3 - "$url" >"$work/key" <<'PY' || { echo "could not create the IAM user"; exit 1; }
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="wizard")
k = iam.create_access_key(UserName="wizard")["AccessKey"]
iam.put_user_policy(UserName="wizard", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
read -r akid secret <"$work/key"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; sed 's/^/    /' "$work/out" "$work/err" 2>/dev/null | head -20; }

# run NAME ENV... -- ARGS...: the program with a clean environment.
run() {
	envs=
	while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	shift
	# shellcheck disable=SC2086
	env -i PATH="$PATH" HOME="$work/home" AWS_EC2_METADATA_DISABLED=true $envs \
		"$ECSW_BIN" "$@" >"$work/out" 2>"$work/err"
	status=$?
}
mkdir -p "$work/home"
KEYS="AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=$secret"

# 1. The right key: account, caller, source; never the secret.
run $KEYS -- preflight --endpoint-url "$url" --region us-east-1
if [ "$status" -eq 0 ] && grep -q "123456789012" "$work/out" &&
	grep -q "user/wizard" "$work/out" && grep -q "environment" "$work/out" &&
	grep -q "m5zn.xlarge is offered" "$work/out" &&
	! grep -q "$secret" "$work/out" "$work/err"; then
	ok "preflight with a valid key"
else
	not_ok "preflight with a valid key (status $status)"
fi

# 2. --output json, options after the command, stable field names.
run $KEYS -- --region us-east-1 preflight --output json --endpoint-url "$url"
if [ "$status" -eq 0 ] && python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["account"] == "123456789012", d
assert d["arn"].endswith(":user/wizard"), d
assert d["user_id"], d
assert d["region"] == "us-east-1", d
assert d["credential_source"] == "environment", d
assert d["instance_type"] == "m5zn.xlarge", d
assert d["instance_type_offered"] is True, d
assert "error" not in d, d
PY
then ok "preflight --output json"; else not_ok "preflight --output json (status $status)"; fi

# 3. A wrong secret: exit 1 and AWS's code, in text and in JSON.
run AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=wrong$secret -- preflight --endpoint-url "$url" --region us-east-1
if [ "$status" -eq 1 ] && grep -q "SignatureDoesNotMatch" "$work/err" &&
	grep -q "GetCallerIdentity" "$work/err" && [ "$(wc -l <"$work/err")" -eq 1 ]; then
	ok "wrong secret: one line naming SignatureDoesNotMatch, exit 1"
else
	not_ok "wrong secret (status $status)"
fi
run AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=wrong$secret -- preflight --endpoint-url "$url" --region us-east-1 --output json
if [ "$status" -eq 1 ] && python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["error"]["code"] == "SignatureDoesNotMatch", d
assert d["error"]["failed"] == "sts:GetCallerIdentity", d
assert d["account"] is None, d
PY
then ok "wrong secret, --output json: error object"; else not_ok "wrong secret json (status $status)"; fi

# 4. No credentials anywhere: a message saying how to provide them.
run -- preflight --endpoint-url "$url" --region us-east-1
if [ "$status" -eq 1 ] && grep -q "AWS_ACCESS_KEY_ID" "$work/err" &&
	grep -q "aws configure" "$work/err" && grep -q -- "--profile" "$work/err"; then
	ok "no credentials: how to provide them, exit 1"
else
	not_ok "no credentials (status $status)"
fi

# 5. A bad option: one line, exit 2.
run $KEYS -- preflight --no-such-option
if [ "$status" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q -- "--no-such-option" "$work/err"; then
	ok "bad option: exit 2"
else
	not_ok "bad option (status $status)"
fi

# 6. A malformed credentials file: file:line named, exit 2 (bad input,
#    nothing was sent).
mkdir -p "$work/home/.aws"
printf '[default]\naws_access_key_id = AKIDEXAMPLE\nthis line is not a key value pair\n' >"$work/home/.aws/credentials"
run -- preflight --endpoint-url "$url" --region us-east-1
if [ "$status" -eq 2 ] && grep -q "credentials:3" "$work/err" && [ "$(wc -l <"$work/err")" -eq 1 ]; then
	ok "malformed credentials file: file:line, exit 2"
else
	not_ok "malformed credentials file (status $status)"
fi
rm -f "$work/home/.aws/credentials"

# 7. --log: created 0600, one line per request, no secret; a log file others
#    may read is refused before anything is sent.
run $KEYS -- preflight --endpoint-url "$url" --region us-east-1 --log "$work/calls.log"
mode=$(stat -c %a "$work/calls.log" 2>/dev/null)
if [ "$status" -eq 0 ] && [ "$mode" = 600 ] && grep -q "sts GetCallerIdentity attempt=1 status=200" "$work/calls.log" &&
	grep -q "ec2 DescribeInstanceTypeOfferings" "$work/calls.log" &&
	! grep -q "$secret" "$work/calls.log"; then
	ok "--log: 0600, a line per request, no secret"
else
	not_ok "--log (status $status, mode $mode)"; cat "$work/calls.log"
fi
touch "$work/open.log"; chmod 644 "$work/open.log"
run $KEYS -- preflight --endpoint-url "$url" --region us-east-1 --log "$work/open.log"
if [ "$status" -eq 2 ] && grep -q "open.log" "$work/err" && [ ! -s "$work/open.log" ]; then
	ok "--log with loose permissions: refused"
else
	not_ok "--log loose permissions (status $status)"
fi

# 8. The spec's instance type; one the region does not offer is reported.
printf '{"instance_type": "zz9.huge", "region": "us-east-1"}\n' >"$work/spec.json"
run $KEYS -- preflight --endpoint-url "$url" --spec "$work/spec.json" --output json
if [ "$status" -eq 0 ] && python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["instance_type"] == "zz9.huge" and d["instance_type_offered"] is False, d
assert d["region"] == "us-east-1", d
PY
then ok "--spec instance type not offered"; else not_ok "--spec not offered (status $status)"; fi

# 9. A broken spec: exit 2 with file:line, nothing sent.
printf '{\n "name": "x",\n "task_cpu": ,\n}\n' >"$work/bad.json"
run $KEYS -- preflight --endpoint-url "$url" --spec "$work/bad.json"
if [ "$status" -eq 2 ] && grep -q "bad.json:3" "$work/err"; then
	ok "broken spec: file:line, exit 2"
else
	not_ok "broken spec (status $status)"
fi

# 9b. A spec whose region is unknown: exit 2 naming the key, JSON error too.
printf '{"region": "mars-1"}\n' >"$work/mars.json"
run $KEYS -- preflight --endpoint-url "$url" --spec "$work/mars.json" --output json
if [ "$status" -eq 2 ] && grep -q "region" "$work/err" && python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["error"]["code"] == "InvalidSpec" and "region" in d["error"]["message"], d
PY
then ok "spec with an unknown region: exit 2"; else not_ok "unknown region (status $status)"; fi

# 9c. Interrupted while a call hangs (a server that never answers): exit 130.
hang_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$hang_port" &
hang_pid=$!
sleep 0.5
env -i PATH="$PATH" HOME="$work/home" AWS_EC2_METADATA_DISABLED=true $KEYS \
	"$ECSW_BIN" preflight --endpoint-url "http://127.0.0.1:$hang_port" --region us-east-1 \
	>"$work/out" 2>"$work/err" &
wiz_pid=$!
sleep 1
kill -INT "$wiz_pid"
t0=$(date +%s)
wait "$wiz_pid"
status=$?
t1=$(date +%s)
kill "$hang_pid" 2>/dev/null; wait "$hang_pid" 2>/dev/null
if [ "$status" -eq 130 ] && [ $((t1 - t0)) -le 5 ]; then
	ok "interrupted: exit 130 promptly"
else
	not_ok "interrupted (status $status after $((t1 - t0)) s)"
fi

# 10. No command and no terminal: what the wizard would do, and how to
#     provide credentials when there are none.
run -- </dev/null
if [ "$status" -eq 0 ] && grep -q "preflight" "$work/out" && grep -q "AWS_ACCESS_KEY_ID" "$work/out"; then
	ok "no command, no terminal: summary and credentials help"
else
	not_ok "no command (status $status)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
