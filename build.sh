#!/usr/bin/env bash
# NatsKvConfig build entry point.
#
#   ./build.sh demo     run the quickstart against a local nats-server it starts (never the one NATS_URL names)
#   ./build.sh test     install what is missing (nats-server, chromium), build with warnings as errors, run every test project,
#                       and print one line: "N passed, N failed, N skipped"
#   ./build.sh build    build the solution (Release, warnings as errors)
#   ./build.sh pack     build the NuGet packages into artifacts/packages
#   ./build.sh bench    run the benchmarks (a few minutes) and write docs/benchmarks.md with its plots;
#                       --quick runs every scenario at tiny sizes into artifacts/bench (as CI does);
#                       --micro runs the BenchmarkDotNet micro benchmarks (reads, apply cost)
#   ./build.sh aot      publish samples/AotConsole with native AOT (installs clang if missing), fail on any trim or
#                       AOT warning (IL2xxx, IL3xxx), and run it against a local nats-server (started for you)
set -euo pipefail

cd "$(dirname "$0")"
ROOT="$(pwd)"
ARTIFACTS="$ROOT/artifacts"
CONFIGURATION="${CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ] && [ -x "${NATS_SERVER_BIN}" ]; then echo "$NATS_SERVER_BIN"; return 0; fi
  for candidate in "$(command -v nats-server 2>/dev/null || true)" /usr/sbin/nats-server /usr/local/bin/nats-server /usr/bin/nats-server; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

ensure_nats_server() {
  if [ -n "${NATS_URL:-}" ]; then
    log "NATS_URL is set ($NATS_URL): tests that only need a server use it; tests that restart servers still need nats-server"
  fi
  if path="$(find_nats_server)"; then
    log "nats-server: $path ($("$path" --version 2>/dev/null || echo unknown version))"
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "nats-server is missing: installing it with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >&2
    find_nats_server >/dev/null || die "apt-get installed nats-server but it is not on PATH"
    return 0
  fi
  die "nats-server is not installed. Install it with one of:
    sudo apt-get update && sudo apt-get install -y nats-server     (Debian/Ubuntu)
    brew install nats-server                                       (macOS)
    go install github.com/nats-io/nats-server/v2@latest
  or set NATS_SERVER_BIN to its path."
}

# The admin page's browser test drives Debian's Chromium (Playwright's own browsers need a download).
ensure_chromium() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ -x "$chromium" ]; then
    log "chromium: $chromium ($("$chromium" --version 2>/dev/null || echo unknown version))"
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "chromium is missing: installing it with apt-get (for the admin page's browser test)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    [ -x "$chromium" ] || die "apt-get installed chromium but $chromium is not there"
    return 0
  fi
  die "chromium is not installed (the admin page's browser test needs it). Install it with:
    sudo apt-get update && sudo apt-get install -y chromium      (Debian/Ubuntu)
  or set CHROMIUM_PATH to a Chromium or Chrome binary."
}

# Native AOT links with clang and zlib (Debian's packages; the ILCompiler itself comes from NuGet on restore).
ensure_aot_toolchain() {
  if command -v clang >/dev/null 2>&1 && [ -e /usr/include/zlib.h ]; then
    log "clang: $(command -v clang) ($(clang --version 2>/dev/null | head -n 1))"
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "clang or zlib1g-dev is missing: installing them with apt-get (for the native AOT publish)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >&2
    command -v clang >/dev/null 2>&1 || die "apt-get installed clang but it is not on PATH"
    return 0
  fi
  die "native AOT needs clang and zlib. Install them with:
    sudo apt-get update && sudo apt-get install -y clang zlib1g-dev      (Debian/Ubuntu)"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (10.0 or later) is not installed: see https://dot.net/download"
}

build() {
  ensure_dotnet
  log "building NatsKvConfig.sln ($CONFIGURATION, warnings as errors)"
  dotnet build "$ROOT/NatsKvConfig.sln" -c "$CONFIGURATION" -warnaserror -nologo -clp:ErrorsOnly >&2
}

# Sums the counters of every TRX file into "N passed, N failed, N skipped". The first argument is the
# number of test projects that produced no results (a crashed test host), each counted as one failure.
summarize() {
  local passed=0 failed="$1" skipped=0 file counters total executed p f
  shift
  for file in "$@"; do
    counters="$(grep -o '<Counters [^>]*>' "$file" | head -n 1)"
    total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
    executed="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${total:-0} - ${executed:-0}))
  done
  echo "$passed passed, $failed failed, $skipped skipped"
}

