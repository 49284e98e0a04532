#!/bin/bash
# completion.sh - the bash completion offers subcommands, options per
# subcommand and option values, as a user pressing Tab would see them.
set -u
src=${top_srcdir:-$(dirname "$0")/..}
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "SKIP: bash-completion not installed"; exit 77; }
pass=0 fail=0

complete_line() { # complete_line WORDS... -> the candidates for the last word
	bash -c '
		source "$1"; source "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_ecs_wizard ecs-wizard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$bc" "$src/completion/ecs-wizard" "$@"
}

expect() { # expect DESCRIPTION EXPECTED WORDS...
	local what=$1 want=$2 got; shift 2
	got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then echo "ok - $what"; pass=$((pass + 1));
	else echo "not ok - $what: got '$got' want '$want'"; fail=$((fail + 1)); fi
}

expect "subcommands" "deploy destroy export plan preflight status verify" ecs-wizard ""
expect "subcommand prefix" "plan preflight" ecs-wizard p
expect "deploy's options" "--yes" ecs-wizard deploy --y
expect "status names a deployment" "--name" ecs-wizard status --na
expect "destroy's options" "--delete-images" ecs-wizard destroy --del
expect "destroy names a deployment" "--name" ecs-wizard destroy --na
expect "output formats" "json text" ecs-wizard plan --output ""
expect "export's formats" "aws-cli cloudformation" ecs-wizard export --format ""
expect "export's options" "--format" ecs-wizard export --fo
expect "regions" "eu-central-1 eu-central-2" ecs-wizard preflight --region eu-cen
expect "global option before the subcommand" "--endpoint-url" ecs-wizard --endpoint
expect "subcommand after a global option and its value" "deploy destroy export plan preflight status verify" ecs-wizard --region us-east-1 ""

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '[default]\nregion=us-east-1\n[profile dev]\nregion=eu-west-1\n' >"$tmp/config"
printf '[ops]\naws_access_key_id=x\n' >"$tmp/credentials"
got=$(AWS_CONFIG_FILE=$tmp/config AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials complete_line ecs-wizard --profile "" | tr '\n' ' ')
[ "$got" = "default dev ops " ] && { echo "ok - profiles from the AWS files"; pass=$((pass + 1)); } ||
	{ echo "not ok - profiles: '$got'"; fail=$((fail + 1)); }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
