#!/usr/bin/env bash
# Images per second: `nucleon segment` against `segment-spark` in local[1] and local[2], on the same images.
# Not a timed test: run it by hand, on a quiet machine if you can (say in the numbers if not).
#
#   [ROUNDS=R] [THREADS="1 2"] spark/bench.sh [N] [DATA]
#                                 N images (default 24) from a DSB2018-layout folder
#                                 (default /work/shared/datasets/dsb2018/stage1_train, <id>/image.png), at most 512 x 512 each
#
# Every command runs on 1 image and on N. End to end (JVM start, Spark start, model load, listing, writing the
# tables) is T_N; the marginal rate, (N - 1) / (T_N - T_1), is the steady-state throughput without the fixed
# start-up cost, which is what a long screen sees. CPU time (user + system of the whole JVM) is printed beside wall
# time: on a machine shared with other work it is the comparable figure. Commands are interleaved, two rounds.
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-24}"
data="${2:-/work/shared/datasets/dsb2018/stage1_train}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/all" "$work/one"
python3 - "$data" "$n" "$work" <<'PY'
import os, shutil, struct, sys
data, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
picked = 0
for sample in sorted(os.listdir(data)):
    f = os.path.join(data, sample, "image.png")
    if not os.path.isfile(f):
        continue
    with open(f, "rb") as fh:
        w, h = struct.unpack(">II", fh.read(24)[16:24])
    if w * h > 512 * 512:
        continue
    shutil.copy(f, os.path.join(work, "all", sample[:12] + ".png"))
    if picked == 0:
        shutil.copy(f, os.path.join(work, "one", sample[:12] + ".png"))
    picked += 1
    if picked == n:
        break
print(f"{picked} images from {data}", file=sys.stderr)
PY
(cd "$root" && mvn -B -q -o -DskipTests package -pl spark -am) >&2
# wall and CPU seconds (user + system, every thread of the JVM: Spark's own threads count) of one command
measure() {
  if ! /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" > /dev/null 2> "$work/err"; then
    cat "$work/err" >&2
    return 1
  fi
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$work/time"
}
row() { # label, command...
  local label="$1"; shift
  local w1 c1 wn cn
  rm -rf "$work/o1" "$work/on"
  read -r w1 c1 < <(measure "$@" "$work/one" --out "$work/o1")
  read -r wn cn < <(measure "$@" "$work/all" --out "$work/on")
  printf '%-34s wall T_1 %5.1f s T_%d %5.1f s: %4.2f img/s, marginal %4.2f img/s | CPU T_1 %5.1f s T_%d %5.1f s: marginal %4.2f s/img\n' \
    "$label" "$w1" "$n" "$wn" "$(echo "$n / $wn" | bc -l)" "$(echo "($n - 1) / ($wn - $w1)" | bc -l)" \
    "$c1" "$n" "$cn" "$(echo "($cn - $c1) / ($n - 1)" | bc -l)"
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
# ROUNDS=1 (default 2) and THREADS=2 (default "1 2") for a shorter run, e.g. on 200 images
for round in $(seq 1 "${ROUNDS:-2}"); do # interleaved: the machine's load drifts
  for t in ${THREADS:-1 2}; do
    if [ "$t" = 1 ]; then
      row "nucleon segment (1 thread)" env NUCLEON_JAVA_OPTS=-Dnucleon.threads=1 "$root/nucleon" segment --quiet
      row "segment-spark local[1] (1 thread)" "$root/spark/segment-spark" --master 'local[1]'
    else
      row "nucleon segment (2 threads)" "$root/nucleon" segment --quiet
      row "segment-spark local[2] (2 x 1)" "$root/spark/segment-spark" --master 'local[2]'
    fi
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
