#!/usr/bin/env bash
#
# bench/run.sh — `make bench`: measures linli against the machine's own HTTP ceiling
# (nginx returning 2 KB from memory) in the same run, and writes the figures into
# docs/performance.md between the bench markers. Raw wrk outputs go to bench/out/.
#
# Everything runs on loopback. Every process the script starts (nginx, linli) is
# stopped on exit, also on failure; every loop and every wrk/curl call is bounded.
#
# Settings (environment):
#   BENCH_SECONDS=10          seconds per wrk run
#   BENCH_CONNECTIONS=32      wrk connections       BENCH_THREADS=2  wrk threads
#   BENCH_CODE_LOGINS=200     numbers in the code sign-in loop (send code, read outbox, sign in)
#   BENCH_PROFILE=0           1: also perf-record linli under load after the measured runs (/healthz with
#                             the access log, /api/v1/policy and /api/v1/me without): bench/out/<run>/perf-*.txt;
#                             not used for the figures
#   BENCH_PARTS=all           all, foundation (the runs above) or listings (bench/listings.sh: the 1M-listing
#                             dataset, search, detail, nearby and posting; its settings are described there:
#                             BENCH_LISTINGS=1000000, BENCH_USERS=5000, BENCH_POST_SECONDS)
#   BENCH_DOC=docs/performance.md    LINLI_BIN=build/linli
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
WTHREADS=${BENCH_THREADS:-2}
CODE_LOGINS=${BENCH_CODE_LOGINS:-200}
PROFILE=${BENCH_PROFILE:-0}
PARTS=${BENCH_PARTS:-all}
DOC=${BENCH_DOC:-docs/performance.md}
BIN=${LINLI_BIN:-build/linli}
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=bench/out/$STAMP
PHONE=13800138000
PASSWORD=bench-password-2026
BEGIN_MARK='<!-- bench:results:begin -->'
END_MARK='<!-- bench:results:end -->'

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 && $SECS -le 600 ]] || die "BENCH_SECONDS must be 1..600"
[[ $PARTS == all || $PARTS == foundation || $PARTS == listings ]] || die "BENCH_PARTS must be all, foundation or listings"
[[ $CODE_LOGINS =~ ^[0-9]+$ && $CODE_LOGINS -le 1000 ]] || die "BENCH_CODE_LOGINS must be 0..1000"
[[ -x $BIN ]] || die "$BIN missing: run make all"

