//! Frames: the analysed corpus as Polars DataFrames, one per output table.

use crate::boilerplate::origin_of;
use crate::dedup::Relation;
use crate::normalise::normalise;
use crate::pipeline::{Corpus, ExampleKey};
use crate::repetition::GOPHER_THRESHOLDS;
use polars::prelude::*;
use std::collections::HashSet;

fn opt_str<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), values.collect::<Vec<Option<&str>>>())
}

/// `documents.parquet`: one row per input record, in input order.
pub fn documents(corpus: &Corpus) -> PolarsResult<DataFrame> {
    documents_with(corpus, |_| true)
}

/// [`documents`] with only the columns `keep` accepts, in the same order; the others are
/// never built (`chaff dedup` writes 11 of them).
pub fn documents_with(corpus: &Corpus, keep: impl Fn(&str) -> bool) -> PolarsResult<DataFrame> {
    let docs = &corpus.docs;
    let content = &corpus.content;
    let dd = &corpus.dedup;
    let ids = &corpus.doc_ids;
    let n = docs.len();
    let id_of = |i: u32| ids[i as usize].as_str();
    let is_dup: Vec<bool> = (0..n).map(|i| dd.representative[i] as usize != i).collect();
    let relation: Vec<Option<&str>> = (0..n)
        .map(|i| corpus.duplicate_kind(i).map(Relation::name))
        .collect();
    // Each column is built only when kept; the name is written once.
    let mut columns: Vec<Column> = Vec::new();
    macro_rules! column {
        ($name:literal, $values:expr) => {
            if keep($name) {
                columns.push(Column::new($name.into(), $values));
            }
        };
    }
    macro_rules! opt_column {
        ($name:literal, $values:expr) => {
            if keep($name) {
                columns.push(opt_str($name, $values));
            }
        };
    }
    column!("doc_id", ids.iter().map(String::as_str).collect::<Vec<_>>());
    column!(
        "source",
        docs.iter().map(|d| &*d.source).collect::<Vec<_>>()
    );
    column!(
        "status",
        docs.iter().map(|d| d.status.name()).collect::<Vec<_>>()
    );
    opt_column!("error", docs.iter().map(|d| d.error.as_deref()));
    opt_column!("url", docs.iter().map(|d| d.url.as_deref()));
    opt_column!("domain", docs.iter().map(|d| d.domain.as_deref()));
    opt_column!("title", docs.iter().map(|d| d.title.as_deref()));
    opt_column!("date", docs.iter().map(|d| d.date.as_deref()));
    column!("bytes", docs.iter().map(|d| d.bytes).collect::<Vec<_>>());
    column!("chars", docs.iter().map(|d| d.chars).collect::<Vec<_>>());
    column!("words", docs.iter().map(|d| d.words).collect::<Vec<_>>());
    column!("lines", docs.iter().map(|d| d.lines).collect::<Vec<_>>());
    column!("lang", content.iter().map(|c| c.lang).collect::<Vec<_>>());
    column!(
        "script",
        docs.iter().map(|d| d.script.name()).collect::<Vec<_>>()
    );
    column!(
        "exact_hash",
        docs.iter().map(|d| d.exact_hash).collect::<Vec<_>>()
    );
    column!(
        "exact_group",
        dd.exact_first.iter().map(|&f| id_of(f)).collect::<Vec<_>>()
    );
    column!(
        "cluster_id",
        dd.representative
            .iter()
            .map(|&r| id_of(r))
            .collect::<Vec<_>>()
    );
    column!("is_duplicate", is_dup.clone());
    opt_column!(
        "duplicate_of",
        (0..n).map(|i| is_dup[i].then(|| id_of(dd.representative[i])))
    );
    column!("duplicate_kind", relation);
    column!("similarity", dd.similarity.clone());
    column!(
        "content_chars",
        content.iter().map(|c| c.content_chars).collect::<Vec<_>>()
    );
    column!(
        "content_words",
        content.iter().map(|c| c.content_words).collect::<Vec<_>>()
    );
    column!(
        "shingles",
        content.iter().map(|c| c.shingles).collect::<Vec<_>>()
    );
    column!(
        "boilerplate_lines",
        content
            .iter()
            .map(|c| c.boilerplate_lines)
            .collect::<Vec<_>>()
    );
    column!(
        "boilerplate_char_frac",
        content
            .iter()
            .map(|c| {
                let total = c.content_chars + c.boilerplate_chars;
                if total == 0 {
                    0.0
                } else {
                    c.boilerplate_chars as f32 / total as f32
                }
            })
            .collect::<Vec<_>>()
    );
    column!(
        "boilerplate_rules",
        content
            .iter()
            .map(|c| {
                c.rules_fired
                    .iter()
                    .map(|&r| corpus.rule_names[r as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
    );
    column!(
        "excerpt",
        content
            .iter()
            .map(|c| c.excerpt.as_str())
            .collect::<Vec<_>>()
    );
    if corpus.has_entities {
        for (column, kind) in [
            ("pii_emails", "email"),
            ("pii_phones", "phone"),
            ("pii_ips", "ip"),
        ] {
            if !keep(column) {
                continue;
            }
            let counts: Vec<u32> = corpus
                .mentions
                .iter()
                .map(|ms| ms.iter().filter(|m| m.kind == kind).map(|m| m.count).sum())
                .collect();
            columns.push(Column::new(column.into(), counts));
        }
        column!(
            "entities",
            corpus
                .mentions
                .iter()
                .map(|ms| ms.len() as u32)
                .collect::<Vec<_>>()
        );
    }
    for (j, (name, _)) in GOPHER_THRESHOLDS.iter().enumerate() {
        if !keep(name) {
            continue;
        }
        columns.push(Column::new(
            (*name).into(),
            docs.iter()
                .map(|d| d.repetition().values()[j])
                .collect::<Vec<f32>>(),
        ));
    }
    DataFrame::new(n, columns)
}

/// `clusters.parquet`: one row per cluster of two or more documents.
pub fn clusters(corpus: &Corpus) -> PolarsResult<DataFrame> {
    let ids = &corpus.doc_ids;
    let cs = &corpus.dedup.clusters;
    let members: ListChunked = cs
        .iter()
        .map(|c| {
            Some(Series::new(
                "".into(),
                c.members
                    .iter()
                    .map(|&m| ids[m as usize].as_str())
                    .collect::<Vec<_>>(),
            ))
        })
        .collect();
    let domains: Vec<u32> = cs
        .iter()
        .map(|c| {
            c.members
                .iter()
                .filter_map(|&m| corpus.docs[m as usize].domain.as_deref())
                .collect::<HashSet<_>>()
                .len() as u32
        })
        .collect();
    let origins: Vec<u32> = cs
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|&m| origin_of(&corpus.docs[m as usize]))
                .collect::<HashSet<_>>()
                .len() as u32
        })
        .collect();
    let rep: Vec<&str> = cs
        .iter()
        .map(|c| ids[c.representative as usize].as_str())
        .collect();
    DataFrame::new(
        cs.len(),
        vec![
            Column::new("cluster_id".into(), rep.clone()),
            Column::new(
                "size".into(),
                cs.iter()
                    .map(|c| c.members.len() as u32)
                    .collect::<Vec<_>>(),
            ),
            Column::new("representative".into(), rep),
            members.into_series().with_name("members".into()).into(),
            Column::new(
                "min_similarity".into(),
                cs.iter().map(|c| c.min_similarity).collect::<Vec<_>>(),
            ),
            Column::new(
                "mean_similarity".into(),
                cs.iter().map(|c| c.mean_similarity).collect::<Vec<_>>(),
            ),
            Column::new("domains".into(), domains),
            Column::new("sources".into(), origins),
            Column::new(
                "kind".into(),
                cs.iter()
                    .map(|c| if c.all_exact { "exact" } else { "near" })
                    .collect::<Vec<_>>(),
            ),
        ],
    )
}

/// `pairs.parquet`: every accepted link between two documents.
pub fn pairs(corpus: &Corpus) -> PolarsResult<DataFrame> {
    let ids = &corpus.doc_ids;
    let ps = &corpus.dedup.pairs;
    DataFrame::new(
        ps.len(),
        vec![
            Column::new(
                "doc_a".into(),
                ps.iter()
                    .map(|p| ids[p.a as usize].as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "doc_b".into(),
                ps.iter()
                    .map(|p| ids[p.b as usize].as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "estimated_jaccard".into(),
                ps.iter().map(|p| p.estimated).collect::<Vec<_>>(),
            ),
            Column::new(
                "exact_jaccard".into(),
                ps.iter().map(|p| p.exact).collect::<Vec<_>>(),
            ),
            Column::new(
                "containment".into(),
                ps.iter().map(|p| p.containment).collect::<Vec<_>>(),
            ),
            Column::new(
                "relation".into(),
                ps.iter().map(|p| p.relation.name()).collect::<Vec<_>>(),
            ),
        ],
    )
}

/// `boilerplate.parquet`: one row per repeated boilerplate line and per marker rule that fired.
pub fn boilerplate(corpus: &Corpus) -> PolarsResult<DataFrame> {
    let total_docs = corpus.docs.len().max(1) as f64;
    let total_chars: u64 = corpus
        .docs
        .iter()
        .map(|d| d.line_keys.iter().map(|k| k.chars as u64).sum::<u64>())
        .sum();
    let total_chars = total_chars.max(1) as f64;
    let t = &corpus.repeated.table;
    let mut kind = Vec::new();
    let mut text = Vec::new();
    let mut example = Vec::new();
    let mut docs = Vec::new();
    let mut occurrences = Vec::new();
    let mut share_docs = Vec::new();
    let mut share_chars = Vec::new();
    let mut origins = Vec::new();
    let mut example_doc = Vec::new();
    let hash = t.column("hash")?.u64()?;
    let c_docs = t.column("docs")?.cast(&DataType::UInt64)?;
    let c_docs = c_docs.u64()?;
    let c_occ = t.column("occurrences")?.cast(&DataType::UInt64)?;
    let c_occ = c_occ.u64()?;
    let c_orig = t.column("origins")?.cast(&DataType::UInt64)?;
    let c_orig = c_orig.u64()?;
    let c_chars = t.column("chars")?.cast(&DataType::UInt64)?;
    let c_chars = c_chars.u64()?;
    let c_ex = t.column("example_doc")?.u32()?;
    for i in 0..t.height() {
        let h = hash.get(i).unwrap_or(0);
        let ex = corpus
            .examples
            .get(&ExampleKey::Line(h))
            .cloned()
            .unwrap_or_default();
        let d = c_docs.get(i).unwrap_or(0);
        let o = c_occ.get(i).unwrap_or(0);
        kind.push("repeated".to_string());
        text.push(normalise(&ex));
        example.push(ex);
        docs.push(d);
        occurrences.push(o);
        share_docs.push(d as f64 / total_docs);
        share_chars.push((c_chars.get(i).unwrap_or(0) * o) as f64 / total_chars);
        origins.push(c_orig.get(i).unwrap_or(0));
        example_doc.push(corpus.doc_ids[c_ex.get(i).unwrap_or(0) as usize].clone());
    }
    let m = &corpus.marker_lines;
    let rule = m.column("rule")?.u32()?;
    let mhash = m.column("hash")?.u64()?;
    let m_docs = m.column("docs")?.u64()?;
    let m_occ = m.column("occurrences")?.u64()?;
    let m_orig = m.column("origins")?.u64()?;
    let m_chars = m.column("chars")?.u64()?;
    let m_ex = m.column("example_doc")?.u32()?;
    let m_other = m.column("other_lines")?.u64()?;
    for i in 0..m.height() {
        let r = rule.get(i).unwrap_or(0);
        let h = mhash.get(i).unwrap_or(0);
        let d = m_docs.get(i).unwrap_or(0);
        let (ex, norm) = if h == 0 {
            let n = m_other.get(i).unwrap_or(0);
            (format!("({n} other lines)"), String::new())
        } else {
            let ex = corpus
                .examples
                .get(&ExampleKey::Line(h))
                .cloned()
                .unwrap_or_default();
            let norm = normalise(&ex);
            (ex, norm)
        };
        kind.push(format!("marker:{}", corpus.rule_names[r as usize]));
        text.push(norm);
        example.push(ex);
        docs.push(d);
        occurrences.push(m_occ.get(i).unwrap_or(0));
        share_docs.push(d as f64 / total_docs);
        share_chars.push(m_chars.get(i).unwrap_or(0) as f64 / total_chars);
        origins.push(m_orig.get(i).unwrap_or(0));
        example_doc.push(corpus.doc_ids[m_ex.get(i).unwrap_or(0) as usize].clone());
    }
    DataFrame::new(
        kind.len(),
        vec![
            Column::new("kind".into(), kind),
            Column::new("text".into(), text),
            Column::new("example".into(), example),
            Column::new("docs".into(), docs),
            Column::new("occurrences".into(), occurrences),
            Column::new("share_docs".into(), share_docs),
            Column::new("share_chars".into(), share_chars),
            Column::new("domains".into(), origins),
            Column::new("example_doc".into(), example_doc),
        ],
    )
}

/// `document_entities.parquet`: one row per (document, entity) with its mention count, in input order.
pub fn document_entities(corpus: &Corpus) -> PolarsResult<DataFrame> {
    let mut doc_id = Vec::new();
    let mut entity = Vec::new();
    let mut entity_id = Vec::new();
    let mut kind = Vec::new();
    let mut mentions = Vec::new();
    for (i, ms) in corpus.mentions.iter().enumerate() {
        for m in ms {
            doc_id.push(corpus.doc_ids[i].as_str());
            entity.push(m.entity.as_str());
            entity_id.push(m.id.as_deref());
            kind.push(m.kind);
            mentions.push(m.count);
        }
    }
    DataFrame::new(
        doc_id.len(),
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("entity".into(), entity),
            Column::new("entity_id".into(), entity_id),
            Column::new("kind".into(), kind),
            Column::new("mentions".into(), mentions),
        ],
    )
}

/// `entities.parquet`: one row per entity, aggregated in Polars from the per-document table.
pub fn entities(document_entities: &DataFrame, documents: &DataFrame) -> PolarsResult<DataFrame> {
    let total_docs = documents.height().max(1) as f64;
    let joined = document_entities
        .clone()
        .lazy()
        .with_row_index("row", None)
        .join(
            documents
                .clone()
                .lazy()
                .select([col("doc_id"), col("domain"), col("is_duplicate")]),
            [col("doc_id")],
            [col("doc_id")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["row"], SortMultipleOptions::default());
    let keys = [col("kind"), col("entity"), col("entity_id")];
    let main = joined
        .clone()
        .group_by(keys.clone())
        .agg([
            len().alias("docs"),
            col("mentions").sum().alias("mentions"),
            col("is_duplicate")
                .cast(DataType::UInt32)
                .sum()
                .alias("duplicate_docs"),
            col("doc_id").first().alias("example_doc"),
        ])
        .with_column((col("docs").cast(DataType::Float64) / lit(total_docs)).alias("share_docs"));
    // Top domains per entity: count (entity, domain) pairs, keep the three largest.
    let domains = joined
        .filter(col("domain").is_not_null())
        .group_by([col("kind"), col("entity"), col("entity_id"), col("domain")])
        .agg([len().alias("n")])
        .sort(
            ["n", "domain"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let mut top: std::collections::HashMap<(String, String, Option<String>), Vec<String>> =
        std::collections::HashMap::new();
    {
        let k = domains.column("kind")?.str()?;
        let e = domains.column("entity")?.str()?;
        let id = domains.column("entity_id")?.str()?;
        let d = domains.column("domain")?.str()?;
        let n = domains.column("n")?.cast(&DataType::UInt64)?;
        let n = n.u64()?;
        for i in 0..domains.height() {
            let key = (
                k.get(i).unwrap_or("").to_string(),
                e.get(i).unwrap_or("").to_string(),
                id.get(i).map(str::to_string),
            );
            let list = top.entry(key).or_default();
            if list.len() < 3 {
                list.push(format!(
                    "{} ({})",
                    d.get(i).unwrap_or(""),
                    n.get(i).unwrap_or(0)
                ));
            }
        }
    }
    let mut df = main
        .sort(
            ["mentions", "docs", "entity", "kind"],
            SortMultipleOptions::default().with_order_descending_multi([true, true, false, false]),
        )
        .collect()?;
    let k = df.column("kind")?.str()?.clone();
    let e = df.column("entity")?.str()?.clone();
    let id = df.column("entity_id")?.str()?.clone();
    let top_domains: Vec<String> = (0..df.height())
        .map(|i| {
            let key = (
                k.get(i).unwrap_or("").to_string(),
                e.get(i).unwrap_or("").to_string(),
                id.get(i).map(str::to_string),
            );
            top.get(&key).map(|v| v.join(", ")).unwrap_or_default()
        })
        .collect();
    df.with_column(Column::new("top_domains".into(), top_domains))?;
    Ok(df)
}

/// `removed.parquet`: one row per record `clean` dropped, in input order, with the reason.
pub fn removed(
    corpus: &Corpus,
    verdicts: &[Option<crate::clean::Removal>],
) -> PolarsResult<DataFrame> {
    let rows: Vec<(usize, &crate::clean::Removal)> = verdicts
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_ref().map(|r| (i, r)))
        .collect();
    let dd = &corpus.dedup;
    let duplicate_of = |i: usize| {
        let rep = dd.representative[i] as usize;
        (rep != i).then(|| corpus.doc_ids[rep].as_str())
    };
    let columns = vec![
        Column::new(
            "doc_id".into(),
            rows.iter()
                .map(|(i, _)| corpus.doc_ids[*i].as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "source".into(),
            rows.iter()
                .map(|(i, _)| &*corpus.docs[*i].source)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "reason".into(),
            rows.iter()
                .map(|(_, r)| r.reason.name())
                .collect::<Vec<_>>(),
        ),
        opt_str("duplicate_of", rows.iter().map(|(i, _)| duplicate_of(*i))),
        Column::new(
            "similarity".into(),
            rows.iter()
                .map(|(i, _)| duplicate_of(*i).map(|_| dd.similarity[*i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            rows.iter().map(|(_, r)| r.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "bytes".into(),
            rows.iter()
                .map(|(i, _)| corpus.docs[*i].bytes)
                .collect::<Vec<_>>(),
        ),
        opt_str(
            "error",
            rows.iter().map(|(i, _)| corpus.docs[*i].error.as_deref()),
        ),
    ];
    DataFrame::new(rows.len(), columns)
}
