#!/usr/bin/env bash
# Packs what cuda/gpu-check.sh needs on a GPU machine that has no Java and no Maven, into .device/ of this
# checkout (git-ignored): a JDK-17 runtime (../shared/tools/device/pack-jre.sh), and .device/lib/ with the
# modules' classes as jars (core, nn, segmentation, cuda, cli, benchmarks, and the test classes of core and
# cuda: the conformance suite and the CUDA tests) and their external jars (JCuda + natives, JUnit platform,
# JMH, picocli) — not ONNX Runtime (54 MB; the GPU check does not run the CPU ORT peer). About 45 MB in all,
# under the device tool's 64 MiB carry limit.
#
#   cuda/gpu-pack.sh            # here: needs JDK 17 and Maven (offline is fine)
#   then, with the device tool: carry [".device"], command "bash cuda/gpu-check.sh"
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
mkdir -p .device
grep -qx '/.device/' "$(git rev-parse --git-common-dir)/info/exclude" 2>/dev/null \
  || echo '/.device/' >> "$(git rev-parse --git-common-dir)/info/exclude"

echo "gpu-pack: compiling core, nn, segmentation, cuda, cli, benchmarks (no tests run) ..."
mvn -B -o -q -pl cuda,cli,benchmarks -am -DskipTests -Dnucleon.threads=1 test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/gpu-classpath.txt

rm -rf .device/lib && mkdir -p .device/lib
for m in core nn segmentation cuda cli benchmarks; do
  jar --create --file ".device/lib/nucleon-$m.jar" -C "$m/target/classes" .
done
for m in core cuda; do
  jar --create --file ".device/lib/nucleon-$m-tests.jar" -C "$m/target/test-classes" .
done
# external jars of cuda's tests, the cli and the benchmarks; our own modules come from the jars above
cat cuda/target/gpu-classpath.txt cli/target/gpu-classpath.txt benchmarks/target/gpu-classpath.txt \
  | tr ':' '\n' | grep '\.jar$' | grep -v '/dev/nucleon/' | grep -v '/onnxruntime/' | sort -u \
  | while read -r j; do cp "$j" .device/lib/; done

# the JRE: ../shared/tools/device/pack-jre.sh where it works; it writes .git/info/exclude, which fails in a
# git worktree (.git is a file there), so the same jlink runs here in that case
if [[ ! -f .device/jre.tar.xz ]] && ! ../shared/tools/device/pack-jre.sh 2>/dev/null; then
  jdk=${JDK_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  "$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,jdk.incubator.vector,jdk.unsupported \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$tmp/jre" 2>/dev/null \
  || "$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,jdk.incubator.vector,jdk.unsupported \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$tmp/jre"
  tar -C "$tmp/jre" -cJf .device/jre.tar.xz .
fi
echo "gpu-pack: .device holds $(du -sh .device | cut -f1) ($(ls .device/lib | wc -l) jars); carry [\".device\"] and run: bash cuda/gpu-check.sh"
