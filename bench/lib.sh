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

# measure_pair COMMAND_A... -- COMMAND_B...: as measure, the two commands run alternately (A, B, A, B...),
# so that a change in the machine's load falls on both alike; sets WALL_A, RSS_MB_A, WALL_B, RSS_MB_B.
measure_pair() {
    local a=() b=() arg side=a which i out times
    local walls_a=() rss_a=() walls_b=() rss_b=()
    for arg in "$@"; do
        if [[ $side == a && $arg == -- ]]; then side=b; continue; fi
        if [[ $side == a ]]; then a+=("$arg"); else b+=("$arg"); fi
    done
    times=$(mktemp)
    for ((i = 0; i < RUNS; i++)); do
        for which in a b; do
            if [[ -n "${MEASURE_BEFORE:-}" ]]; then
                bash -c "$MEASURE_BEFORE"
            fi
            local -n cmd=$which
            if ! /usr/bin/time -o "$times" -f '%e %M' "${cmd[@]}" >/dev/null 2>&1; then
                echo "bench: failed: ${cmd[*]}" >&2
                rm -f "$times"
                exit 1
            fi
            out=$(tail -1 "$times")
            if [[ $which == a ]]; then walls_a+=("${out% *}"); rss_a+=("${out#* }")
            else walls_b+=("${out% *}"); rss_b+=("${out#* }"); fi
        done
    done
    rm -f "$times"
    WALL_A=$(printf '%s\n' "${walls_a[@]}" | median)
    RSS_MB_A=$(printf '%s\n' "${rss_a[@]}" | median | awk '{printf "%.0f", $1 / 1024}')
    WALL_B=$(printf '%s\n' "${walls_b[@]}" | median)
    RSS_MB_B=$(printf '%s\n' "${rss_b[@]}" | median | awk '{printf "%.0f", $1 / 1024}')
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
