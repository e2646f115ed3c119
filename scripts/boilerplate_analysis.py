#!/usr/bin/env python3
"""Measure recurring lines in the chaff test corpora to set boilerplate defaults.

Python 3 stdlib only. For every corpus in /work/shared/corpora/*/*.jsonl this
script splits each text into lines (and blank-line separated paragraphs),
normalises them the way chaff does (NFKC, lower-case, punctuation/symbols ->
space, whitespace collapsed, Arabic harakat/tatweel removed, alef/yeh/
teh-marbuta folded; digits: see below) and, per normalised line, counts:

  df        documents containing the line
  occ       occurrences
  G_exact   distinct exact-text groups among those documents (identical
            `text` collapsed first, so byte copies of one article count once)
  G_near    distinct near-copy clusters (exact groups joined when their word
            5-gram shingles overlap: containment >= 0.5) -- the stand-in for
            chaff's MinHash clusters
  outlets   distinct URL hosts (or id parts for gilets_jaunes_*)
  position  top (first K lines), bottom (last K lines) or middle
  length    normalised chars and word-equivalents (a run of CJK characters
            counts len/2 words, because a Chinese word is ~2 characters)

Two choices made before counting, both measured in section (b3b):
  * hard-wrapped documents (Reuters' fixed-width lines) are re-flowed into
    paragraphs first, because their lines are sentence fragments ("months.",
    "he said.") that recur by chance;
  * the line key keeps digits: folding them to 0 makes data rows recur
    ("Shr 12 cts vs 10 cts", attendances "78,000"), which is not boilerplate.
    Digit-folded *shapes* are used only to spot template documents (data
    records whose lines all recur as shapes, e.g. earnings tables).

It then answers (a) top recurring lines, (b) what separates boilerplate from
reposted prose and a proposed default rule with a hand-checked precision
(judgements are recorded in HAND below, keyed by a hash of corpus + line), and
(c) the share of characters the rule flags. Output goes to stdout and
/tmp/boilerplate_analysis.txt (about 1-2 minutes for the five corpora).

Usage: python3 scripts/boilerplate_analysis.py [--corpora DIR] [--out FILE]
"""

import argparse
import collections
import glob
import hashlib
import json
import os
import re
import sys
import unicodedata
from urllib.parse import urlparse

K = 3  # lines from either end of a document that count as top/bottom
NEAR_CONTAINMENT = 0.5  # shingle containment that makes two texts near copies
NEAR_MAX_DF = 20  # lines shared by more groups than this do not propose pairs
SHINGLE = 5

# Line keys for the frequency signal: re-flow hard-wrapped documents and keep
# digits (section b3b measures both choices).
REFLOW = True
FOLD_DIGITS = False

# Proposed default rule (see section (b) of the output for why).
RULE_M = 3  # min distinct near-copy clusters (G_near)
RULE_L = 12  # max word-equivalents for a line anywhere in the doc
RULE_EDGE_MAX_WORDS = 40  # edge (top/bottom) lines may be longer, up to this
RULE_EDGE_SHARE = 0.8  # "at the edge" = >= this share of occurrences at top/bottom
# A "template document" has >= this share of its characters in lines whose
# shape (digits folded) recurs in >= RULE_M clusters: a data record such as a
# Reuters earnings table or dividend notice
# ("Qtly div 18 cts vs 18 cts prior / Pay April 20 / Record April 1"), whose
# lines recur because the format does, not because they are boilerplate.
TEMPLATE_DOC = 0.5
RULE_MAX_TEMPLATE = 0.5  # flag only lines with < this share of occurrences in template docs

# ---------------------------------------------------------------- normalise

_DROP = (
    list(range(0x0610, 0x061B))  # Quranic annotation signs
    + list(range(0x064B, 0x0660))  # harakat, shadda, sukun, hamza marks
    + [0x0670, 0x0640]  # superscript alef, tatweel
    + list(range(0x06D6, 0x06EE))  # Quranic small high signs
    + [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF]  # zero-width, bidi marks
)
_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}


