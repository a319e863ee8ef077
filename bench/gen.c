/*
 * bench/gen.c — the listings benchmark's dataset generator and helper (bench/run.sh builds it,
 * linking the project's objects from build/ like the unit tests do).
 *
 *   gen build DIR N USERS SEED   a data folder DIR (keys.json, linli.db) with USERS accounts and N published
 *                                listings, plus the query lists the wrk scripts rotate over:
 *                                DIR/q-keyword.tsv, q-browse.tsv, q-nearby.tsv, and DIR/gen.txt (timings)
 *   gen count DIR                prints the number of listings rows
 *   gen segments DIR             the full text's two parts: segments of each, listings in the recent one
 *   gen plan DIR Q CITY CAT      EXPLAIN QUERY PLAN and best-of-20 time of one search (search_run), in-process;
 *                                Q "-": city + category browse; Q "@lat,lng": nearby 5 km + category
 *   gen sql DIR SQL              best-of-10 time of one statement, in-process (profiling)
 *   gen text DIR                 rebuilds the full-text index of DIR's listings (listing_reindex_text), timed
 *   gen loop DIR KIND ROUNDS     every query of DIR/q-KIND.tsv (keyword, browse, nearby) through search_run
 *                                (keyword-fts: the keyword list's full-text match alone),
 *                                ROUNDS times, in-process: per round the mean wall and CPU time per query and
 *                                the page-cache hits and misses per query (profiling; one connection;
 *                                GEN_VIEW_CACHE_MB=64 gives it the shared view cache the server has)
 *
 * Encodings are those of src/domain/listing.c and src/domain/account.c: accounts have a blind-indexed,
 * sealed phone and a DEK wrapped by the master key; each listing's contact phone (and address, e-mail, plate
 * when its category has them) is sealed with its poster's DEK through pi_seal; attrs is the compact,
 * key-sorted JSON listing.c writes; listings_fts gets exactly what index_add writes (title; description
 * plus the public text attributes, both in the listing's city-and-category scope; tags "c<city> d<district>
 * k<category> s<sub or none>"); listings_geo
 * gets (id, lat, lat, lng, lng, category) for listings with a point (rounded to 3 decimals). Rows are
 * written directly inside large transactions (listing_create's one commit per listing would take hours
 * at 1M); posting through the real path is measured separately over HTTP by run.sh.
 *
 * The full-text index is built in a second, timed pass over the stored rows, the way a reindex would:
 * that time is the "time to build the full-text index" of docs/performance.md.
 */
#include "base/arena.h"
#include "base/conf.h"
#include "base/ctx.h"
#include "base/log.h"
#include "domain/category.h"
#include "domain/listing.h"
#include "domain/listing_index.h"
#include "store/fts.h"
#include "domain/region.h"
#include "domain/search.h"
#include "privacy/pi.h"
#include "store/db.h"
#include "store/vault.h"
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define N_ARR(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static int rint_(int lo, int hi) { return lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }
static double rfrac(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
#define PICK(a) ((a)[rnd() % N_ARR(a)])

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "gen: %s\n", what);
    exit(1);
}

/* ---- vocabulary ---- */
static const char *const job_pos[] = {"厨师", "服务员", "司机", "保安", "收银员", "销售代表", "会计", "前台",
                                      "快递员", "外卖骑手", "店长", "电工", "焊工", "普工", "文员", "客服",
                                      "保洁员", "仓管", "程序员", "设计师", "幼师", "护工", "理发师", "厨工"};
static const char *const job_tag[] = {"包吃住", "五险一金", "月休四天", "急招", "长期稳定", "底薪加提成",
                                      "周末双休", "多劳多得", "工资日结", "环境好"};
static const char *const company_a[] = {"鑫源", "华联", "恒通", "金盛", "宏达", "新世纪", "顺丰", "美团",
                                        "海底捞", "万达", "永辉", "家乐", "德信", "天和"};
static const char *const company_b[] = {"餐饮有限公司", "物流公司", "超市", "酒店", "物业管理有限公司",
                                        "科技有限公司", "商贸公司", "连锁店"};
static const char *const job_req[] = {"身体健康，吃苦耐劳", "有相关经验者优先", "能适应倒班", "有驾照者优先",
                                      "责任心强，沟通能力好", "男女不限，年龄十八到四十五岁", "会基本电脑操作"};
static const char *const svc_name[] = {"搬家", "保洁", "家电维修", "开锁换锁", "保姆月嫂", "空调维修",
                                       "管道疏通", "水电维修", "家具安装", "开荒保洁"};
static const char *const svc_sub[] = {"moving", "cleaning", "appliance", "locksmith", "nanny", "repair",
                                      "repair", "repair", "other", "cleaning"};
static const char *const svc_tag[] = {"价格实惠", "二十四小时上门", "十年老店", "随叫随到", "正规公司",
                                      "师傅经验丰富", "当天上门", "明码标价"};