test_all() {
  ensure_dotnet
  ensure_nats_server
  ensure_chromium
  build
  local results="$ARTIFACTS/test-results"
  rm -rf "$results"
  mkdir -p "$results"
  local status=0 missing=0 project name trx_files=()
  for project in "$ROOT"/tests/*/*.csproj; do
    name="$(basename "$project" .csproj)"
    [[ "$name" == *.Benchmarks ]] && continue
    log "testing $name"
    if ! dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
        --results-directory "$results" --blame-hang-timeout 5m >&2; then
      status=1
    fi
    if [ -f "$results/$name.trx" ]; then
      trx_files+=("$results/$name.trx")
    else
      log "$name produced no results (did its test host crash?)"
      status=1
      missing=$((missing + 1))
    fi
  done
  summarize "$missing" "${trx_files[@]}"
  return "$status"
}

pack() {
  ensure_dotnet
  log "packing into $ARTIFACTS/packages"
  local project
  # What ships is under src/ (the library, the Testing package, the tool); samples and tests never pack.
  for project in "$ROOT"/src/*/*.csproj; do
    dotnet pack "$project" -c "$CONFIGURATION" -o "$ARTIFACTS/packages" -warnaserror -nologo -clp:ErrorsOnly >&2
  done
  ls "$ARTIFACTS/packages" >&2
}

bench() {
  ensure_dotnet
  ensure_nats_server
  local out="$ROOT/docs"
  if [ -n "${1:-}" ]; then out="$ARTIFACTS/bench"; fi
  if [ "${1:-}" = "--micro" ]; then
    log "running the BenchmarkDotNet micro benchmarks (results in artifacts/BenchmarkDotNet.Artifacts)"
    dotnet run --project "$ROOT/tests/NatsKvConfig.Benchmarks" -c Release -- --micro >&2
    return
  fi
  log "running the benchmarks ${1:-(full)} into $out"
  dotnet run --project "$ROOT/tests/NatsKvConfig.Benchmarks" -c Release -- ${1:-} --out "$out" >&2
}

# Publishes the AOT sample and runs it: the library, its host integration and the binder's generated code stay
# free of trim and AOT warnings, and the native binary loads a bucket and sees a live change.
aot() {
  ensure_dotnet
  ensure_nats_server
  ensure_aot_toolchain
  local out="$ARTIFACTS/aot" publish_log="$ARTIFACTS/aot-publish.log" started=$SECONDS
  rm -rf "$out"
  mkdir -p "$ARTIFACTS"
  log "publishing samples/AotConsole with PublishAot (a few minutes)"
  if ! dotnet publish "$ROOT/samples/AotConsole/AotConsole.csproj" -c Release -r linux-x64 -o "$out" -nologo >"$publish_log" 2>&1; then
    cat "$publish_log" >&2
    die "the AOT publish failed"
  fi
  if grep -E 'warning IL[23][0-9]{3}|error IL[23][0-9]{3}' "$publish_log" >&2; then
    die "the AOT publish reported trim or AOT warnings (above; the whole log is $publish_log)"
  fi
  log "published in $((SECONDS - started)) s: $(du -h "$out/AotConsole" | cut -f1) binary, no IL2xxx or IL3xxx warnings"

  local nats port store pid status=0
  nats="$(find_nats_server)"
  # A port nothing answers on.
  port=$((20000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 20000)); done
  store="$(mktemp -d)"
  "$nats" -js -a 127.0.0.1 -p "$port" -sd "$store" >"$store/nats-server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  log "running the AOT binary against nats-server on port $port"
  ConnectionStrings__nats="nats://127.0.0.1:$port" timeout 60 "$out/AotConsole" >&2 || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$store"
  [ "$status" = "0" ] || die "the AOT sample failed (exit code $status)"
  log "the AOT sample passed"
}

demo() {
  ensure_dotnet
  ensure_nats_server
  # Always on a nats-server of its own: the demo writes keys, and must never write them to the server NATS_URL names.
  log "running the quickstart with --demo on a nats-server it starts (NATS_URL is ignored)"
  env -u NATS_URL dotnet run --project "$ROOT/samples/Quickstart" -c "$CONFIGURATION" -- --demo
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  build) build ;;
  pack) pack ;;
  bench) shift; bench "$@" ;;
  aot) aot ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
