#!/usr/bin/env bash
# Speed benchmark of `ladderctl validate` against check-jsonschema and ajv-cli, plus `--help`
# start-up and peak memory. See benchmarks/README.md.
#
#   python benchmarks/generate.py --staff 10000 --out /tmp/dept
#   bash benchmarks/bench_validate.sh /tmp/dept
#
# With no argument (or a folder without bench-meta.json) it generates $STAFF staff records into
# $WORK/dept first. Everything it writes goes under $WORK (default /tmp/ladderctl-bench); the
# summary table is printed at the end and saved to $WORK/results/summary.md.
#
# Knobs (environment): RUNS (ladderctl/ajv runs, default 3), CJ_RUNS (check-jsonschema runs,
# default 3: ~3.5 min each here; 0 skips it), HELP_RUNS (default 30), PROFILE (1: add an
# in-process profile), SNAPSHOT (1: benchmark a clean install of the committed HEAD, made with
# `git archive` into $WORK, instead of the editable .venv whose src/ may be mid-edit), LADDERCTL
# and SCHEMA (what to benchmark), BENCH_VENV (check-jsonschema venv), AJV_DIR (npm prefix with
# ajv-cli), INSTALL (1: install missing tools: hyperfine via apt-get, check-jsonschema via pip,
# ajv-cli via npm), QUIET_WAIT (before every timed run, wait up to this many seconds for the
# CPUs to be >= 85% idle - see wait_idle.py; default 90, 0 disables), ONLY (run only some parts:
# any of "ladderctl check-jsonschema ajv help memory profile"; default all. Results of parts not
# run are kept from the previous run in $RESULTS, and the summary says when each was measured).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="${WORK:-/tmp/ladderctl-bench}"
RESULTS="$WORK/results"
STAFF="${STAFF:-10000}"
RUNS="${RUNS:-3}"
CJ_RUNS="${CJ_RUNS:-3}"
HELP_RUNS="${HELP_RUNS:-30}"
PROFILE="${PROFILE:-1}"
QUIET_WAIT="${QUIET_WAIT:-90}"
ONLY="${ONLY:-all}"
INSTALL="${INSTALL:-1}"
SNAPSHOT="${SNAPSHOT:-0}"
BENCH_VENV="${BENCH_VENV:-/tmp/bench-venv}"
AJV_DIR="${AJV_DIR:-/tmp/ajv}"
DEPT="${1:-$WORK/dept}"

mkdir -p "$RESULTS"
log() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
git_ro() { git -C "$ROOT" --no-optional-locks "$@"; }  # read-only git: never touches the index
want() { case " $ONLY " in *" all "* | *" $1 "*) return 0 ;; esac; return 1; }

if [ "$SNAPSHOT" = 1 ]; then
  SHA="$(git_ro rev-parse --short HEAD)"
  SNAP="$WORK/snap-$SHA"
  if [ ! -x "$SNAP/venv/bin/ladderctl" ]; then
    log "installing a clean snapshot of HEAD ($SHA) into $SNAP"
    rm -rf "$SNAP" && mkdir -p "$SNAP/src"
    git_ro archive --format=tar HEAD | tar -x -C "$SNAP/src"
    "$ROOT/.venv/bin/pip" freeze 2>/dev/null | grep -viE '^(-e |ladderctl)' > "$SNAP/constraints.txt" || true
    python3 -m venv "$SNAP/venv"
    "$SNAP/venv/bin/pip" install -q -c "$SNAP/constraints.txt" "$SNAP/src"
  fi
  LADDERCTL="$SNAP/venv/bin/ladderctl"
  SCHEMA="$SNAP/src/schemas/staff-record.schema.json"
  CODE="commit $SHA (clean snapshot, non-editable install)"
else
  LADDERCTL="${LADDERCTL:-$ROOT/.venv/bin/ladderctl}"
  SCHEMA="${SCHEMA:-$ROOT/schemas/staff-record.schema.json}"
  DIRTY="$(git_ro status --porcelain -- src schemas 2>/dev/null | wc -l || echo '?')"
  CODE="${CODE:-commit $(git_ro rev-parse --short HEAD 2>/dev/null || echo '?') + $DIRTY uncommitted change(s) in src/ and schemas/ ($LADDERCTL)}"
fi
PY="${PY:-$(dirname "$LADDERCTL")/python}"

# ---------------------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null && [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ]; then
  log "installing hyperfine (apt-get)"
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null || true
fi
if [ ! -x "$BENCH_VENV/bin/check-jsonschema" ] && [ "$INSTALL" = 1 ]; then
  log "installing check-jsonschema into $BENCH_VENV"
  python3 -m venv "$BENCH_VENV" && "$BENCH_VENV/bin/pip" install -q check-jsonschema
