//! The write pass of `clean`: reads the input once more, in order, and streams every kept
//! record out with its boilerplate lines stripped and its other fields untouched.

use super::output::Output;
use super::{Policy, Reason, Removal};
use crate::analyse::content_lines;
use crate::boilerplate;
use crate::load::Loader;
use crate::pipeline::Corpus;
use crate::progress::Progress;
use crate::record::Record;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use xxhash_rust::xxh3::xxh3_64;

/// Consecutive content units (paragraphs or lines) that form one span for `--repeated-spans`,
/// as in C4's three-sentence spans.
pub const SPAN_UNITS: usize = 3;

/// How kept records are rewritten.
pub struct WriteOptions<'a> {
    /// What is removed.
    pub policy: &'a Policy,
    /// The field that holds the text (replaced by the cleaned text).
    pub text_field: &'a str,
    /// Add chaff's per-document columns (`chaff_*`) to every record.
    pub add_stats: bool,
    /// Hide the progress bar.
    pub quiet: bool,
}

/// A kept record before the order-dependent span step.
struct Draft {
    record: Map<String, Value>,
    /// Content units that survived boilerplate stripping: (text, separator before it).
    units: Vec<(String, String)>,
    /// Normalised hash and word count of each unit.
    keys: Vec<(u64, u32)>,
}

/// Streams the kept records of `corpus` from `loader` into `out`. Verdicts of records the
/// span step empties are updated in place (reason `repeated_spans`).
pub fn write_kept(
    loader: &Loader,
    corpus: &Corpus,
    verdicts: &mut [Option<Removal>],
    opts: &WriteOptions,
    out: &mut Output,
) -> anyhow::Result<()> {
    let cluster_size = cluster_sizes(corpus);
    let progress = Progress::new(opts.quiet, "writing", loader.total_bytes());
    let counters = loader.counters();
    let mut seen_spans: HashSet<u64> = HashSet::new();
    let mut offset = 0usize;
    for block in loader.blocks() {
        let base = offset;
        let n = block.len();
        anyhow::ensure!(
            base + n <= corpus.docs.len(),
            "input changed since it was analysed: more records than before"
        );
        let kept = &*verdicts;
        let drafts: Vec<Option<Draft>> = loader.process(block, |i, rec| {
            let g = base + i;
            kept[g]
                .is_none()
                .then(|| draft(&rec, g, corpus, opts, cluster_size[g]))
        });
        for (i, d) in drafts.into_iter().enumerate() {
            let Some(mut d) = d else { continue };
            let g = base + i;
            if opts.policy.repeated_spans {
                let words = drop_seen_spans(&mut d, &mut seen_spans);
                if words < opts.policy.min_words.max(1) {
                    verdicts[g] = Some(Removal {
                        reason: Reason::RepeatedSpans,
                        value: Some(words as f64),
                    });
                    continue;
                }
            }
            let text = join_units(&d.units);
            d.record
                .insert(opts.text_field.to_string(), Value::String(text));
            out.write(&d.record)
                .map_err(|e| anyhow::anyhow!("writing the cleaned dataset: {e}"))?;
        }
        offset += n;
        progress.update(
            counters.bytes_read.load(Ordering::Relaxed),
            counters.files_done.load(Ordering::Relaxed),
            loader.files().len(),
            offset,
        );
    }
    progress.finish();
    anyhow::ensure!(
        offset == corpus.docs.len(),
        "input changed since it was analysed: {} records, then {offset}",
        corpus.docs.len()
    );
    Ok(())
}

fn cluster_sizes(corpus: &Corpus) -> Vec<u32> {
    let rep = &corpus.dedup.representative;
    let mut size = vec![0u32; rep.len()];
    for &r in rep {
        size[r as usize] += 1;
    }
    rep.iter().map(|&r| size[r as usize]).collect()
}

