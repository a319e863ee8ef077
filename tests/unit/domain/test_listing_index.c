/*
 * test_listing_index.c — the derived read side of listings (listing_index.h):
 * a rebuild from the rows gives back exactly the indexes that live posting
 * built, and cards carry what the public summary says (B8, B9).
 */
#include "support.h"
#include "domain/account.h"
#include "domain/listing.h"
#include "domain/listing_index.h"
#include "domain/search.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N_LISTINGS 40

static int64_t sign_in(env_t *e, const char *phone)
{
    acct_login_t out;
    assert_int_equal(acct_send_code(&e->ctx, phone, "login"), 0);
    assert_int_equal(acct_login_code(&e->ctx, phone, support_last_code(e), 1, &out), 0);
    return out.user_id;
}

static void post(env_t *e, int i)
{
    static const char *const words[] = {"搬家", "保洁", "二手", "家电", "租房"};
    char title[64];
    snprintf(title, sizeof title, "%s服务 第%d号", words[i % 5], i);
    json_t *fields = json_pack("{s:s}", "condition", "九成新");
    listing_in_t in = {.category = "goods", .subcategory = "digital", .title = title, .description = "测试描述",
                       .has_city = true, .city = i % 3 ? 1101 : 3101, .contact_phone = "13700000009",
                       .has_price = true, .price_fen = 100 * i, .fields = fields};
    if (i % 2) in.has_point = true, in.lat = 39.88 + 0.002 * i, in.lng = 116.37 + 0.003 * i; /* across cells */
    int64_t id;
    const char *status;
    assert_int_equal(listing_create(&e->ctx, &in, &id, &status), 0);
    assert_string_equal(status, "published");
    json_decref(fields);
}

/* Every result page (ids and card text) of a few searches, as one string. */
static char *snapshot(env_t *e)
{
    search_params_t qs[] = {
        {.q = "搬家", .city = 1101, .cat = cat_find("goods"), .limit = 50, .cards = true},
        {.q = "服务", .limit = 7, .cards = true},
        {.city = 1101, .cat = cat_find("goods"), .limit = 50, .cards = true},
        {.city = 3101, .limit = 50, .cards = true},
        {.has_near = true, .lat = 39.91, .lng = 116.40, .radius_km = 5, .cat = cat_find("goods"), .limit = 50,
         .cards = true},
    };
    size_t cap = 1 << 20, used = 0;
    char *out = calloc(1, cap);
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        search_hit_t *hits;
        size_t n;
        const char *next;
        assert_int_equal(search_run(&e->ctx, &qs[k], &hits, &n, &next), 0);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            assert_non_null(hits[i].card); /* none of these needs the rows */
            used += (size_t)snprintf(out + used, cap - used, "%lld %s %.1f\n", (long long)hits[i].id, hits[i].card,
                                     hits[i].distance_km);
        }
        used += (size_t)snprintf(out + used, cap - used, "next=%s\n", next ? next : "-");
    }
    return out;
}

static void test_B8_a_rebuild_gives_back_the_indexes_posting_built(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i++) post(e, i);
    char *before = snapshot(e);
    int64_t n = 0;
    assert_int_equal(listing_reindex(&e->ctx, &n), 0);
    assert_int_equal(n, N_LISTINGS);
    char *after = snapshot(e);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const search_hit_t *)a)->id, y = ((const search_hit_t *)b)->id;
    return (x > y) - (x < y);
}

/*
 * The ids a few keyword searches return through the row path (price filter)
 * in each order, as one string; relevance as a set when ranks may differ
 * (each part of the full text ranks by its own statistics).
 */
static char *row_results(env_t *e, bool rank_as_set)
{
    size_t cap = 1 << 16, used = 0;
    char *out = calloc(1, cap);
    for (int sort = SORT_NEWEST; sort <= SORT_PRICE_DESC; sort++) {
        search_params_t p = {.q = "服务", .limit = 50, .has_max = true, .price_max = 100000, .sort = (search_sort_t)sort};
        search_hit_t *hits;
        size_t n;
        const char *next;
        assert_int_equal(search_run(&e->ctx, &p, &hits, &n, &next), 0);
        if (rank_as_set && sort == SORT_RELEVANCE) qsort(hits, n, sizeof *hits, by_id);
        for (size_t i = 0; i < n; i++) used += (size_t)snprintf(out + used, cap - used, "%lld ", (long long)hits[i].id);
        used += (size_t)snprintf(out + used, cap - used, "| ");
    }
    return out;
}