fi
if [ ! -x "$AJV_DIR/node_modules/.bin/ajv" ] && [ "$INSTALL" = 1 ] && command -v npm >/dev/null; then
  log "installing ajv-cli and ajv-formats into $AJV_DIR"
  mkdir -p "$AJV_DIR" && (cd "$AJV_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --silent ajv-cli ajv-formats)
fi
CJ="$BENCH_VENV/bin/check-jsonschema"
AJV="$AJV_DIR/node_modules/.bin/ajv"
[ -x "$LADDERCTL" ] || die "no ladderctl at $LADDERCTL"

# bench NAME RUNS IGNORE_FAILURE COMMAND: wall time of COMMAND (run by sh in the current folder),
# best of RUNS after $WARMUP warm-up runs (default 1); writes $RESULTS/NAME.json {min, mean, max}.
bench() {
  local name="$1" runs="$2" ignore="$3" cmd="$4" warmup="${WARMUP:-1}"
  log "$name: $cmd  (best of $runs, $warmup warm-up)"
  echo "$CODE" > "$RESULTS/$name.code"
  if command -v hyperfine >/dev/null; then
    local flags=(--warmup "$warmup" --runs "$runs" --export-json "$RESULTS/$name.hyperfine.json" --style basic)
    [ "$ignore" = 1 ] && flags+=(-i)
    [ "$QUIET_WAIT" != 0 ] && flags+=(--prepare "python3 '$HERE/wait_idle.py' --timeout $QUIET_WAIT || true")
    hyperfine "${flags[@]}" "$cmd" >&2
    "$PY" - "$RESULTS/$name.hyperfine.json" "$RESULTS/$name.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
json.dump({"min": r["min"], "mean": r["mean"], "median": r["median"], "max": r["max"], "runs": len(r["times"]),
           "cpu_mean": r["user"] + r["system"], "times": r["times"], "tool": "hyperfine"},
          open(sys.argv[2], "w"))
EOF
  else
    "$PY" - "$runs" "$ignore" "$cmd" "$RESULTS/$name.json" "$warmup" "$QUIET_WAIT" "$HERE" <<'EOF'
import json, resource, subprocess, sys, time
runs, ignore, cmd, out = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3], sys.argv[4]
warmup, quiet, here = int(sys.argv[5]), sys.argv[6], sys.argv[7]
times, cpu = [], []
for i in range(runs + warmup):
    if quiet != "0":
        subprocess.run([sys.executable, f"{here}/wait_idle.py", "--timeout", quiet])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    took = time.perf_counter() - start
    if code and not ignore:
        sys.exit(f"command failed with exit code {code}: {cmd}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if i >= warmup:
        times.append(took)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        print(f"  run {i - warmup + 1}: {took:.3f} s", file=sys.stderr)
json.dump({"min": min(times), "mean": sum(times) / len(times), "max": max(times),
           "median": sorted(times)[len(times) // 2],
           "runs": runs, "cpu_mean": sum(cpu) / len(cpu), "times": times, "tool": "python loop"},
          open(out, "w"))
EOF
  fi
}

# ---------------------------------------------------------------------------- data
if [ ! -f "$DEPT/bench-meta.json" ]; then
  log "generating $STAFF staff records into $DEPT"
  "$PY" "$HERE/generate.py" --staff "$STAFF" --out "$DEPT"
fi
DEPT="$(cd "$DEPT" && pwd)"
AS_OF="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["asOf"])' "$DEPT/bench-meta.json")"
N_STAFF="$(find "$DEPT/staff" -name '*.yaml' | wc -l)"

log "checking that the department is valid (ladderctl validate --format json)"
"$LADDERCTL" validate "$DEPT" --as-of "$AS_OF" --format json > "$RESULTS/validate-full.json" || true
read -r FILES ERRORS WARNINGS < <("$PY" -c '
import json, sys; r = json.load(open(sys.argv[1])); print(r["files"], r["errors"], r["warnings"])' \
  "$RESULTS/validate-full.json")
echo "files=$FILES errors=$ERRORS warnings=$WARNINGS" >&2
[ "$ERRORS" = 0 ] || die "the generated department has $ERRORS errors: see $RESULTS/validate-full.json"

# Staff-only repo for the one-schema comparison: the staff files plus what they refer to.
STAFF_ONLY="$WORK/staff-only"
rm -rf "$STAFF_ONLY" && mkdir -p "$STAFF_ONLY"
cp -al "$DEPT/staff" "$STAFF_ONLY/staff" 2>/dev/null || cp -r "$DEPT/staff" "$STAFF_ONLY/staff"
cp -r "$DEPT/ladders" "$STAFF_ONLY/ladders"
cp "$DEPT/catalog.yaml" "$STAFF_ONLY/catalog.yaml"
"$LADDERCTL" validate "$STAFF_ONLY" --as-of "$AS_OF" --format json > "$RESULTS/validate-staff-only.json" || true
read -r SO_FILES SO_ERRORS SO_WARNINGS < <("$PY" -c '
import json, sys; r = json.load(open(sys.argv[1])); print(r["files"], r["errors"], r["warnings"])' \
  "$RESULTS/validate-staff-only.json")
[ "$SO_ERRORS" = 0 ] || die "staff-only repo has $SO_ERRORS errors"

# JSON copies of the staff files for ajv-cli (made once, not timed), read with ladderctl's own
# loader so the data is exactly what ladderctl validates.
STAFF_JSON="$WORK/staff-json"
rm -rf "$STAFF_JSON" && mkdir -p "$STAFF_JSON"
"$PY" - "$DEPT/staff" "$STAFF_JSON" <<'EOF'
import json, sys
from pathlib import Path
from ladderctl.loading import load_file
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
for f in sorted(src.glob("*.yaml")):
    (dst / (f.stem + ".json")).write_text(json.dumps(load_file(f).data), encoding="utf-8")
EOF

# ---------------------------------------------------------------------------- timings
if want ladderctl; then
  cd "$DEPT"
  bench ladderctl-full "$RUNS" 0 "'$LADDERCTL' validate '$DEPT' --as-of $AS_OF"
  cd "$STAFF_ONLY"
  bench ladderctl-staff-only "$RUNS" 0 "'$LADDERCTL' validate '$STAFF_ONLY' --as-of $AS_OF"
fi
cd "$STAFF_ONLY"

ARGMAX="$(getconf ARG_MAX)"
if want check-jsonschema && [ -x "$CJ" ] && [ "$CJ_RUNS" -gt 0 ]; then
  "$CJ" --version > "$RESULTS/check-jsonschema.version" 2>&1 || true
  # One process over every staff path, as a user would run it, when the paths fit in one argv
  # (~300 KB for 10,000 files); otherwise xargs splits the list (and adds start-ups: noted).
  ARGV_BYTES="$(cd "$STAFF_ONLY" && printf '%s\0' staff/*.yaml | wc -c)"
  if [ "$ARGV_BYTES" -lt $((ARGMAX / 2)) ]; then
    CJ_CMD="'$CJ' --schemafile '$SCHEMA' staff/*.yaml"
  else
    CJ_CMD="find staff -name '*.yaml' -print0 | xargs -0 '$CJ' --schemafile '$SCHEMA'"
    echo "check-jsonschema: argv too long ($ARGV_BYTES bytes), using xargs" >&2
  fi
  echo "$CJ_CMD" > "$RESULTS/check-jsonschema.cmd"
  log "check-jsonschema: checking the result (this run is also the warm-up)"
  sh -c "$CJ_CMD" > "$RESULTS/check-jsonschema.out" 2>&1 \
    || die "check-jsonschema reported problems: $RESULTS/check-jsonschema.out"
  WARMUP=0 bench check-jsonschema "$CJ_RUNS" 0 "$CJ_CMD"
fi

if want ajv && [ -x "$AJV" ]; then
  "$AJV" help >/dev/null 2>&1 || true
  node -e "console.log(require('$AJV_DIR/node_modules/ajv-cli/package.json').version)" \
    > "$RESULTS/ajv-cli.version" 2>/dev/null || true
  # 1. ajv-cli straight on the YAML files (js-yaml default schema: dates become Date objects).
  "$AJV" validate --spec=draft2020 -c ajv-formats --strict=false -s "$SCHEMA" -d "staff/*.yaml" \
    > "$RESULTS/ajv-yaml.out" 2>&1 || true
  AJV_YAML_INVALID="$(grep -c ' invalid$' "$RESULTS/ajv-yaml.out" || true)"
  AJV_YAML_VALID="$(grep -c ' valid$' "$RESULTS/ajv-yaml.out" || true)"
  echo "ajv-cli on the YAML files: $AJV_YAML_VALID valid, $AJV_YAML_INVALID invalid" >&2
  bench ajv-cli-yaml "$RUNS" 1 "'$AJV' validate --spec=draft2020 -c ajv-formats --strict=false -s '$SCHEMA' -d 'staff/*.yaml'"
  # 2. ajv-cli on JSON copies of the same records: all valid.
  cd "$WORK"
  "$AJV" validate --spec=draft2020 -c ajv-formats --strict=false -s "$SCHEMA" -d "staff-json/*.json" \
    > "$RESULTS/ajv-json.out" 2>&1 || die "ajv-cli rejected the JSON copies: $RESULTS/ajv-json.out"
  AJV_JSON_VALID="$(grep -c ' valid$' "$RESULTS/ajv-json.out" || true)"
  echo "ajv-cli on the JSON copies: $AJV_JSON_VALID valid" >&2
  bench ajv-cli-json "$RUNS" 0 "'$AJV' validate --spec=draft2020 -c ajv-formats --strict=false -s '$SCHEMA' -d 'staff-json/*.json'"
  # 3. Ajv + js-yaml CORE schema in one node process, on the YAML files: all valid.
  AJV_DIR="$AJV_DIR" node "$HERE/ajv_yaml.js" "$SCHEMA" "$DEPT/staff" > "$RESULTS/ajv-node-yaml.out" 2>&1 \
    || die "ajv (js-yaml core schema) rejected files: $RESULTS/ajv-node-yaml.out"
  bench ajv-node-yaml "$RUNS" 0 "AJV_DIR='$AJV_DIR' node '$HERE/ajv_yaml.js' '$SCHEMA' '$DEPT/staff'"
fi

cd "$WORK"
if want help; then
log "ladderctl --help start-up"
echo "$CODE" > "$RESULTS/help.code"
if command -v hyperfine >/dev/null; then
  python3 "$HERE/wait_idle.py" --timeout "$QUIET_WAIT" || true
  hyperfine -N --warmup 3 --runs "$HELP_RUNS" --export-json "$RESULTS/help.hyperfine.json" \
    --style basic "$LADDERCTL --help" >&2
  "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
json.dump({"min": r["min"], "mean": r["mean"], "median": r["median"], "max": r["max"],
           "runs": len(r["times"]), "cpu_mean": r["user"] + r["system"]}, open(sys.argv[2], "w"))' "$RESULTS/help.hyperfine.json" "$RESULTS/help.json"
else
  bench help "$HELP_RUNS" 0 "'$LADDERCTL' --help"
fi
"$PY" -X importtime "$LADDERCTL" --help > /dev/null 2> "$RESULTS/importtime.log"
{ echo "cumulative_us self_us module"; grep '^import time:' "$RESULTS/importtime.log" | tail -n +2 \
  | awk -F'|' '{gsub(/import time: */,"",$1); print $2+0, $1+0, $3}' | sort -rn | head -20; } \
  > "$RESULTS/importtime-top.txt"
cat "$RESULTS/importtime-top.txt" >&2
fi

if want memory; then
  log "peak memory of ladderctl validate (full department)"
  echo "$CODE" > "$RESULTS/peak-rss.code"
  /usr/bin/time -v "$LADDERCTL" validate "$DEPT" --as-of "$AS_OF" > /dev/null 2> "$RESULTS/time-v.txt" || true
  "$PY" "$HERE/peak_rss.py" -- "$LADDERCTL" validate "$DEPT" --as-of "$AS_OF" > "$RESULTS/peak-rss.json"
  cat "$RESULTS/peak-rss.json" >&2
fi
MAXRSS_KIB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS/time-v.txt" 2>/dev/null || echo 0)"

if [ "$PROFILE" = 1 ] && want profile; then
  log "in-process profile (benchmarks/profile_validate.py)"
  "$PY" "$HERE/profile_validate.py" "$DEPT" --as-of "$AS_OF" > "$RESULTS/profile.txt" 2>&1 || true
  sed -n '1,30p' "$RESULTS/profile.txt" >&2
fi

# ---------------------------------------------------------------------------- summary
export RESULTS PY N_STAFF FILES WARNINGS SO_FILES AS_OF MAXRSS_KIB CODE
"$PY" - <<'EOF' > "$RESULTS/summary.md"
import json, os, platform, subprocess
from pathlib import Path
E = os.environ
res = Path(E["RESULTS"])
def load(name):
    p = res / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
py = subprocess.run([E["PY"], "-c", "import sys; print(sys.version.split()[0])"],
                    capture_output=True, text=True).stdout.strip()
print(f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
      f"Python {py}; load average at the end {os.getloadavg()[0]:.2f}")
codes = {}
for p in sorted(res.glob("*.code")):
    codes.setdefault(p.read_text().strip(), []).append(p.stem)
if len(codes) == 1:
    print(f"Code: {next(iter(codes))}")
else:
    for code, names in codes.items():
        print(f"Code for {', '.join(names)}: {code}")
print(f"Data: {E['N_STAFF']} staff records; full department {E['FILES']} files, 0 errors, "
      f"{E['WARNINGS']} warnings (as of {E['AS_OF']}); staff-only repo {E['SO_FILES']} files "
      "(staff + catalog + ladders)")
print()
full, so = load("ladderctl-full"), load("ladderctl-staff-only")
cj, ay = load("check-jsonschema"), load("ajv-cli-yaml")
aj, an = load("ajv-cli-json"), load("ajv-node-yaml")
help_ = load("help")
peak = json.loads((res / "peak-rss.json").read_text())
def ratio(r):
    return f"{r['min'] / so['min']:.2f}" if r and so else ""
import time as _t
def when(name):
    p = res / f"{name}.json"
    return _t.strftime("%H:%M", _t.localtime(p.stat().st_mtime)) if p.exists() else ""
print("| measurement | wall, best | wall, mean | CPU user+sys, mean | runs | best wall / ladderctl staff-only | finished at |")
print("|---|---|---|---|---|---|---|")
def row(label, r, name):
    if r:
        print(f"| {label} | {r['min']:.2f} s | {r['mean']:.2f} s | {r['cpu_mean']:.2f} s | {r['runs']} | {ratio(r)} | {when(name)} |")
row(f"ladderctl validate, full department ({E['FILES']} files)", full, "ladderctl-full")
row(f"ladderctl validate, staff-only repo ({E['SO_FILES']} files)", so, "ladderctl-staff-only")
row(f"check-jsonschema, {E['N_STAFF']} staff files", cj, "check-jsonschema")
def count(name, word):
    p = res / name
    return sum(1 for l in p.read_text().splitlines() if l.endswith(" " + word)) if p.exists() else "?"
row(f"ajv-cli, JSON copies of the staff files ({count('ajv-json.out', 'valid')} valid)", aj, "ajv-cli-json")
row("ajv + js-yaml (core schema) in one node process, staff YAML (all valid)", an, "ajv-node-yaml")
row(f"ajv-cli, staff YAML as-is ({count('ajv-yaml.out', 'invalid')} reported invalid: dates read as Date)", ay, "ajv-cli-yaml")
if help_:
    print(f"| ladderctl --help | {help_['min']:.3f} s | {help_['mean']:.3f} s | {help_['cpu_mean']:.3f} s | {help_['runs']} | | {when('help')} |")
mem_at = _t.strftime("%H:%M", _t.localtime((res / "peak-rss.json").stat().st_mtime))
print(f"| peak RSS, validate full, largest process (/usr/bin/time -v) | {int(E['MAXRSS_KIB']) / 1024:.0f} MiB | | | 1 | | {mem_at} |")
print(f"| peak RSS, validate full, summed over {peak['max_processes']} processes (sampled) "
      f"| {peak['peak_tree_kib'] / 1024:.0f} MiB | | | 1 | | {mem_at} |")
print()
def verdict(ok):
    return "MET" if ok else "NOT MET"
if full and so:
    print(f"- validate {E['N_STAFF']} staff (target: 10,000) under 3 s wall: {verdict(full['min'] < 3)} "
          f"({full['min']:.2f} s full department, {so['min']:.2f} s staff-only)")
if cj and so:
    print(f"- at least 5x faster than check-jsonschema: {verdict(cj['min'] / so['min'] >= 5)} "
          f"({cj['min'] / so['min']:.1f}x)")
valid_ajv = [r for r in (aj, an) if r]
if valid_ajv and so:
    best = min(valid_ajv, key=lambda r: r["min"])
    print(f"- stretch, as fast as ajv: {verdict(so['min'] <= best['min'])} "
          f"(fastest valid ajv run {best['min']:.2f} s; ladderctl staff-only {so['min']:.2f} s)")
if help_:
    print(f"- --help under 0.25 s: best run {verdict(help_['min'] < 0.25)} ({help_['min']:.3f} s), "
          f"median {verdict(help_['median'] < 0.25)} ({help_['median']:.3f} s), "
          f"mean {verdict(help_['mean'] < 0.25)} ({help_['mean']:.3f} s)")
EOF
log "summary ($RESULTS/summary.md)"
cat "$RESULTS/summary.md"
