# bench/listings.sh — the listings benchmark; sourced by bench/run.sh (uses its helpers, $OUT, $TMP, $BIN,
# nginx). Dataset: bench/gen.c, cached in bench/out/dataset-v<version>-<N>/ (git-ignored).
#
# Settings (environment):
#   BENCH_LISTINGS=1000000     listings in the dataset      BENCH_USERS=5000  accounts in the dataset
#   BENCH_POST_SECONDS=$SECS   seconds per posting run
# Writes its section between the bench:listings markers of docs/performance.md.

N_LISTINGS=${BENCH_LISTINGS:-1000000}
N_USERS=${BENCH_USERS:-5000}
POST_SECS=${BENCH_POST_SECONDS:-$SECS}
DATASET_VERSION=10 # bump when bench/gen.c changes what it writes: cached datasets are then rebuilt
L_BEGIN='<!-- bench:listings:begin -->'
L_END='<!-- bench:listings:end -->'
[[ $N_LISTINGS =~ ^[0-9]+$ && $N_LISTINGS -ge 1000 && $N_LISTINGS -le 20000000 ]] || die "BENCH_LISTINGS must be 1000..20000000"
[[ $N_USERS =~ ^[0-9]+$ && $N_USERS -ge 10 ]] || die "BENCH_USERS must be >= 10"

L_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ -z ${COMMIT:-} ]]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    git diff --quiet HEAD -- src 2>/dev/null || COMMIT="$COMMIT + uncommitted src changes"
fi

# ---- the generator, linked with the project's objects (as the unit tests are) ----------------
GEN=$OUT/gen
mapfile -t GEN_OBJS < <(find build/src -name '*.o' ! -path build/src/main.o | sort)
PKGS="libmicrohttpd sqlite3 libsodium jansson libcurl vips"
# shellcheck disable=SC2046
cc -std=c17 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS) -o "$GEN" bench/gen.c \
    "${GEN_OBJS[@]}" $(pkg-config --libs $PKGS) -lpthread -lm || die "building bench/gen.c failed"

# ---- the dataset (cached) -------------------------------------------------------------------
DS=bench/out/dataset-v$DATASET_VERSION-$N_LISTINGS-$N_USERS
if [[ ! -f $DS/gen.txt ]]; then
    say "generating $N_LISTINGS listings and $N_USERS accounts into $DS (cached for later runs)"
    rm -rf "$DS.tmp"
    t0=$(date +%s.%N)
    timeout 3600 "$GEN" build "$DS.tmp" "$N_LISTINGS" "$N_USERS" 1 2>"$OUT/gen.stderr" ||
        die "generation failed: $(tail -3 "$OUT/gen.stderr")"
    t1=$(date +%s.%N)
    echo "t_total_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >>"$DS.tmp/gen.txt"
    echo "machine=$(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" >>"$DS.tmp/gen.txt"
    rm -rf "$DS" && mv "$DS.tmp" "$DS"
else
    say "dataset cached: $DS"
fi
gv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$DS/gen.txt"; }
DB_MIB=$(awk -v b="$(stat -c %s "$DS/linli.db")" 'BEGIN { printf "%.0f", b / 1048576 }')

