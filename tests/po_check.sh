#!/bin/sh
# po_check.sh - every catalogue in po/LINGUAS compiles under msgfmt -c
# (format specifiers match the English, plural forms are well formed, the
# header is complete) and none has fuzzy entries. Untranslated messages
# (new strings not yet translated after `make update-po`) are counted, not
# failed: the translation follows.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
command -v msgfmt >/dev/null 2>&1 || { echo "SKIP: no msgfmt"; exit 77; }
pass=0 fail=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
for lang in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
	po=$top_srcdir/po/$lang.po
	if msgfmt -c --statistics -o "$tmp/$lang.mo" "$po" 2>"$tmp/$lang.err"; then
		pass=$((pass + 1)); echo "ok   $lang: msgfmt -c: $(cat "$tmp/$lang.err")"
	else
		fail=$((fail + 1)); echo "FAIL $lang: msgfmt -c"; cat "$tmp/$lang.err"
	fi
	if grep -q '^#, .*fuzzy' "$po"; then
		fail=$((fail + 1)); echo "FAIL $lang: fuzzy entries:"; grep -n -A2 '^#, .*fuzzy' "$po" | head -20
	else
		pass=$((pass + 1)); echo "ok   $lang: no fuzzy entries"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