def _build_table():
    table = {}
    for cp in range(0x30000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cp in _DROP:
            table[cp] = None
        elif ch in _FOLD:
            table[cp] = _FOLD[ch]
        elif cat == "Nd":
            table[cp] = "0"
        elif cat[0] in "PSZ" or cat in ("Cc", "Cf"):
            table[cp] = " "
    return table


_TABLE = _build_table()
# same table but digits kept (to measure what digit folding adds or merges)
_TABLE_KEEP_DIGITS = {k: v for k, v in _TABLE.items() if v != "0"}
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalise(s, fold_digits=True):
    table = _TABLE if fold_digits else _TABLE_KEEP_DIGITS
    s = unicodedata.normalize("NFKC", s).lower().translate(table)
    return " ".join(s.split())


def has_letter(norm):
    return any(ch.isalpha() for ch in norm)


def word_equiv(norm):
    """Whitespace words, with each CJK run counted as len/2 words."""
    cjk = sum(len(m) for m in _CJK.findall(norm))
    non_cjk = _CJK.sub(" ", norm).split()
    return len(non_cjk) + (cjk + 1) // 2


def shingle_tokens(norm):
    # CJK characters are tokens of their own; other text splits on spaces.
    toks = []
    for w in norm.split():
        if _CJK.search(w):
            for part in re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", w):
                toks.append(part)
        else:
            toks.append(w)
    return toks


def shingles(norm_text):
    toks = shingle_tokens(norm_text)
    if len(toks) < SHINGLE:
        return {hash(" ".join(toks))} if toks else set()
    return {hash(" ".join(toks[i : i + SHINGLE])) for i in range(len(toks) - SHINGLE + 1)}


# ---------------------------------------------------------------- loading


def outlet_of(doc):
    url = doc.get("url")
    if url:
        host = urlparse(url).netloc.lower()
        return host[4:] if host.startswith("www.") else host
    parts = doc.get("id", "").split("/")
    if parts and parts[0].startswith("gilets_jaunes") and len(parts) > 1:
        return parts[1].replace("-contrast", "")
    return None


class UnionFind:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, x):
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            if a > b:
                a, b = b, a
            self.p[b] = a


# a sentence ends with . ! ? … : (or CJK 。！？), maybe followed by a closing quote
_TERMINAL = re.compile(r"[.!?…:。！？][\"'”’»)\]]*$")


def ends_sentence(line):
    return bool(_TERMINAL.search(line.rstrip()))


def hard_wrapped(lines):
    """True for typewriter-style text wrapped at a fixed width (Reuters).

    Such a document's lines are sentence fragments ("months.", "he said."),
    which recur by chance; they must be re-flowed before counting lines.
    Test: no line over 100 chars, no CJK, and >= 2 lines of >= 50 chars that
    stop mid-sentence (the wraps). Paragraph-per-line text (BBC, French,
    Arabic) has longer lines and never qualifies.
    """
    if len(lines) < 2 or any(_CJK.search(l) for l in lines):
        return False
    if max(len(l.rstrip()) for l in lines) > 100:
        return False
    return sum(1 for l in lines if len(l.strip()) >= 50 and not ends_sentence(l)) >= 2


def reflow(lines):
    """Join a line to the previous one when the previous one stops
    mid-sentence and this one is not indented (Reuters indents paragraphs)."""
    out = []
    for l in lines:
        if out and not l[:1].isspace() and len(out[-1].strip()) >= 25 and not ends_sentence(out[-1]):
            out[-1] = out[-1].rstrip() + " " + l.strip()
        else:
            out.append(l)
    return out


def split_units(text, unit, do_reflow=True, fold_digits=True):
    if unit == "line":
        parts = [l for l in text.split("\n") if l.strip()]
        if do_reflow and hard_wrapped(parts):
            parts = reflow(parts)
    else:
        parts = re.split(r"\n\s*\n", text)
    out = []
    for p in parts:
        raw = " ".join(p.split()) if unit == "para" else p.strip()
        if not raw:
            continue
        norm = normalise(raw, fold_digits)
        if norm:
            out.append((raw, norm))
    return out


def pos_class(i, n):
    # in short documents a line can be within K of both ends: take the nearer
    from_top, from_bottom = i, n - 1 - i
    if min(from_top, from_bottom) >= K:
        return "middle"
    return "top" if from_top < from_bottom else "bottom"


