#!/usr/bin/env python3
"""Regenerate data/countries.tsv, chaff's built-in country gazetteer.

Sources (Debian package `iso-codes`, LGPL-2.1-or-later):
  /usr/share/iso-codes/json/iso_3166-1.json      current countries
  /usr/share/iso-codes/json/iso_3166-3.json      withdrawn names (USSR, Yugoslavia ...)
  /usr/share/locale/*/LC_MESSAGES/iso_3166-1.mo  translations (one per locale)
  /usr/share/locale/*/LC_MESSAGES/iso_3166-3.mo
plus the curated aliases below (short forms the ISO names lack).

Standard library only. Usage: python3 scripts/build_gazetteer.py [--iso-dir DIR] [--locale-dir DIR]

Output columns (tab separated, one country per line, sorted by id):
  id  canonical-English-name  folded-aliases('|')  case-sensitive-aliases('|')
Folded aliases use the same folding as chaff's matcher (lower-case, NFKC, Arabic
folding, punctuation -> space, digits -> 0); the matcher re-folds them on load, so a
small difference between Python's and Rust's Unicode tables cannot cause a miss.
"""

import argparse
import gettext
import glob
import json
import os
import sys
import unicodedata
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

# Canonical English names where the ISO `name` is inverted or formal.
CANONICAL = {
    "RU": "Russia", "KP": "North Korea", "KR": "South Korea", "GB": "United Kingdom",
    "US": "United States", "IR": "Iran", "SY": "Syria", "VN": "Vietnam", "BO": "Bolivia",
    "VE": "Venezuela", "TZ": "Tanzania", "LA": "Laos", "MD": "Moldova", "TW": "Taiwan",
    "FM": "Micronesia", "CD": "DR Congo", "CG": "Republic of the Congo", "PS": "Palestine",
    "VA": "Vatican City", "BN": "Brunei", "CZ": "Czech Republic", "TR": "Turkey",
    "VG": "British Virgin Islands", "VI": "US Virgin Islands", "CI": "Ivory Coast",
    "MK": "North Macedonia", "SUHH": "Soviet Union", "YUCS": "Yugoslavia",
    "CSHH": "Czechoslovakia", "DDDE": "East Germany",
}

# Short or common forms missing from iso-codes. Matched case-insensitively after folding.
CURATED = {
    "GB": ["Britain", "Great Britain", "United Kingdom", "Grande-Bretagne", "Royaume-Uni",
           "بريطانيا", "المملكة المتحدة", "英国", "Großbritannien"],
    "US": ["United States", "United States of America", "America", "États-Unis", "Etats-Unis",
           "Amérique", "الولايات المتحدة", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية",
           "أمريكا", "أميركا", "美国", "美利坚合众国"],
    "RU": ["Russia", "Russie", "روسيا", "俄罗斯", "俄国", "Russland", "Rusia", "Россия"],
    "KP": ["North Korea", "Corée du Nord", "كوريا الشمالية", "朝鲜", "北韩", "Nordkorea"],
    "KR": ["South Korea", "Corée du Sud", "كوريا الجنوبية", "韩国", "南韩", "Südkorea"],
    "IR": ["Iran", "إيران", "伊朗"], "SY": ["Syria", "Syrie", "سوريا", "سورية", "叙利亚"],
    "VN": ["Vietnam", "Viet Nam", "越南"], "BO": ["Bolivia", "Bolivie"],
    "VE": ["Venezuela"], "TZ": ["Tanzania", "Tanzanie"], "LA": ["Laos"],
    "MD": ["Moldova", "Moldavie"], "TW": ["Taiwan", "台湾"], "CZ": ["Czech Republic", "République tchèque"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "ساحل العاج"], "NL": ["Holland", "Pays-Bas", "هولندا"],
    "MM": ["Burma"], "MK": ["Macedonia"], "TR": ["Turkey", "Turquie", "تركيا", "土耳其"],
    "CV": ["Cape Verde"], "SZ": ["Swaziland"], "TL": ["East Timor"], "VA": ["Vatican", "Vatican City"],
    "PS": ["Palestine", "فلسطين", "巴勒斯坦"], "BN": ["Brunei"], "CD": ["DR Congo", "Democratic Republic of Congo"],
    "SA": ["Saudi Arabia", "Arabie saoudite", "السعودية", "المملكة العربية السعودية", "沙特", "沙特阿拉伯"],
    "AE": ["United Arab Emirates", "Emirats arabes unis", "الإمارات", "الإمارات العربية المتحدة", "阿联酋"],
    "EG": ["Egypt", "Égypte", "مصر", "埃及"], "CN": ["China", "Chine", "الصين", "中国"],
    "JP": ["Japan", "Japon", "اليابان", "日本"], "DE": ["Germany", "Allemagne", "ألمانيا", "德国", "West Germany"],
    "FR": ["France", "فرنسا", "法国"], "IT": ["Italy", "Italie", "إيطاليا", "意大利"],
    "UA": ["Ukraine", "أوكرانيا", "乌克兰"], "IQ": ["Iraq", "Irak", "العراق", "伊拉克"],
    "YE": ["Yemen", "اليمن", "也门"], "QA": ["Qatar", "قطر", "卡塔尔"], "BY": ["Belarus", "Biélorussie", "بيلاروسيا"],
    "SUHH": ["Soviet Union", "USSR", "Union soviétique", "URSS", "الاتحاد السوفيتي", "الاتحاد السوفياتي", "苏联"],
    "DDDE": ["East Germany"], "YUCS": ["Yugoslavia"], "CSHH": ["Czechoslovakia"],
}

