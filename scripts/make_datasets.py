#!/usr/bin/env python3
"""Builds the small sample corpora in datasets/ from ../shared (run from the repo root).

Each slice keeps real exact and near duplicates of its source corpus. Deterministic:
the same input files give the same bytes. Standard library only.
"""
import collections
import json
import os
import shutil
import sys

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets")


def load(name):
    with open(os.path.join(SHARED, "corpora", name, name + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write(folder, name, docs):
    os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    path = os.path.join(OUT, folder, name)
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    texts = collections.Counter(d["text"] for d in docs if d["text"].strip())
    dups = sum(c - 1 for c in texts.values() if c > 1)
    print(f"{path}: {len(docs)} docs, {os.path.getsize(path)} bytes, {dups} exact duplicate copies")


def main():
    bbc = load("bbc_news")
    # The duplicates are all in one category: take it whole, plus the first 100 of politics.
    dup_texts = {t for t, c in collections.Counter(d["text"] for d in bbc).items() if c > 1}
    dup_cat = collections.Counter(d["id"].split("/")[1] for d in bbc if d["text"] in dup_texts).most_common(1)[0][0]
    slice_ = [d for d in bbc if d["id"].split("/")[1] == dup_cat][:420]
    slice_ += [d for d in bbc if d["id"].split("/")[1] == "politics"][:100]
    write("en-bbc", "bbc_news-slice.jsonl", slice_)

    reuters = load("reuters21578")
    write("en-reuters", "reuters21578-slice.jsonl", reuters[:1500])

    saudi = load("saudinewsnet")
    # The first 350 articles, plus the copies of the first 30 texts republished verbatim (wire copy).
    counts = collections.Counter(d["text"] for d in saudi if d["text"].strip())
    repeated = []
    for d in saudi:
        if counts[d["text"]] > 1 and d["text"] not in repeated:
            repeated.append(d["text"])
    keep_texts = set(repeated[:30])
    write("ar-saudinewsnet", "saudinewsnet-slice.jsonl",
          [d for i, d in enumerate(saudi) if i < 350 or d["text"] in keep_texts])

    fr = load("gilets_jaunes_fr")
    by_part = collections.defaultdict(list)
    for d in fr:
        by_part[d["id"].split("/")[1]].append(d)
    # La DH and La Libre carry the same agency copy: real near-duplicate pairs.
    write("fr-gilets-jaunes", "gilets_jaunes_fr-slice.jsonl",
          by_part["be-dh"][:160] + by_part["be-lalibre"][:160] + by_part["ch"][:60])

    zh = load("gilets_jaunes_zh")
    write("zh-gilets-jaunes", "gilets_jaunes_zh.jsonl", zh)

    os.makedirs(os.path.join(OUT, "ar-seed"), exist_ok=True)
    shutil.copyfile(os.path.join(SHARED, "seed", "scraped-article-ar.txt"),
                    os.path.join(OUT, "ar-seed", "scraped-article-ar.txt"))
    print("copied the seed article")


if __name__ == "__main__":
    sys.exit(main())
