#!/bin/sh
# tests/man_lint.sh - the manual pages have no mandoc warnings or errors.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
command -v mandoc >/dev/null 2>&1 || { echo "no mandoc: skipped"; exit 77; }
passed=0
failed=0
for page in "$top_srcdir/man/ecs-wizard.1" "$top_srcdir/man/ecs-wizard-spec.5"; do
	if out=$(mandoc -Tlint -W warning "$page" 2>&1) && [ -z "$out" ]; then
		passed=$((passed + 1)); echo "ok - $page"
	else
		failed=$((failed + 1)); echo "not ok - $page"; echo "$out"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
