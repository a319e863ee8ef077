/*
 * test_tmpl.c — the Mustache renderer against the official spec and our own edges.
 *
 * Every non-optional JSON file in tests/data/mustache-spec/ (files starting
 * with '~' are optional modules we do not implement) must pass in full; any
 * mismatch is reported with its file and test name. The rest covers what the
 * web layer relies on: escaping, parse errors with line numbers, the depth
 * guard, large templates, and that no malformed input crashes the parser.
 * Run from the repository root.
 */
#include "support.h"
#include "base/mem.h"
#include "web/tmpl.h"
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_DIR "tests/data/mustache-spec"

typedef struct {
    const char *name;
    tmpl_t *t;
} named_tmpl_t;

typedef struct {
    named_tmpl_t items[16];
    size_t n;
} partials_t;

static const tmpl_t *find_partial(void *pctx, const char *name)
{
    const partials_t *ps = pctx;
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->items[i].name, name) == 0) return ps->items[i].t;
    return NULL;
}

static void add_partial(partials_t *ps, const char *name, const char *src)
{
    char err[200];
    assert_true(ps->n < ARRAY_LEN(ps->items));
    tmpl_t *t = tmpl_parse(src, strlen(src), err, sizeof err);
    if (!t) fail_msg("partial '%s' failed to parse: %s", name, err);
    ps->items[ps->n++] = (named_tmpl_t){name, t};
}

static void free_partials(partials_t *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        tmpl_free(ps->items[i].t);
    ps->n = 0;
}

/* Renders src against a JSON context written as text; the caller frees the result. */
static char *render_str(const char *src, const char *json, partials_t *ps)
{
    char err[200];
    tmpl_t *t = tmpl_parse(src, strlen(src), err, sizeof err);
    if (!t) fail_msg("template failed to parse: %s", err);
    json_t *ctx = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(ctx);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(tmpl_render(t, ctx, find_partial, ps, &out), 0);
    char *s = mem_strdup(out.data ? out.data : "");
    tmpl_buf_free(&out);
    json_decref(ctx);
    tmpl_free(t);
    return s;
}

static void assert_renders(const char *src, const char *json, const char *expected)
{
    partials_t none = {.n = 0};
    char *got = render_str(src, json, &none);
    if (strcmp(got, expected) != 0)
        fail_msg("template %s\n  expected [%s]\n  got      [%s]", src, expected, got);
    free(got);
}

static void assert_parse_fails(const char *src, const char *why)
{
    char err[200] = "unset";
    tmpl_t *t = tmpl_parse(src, strlen(src), err, sizeof err);
    if (t) fail_msg("template [%s] parsed but should not", src);
    if (!strstr(err, why)) fail_msg("template [%s]: error [%s] lacks [%s]", src, err, why);
}

/* ---- the spec ---- */

/* One spec case; prints why and returns false on any difference. */
static bool run_spec_case(const char *file, json_t *tc)
{
    const char *name = json_string_value(json_object_get(tc, "name"));
    const char *src = json_string_value(json_object_get(tc, "template"));
    const char *expected = json_string_value(json_object_get(tc, "expected"));
    partials_t ps = {.n = 0};
    const char *pname;
    json_t *psrc;
    json_object_foreach(json_object_get(tc, "partials"), pname, psrc)
        add_partial(&ps, pname, json_string_value(psrc));

    char err[200] = "";
    tmpl_t *t = tmpl_parse(src, strlen(src), err, sizeof err);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    int rc = t ? tmpl_render(t, json_object_get(tc, "data"), find_partial, &ps, &out) : -1;
    const char *got = out.data ? out.data : "";
    bool ok = rc == 0 && strlen(got) == out.len && strcmp(got, expected) == 0;
    if (!ok)
        print_message("FAIL %s: %s (parse: %s, rc %d)\n  expected [%s]\n  got      [%s]\n", file,
                      name, t ? "ok" : err, rc, expected, got);
    tmpl_buf_free(&out);
    tmpl_free(t);
    free_partials(&ps);
    return ok;
}

static void run_spec_file(const char *file, int *passed, int *total)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SPEC_DIR, file);
    json_error_t jerr;
    json_t *spec = json_load_file(path, 0, &jerr);
    if (!spec) fail_msg("%s: %s", path, jerr.text);
    json_t *tests = json_object_get(spec, "tests");
    assert_true(json_array_size(tests) > 0);
    size_t i;
    json_t *tc;
    int file_passed = 0;
    json_array_foreach(tests, i, tc) file_passed += run_spec_case(file, tc);
    print_message("%s: %d/%zu\n", file, file_passed, json_array_size(tests));
    *passed += file_passed;
    *total += (int)json_array_size(tests);
    json_decref(spec);
}

