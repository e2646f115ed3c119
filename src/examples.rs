//! Report examples: the few document texts a report needs to explain its numbers.
//!
//! The tables keep a 200-character excerpt per document, which cannot show where two near
//! duplicates differ or which line a looping page repeats. After dedup, this stage picks a
//! handful of documents (one near-duplicate pair, the representatives of the largest
//! clusters, the documents with the worst repetition), re-reads only as far into the input as
//! the last of them, and keeps what the report shows: content text (capped), the first lines,
//! or the repeated unit. It also finds each origin's most widespread boilerplate line. The
//! result is `examples.parquet`, so `chaff report DIR` can still render from tables alone.

use crate::analyse::{content_lines, DocScan};
use crate::boilerplate::{line_mask, origin_of, RepeatedLines};
use crate::dedup::{DedupResult, Relation};
use crate::load::Loader;
use crate::pipeline::{Corpus, ExampleKey};
use crate::record::Status;
use crate::repetition::GOPHER_THRESHOLDS;
use polars::prelude::*;
use std::collections::HashMap;

/// Characters of content kept for each member of the near-duplicate pair.
pub const PAIR_CHARS: usize = 20_000;
/// Characters kept of a cluster representative's first lines.
pub const FIRST_LINES_CHARS: usize = 600;
/// How many clusters and repetitive documents are shown.
pub const TOP: usize = 5;

/// One example row.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// `near_a`, `near_b`, `cluster`, `repetition` or `domain_boilerplate`.
    pub role: &'static str,
    /// Document index (for document roles) in input order.
    pub doc: Option<u32>,
    /// Origin (domain, else file) for `domain_boilerplate`.
    pub origin: Option<String>,
    /// The text shown.
    pub text: String,
    /// Occurrences of a repeated unit, or documents of an origin carrying a boilerplate line.
    pub count: u64,
    /// What `text` is: `content`, `first_lines`, `line`, `paragraph`, `<n>-gram`, `boilerplate:<kind>`.
    pub unit: String,
}

/// How badly a document repeats itself: each Gopher metric relative to its threshold, capped at 5×, summed.
pub fn repetition_score(values: &[f32; 13]) -> f64 {
    GOPHER_THRESHOLDS
        .iter()
        .zip(values)
        .map(|((_, t), v)| (*v as f64 / *t as f64).min(5.0))
        .sum()
}

/// The near-duplicate pair shown: the least similar near pair of two `ok` documents (shows the most difference).
pub fn pick_near_pair(docs: &[DocScan], dedup: &DedupResult) -> Option<(u32, u32)> {
    let mut best: Option<(f32, u32, u32)> = None;
    for p in &dedup.pairs {
        if p.relation != Relation::Near
            || docs[p.a as usize].status != Status::Ok
            || docs[p.b as usize].status != Status::Ok
            || docs[p.a as usize].exact_hash == docs[p.b as usize].exact_hash
        {
            continue;
        }
        let sim = p.exact.unwrap_or(p.estimated);
        if best.is_none_or(|(s, _, _)| sim < s) {
            best = Some((sim, p.a, p.b));
        }
    }
    best.map(|(_, a, b)| (a, b))
}

