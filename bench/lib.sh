# Helpers shared by bench/run and its sections (sourced, not run). Every figure is the median of $RUNS
# runs of the whole process, measured with GNU time (wall seconds and peak resident set size).

# median: the median of the numbers on stdin, one per line.
median() {
    sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# measure COMMAND...: runs the command $RUNS times (output discarded) and sets WALL (median seconds) and
# RSS_MB (median peak RSS in MB). A failing run stops the benchmark: its figures would mean nothing.
# MEASURE_BEFORE, when set, is a shell command run before each run, untimed (removing the previous run's
# output file, for one).
measure() {
    local walls=() rss=() out i times
    times=$(mktemp)
    for ((i = 0; i < RUNS; i++)); do
        if [[ -n "${MEASURE_BEFORE:-}" ]]; then
            bash -c "$MEASURE_BEFORE"
        fi
        if ! /usr/bin/time -o "$times" -f '%e %M' "$@" >/dev/null 2>&1; then
            echo "bench: failed: $*" >&2
            rm -f "$times"
            exit 1
        fi
        out=$(tail -1 "$times")
        walls+=("${out% *}")
        rss+=("${out#* }")
    done
    rm -f "$times"
    WALL=$(printf '%s\n' "${walls[@]}" | median)
    RSS_MB=$(printf '%s\n' "${rss[@]}" | median | awk '{printf "%.0f", $1 / 1024}')
}

# latency NAME COMMAND...: whole-process wall time with hyperfine (3 warm-up runs, then max($RUNS, 10)
# runs); sets LAT_MS (median, ms) and LAT_SD (standard deviation, ms).
latency() {
    local json
    json=$(mktemp)
    hyperfine -N --style none --warmup 3 --runs $((RUNS > 10 ? RUNS : 10)) --export-json "$json" \
        -- "$(printf '%q ' "$@")" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; rm -f "$json"; exit 1; }
    read -r LAT_MS LAT_SD < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.0f %.0f" % (r["median"] * 1000, r["stddev"] * 1000))' "$json")
    rm -f "$json"
}

# row NAME WALL PACKETS RSS_MB BASE_WALL: one line of a throughput table.
throughput_row() {
    awk -v n="$1" -v w="$2" -v c="$3" -v r="$4" -v b="$5" \
        'BEGIN {printf "  %-30s %8.2f %12.0f %9s %12.2fx\n", n, w, (w > 0 ? c / w : 0), r, (b > 0 ? w / b : 0)}'
}