class Corpus:
    def __init__(self, name, path):
        self.name = name
        self.docs = [json.loads(l) for l in open(path, encoding="utf-8")]
        self.total_chars = sum(len(d["text"]) for d in self.docs)
        # exact-text groups: identical non-empty text
        first = {}
        self.exact = []
        for i, d in enumerate(self.docs):
            t = d["text"]
            self.exact.append(first.setdefault(t, i) if t.strip() else i)
        self.outlets = [outlet_of(d) for d in self.docs]
        self.lines = [split_units(d["text"], "line", do_reflow=False) for d in self.docs]
        self.n_wrapped = sum(
            1 for d in self.docs if hard_wrapped([l for l in d["text"].split("\n") if l.strip()])
        )
        self._near_clusters()

    def _near_clusters(self):
        """Join exact groups whose texts overlap (word 5-gram containment)."""
        reps = sorted(set(self.exact))
        uf = UnionFind(len(self.docs))
        by_line = collections.defaultdict(set)
        for r in reps:
            for _, norm in self.lines[r]:
                if word_equiv(norm) >= 5:
                    by_line[norm].add(r)
        cand = set()
        for docs in by_line.values():
            if 2 <= len(docs) <= NEAR_MAX_DF:
                ds = sorted(docs)
                for a in range(len(ds)):
                    for b in range(a + 1, len(ds)):
                        cand.add((ds[a], ds[b]))
        # same normalised title (>= 4 words) also proposes a pair
        by_title = collections.defaultdict(list)
        for r in reps:
            t = self.docs[r].get("title")
            if t:
                nt = normalise(t)
                if word_equiv(nt) >= 4:
                    by_title[nt].append(r)
        for ds in by_title.values():
            if 2 <= len(ds) <= NEAR_MAX_DF:
                for a in range(len(ds)):
                    for b in range(a + 1, len(ds)):
                        cand.add((ds[a], ds[b]))
        sh = {}
        for a, b in cand:
            for x in (a, b):
                if x not in sh:
                    sh[x] = shingles(normalise(self.docs[x]["text"]))
            sa, sb = sh[a], sh[b]
            if sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= NEAR_CONTAINMENT:
                uf.union(a, b)
        self.near = [uf.find(self.exact[i]) for i in range(len(self.docs))]
        self.n_pairs = len(cand)

    def line_stats(self, unit="line", do_reflow=REFLOW, fold_digits=FOLD_DIGITS):
        stats = {}
        for i, d in enumerate(self.docs):
            units = split_units(d["text"], unit, do_reflow, fold_digits)
            n = len(units)
            seen = set()
            for j, (raw, norm) in enumerate(units):
                s = stats.get(norm)
                if s is None:
                    s = stats[norm] = {
                        "docs": set(),
                        "exact": set(),
                        "near": set(),
                        "outlets": set(),
                        "occ": 0,
                        "pos": collections.Counter(),
                        "raw": collections.Counter(),
                        "raw_chars": 0,
                        "where": [],
                    }
                s["occ"] += 1
                s["where"].append((i, len(raw)))
                s["pos"][pos_class(j, n)] += 1
                s["raw"][raw] += 1
                s["raw_chars"] += len(raw)
                if norm not in seen:
                    seen.add(norm)
                    s["docs"].add(i)
                    s["exact"].add(self.exact[i])
                    s["near"].add(self.near[i])
                    if self.outlets[i]:
                        s["outlets"].add(self.outlets[i])
        for norm, s in stats.items():
            s["df"] = len(s["docs"])
            s["g_exact"] = len(s["exact"])
            s["g_near"] = len(s["near"])
            s["n_outlets"] = len(s["outlets"])
            s["words"] = word_equiv(norm)
            s["letter"] = has_letter(norm)
            s["chars"] = len(norm)
            s["edge"] = (s["pos"]["top"] + s["pos"]["bottom"]) / s["occ"]
            s["example"] = s["raw"].most_common(1)[0][0]
        # second pass: which documents are mostly made of recurring line
        # *shapes* (digits folded to 0, so "Shr 12 cts vs 10 cts" and
        # "Shr 1.51 dlrs vs 1.32 dlrs" share a shape): those are data records
        # filled into a template, and their labels ("Nine mths", "Pay April
        # 30") recur because the format does, not because they are boilerplate.
        shape_near = collections.defaultdict(set)
        for norm, s in stats.items():
            shape_near[_DIGIT.sub("0", norm)].update(s["near"])
        doc_chars = collections.Counter()
        doc_rec = collections.Counter()
        for norm, s in stats.items():
            rec = s["letter"] and len(shape_near[_DIGIT.sub("0", norm)]) >= RULE_M
            for i, n in s["where"]:
                doc_chars[i] += n
                if rec:
                    doc_rec[i] += n
        for s in stats.values():
            t = sum(1 for i, _ in s["where"] if doc_rec[i] >= TEMPLATE_DOC * doc_chars[i])
            s["tmpl"] = t / s["occ"]
            del s["where"]
        return stats


# ---------------------------------------------------------------- the rule


def flags(s, m=RULE_M, l=RULE_L, groups="g_near"):
    """Proposed default: recurs in >= m clusters AND (short OR at the edge)."""
    if s[groups] < m or not s["letter"] or s["tmpl"] >= RULE_MAX_TEMPLATE:
        return False
    if s["words"] <= l:
        return True
    return s["edge"] >= RULE_EDGE_SHARE and s["words"] <= RULE_EDGE_MAX_WORDS


# ---------------------------------------------------------------- hand check

