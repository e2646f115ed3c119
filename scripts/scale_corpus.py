#!/usr/bin/env python3
"""A larger corpus with a known duplicate structure, from a synthetic one (standard library only).

The harness's `make_synthetic.py` runs out of distinct source articles near 50,000 documents
on this machine. This writes COPIES copies of its corpus one after another; copy c shifts every
ASCII letter c places along the alphabet (ROT-c), so each copy keeps the original's duplicate
structure (the same words relate the same way) and shares no word with the other copies. The
generator's boilerplate lines ("[ad_1]", "Source link", ...) are left as they are, so chaff's
marker rules still see them in every copy. A document made only of such lines is therefore
the same text in every copy, and chaff rightly groups those across copies.

ids become `<id>-<c>` and the intended cluster `<cluster>-<c>`.

    python3 scripts/scale_corpus.py /tmp/peers-data/syn50k.jsonl 8 /tmp/peers-data/syn400k.jsonl
"""
from __future__ import annotations

import json
import sys

sys.path.insert(0, "/work/shared/bench-peers")
from make_synthetic import BOILERPLATE  # noqa: E402

_BOILERPLATE = set(BOILERPLATE)


def rot(line: str, c: int) -> str:
    out = []
    for ch in line:
        o = ord(ch)
        if 97 <= o <= 122:
            out.append(chr(97 + (o - 97 + c) % 26))
        elif 65 <= o <= 90:
            out.append(chr(65 + (o - 65 + c) % 26))
        else:
            out.append(ch)
    return "".join(out)


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, copies, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    docs = [json.loads(line) for line in open(source, encoding="utf-8")]
    with open(target, "w", encoding="utf-8") as out:
        for c in range(copies):
            for d in docs:
                text = d["text"]
                if c:
                    text = "\n".join(
                        line if line.strip() in _BOILERPLATE else rot(line, c)
                        for line in text.split("\n")
                    )
                record = {"id": f"{d['id']}-{c}", "text": text}
                if "cluster" in d:
                    record["cluster"] = f"{d['cluster']}-{c}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