static const char *const rooms_cn[] = {"一室", "两室", "三室", "四室"};
static const char *const halls_cn[] = {"零厅", "一厅", "两厅"};
static const char *const house_tag[] = {"拎包入住", "近地铁", "南北通透", "家电齐全", "采光好", "随时看房",
                                        "小区安静", "学区房", "押一付一", "带阳台"};
static const char *const deco[] = {"毛坯", "简装", "精装", "豪装"};
static const char *const orient[] = {"东", "南", "西", "北", "南北通透", "东西"};
static const char *const car_brand[] = {"大众", "丰田", "本田", "宝马", "奔驰", "奥迪", "别克", "日产",
                                        "比亚迪", "吉利", "长安", "哈弗", "福特", "现代", "马自达"};
static const char *const car_model[] = {"朗逸", "卡罗拉", "雅阁", "三系", "C级", "A4L", "英朗", "轩逸",
                                        "秦", "帝豪", "逸动", "H6", "福克斯", "伊兰特", "昂克赛拉"};
static const char *const car_sub[] = {"sedan", "sedan", "sedan", "sedan", "sedan", "sedan", "sedan", "sedan",
                                      "sedan", "sedan", "sedan", "suv", "sedan", "sedan", "sedan"};
static const char *const car_tag[] = {"一手车", "无事故", "原版原漆", "保养记录全", "手续齐全", "可分期",
                                      "个人自用", "车况精品"};
static const char *const goods_item[] = {"手机", "笔记本电脑", "沙发", "冰箱", "洗衣机", "婴儿车", "书桌",
                                         "自行车", "空调", "电视", "衣柜", "电动车", "相机", "平板电脑",
                                         "餐桌", "跑步机", "儿童床", "微波炉"};
static const char *const goods_sub[] = {"digital", "digital", "furniture", "appliance", "appliance", "baby",
                                        "furniture", "other", "appliance", "appliance", "furniture", "other",
                                        "digital", "digital", "furniture", "other", "baby", "appliance"};
static const char *const cond[] = {"全新", "九成新", "八成新", "七成新及以下"};
static const char *const goods_tag[] = {"自提", "搬家转让", "闲置出售", "价格可议", "同城送货", "功能完好"};
static const char *const date_tag[] = {"真诚交友", "寻找另一半", "以结婚为目的", "周末一起爬山",
                                       "喜欢旅游美食", "性格开朗", "工作稳定", "希望认识靠谱的人"};
static const char *const hobby[] = {"读书", "跑步", "摄影", "做饭", "看电影", "旅游", "打球", "唱歌"};
static const char *const plate_prov[] = {"京", "沪", "粤", "川", "浙", "苏", "鄂", "鲁"};

/* 2-character search terms per category (index in cat_all order) */
static const char *const terms[6][12] = {
    {"厨师", "司机", "保安", "销售", "会计", "前台", "客服", "包吃", "急招", "双休", "电工", "店长"},
    {"搬家", "保洁", "维修", "开锁", "月嫂", "空调", "疏通", "上门", "实惠", "安装", "水电", "老店"},
    {"两室", "三室", "精装", "地铁", "采光", "学区", "阳台", "看房", "家电", "简装", "安静", "通透"},
    {"宝马", "丰田", "本田", "大众", "奥迪", "比亚", "无事", "分期", "原漆", "手续", "保养", "吉利"},
    {"手机", "沙发", "冰箱", "电脑", "空调", "书桌", "自提", "转让", "闲置", "电视", "衣柜", "相机"},
    {"交友", "真诚", "结婚", "旅游", "爬山", "开朗", "稳定", "靠谱", "美食", "摄影", "跑步", "读书"},
};

/* big cities and their weight; every other city weighs 1 */
static const struct {
    uint32_t code;
    int w;
} big[] = {{1101, 60}, {3101, 60}, {4401, 45}, {4403, 45}, {5001, 35}, {5101, 35}, {3301, 30}, {4201, 30},
           {1201, 25}, {3201, 25}, {6101, 25}, {3205, 22}, {4101, 20}, {4301, 20}, {3702, 18}, {2101, 18},
           {3502, 15}, {4419, 15}, {3402, 15}, {5301, 15}, {2301, 12}, {3501, 12}, {4406, 12}, {3302, 12}};

typedef struct {
    uint32_t code;
    double lat, lng;
    const uint32_t *districts;
    size_t nd;
} city_t;

static city_t *cities;
static size_t ncities;
static int *cum; /* cumulative weights */
static int total_w;

static void load_cities(region_db_t *rg)
{
    const uint32_t *prov;
    size_t np = region_provinces(rg, &prov);
    cities = calloc(400, sizeof(*cities));
    cum = calloc(400, sizeof(int));
    for (size_t i = 0; i < np; i++) {
        const uint32_t *cc;
        size_t nc = region_cities(rg, prov[i], &cc);
        for (size_t j = 0; j < nc && ncities < 400; j++) {
            city_t *c = &cities[ncities];
            c->code = cc[j];
            c->nd = region_districts(rg, cc[j], &c->districts);
            if (region_centre(rg, cc[j], &c->lat, &c->lng)) continue;
            int w = 1;
            for (size_t k = 0; k < N_ARR(big); k++)
                if (big[k].code == cc[j]) w = big[k].w;
            total_w += w;
            cum[ncities++] = total_w;
        }
    }
}