static int is_required_spec(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '~' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

static void test_every_spec_case_renders_exactly(void **state)
{
    (void)state;
    struct dirent **files;
    int nfiles = scandir(SPEC_DIR, &files, is_required_spec, alphasort);
    if (nfiles < 0) fail_msg("cannot read %s (run from the repository root)", SPEC_DIR);
    const char *required[] = {"comments.json", "delimiters.json", "interpolation.json",
                              "inverted.json", "partials.json",   "sections.json"};
    int found = 0, passed = 0, total = 0;
    for (int i = 0; i < nfiles; i++) {
        for (size_t k = 0; k < ARRAY_LEN(required); k++)
            found += !strcmp(files[i]->d_name, required[k]);
        run_spec_file(files[i]->d_name, &passed, &total);
        free(files[i]);
    }
    free(files);
    print_message("mustache spec: %d/%d cases pass\n", passed, total);
    assert_int_equal(found, (int)ARRAY_LEN(required));
    assert_int_equal(passed, total);
}

/* ---- escaping ---- */

static void test_escapes_script_tags_and_quotes(void **state)
{
    (void)state;
    assert_renders("<p>{{x}}</p>", "{\"x\": \"<script>alert('hi & bye')</script>\"}",
                   "<p>&lt;script&gt;alert(&#39;hi &amp; bye&#39;)&lt;/script&gt;</p>");
    assert_renders(
        "<a title=\"{{t}}\" data-x='{{t}}'>", "{\"t\": \"\\\" onclick=\\\"x' y\"}",
        "<a title=\"&quot; onclick=&quot;x&#39; y\" data-x='&quot; onclick=&quot;x&#39; y'>");
    /* escaping applies to data reached through sections and partials alike */
    assert_renders("{{#l}}{{.}}{{/l}}", "{\"l\": [\"<b>\", \"&\"]}", "&lt;b&gt;&amp;");
}

static void test_raw_output_only_when_asked_by_name(void **state)
{
    (void)state;
    assert_renders("{{{h}}}|{{&h}}|{{h}}", "{\"h\": \"<i>\"}", "<i>|<i>|&lt;i&gt;");
    /* the template's own text is never escaped, and data is never re-parsed */
    assert_renders("<b>{{x}}</b>", "{\"x\": \"{{y}}\", \"y\": \"<\"}", "<b>{{y}}</b>");
}

/* ---- values ---- */

static void test_falsey_values_follow_the_spec_bang_bang_rule(void **state)
{
    (void)state;
    const char *t = "{{#v}}T{{/v}}{{^v}}F{{/v}}";
    assert_renders(t, "{\"v\": 0}", "F");
    assert_renders(t, "{\"v\": 0.0}", "F");
    assert_renders(t, "{\"v\": \"\"}", "F");
    assert_renders(t, "{\"v\": []}", "F");
    assert_renders(t, "{\"v\": null}", "F");
    assert_renders(t, "{\"v\": false}", "F");
    assert_renders(t, "{}", "F");
    assert_renders(t, "{\"v\": 1}", "T");
    assert_renders(t, "{\"v\": \"0\"}", "T");
    assert_renders(t, "{\"v\": {}}", "T");
    assert_renders(t, "{\"v\": [0]}", "T");
}

static void test_numbers_and_booleans_interpolate_plainly(void **state)
{
    (void)state;
    assert_renders("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
                   "{\"a\": -42, \"b\": 9007199254740993, \"c\": 0.1, \"d\": 2.5e-7,"
                   " \"e\": 3.0, \"f\": true, \"g\": false}",
                   "-42 9007199254740993 0.1 2.5e-07 3 true false");
    assert_renders("{{a}} {{b}} {{c}}", "{\"a\": -9223372036854775808, \"b\": 0, \"c\": 10}",
                   "-9223372036854775808 0 10");
    /* objects and arrays have no text form */
    assert_renders("[{{o}}][{{l}}]", "{\"o\": {\"k\": 1}, \"l\": [1]}", "[][]");
}

static void test_parse_once_render_many(void **state)
{
    (void)state;
    const char *src = "<li>{{name}}: {{#tags}}{{.}},{{/tags}}</li>";
    tmpl_t *t = tmpl_parse(src, strlen(src), NULL, 0);
    assert_non_null(t);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    for (int i = 0; i < 3; i++) {
        json_t *ctx = json_pack("{s:s, s:[i,i]}", "name", i == 1 ? "b" : "a", "tags", i, i + 1);
        assert_int_equal(tmpl_render(t, ctx, NULL, NULL, &out), 0);
        json_decref(ctx);
    }
    /* render appends; reset empties but keeps the memory */
    assert_string_equal(out.data, "<li>a: 0,1,</li><li>b: 1,2,</li><li>a: 2,3,</li>");
    char *kept = out.data;
    tmpl_buf_reset(&out);
    assert_int_equal(out.len, 0);
    assert_string_equal(out.data, "");
    assert_ptr_equal(out.data, kept);
    tmpl_buf_free(&out);
    assert_null(out.data);
    tmpl_buf_free(&out); /* freeing twice is harmless */
    tmpl_free(t);
    tmpl_free(NULL);
}

static void test_source_need_not_end_in_nul_and_may_hold_nul(void **state)
{
    (void)state;
    const char src[] = {'a', '\0', 'b', '{', '{', 'x', '}', '}', '{', '{'}; /* no terminator */
    tmpl_t *t = tmpl_parse(src, 8, NULL, 0);
    assert_non_null(t);
    json_t *ctx = json_pack("{s:s}", "x", "<");
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(tmpl_render(t, ctx, NULL, NULL, &out), 0);
    assert_int_equal(out.len, 7);
    assert_memory_equal(out.data, "a\0b&lt;", 7);
    tmpl_buf_free(&out);
    json_decref(ctx);
    tmpl_free(t);
    assert_null(tmpl_parse(src, 10, NULL, 0)); /* the trailing "{{" is an unclosed tag */
    t = tmpl_parse(NULL, 0, NULL, 0);          /* an empty template is fine */
    assert_non_null(t);
    tmpl_free(t);
}

/* ---- partials ---- */

static void test_partial_indent_accumulates_only_for_standalone_tags(void **state)
{
    (void)state;
    partials_t ps = {.n = 0};
    add_partial(&ps, "outer", "a\n  {{>inner}}\nb\n");
    add_partial(&ps, "inner", "x\n{{v}}\n");
    add_partial(&ps, "inline", "a {{>inner}}|\nb");
    add_partial(&ps, "tail", "a\n{{! c }}{{! d }}");
    char *got = render_str("  {{>outer}}\n", "{\"v\": \"1\\n2\"}", &ps);
    assert_string_equal(got, "  a\n    x\n    1\n2\n  b\n");
    free(got);
    got = render_str("  {{>inline}}\n", "{\"v\": \"v\"}", &ps);
    assert_string_equal(got, "  a x\nv\n|\n  b");
    free(got);
    /* a last line of inline tags that render nothing still gets its indent */
    got = render_str("  {{>tail}}\n", "{}", &ps);
    assert_string_equal(got, "  a\n  ");
    free(got);
    free_partials(&ps);
}

/* ---- errors ---- */

static void test_malformed_templates_fail_with_line_numbers(void **state)
{
    (void)state;
    assert_parse_fails("a\nb {{x", "line 2: tag opened here is never closed");
    assert_parse_fails("{{{x}}", "line 1: tag opened here is never closed");
    assert_parse_fails("{{!never closed", "never closed");
    assert_parse_fails("\n\n{{#a}}\n", "line 3: section 'a' is never closed");
    assert_parse_fails("{{#a}}\n{{/b}}", "line 2: section 'a' closed by 'b'");
    assert_parse_fails("{{#a}}{{^b}}{{/a}}{{/b}}", "section 'b' closed by 'a'");
    assert_parse_fails("x\n{{/a}}", "line 2: closing tag 'a' has no open section");
    assert_parse_fails("{{}}", "needs a name");
    assert_parse_fails("{{  }}", "needs a name");
    assert_parse_fails("{{#}}{{/}}", "needs a name");
    assert_parse_fails("{{a b}}", "needs a name");
    assert_parse_fails("{{a..b}}", "needs a name");
    assert_parse_fails("{{.a}}", "needs a name");
    assert_parse_fails("{{>}}", "needs a name");
    assert_parse_fails("{{=x=}}", "set-delimiter");
    assert_parse_fails("{{= a b c =}}", "set-delimiter");
    assert_parse_fails("{{=<% %>=}}<%x", "tag opened here is never closed");
    assert_parse_fails("{{=aaaaaaaaaaaaaaaaa b=}}", "set-delimiter");
    assert_parse_fails("{{=<= =>=}}", "set-delimiter");
}

static void test_error_buffer_is_optional_and_never_overrun(void **state)
{
    (void)state;
    assert_null(tmpl_parse("{{#a}}", 6, NULL, 0));
    char err[8];
    memset(err, 'z', sizeof err);
    assert_null(tmpl_parse("{{#a}}", 6, err, 6));
    assert_string_equal(err, "line ");
    assert_int_equal(err[6], 'z');
    assert_null(tmpl_parse("{{/a}}", 6, err, sizeof err));
    assert_int_equal(strlen(err), sizeof err - 1);
    assert_null(tmpl_parse(NULL, 3, err, sizeof err));
}

static const tmpl_t *self_partial(void *pctx, const char *name)
{
    (void)name;
    return pctx;
}

static void test_self_including_partial_fails_and_leaves_output_alone(void **state)
{
    (void)state;
    const char *src = "again {{>me}}";
    tmpl_t *t = tmpl_parse(src, strlen(src), NULL, 0);
    json_t *ctx = json_object();
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(tmpl_render(t, ctx, NULL, NULL, &out), 0); /* no partials: renders nothing */
    assert_string_equal(out.data, "again ");
    assert_int_equal(tmpl_render(t, ctx, self_partial, t, &out), -1);
    assert_string_equal(out.data, "again ");
    assert_int_equal(out.len, 6);
    tmpl_buf_free(&out);

    /* mutual recursion through a standalone partial inside a section */
    partials_t ps = {.n = 0};
    add_partial(&ps, "a", "{{#x}}\n  {{>b}}\n{{/x}}\n");
    add_partial(&ps, "b", "{{>a}}");
    tmpl_t *root = tmpl_parse("{{>a}}", 6, NULL, 0);
    json_object_set_new(ctx, "x", json_true());
    assert_int_equal(tmpl_render(root, ctx, find_partial, &ps, &out), -1);
    assert_int_equal(out.len, 0);
    tmpl_buf_free(&out);
    tmpl_free(root);
    free_partials(&ps);
    json_decref(ctx);
    tmpl_free(t);
}

static void test_recursion_within_the_depth_limit_renders(void **state)
{
    (void)state;
    /* a tree 20 levels deep uses 40 levels: a section and a partial per node */
    partials_t ps = {.n = 0};
    add_partial(&ps, "node", "({{#kids}}{{>node}}{{/kids}})");
    json_t *leaf = json_pack("{s:[]}", "kids"); /* else "kids" resolves in the parent */
    for (int i = 0; i < 19; i++)
        leaf = json_pack("{s:[o]}", "kids", leaf);
    tmpl_t *root = tmpl_parse("{{>node}}", 9, NULL, 0);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(tmpl_render(root, leaf, find_partial, &ps, &out), 0);
    assert_int_equal(out.len, 40);
    /* 40 levels deep needs 80: refused */
    for (int i = 0; i < 20; i++)
        leaf = json_pack("{s:[o]}", "kids", leaf);
    tmpl_buf_reset(&out);
    assert_int_equal(tmpl_render(root, leaf, find_partial, &ps, &out), -1);
    tmpl_buf_free(&out);
    tmpl_free(root);
    free_partials(&ps);
    json_decref(leaf);
}

static void test_sections_nested_past_the_limit_fail_to_parse(void **state)
{
    (void)state;
    char src[2048];
    size_t len = 0;
    for (int i = 0; i <= TMPL_MAX_DEPTH; i++)
        len += (size_t)snprintf(src + len, sizeof src - len, "{{#s%d}}", i);
    assert_true(len < sizeof src);
    char err[200];
    assert_null(tmpl_parse(src, len, err, sizeof err));
    assert_non_null(strstr(err, "line 1: sections nested deeper than 64"));
    /* exactly at the limit is fine */
    size_t at_limit = (size_t)(strstr(src, "{{#s64}}") - src);
    for (int i = TMPL_MAX_DEPTH - 1; i >= 0; i--)
        at_limit += (size_t)snprintf(src + at_limit, sizeof src - at_limit, "{{/s%d}}", i);
    assert_true(at_limit < sizeof src);
    tmpl_t *t = tmpl_parse(src, at_limit, err, sizeof err);
    assert_non_null(t);
    tmpl_free(t);
}

/* ---- size and robustness ---- */

static void test_one_megabyte_template_renders(void **state)
{
    (void)state;
    const char *unit = "<li class=\"x\">{{name}} &amp; {{{raw}}}{{#tags}}[{{.}}]{{/tags}}</li>\n";
    const char *rendered = "<li class=\"x\">A&lt;B &amp; <b>[1][2]</li>\n";
    size_t ulen = strlen(unit), count = (1u << 20) / ulen + 1;
    char *src = mem_alloc(ulen * count);
    for (size_t i = 0; i < count; i++)
        memcpy(src + i * ulen, unit, ulen);
    tmpl_t *t = tmpl_parse(src, ulen * count, NULL, 0);
    free(src);
    assert_non_null(t);
    json_t *ctx = json_pack("{s:s, s:s, s:[i,i]}", "name", "A<B", "raw", "<b>", "tags", 1, 2);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(tmpl_render(t, ctx, NULL, NULL, &out), 0);
    size_t rlen = strlen(rendered);
    assert_int_equal(out.len, rlen * count);
    for (size_t i = 0; i < count; i += count / 7)
        assert_memory_equal(out.data + i * rlen, rendered, rlen);
    tmpl_buf_free(&out);
    json_decref(ctx);
    tmpl_free(t);
}

static void test_random_templates_never_crash(void **state)
{
    (void)state;
    static const char *const bits[] = {
        "{{", "}}",     "{{{",    "}}}",    "#a",         "^a",    "/a",        "#b",  "/b",
        ">p", ">q",     "!",      "=",      "&",          ".",     "a",         "b.c", " ",
        "\n", "\r\n",   "\t",     "x",      "<% %>",      "=}}",   "{{=| |=}}", "|",   "%>",
        "<%", "{{#a}}", "{{/a}}", "{{>p}}", "  {{>q}}\n", "{{.}}", "\0",
    };
    partials_t ps = {.n = 0};
    add_partial(&ps, "p", "P{{a}}\n");
    add_partial(&ps, "q", "  {{#a}}\n{{>q}}\n{{/a}}\n");
    json_t *ctx = json_loads("{\"a\": [1, {\"a\": []}, \"<\"], \"b\": {\"c\": 2.5}}", 0, NULL);
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    unsigned seed = 12345;
    char src[400];
    int parsed = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        int pieces = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 14;
        for (int k = 0; k < pieces; k++) {
            const char *b = bits[((seed = seed * 1103515245u + 12345u) >> 16) % ARRAY_LEN(bits)];
            size_t n = b[0] ? strlen(b) : 1;
            memcpy(src + len, b, n);
            len += n;
        }
        char err[64];
        tmpl_t *t = tmpl_parse(src, len, err, sizeof err);
        if (!t) continue;
        parsed++;
        tmpl_buf_reset(&out);
        int rc = tmpl_render(t, ctx, find_partial, &ps, &out);
        assert_true(rc == 0 || rc == -1);
        tmpl_free(t);
    }
    assert_true(parsed > 1000);
    tmpl_buf_free(&out);
    json_decref(ctx);
    free_partials(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_spec_case_renders_exactly),
        cmocka_unit_test(test_escapes_script_tags_and_quotes),
        cmocka_unit_test(test_raw_output_only_when_asked_by_name),
        cmocka_unit_test(test_falsey_values_follow_the_spec_bang_bang_rule),
        cmocka_unit_test(test_numbers_and_booleans_interpolate_plainly),
        cmocka_unit_test(test_parse_once_render_many),
        cmocka_unit_test(test_source_need_not_end_in_nul_and_may_hold_nul),
        cmocka_unit_test(test_partial_indent_accumulates_only_for_standalone_tags),
        cmocka_unit_test(test_malformed_templates_fail_with_line_numbers),
        cmocka_unit_test(test_error_buffer_is_optional_and_never_overrun),
        cmocka_unit_test(test_self_including_partial_fails_and_leaves_output_alone),
        cmocka_unit_test(test_recursion_within_the_depth_limit_renders),
        cmocka_unit_test(test_sections_nested_past_the_limit_fail_to_parse),
        cmocka_unit_test(test_one_megabyte_template_renders),
        cmocka_unit_test(test_random_templates_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
