#!/bin/bash
# ecr_push.sh - pushing to a real registry (Debian docker-registry with TLS
# and htpasswd) under the ECR host name, with skopeo, and checking that the
# password never shows in any process's argv or environment.
#
# Runs in its own network and mount namespaces: the registry answers on
# 127.0.0.1:443 as <account>.dkr.ecr.us-east-1.amazonaws.com through a
# private /etc/hosts, and skopeo trusts its certificate through a private
# /etc/containers; the machine's files stay as they are.
set -u

if [ -z "${ECSW_IN_NS:-}" ]; then
	for t in skopeo docker-registry htpasswd openssl unshare; do
		command -v "$t" >/dev/null || { echo "SKIP: $t missing (./bootstrap installs it)"; exit 77; }
	done
	export ECSW_IN_NS=1
	exec unshare -m -n --propagation private "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
tool=${top_builddir:-$here/..}/tests/ecr-push-tool
mkoci=${top_srcdir:-$here/..}/tests/make_oci_image.py
HOST=123456789012.dkr.ecr.us-east-1.amazonaws.com
PW="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
no() { echo "not ok - $1"; fail=$((fail + 1)); }

ip link set lo up
tmp=$(mktemp -d)
regpid=""
cleanup() { [ -n "$regpid" ] && kill "$regpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# Certificate for the ECR host name, a private hosts file and trust store.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
	-addext "subjectAltName=DNS:$HOST" -keyout "$tmp/reg.key" -out "$tmp/reg.crt" 2>/dev/null
cp /etc/hosts "$tmp/hosts" && echo "127.0.0.1 $HOST" >>"$tmp/hosts"
mount --bind "$tmp/hosts" /etc/hosts
mkdir -p "$tmp/containers" && cp -a /etc/containers/. "$tmp/containers/"
mkdir -p "$tmp/containers/certs.d/$HOST" && cp "$tmp/reg.crt" "$tmp/containers/certs.d/$HOST/ca.crt"
mount --bind "$tmp/containers" /etc/containers

printf '%s' "$PW" | htpasswd -iBc "$tmp/htpasswd" AWS 2>/dev/null
cat >"$tmp/config.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $tmp/storage}}
http:
  addr: 127.0.0.1:443
  tls: {certificate: $tmp/reg.crt, key: $tmp/reg.key}
auth:
  htpasswd: {realm: ecr-test, path: $tmp/htpasswd}
YML
docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
regpid=$!
for _ in $(seq 50); do
	curl -s --cacert "$tmp/reg.crt" -o /dev/null "https://$HOST/v2/" && break
	sleep 0.1
done

python3 "$mkoci" "$tmp/oci" 3.3.2-cpu >/dev/null
skopeo copy -q "oci:$tmp/oci:3.3.2-cpu" "docker-archive:$tmp/deid.tar:deid:3.3.2-cpu" >/dev/null

# Watch every process while the push runs: the password must not be in
# any argv or environment.
watch_procs() {
	while [ -e "$tmp/watch" ]; do
		for p in /proc/[0-9]*; do
			if grep -qsF -- "$PW" "$p/cmdline" "$p/environ" 2>/dev/null; then
				echo "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" >>"$tmp/leaks"
			fi
		done
	done
}

push() { # push SOURCE [EXTRA...] -> stdout JSON, stderr to $tmp/err
	printf '%s\n' "${PASSWORD:-$PW}" | "$tool" --source "$1" --registry "$HOST" \
		--repository ecsdocs --work-dir "$tmp" "${@:2}" 2>"$tmp/err"
}

touch "$tmp/watch"; watch_procs & watcher=$!
out1=$(push "docker-archive:$tmp/deid.tar"); rc1=$?
rm -f "$tmp/watch"; wait "$watcher"

[ "$rc1" -eq 0 ] && ok "push from docker-archive succeeds" || { no "push from docker-archive (rc $rc1)"; cat "$tmp/err"; }
digest=$(printf '%s' "$out1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])' 2>/dev/null)
tag=$(printf '%s' "$out1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])' 2>/dev/null)
[ "$tag" = "3.3.2-cpu" ] && ok "tag defaults to the source's tag" || no "tag is '$tag'"
[ ! -s "$tmp/leaks" ] && ok "password in no process's argv or environment" || { no "password leaked: $(cat "$tmp/leaks")"; }
grep -q '^progress 1/1' "$tmp/err" && ok "layer progress reported" || no "no progress lines: $(cat "$tmp/err")"

# Read the manifest back from the registry and compare digests.
printf 'machine %s login AWS password %s\n' "$HOST" "$PW" >"$tmp/netrc"; chmod 600 "$tmp/netrc"
curl -s --cacert "$tmp/reg.crt" --netrc-file "$tmp/netrc" -D "$tmp/hdr" -o "$tmp/manifest" \
	-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
	-H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"https://$HOST/v2/ecsdocs/manifests/3.3.2-cpu"
served=$(grep -i '^docker-content-digest:' "$tmp/hdr" | tr -d '\r' | awk '{print $2}')
computed="sha256:$(sha256sum "$tmp/manifest" | cut -d' ' -f1)"
[ -n "$digest" ] && [ "$served" = "$digest" ] && [ "$computed" = "$digest" ] &&
	ok "registry holds the reported digest ($digest)" || no "digest mismatch: reported $digest served $served computed $computed"
printf '%s' "$out1" | grep -q "\"image_uri\":\"$HOST/ecsdocs@$digest\"" && ok "image uri is repo@digest" || no "image uri: $out1"

out2=$(push "docker-archive:$tmp/deid.tar"); rc2=$?
printf '%s' "$out2" | grep -q '"skipped":true' && printf '%s' "$out2" | grep -qF "$digest" &&
	[ "$rc2" -eq 0 ] && ok "second push skips the upload, same digest" || no "second push: $out2 $(cat "$tmp/err")"

out3=$(PASSWORD=wrong-password push "docker-archive:$tmp/deid.tar"); rc3=$?
[ "$rc3" -ne 0 ] && grep -q "RegistryAuthFailed" "$tmp/err" && grep -q "refused the credentials" "$tmp/err" &&
	ok "wrong password refused clearly" || no "wrong password: rc $rc3 $(cat "$tmp/err")"
! grep -qF -- "wrong-password" "$tmp/err" && ok "refusal does not echo the password" || no "password echoed"

out4=$(push "oci:$tmp/oci:3.3.2-cpu" --tag oci-test); rc4=$?
[ "$rc4" -eq 0 ] && printf '%s' "$out4" | grep -q '"tag":"oci-test"' && ok "push from an OCI layout with an explicit tag" || no "oci push: $out4 $(cat "$tmp/err")"

ls -d "$tmp"/ecsw-push-* >/dev/null 2>&1 && no "private auth directory left behind" || ok "private auth directory removed"

out5=$(PATH=/nonexistent push "docker-archive:$tmp/deid.tar"); rc5=$?
[ "$rc5" -ne 0 ] && grep -q "install the Debian package skopeo" "$tmp/err" && ok "missing tool named" || no "missing tool: $(cat "$tmp/err")"

out6=$(push "docker-archive:$tmp/missing.tar"); rc6=$?
[ "$rc6" -ne 0 ] && grep -q "ImageNotFound" "$tmp/err" && ok "missing image archive reported" || no "missing archive: $(cat "$tmp/err")"

# The same push driven by the engine: `deploy` against moto, whose ECR
# token carries the password "<account>-auth-token"; the registry is given
# that password. Progress must show per layer, the task definition must name
# the tag pushed, and the password must stay out of every process.
bin=${top_builddir:-$here/..}/src/ecs-wizard
moto=${ECSW_SHARED:-${top_srcdir:-$here/..}/../shared}/tools/moto-server-ecs
if [ -x "$moto" ] && [ -x "$bin" ]; then
	MOTO_PW=123456789012-auth-token
	printf '%s' "$MOTO_PW" | htpasswd -iBc "$tmp/htpasswd" AWS 2>/dev/null
	kill "$regpid"; wait "$regpid" 2>/dev/null
	docker-registry serve "$tmp/config.yml" >>"$tmp/registry.log" 2>&1 &
	regpid=$!
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	MOTO_IAM_LOAD_MANAGED_POLICIES=true "$moto" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
	motopid=$!
	for _ in $(seq 600); do
		curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null &&
			curl -s --cacert "$tmp/reg.crt" -o /dev/null "https://$HOST/v2/" && break
		sleep 0.1
	done
	echo '{"id":"ecr-test-license"}' >"$tmp/license.json"
	cat >"$tmp/spec.json" <<JSON
{"name": "pushed", "admin_cidr": "203.0.113.7/32", "license_file": "$tmp/license.json",
 "push_image": true, "image": "docker-archive:$tmp/deid.tar"}
JSON
	# The watcher looks for $PW; a plain (unexported) assignment keeps it
	# out of the environment of the greps it runs.
	PW=$MOTO_PW
	touch "$tmp/watch"; watch_procs & watcher=$!
	AWS_ACCESS_KEY_ID=AKIAECRTESTECRTEST AWS_SECRET_ACCESS_KEY=ecr-test AWS_EC2_METADATA_DISABLED=true \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null ECSW_WAITER_DELAY_SCALE=0.01 \
		"$bin" deploy --spec "$tmp/spec.json" --yes --no-bastion --endpoint-url "http://127.0.0.1:$port" \
		--region us-east-1 --state-dir "$tmp/state" --log "$tmp/deploy.log" \
		>"$tmp/deploy.out" 2>"$tmp/deploy.err"
	rcd=$?
	rm -f "$tmp/watch"; wait "$watcher"
	td_image=$(AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x python3 -c '
import sys, boto3
ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1")
td = ecs.describe_task_definition(taskDefinition="pushed-task")["taskDefinition"]
print(td["containerDefinitions"][0]["image"])' "http://127.0.0.1:$port" 2>&1)
	kill "$motopid" 2>/dev/null
	[ "$rcd" -eq 0 ] && ok "deploy pushes the image through the engine" ||
		{ no "deploy with push_image (rc $rcd)"; tail -20 "$tmp/deploy.err"; }
	grep -Eq 'image-push +1 of 1 layers' "$tmp/deploy.err" && ok "deploy shows the push's layer progress" ||
		no "no layer progress in deploy's output: $(grep image-push "$tmp/deploy.err")"
	code=$(curl -s --cacert "$tmp/reg.crt" -u "AWS:$MOTO_PW" -o /dev/null -w '%{http_code}' \
		-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"https://$HOST/v2/pushed/manifests/latest")
	[ "$code" = 200 ] && ok "the registry holds pushed:latest" || no "manifest pushed:latest: HTTP $code"
	[ "$td_image" = "$HOST/pushed:latest" ] &&
		ok "the task definition names the image pushed" || no "task definition image: $td_image"
	[ ! -s "$tmp/leaks" ] && ok "registry password in no process's argv or environment during deploy" ||
		no "password leaked: $(cat "$tmp/leaks")"
	! grep -qF -- "$MOTO_PW" "$tmp/deploy.err" "$tmp/deploy.out" "$tmp/deploy.log" "$tmp"/state/* &&
		ok "registry password in no output, log or journal" || no "password written somewhere"
else
	echo "# skipping the deploy case: moto or the program is missing"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