# ---- linli on a copy of it -------------------------------------------------------------------
LD=$TMP/data-listings
mkdir -p "$LD"
say "copying the dataset (${DB_MIB} MiB)"
# keys.db holds the data keys (G4, F7): without it beside accounts, linli refuses to start
cp "$DS/linli.db" "$DS/keys.json" "$DS/keys.db" "$LD/" && chmod 600 "$LD/keys.json" "$LD/keys.db"
# the full-text rebuild on the copy, as a migration's rebuild runs it before serving (target < 120 s); the copy's
# writes flushed first, so that the rebuild is not timed while the kernel writes 4 GB of someone else's pages
sync
say "rebuilding the copy's full-text index (listing_reindex_text)"
"$GEN" text "$LD" >"$OUT/rebuild.txt" 2>>"$OUT/gen.stderr" || die "the rebuild failed: $(tail -3 "$OUT/gen.stderr")"
rb() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" "$OUT/rebuild.txt"; }
[[ $(rb indexed) == "$(gv listings)" ]] || die "the rebuild indexed $(rb indexed) of $(gv listings) listings"
BEFORE_POSTS=$(gv listings)
write_conf() { # $1 db_sync_full
    cat >"$TMP/linli-listings.conf" <<EOF
db_sync_full = $1
sms_interval_s = 0
sms_per_number_day = 1000
sms_per_ip_hour = 100000
job_quota = 1000
EOF
}
start_listings() {
    PORT[listings]=$(free_port)
    "$BIN" serve --data "$LD" --listen "127.0.0.1:${PORT[listings]}" --config "$TMP/linli-listings.conf" \
        2>>"$OUT/linli-listings.stderr" &
    PID[listings]=$!
    LB=http://127.0.0.1:${PORT[listings]}
    PIDS+=("${PID[listings]}")
    wait_http "http://127.0.0.1:${PORT[listings]}/healthz" || die "linli (listings) did not start: $(cat "$OUT/linli-listings.stderr")"
}
write_conf true
start_listings
RSS_IDLE[listings]=$(kib VmRSS "${PID[listings]}")

# sessions for posting: sixteen new accounts signed in by code (each takes every category in turn, so that no
# account reaches the job quota within the two posting runs)
POST_TOKENS=()
for i in $(seq 1 16); do
    phone=$(printf '1390100%04d' "$i")
    code=$(send_code listings "$phone" login)
    api listings POST /api/v1/auth/login "{\"phone\":\"$phone\",\"code\":\"$code\",\"accept_policy_version\":1}"
    [[ $STATUS == 200 ]] || die "listings login: HTTP $STATUS $(cat "$TMP/resp")"
    POST_TOKENS+=("$(jq -r .token "$TMP/resp")")
done

# ---- wrk scripts: each thread rotates over the generated query lists ------------------------
cp "$DS/q-keyword.tsv" "$DS/q-browse.tsv" "$DS/q-nearby.tsv" "$OUT/"
# places to post to: the districts (and centres) of the browsed cities, from regions.tsv
awk -F'\t' 'NR == FNR { c[$1] = 1; next } $3 == 3 && ($2 in c) { print $2 "\t" $1 "\t" $5 "\t" $6 }' \
    "$OUT/q-browse.tsv" assets/regions/regions.tsv >"$OUT/q-post.tsv"