# Judgements made by reading the 50 sampled lines printed in section (b4):
# key = sha1(corpus + "\0" + normalised line)[:10]; value = (is_boilerplate, why).
# Boilerplate here means: text that is not part of the article's own prose
# (markers, bylines, datelines, sign-offs, credits, section labels, site
# furniture, agency/desk tags).
HAND = {
    "0024d280dd": (False, "wrap fragment"),
    "0042ca4466": (False, "dividend fact"),
    "00cd08ef88": (True, "SPA dateline"),
    "01720f266b": (False, "wrap fragment"),
    "0178ffa2f4": (False, "wrap fragment"),
    "0189663d9a": (True, "site byline + city"),
    "01a6e3bf14": (True, "SPA dateline"),
    "01f6c7fc14": (True, "byline + city"),
    "022e10556a": (True, "columnist e-mail"),
    "0257f75f85": (True, "byline + site"),
    "042e3e8850": (True, "byline + city"),
    "04541af69a": (True, "SPA dateline"),
    "04a1413bd4": (True, "byline initials"),
    "05a9642fa5": (False, "news prose"),
    "05d62463f4": (True, "SPA time stamp"),
    "06a62f4b28": (False, "team line-up"),
    "07bbf2d7a1": (False, "dividend record date"),
    "07c47c9b1e": (False, "dividend record date"),
    "07dde97245": (False, "market report content"),
    "08a2c4fa56": (False, "report sub-heading"),
    "0ae456d3d1": (True, "byline initials"),
    "0b9aad9a3f": (True, "byline + site"),
    "0bc127149f": (False, "news prose"),
    "0be7a068da": (False, "formulaic sentence"),
    "0c17011538": (True, "site byline + city"),
    "0ccf28d53b": (True, "columnist e-mail"),
    "0cf87f0c45": (True, "SMS contact notice"),
    "0e7978f6f2": (False, "dividend record date"),
    "0fb99fca9f": (False, "table header"),
    "0fc72c9b9f": (False, "market status"),
    "109fc028aa": (True, "SMS contact number"),
    "1133d71b35": (True, "byline"),
    "11880f941d": (True, "byline initials"),
    "15726df802": (False, "wrap fragment"),
    "16dcb065c7": (False, "table label"),
    "1944b0ea21": (False, "formulaic sentence"),
    "19b277fb54": (False, "table label"),
    "1d1ef8e88b": (False, "dividend pay date"),
    "1e33b5bc2c": (False, "team line-up"),
    "1e52ffb787": (True, "byline initials"),
    "1ec1ae0cde": (True, "byline"),
    "21c9cc8f7e": (True, "byline"),
    "250732a4de": (False, "live-blog sub-heading"),
    "26cba54bf8": (True, "copyright notice"),
    "2808ff0114": (False, "price table row"),
    "2d3bf55985": (True, "byline"),
    "2d410eb8d5": (True, "agency credit"),
    "331eebe3a2": (False, "fixture date"),
    "355574ed7a": (False, "dividend pay date"),
    "3753b3a2ea": (True, "byline initials"),
    "3756100a2f": (False, "fixture venue"),
    "3857317cdf": (True, "editor credit"),
    "38fdbbba28": (True, "photo credit"),
    "39ef7977bf": (True, "site byline"),
    "3d19f93242": (True, "broadcast promo"),
    "4338b3c07f": (False, "section label"),
    "489c2e4076": (True, "byline"),
    "4a4851e36e": (True, "photo credit"),
    "5284bd9e89": (True, "byline"),
    "63d6f92d25": (True, "read-more link"),
    "678efed420": (True, "byline initials"),
    "6871e4d5c7": (False, "section label"),
    "68f06b11fb": (True, "byline"),
    "6a103d31e4": (False, "kick-off time"),
    "6d0d844a0b": (True, "byline"),
    "70ab5cfb2d": (True, "author bio"),
    "723de5bdeb": (True, "sign-off"),
    "751d14ca58": (True, "byline"),
    "7816dc0421": (True, "byline/agency"),
    "7d0171c3e5": (True, "editor credit"),
    "7ef186ec5b": (True, "byline"),
    "85f3e1951e": (True, "SPA dateline"),
    "883a3245db": (True, "byline"),
    "8b54e6e240": (False, "section label"),
    "8cba6e682d": (True, "photo credit"),
    "8eda2fb5e3": (True, "SMS contact notice"),
    "9acecfab21": (True, "site byline + city"),
    "a199b9a132": (True, "copyright notice"),
    "a48cbde302": (True, "photo credit"),
    "a5df61690b": (True, "SPA dateline"),
    "abddf179cd": (False, "table header"),
    "b1b7f6740a": (False, "price table row"),
    "b1c8f6b9e4": (True, "editor credit"),
    "b5b4bc7185": (True, "SMS contact number"),
    "b97a028785": (True, "editor credit"),
    "c4f51073f9": (True, "SPA end marker"),
    "c60a6350a2": (False, "feature intro sentence"),
    "c6af917ce7": (True, "author bio"),
    "c7ab25412b": (True, "photo credit"),
    "cbe1b3bc36": (True, "photo credit"),
    "d8053d525c": (True, "editor credit"),
    "d8c362e620": (True, "editor credit"),
    "d914d146a7": (True, "ad script"),
    "e1f351bf77": (True, "sign-off"),
    "e7cb90b4f9": (True, "editor credit"),
    "ef79acaf36": (True, "editor credit"),
    "f1147e27d7": (True, "wire 'More' marker"),
    "f4a1c0758d": (True, "SMS contact number"),
    "f9f5360f90": (False, "wrap fragment"),
    "fac5501165": (False, "section label"),
    "fce56f957d": (False, "formulaic sentence"),
    "4e2d2c7c8f": (False, "reader comment"),
    "5b35c76c6d": (False, "reader comment"),
    "f04edad8c5": (False, "team line-up"),
    "0d48cd1613": (False, "live-blog time"),
    "1adf84e96b": (False, "quoted prose"),
    "2a506ad9e9": (False, "news prose"),
    "2fab048fe0": (False, "live-blog time"),
    "387e4b487e": (False, "story heading"),
    "6344745ba0": (False, "live-blog time"),
    "0250b4e198": (False, "quoted prose"),
    "026eca8455": (False, "wrap fragment"),
    "02fe3e9eb2": (False, "price table row"),
    "03400192e8": (False, "price table row"),
    "039bd3028d": (False, "price table row"),
    "07f1c5db67": (False, "table header"),
    "0218be59ba": (False, "news prose"),
    "022764fcde": (False, "quotation in prose"),
    "0244b55c45": (False, "list item"),
    "02c8cc03be": (False, "news prose"),
    "04067a6383": (False, "news prose"),
}