static city_t *pick_city(void)
{
    int r = (int)(rnd() % (uint64_t)total_w);
    size_t lo = 0, hi = ncities - 1;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (cum[m] > r) hi = m;
        else lo = m + 1;
    }
    return &cities[lo];
}

/* ---- one listing ---- */
typedef struct {
    int cat;
    const char *sub;
    char title[256], desc[2048];
    json_t *attrs;
    bool has_price;
    int64_t price;
    const char *priv_email, *priv_address, *priv_plate;
    char email[64], address[160], plate[32];
} gl_t;

static void make_listing(gl_t *g, const char *dname)
{
    memset(g, 0, sizeof(*g));
    g->attrs = json_object();
    static const int cat_w[] = {22, 18, 22, 10, 22, 6}; /* jobs services housing cars goods dating */
    int r = rint_(0, 99), acc = 0;
    for (g->cat = 0; g->cat < 5; g->cat++)
        if (r < (acc += cat_w[g->cat])) break;
    snprintf(g->address, sizeof g->address, "%s%s路%d号%d栋%d室", dname, PICK(company_a), rint_(1, 999),
             rint_(1, 30), rint_(101, 2808));
    switch (g->cat) {
    case 0: {
        const char *pos = PICK(job_pos);
        char company[96];
        snprintf(company, sizeof company, "%s%s", PICK(company_a), PICK(company_b));
        int smin = rint_(3, 15) * 1000, n = rint_(1, 10);
        g->sub = rint_(0, 9) < 7 ? "fulltime" : rint_(0, 1) ? "parttime" : "intern";
        snprintf(g->title, sizeof g->title, "招聘%s %s %s", pos, PICK(job_tag), PICK(job_tag));
        snprintf(g->desc, sizeof g->desc,
                 "%s诚聘%s%d名，%s。工作地点在%s，%s，%s。月薪%d到%d元，试用期一个月，转正后%s。有意者请电话联系，"
                 "非诚勿扰。",
                 company, pos, n, PICK(job_req), dname, PICK(job_tag), PICK(job_req), smin, smin + 2000,
                 PICK(job_tag));
        json_object_set_new(g->attrs, "position", json_string(pos));
        json_object_set_new(g->attrs, "company", json_string(company));
        json_object_set_new(g->attrs, "salary_min", json_integer(smin));
        json_object_set_new(g->attrs, "salary_max", json_integer(smin + 2000));
        json_object_set_new(g->attrs, "experience", json_string(PICK(((const char *[]){"不限", "1-3年", "3-5年"}))));
        json_object_set_new(g->attrs, "education", json_string(PICK(((const char *[]){"不限", "高中/中专", "大专", "本科"}))));
        json_object_set_new(g->attrs, "headcount", json_integer(n));
        g->has_price = true, g->price = (int64_t)smin * 100;
        if (rint_(0, 2) == 0) {
            snprintf(g->email, sizeof g->email, "hr%d@example.com", rint_(1, 99999));
            g->priv_email = g->email;
        }
        break;
    }
    case 1: {
        int k = (int)(rnd() % N_ARR(svc_name));
        g->sub = svc_sub[k];
        snprintf(g->title, sizeof g->title, "专业%s %s %s", svc_name[k], PICK(svc_tag), PICK(svc_tag));
        snprintf(g->desc, sizeof g->desc,
                 "本公司提供%s服务，%s，%s。服务范围覆盖%s及周边，%s。师傅均经过培训，持证上岗，收费透明，"
                 "不满意不收费。欢迎来电咨询预约。",
                 svc_name[k], PICK(svc_tag), PICK(svc_tag), dname, PICK(svc_tag));
        char area[96];
        snprintf(area, sizeof area, "%s及周边", dname);
        json_object_set_new(g->attrs, "service_area", json_string(area));
        json_object_set_new(g->attrs, "business_hours", json_string("早八点到晚九点"));
        g->has_price = true, g->price = (int64_t)rint_(5, 50) * 1000;
        g->priv_address = g->address;
        break;
    }
    case 2: {
        int rooms = rint_(0, 3), halls = rint_(0, 2), area = 30 + rooms * 25 + rint_(0, 40);
        const char *d = PICK(deco);
        g->sub = rint_(0, 9) < 6 ? "rent" : rint_(0, 1) ? "shared" : "sale";
        snprintf(g->title, sizeof g->title, "%s%s%s %s%s %s", dname, rooms_cn[rooms], halls_cn[halls], d,
                 strcmp(g->sub, "sale") ? "出租" : "出售", PICK(house_tag));
        snprintf(g->desc, sizeof g->desc,
                 "房子位于%s，%s%s，面积%d平方米，%s修，%s，%s。小区环境优美，物业管理完善，周边配套齐全，"
                 "超市菜场学校医院都很近。%s，欢迎随时联系看房。",
                 dname, rooms_cn[rooms], halls_cn[halls], area, d, PICK(house_tag), PICK(house_tag),
                 PICK(house_tag));
        json_object_set_new(g->attrs, "rooms", json_integer(rooms + 1));
        json_object_set_new(g->attrs, "halls", json_integer(halls));
        json_object_set_new(g->attrs, "area_m2", json_integer(area));
        json_object_set_new(g->attrs, "floor", json_integer(rint_(1, 30)));
        json_object_set_new(g->attrs, "total_floors", json_integer(30));
        json_object_set_new(g->attrs, "orientation", json_string(PICK(orient)));
        json_object_set_new(g->attrs, "decoration", json_string(d));
        g->has_price = true;
        g->price = strcmp(g->sub, "sale") ? (int64_t)rint_(8, 80) * 10000 : (int64_t)rint_(50, 800) * 1000000;
        g->priv_address = g->address;
        break;
    }
    case 3: {
        int k = (int)(rnd() % N_ARR(car_brand)), year = rint_(2010, 2025);
        g->sub = car_sub[k];
        snprintf(g->title, sizeof g->title, "%d年%s%s %s %s", year, car_brand[k], car_model[k], PICK(car_tag),
                 PICK(car_tag));
        snprintf(g->desc, sizeof g->desc,
                 "%s%s，%d年上牌，行驶%d万公里，%s，%s，%s。可以到%s看车，支持第三方检测，价格可小刀。",
                 car_brand[k], car_model[k], year, rint_(1, 20), PICK(car_tag), PICK(car_tag), PICK(car_tag), dname);
        json_object_set_new(g->attrs, "brand", json_string(car_brand[k]));
        json_object_set_new(g->attrs, "model", json_string(car_model[k]));
        json_object_set_new(g->attrs, "year", json_integer(year));
        json_object_set_new(g->attrs, "mileage_km", json_integer(rint_(1, 200) * 1000));
        json_object_set_new(g->attrs, "transmission", json_string(rint_(0, 3) ? "自动" : "手动"));
        json_object_set_new(g->attrs, "viewing_place", json_string(dname));
        g->has_price = true, g->price = (int64_t)rint_(2, 40) * 1000000;
        if (rint_(0, 1)) {
            snprintf(g->plate, sizeof g->plate, "%sA%05d", PICK(plate_prov), rint_(0, 99999));
            g->priv_plate = g->plate;
        }
        break;
    }
    case 4: {
        int k = (int)(rnd() % N_ARR(goods_item));
        const char *c = PICK(cond);
        g->sub = goods_sub[k];
        snprintf(g->title, sizeof g->title, "%s%s %s", c, goods_item[k], PICK(goods_tag));
        snprintf(g->desc, sizeof g->desc, "%s%s，%s，%s。买来没用几次，外观完好无划痕，配件齐全。%s，地址在%s。",
                 c, goods_item[k], PICK(goods_tag), PICK(goods_tag), PICK(goods_tag), dname);
        json_object_set_new(g->attrs, "condition", json_string(c));
        json_object_set_new(g->attrs, "trade_place", json_string(dname));
        g->has_price = true, g->price = (int64_t)rint_(5, 500) * 1000;
        break;
    }
    default: {
        int age = rint_(20, 45);
        bool m = rint_(0, 1);
        g->sub = rint_(0, 1) ? "friends" : "marriage";
        snprintf(g->title, sizeof g->title, "%d岁%s生 %s", age, m ? "男" : "女", PICK(date_tag));
        snprintf(g->desc, sizeof g->desc, "本人%d岁，在%s工作，%s，%s。平时喜欢%s和%s，%s。", age, dname,
                 PICK(date_tag), PICK(date_tag), PICK(hobby), PICK(hobby), PICK(date_tag));
        json_object_set_new(g->attrs, "gender", json_string(m ? "男" : "女"));
        json_object_set_new(g->attrs, "age", json_integer(age));
        json_object_set_new(g->attrs, "height_cm", json_integer(rint_(150, 190)));
        json_object_set_new(g->attrs, "looking_for", json_string(PICK(date_tag)));
        break;
    }
    }
}

