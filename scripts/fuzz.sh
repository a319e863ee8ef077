#!/usr/bin/env bash
# Builds every libFuzzer driver in fuzz/ into build-fuzz/ and runs each for SECONDS.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     SECONDS defaults to 60; 0 only replays
#                                             the seed corpus (a quick regression run)
#
# Drivers are fuzz/<target>.c, linked with every src/**/*.c except src/main.c
# (as the Makefile links the unit tests), all built with clang and
# -fsanitize=fuzzer,address,undefined. Each run starts from the seeds in
# fuzz/corpus/<target>/ (read only) and grows build-fuzz/corpus/<target>/;
# fuzz/<target>.dict is used when present. A crash, sanitizer report, leak,
# timeout (>10 s for one input) or out-of-memory (>2 GB) leaves the input in
# build-fuzz/artifacts/<target>/ and makes the script exit 1 after every
# target has run. Logs: build-fuzz/logs/<target>.log. No network is used
# unless clang or a library is missing and has to be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-60}
shift || true
case $SECONDS_PER_TARGET in
  ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

OUT=build-fuzz
PKGS="libmicrohttpd sqlite3 libsodium jansson libcurl vips"
CC=${FUZZ_CC:-clang}

# ---- toolchain: clang with its libFuzzer and sanitizer runtimes (Debian 12: clang-14) ----
have_toolchain() {
  command -v "$CC" >/dev/null &&
    echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' |
      "$CC" -x c -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null
}
if ! have_toolchain || ! pkg-config --exists $PKGS 2>/dev/null; then
  echo "fuzz: installing clang, libFuzzer and the build dependencies"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
  scripts/deps.sh
  have_toolchain || { echo "fuzz: $CC cannot build libFuzzer drivers" >&2; exit 1; }
fi

# ---- build ----
# The Makefile's flags, minus -D_FORTIFY_SOURCE (its __*_chk functions bypass
# ASan's interceptors) and with -Werror only on the drivers: clang warns about
# things gcc does not, and src/ is built with gcc everywhere else.
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
      -Wno-format-nonliteral -Wvla"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=c17 -O1 -g $WARN -fstack-protector-strong -D_GNU_SOURCE -Isrc $SAN
        $(pkg-config --cflags $PKGS)"
LDLIBS="$(pkg-config --libs $PKGS) -lpthread -lm"

mkdir -p "$OUT/obj"
objs=()
while IFS= read -r src; do
  obj="$OUT/obj/${src%.c}.o"
  objs+=("$obj")
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src -name '*.h' -newer "$obj" -print -quit)" ]; then
    mkdir -p "$(dirname "$obj")"
    echo "  CC      $src"
    $CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
  fi
done < <(find src -name '*.c' ! -path src/main.c | sort)

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/*.c; do t=${f#fuzz/}; targets+=("${t%.c}"); done
fi

for t in "${targets[@]}"; do
  [ -f "fuzz/$t.c" ] || { echo "fuzz: no driver fuzz/$t.c" >&2; exit 2; }
  echo "  FUZZ-LD $OUT/$t"
  # http_input's driver reads the response bodies the real server.c hands to libmicrohttpd.
  extra=""; [ "$t" = http_input ] && extra="-Wl,--wrap=MHD_create_response_from_buffer"
  $CC $CFLAGS -Werror -Ifuzz -fsanitize=fuzzer $extra -o "$OUT/$t" "fuzz/$t.c" "${objs[@]}" $LDLIBS
done

# ---- run ----
mkdir -p "$OUT/logs"
failed=()
for t in "${targets[@]}"; do
  seeds="fuzz/corpus/$t"; work="$OUT/corpus/$t"; art="$OUT/artifacts/$t"
  mkdir -p "$work" "$art" "$seeds"
  args=(-timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1
        -artifact_prefix="$art/")
  [ -f "fuzz/$t.dict" ] && args+=(-dict="fuzz/$t.dict")
  if [ "$SECONDS_PER_TARGET" -eq 0 ]; then
    args+=(-runs=0)  # replay the seeds and stop
  else
    args+=(-max_total_time="$SECONDS_PER_TARGET")
  fi
  log="$OUT/logs/$t.log"
  touch "$OUT/logs/$t.start"
  printf '  RUN     %-12s %ss ... ' "$t" "$SECONDS_PER_TARGET"
  if "$OUT/$t" "${args[@]}" "$work" "$seeds" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "ok (${execs:-?} runs, ${cov:-cov: ?}, corpus $(find "$work" -type f | wc -l) files)"
  else
    echo "FAILED — see $log"
    grep -m1 -E 'ERROR: |runtime error|broken promise|linli: fatal' "$log" | sed 's/^/            /' || true
    for a in $(find "$art" -type f -newer "$OUT/logs/$t.start" | head -3); do
      # artifacts are named by the SHA-1 of their bytes: say so when a kept reproducer fired
      known=$(sha1sum "$seeds"/* 2>/dev/null | awk -v h="${a##*-}" '$1 == h {print $2; exit}')
      echo "            artifact: $a${known:+ (same bytes as $known)}"
    done
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} target(s) ran clean"