# Matched in the original text, case-sensitively: folded they would be common words
# ("us") or collide after punctuation removal ("u s").
CASE_SENSITIVE = {
    "US": ["US", "U.S.", "U.S.A.", "USA", "U.S"], "GB": ["UK", "U.K.", "U.K"],
    "AE": ["UAE", "U.A.E."], "CD": ["DRC"], "CN": ["PRC"], "KP": ["DPRK"], "KR": ["ROK"],
    "SUHH": ["USSR", "U.S.S.R."], "RE": ["La Réunion", "Réunion Island", "île de la Réunion"],
}

# Aliases dropped although they came from a translation: common words in the
# corpora's languages, or names that mostly mean something else in news text.
DROP = {
    "man", "end", "sad", "sin", "tai", "nie", "fas", "cad", "chad", "jersey", "georgia",
    "jordan", "guinea", "sudan du sud", "bar", "mali", "niger", "oman", "peru", "cuba",
    "china", "india", "turkey", "japan", "chile", "island", "union", "república", "réunion", "reunion",
}
# ... but these of them are kept: country names first, ambiguity accepted.
KEEP_ANYWAY = {"mali", "niger", "oman", "peru", "cuba", "china", "india", "turkey", "japan", "chile",
               "georgia", "jordan", "chad", "guinea", "jersey"}