/// Representatives of the largest clusters, largest first (ties: cluster order).
pub fn pick_clusters(dedup: &DedupResult) -> Vec<u32> {
    let mut order: Vec<usize> = (0..dedup.clusters.len()).collect();
    order.sort_by(|&a, &b| {
        dedup.clusters[b]
            .members
            .len()
            .cmp(&dedup.clusters[a].members.len())
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(TOP)
        .map(|i| dedup.clusters[i].representative)
        .collect()
}

/// Documents with the worst repetition, worst first (ties: input order); documents that
/// repeat nothing are left out.
pub fn pick_repetitive(docs: &[DocScan]) -> Vec<u32> {
    let mut scored: Vec<(f64, u32)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (repetition_score(&d.repetition().values()), i as u32))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(TOP).map(|(_, i)| i).collect()
}

/// Picks the example documents and re-reads the input up to the last of them.
pub fn collect(
    loader: &Loader,
    docs: &[DocScan],
    repeated: &RepeatedLines,
    dedup: &DedupResult,
) -> anyhow::Result<Vec<Example>> {
    let mut wanted: Vec<(u32, &'static str)> = Vec::new();
    if let Some((a, b)) = pick_near_pair(docs, dedup) {
        wanted.push((a, "near_a"));
        wanted.push((b, "near_b"));
    }
    wanted.extend(pick_clusters(dedup).into_iter().map(|i| (i, "cluster")));
    wanted.extend(pick_repetitive(docs).into_iter().map(|i| (i, "repetition")));
    let mut texts: HashMap<u32, (String, String)> = HashMap::new();
    if let Some(last) = wanted.iter().map(|w| w.0).max() {
        let mut offset = 0usize;
        for block in loader.blocks() {
            let base = offset;
            let n = block.len();
            let found: Vec<Option<(u32, (String, String))>> = loader.process(block, |i, rec| {
                let g = (base + i) as u32;
                wanted.iter().any(|w| w.0 == g).then_some(())?;
                let scan = docs.get(g as usize)?;
                Some((g, (content_of(&rec.text, scan, repeated), rec.text)))
            });
            texts.extend(found.into_iter().flatten());
            offset += n;
            // Nothing after the last wanted record matters: stop reading.
            if offset > last as usize {
                break;
            }
        }
    }
    let mut out = Vec::new();
    for (doc, role) in wanted {
        let Some((content, raw)) = texts.get(&doc) else {
            continue;
        };
        let (text, count, unit) = match role {
            "near_a" | "near_b" => (
                content.chars().take(PAIR_CHARS).collect(),
                0,
                "content".to_string(),
            ),
            "cluster" => (first_lines(content), 0, "first_lines".to_string()),
            _ => match repeated_unit(raw) {
                Some((t, c, u)) => (t, c, u),
                None => continue,
            },
        };
        out.push(Example {
            role,
            doc: Some(doc),
            origin: None,
            text,
            count,
            unit,
        });
    }
    Ok(out)
}

/// The content lines of a record (boilerplate removed), as the content pass sees them.
fn content_of(text: &str, scan: &DocScan, repeated: &RepeatedLines) -> String {
    let mask = line_mask(scan, repeated);
    let mut out = String::new();
    for (i, line) in content_lines(text).enumerate().take(scan.line_keys.len()) {
        if mask[i] {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The first three lines of a text, capped at [`FIRST_LINES_CHARS`].
fn first_lines(text: &str) -> String {
    let joined = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    joined.chars().take(FIRST_LINES_CHARS).collect()
}

/// What a repetitive document repeats: its most repeated line (by characters it wastes),
/// else its longest repeated word n-gram (10 down to 2 words) in the normalised words the
/// Gopher metrics count (so "Shr 25 cts vs 20 cts" repeats "shr 0 cts"); with its count.
pub fn repeated_unit(raw: &str) -> Option<(String, u64, String)> {
    let mut lines: HashMap<&str, (u64, usize)> = HashMap::new();
    for (i, l) in raw.lines().map(str::trim).enumerate() {
        if !l.is_empty() {
            lines.entry(l).or_insert((0, i)).0 += 1;
        }
    }
    let best = lines.iter().filter(|(_, (c, _))| *c > 1).max_by(|a, b| {
        let wa = (a.1 .0 - 1) * a.0.chars().count() as u64;
        let wb = (b.1 .0 - 1) * b.0.chars().count() as u64;
        wa.cmp(&wb).then(b.1 .1.cmp(&a.1 .1))
    });
    if let Some((line, (c, _))) = best {
        return Some((line.chars().take(1000).collect(), *c, "line".into()));
    }
    let normalised = crate::normalise::normalise(raw);
    let mut words: Vec<&str> = Vec::new();
    crate::normalise::split_words(&normalised, &mut words);
    for n in (2..=10usize).rev() {
        if words.len() < n * 2 {
            continue;
        }
        let mut grams: HashMap<&[&str], (u64, usize)> = HashMap::new();
        for (i, w) in words.windows(n).enumerate() {
            grams.entry(w).or_insert((0, i)).0 += 1;
        }
        let top = grams
            .iter()
            .filter(|(_, (c, _))| *c > 1)
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)));
        if let Some((gram, (c, _))) = top {
            return Some((gram.join(" "), *c, format!("{n}-gram")));
        }
    }
    None
}

/// Each origin's most widespread boilerplate line (the one in most of its documents).
pub fn domain_boilerplate(corpus: &Corpus) -> Vec<Example> {
    // (origin, line hash) → (documents, first document): ties go to the line seen first.
    let mut counts: HashMap<(&str, u64), (u64, u32)> = HashMap::new();
    for (i, d) in corpus.docs.iter().enumerate() {
        let mask = line_mask(d, &corpus.repeated);
        let mut seen: Vec<u64> = d
            .line_keys
            .iter()
            .zip(&mask)
            .filter(|(k, &m)| m && corpus.examples.contains_key(&ExampleKey::Line(k.hash)))
            .map(|(k, _)| k.hash)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        let origin = origin_of(d);
        for h in seen {
            counts.entry((origin, h)).or_insert((0, i as u32)).0 += 1;
        }
    }
    let mut best: HashMap<&str, (u64, u32, u64)> = HashMap::new();
    for ((origin, h), (n, first)) in counts {
        let e = best.entry(origin).or_insert((n, first, h));
        if n > e.0 || (n == e.0 && (first, h) < (e.1, e.2)) {
            *e = (n, first, h);
        }
    }
    let mut rows: Vec<(&str, (u64, u32, u64))> = best.into_iter().collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter()
        .map(|(origin, (n, _, h))| Example {
            role: "domain_boilerplate",
            doc: None,
            origin: Some(origin.to_string()),
            text: corpus
                .examples
                .get(&ExampleKey::Line(h))
                .map(|t| t.chars().take(1000).collect())
                .unwrap_or_default(),
            count: n,
            unit: if corpus.repeated.contains(h) {
                "boilerplate:repeated".into()
            } else {
                "boilerplate:marker".into()
            },
        })
        .collect()
}

/// `examples.parquet`: role, key (doc_id or origin), text, count, unit.
pub fn frame(corpus: &Corpus) -> PolarsResult<DataFrame> {
    let mut rows = corpus.report_examples.clone();
    rows.extend(domain_boilerplate(corpus));
    let key: Vec<String> = rows
        .iter()
        .map(|e| match (e.doc, &e.origin) {
            (Some(d), _) => corpus.doc_ids[d as usize].clone(),
            (None, Some(o)) => o.clone(),
            (None, None) => String::new(),
        })
        .collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "role".into(),
                rows.iter().map(|e| e.role).collect::<Vec<_>>(),
            ),
            Column::new("key".into(), key),
            Column::new(
                "text".into(),
                rows.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "count".into(),
                rows.iter().map(|e| e.count).collect::<Vec<_>>(),
            ),
            Column::new(
                "unit".into(),
                rows.iter().map(|e| e.unit.as_str()).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_line_is_found() {
        let raw = "Headline here\nbody one\nHeadline here\nbody two\nHeadline here";
        let (t, c, u) = repeated_unit(raw).unwrap();
        assert_eq!((t.as_str(), c, u.as_str()), ("Headline here", 3, "line"));
    }

    #[test]
    fn repeated_ngram_when_no_line_repeats() {
        let raw = "Buy now and save big today! buy now and save big today on everything";
        let (t, c, u) = repeated_unit(raw).unwrap();
        assert_eq!(t, "buy now and save big today");
        assert_eq!((c, u.as_str()), (2, "6-gram"));
        assert!(repeated_unit("all words differ here").is_none());
    }
}