static int64_t scalar(env_t *e, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(e->db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

#define SEGMENTS(t) scalar(e, "SELECT count(DISTINCT segid) FROM " t "_idx")
#define ROWS(t) scalar(e, "SELECT count(*) FROM " t)

/* The searches give what they gave when cards and rows were taken (relevance compared as a set). */
static void assert_same_results(env_t *e, const char *cards, const char *rows)
{
    char *cards2 = snapshot(e), *rows2 = row_results(e, true);
    assert_string_equal(cards, cards2);
    assert_string_equal(rows, rows2);
    free(cards2), free(rows2);
}

/* Tidies until nothing is left to do; a fold reads chunk listings at a time. */
static void tidy_on(env_t *e, ctx_t *c, int64_t fold_rows, int chunk)
{
    listing_tidy_t t = {.fold_rows = fold_rows, .fold_chunk = chunk};
    bool did = true;
    for (int steps = 0; did; steps++) {
        assert_true(steps < 1000);
        assert_int_equal(listing_tidy_step(c, &t, &did), 0);
    }
    assert_false(t.main_merging || t.main_whole);
    assert_int_equal(db_exec(e->db, "INSERT INTO listings_fts(listings_fts) VALUES ('integrity-check');"
                                    "INSERT INTO listings_fts_new(listings_fts_new) VALUES ('integrity-check')"),
                     0);
}

static void tidy(env_t *e, int64_t fold_rows)
{
    tidy_on(e, &e->ctx, fold_rows, 3);
}

/*
 * Posting writes to the recent part, a segment per transaction; the tidy
 * merges it into one, then folds it into the main part, and no search (card
 * or row path, any order) sees a difference at any point.
 */
static void test_B8_the_tidy_merges_and_folds_without_changing_a_result(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i++) post(e, i);
    assert_int_equal(ROWS("listings_fts_new_ids"), N_LISTINGS);
    assert_int_equal(ROWS("listings_fts"), 0);
    assert_true(SEGMENTS("listings_fts_new") > 1);
    char *cards = snapshot(e), *rows = row_results(e, false);

    tidy(e, N_LISTINGS + 1); /* below the fold: merged in place */
    assert_int_equal(SEGMENTS("listings_fts_new"), 1);
    assert_int_equal(ROWS("listings_fts_new_ids"), N_LISTINGS);
    char *cards2 = snapshot(e), *rows2 = row_results(e, false);
    assert_string_equal(cards, cards2);
    assert_string_equal(rows, rows2);

    tidy(e, N_LISTINGS); /* folded: all in the main part, in one segment; the recent part empty */
    assert_int_equal(ROWS("listings_fts_new_ids"), 0);
    assert_int_equal(ROWS("listings_fts"), N_LISTINGS);
    assert_int_equal(ROWS("listings_fts_new"), 0);
    assert_int_equal(SEGMENTS("listings_fts"), 1);
    char *cards3 = snapshot(e), *rows3 = row_results(e, false);
    assert_string_equal(cards, cards3);
    assert_string_equal(rows, rows3);
    free(cards), free(rows), free(cards2), free(rows2), free(cards3), free(rows3);
}

/*
 * After a fold, deleting and editing folded listings (their entries leave the
 * main part) and posting new ones (the recent part) gives exactly what a
 * rebuild from the rows gives: the contentless deletions hit their entries.
 */
static void test_B8_changes_after_a_fold_match_a_rebuild(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i++) post(e, i);
    tidy(e, 1);
    assert_int_equal(listing_delete(&e->ctx, 3), 0);
    listing_in_t in = {.category = "goods", .subcategory = "digital", .title = "搬家服务 改过的", .description = "新描述",
                       .has_city = true, .city = 1101, .contact_phone = "13700000009", .has_price = true,
                       .price_fen = 500, .fields = json_pack("{s:s}", "condition", "九成新")};
    const char *status;
    assert_int_equal(listing_update(&e->ctx, 7, &in, &status), 0);
    json_decref(in.fields);
    for (int i = N_LISTINGS; i < N_LISTINGS + 5; i++) post(e, i);
    /* and a recent one deleted, another edited so that it no longer says 服务: their entries leave the recent part */
    assert_int_equal(listing_delete(&e->ctx, N_LISTINGS + 1), 0);
    in.title = "旧家具 转让", in.fields = json_pack("{s:s}", "condition", "九成新");
    assert_int_equal(listing_update(&e->ctx, N_LISTINGS + 2, &in, &status), 0);
    json_decref(in.fields);
    assert_int_equal(ROWS("listings_fts_new_ids"), 5); /* the two edited and the three new left */
    assert_int_equal(ROWS("listings_fts_new"), 5);
    assert_int_equal(ROWS("listings_fts"), N_LISTINGS - 2);
    char *cards = snapshot(e), *rows = row_results(e, true);
    assert_null(strstr(cards, "\n3 ")); /* the deleted one is gone */
    int64_t n = 0;
    assert_int_equal(listing_reindex_text(&e->ctx, &n), 0);
    assert_int_equal(n, N_LISTINGS + 3);
    assert_same_results(e, cards, rows);
    free(cards), free(rows);
}

