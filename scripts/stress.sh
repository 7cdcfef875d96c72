#!/usr/bin/env bash
# Statistical checks of issue 8 ("no daemon is ever lost") that take minutes,
# not part of `npm test`. Run after `npm run build`:
#
#   bash scripts/stress.sh [ROUNDS]        # default 50
#
# 1. restarts: ROUNDS rounds of 5 concurrent `restart`s of a plain daemon
#    must end with exactly one daemon, the recorded one, and all exit 0.
# 2. mixed:    ROUNDS rounds of 2 starts, 2 stops and a restart at once must
#    end truthful: status 0 and exactly one daemon, or status 3 and none.
# 3. kills:    ROUNDS starts killed at a chosen or random moment (strace
#    -e inject at the state file's or the pidfile's rename, or kill -9 after
#    a random delay) must leave a daemon that status reports (0 or 4, never
#    3), that start does not copy, and that stop ends.
# 4. crash-loop defaults, in real time: a command that cannot start, and
#    one that dies 1.5 s after every start, are given up within 60 s and
#    before their 13th start.
# Prints one line per part, "PART: rounds R, failures F", and exits 1 if any failed.
set -u
cd "$(dirname "$0")/.."
TD="$PWD/bin/tdaemon"
ROUNDS=${1:-50}
work=$(mktemp -d /tmp/tdaemon-stress.XXXXXX)
MARK_BASE="3000$$"
n=0
status=0