/// The record rewritten with its content units, before spans are checked.
fn draft(rec: &Record, g: usize, corpus: &Corpus, opts: &WriteOptions, cluster_size: u32) -> Draft {
    let scan = &corpus.docs[g];
    let mask = if opts.policy.strip_boilerplate {
        boilerplate::line_mask(scan, &corpus.repeated)
    } else {
        vec![false; scan.line_keys.len()]
    };
    let mut units = Vec::new();
    let mut keys = Vec::new();
    let text = rec.text.as_str();
    let mut last_end: Option<usize> = None;
    for (i, unit) in content_lines(text).enumerate() {
        let start = unit.as_ptr() as usize - text.as_ptr() as usize;
        // The original whitespace before the unit keeps paragraph breaks and indentation
        // as they were (a wrapped paragraph's indent is its only paragraph mark).
        let gap = last_end.map_or("", |end| &text[end..start]);
        last_end = Some(start + unit.len());
        if mask.get(i).copied().unwrap_or(false) {
            continue;
        }
        let key = scan.line_keys.get(i);
        // A line straight after an identical one is a scraping artefact (the headline
        // captured twice), not content: it goes with the boilerplate.
        let hash = key.map_or(0, |k| k.hash);
        if opts.policy.strip_boilerplate
            && hash != 0
            && keys.last().is_some_and(|(h, _)| *h == hash)
        {
            continue;
        }
        let sep = if units.is_empty() { "" } else { gap };
        keys.push((key.map_or(0, |k| k.hash), key.map_or(0, |k| k.words as u32)));
        units.push((unit.to_string(), sep.to_string()));
    }
    let mut record = original_fields(rec, &corpus.doc_ids[g], opts.text_field);
    if opts.add_stats {
        let c = &corpus.content[g];
        let stats = [
            ("chaff_doc_id", Value::from(corpus.doc_ids[g].as_str())),
            ("chaff_lang", Value::from(c.lang)),
            ("chaff_content_words", Value::from(c.content_words)),
            ("chaff_boilerplate_lines", Value::from(c.boilerplate_lines)),
            ("chaff_cluster_size", Value::from(cluster_size)),
            (
                "chaff_dup_line_frac",
                Value::from(scan.repetition().dup_line_frac as f64),
            ),
        ];
        for (k, v) in stats {
            record.insert(k.to_string(), v);
        }
    }
    Draft {
        record,
        units,
        keys,
    }
}

/// The record's original fields (JSON input), or the fields chaff knows (other formats).
fn original_fields(rec: &Record, doc_id: &str, text_field: &str) -> Map<String, Value> {
    if let Some(raw) = &rec.raw {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(raw) {
            return map;
        }
    }
    let mut map = Map::new();
    map.insert("id".into(), Value::from(doc_id));
    map.insert(text_field.to_string(), Value::from(""));
    for (k, v) in [
        ("url", &rec.url),
        ("title", &rec.title),
        ("date", &rec.date),
    ] {
        if let Some(v) = v {
            map.insert(k.into(), Value::from(v.as_str()));
        }
    }
    map.insert("source".into(), Value::from(rec.source.as_str()));
    map
}

/// Removes units covered by a span already seen in an earlier kept document, then records
/// this document's spans. Returns the words left.
fn drop_seen_spans(d: &mut Draft, seen: &mut HashSet<u64>) -> u32 {
    let n = d.keys.len();
    let mut drop = vec![false; n];
    let mut spans = Vec::new();
    for start in 0..n.saturating_sub(SPAN_UNITS - 1) {
        let mut bytes = [0u8; 8 * SPAN_UNITS];
        for (j, (h, _)) in d.keys[start..start + SPAN_UNITS].iter().enumerate() {
            bytes[j * 8..(j + 1) * 8].copy_from_slice(&h.to_le_bytes());
        }
        let span = xxh3_64(&bytes);
        if seen.contains(&span) {
            drop[start..start + SPAN_UNITS].fill(true);
        }
        spans.push(span);
    }
    seen.extend(spans);
    if drop.iter().any(|&x| x) {
        let mut i = 0;
        d.units.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
        let mut i = 0;
        d.keys.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
        if let Some(first) = d.units.first_mut() {
            first.1.clear();
        }
    }
    d.keys.iter().map(|(_, w)| w).sum()
}

fn join_units(units: &[(String, String)]) -> String {
    let mut text = String::with_capacity(units.iter().map(|(u, s)| u.len() + s.len()).sum());
    for (unit, sep) in units {
        text.push_str(sep);
        text.push_str(unit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft_of(units: &[(&str, u64)]) -> Draft {
        Draft {
            record: Map::new(),
            units: units
                .iter()
                .enumerate()
                .map(|(i, (u, _))| (u.to_string(), if i == 0 { "" } else { "\n" }.to_string()))
                .collect(),
            keys: units.iter().map(|(_, h)| (*h, 10)).collect(),
        }
    }

    #[test]
    fn a_span_seen_before_is_removed_from_later_documents_only() {
        let mut seen = HashSet::new();
        let mut first = draft_of(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        assert_eq!(drop_seen_spans(&mut first, &mut seen), 40);
        let mut second = draft_of(&[("x", 9), ("a", 1), ("b", 2), ("c", 3), ("y", 8)]);
        assert_eq!(drop_seen_spans(&mut second, &mut seen), 20);
        assert_eq!(join_units(&second.units), "x\ny");
        // Two shared units are not a span: nothing is removed.
        let mut third = draft_of(&[("a", 1), ("b", 2), ("z", 7)]);
        assert_eq!(drop_seen_spans(&mut third, &mut seen), 30);
    }
}