cat >"$OUT/common.lua" <<'EOF'
-- shared by the listings wrk scripts: per-thread random seed, list loading, URL encoding
local counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
function load_lines(path)
  local t = {}
  for line in io.lines(path) do
    local f = {}
    for x in string.gmatch(line, "[^\t]+") do f[#f + 1] = x end
    t[#t + 1] = f
  end
  return t
end
function urlenc(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
function seed() math.randomseed(os.time() * 1000 + (tid or 0) * 7919) end
EOF
mk_lua() { # NAME BODY: a script that loads common.lua
    { echo "dofile(\"$OUT/common.lua\")"; cat; } >"$OUT/$1.lua"
}
mk_lua keyword <<EOF
local q
function init(args) seed(); q = load_lines("$OUT/q-keyword.tsv") end
function request()
  local r = q[math.random(#q)]
  return wrk.format("GET", "/api/v1/search?q=" .. urlenc(r[1]) .. "&city=" .. r[2] .. "&category=" .. r[3] .. "&sort=newest&limit=20")
end
EOF
mk_lua browse <<EOF
local q
function init(args) seed(); q = load_lines("$OUT/q-browse.tsv") end
function request()
  local r = q[math.random(#q)]
  return wrk.format("GET", "/api/v1/search?city=" .. r[1] .. "&category=" .. r[2] .. "&limit=20")
end
EOF
mk_lua detail <<EOF
function init(args) seed() end
function request() return wrk.format("GET", "/api/v1/listings/" .. math.random($N_LISTINGS)) end
EOF
mk_lua nearby <<EOF
local q
function init(args) seed(); q = load_lines("$OUT/q-nearby.tsv") end
function request()
  local r = q[math.random(#q)]
  return wrk.format("GET", "/api/v1/search?near=" .. r[1] .. "&radius_km=5&category=" .. r[2] .. "&limit=20")
end
EOF
mk_lua post <<EOF
-- POST /api/v1/listings with a few sessions and varied bodies (goods, jobs, housing, services)
local places, tokens, n = nil, { $(printf '"%s", ' "${POST_TOKENS[@]}") }, 0
local goods = { "手机", "沙发", "冰箱", "自行车", "婴儿车", "书桌", "电视", "相机" }
local jobs = { "厨师", "服务员", "司机", "保安", "收银员", "快递员" }
function init(args) seed(); places = load_lines("$OUT/q-post.tsv") end
function request()
  n = n + 1
  local p = places[math.random(#places)]
  local loc = ""
  if n % 2 == 0 then loc = string.format(',"lat":%.4f,"lng":%.4f', p[3] + (math.random() - 0.5) / 50, p[4] + (math.random() - 0.5) / 50) end
  local k, body = n % 4
  local head = '"city":' .. p[1] .. ',"district":' .. p[2] .. loc .. ',"contact_phone":"138' .. string.format("%08d", math.random(0, 99999999)) .. '"'
  if k == 0 then
    local g = goods[math.random(#goods)]
    body = '{"category":"goods","subcategory":"other","title":"九成新' .. g .. '转让 ' .. tid .. '-' .. n .. '","description":"自用' .. g .. '，功能完好，外观九成新，价格可议，同城自提。","price":' .. math.random(50, 5000) * 100 .. ',' .. head .. ',"fields":{"condition":"九成新","trade_place":"小区门口"}}'
  elseif k == 1 then
    local j = jobs[math.random(#jobs)]
    body = '{"category":"jobs","subcategory":"fulltime","title":"招聘' .. j .. ' 包吃住 ' .. n .. '","description":"诚聘' .. j .. '两名，身体健康，吃苦耐劳，月薪五千到八千元，五险一金，月休四天。","price":' .. math.random(3, 12) * 100000 .. ',' .. head .. ',"fields":{"position":"' .. j .. '","salary_min":5000,"salary_max":8000,"experience":"不限"}}'
  elseif k == 2 then
    body = '{"category":"housing","subcategory":"rent","title":"两室一厅精装出租 近地铁 ' .. n .. '","description":"房子南北通透，家电齐全，拎包入住，小区安静，随时看房。","price":' .. math.random(10, 80) * 10000 .. ',' .. head .. ',"fields":{"rooms":2,"halls":1,"area_m2":' .. math.random(50, 120) .. ',"decoration":"精装","address":"幸福路' .. math.random(1, 999) .. '号"}}'
  else
    body = '{"category":"services","subcategory":"moving","title":"专业搬家 价格实惠 ' .. n .. '","description":"二十四小时上门，师傅经验丰富，明码标价，不满意不收费。","price":' .. math.random(5, 50) * 1000 .. ',' .. head .. ',"fields":{"service_area":"全市","address":"建设路' .. math.random(1, 999) .. '号"}}'
  end
  return wrk.format("POST", "/api/v1/listings", { ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(math.floor(n / 4) + tid) % #tokens + 1] }, body)
end
EOF

# one request of each kind first: every kind must answer 200 with results
check_get() { # PATH: must be 200 with at least one item (or an id)
    api listings GET "$1"
    [[ $STATUS == 200 ]] || die "GET $1: HTTP $STATUS $(head -c 300 "$TMP/resp")"
    jq -e '(.items | length) > 0 or .id != null' "$TMP/resp" >/dev/null || die "GET $1: no results: $(head -c 300 "$TMP/resp")"
}
IFS=$'\t' read -r kq kc kk < <(head -1 "$OUT/q-keyword.tsv")
check_get "/api/v1/search?q=$(jq -rn --arg s "$kq" '$s|@uri')&city=$kc&category=$kk&sort=newest&limit=20"
IFS=$'\t' read -r bc bk < <(head -1 "$OUT/q-browse.tsv")
check_get "/api/v1/search?city=$bc&category=$bk&limit=20"
check_get "/api/v1/listings/$((N_LISTINGS / 2))"
IFS=$'\t' read -r np nk < <(head -1 "$OUT/q-nearby.tsv")
check_get "/api/v1/search?near=$np&radius_km=5&category=$nk&limit=20"

# ---- the read runs between two ceiling runs -------------------------------------------------
# The machines this runs on give back their page cache at about 45 MB/s (measured: `free -m` every 10 s after reading
# the database once), so the database read half a minute ago is partly back on disk; a server with enough memory
# keeps it cached. Each read run therefore starts with the file read once, so that every run starts alike.
# Then 3 s of the same load, not counted: a server that has just started answers its first second slowly (measured:
# keyword p99 18.3 ms in a first 10 s run, 7.7 ms in the next), and a running server is warm.
warm_cache() { cat "$LD/linli.db" >/dev/null; }
warm_up() { wrk -t"$WTHREADS" -c"$CONNS" -d3s -s "$OUT/$1.lua" "$LB/" >/dev/null 2>&1 || true; }
start_nginx
run_wrk l-nginx-before "http://127.0.0.1:$NGINX_PORT/"
warm_cache; warm_up keyword; run_wrk l-keyword "$LB/" -s "$OUT/keyword.lua"
warm_cache; warm_up browse; run_wrk l-browse "$LB/" -s "$OUT/browse.lua"
warm_cache; warm_up detail; run_wrk l-detail "$LB/" -s "$OUT/detail.lua"
warm_cache; warm_up nearby; run_wrk l-nearby "$LB/" -s "$OUT/nearby.lua"
run_wrk l-nginx-after "http://127.0.0.1:$NGINX_PORT/"
stop_nginx
HWM_READS[listings]=$(kib VmHWM "${PID[listings]}")

# ---- posting: db_sync_full = true (the default), then false ----------------------------------
count_listings() { "$GEN" count "$LD"; }
declare -A STORED POST_RATE
post_run() { # NAME [AFTER]: AFTER runs at once when posting stops, before the server settles
    local before after
    wait_idle "${PID[listings]}"
    before=$(count_listings)
    warm_cache
    local SECS=$POST_SECS
    run_wrk "$1" "$LB/" -s "$OUT/post.lua" --timeout 30s
    [[ -n ${2:-} ]] && "$2"
    wait_idle "${PID[listings]}" # requests in flight when wrk stopped
    after=$(count_listings)
    STORED[$1]=$((after - before))
    POST_RATE[$1]=$(awk -v n="${STORED[$1]}" -v s="$POST_SECS" 'BEGIN { printf "%.0f", n / s }')
}
post_run l-post-syncfull
HWM_POST_FULL=$(kib VmHWM "${PID[listings]}")
stop_pid "${PID[listings]}"; forget_pid "${PID[listings]}"
write_conf false
start_listings
# keyword searches right after posting, while the tidy folds and merges (docs/decisions.md, "The full-text index in
# two parts"), then again once it is done: the recent part folded (below search_fold_rows, 10,000) and in at most one
# segment, the main part in at most three
keyword_after_posting() {
    TIDY_T0=$(date +%s)
    SEG_POSTED=$("$GEN" segments "$LD")
    run_wrk l-keyword-posted "$LB/" -s "$OUT/keyword.lua"
}
post_run l-post-syncnormal keyword_after_posting
HWM_POST_NORMAL=$(kib VmHWM "${PID[listings]}")
TOTAL_AFTER=$(count_listings)
SEG_TIDIED=$SEG_POSTED
for i in $(seq 1 150); do # up to 5 minutes
    SEG_TIDIED=$("$GEN" segments "$LD")
    [[ $SEG_TIDIED =~ ^main=[123]\ recent=[01]\ recent_rows=([0-9]+)$ ]] && ((BASH_REMATCH[1] < 10000)) && break
    sleep 2
done
TIDY_S=$(($(date +%s) - TIDY_T0))
# the tidy's long steps (serve logs each of 250 ms or more; a fold holds the write turn that long)
grep -h "search index upkeep: a step took" "$LD"/logs/error.log >"$OUT/tidy-steps.txt" || true
TIDY_LONGEST=$(grep -o "took [0-9]* ms" "$OUT/tidy-steps.txt" | awk '{ print $2 }' | sort -n | tail -1)
TIDY_LONG_STEPS=$(wc -l <"$OUT/tidy-steps.txt")
wait_idle "${PID[listings]}"
start_nginx
run_wrk l-nginx-late "http://127.0.0.1:$NGINX_PORT/"
stop_nginx
warm_cache; run_wrk l-keyword-tidied "$LB/" -s "$OUT/keyword.lua"
stop_pid "${PID[listings]}"; forget_pid "${PID[listings]}"

# ---- figures into docs/performance.md -------------------------------------------------------
LCEIL=$(awk -v a="$(rps l-nginx-before)" -v b="$(rps l-nginx-after)" 'BEGIN { printf "%.0f", (a + b) / 2 }')
lratio() { awk -v x="$1" -v c="$LCEIL" 'BEGIN { r = x / c; printf (r < 0.01 ? "%.4f" : "%.2f"), r }'; }
verdict() { # RATIO-TARGET RATIO [P99-TARGET-ms P99-ms]
    awk -v t="$1" -v r="$2" -v pt="${3:-0}" -v p="${4:-0}" 'BEGIN { ok = r >= t && (pt == 0 || p <= pt);
        printf "%s", ok ? "met" : "**missed**" }'
}
lrow() { # name command out target-ratio [p99-target]
    local r b ra p99; r=$(rps "$3"); b=$(bad "$3"); ra=$(lratio "$r"); p99=$(pct_ms "$3" 99)
    [[ -n $b ]] && r="$r ($b)"
    local tgt="≥ $4" v; [[ -n ${5:-} ]] && tgt="$tgt, p99 ≤ $5 ms"; [[ $4 == - ]] && tgt="—"
    v=$([[ $4 == - ]] && echo "" || verdict "$4" "$ra" "${5:-0}" "${p99% ms}")
    echo "| $1 | \`$2\` | $r | $ra | $(pct_ms "$3" 50) | $p99 | $tgt $v |"
}
WL="wrk -t$WTHREADS -c$CONNS -d${SECS}s --latency"
WP="wrk -t$WTHREADS -c$CONNS -d${POST_SECS}s --latency --timeout 30s -s post.lua"
{
    echo "## Listings results $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) × $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(free -h | awk '$1 == "Mem:" { print $2 }') RAM, $(uname -sr)."
    echo "Build: $COMMIT (-O2). linli: default settings (thread pool = two workers per core, access log on,"
    echo "\`db_sync_full = true\`) except the SMS limits raised to sign in the posting accounts and"
    echo "an unapproved employer's job quota raised to its maximum (1,000 live job listings; the posting accounts are not organisations)."
    echo "Load: $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }'), $WTHREADS threads, $CONNS connections, ${SECS} s per read run, ${POST_SECS} s per"
    echo "posting run, loopback; each read run after 3 s of the same load, not counted. Ceiling = mean of the nginx runs just before and after the four read runs:"
    echo "($(rps l-nginx-before) + $(rps l-nginx-after)) / 2 = **$LCEIL req/s**. Load average before the listings runs: $L_LOAD_BEFORE."
    awk -v a="$(rps l-nginx-before)" -v b="$(rps l-nginx-after)" 'BEGIN { d = a > b ? a / b : b / a;
        if (d > 1.15) printf "\n**Noisy run:** the two ceiling runs differ by %.0f %%; ratios are uncertain by about as much.\n", (d - 1) * 100 }'
    echo
    echo "**Dataset** (\`bench/gen.c\`, version $DATASET_VERSION, cached in \`$DS/\`, generated $(date -u -d "@$(gv generated_at)" '+%Y-%m-%d %H:%M UTC')"
    echo "on $(gv machine)): $(gv listings) published listings and $(gv users) accounts; Chinese titles and descriptions in"
    echo "the six categories with their category fields and prices; all $(awk -F'\t' '$3 == 2' assets/regions/regions.tsv | wc -l)"
    echo "cities of \`assets/regions/regions.tsv\`, weighted towards the 24 largest (Beijing and Shanghai ≈ 8 % each), each listing in one of its city's"
    echo "districts; $(gv with_point) listings ($(awk -v a="$(gv with_point)" -v n="$(gv listings)" 'BEGIN { printf "%.0f", 100 * a / n }') %) with a point within 3 km of the district"
    echo "centre (in \`listings_geo\`); contact phones (and addresses, e-mails, plates) sealed with the poster's data key."
    echo
    echo "| dataset step | time |"
    echo "| --- | ---: |"
    echo "| $(gv users) accounts (blind index, DEK, sealed phone, consent) | $(gv t_users_s) s |"
    echo "| $(gv listings) listings rows, sealed fields, 100,000 per transaction | $(gv t_rows_s) s |"
    echo "| cards (summary + detail, contact masked) and the nearby indexes (R*Tree, cells) of every published listing: \`listing_reindex_views\`, the first pass of a migration's rebuild | $(gv t_views_s) s |"
    echo "| full-text index \`listings_fts\` for $(gv listings) listings: \`listing_reindex_text\`, the second pass (right after the first pass's writes) | $(gv t_fts_s) s |"
    echo "| the whole generation, including query lists | $(gv t_total_s) s |"
    echo
    echo "**Full-text rebuild, this run:** \`gen text\` on the copy of the dataset (written to disk first, \`sync\`), as a"
    echo "migration's rebuild runs before serving: \`listing_reindex_text\` reads the $(rb indexed) published listings newest first,"
    echo "100,000 to a transaction, FTS5 writing a segment per 64 MB of pending terms, then \`optimize\` into one segment:"
    echo "**$(rb t_fts_s) s** (target < 120 s: $(awk -v t="$(rb t_fts_s)" 'BEGIN { print (t < 120 ? "met" : "**missed**") }')), peak resident $(rb maxrss_mib) MiB."
    echo
    echo "Database: **${DB_MIB} MiB** (\`linli.db\` after a WAL checkpoint), of which the FTS5 index data is"
    echo "$(awk -v b="$(gv fts_bytes)" 'BEGIN { printf "%.0f", b / 1048576 }') MiB. Keyword combinations: $(gv q_keyword) of $(gv q_keyword_tried) tried have results (12 two-character terms per category ×"
    echo "$(wc -l <"$OUT/q-browse.tsv" | awk '{ print $1 / 6 }') cities); in-process \`search_run\` over all $(gv q_keyword_tried): mean $(gv q_keyword_inproc_mean_ms) ms, max $(gv q_keyword_inproc_max_ms) ms."
    echo
    echo "| benchmark | command | req/s | ratio to ceiling | p50 | p99 | target |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    lrow "nginx ceiling, before" "$WL http://127.0.0.1:PORT/" l-nginx-before -
    lrow "keyword (2-character term) + city + category, newest, 20 results, $(wc -l <"$OUT/q-keyword.tsv") rotating combinations" "$WL -s keyword.lua \$LINLI" l-keyword 0.25 20
    lrow "city + category browse, newest, 20 results" "$WL -s browse.lua \$LINLI" l-browse 0.3
    lrow "listing detail \`GET /api/v1/listings/{id}\`, random ids" "$WL -s detail.lua \$LINLI" l-detail 0.45
    lrow "nearby 5 km (district centres) + category, newest, 20 results" "$WL -s nearby.lua \$LINLI" l-nearby 0.2
    lrow "nginx ceiling, after" "$WL http://127.0.0.1:PORT/" l-nginx-after -
    echo
    echo "Posting, \`POST /api/v1/listings\` (validation, sealing, FTS5 + R*Tree update; write transactions batched, docs/decisions.md), 16 sessions,"
    echo "bodies rotating over goods / jobs / housing / services with random districts of the browsed cities; \"stored\""
    echo "is the number of listings rows added, counted in the database after the run (target ≥ 1,000/s):"
    echo
    echo "| posting | command | stored | stored/s | wrk req/s | p50 | p99 | target |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    for v in l-post-syncfull l-post-syncnormal; do
        label="\`db_sync_full = true\` (default; group commit: one fdatasync of the WAL per group of commits)"
        [[ $v == l-post-syncnormal ]] && label="\`db_sync_full = false\` (synchronous=NORMAL)"
        b=$(bad "$v")
        echo "| $label | \`$WP \$LINLI\` | ${STORED[$v]} | ${POST_RATE[$v]} | $(rps "$v")${b:+ ($b)} | $(pct_ms "$v" 50) | $(pct_ms "$v" 99) | ≥ 1000/s $(awk -v r="${POST_RATE[$v]}" 'BEGIN { print (r >= 1000 ? "met" : "**missed**") }') |"
    done
    echo
    echo "Keyword searches after the two posting runs (the same list as above; ratios to the ceiling above; an nginx run"
    echo "after the tidy gave $(rps l-nginx-late) req/s): the first at once when posting stopped, while the tidy"
    echo "(\`listing_tidy_step\`: idle write path only, at most half a core) folds and merges the full text, which then held"
    echo "\`$SEG_POSTED\` (segments of each part, listings in the recent one); the tidy took $TIDY_S s from the end of"
    echo "posting to reach \`$SEG_TIDIED\`, and the second run followed. Steps of the tidy that took 250 ms or more"
    echo "(in both posting runs' servers; a fold holds the write turn that long): $TIDY_LONG_STEPS, the longest ${TIDY_LONGEST:-0} ms."
    echo
    echo "| benchmark | command | req/s | ratio to ceiling | p50 | p99 | target |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    lrow "keyword, right after posting" "$WL -s keyword.lua \$LINLI" l-keyword-posted 0.25 20
    lrow "keyword, after the tidy" "$WL -s keyword.lua \$LINLI" l-keyword-tidied 0.25 20
    echo
    echo "Memory of linli (\`/proc/PID/status\`): RSS at idle after start $(mib "${RSS_IDLE[listings]}"); peak (VmHWM) after"
    echo "the four read runs **$(mib "${HWM_READS[listings]}")** (target < 300 MB: $(awk -v k="${HWM_READS[listings]}" 'BEGIN { print (k * 1024 < 300e6 ? "met" : "**missed**") }')); after posting with sync on"
    echo "$(mib "$HWM_POST_FULL"), after a restart and posting with sync off $(mib "$HWM_POST_NORMAL"). Listings in the copy at the end: $TOTAL_AFTER."
    echo
    echo "Raw outputs and wrk scripts: \`bench/out/$STAMP/\` (not committed)."
} >"$OUT/listings-section.md"

if ! grep -qF "$L_BEGIN" "$DOC"; then
    printf '\n%s\n%s\n' "$L_BEGIN" "$L_END" >>"$DOC"
fi
awk -v b="$L_BEGIN" -v e="$L_END" -v f="$OUT/listings-section.md" '
    $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$DOC" >"$TMP/doc.new"
cat "$TMP/doc.new" >"$DOC"
cat "$OUT/listings-section.md"
say "listings figures written to $DOC"
