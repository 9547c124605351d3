#!/usr/bin/env bash
# Takes docs/fiji/dialog.png and docs/fiji/result.png: ImageJ 1.x under Xvfb with the shaded plugin jar in a
# fresh plugins folder (found through plugins.config, as Fiji finds it), driven by
# fiji/src/test/java/dev/nucleon/fiji/demo/FijiScreenshots.java. Needs xvfb-run (apt-get install -y xvfb) and
# the jar: mvn -B -q -pl fiji -am package -DskipTests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/fiji/pom.xml" | head -n 1)"
jar="$root/fiji/target/nucleon_fiji-$version.jar"
ij="${IJ_JAR:-$HOME/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar}"
[ -f "$jar" ] || { echo "screenshots: $jar is missing; build it first" >&2; exit 1; }
[ -f "$ij" ] || { echo "screenshots: ImageJ jar $ij is missing (set IJ_JAR)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins" "$work/classes"
cp "$jar" "$work/plugins/"
javac -d "$work/classes" -cp "$ij" "$root/fiji/src/test/java/dev/nucleon/fiji/demo/FijiScreenshots.java"
# no --add-modules jdk.incubator.vector: Fiji's default, so the plugin's notice about it shows on stderr
xvfb-run -a -s "-screen 0 1400x870x24" java -Xmx2g -Dplugins.dir="$work" -cp "$work/classes:$ij" \
  dev.nucleon.fiji.demo.FijiScreenshots "$root/samples/02903040/image.png" "$root/docs/fiji"
