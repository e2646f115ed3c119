#!/usr/bin/env python3
"""Side-by-side benchmark of `chaff dedup` against the peer MinHash/LSH tools.

  bench_peers.py CORPUS.jsonl --out-dir D [--peers rensa-r,datasketch,...] [--normalised]
                 [--chaff BIN] [--repeat N] [--warmup N] [--interleave] [--no-chaff-exact] [--diagnose]

Steps (see scripts/README-bench.md):
 1. --normalised: rewrite CORPUS with the harness's normalise_like_chaff.py into D/ (cached) and use
    that corpus for everything below.
 2. Ground truth: exact_jaccard.py (exact Jaccard of word 5-gram sets, threshold 0.8), cached in D.
 3. chaff: `chaff dedup CORPUS -o D/chaff-<verify> -q --threads 2 [--verify exact]` under
    /usr/bin/time -v; documents.parquet -> id,cluster CSV (cluster = cluster_id); pairs.parquet ->
    pairs CSV.
 4. Peers: the harness runner scripts under /usr/bin/time -v (venv python).
 5. Scoring with the harness's score.py (pair P/R/F1 over cluster-implied pairs, ARI, raw-pair P/R).
    Documents without a single token (empty text) are left out of scoring for every tool: the
    harness gives each of them the shingle "" so the ground truth puts all of them in one cluster,
    while chaff never pairs a document without content (--keep-empty scores them anyway).
 6. One table + speed ratios (with --interleave also each round's ratio, chaff against the peer run
    in the same round, and their median); one JSON line per configuration appended to
    D/results.jsonl.

Timings are wall seconds of the whole process (`/usr/bin/time -v` elapsed, including interpreter
start-up for the Python peers); --repeat N gives the median wall and the max peak RSS over N runs.
The load average (1/5/15 min) is recorded before every run.

Standard library only, plus pyarrow to read chaff's Parquet (if this interpreter lacks pyarrow the
script re-executes itself under --peer-python, which has it).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HARNESS_DEFAULT = "/work/shared/bench-peers"
PEER_PY_DEFAULT = "/tmp/peers-venv/bin/python"
CHAFF_DEFAULT = "/tmp/chaff-bench/chaff"

# name -> (runner script, extra args, raw pairs meaningful)
PEERS = {
    "rensa-r": ("rensa_peer.py", ["--sketch", "r"], True),
    "rensa-r+verify": ("rensa_peer.py", ["--sketch", "r", "--verify"], True),
    "rensa-c": ("rensa_peer.py", ["--sketch", "c"], True),
    "rensa-c+verify": ("rensa_peer.py", ["--sketch", "c", "--verify"], True),
    "datasketch": ("datasketch_peer.py", [], True),
    "datasketch+verify": ("datasketch_peer.py", ["--verify"], True),
    "gaoya": ("gaoya_peer.py", ["--no-verify"], True),
    "gaoya+verify": ("gaoya_peer.py", [], True),
    "datatrove": ("datatrove_peer.py", [], False),  # its pairs are chains, not all pairs
}


# --------------------------------------------------------------------------- helpers

def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def parse_time_v(stderr: str) -> dict:
    out = {}
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if m:
        out["peak_rss_mib"] = int(m.group(1)) / 1024.0
    m = re.search(r"Percent of CPU this job got: (\d+)%", stderr)
    if m:
        out["cpu_pct"] = int(m.group(1))
    m = re.search(r"User time \(seconds\): ([\d.]+)", stderr)
    if m:
        out["user_s"] = float(m.group(1))
    m = re.search(r"System time \(seconds\): ([\d.]+)", stderr)
    if m:
        out["sys_s"] = float(m.group(1))
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", stderr)
    if m:
        sec = 0.0
        for p in m.group(1).split(":"):
            sec = sec * 60 + float(p)
        out["wall_s"] = sec
    return out


def parse_peer_line(stdout: str) -> dict:
    lines = [ln for ln in stdout.splitlines() if ln.startswith("peer=")]
    d: dict = {}
    if not lines:
        return d
    for kv in lines[-1].split():
        k, _, v = kv.partition("=")
        try:
            d[k] = int(v) if v.isdigit() else float(v)
        except ValueError:
            d[k] = v
    return d


def timed(cmd: list[str], env=None) -> tuple[dict, str]:
    """Runs cmd under /usr/bin/time -v; returns (time fields + load average before, stdout)."""
    la = loadavg()
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    wall_py = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    d = parse_time_v(p.stderr)
    d.setdefault("wall_s", wall_py)
    d["loadavg_before"] = la
    return d, p.stdout


def file_sig(path: str) -> dict:
    st = os.stat(path)
    return {"path": os.path.abspath(path), "size": st.st_size, "mtime": int(st.st_mtime)}


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_clusters(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as f:
        return {r["id"]: r["cluster"] for r in csv.DictReader(f)}


def write_clusters(path: str, rows: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "cluster"])
        for i, c in rows.items():
            w.writerow([i, c])


def filter_pairs(src: str, dst: str, excluded: set[str]) -> int:
    with open(src, encoding="utf-8", newline="") as fi, open(dst, "w", encoding="utf-8", newline="") as fo:
        r, w = csv.reader(fi), csv.writer(fo)
        w.writerow(next(r, ["id_a", "id_b"]))
        n = 0
        for row in r:
            if row[0] not in excluded and row[1] not in excluded:
                w.writerow(row)
                n += 1
    return n


# --------------------------------------------------------------------------- bench

class Bench:
    def __init__(self, args):
        self.a = args
        self.h = args.harness
        self.py = args.peer_python
        self.d = os.path.abspath(args.out_dir)
        os.makedirs(self.d, exist_ok=True)
        self.tag = args.tag or os.path.splitext(os.path.basename(args.corpus))[0] + (
            "-nonempty" if args.drop_empty else "") + ("-norm" if args.normalised else "")
        self.corpus = self.prepare_corpus()
        self.bytes = os.path.getsize(self.corpus)
        self.results: list[dict] = []
        sys.path.insert(0, self.h)
        import common  # the harness's shared tokenizer
        self.common = common
        self.norm = load_norm(self.h)
        self.ids, self.empty = self.scan_corpus()
        # Synthetic corpora carry the generator's intended cluster: score against it too.
        with open(self.a.corpus, encoding="utf-8") as f:
            first = json.loads(f.readline() or "{}")
        self.intended = os.path.abspath(self.a.corpus) if "cluster" in first else None
        self.docs = len(self.ids)

    def path(self, name: str) -> str:
        return os.path.join(self.d, name)

    def prepare_corpus(self) -> str:
        src = os.path.abspath(self.a.corpus)
        if self.a.drop_empty:
            dst = self.path(os.path.splitext(os.path.basename(src))[0] + ".nonempty.jsonl")
            if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
                log(f"--drop-empty: reusing {dst}")
            else:
                n = 0
                with open(src, encoding="utf-8") as fi, open(dst, "w", encoding="utf-8") as fo:
                    for line in fi:
                        if line.strip() and re.search(r"\w", json.loads(line).get("text") or ""):
                            fo.write(line)
                            n += 1
                log(f"--drop-empty: {n} records with a word character -> {dst}")
            src = dst
        if not self.a.normalised:
            return src
        dst = self.path(os.path.splitext(os.path.basename(src))[0] + ".norm.jsonl")
        meta = dst + ".meta.json"
        want = {"source": file_sig(src)}
        if os.path.exists(dst) and os.path.exists(meta) and json.load(open(meta)) == want:
            log(f"normalised corpus cached: {dst}")
            return dst
        log(f"normalising {src} -> {dst}")
        subprocess.run([self.py, os.path.join(self.h, "normalise_like_chaff.py"), src, dst],
                       check=True, stdout=subprocess.DEVNULL)
        json.dump(want, open(meta, "w"))
        return dst

    def scan_corpus(self) -> tuple[list[str], set[str]]:
        ids, empty = [], set()
        with open(self.corpus, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                o = json.loads(line)
                i = str(o["id"])
                ids.append(i)
                if self.a.truth == "chaff-like":
                    if not chafflike_shingles(o.get("text") or "", self.norm):
                        empty.add(i)
                elif not self.common.tokenize(o.get("text") or ""):
                    empty.add(i)
        if len(set(ids)) != len(ids):
            log("WARNING: duplicate ids in the corpus; cluster scoring keys on id")
        return ids, empty if not self.a.keep_empty else set()

    # ---- ground truth
    def truth(self) -> None:
        kind = "exact" if self.a.truth == "harness" else "exact-chafflike"
        self.truth_csv = self.path(f"{self.tag}.{kind}.csv")
        self.truth_pairs = self.path(f"{self.tag}.{kind}.pairs.csv")
        meta = self.truth_csv + ".meta.json"
        want = {"corpus": file_sig(self.corpus), "threshold": self.a.threshold, "truth": self.a.truth}
        if (os.path.exists(self.truth_csv) and os.path.exists(meta)
                and json.load(open(meta)).get("key") == want):
            log(f"ground truth cached: {self.truth_csv}")
            self.truth_run = json.load(open(meta)).get("run", {})
        elif self.a.truth == "chaff-like":
            log("ground truth (chaff-like shingles, exact Jaccard in-process) ...")
            t0 = time.perf_counter()
            n_pairs, no_content = chafflike_truth(self.corpus, self.h, self.a.threshold,
                                                  self.truth_csv, self.truth_pairs)
            self.truth_run = {"wall_s": time.perf_counter() - t0, "pairs": n_pairs}
            json.dump({"key": want, "run": self.truth_run}, open(meta, "w"))
            log(f"  exact (chaff-like): {self.truth_run['wall_s']:.1f}s pairs={n_pairs}")
        else:
            log("ground truth (exact_jaccard.py) ...")
            t, out = timed([self.py, os.path.join(self.h, "exact_jaccard.py"), self.corpus, self.truth_csv,
                            "--threshold", str(self.a.threshold), "--pairs-out", self.truth_pairs])
            t.update(parse_peer_line(out))
            self.truth_run = t
            json.dump({"key": want, "run": t}, open(meta, "w"))
            log(f"  exact: {t['wall_s']:.1f}s pairs={t.get('pairs')}")
        # Scoring copies without the empty documents.
        self.truth_csv_f = self.path(f"{self.tag}.exact.scored.csv")
        self.truth_pairs_f = self.path(f"{self.tag}.exact.pairs.scored.csv")
        tr = read_clusters(self.truth_csv)
        write_clusters(self.truth_csv_f, {i: c for i, c in tr.items() if i not in self.empty})
        self.truth_scored_pairs = filter_pairs(self.truth_pairs, self.truth_pairs_f, self.empty)

    def score(self, pred_csv: str, pred_pairs: str | None) -> dict:
        filt = pred_csv[:-4] + ".scored.csv"
        pr = read_clusters(pred_csv)
        write_clusters(filt, {i: c for i, c in pr.items() if i not in self.empty})
        cmd = [self.py, os.path.join(self.h, "score.py"), self.truth_csv_f, filt, "--json"]
        if self.intended:
            cmd += ["--intended", self.intended]
        if pred_pairs:
            pf = pred_pairs[:-4] + ".scored.csv"
            filter_pairs(pred_pairs, pf, self.empty)
            cmd += ["--truth-pairs", self.truth_pairs_f, "--pred-pairs", pf]
        s = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return json.loads(s.stdout)

    # ---- chaff
    def chaff_config(self, verify: str) -> dict:
        """How to run one chaff configuration: its name, command and output folder."""
        name = "chaff" if verify == "estimate" else "chaff+verify-exact"
        outdir = self.path(f"chaff-{verify}")
        cmd = [self.a.chaff, "dedup", self.corpus, "-o", outdir, "-q", "--threads", str(self.a.threads)]
        if verify == "exact":
            cmd += ["--verify", "exact"]
        cmd += self.a.chaff_arg
        return {"name": name, "cmd": cmd, "outdir": outdir, "runs": []}

    def chaff_warmup(self, c: dict) -> None:
        for _ in range(self.a.warmup):
            shutil.rmtree(c["outdir"], ignore_errors=True)
            subprocess.run(c["cmd"], check=True, stdout=subprocess.DEVNULL)

    def chaff_run(self, c: dict) -> None:
        shutil.rmtree(c["outdir"], ignore_errors=True)
        t, _ = timed(c["cmd"])
        c["runs"].append(t)
        log(f"  {c['name']} run {len(c['runs'])}: {t['wall_s']:.2f}s rss={t.get('peak_rss_mib', 0):.0f}MiB "
            f"cpu={t.get('cpu_pct')}% load={t['loadavg_before']}")

    def chaff_result(self, c: dict) -> dict:
        name = c["name"]
        pred_csv = self.path(f"{self.tag}.{name}.csv")
        pred_pairs = self.path(f"{self.tag}.{name}.pairs.csv")
        extra = self.convert_chaff(c["outdir"], pred_csv, pred_pairs)
        r = self.summarise(name, c["runs"], " ".join(c["cmd"]))
        r.update(extra)
        r["chaff_binary"] = file_sig(self.a.chaff)
        r["chaff_sha256"] = self.chaff_sha
        r.update(self.score(pred_csv, pred_pairs))
        return r

    def convert_chaff(self, outdir: str, pred_csv: str, pred_pairs: str) -> dict:
        import pyarrow.parquet as pq
        docs = pq.read_table(os.path.join(outdir, "documents.parquet"),
                             columns=["doc_id", "cluster_id", "is_duplicate", "duplicate_kind"]).to_pydict()
        rows = {str(i): str(c if c is not None else i) for i, c in zip(docs["doc_id"], docs["cluster_id"])}
        if len(docs["doc_id"]) != self.docs:
            log(f"WARNING: documents.parquet has {len(docs['doc_id'])} rows, corpus {self.docs}")
        write_clusters(pred_csv, rows)
        pairs = pq.read_table(os.path.join(outdir, "pairs.parquet")).to_pydict()
        rel: dict[str, int] = {}
        with open(pred_pairs, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id_a", "id_b", "estimated_jaccard", "exact_jaccard", "relation"])
            for a, b, e, x, rl in zip(pairs["doc_a"], pairs["doc_b"], pairs["estimated_jaccard"],
                                      pairs["exact_jaccard"], pairs["relation"]):
                w.writerow([a, b, e, "" if x is None else x, rl])
                rel[rl] = rel.get(rl, 0) + 1
        kinds: dict[str, int] = {}
        for k in docs["duplicate_kind"]:
            kinds[str(k)] = kinds.get(str(k), 0) + 1
        return {"pairs": len(pairs["doc_a"]), "pair_relations": rel,
                "duplicates": sum(bool(x) for x in docs["is_duplicate"]), "duplicate_kinds": kinds,
                "dup_clusters": len({c for i, c in rows.items() if c != i})}

    # ---- peers
    def peer_config(self, name: str) -> dict:
        """How to run one peer: its command and where it writes."""
        script, extra, has_pairs = PEERS[name]
        pred_csv = self.path(f"{self.tag}.{name}.csv")
        pred_pairs = self.path(f"{self.tag}.{name}.pairs.csv") if has_pairs else None
        cmd = [self.py, os.path.join(self.h, script), self.corpus, pred_csv, "--threshold",
               str(self.a.threshold)] + extra
        if pred_pairs:
            cmd += ["--pairs-out", pred_pairs]
        return {"name": name, "cmd": cmd, "pred_csv": pred_csv, "pred_pairs": pred_pairs, "runs": []}

    def peer_run(self, c: dict) -> None:
        t, out = timed(c["cmd"])
        t.update({f"peer_{k2}": v for k2, v in parse_peer_line(out).items()})
        c["runs"].append(t)
        log(f"  {c['name']} run {len(c['runs'])}: {t['wall_s']:.2f}s tool={t.get('peer_tool_s')}s "
            f"rss={t.get('peak_rss_mib', 0):.0f}MiB load={t['loadavg_before']}")

    def peer_result(self, c: dict) -> dict:
        runs = c["runs"]
        r = self.summarise(c["name"], runs, " ".join(c["cmd"]))
        r["tool_s"] = statistics.median(x.get("peer_tool_s", float("nan")) for x in runs)
        r["pairs"] = runs[-1].get("peer_pairs")
        r["dup_clusters"] = runs[-1].get("peer_dup_clusters")
        r.update(self.score(c["pred_csv"], c["pred_pairs"]))
        return r

    def summarise(self, name: str, runs: list[dict], cmd: str) -> dict:
        wall = statistics.median(x["wall_s"] for x in runs)
        return {
            "tool": name, "corpus": self.tag, "corpus_path": self.corpus, "normalised": self.a.normalised,
            "docs": self.docs, "input_bytes": self.bytes, "scored_docs": self.docs - len(self.empty),
            "excluded_empty_docs": len(self.empty), "threshold": self.a.threshold, "truth": self.a.truth,
            "truth_pairs_scored": self.truth_scored_pairs,
            "repeats": len(runs), "interleaved": self.a.interleave, "wall_s": wall, "all_wall_s": [x["wall_s"] for x in runs],
            "min_wall_s": min(x["wall_s"] for x in runs),
            "cpu_s": statistics.median(x.get("user_s", 0) + x.get("sys_s", 0) for x in runs),
            "docs_per_s": self.docs / wall, "mb_per_s": self.bytes / 1e6 / wall,
            "peak_rss_mib": max(x.get("peak_rss_mib", 0) for x in runs),
            "cpu_pct": [x.get("cpu_pct") for x in runs],
            "loadavg_before": [x["loadavg_before"] for x in runs],
            "command": cmd, "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "runs": runs,
        }

    def record(self, r: dict) -> None:
        self.results.append(r)
        with open(self.path("results.jsonl"), "a") as f:
            f.write(json.dumps(r) + "\n")

    # ---- diagnosis of chaff's misses / extra pairs
    def diagnose(self, name: str = "chaff") -> dict:
        pred = read_clusters(self.path(f"{self.tag}.{name}.csv"))
        truth = read_clusters(self.truth_csv_f)
        tj: dict[tuple[str, str], float] = {}
        with open(self.truth_pairs_f, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                a, b = sorted((row["id_a"], row["id_b"]))
                tj[(a, b)] = float(row["jaccard"])
        cp: dict[tuple[str, str], float] = {}
        with open(self.path(f"{self.tag}.{name}.pairs.csv"), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                a, b = sorted((row["id_a"], row["id_b"]))
                cp[(a, b)] = float(row["estimated_jaccard"])
        # Texts needed for re-computing Jaccard under chaff-like normalisation.
        need = {i for p in list(tj) + list(cp) for i in p}
        texts = {}
        with open(self.corpus, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                if str(o["id"]) in need:
                    texts[str(o["id"])] = o.get("text") or ""
        norm = load_norm(self.h)
        raw_sets: dict[str, set] = {}
        norm_sets: dict[str, set] = {}

        def jac(sets, fn, a, b):
            for i in (a, b):
                if i not in sets:
                    sets[i] = set(fn(texts.get(i, "")))
            x, y = sets[a], sets[b]
            return len(x & y) / len(x | y) if x or y else 1.0

        raw_fn = lambda t: self.common.shingles(t, 5)  # noqa: E731
        norm_fn = lambda t: self.common.shingles(norm(t), 5)  # noqa: E731

        def bucket(j):
            for lo in (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5):
                if j >= lo:
                    return f">={lo:.2f}"
            return "<0.50"

        # Missed truth pairs: the two documents end up in different chaff clusters.
        missed = [(p, j) for p, j in tj.items() if pred.get(p[0], p[0]) != pred.get(p[1], p[1])]
        m_hist: dict[str, int] = {}
        m_norm_below = 0
        for (a, b), j in missed:
            m_hist[bucket(j)] = m_hist.get(bucket(j), 0) + 1
            if jac(norm_sets, norm_fn, a, b) < self.a.threshold:
                m_norm_below += 1
        # Extra direct pairs: chaff linked them, truth Jaccard < threshold.
        extra = [(p, e) for p, e in cp.items() if p not in tj]
        e_hist_raw: dict[str, int] = {}
        e_hist_norm: dict[str, int] = {}
        e_est: dict[str, int] = {}
        examples = []
        for (a, b), e in extra:
            jr = jac(raw_sets, raw_fn, a, b)
            jn = jac(norm_sets, norm_fn, a, b)
            e_hist_raw[bucket(jr)] = e_hist_raw.get(bucket(jr), 0) + 1
            e_hist_norm[bucket(jn)] = e_hist_norm.get(bucket(jn), 0) + 1
            e_est[bucket(e)] = e_est.get(bucket(e), 0) + 1
            if len(examples) < 8:
                examples.append({"a": a, "b": b, "estimated": e, "raw_j": round(jr, 3), "norm_j": round(jn, 3)})
        # Cluster-implied false pairs vs direct ones.
        ppairs_by_cluster: dict[str, list[str]] = {}
        for i, c in pred.items():
            ppairs_by_cluster.setdefault(c, []).append(i)
        big = sorted(((len(v), k) for k, v in ppairs_by_cluster.items() if len(v) > 1), reverse=True)[:5]
        tsize: dict[str, int] = {}
        for c in truth.values():
            tsize[c] = tsize.get(c, 0) + 1
        out = {
            "tool": name, "corpus": self.tag, "truth_pairs": len(tj), "chaff_direct_pairs": len(cp),
            "missed_truth_pairs": len(missed), "missed_by_truth_j": dict(sorted(m_hist.items())),
            "missed_with_chaff_norm_j_below_threshold": m_norm_below,
            "extra_direct_pairs": len(extra), "extra_by_raw_j": dict(sorted(e_hist_raw.items())),
            "extra_by_chaff_norm_j": dict(sorted(e_hist_norm.items())),
            "extra_by_estimated_j": dict(sorted(e_est.items())), "extra_examples": examples,
            "largest_chaff_clusters": big, "largest_truth_clusters": sorted(tsize.values(), reverse=True)[:5],
        }
        with open(self.path(f"{self.tag}.{name}.diagnosis.json"), "w") as f:
            json.dump(out, f, indent=1)
        return out

    # ---- table
    def table(self) -> None:
        def f(v, spec):
            return format(v, spec) if isinstance(v, (int, float)) else "-"
        print(f"\n### {self.tag}  ({self.docs:,} docs, {self.bytes / 1e6:.1f} MB; scored {self.docs - len(self.empty):,}"
              f"; truth ({self.a.truth}) pairs among scored docs {self.truth_scored_pairs:,}; repeat {self.a.repeat})\n")
        print("| tool | docs/s | MB/s | wall s | min wall s | CPU s | peak RSS MiB | pair P | pair R | pair F1 | ARI "
              "| raw P | raw R |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in self.results:
            print(f"| {r['tool']} | {f(r['docs_per_s'], ',.0f')} | {f(r['mb_per_s'], '.2f')} | {f(r['wall_s'], '.2f')} | "
                  f"{f(r['min_wall_s'], '.2f')} | {f(r['cpu_s'], '.2f')} | {f(r['peak_rss_mib'], ',.0f')} | {f(r.get('pair_precision'), '.4f')} | "
                  f"{f(r.get('pair_recall'), '.4f')} | {f(r.get('pair_f1'), '.4f')} | {f(r.get('ari'), '.4f')} | "
                  f"{f(r.get('raw_pair_precision'), '.4f')} | {f(r.get('raw_pair_recall'), '.4f')} |")
        if any("intended_pair_precision" in r for r in self.results):
            print("\nvs the generator's intended clusters (pair P / R / ARI): " + "; ".join(
                f"{r['tool']} {r['intended_pair_precision']:.4f} / {r['intended_pair_recall']:.4f} / "
                f"{r['intended_ari']:.4f}" for r in self.results if "intended_pair_precision" in r))
        by = {r["tool"]: r for r in self.results}
        lines = []
        for c in ("chaff", "chaff+verify-exact"):
            for p in ("rensa-r", "datasketch", "gaoya+verify", "gaoya", "datatrove"):
                if c in by and p in by:
                    line = (f"{c}/{p} speed: {by[p]['wall_s'] / by[c]['wall_s']:.1f}x wall "
                            f"({by[p]['min_wall_s'] / by[c]['min_wall_s']:.1f}x min wall, "
                            f"{by[p]['cpu_s'] / by[c]['cpu_s']:.1f}x CPU s)")
                    ours, theirs = by[c]["all_wall_s"], by[p]["all_wall_s"]
                    if self.a.interleave and len(ours) == len(theirs) > 1:
                        # Both ran in the same round, minutes apart at most: the paired ratio
                        # cancels the host's slow spells that a median of each tool does not.
                        rounds = [t / o for o, t in zip(ours, theirs)]
                        line += (f"; per round {', '.join(f'{x:.1f}x' for x in rounds)} "
                                 f"(median {statistics.median(rounds):.1f}x)")
                    lines.append(line)
        if lines:
            print("\n" + "\n".join(lines))
        loads = [la for r in self.results for la in r["loadavg_before"] if la]
        if loads:
            print(f"load average (1 min) before runs: min {min(x[0] for x in loads):.2f}, "
                  f"max {max(x[0] for x in loads):.2f}")


def _unspaced(c: str) -> bool:
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or 0x0E00 <= o <= 0x0EFF or 0x1780 <= o <= 0x17FF or 0x1000 <= o <= 0x109F)


def chafflike_shingles(text: str, norm, n: int = 5) -> set[str]:
    """Approximation of chaff's shingle set (without its boilerplate stripping): normalise_like_chaff's
    normal form; word n-grams, or character n-grams (spaces removed) when most letters are of an
    unspaced script (Han, kana, Thai, Lao, Khmer, Myanmar). Empty text gives no shingle."""
    t = norm(text)
    if not t:
        return set()
    letters = [c for c in t if c != " "]
    if sum(map(_unspaced, letters[:4096])) * 2 > min(len(letters), 4096):
        s = "".join(letters)
        return {s} if len(s) < n else {s[i:i + n] for i in range(len(s) - n + 1)}
    w = t.split()
    return {" ".join(w)} if len(w) < n else {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def chafflike_truth(corpus: str, harness: str, threshold: float, out_csv: str, out_pairs: str) -> tuple[int, int]:
    """Exact Jaccard over chafflike_shingles (scipy sparse product, as exact_jaccard.py does)."""
    import numpy as np
    import scipy.sparse as sp
    sys.path.insert(0, harness)
    import common
    norm = load_norm(harness)
    ids, sets = [], []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                ids.append(str(o["id"]))
                sets.append(chafflike_shingles(o.get("text") or "", norm))
    vocab: dict[str, int] = {}
    indptr = [0]
    cols: list[int] = []
    for s in sets:
        cols.extend(vocab.setdefault(x, len(vocab)) for x in s)
        indptr.append(len(cols))
    n = len(ids)
    X = sp.csr_matrix((np.ones(len(cols), dtype=np.int32), np.array(cols, dtype=np.int64),
                       np.array(indptr, dtype=np.int64)), shape=(n, max(1, len(vocab))))
    XT = X.T.tocsr()
    sizes = np.diff(np.array(indptr, dtype=np.int64))
    pairs, sims = [], []
    for start in range(0, n, 2000):
        C = (X[start:start + 2000] @ XT).tocoo()
        r = C.row.astype(np.int64) + start
        c = C.col.astype(np.int64)
        keep = c > r
        r, c, inter = r[keep], c[keep], C.data[keep].astype(np.int64)
        j = inter / (sizes[r] + sizes[c] - inter)
        good = j >= threshold - 1e-12
        pairs.extend(zip(r[good].tolist(), c[good].tolist()))
        sims.extend(j[good].tolist())
    labels = common.cluster_pairs(n, pairs)
    common.write_clusters(out_csv, ids, labels)
    common.write_pairs(out_pairs, ids, pairs, sims)
    return len(pairs), sum(1 for s in sets if not s)


def load_norm(harness: str):
    """normalise_like_chaff.norm, without running that script's main part."""
    src = open(os.path.join(harness, "normalise_like_chaff.py"), encoding="utf-8").read()
    src = src.split("\nsrc, dst = sys.argv[1:]")[0]
    ns: dict = {}
    exec(compile(src, "normalise_like_chaff.py", "exec"), ns)
    return ns["norm"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--peers", default="rensa-r,datasketch",
                    help=f"comma-separated, from: {','.join(PEERS)} (empty string: none)")
    ap.add_argument("--normalised", action="store_true", help="run everything on the normalise_like_chaff.py rewrite")
    ap.add_argument("--chaff", default=CHAFF_DEFAULT, help=f"chaff binary (default {CHAFF_DEFAULT})")
    ap.add_argument("--no-chaff", action="store_true", help="skip chaff")
    ap.add_argument("--no-chaff-exact", action="store_true", help="skip the --verify exact run")
    ap.add_argument("--chaff-arg", action="append", default=[], help="extra argument for chaff dedup (repeatable)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=1,
                    help="untimed chaff runs before each chaff configuration's timed ones (default 1): "
                         "after the single-threaded Python steps the machine's second core starts cold, "
                         "which slowed chaff's first ~1.3 s runs by up to 20 %%; the peers' runs last "
                         "15-60 s, where a cold start is lost in the noise")
    ap.add_argument("--interleave", action="store_true",
                    help="run the repeats round-robin (every tool once per round) instead of each tool's "
                         "repeats back to back: the host's speed drifts over minutes, and back-to-back runs "
                         "put a slow spell on one tool only")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--tag", default=None)
    ap.add_argument("--truth", choices=["harness", "chaff-like"], default="harness",
                    help="harness: exact_jaccard.py (\\W+ word 5-grams, the peers' sets); chaff-like: exact "
                         "Jaccard of an approximation of chaff's own sets (normal form, char 5-grams for "
                         "unspaced scripts; no boilerplate stripping), e.g. for Chinese")
    ap.add_argument("--drop-empty", action="store_true",
                    help="first drop records without a word character (the peers put all empty texts in one "
                         "LSH bucket: n^2/2 candidate pairs that chaff never builds)")
    ap.add_argument("--keep-empty", action="store_true", help="also score documents without any token")
    ap.add_argument("--diagnose", action="store_true", help="break down chaff's missed and extra pairs")
    ap.add_argument("--harness", default=HARNESS_DEFAULT)
    ap.add_argument("--peer-python", default=PEER_PY_DEFAULT)
    args = ap.parse_args()
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        if os.path.exists(args.peer_python) and os.path.realpath(sys.executable) != os.path.realpath(args.peer_python):
            os.execv(args.peer_python, [args.peer_python] + sys.argv)
        sys.exit("pyarrow is needed (run with the peers venv python)")
    peers = [p.strip().lower() for p in args.peers.split(",") if p.strip()]
    for p in peers:
        if p not in PEERS:
            sys.exit(f"unknown peer {p!r}; known: {', '.join(PEERS)}")

    b = Bench(args)
    log(f"corpus {b.corpus}: {b.docs} docs, {b.bytes} bytes, {len(b.empty)} without tokens (not scored)")
    b.truth()
    # (config, warm up, run once, result) for every tool, chaff first; peers get no warm-up.
    tools = []
    if not args.no_chaff:
        b.chaff_sha = sha256(args.chaff)
        log(f"chaff {args.chaff} sha256 {b.chaff_sha[:12]} mtime {time.ctime(os.path.getmtime(args.chaff))}")
        for verify in ("estimate",) + (() if args.no_chaff_exact else ("exact",)):
            tools.append((b.chaff_config(verify), b.chaff_warmup, b.chaff_run, b.chaff_result))
    tools += [(b.peer_config(p), lambda c: None, b.peer_run, b.peer_result) for p in peers]
    if args.interleave:
        # Round k runs every tool once, so a slow spell of the host falls on all of them
        # instead of on whichever tool happened to run during it.
        for c, warmup, _, _ in tools:
            warmup(c)
        for _ in range(args.repeat):
            for c, _, run, _ in tools:
                run(c)
    else:
        for c, warmup, run, _ in tools:
            warmup(c)
            for _ in range(args.repeat):
                run(c)
    for c, _, _, result in tools:
        b.record(result(c))
    b.table()
    if args.diagnose and not args.no_chaff:
        for name in ("chaff",) + (() if args.no_chaff_exact else ("chaff+verify-exact",)):
            d = b.diagnose(name)
            print(f"\ndiagnosis {name}: " + json.dumps({k: v for k, v in d.items() if k != "extra_examples"}))


if __name__ == "__main__":
    main()
