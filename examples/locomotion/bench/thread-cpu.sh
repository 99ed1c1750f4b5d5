#!/usr/bin/env bash
# Runs a command and prints the CPU seconds of every thread of it and of its child processes
# (the largest value read from /proc/<pid>/task/<tid>/stat while they ran, sampled every 0.5 s),
# per process: the main thread, then the other threads, busiest first. Shows how much CPU
# leaves the threads doing the work, e.g. V8's background garbage-collection threads:
#   bash examples/locomotion/bench/thread-cpu.sh node examples/locomotion/bench/meta-bench.mjs \
#     --json --methods maml-trpo --compare none --workers 1
# Linux only. The command's own output goes to stdout as usual.
set -euo pipefail
"$@" &
root=$!
declare -A cpu owner
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
while kill -0 "$root" 2>/dev/null; do
  for pid in "$root" $(descendants "$root"); do
    for task in /proc/"$pid"/task/*; do
      stat=$(cat "$task/stat" 2>/dev/null) || continue
      # utime + stime, in clock ticks: fields 14 and 15, counted after the ')' of the name
      ticks=$(awk '{print $12 + $13}' <<<"${stat##*) }")
      cpu[${task##*/}]=$ticks
      owner[${task##*/}]=$pid
    done
  done
  sleep 0.5
done
wait "$root" || true
hz=$(getconf CLK_TCK)
for pid in $(printf '%s\n' "${owner[@]}" | sort -un); do
  echo "process $pid:"
  for tid in "${!cpu[@]}"; do
    [[ ${owner[$tid]} == "$pid" ]] || continue
    label=$([[ $tid == "$pid" ]] && echo main || echo thread)
    echo "${cpu[$tid]} $tid $label"
  done | sort -rn | awk -v hz="$hz" '$1 > 0 {printf "  %8.1f s  %s %s\n", $1 / hz, $3, $2}'
done