def fold(s):
    """chaff's fold_for_match in Python: NFKC, lower-case per char, Arabic folding,
    punctuation -> space, decimal digits -> 0, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s)
    out = []
    for ch in s:
        for c in ch.lower():
            o = ord(c)
            if 0x064B <= o <= 0x0652 or o in (0x0670, 0x0640):
                continue
            if c in "آأإٱ":
                c = "ا"
            elif c == "ى":
                c = "ي"
            elif c == "ة":
                c = "ه"
            cat = unicodedata.category(c)
            if cat == "Nd":
                c = "0"
            elif cat[0] not in "LMN":
                c = " "
            out.append(c)
    return " ".join("".join(out).split())


def is_han_or_kana(c):
    o = ord(c)
    return (0x3040 <= o <= 0x30FF) or (0x3400 <= o <= 0x9FFF) or (0xF900 <= o <= 0xFAFF) or (0x20000 <= o <= 0x2FFFF)


def is_latin(s):
    return all(ord(c) < 0x250 or c == " " for c in s)


def load_stop(lang):
    path = os.path.join(DATA, "stopwords", lang + ".txt")
    words = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(fold(line))
    return words


def acceptable(alias, curated, stop):
    """Whether a folded alias is specific enough to match in running text."""
    if not alias:
        return False
    if alias in DROP and alias not in KEEP_ANYWAY:
        return False
    if curated:
        return True
    if alias in stop:
        return False
    n = len(alias)
    if all(is_han_or_kana(c) for c in alias.replace(" ", "")):
        return n >= 2
    if n <= 2:
        return False
    if n <= 3 and is_latin(alias):
        return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso-dir", default="/usr/share/iso-codes/json")
    ap.add_argument("--locale-dir", default="/usr/share/locale")
    ap.add_argument("--out", default=os.path.join(DATA, "countries.tsv"))
    args = ap.parse_args()

    stop = load_stop("en") | load_stop("fr") | load_stop("ar")
    entries = {}  # id -> list of English msgids
    with open(os.path.join(args.iso_dir, "iso_3166-1.json"), encoding="utf-8") as f:
        for e in json.load(f)["3166-1"]:
            keys = [e[k] for k in ("name", "official_name", "common_name") if k in e]
            entries[e["alpha_2"]] = (keys, "iso_3166-1")
    with open(os.path.join(args.iso_dir, "iso_3166-3.json"), encoding="utf-8") as f:
        for e in json.load(f)["3166-3"]:
            # Only the withdrawn codes whose names still appear in news archives.
            if e["alpha_4"] in ("SUHH", "YUCS", "CSHH", "DDDE"):
                entries[e["alpha_4"]] = ([e["name"]], "iso_3166-3")

    canonical = {}
    for cid, (keys, _) in entries.items():
        name = CANONICAL.get(cid, keys[-1] if len(keys) > 2 else keys[0])
        canonical[cid] = name

    # alias -> set of ids, and which ids claim it with an English/curated name (authoritative).
    claims = defaultdict(set)
    strong = defaultdict(set)

    def add(cid, text, is_strong, curated=False):
        forms = [text]
        if "," in text:
            # "Russie, Fédération de" -> keep the head "Russie"; drop the inverted whole.
            forms = [text.split(",")[0]]
        for form in forms:
            a = fold(form)
            if not acceptable(a, curated, stop):
                continue
            claims[a].add(cid)
            if is_strong:
                strong[a].add(cid)

    for cid, (keys, _) in entries.items():
        for k in keys:
            add(cid, k, True)
        add(cid, canonical[cid], True, curated=True)
    for cid, aliases in CURATED.items():
        for a in aliases:
            add(cid, a, True, curated=True)

    mo_files = {"iso_3166-1": [], "iso_3166-3": []}
    for domain in mo_files:
        mo_files[domain] = sorted(glob.glob(os.path.join(args.locale_dir, "*", "LC_MESSAGES", domain + ".mo")))
    for domain, files in mo_files.items():
        for path in files:
            with open(path, "rb") as f:
                tr = gettext.GNUTranslations(f)
            for cid, (keys, dom) in entries.items():
                if dom != domain:
                    continue
                for k in keys:
                    t = tr.gettext(k)
                    if t != k:
                        add(cid, t, False)

    per_id = defaultdict(set)
    dropped = 0
    for a, ids in claims.items():
        owners = ids if len(ids) == 1 else strong[a]
        if len(owners) != 1:
            dropped += 1
            continue
        per_id[next(iter(owners))].add(a)

    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("# chaff built-in country gazetteer, generated by scripts/build_gazetteer.py from Debian iso-codes"
                  " (LGPL-2.1-or-later) + curated aliases. Columns: id, canonical, folded aliases, case-sensitive aliases.\n")
        for cid in sorted(entries):
            aliases = sorted(per_id.get(cid, ()))
            cs = CASE_SENSITIVE.get(cid, [])
            out.write(f"{cid}\t{canonical[cid]}\t{'|'.join(aliases)}\t{'|'.join(cs)}\n")
    total = sum(len(v) for v in per_id.values())
    print(f"{len(entries)} countries, {total} aliases, {dropped} ambiguous aliases dropped, "
          f"{os.path.getsize(args.out)} bytes -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