/* ---- helpers on the project's objects ---- */
typedef struct {
    conf_t conf;
    log_t log;
    vault_t *vault;
    db_t *db;
    arena_t *arena;
    region_db_t *regions;
    ctx_t ctx;
} env_t;

static void env_open(env_t *e, const char *dir, bool create)
{
    char path[1024], err[256];
    memset(e, 0, sizeof(*e));
    conf_defaults(&e->conf);
    snprintf(e->conf.data_dir, sizeof e->conf.data_dir, "%s", dir);
    log_open(&e->log, NULL);
    snprintf(path, sizeof path, "%s/keys.json", dir);
    if (vault_open(&e->vault, path, create, err, sizeof err)) die(err);
    snprintf(path, sizeof path, "%s/linli.db", dir);
    if (db_open(&e->db, path, false, &e->log) || db_migrate(e->db)) die("db");
    e->arena = arena_new(1 << 16);
    e->regions = region_load("assets/regions/regions.tsv", err, sizeof err);
    if (!e->regions) die(err);
    e->ctx = (ctx_t){.db = e->db, .vault = e->vault, .arena = e->arena, .log = &e->log, .conf = &e->conf,
                     .regions = e->regions, .now = (int64_t)time(NULL), .client = "127.0.0.1", .agent = "gen"};
}

