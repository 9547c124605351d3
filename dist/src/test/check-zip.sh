#!/usr/bin/env bash
# Checks the release zip (run by mvn verify in dist/): unpacks it, checks its files, and runs its launcher
# with the Java that runs Maven (nucleon --version, info, and segment on a demo image): no Maven, no network needed at run time.
set -euo pipefail
zip="$1"
version="$2"
fail() {
  echo "check-zip: $*" >&2
  exit 1
}
[ -f "$zip" ] || fail "$zip is missing"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jar="${JAVA_HOME:+$JAVA_HOME/bin/}jar"
(cd "$work" && "$jar" xf "$zip")
home="$work/nucleon-$version"
for f in nucleon nucleon.bat lib/nucleon.jar "fiji/nucleon_fiji-$version.jar" README.md LICENSE \
         samples/0280fa8f/image.png; do
  [ -f "$home/$f" ] || fail "$zip lacks nucleon-$version/$f"
done
# the launcher's mode in the zip (jar xf drops it, so it is read from the listing when unzip is there)
if command -v unzip >/dev/null 2>&1; then
  unzip -Z "$zip" "nucleon-$version/nucleon" | grep -q '^-rwx' || fail "the launcher is not executable in the zip"
fi
grep -q $'\r$' "$home/nucleon.bat" || fail "nucleon.bat lacks CRLF line ends"
if grep -q $'\r$' "$home/nucleon"; then fail "the shell launcher has CRLF line ends"; fi
unzip_list="$("$jar" tf "$zip")"
grep -q '^plugins.config$' <<< "$("$jar" tf "$home/fiji/nucleon_fiji-$version.jar")" \
  || fail "the Fiji jar has no plugins.config"
chmod +x "$home/nucleon"
out="$(cd "$work" && "$home/nucleon" --version 2>/dev/null)" || fail "nucleon --version failed: $out"
grep -q "$version" <<< "$out" || fail "nucleon --version printed '$out', not $version"
info="$("$home/nucleon" info 2>&1)" || fail "nucleon info failed: $info"
grep -q "Vector API" <<< "$info" || fail "nucleon info: $info"
seg="$(cd "$home" && ./nucleon segment samples/0280fa8f/image.png --out "$work/out" 2>&1)" \
  || fail "nucleon segment failed: $seg"
[ -s "$work/out/image_nuclei.csv" ] || [ -n "$(find "$work/out" -name '*_nuclei.csv' -size +0)" ] \
  || fail "nucleon segment wrote no per-nucleus CSV: $seg"
echo "check-zip: segment: $(grep -m1 nuclei <<< "$seg")"
echo "check-zip: $(basename "$zip"): $(wc -l <<< "$unzip_list") entries; launcher OK: $out"