def hkey(corpus, norm):
    return hashlib.sha1((corpus + "\0" + norm).encode()).hexdigest()[:10]


# ---------------------------------------------------------------- report helpers


def q(vals, ps=(10, 25, 50, 75, 90)):
    if not vals:
        return "n/a"
    v = sorted(vals)
    return " ".join(f"p{p}={v[min(len(v) - 1, int(p / 100 * len(v)))]}" for p in ps)


def pct(a, b):
    return f"{100.0 * a / b:6.2f}%" if b else "   n/a"


def short(s, n=90):
    s = s.replace("\t", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def describe(label, items, out):
    if not items:
        out(f"    {label:<34} n=0")
        return
    n = len(items)
    words = [s["words"] for s in items]
    edge = sum(1 for s in items if s["edge"] >= RULE_EDGE_SHARE)
    occ = sum(s["occ"] for s in items)
    pos = collections.Counter()
    for s in items:
        pos.update(s["pos"])
    out(
        f"    {label:<34} n={n:6d}  words {q(words)}"
        f"  <=5w {pct(sum(w <= 5 for w in words), n)}"
        f"  <=12w {pct(sum(w <= 12 for w in words), n)}"
    )
    out(
        f"    {'':<34} chars {q([s['chars'] for s in items], (25, 50, 75))}"
        f"  G_near {q([s['g_near'] for s in items], (50, 90))}"
        f"  occurrences top/mid/bottom {pct(pos['top'], occ).strip()}/{pct(pos['middle'], occ).strip()}"
        f"/{pct(pos['bottom'], occ).strip()}  lines edge>={RULE_EDGE_SHARE:.0%}: {pct(edge, n).strip()}"
        f"  in template docs: {pct(sum(s['tmpl'] >= 0.5 for s in items), n).strip()}"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="/work/shared/corpora")
    ap.add_argument("--out", default="/tmp/boilerplate_analysis.txt")
    ap.add_argument("--sample", type=int, default=50)
    args = ap.parse_args()

    lines_out = []

    def out(s=""):
        lines_out.append(s)
        print(s, flush=True)

    out("# chaff boilerplate analysis")
    out("normalisation: NFKC, lower, P*/S*/Z* -> space, Arabic marks dropped, أإآٱ->ا ى->ي ة->ه,"
        f" digits {'-> 0' if FOLD_DIGITS else 'kept (b3b: folding them merges data rows)'};"
        f" hard-wrapped docs re-flowed: {REFLOW}")
    out(f"position: top = first {K} non-empty lines, bottom = last {K}, else middle")
    out(f"G_exact = distinct identical-text groups; G_near = distinct near-copy clusters")
    out(f"  (exact groups joined when word-{SHINGLE}-gram containment >= {NEAR_CONTAINMENT};"
        f" candidate pairs share a >=5-word line in <= {NEAR_MAX_DF} groups or a >=4-word title)")
    out(f"words = whitespace words, a CJK run counts len/2")
    out()

    corpora = []
    for path in sorted(glob.glob(os.path.join(args.corpora, "*", "*.jsonl"))):
        name = os.path.basename(os.path.dirname(path))
        c = Corpus(name, path)
        c.stats = c.line_stats("line")
        corpora.append(c)
        n_exact = len(set(c.exact[i] for i, d in enumerate(c.docs) if d["text"].strip()))
        n_near = len(set(c.near[i] for i, d in enumerate(c.docs) if d["text"].strip()))
        n_lines = sum(len(x) for x in c.lines)
        out(f"## {name}: {len(c.docs)} docs, {n_exact} exact groups, {n_near} near-copy clusters"
            f" ({c.n_pairs} candidate pairs), {n_lines} non-empty raw lines, {c.n_wrapped} hard-wrapped docs,"
            f" {sum(s['occ'] for s in c.stats.values())} lines after re-flow, {len(c.stats)} distinct normalised,"
            f" {c.total_chars} chars")
    out()

    # ------------------------------------------------------------ (a)
    out("=" * 100)
    out("(a) TOP 20 RECURRING LINES per corpus, ranked by G_near then df")
    out("    cols: df  occ  G_exact  G_near  outlets  words  top/mid/bottom%  example (raw, most common form)")
    for c in corpora:
        out()
        out(f"## {c.name}")
        top = sorted(
            (s for s in c.stats.values() if s["df"] >= 2),
            key=lambda s: (-s["g_near"], -s["df"], s["example"]),
        )[:20]
        for s in top:
            p = s["pos"]
            out(
                f"  {s['df']:6d} {s['occ']:6d} {s['g_exact']:6d} {s['g_near']:6d} {s['n_outlets']:3d}"
                f" {s['words']:4d}w  {100 * p['top'] // s['occ']:3d}/{100 * p['middle'] // s['occ']:3d}/"
                f"{100 * p['bottom'] // s['occ']:3d}  {short(s['example'])}"
            )
        # paragraphs: the same question for blank-line separated blocks
        pstats = c.line_stats("para")
        ptop = sorted(
            (s for s in pstats.values() if s["df"] >= 2),
            key=lambda s: (-s["g_exact"], -s["df"], s["example"]),
        )[:5]
        out(f"  -- top paragraphs (blank-line separated) by G_exact: "
            + " | ".join(f"{s['df']}/{s['g_exact']}: {short(s['example'], 40)}" for s in ptop))

    # ------------------------------------------------------------ (b)
    out()
    out("=" * 100)
    out("(b) SEPARATING BOILERPLATE FROM REPOSTED PROSE")
    out()
    out("(b1) How much of the repetition is only copies? Lines by df, and how many of them survive")
    out("     collapsing exact copies (G_exact) and near copies (G_near).")
    for c in corpora:
        out(f"## {c.name}")
        for t in (2, 3, 5):
            a = sum(1 for s in c.stats.values() if s["df"] >= t)
            b = sum(1 for s in c.stats.values() if s["g_exact"] >= t)
            n = sum(1 for s in c.stats.values() if s["g_near"] >= t)
            out(f"    >= {t}: df {a:6d}   G_exact {b:6d}   G_near {n:6d}")

    out()
    out("(b2) Distributions. 'copy-only' = df >= 2 but all in ONE near-copy cluster (a reposted story:")
    out("     prose by construction). 'cross-cluster >= t' = lines in >= t distinct near-copy clusters.")
    for c in corpora:
        out(f"## {c.name}")
        rec = [s for s in c.stats.values() if s["df"] >= 2]
        for t in (2, 3, 5):
            describe(f"all lines with df >= {t}", [s for s in rec if s["df"] >= t], out)
        describe("copy-only (df>=2, G_near=1)", [s for s in rec if s["g_near"] == 1], out)
        describe("exact-copy-only (df>=2,G_exact=1)", [s for s in rec if s["g_exact"] == 1], out)
        for t in (2, 3, 5, 10):
            describe(f"cross-cluster G_near >= {t}", [s for s in rec if s["g_near"] >= t], out)
        describe("  ... G_near 2 only", [s for s in rec if s["g_near"] == 2], out)
        describe("  ... G_near 3-4", [s for s in rec if 3 <= s["g_near"] <= 4], out)
    out()
    out("     all corpora pooled:")
    pooled = [s for c in corpora for s in c.stats.values() if s["df"] >= 2]
    describe("copy-only (G_near=1)", [s for s in pooled if s["g_near"] == 1], out)
    for t in (2, 3, 5, 10):
        describe(f"G_near >= {t}", [s for s in pooled if s["g_near"] >= t], out)

    out()
    out("(b3) Long lines (> L words, not at the edge) in >= 2 clusters: are they prose shared")
    out("     by different stories (quotes, wire paragraphs) or boilerplate? Up to 6 per corpus.")
    for c in corpora:
        longs = sorted(
            (s for s in c.stats.values() if s["g_near"] >= 2 and s["words"] > RULE_L and not flags(s, 2)),
            key=lambda s: (-s["g_near"], -s["df"], s["example"]),
        )
        out(f"## {c.name}: {len(longs)} such lines; top:")
        for s in longs[:6]:
            out(f"    df={s['df']:3d} G_near={s['g_near']:3d} {s['words']:3d}w edge={s['edge']:.2f}  {short(s['example'], 110)}")

    out()
    out("(b3b) Design choices, each measured with the proposed rule (M, L, edge as in b4):")
    out("      flagged line occurrences, flagged char share, and the raw lines the choice adds (+) or")
    out("      drops (-) compared with the proposed setting (most frequent first, with G_near)")
    for c in corpora:
        variants = {
            "proposed (re-flow, digits kept, needs a letter)": (c.stats, flags),
            "digits folded to 0 in the key": (c.line_stats("line", fold_digits=True), flags),
            "no re-flow of hard-wrapped docs": (c.line_stats("line", do_reflow=False), flags),
            "no letter required": (c.stats, lambda s: flags(dict(s, letter=True))),
            "template-document test off": (c.stats, lambda s: flags(dict(s, tmpl=0.0))),
            "G_exact instead of G_near": (c.stats, lambda s: flags(s, RULE_M, RULE_L, "g_exact")),
        }
        out(f"## {c.name}")

        def raw_set(st, pred):
            got = {}
            for v in st.values():
                if pred(v):
                    for r, n in v["raw"].items():
                        got[r] = (n, v["g_near"])
            return got

        base = raw_set(c.stats, flags)
        for label, (st, pred) in variants.items():
            fl = raw_set(st, pred)
            occ = sum(v["occ"] for v in st.values() if pred(v))
            chars = sum(v["raw_chars"] for v in st.values() if pred(v))
            added = sorted(set(fl) - set(base), key=lambda r: (-fl[r][0], r))
            lost = sorted(set(base) - set(fl), key=lambda r: (-base[r][0], r))
            out(f"    {label:<48} {occ:6d} occ  {pct(chars, c.total_chars)}")
            if added:
                out(f"        +{len(added)} raw lines, e.g. " + " | ".join(f"{short(r, 30)} ({fl[r][0]}x)" for r in added[:5]))
            if lost:
                out(f"        -{len(lost)} raw lines, e.g. " + " | ".join(f"{short(r, 30)} ({base[r][0]}x)" for r in lost[:5]))

    out()
    out(f"(b4) PROPOSED DEFAULT: flag a normalised line if it recurs in >= M={RULE_M} distinct near-copy")
    out(f"     clusters (fallback: exact-text groups) AND (<= L={RULE_L} words, OR >= {RULE_EDGE_SHARE:.0%} of its")
    out(f"     occurrences in the first/last {K} lines and <= {RULE_EDGE_MAX_WORDS} words) AND it has a letter AND")
    out(f"     < {RULE_MAX_TEMPLATE:.0%} of its occurrences are in template documents (>= {TEMPLATE_DOC:.0%} of the doc's")
    out(f"     chars in lines whose digit-folded shape recurs in >= M clusters: data records such as")
    out(f"     earnings tables and dividend notices, whose labels recur because the format does).")
    out("     Sensitivity: distinct lines flagged / of which also flagged at M=2 etc.")
    for c in corpora:
        row = []
        for m in (2, 3, 5):
            for g in ("g_exact", "g_near"):
                row.append(f"M={m},{g[2:]}:{sum(1 for s in c.stats.values() if flags(s, m, RULE_L, g))}")
        out(f"  {c.name:<18} " + "  ".join(row))

    # The hand-check samples: deterministic (ordered by a hash of the line),
    # the same number from each corpus where it has enough flagged lines, so
    # every language is judged, not just Reuters (which has most lines).
    def spread(items, n):
        per = collections.defaultdict(list)
        for it in items:
            per[it[0]].append(it)
        for k in per:
            per[k].sort(key=lambda it: hkey(it[0], it[1]))
        quota = {k: 0 for k in per}
        left = n
        while left > 0 and any(quota[k] < len(per[k]) for k in per):
            for k in sorted(per):
                if left > 0 and quota[k] < len(per[k]):
                    quota[k] += 1
                    left -= 1
        return [it for k in sorted(per) for it in per[k][: quota[k]]]

    def judge(title, sample):
        out(title)
        yes = judged = 0
        w_yes = w_all = 0
        by = collections.defaultdict(lambda: [0, 0])
        for name, norm, s in sample:
            key = hkey(name, norm)
            j = HAND.get(key)
            mark = " ? "
            if j is not None:
                judged += 1
                yes += bool(j[0])
                w_all += s["occ"]
                w_yes += s["occ"] if j[0] else 0
                by[name][1] += 1
                by[name][0] += bool(j[0])
                mark = "BP " if j[0] else "NOT"
            why = f"  [{j[1]}]" if j else ""
            out(f"    {mark} {key} {name:<17} G_near={s['g_near']:4d} df={s['df']:5d} {s['words']:3d}w"
                f" edge={s['edge']:.2f} tmpl={s['tmpl']:.2f}  {short(s['example'], 70)}{why}")
        if judged:
            out(f"     PRECISION: {yes}/{judged} = {100.0 * yes / judged:.0f}% of sampled lines are boilerplate;"
                f" weighted by occurrences {pct(w_yes, w_all).strip()}"
                + (f" ({len(sample) - judged} unjudged)" if judged < len(sample) else ""))
            out("     per corpus: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by.items())))
        else:
            out("     (no judgements recorded in HAND)")
        return yes, judged, dict(by)

    flagged = [(c.name, norm, s) for c in corpora for norm, s in c.stats.items() if flags(s)]
    out()
    prec_a = judge(f"     Hand check A: {args.sample} lines the proposed rule flags (10 per corpus where possible):",
                   spread(flagged, args.sample))
    out()
    out("     Hand check C: the 10 most frequent flagged lines of each corpus (they carry most of the")
    out("     flagged characters, which random line samples miss): occurrence-weighted precision")
    tot_yes = tot_j = 0
    prec_c = {}
    for c in corpora:
        fl = sorted(((n, s) for n, s in c.stats.items() if flags(s)), key=lambda x: (-x[1]["occ"], x[0]))
        all_occ = sum(s["occ"] for _, s in fl)
        top = fl[:10]
        cov = sum(s["occ"] for _, s in top)
        yes = sum(s["occ"] for n, s in top if HAND.get(hkey(c.name, n), (False,))[0])
        judged = sum(s["occ"] for n, s in top if hkey(c.name, n) in HAND)
        tot_yes += yes
        tot_j += judged
        prec_c[c.name] = (yes, judged, cov, all_occ)
        out(f"  ## {c.name}: top 10 = {cov}/{all_occ} flagged occurrences ({pct(cov, all_occ).strip()});"
            f" judged boilerplate {yes}/{judged} occ ({pct(yes, judged).strip()})")
        for n, s in top:
            j = HAND.get(hkey(c.name, n))
            mark = " ? " if j is None else ("BP " if j[0] else "NOT")
            out(f"    {mark} {hkey(c.name, n)} occ={s['occ']:6d} G_near={s['g_near']:5d}  {short(s['example'], 70)}"
                + (f"  [{j[1]}]" if j else ""))
    if tot_j:
        out(f"     OCCURRENCE-WEIGHTED PRECISION over the judged top lines: {pct(tot_yes, tot_j).strip()}")
    band = [(c.name, norm, s) for c in corpora for norm, s in c.stats.items() if flags(s, 2) and not flags(s)]
    out()
    prec_b = judge("     Hand check B: 20 lines flagged only if M were 2 (G_near == 2), to test the choice of M:",
                   spread(band, 20))

    # ------------------------------------------------------------ (c)
    out()
    out("=" * 100)
    out("(c) SHARE OF CHARACTERS FLAGGED (raw line chars of flagged occurrences / all text chars)")
    out("    proposed rule, then variants")
    hdr = f"    {'corpus':<18} {'proposed':>9} {'M=2':>7} {'M=5':>7} {'exact M=3':>10} {'df>=3 only':>11} {'lines flagged':>14}"
    out(hdr)
    for c in corpora:
        def share(pred):
            return pct(sum(s["raw_chars"] for s in c.stats.values() if pred(s)), c.total_chars)

        n_occ = sum(s["occ"] for s in c.stats.values() if flags(s))
        n_all = sum(s["occ"] for s in c.stats.values())
        out(
            f"    {c.name:<18} {share(flags):>9} {share(lambda s: flags(s, 2)):>7}"
            f" {share(lambda s: flags(s, 5)):>7} {share(lambda s: flags(s, RULE_M, RULE_L, 'g_exact')):>10}"
            f" {share(lambda s: s['df'] >= 3):>11} {n_occ:>7}/{n_all} ({pct(n_occ, n_all).strip()})"
        )

    exact_only = [(c.name, norm, s) for c in corpora for norm, s in c.stats.items()
                  if flags(s, RULE_M, RULE_L, "g_exact") and not flags(s)]
    out()
    prec_d = judge("     Hand check D: 20 lines flagged only when counting exact-text groups (G_exact >= M) instead of"
                   " near-copy clusters:", spread(exact_only, 20))

    # ------------------------------------------------------------ summary
    out()
    out("=" * 100)
    out("SUMMARY")
    out(f"  proposed default: flag a line that recurs in >= M={RULE_M} near-copy clusters (exact-text groups if")
    out(f"  no clustering) AND (<= {RULE_L} words OR >= {RULE_EDGE_SHARE:.0%} of occurrences in first/last {K} lines,"
        f" <= {RULE_EDGE_MAX_WORDS} words)")
    out(f"  AND has a letter AND < {RULE_MAX_TEMPLATE:.0%} of occurrences in template documents; keys keep digits;"
        f" hard-wrapped text is re-flowed first")
    if prec_a[1]:
        out(f"  hand check A (50 random flagged lines, 10/corpus): {prec_a[0]}/{prec_a[1]} ="
            f" {100.0 * prec_a[0] / prec_a[1]:.0f}%  (" + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(prec_a[2].items())) + ")")
    if prec_b[1]:
        out(f"  hand check B (20 lines that only M=2 would add): {prec_b[0]}/{prec_b[1]} = {100.0 * prec_b[0] / prec_b[1]:.0f}%")
    if prec_d[1]:
        out(f"  hand check D (20 lines only exact-text groups would add): {prec_d[0]}/{prec_d[1]} ="
            f" {100.0 * prec_d[0] / prec_d[1]:.0f}%")
    out("  hand check C (top-10 flagged lines per corpus, by occurrences): " + ", ".join(
        f"{k} {pct(v[0], v[1]).strip()} of {v[1]} occ" for k, v in sorted(prec_c.items()) if v[1]))
    out("  flagged share of characters: " + ", ".join(
        f"{c.name} {pct(sum(s['raw_chars'] for s in c.stats.values() if flags(s)), c.total_chars).strip()}"
        for c in corpora))

    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines_out) + "\n")
    print(f"\nwritten to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