static void exec(db_t *db, const char *sql)
{
    if (db_exec(db, sql)) {
        fprintf(stderr, "gen: %s: %s\n", sql, sqlite3_errmsg(db_handle(db)));
        exit(1);
    }
}

static sqlite3_stmt *prep(db_t *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen: %s: %s\n", sql, sqlite3_errmsg(db_handle(db)));
        exit(1);
    }
    return st;
}

static void step_done(db_t *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "gen: step: %s\n", sqlite3_errmsg(db_handle(db)));
        exit(1);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_sealed(arena_t *a, sqlite3_stmt *st, int i, pi_id_t f, const uint8_t *dek, const char *v)
{
    if (!v) return;
    size_t n;
    uint8_t *b = pi_seal(a, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, i, b, (int)n, SQLITE_TRANSIENT);
}

static int64_t count_rows(db_t *db, const char *sql)
{
    sqlite3_stmt *st = prep(db, sql);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* The number of hits of one keyword search through search_run (the server's code). */
static size_t search_hits(env_t *e, const char *q, uint32_t city, const category_t *cat, double *ms)
{
    search_params_t p = {.q = q, .city = city, .cat = cat, .sort = SORT_NEWEST, .limit = 20};
    search_hit_t *hits;
    size_t n = 0;
    const char *next;
    double t0 = now_s();
    if (search_run(&e->ctx, &p, &hits, &n, &next)) n = 0;
    if (ms) *ms = (now_s() - t0) * 1000;
    return n;
}

static int cmd_build(const char *dir, long n, int users, unsigned seed)
{
    env_t e;
    char path[1200];
    mkdir(dir, 0700);
    rng_state ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    env_open(&e, dir, true);
    load_cities(e.regions);
    db_t *db = e.db;
    exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-524288; PRAGMA secure_delete=OFF;");
    snprintf(path, sizeof path, "%s/gen.txt", dir);
    FILE *rep = fopen(path, "w");
    if (!rep) die("gen.txt");
    int64_t now = (int64_t)time(NULL);

    /* accounts: as account.c's create_account, plus the policy consent */
    double t0 = now_s();
    uint8_t(*deks)[VAULT_KEY_LEN] = calloc((size_t)users + 1, VAULT_KEY_LEN);
    sqlite3_stmt *su = prep(db, "INSERT INTO users(id, phone_bi, phone, policy_version, created_at, updated_at) "
                                "VALUES (?,?,?,1,?,?)");
    sqlite3_stmt *sk = prep(db, "INSERT INTO keys.deks(user_id, dek, created_at) VALUES (?,?,?)");
    sqlite3_stmt *sc = prep(db, "INSERT INTO consents(user_id, purpose, policy_version, granted, at) "
                                "VALUES (?, 'policy', 1, 1, ?)");
    exec(db, "BEGIN");
    for (int u = 1; u <= users; u++) {
        char phone[16];
        uint8_t bi[VAULT_BLIND_LEN], wrapped[VAULT_WRAPPED_LEN];
        snprintf(phone, sizeof phone, "137%08d", u);
        vault_blind(e.vault, VAULT_BI_PHONE, phone, 11, bi);
        vault_dek_new(e.vault, deks[u], wrapped);
        int64_t at = now - 90 * 86400 + u;
        sqlite3_bind_int(su, 1, u);
        sqlite3_bind_blob(su, 2, bi, sizeof bi, SQLITE_TRANSIENT);
        bind_sealed(e.arena, su, 3, PI_USER_PHONE, deks[u], phone);
        sqlite3_bind_int64(su, 4, at);
        sqlite3_bind_int64(su, 5, at);
        step_done(db, su);
        sqlite3_bind_int(sk, 1, u);
        sqlite3_bind_blob(sk, 2, wrapped, sizeof wrapped, SQLITE_TRANSIENT);
        sqlite3_bind_int64(sk, 3, at);
        step_done(db, sk);
        sqlite3_bind_int(sc, 1, u);
        sqlite3_bind_int64(sc, 2, at);
        step_done(db, sc);
    }
    exec(db, "COMMIT");
    double t_users = now_s() - t0;

    /* listings rows and the R*Tree, in transactions of 100,000 */
    t0 = now_s();
    sqlite3_stmt *si = prep(db,
        "INSERT INTO listings(id, user_id, category, subcategory, title, description, attrs, price_fen, city, district, "
        "lat, lng, status, created_at, updated_at, expires_at, contact_email, address, plate, contact_phone) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'published',?,?,?,?,?,?,?)");
    long with_point = 0;
    /* created over the last 20 days, newest last; expiry 30 days after creation (listing.c) */
    double span = 20.0 * 86400;
    for (long i = 1; i <= n; i++) {
        if (i % 100000 == 1) exec(db, "BEGIN");
        city_t *c = pick_city();
        uint32_t d = c->nd ? c->districts[rnd() % c->nd] : 0;
        double dlat = c->lat, dlng = c->lng;
        if (d) region_centre(e.regions, d, &dlat, &dlng);
        const char *dname = region_name(e.regions, d ? d : c->code);
        gl_t g;
        make_listing(&g, dname);
        int u = rint_(1, users);
        char *attrs = json_dumps(g.attrs, JSON_COMPACT | JSON_SORT_KEYS);
        char phone[16];
        snprintf(phone, sizeof phone, "1%d%09d", PICK(((const int[]){35, 36, 38, 39, 50, 58, 86, 88})), rint_(0, 999999999));
        int64_t at = now - (int64_t)(span * (double)(n - i) / (double)n);
        sqlite3_bind_int64(si, 1, i);
        sqlite3_bind_int(si, 2, u);
        sqlite3_bind_text(si, 3, cat_all[g.cat].slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(si, 4, g.sub, -1, SQLITE_STATIC);
        sqlite3_bind_text(si, 5, g.title, -1, SQLITE_STATIC);
        sqlite3_bind_text(si, 6, g.desc, -1, SQLITE_STATIC);
        sqlite3_bind_text(si, 7, attrs, -1, SQLITE_TRANSIENT);
        if (g.has_price) sqlite3_bind_int64(si, 8, g.price);
        sqlite3_bind_int(si, 9, (int)c->code);
        if (d) sqlite3_bind_int(si, 10, (int)d);
        bool point = rint_(0, 1);
        double lat = 0, lng = 0;
        if (point) { /* within about 3 km of the district centre, rounded as listing.c rounds */
            double r = 3.0 * sqrt(rfrac()), a = 2 * M_PI * rfrac();
            lat = round((dlat + r * cos(a) / 111.32) * 1000) / 1000;
            lng = round((dlng + r * sin(a) / (111.32 * cos(dlat * M_PI / 180))) * 1000) / 1000;
            sqlite3_bind_double(si, 11, lat);
            sqlite3_bind_double(si, 12, lng);
        }
        sqlite3_bind_int64(si, 13, at);
        sqlite3_bind_int64(si, 14, at);
        sqlite3_bind_int64(si, 15, at + 30 * 86400);
        bind_sealed(e.arena, si, 16, PI_LISTING_EMAIL, deks[u], g.priv_email);
        bind_sealed(e.arena, si, 17, PI_LISTING_ADDRESS, deks[u], g.priv_address);
        bind_sealed(e.arena, si, 18, PI_LISTING_PLATE, deks[u], g.priv_plate);
        bind_sealed(e.arena, si, 19, PI_LISTING_PHONE, deks[u], phone);
        step_done(db, si);
        with_point += point;
        free(attrs);
        json_decref(g.attrs);
        if (i % 100000 == 0 || i == n) {
            exec(db, "COMMIT");
            arena_free(e.arena);
            e.arena = e.ctx.arena = arena_new(1 << 16);
            fprintf(stderr, "gen: %ld listings\n", i);
        }
    }
    double t_rows = now_s() - t0;

    /* the derived indexes: the server's own rebuild (listing_reindex), its two passes timed apart */
    t0 = now_s();
    int64_t viewed = 0, indexed = 0;
    if (listing_reindex_views(&e.ctx, &viewed) || viewed != n) die("listing_reindex_views");
    double t_views = now_s() - t0;
    t0 = now_s();
    if (listing_reindex_text(&e.ctx, &indexed) || indexed != n || db_task_done(db, "reindex_listings"))
        die("listing_reindex_text");
    double t_fts = now_s() - t0;
    sqlite3_finalize(si);
    sqlite3_finalize(su);
    sqlite3_finalize(sk);
    sqlite3_finalize(sc);
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");

    /* the query lists for wrk: keyword combinations that have results, in the 40 heaviest cities */
    e.ctx.now = (int64_t)time(NULL);
    snprintf(path, sizeof path, "%s/q-keyword.tsv", dir);
    FILE *fk = fopen(path, "w");
    snprintf(path, sizeof path, "%s/q-browse.tsv", dir);
    FILE *fb = fopen(path, "w");
    snprintf(path, sizeof path, "%s/q-nearby.tsv", dir);
    FILE *fn = fopen(path, "w");
    if (!fk || !fb || !fn) die("query lists");
    long nk = 0, nb = 0, nn = 0, tried = 0;
    double tk = 0, tmax = 0;
    for (size_t ci = 0; ci < ncities; ci++) {
        city_t *c = &cities[ci];
        int w = cum[ci] - (ci ? cum[ci - 1] : 0);
        if (w < 12 && ci % 8) continue; /* the big cities and every 8th other */
        for (int k = 0; k < 6; k++) {
            fprintf(fb, "%u\t%s\n", c->code, cat_all[k].slug), nb++;
            for (size_t t = 0; t < 12; t++) {
                double ms;
                size_t h = search_hits(&e, terms[k][t], c->code, &cat_all[k], &ms);
                tried++, tk += ms;
                if (ms > tmax) tmax = ms;
                if (h > 0) fprintf(fk, "%s\t%u\t%s\n", terms[k][t], c->code, cat_all[k].slug), nk++;
                arena_free(e.arena);
                e.arena = e.ctx.arena = arena_new(1 << 16);
            }
            for (size_t j = 0; j < c->nd && j < 8; j++) {
                double lat, lng;
                if (region_centre(e.regions, c->districts[j], &lat, &lng)) continue;
                fprintf(fn, "%.5f,%.5f\t%s\n", lat, lng, cat_all[k].slug), nn++;
            }
        }
    }
    fclose(fk), fclose(fb), fclose(fn);

    sqlite3_int64 pages = count_rows(db, "PRAGMA page_count"), psz = count_rows(db, "PRAGMA page_size");
    fprintf(rep, "listings=%ld\nusers=%d\nwith_point=%ld\n", n, users, with_point);
    fprintf(rep, "t_users_s=%.2f\nt_rows_s=%.2f\nt_views_s=%.2f\nt_fts_s=%.2f\n", t_users, t_rows, t_views, t_fts);
    fprintf(rep, "db_bytes=%lld\n", (long long)(pages * psz));
    fprintf(rep, "fts_bytes=%lld\n",
            (long long)count_rows(db, "SELECT sum(length(block)) FROM listings_fts_data"));
    fprintf(rep, "q_keyword=%ld\nq_keyword_tried=%ld\nq_keyword_inproc_mean_ms=%.3f\nq_keyword_inproc_max_ms=%.3f\n",
            nk, tried, tk / (double)tried, tmax);
    fprintf(rep, "q_browse=%ld\nq_nearby=%ld\n", nb, nn);
    fprintf(rep, "generated_at=%lld\n", (long long)now);
    fclose(rep);
    db_close(db);
    return 0;
}

static int cmd_plan(const char *dir, const char *q, uint32_t city, const char *cat)
{
    env_t e;
    char buf[4096];
    env_open(&e, dir, false);
    search_params_t p = {.q = q, .city = city, .cat = cat_find(cat), .sort = SORT_NEWEST, .limit = 20, .cards = true};
    if (!strcmp(q, "-")) p.q = NULL; /* browse */
    if (q[0] == '@') {                /* nearby: @lat,lng, 5 km, no city */
        p.q = NULL, p.city = 0, p.has_near = true, p.radius_km = 5;
        sscanf(q + 1, "%lf,%lf", &p.lat, &p.lng);
    }
    if (search_plan(&e.ctx, &p, buf, sizeof buf)) die("plan");
    printf("%s", buf);
    double ms, best = 1e9;
    size_t h = 0;
    for (int i = 0; i < 20; i++) {
        search_hit_t *hits;
        const char *next;
        double t0 = now_s();
        if (search_run(&e.ctx, &p, &hits, &h, &next)) h = 0;
        ms = (now_s() - t0) * 1000;
        if (ms < best) best = ms;
    }
    printf("hits=%zu best_ms=%.3f\n", h, best);
    db_close(e.db);
    return 0;
}

/* One search of a query-list line: "TERM\tCITY\tCAT", "CITY\tCAT" or "LAT,LNG\tCAT". */
static void loop_params(const char *kind, char *line, search_params_t *p)
{
    char *f[3] = {0};
    int n = 0;
    for (char *t = strtok(line, "\t\n"); t && n < 3; t = strtok(NULL, "\t\n")) f[n++] = t;
    *p = (search_params_t){.sort = SORT_NEWEST, .limit = 20, .cards = true};
    if (!strcmp(kind, "keyword") && n == 3) p->q = f[0], p->city = (uint32_t)atoi(f[1]), p->cat = cat_find(f[2]);
    if (!strcmp(kind, "browse") && n == 2) p->city = (uint32_t)atoi(f[0]), p->cat = cat_find(f[1]);
    if (!strcmp(kind, "nearby") && n == 2) {
        p->has_near = true, p->radius_km = 5, p->cat = cat_find(f[1]);
        sscanf(f[0], "%lf,%lf", &p->lat, &p->lng);
    }
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmd_loop(const char *dir, const char *kind, int rounds)
{
    env_t e;
    char path[1100], line[512];
    snprintf(path, sizeof path, "%s/q-%s.tsv", dir, strncmp(kind, "keyword", 7) ? kind : "keyword");
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    env_open(&e, dir, false);
    sqlite3 *h = db_handle(e.db);
    viewcache_t *vc = vc_new((size_t)atoi(getenv("GEN_VIEW_CACHE_MB") ? getenv("GEN_VIEW_CACHE_MB") : "0") << 20);
    db_set_views(e.db, vc);
    bool fts_only = !strcmp(kind, "keyword-fts");
    if (fts_only) kind = "keyword";
    sqlite3_stmt *fst = prep(e.db, "SELECT rowid FROM listings_fts WHERE listings_fts MATCH ? ORDER BY rowid LIMIT 20");
    for (int r = 0; r < rounds; r++) {
        long n = 0, hits_total = 0;
        int hi, hit0, miss0, hit1, miss1;
        sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_HIT, &hit0, &hi, 0);
        sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_MISS, &miss0, &hi, 0);
        double w0 = now_s(), c0 = cpu_s();
        rewind(f);
        while (fgets(line, sizeof line, f)) {
            search_params_t p;
            search_hit_t *hits;
            const char *next;
            size_t nh = 0;
            loop_params(kind, line, &p);
            e.ctx.arena = arena_new(1 << 16);
            if (fts_only && p.q) { /* the full-text part alone: the first page of matching rowids */
                const char *scope = lidx_scope(&e.ctx, p.city, p.cat);
                const char *m = fts_query_in(e.ctx.arena, p.q, &scope, 1);
                sqlite3_bind_text(fst, 1, m, -1, SQLITE_STATIC);
                while (sqlite3_step(fst) == SQLITE_ROW) hits_total++;
                sqlite3_reset(fst);
            } else if (!search_run(&e.ctx, &p, &hits, &nh, &next)) hits_total += (long)nh;
            arena_free(e.ctx.arena);
            n++;
        }
        double w = now_s() - w0, c = cpu_s() - c0;
        sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_HIT, &hit1, &hi, 0);
        sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_MISS, &miss1, &hi, 0);
        printf("round %d: %ld queries, %.1f hits/query, wall %.1f us, cpu %.1f us, pages hit %.1f miss %.1f per query\n",
               r + 1, n, (double)hits_total / n, w * 1e6 / n, c * 1e6 / n, (double)(hit1 - hit0) / n,
               (double)(miss1 - miss0) / n);
    }
    fclose(f);
    sqlite3_finalize(fst);
    db_set_views(e.db, NULL);
    vc_free(vc);
    db_close(e.db);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) die("sodium");
    if (argc == 6 && !strcmp(argv[1], "build"))
        return cmd_build(argv[2], atol(argv[3]), atoi(argv[4]), (unsigned)atoi(argv[5]));
    if (argc == 3 && !strcmp(argv[1], "count")) {
        env_t e;
        env_open(&e, argv[2], false);
        printf("%lld\n", (long long)count_rows(e.db, "SELECT count(*) FROM listings"));
        db_close(e.db);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "segments")) { /* the full text's two parts: segments, and rows in the recent */
        env_t e;
        int main_n, recent_n;
        int64_t rows;
        env_open(&e, argv[2], false);
        if (lidx_segments(&e.ctx, false, &main_n) || lidx_segments(&e.ctx, true, &recent_n) ||
            lidx_recent_count(&e.ctx, &rows))
            die("segments");
        printf("main=%d recent=%d recent_rows=%lld\n", main_n, recent_n, (long long)rows);
        db_close(e.db);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "sql")) { /* timing of one statement (best of 10), rows counted */
        env_t e;
        env_open(&e, argv[2], false);
        sqlite3_stmt *st = prep(e.db, argv[3]);
        double best = 1e9;
        long rows = 0;
        for (int i = 0; i < 10; i++) {
            double t0 = now_s();
            rows = 0;
            while (sqlite3_step(st) == SQLITE_ROW) rows++;
            sqlite3_reset(st);
            if (now_s() - t0 < best) best = now_s() - t0;
        }
        printf("rows=%ld best_ms=%.3f\n", rows, best * 1000);
        db_close(e.db);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "text")) {
        env_t e;
        int64_t n = 0;
        env_open(&e, argv[2], false);
        double t0 = now_s();
        if (listing_reindex_text(&e.ctx, &n)) die("listing_reindex_text");
        double t = now_s() - t0;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("indexed=%lld t_fts_s=%.2f maxrss_mib=%ld\n", (long long)n, t, ru.ru_maxrss / 1024);
        db_close(e.db);
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "loop")) return cmd_loop(argv[2], argv[3], atoi(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "plan")) return cmd_plan(argv[2], argv[3], (uint32_t)atoi(argv[4]), argv[5]);
    fprintf(stderr, "usage: gen build DIR N USERS SEED | gen count DIR | gen segments DIR | gen plan DIR Q CITY CATEGORY\n");
    return 2;
}