/* A pool over the test's database, as serve has: writes through it are batched (db_defer). */
static dbpool_t *open_pool(env_t *e)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/linli.db", e->dir);
    dbpool_t *pool = dbpool_new(path, 2, false, &e->log);
    assert_non_null(pool);
    return pool;
}

/*
 * As serve runs it: on a pool's connection, inside a batch's savepoint. The
 * fold is one transaction however many chunks it reads (here a chunk of 4
 * ends exactly at the last listing), and the main part gains one segment:
 * a deferred write or a statement journal between the inserts would flush
 * the pending terms into a segment each.
 */
static void test_B8_the_tidy_folds_through_a_pool_into_one_new_segment(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS / 2; i++) post(e, i);
    tidy(e, 1);
    assert_int_equal(SEGMENTS("listings_fts"), 1);
    for (int i = N_LISTINGS / 2; i < N_LISTINGS; i++) post(e, i);
    char *cards = snapshot(e), *rows = row_results(e, true);
    dbpool_t *pool = open_pool(e);
    ctx_t c = e->ctx;
    c.db = dbpool_acquire(pool);
    listing_tidy_t t = {.fold_rows = 1, .fold_chunk = 4};
    bool did = false;
    assert_int_equal(listing_tidy_step(&c, &t, &did), 0); /* the fold alone */
    assert_true(did);
    assert_int_equal(ROWS("listings_fts_new_ids"), 0);
    assert_int_equal(ROWS("listings_fts_new"), 0);
    assert_int_equal(ROWS("listings_fts"), N_LISTINGS);
    assert_int_equal(SEGMENTS("listings_fts"), 2);
    tidy_on(e, &c, 1, 4);
    dbpool_release(pool, c.db);
    dbpool_free(pool);
    assert_same_results(e, cards, rows);
    free(cards), free(rows);
}

/*
 * Fold after fold, the main part stays in a few segments (at most 3) without
 * being rewritten whole after every fold (it is in more than one at times).
 * FTS5's own automerge is off: the tidy's merges alone keep the bound.
 */
static void test_B8_folds_keep_the_main_part_in_a_few_segments(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    assert_int_equal(db_exec(e->db, "INSERT INTO listings_fts(listings_fts, rank) VALUES ('automerge', 0)"), 0);
    int most = 0;
    for (int i = 0; i < N_LISTINGS; i += 2) {
        post(e, i), post(e, i + 1);
        tidy(e, 2);
        int n = (int)SEGMENTS("listings_fts");
        assert_in_range(n, 1, 3);
        if (n > most) most = n;
        assert_int_equal(ROWS("listings_fts"), i + 2);
    }
    assert_true(most > 1);
    char *cards = snapshot(e), *rows = row_results(e, true);
    int64_t n = 0;
    assert_int_equal(listing_reindex_text(&e->ctx, &n), 0);
    assert_same_results(e, cards, rows);
    free(cards), free(rows);
}