# Whatever way this ends, every daemon it started is stopped, by its pidfile.
cleanup() {
  local pf
  for pf in "$work"/*.pid; do [ -e "$pf" ] && "$TD" --pidfile "$pf" stop >/dev/null 2>&1; done
  rm -rf "$work"
}
trap cleanup EXIT

# Live processes whose command line is exactly "sleep MARK".
count_mark() {
  local mark=$1 found=() p
  for p in /proc/[0-9]*; do
    [ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" = "sleep $mark " ] || continue
    grep -q '^State:[[:space:]]*Z' "$p/status" 2>/dev/null && continue
    found+=("${p#/proc/}")
  done
  echo "${found[@]:-}"
}

# Ends by pid whatever still runs "sleep MARK" (a failure left it).
reap_mark() {
  local pid
  for pid in $(count_mark "$1"); do kill -9 "$pid" 2>/dev/null; done
}

report() {
  echo "$1: rounds $2, failures $3"
  [ "$3" -eq 0 ] || status=1
}

part_restarts() {
  local fails=0 r i pf mark pids recorded codes
  for ((r = 1; r <= ROUNDS; r++)); do
    n=$((n + 1)); mark="$MARK_BASE$n"; pf="$work/r$r.pid"
    "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null
    for i in 1 2 3 4 5; do
      "$TD" --pidfile "$pf" restart --wait 0.2 >"$work/r$r.$i.out" 2>&1 &
      echo $! >"$work/r$r.$i.job"
    done
    codes=""
    for i in 1 2 3 4 5; do wait "$(cat "$work/r$r.$i.job")"; codes="$codes$?"; done
    pids=$(count_mark "$mark"); recorded=$(cat "$pf" 2>/dev/null)
    if [ "$codes" != "00000" ] || [ "$pids" != "$recorded" ] || [ -z "$pids" ]; then
      fails=$((fails + 1))
      echo "  restarts round $r: exits $codes, running [$pids], recorded [$recorded]" >&2
      cat "$work"/r$r.?.out >&2
    fi
    "$TD" --pidfile "$pf" stop >/dev/null 2>&1
    reap_mark "$mark"
  done
  report restarts "$ROUNDS" "$fails"
}

part_mixed() {
  local fails=0 r pf mark pids recorded st jobs verb
  for ((r = 1; r <= ROUNDS; r++)); do
    n=$((n + 1)); mark="$MARK_BASE$n"; pf="$work/m$r.pid"
    [ $((r % 2)) -eq 0 ] && "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null
    jobs=()
    for verb in start stop restart start stop; do
      case $verb in
        start) "$TD" --pidfile "$pf" start --wait 0.1 -- sleep "$mark" >/dev/null 2>&1 & ;;
        stop) "$TD" --pidfile "$pf" stop >/dev/null 2>&1 & ;;
        restart) "$TD" --pidfile "$pf" restart --wait 0.1 -- sleep "$mark" >/dev/null 2>&1 & ;;
      esac
      jobs+=($!)
    done
    wait "${jobs[@]}"
    "$TD" --pidfile "$pf" status >/dev/null 2>&1; st=$?
    pids=$(count_mark "$mark"); recorded=$(cat "$pf" 2>/dev/null)
    if ! { [ $st -eq 0 ] && [ -n "$pids" ] && [ "$pids" = "$recorded" ]; } && ! { [ $st -eq 3 ] && [ -z "$pids" ]; }; then
      fails=$((fails + 1))
      echo "  mixed round $r: status $st, running [$pids], recorded [$recorded]" >&2
    fi
    "$TD" --pidfile "$pf" stop >/dev/null 2>&1
    reap_mark "$mark"
  done
  report mixed "$ROUNDS" "$fails"
}

part_kills() {
  local fails=0 r pf mark st pids again stop_pids how
  for ((r = 1; r <= ROUNDS; r++)); do
    n=$((n + 1)); mark="$MARK_BASE$n"; pf="$work/k$r.pid"
    case $((r % 3)) in
      # The subshell (kept by "; true") takes bash's "Killed" notice, out of the report.
      0) how="rename 1"; (strace -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when=1 "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null 2>&1; true) 2>/dev/null ;;
      1) how="rename 2"; (strace -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when=2 "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null 2>&1; true) 2>/dev/null ;;
      2)
        how="kill -9 after random delay"
        "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null 2>&1 &
        sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
        kill -9 $! 2>/dev/null; wait $! 2>/dev/null
        true
        ;;
    esac
    sleep 0.2 # the spawned shell execs sleep
    pids=$(count_mark "$mark")
    "$TD" --pidfile "$pf" status >/dev/null 2>&1; st=$?
    if [ -n "$pids" ] && [ $st -ne 0 ] && [ $st -ne 4 ]; then
      fails=$((fails + 1)); echo "  kills round $r ($how): [$pids] runs, status $st" >&2
    fi
    "$TD" --pidfile "$pf" start --wait 0 -- sleep "$mark" >/dev/null 2>&1
    again=$(count_mark "$mark")
    if [ "$(echo "$again" | wc -w)" -gt 1 ]; then
      fails=$((fails + 1)); echo "  kills round $r ($how): two copies [$again]" >&2
    fi
    "$TD" --pidfile "$pf" stop >/dev/null 2>&1
    stop_pids=$(count_mark "$mark")
    if [ -n "$stop_pids" ] || ls -a "$work" | grep -q "^\.k$r\..*\.tmp$"; then
      fails=$((fails + 1)); echo "  kills round $r ($how): after stop [$stop_pids] run, or temporary files are left" >&2
    fi
    reap_mark "$mark"
  done
  report kills "$ROUNDS" "$fails"
}

# Starts COMMAND under the default policy; prints seconds to "gave up" and the number of starts.
give_up_time() {
  local name=$1 wait=$2 pf="$work/$1.pid"; shift 2
  local t0 now
  t0=$(date +%s%N)
  "$TD" --pidfile "$pf" start --respawn --wait "$wait" -- "$@" >/dev/null 2>&1
  while :; do
    now=$(date +%s%N)
    "$TD" --pidfile "$pf" status 2>/dev/null | grep -q 'gave up' && break
    if [ $(((now - t0) / 1000000000)) -gt 120 ]; then break; fi
    sleep 0.2
  done
  echo "$(((now - t0) / 1000000)) $(wc -l <"$work/$name.runs")"
  "$TD" --pidfile "$pf" stop >/dev/null 2>&1
}

part_defaults() {
  local fails=0 a b ms starts
  give_up_time nostart 0 sh -c "echo >>'$work/nostart.runs'; exit 1" >"$work/a.out" &
  a=$!
  give_up_time dies 1 sh -c "echo >>'$work/dies.runs'; sleep 1.5; exit 1" >"$work/b.out" &
  b=$!
  wait $a $b
  for what in a:cannot-start b:dies-after-1.5s; do
    read -r ms starts <"$work/${what%%:*}.out"
    echo "  ${what#*:}: gave up after ${ms} ms and $starts starts"
    if [ "$ms" -gt 60000 ] || [ "$starts" -ge 13 ]; then fails=$((fails + 1)); fi
  done
  report crash-loop-defaults 2 "$fails"
}

part_restarts
part_mixed
part_kills
part_defaults
exit $status