# ---- 1. tools (idempotent) ----------------------------------------------------------------
install_missing() {
    local want=() sudo=""
    command -v wrk >/dev/null || want+=(wrk)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || want+=(nginx-light)
    command -v curl >/dev/null || want+=(curl)
    command -v jq >/dev/null || want+=(jq)
    [[ ${#want[@]} -eq 0 ]] && return 0
    say "installing ${want[*]}"
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
}
install_missing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---- process bookkeeping --------------------------------------------------------------------
TMP=$(mktemp -d /tmp/linli-bench.XXXXXX)
PIDS=()
stop_pid() { # stop one process this script started: TERM, wait up to 5 s, then KILL
    local p=$1 i
    kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null || true; return 0; }
    kill -TERM "$p" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null || true
}
cleanup() {
    local p
    for p in "${PIDS[@]}"; do stop_pid "$p"; done
    PIDS=()
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget_pid() { local p keep=(); for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }

port_in_use() { # a listening socket on this port in /proc/net/tcp{,6}
    local hex; hex=$(printf ':%04X' "$1")
    awk -v h="$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
free_port() { # below the ephemeral range, so wrk's own client ports never collide
    local i p
    for i in $(seq 1 100); do
        p=$((10000 + RANDOM % 20000))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    die "no free loopback port"
}
wait_http() { # $1 url; up to 10 s
    local i
    for i in $(seq 1 100); do
        curl -fsS --max-time 1 -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
wait_idle() { # until the process uses < 10 % of a CPU over 0.5 s; up to 60 s
    local i a b
    for i in $(seq 1 120); do
        a=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
        sleep 0.5
        b=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
        [[ $((b - a)) -lt $(($(getconf CLK_TCK) / 20)) ]] && return 0
    done
    say "warning: pid $1 still busy"
}
kib() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$2/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# ---- wrk and its output ---------------------------------------------------------------------
# run_wrk NAME URL [extra wrk args...]: raw output to $OUT/NAME.txt
run_wrk() {
    local name=$1 url=$2; shift 2
    say "wrk $name (${SECS}s)"
    timeout $((SECS + 60)) wrk -t"$WTHREADS" -c"$CONNS" -d"${SECS}s" --latency "$@" "$url" >"$OUT/$name.txt" 2>&1 ||
        die "wrk $name failed: $(tail -3 "$OUT/$name.txt")"
    grep -q '^Requests/sec:' "$OUT/$name.txt" || die "wrk $name: no result"
}
rps() { awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$OUT/$1.txt"; }
pct_ms() { # wrk prints 420.00us / 1.72ms / 2.01s
    awk -v p="$2%" '$1 == p { v = $2; n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.2f ms", n }' "$OUT/$1.txt"
}
ok_rps() { # 2xx responses per second: wrk's "N requests in Ts" less its non-2xx count
    awk '/requests in/ { n = $1; t = $4; sub(/s,?$/, "", t) } /Non-2xx or 3xx responses:/ { b += $NF }
         END { if (t > 0) printf "%.1f", (n - b) / t }' "$OUT/$1.txt"
}
bad() { # non-2xx responses and socket errors, or nothing
    awk '/Non-2xx or 3xx responses:/ { n += $NF }
         /Socket errors:/ { gsub(/,/, ""); e = $4 + $6 + $8 + $10 }
         END { s = ""; if (n) s = n " non-2xx"; if (e) s = s (s ? ", " : "") e " socket errors"; printf "%s", s }' "$OUT/$1.txt"
}

mkdir -p "$OUT"
say "raw outputs in $OUT"
# a private copy: the build folder may be rebuilt while the benchmark runs, and perf needs the binary later
cp "$BIN" "$OUT/linli"
BIN=$OUT/linli
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 2. the ceiling: nginx, 2 KB from memory ----------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx"
BODY=$(head -c 2048 /dev/zero | tr '\0' 'x')
temp_paths=""
NGINX_V=$("$NGINX" -V 2>&1)
for m in proxy fastcgi uwsgi scgi; do
    [[ $NGINX_V == *"--without-http_${m}_module"* ]] || temp_paths+="    ${m}_temp_path $TMP/nginx/$m;"$'\n'
done
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/body;
$temp_paths    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { default_type text/plain; return 200 "$BODY"; }
    }
}
EOF
start_nginx() {
    "$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' \
        >"$OUT/nginx.stderr" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    wait_http "http://127.0.0.1:$NGINX_PORT/" || die "nginx did not start: $(cat "$OUT/nginx.stderr" "$TMP/nginx/error.log" 2>/dev/null)"
}
stop_nginx() { stop_pid "$NGINX_PID"; forget_pid "$NGINX_PID"; }

start_nginx # stays up, idle, between its two runs

# ---- 3. linli -----------------------------------------------------------------------------
# Two instances, each on its own temporary data folder: the default (access log on) and access_log = false.
# Raised SMS limits so the sign-in runs are not refused; they touch only the sms-code route.
for v in log nolog; do
    mkdir -p "$TMP/data-$v"
    cat >"$TMP/linli-$v.conf" <<EOF
access_log = $([[ $v == log ]] && echo true || echo false)
sms_interval_s = 0
sms_per_number_day = 1000
sms_per_ip_hour = 100000
EOF
done
declare -A PORT PID
start_linli() { # $1 variant
    PORT[$1]=$(free_port)
    "$BIN" serve --data "$TMP/data-$1" --listen "127.0.0.1:${PORT[$1]}" --config "$TMP/linli-$1.conf" \
        2>"$OUT/linli-$1.stderr" &
    PID[$1]=$!
    PIDS+=("${PID[$1]}")
    wait_http "http://127.0.0.1:${PORT[$1]}/healthz" || die "linli ($1) did not start: $(cat "$OUT/linli-$1.stderr")"
}

api() { # api VARIANT METHOD PATH [JSON] [TOKEN]: body in $TMP/resp, status in $STATUS (not inside $(...))
    local args=(-sS --max-time 30 -o "$TMP/resp" -w '%{http_code}' -X "$2" "http://127.0.0.1:${PORT[$1]}$3")
    [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
    [[ -n ${5:-} ]] && args+=(-H "Authorization: Bearer $5")
    STATUS=$(curl "${args[@]}") || STATUS=000
}
last_code() { # VARIANT PHONE PURPOSE: the newest code sent, from that instance's outbox
    tail -n 20 "$TMP/data-$1/sms-outbox.jsonl" | jq -r --arg p "$2" --arg u "$3" \
        'select((.phone | endswith($p)) and .purpose == $u) | .code' | tail -n 1
}
send_code() { # VARIANT PHONE PURPOSE
    api "$1" POST /api/v1/auth/sms-code "{\"phone\":\"$2\",\"purpose\":\"$3\"}"
    [[ $STATUS == 202 ]] || die "sms-code for $2 ($3): HTTP $STATUS $(cat "$TMP/resp")"
    last_code "$1" "$2" "$3"
}

declare -A TOKEN RSS_IDLE HWM_READS
if [[ $PARTS == listings ]]; then # only the listings benchmark (bench/listings.sh)
    stop_nginx
    # shellcheck source=bench/listings.sh
    source bench/listings.sh
    exit 0
fi
for v in log nolog; do
    start_linli "$v"
    RSS_IDLE[$v]=$(kib VmRSS "${PID[$v]}")
    # a user: code sign-in, accepting policy version 1
    code=$(send_code "$v" "$PHONE" login)
    api "$v" POST /api/v1/auth/login "{\"phone\":\"$PHONE\",\"code\":\"$code\",\"accept_policy_version\":1}"
    [[ $STATUS == 200 ]] || die "login: HTTP $STATUS $(cat "$TMP/resp")"
    TOKEN[$v]=$(jq -r .token "$TMP/resp")
    for path in /healthz /api/v1/policy; do
        api "$v" GET "$path"; [[ $STATUS == 200 ]] || die "GET $path: HTTP $STATUS"
    done
    api "$v" GET /api/v1/me "" "${TOKEN[$v]}"; [[ $STATUS == 200 ]] || die "GET /api/v1/me: HTTP $STATUS"
done

# The GET runs, log on and off side by side, between two ceiling runs: the mean of those is the divisor.
run_wrk nginx-before "http://127.0.0.1:$NGINX_PORT/"
for v in log nolog; do run_wrk "healthz-$v" "http://127.0.0.1:${PORT[$v]}/healthz"; done
for v in log nolog; do run_wrk "policy-$v" "http://127.0.0.1:${PORT[$v]}/api/v1/policy"; done
for v in log nolog; do
    run_wrk "me-$v" "http://127.0.0.1:${PORT[$v]}/api/v1/me" -H "Authorization: Bearer ${TOKEN[$v]}"
done
run_wrk nginx-after "http://127.0.0.1:$NGINX_PORT/"
for v in log nolog; do HWM_READS[$v]=$(kib VmHWM "${PID[$v]}"); done

# Sign-ins, on the default instance. First a password for its user (after the GET runs, whose memory
# peak would otherwise include this Argon2id hash).
BASE=http://127.0.0.1:${PORT[log]}
code=$(send_code log "$PHONE" password)
api log PUT /api/v1/me/password "{\"password\":\"$PASSWORD\",\"code\":\"$code\"}" "${TOKEN[log]}"
[[ $STATUS == 200 ]] || die "set password: HTTP $STATUS $(cat "$TMP/resp")"

# password sign-in: every request is one Argon2id verification plus a session insert (one commit)
cat >"$OUT/login-password.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"phone":"$PHONE","password":"$PASSWORD","accept_policy_version":1}'
EOF
run_wrk login-password "$BASE/api/v1/auth/login" -s "$OUT/login-password.lua" --timeout 30s
wait_idle "${PID[log]}" # sign-ins queued when wrk stopped are still being hashed

# code sign-in loop: one client, one number after another: send code, read the outbox, sign in (new account)
CODE_RATE="" CODE_WALL="" CODE_SEND_P50="" CODE_SEND_P99="" CODE_LOGIN_P50="" CODE_LOGIN_P99=""
if [[ $CODE_LOGINS -gt 0 ]]; then
    say "code sign-in loop over $CODE_LOGINS numbers"
    : >"$OUT/login-code-times.txt"
    t0=$(date +%s.%N)
    for i in $(seq 1 "$CODE_LOGINS"); do
        phone=$(printf '1390000%04d' "$i")
        t_send=$(curl -sS --max-time 30 -o "$TMP/resp" -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/auth/sms-code" \
            -H 'Content-Type: application/json' --data-binary "{\"phone\":\"$phone\"}")
        [[ ${t_send%% *} == 202 ]] || die "code loop: sms-code $phone: $t_send $(cat "$TMP/resp")"
        code=$(last_code log "$phone" login)
        t_login=$(curl -sS --max-time 30 -o "$TMP/resp" -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/auth/login" \
            -H 'Content-Type: application/json' \
            --data-binary "{\"phone\":\"$phone\",\"code\":\"$code\",\"accept_policy_version\":1}")
        [[ ${t_login%% *} == 200 ]] || die "code loop: login $phone: $t_login $(cat "$TMP/resp")"
        echo "${t_send#* } ${t_login#* }" >>"$OUT/login-code-times.txt"
    done
    t1=$(date +%s.%N)
    CODE_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    CODE_RATE=$(awk -v n="$CODE_LOGINS" -v w="$CODE_WALL" 'BEGIN { printf "%.1f", n / w }')
    # col_pct COLUMN PERCENT: a percentile of the times file (column 1 sms-code, 2 login), in ms
    col_pct() { sort -g -k"$1","$1" "$OUT/login-code-times.txt" | awk -v c="$1" -v p="$2" '{ v[NR] = $c }
        END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.2f ms", v[i] * 1000 }'; }
    CODE_SEND_P50=$(col_pct 1 50) CODE_SEND_P99=$(col_pct 1 99)
    CODE_LOGIN_P50=$(col_pct 2 50) CODE_LOGIN_P99=$(col_pct 2 99)
fi
HWM_END_LOG=$(kib VmHWM "${PID[log]}")
THREADS_LINLI=$(kib Threads "${PID[log]}")

# profile VARIANT NAME PATH [wrk args]: perf record linli under load; not used for the figures
profile() {
    local v=$1 name=$2 path=$3 wrk_pid; shift 3
    say "profiling $name (not part of the figures)"
    timeout $((SECS + 60)) wrk -t"$WTHREADS" -c"$CONNS" -d"$((SECS + 2))s" "$@" "http://127.0.0.1:${PORT[$v]}$path" \
        >"$OUT/$name-profiled.txt" 2>&1 &
    wrk_pid=$!
    PIDS+=("$wrk_pid")
    sleep 1
    timeout $((SECS + 60)) perf record --call-graph dwarf,16384 -F 499 -o "$OUT/perf-$name.data" -p "${PID[$v]}" \
        -- sleep "$SECS" >/dev/null 2>&1 || say "perf record failed"
    stop_pid "$wrk_pid"; forget_pid "$wrk_pid"
    perf report -i "$OUT/perf-$name.data" --stdio --children --percent-limit 0.5 -g none \
        >"$OUT/perf-$name.txt" 2>/dev/null || true
    perf report -i "$OUT/perf-$name.data" --stdio --no-children --sort dso -g none \
        >"$OUT/perf-$name-dso.txt" 2>/dev/null || true
    rm -f "$OUT/perf-$name.data" "$OUT/perf-$name.data.old" # hundreds of MB with DWARF stacks
}
if [[ $PROFILE == 1 ]] && command -v perf >/dev/null; then
    profile log healthz-log /healthz
    profile nolog policy-nolog /api/v1/policy
    profile nolog me-nolog /api/v1/me -H "Authorization: Bearer ${TOKEN[nolog]}"
fi
for v in log nolog; do stop_pid "${PID[$v]}"; forget_pid "${PID[$v]}"; done
stop_nginx

# ---- 4./5. figures into docs/performance.md ------------------------------------------------
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
CEIL=$(awk -v a="$(rps nginx-before)" -v b="$(rps nginx-after)" 'BEGIN { printf "%.0f", (a + b) / 2 }')
ratio() { awk -v x="$1" -v c="$CEIL" 'BEGIN { r = x / c; f = r < 0.01 ? "%.4f" : "%.2f"; printf f, r }'; }
W="wrk -t$WTHREADS -c$CONNS -d${SECS}s --latency"
row() { # name command wrk-output-name
    local r b; r=$(rps "$3"); b=$(bad "$3")
    [[ -n $b ]] && r="$r ($b)"
    echo "| $1 | \`$2\` | $r | $(ratio "$(rps "$3")") | $(pct_ms "$3" 50) | $(pct_ms "$3" 99) |"
}
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_TOTAL=$(free -h | awk '$1 == "Mem:" { print $2 }')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src 2>/dev/null || COMMIT="$COMMIT + uncommitted src changes"

{
    echo "## Results $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) × $MODEL, $MEM_TOTAL RAM, $(uname -sr). Build: $COMMIT (-O2)."
    echo "linli: default settings (thread pool = $(nproc) workers; $THREADS_LINLI threads in all), fresh data folders,"
    echo "SMS limits raised for the sign-in runs only. Load: $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }'), $WTHREADS threads,"
    echo "$CONNS connections, ${SECS} s per run, loopback. The GET runs alternate log on / log off and sit between"
    echo "two nginx runs; ceiling = their mean: ($(rps nginx-before) + $(rps nginx-after)) / 2 = **$CEIL req/s**. Load average"
    echo "(1/5/15 min) before the run: $LOAD_BEFORE; after: $LOAD_AFTER."
    awk -v a="$(rps nginx-before)" -v b="$(rps nginx-after)" 'BEGIN { d = a > b ? a / b : b / a;
        if (d > 1.15) printf "\n**Noisy run:** the two ceiling runs differ by %.0f %%; ratios are uncertain by about as much.\n", (d - 1) * 100 }'
    over=""
    for n in healthz-log healthz-nolog policy-log policy-nolog me-log me-nolog; do
        awk -v x="$(rps "$n")" -v c="$CEIL" 'BEGIN { exit !(x > 1.05 * c) }' && over+="${over:+, }$n"
    done
    [[ -z $over ]] || printf '\n**Noisy run:** linli beat the ceiling (%s): the machine was busier during the nginx runs\nthan during those; read the ratios as ±20 %% at least.\n' "$over"
    echo
    echo "| benchmark | command | req/s | ratio to ceiling | p50 | p99 |"
    echo "| --- | --- | ---: | ---: | ---: | ---: |"
    row "nginx ceiling, before the GET runs (2 KB from memory)" "$W http://127.0.0.1:PORT/" nginx-before
    row "nginx ceiling, after the GET runs" "$W http://127.0.0.1:PORT/" nginx-after
    row "\`GET /healthz\`, access log on" "$W \$LINLI/healthz" healthz-log
    row "\`GET /healthz\`, access log off" "$W \$LINLI/healthz" healthz-nolog
    row "\`GET /api/v1/policy\` (DB read), log on" "$W \$LINLI/api/v1/policy" policy-log
    row "\`GET /api/v1/policy\`, log off" "$W \$LINLI/api/v1/policy" policy-nolog
    row "\`GET /api/v1/me\` (session + decrypt profile), log on" "$W -H 'Authorization: Bearer …' \$LINLI/api/v1/me" me-log
    row "\`GET /api/v1/me\`, log off" "$W -H 'Authorization: Bearer …' \$LINLI/api/v1/me" me-nolog
    row "password sign-in (Argon2id + new session), log on" "$W -s login-password.lua --timeout 30s \$LINLI/api/v1/auth/login" login-password
    echo
    echo "Password sign-in: **$(ok_rps login-password) successful sign-ins/s** over $(nproc) cores; each is one Argon2id"
    echo "verification (libsodium \`crypto_pwhash_str_verify\`, m = 64 MiB, t = 2) plus one commit. The req/s of the row"
    echo "counts every answer: a request that finds every core's hash slot taken gets \`503 server_busy\` at once (the"
    echo "hash gate, docs/decisions.md), which is the non-2xx count; p50/p99 mix both."
    echo
    if [[ -n $CODE_RATE ]]; then
        echo "Code sign-in loop (one client, sequential, $CODE_LOGINS new numbers; each: \`POST /api/v1/auth/sms-code\`, read"
        echo "\`sms-outbox.jsonl\`, \`POST /api/v1/auth/login\` creating the account): $CODE_LOGINS sign-ins in $CODE_WALL s ="
        echo "**$CODE_RATE sign-ins/s** including curl and jq process start-up. Per request, as curl saw it: sms-code"
        echo "p50 $CODE_SEND_P50, p99 $CODE_SEND_P99; login p50 $CODE_LOGIN_P50, p99 $CODE_LOGIN_P99."
        echo
    fi
    echo "Memory of linli (\`/proc/PID/status\`):"
    echo
    echo "- access log on: RSS at idle after start $(mib "${RSS_IDLE[log]}"); peak (VmHWM) after the three GET runs"
    echo "  $(mib "${HWM_READS[log]}"); peak at the end, after the sign-in runs, $(mib "$HWM_END_LOG")."
    echo "- access log off: RSS at idle after start $(mib "${RSS_IDLE[nolog]}"); peak after the three GET runs"
    echo "  $(mib "${HWM_READS[nolog]}")."
    echo
    echo "Raw wrk outputs: \`bench/out/$STAMP/\` (not committed)."
} >"$OUT/section.md"

if [[ ! -f $DOC ]] || ! grep -qF "$BEGIN_MARK" "$DOC"; then
    [[ -f $DOC ]] && cp "$DOC" "$OUT/performance.md.before"
    {
        [[ -f $DOC ]] && cat "$DOC" && echo
        if [[ ! -f $DOC ]]; then
            cat <<EOF
# Performance

\`make bench\` (script: \`bench/run.sh\`) measures, on loopback, with wrk:

- the machine's own HTTP ceiling: nginx started by the script with its own temporary configuration,
  2 workers, keep-alive, answering \`return 200\` with a 2 KB body from memory, measured just before and just
  after the linli GET runs of the same invocation;
- two \`linli serve\` instances, each on a fresh temporary data folder, one with the access log on (the default)
  and one with \`access_log = false\`: \`GET /healthz\` (no database), \`GET /api/v1/policy\` (one database read),
  \`GET /api/v1/me\` with a Bearer token (session lookup and decryption of the profile); the two instances take
  turns, so both see the same machine;
- sign-ins: password sign-in under wrk (one Argon2id verification, then a new session and an audit entry in one
  transaction per request), and a sequential loop of SMS-code sign-ins over many new numbers (send a code, read
  it from \`sms-outbox.jsonl\`, sign in, which creates the account);
- requests/s, p50 and p99 latency (\`wrk --latency\`), and linli's memory: RSS at idle after start and peak RSS
  (\`VmHWM\`) over the run.

**Figures are read as ratios to the nginx ceiling measured in the same run.** The machine is shared and
noisy: absolute requests/s move from run to run, the ratio much less. A change is a regression when its ratio
drops, not when its requests/s do.

Run it:

    make bench                      # installs wrk and nginx-light if missing, builds, then about 2 minutes
    BENCH_SECONDS=2 make bench      # a quick run (default: 10 s per wrk run)

Other settings: \`BENCH_CONNECTIONS\` (32), \`BENCH_THREADS\` (2), \`BENCH_CODE_LOGINS\` (200),
\`BENCH_PROFILE=1\` (also \`perf record\` linli under load, reports into \`bench/out/\`). The script replaces the
section between the markers below with the figures of its run; raw wrk outputs stay in \`bench/out/<date>/\`
(git-ignored). Only the latest run is kept here; earlier ones are in git history.

Machine: \`nproc\` = $(nproc), CPU \`$MODEL\` (\`/proc/cpuinfo\`), $MEM_TOTAL RAM (\`free -h\`),
$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || echo Linux), kernel $(uname -r); a shared virtual machine.
The sign-in runs use \`sms_interval_s = 0\`, \`sms_per_number_day = 1000\`, \`sms_per_ip_hour = 100000\`: they
only lift the SMS rate limits so that many sign-ins can be measured; every other setting is the default.

EOF
        fi
        echo "$BEGIN_MARK"
        echo "$END_MARK"
    } >"$TMP/doc.new"
    cat "$TMP/doc.new" >"$DOC"
fi
awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v f="$OUT/section.md" '
    $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$DOC" >"$TMP/doc.new"
cat "$TMP/doc.new" >"$DOC"
cat "$OUT/section.md"
say "figures written to $DOC"

# ---- 6. the listings benchmark: 1M-listing dataset, search, detail, nearby, posting ------------
if [[ $PARTS == all ]]; then
    # shellcheck source=bench/listings.sh
    source bench/listings.sh
fi