#define FTS_SETTING(k) scalar(e, "SELECT v FROM listings_fts_config WHERE k = '" k "'")

/*
 * A rebuild ends with the main part in one segment and FTS5's settings as
 * serving wants them: it turns off the merges FTS5 would make on its own
 * while it writes, and must turn them back on.
 */
static void test_B8_a_rebuild_leaves_one_segment_and_fts5_merging_again(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i += 4) {
        for (int j = i; j < i + 4 && j < N_LISTINGS; j++) post(e, j);
        tidy(e, 1);
    }
    for (int i = 0; i < 3; i++) post(e, N_LISTINGS + i); /* and some in the recent part */
    assert_true(SEGMENTS("listings_fts") > 1);
    char *cards = snapshot(e), *rows = row_results(e, true);
    int64_t n = 0;
    assert_int_equal(listing_reindex_text(&e->ctx, &n), 0);
    assert_int_equal(n, N_LISTINGS + 3);
    assert_int_equal(SEGMENTS("listings_fts"), 1);
    assert_int_equal(ROWS("listings_fts_new_ids"), 0);
    assert_int_equal(FTS_SETTING("automerge"), 4);
    assert_int_equal(FTS_SETTING("crisismerge"), 16);
    assert_int_equal(FTS_SETTING("hashsize"), 1048576);
    assert_same_results(e, cards, rows);
    free(cards), free(rows);
}

/*
 * A recent part past the most one fold moves (it grew under a long run of
 * posts) is folded oldest first, in parts: each takes its listings out of
 * the recent part, and no search sees a listing twice or not at all.
 */
static void test_B8_a_large_recent_part_is_folded_oldest_first_in_parts(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i++) post(e, i);
    char *cards = snapshot(e), *rows = row_results(e, true);
    listing_tidy_t t = {.fold_rows = 1, .fold_chunk = 4, .fold_max = 15};
    bool did = false;
    assert_int_equal(listing_tidy_step(&e->ctx, &t, &did), 0);
    assert_true(did);
    assert_int_equal(ROWS("listings_fts"), 15);
    assert_int_equal(ROWS("listings_fts_new"), N_LISTINGS - 15);
    assert_int_equal(ROWS("listings_fts_new_ids"), N_LISTINGS - 15);
    assert_int_equal(scalar(e, "SELECT min(id) FROM listings_fts_new_ids"), 16);
    assert_same_results(e, cards, rows);
    tidy_on(e, &e->ctx, 1, 4);
    assert_int_equal(ROWS("listings_fts"), N_LISTINGS);
    assert_int_equal(ROWS("listings_fts_new_ids"), 0);
    assert_same_results(e, cards, rows);
    free(cards), free(rows);
}

/*
 * A fold waits until no request has written for a while: in a run of posts
 * it would take the gaps between them and make the next posts wait.
 */
static void test_B8_a_fold_waits_for_a_quiet_write_path(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    dbpool_t *pool = open_pool(e);
    db_t *solo = e->ctx.db;
    e->ctx.db = dbpool_acquire(pool); /* the posts go through the pool's write path */
    for (int i = 0; i < 3; i++) post(e, i);
    listing_tidy_t t = {.fold_rows = 1, .fold_quiet_ms = 60000};
    bool did = true;
    assert_int_equal(listing_tidy_step(&e->ctx, &t, &did), 0);
    assert_false(did);
    assert_int_equal(ROWS("listings_fts_new_ids"), 3);
    usleep(20000);
    t.fold_quiet_ms = 10;
    assert_int_equal(listing_tidy_step(&e->ctx, &t, &did), 0);
    assert_true(did);
    assert_int_equal(ROWS("listings_fts_new_ids"), 0);
    assert_int_equal(ROWS("listings_fts"), 3);
    dbpool_release(pool, e->ctx.db);
    dbpool_free(pool);
    e->ctx.db = solo;
}

/* Newest first is the ascending walk of the full-text rowids, which count down from LIDX_FTS_BASE. */
static void test_B8_full_text_rowids_count_down_from_the_base(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < 3; i++) post(e, i);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(e->db), "SELECT rowid FROM listings_fts UNION ALL "
                                                        "SELECT rowid FROM listings_fts_new ORDER BY rowid", -1, &st,
                                        NULL),
                     SQLITE_OK);
    int64_t want = LIDX_FTS_BASE - 3;
    while (sqlite3_step(st) == SQLITE_ROW) assert_int_equal(sqlite3_column_int64(st, 0), want++);
    assert_int_equal(want, LIDX_FTS_BASE);
    sqlite3_finalize(st);
}

