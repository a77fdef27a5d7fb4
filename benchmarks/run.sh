#!/usr/bin/env bash
# Builds the benchmarks module, runs every JMH benchmark once (1 fork) with the gc profiler, measures
# the processor's compile-time cost, and writes benchmarks/results/: results.md and results.json
# (the table: times, ratios, GFLOP/s, bytes per call, PASS/GAP per target), plus the raw jmh.json and
# processor-cost.json; and for the product kernels products.md (JMH, plain and Vector API),
# paired-{plain,vector}.md (generated ÷ hand backprop, interleaved) and throughput-{plain,vector}.md
# (peak GFLOP/s). About 20-25 minutes on 2 cores; the markdown table is printed at the end.
#
# Usage: bash benchmarks/run.sh [--quick] [--peers] [--update-readme] [JMH benchmark regexp ...]
#   --quick          smoke test: short iterations, a small processor-cost source set (~3 minutes)
#   --peers          also build and run the PyTorch (DJL) and ND4J SameDiff peers (~250 MB of downloads)
#   --update-readme  replace the table between the results markers in README.md with this run's
# Settings (environment): JMH_FORKS (1), JMH_WARMUP_ITERATIONS (3), JMH_WARMUP_TIME (1s),
#   JMH_ITERATIONS (5), JMH_TIME (1s), JMH_ARGS (more JMH options), COST_METHODS (200),
#   COST_WARMUPS (3), COST_ROUNDS (7), RESULTS_DIR (benchmarks/results), MVN_ARGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
peers=0
update_readme=0
patterns=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --peers) peers=1 ;;
    --update-readme) update_readme=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "unknown option: $arg" >&2; exit 2 ;;
    *) patterns+=("$arg") ;;
  esac
done

if [ "$quick" = 1 ]; then
  : "${JMH_WARMUP_ITERATIONS:=1}" "${JMH_WARMUP_TIME:=200ms}" "${JMH_ITERATIONS:=2}" "${JMH_TIME:=200ms}"
  : "${COST_METHODS:=40}" "${COST_WARMUPS:=1}" "${COST_ROUNDS:=1}"
fi
: "${JMH_FORKS:=1}" "${JMH_WARMUP_ITERATIONS:=3}" "${JMH_WARMUP_TIME:=1s}" "${JMH_ITERATIONS:=5}" "${JMH_TIME:=1s}"
: "${COST_METHODS:=200}" "${COST_WARMUPS:=3}" "${COST_ROUNDS:=7}"
: "${RESULTS_DIR:=benchmarks/results}"
: "${JMH_ARGS:=}" "${MVN_ARGS:=}"

profiles=benchmarks
exclude=(-e 'PeerBench')
if [ "$peers" = 1 ]; then
  profiles=benchmarks,peers
  exclude=()
fi

# The revision measured: taken before the build, which compiles the tree as it is now.
revision=""
if git rev-parse --short HEAD >/dev/null 2>&1; then
  revision=$(git rev-parse --short HEAD)
  if [ -n "$(git status --porcelain --untracked-files=no -- . ':!benchmarks/results' ':!README.md' 2>/dev/null)" ]; then
    revision="$revision+changes"
  fi
fi

echo "== building (profiles $profiles)"
# shellcheck disable=SC2086
mvn -B -q $MVN_ARGS -P"$profiles" -pl benchmarks -am -DskipTests package
jar=benchmarks/target/benchmarks.jar

mkdir -p "$RESULTS_DIR"
# Native peers (PyTorch's OpenMP, OpenBLAS under ND4J) on one thread, like the Java code.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

echo "== JMH: $JMH_FORKS fork, $JMH_WARMUP_ITERATIONS x $JMH_WARMUP_TIME warm-up, $JMH_ITERATIONS x $JMH_TIME measurement"
# shellcheck disable=SC2086
java -jar "$jar" -f "$JMH_FORKS" -wi "$JMH_WARMUP_ITERATIONS" -w "$JMH_WARMUP_TIME" \
  -i "$JMH_ITERATIONS" -r "$JMH_TIME" -prof gc -rf json -rff "$RESULTS_DIR/jmh.json" \
  ${exclude[@]+"${exclude[@]}"} $JMH_ARGS ${patterns[@]+"${patterns[@]}"}

echo "== product kernels: $RESULTS_DIR/products.md (from the JMH run); interleaved pairs and peak throughput, plain and Vector API"
java -cp "$jar" dev.matgrad.bench.report.ProductsTable "$RESULTS_DIR/jmh.json" "$RESULTS_DIR/products.md" >/dev/null
for kernel in plain vector; do
  flags=(-Dmatgrad.products=plain)
  [ "$kernel" = vector ] && flags=(--add-modules jdk.incubator.vector)
  java "${flags[@]}" -cp "$jar" dev.matgrad.bench.PairedRatios "$RESULTS_DIR/paired-$kernel.md" >/dev/null 2>&1
  java "${flags[@]}" -cp "$jar" dev.matgrad.bench.KernelThroughput "$RESULTS_DIR/throughput-$kernel.md" >/dev/null 2>&1
done

echo "== processor cost: $COST_METHODS methods, $COST_WARMUPS warm-up + $COST_ROUNDS measured rounds"
java -cp "$jar" dev.matgrad.bench.compile.ProcessorCost "$RESULTS_DIR/processor-cost.json" \
  "$COST_METHODS" "$COST_WARMUPS" "$COST_ROUNDS" >/dev/null

echo "== results: $RESULTS_DIR/results.md, $RESULTS_DIR/results.json"
java -cp "$jar" dev.matgrad.bench.report.ResultsTable "$RESULTS_DIR/jmh.json" \
  "$RESULTS_DIR/processor-cost.json" "$RESULTS_DIR" "$revision"

if [ "$update_readme" = 1 ]; then
  begin='<!-- benchmark results: begin -->'
  end='<!-- benchmark results: end -->'
  if grep -qF "$begin" README.md && grep -qF "$end" README.md; then
    awk -v begin="$begin" -v end="$end" -v table="$RESULTS_DIR/results.md" '
      $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }' README.md > README.md.tmp && mv README.md.tmp README.md
    echo "== README.md updated"
  else
    echo "README.md has no results markers: not updated" >&2
  fi
fi