/* A card is the listing's public summary and nothing more: no contact, no description. */
static void test_B12_a_card_is_the_public_summary_without_contact(void **state)
{
    env_t *e = *state;
    e->ctx.user_id = sign_in(e, "13700000009");
    post(e, 1);
    listing_t l;
    assert_int_equal(listing_load(&e->ctx, 1, &l), 0);
    json_t *want = lidx_summary(&e->ctx, &l, NULL);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(e->db), "SELECT card FROM listing_cards WHERE id = 1", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *card = (const char *)sqlite3_column_text(st, 0);
    json_t *got = json_loads(card, 0, NULL);
    assert_true(json_equal(got, want));
    assert_null(strstr(card, "1370"));
    assert_null(strstr(card, "测试描述"));
    sqlite3_finalize(st);
    json_decref(got);
    json_decref(want);
}

/* Every page of a nearby search, as "id distance" lines. */
static void near_pages(env_t *e, bool cards, double r, search_sort_t sort, char *out, size_t cap)
{
    search_params_t p = {.has_near = true, .lat = 39.91, .lng = 116.40, .radius_km = r, .limit = 3, .cards = cards,
                         .sort = sort};
    size_t used = 0;
    out[0] = '\0';
    do {
        search_hit_t *hits;
        size_t n;
        const char *next;
        assert_int_equal(search_run(&e->ctx, &p, &hits, &n, &next), 0);
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(out + used, cap - used, "%lld %.1f\n", (long long)hits[i].id, hits[i].distance_km);
        p.cursor = next;
    } while (p.cursor);
}

/* The cell merge (cards) and the R*Tree with rows give the same listings, newest first, page by page. */
static void test_B9_nearby_cells_agree_with_the_tree(void **state)
{
    env_t *e = *state;
    char a[8192], b[8192];
    e->ctx.user_id = sign_in(e, "13700000009");
    for (int i = 0; i < N_LISTINGS; i++) post(e, i);
    for (int expired = 0; expired < 2; expired++) {
        /* listings past their expiry that the sweep has not moved yet: skipped, and paging goes on */
        if (expired)
            assert_int_equal(db_exec(e->db, "UPDATE listings SET expires_at = 1 WHERE id IN (12, 38);"
                                            "UPDATE listing_cards SET expires_at = 1 WHERE id IN (12, 38);"),
                             0);
        for (double r = 1; r <= 10; r += 3) {
            for (int sort = 0; sort < 2; sort++) {
                search_sort_t s = sort ? SORT_DISTANCE : SORT_NEWEST;
                near_pages(e, true, r, s, a, sizeof a);
                near_pages(e, false, r, s, b, sizeof b);
                assert_string_equal(a, b);
                assert_true(r < 2 || strlen(a) > 0);
                assert_true(!expired || (!strstr(a, "\n12 ") && strncmp(a, "12 ", 3) && !strstr(a, "\n38 ")));
            }
        }
    }
}

#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_B8_a_rebuild_gives_back_the_indexes_posting_built),
        T(test_B8_full_text_rowids_count_down_from_the_base),
        T(test_B8_the_tidy_merges_and_folds_without_changing_a_result),
        T(test_B8_changes_after_a_fold_match_a_rebuild),
        T(test_B8_the_tidy_folds_through_a_pool_into_one_new_segment),
        T(test_B8_folds_keep_the_main_part_in_a_few_segments),
        T(test_B8_a_rebuild_leaves_one_segment_and_fts5_merging_again),
        T(test_B8_a_large_recent_part_is_folded_oldest_first_in_parts),
        T(test_B8_a_fold_waits_for_a_quiet_write_path),
        T(test_B12_a_card_is_the_public_summary_without_contact),
        T(test_B9_nearby_cells_agree_with_the_tree),
    };
    return cmocka_run_group_tests_name("listing_index", tests, NULL, NULL);
}
