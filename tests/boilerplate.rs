//! Boilerplate end to end: the founding article among reposts from the same "site",
//! reposted prose kept apart from templates, user rules, and the per-document columns.

mod common;

use common::*;
use std::path::Path;

fn seed() -> String {
    std::fs::read_to_string(root().join("datasets/ar-seed/scraped-article-ar.txt")).unwrap()
}

/// Texts of the shipped Arabic sample, in file order.
fn saudi_texts() -> Vec<String> {
    jsonl(&root().join("datasets/ar-saudinewsnet/saudinewsnet-slice.jsonl"))
        .into_iter()
        .map(|v| v["text"].as_str().unwrap().to_string())
        .filter(|t| t.split_whitespace().count() > 80)
        .collect()
}

fn write_jsonl(path: &Path, docs: &[(String, String)]) {
    let mut out = String::new();
    for (id, text) in docs {
        out.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The seed's site wrapper put around another story: headline, ad markers, promo, source link.
fn wrap(story: &str) -> String {
    let mut paras: Vec<&str> = story
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let headline = paras.remove(0);
    format!(
        "{headline}\n\n[ad_1]\n\n{}\n\nقم بتوسيع آفاقك مع الصحافة البريطانية الحائزة على جوائز. جرّب The Telegraph مجانًا لمدة شهر واحد، ثم استمتع بسنة واحدة مقابل 9 دولارات فقط مع عرضنا الحصري في الولايات المتحدة.\n\n[ad_2]\n\nSource link",
        paras.join("\n\n")
    )
}

#[test]
fn founding_article_among_reposts_from_the_same_site() {
    let dir = scratch("bp-site-in");
    let out = scratch("bp-site-out");
    let mut docs = vec![("seed".to_string(), seed())];
    for (i, story) in saudi_texts().iter().take(20).enumerate() {
        docs.push((format!("story{i}"), wrap(story)));
    }
    write_jsonl(&dir.join("site.jsonl"), &docs);
    chaff_ok(
        &[
            "audit",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );

    let bp = table(&out.join("boilerplate.parquet"));
    let examples: Vec<String> = strings(&bp, "example").into_iter().flatten().collect();
    for marker in ["[ad_1]", "Source link"] {
        assert!(
            examples.iter().any(|e| e == marker),
            "{marker} not found in {examples:?}"
        );
    }
    // [ad_1] and [ad_2] are one line once digits are folded ("ad 0"): both occurrences count.
    let texts = strings(&bp, "text");
    let occurrences = floats(&bp, "occurrences");
    let docs_col = floats(&bp, "docs");
    let ad = texts
        .iter()
        .position(|t| t.as_deref() == Some("ad 0"))
        .expect("ad placeholder row");
    assert_eq!(docs_col[ad], 21.0);
    assert_eq!(occurrences[ad], 42.0);
    assert!(
        examples.iter().any(|e| e.contains("جرّب The Telegraph")),
        "promo line not found"
    );
    // No sentence of the article body is boilerplate.
    let seed_text = seed();
    let body: Vec<&str> = seed_text
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.split_whitespace().count() > 12 && !l.contains("Telegraph") && !l.contains("Getty")
        })
        .collect();
    assert!(body.len() >= 10);
    for line in &body {
        assert!(
            !examples.iter().any(|e| e == line),
            "body line flagged: {line}"
        );
    }
    let d = table(&out.join("documents.parquet"));
    let lines = floats(&d, "boilerplate_lines");
    let frac = floats(&d, "boilerplate_char_frac");
    let rules = strings(&d, "boilerplate_rules");
    // The seed: [ad_1], the photo credit, the promo, [ad_2], Source link.
    assert_eq!(lines[0], 5.0, "seed boilerplate lines");
    assert!(
        frac[0] > 0.05 && frac[0] < 0.3,
        "seed boilerplate share {}",
        frac[0]
    );
    let seed_rules = rules[0].clone().unwrap();
    for rule in ["ad_placeholder", "source_link", "photo_credit", "promo"] {
        assert!(seed_rules.contains(rule), "{rule} not in {seed_rules}");
    }
    // The repeated headline is repetition, not boilerplate.
    assert!(floats(&d, "dup_line_frac")[0] > 0.0);
    // The report states the share and lists the lines.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Boilerplate"));
    assert!(report.contains("\\[ad\\_1\\]"));
}

#[test]
fn reposted_prose_is_duplication_not_boilerplate() {
    let dir = scratch("bp-repost-in");
    let out = scratch("bp-repost-out");
    let stories = jsonl(&root().join("datasets/en-bbc/bbc_news-slice.jsonl"));
    let text = |i: usize| stories[i]["text"].as_str().unwrap().to_string();
    let mut docs = Vec::new();
    // One story reposted on four sites, each with its own header and small edits;
    // its short headline and sub-lines recur in four documents, but in one story.
    let original = text(400);
    for (site, header) in [
        "The Daily Wire",
        "Morning Post Online",
        "News Digest",
        "World Briefing",
    ]
    .iter()
    .enumerate()
    {
        let edited = original.replacen(
            " the ",
            if site % 2 == 0 { " the " } else { " this " },
            site + 1,
        );
        docs.push((format!("repost{site}"), format!("{header}\n\n{edited}")));
    }
    // Thirty other stories that all carry the same footer: a real template line.
    for i in 0..30 {
        docs.push((
            format!("other{i}"),
            format!("{}\n\nShare this article with your friends", text(401 + i)),
        ));
    }
    write_jsonl(&dir.join("mix.jsonl"), &docs);
    chaff_ok(
        &[
            "audit",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let bp = table(&out.join("boilerplate.parquet"));
    let examples: Vec<String> = strings(&bp, "example").into_iter().flatten().collect();
    assert!(
        examples
            .iter()
            .any(|e| e == "Share this article with your friends"),
        "template footer missed: {examples:?}"
    );
    let headline = original.lines().next().unwrap().trim();
    for line in original.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            !examples.iter().any(|e| e == line),
            "reposted line flagged: {line}"
        );
    }
    // The reposts are one cluster.
    let d = table(&out.join("documents.parquet"));
    let cluster = strings(&d, "cluster_id");
    assert!(
        cluster[..4].iter().all(|c| c == &cluster[0]),
        "{headline}: {:?}",
        &cluster[..4]
    );
}

#[test]
fn user_rules_and_scripts() {
    let out = scratch("bp-user-out");
    let rules = out.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"agency_footer\"\npattern = '^\\(?(avec )?(AFP|Belga)\\)?$'\nmax_chars = 40\n",
    )
    .unwrap();
    let input = root().join("datasets/fr-gilets-jaunes");
    let o = out.join("fr");
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            o.to_str().unwrap(),
            "-q",
            "--rules",
            rules.to_str().unwrap(),
        ],
        0,
    );
    let bp = table(&o.join("boilerplate.parquet"));
    let kinds: Vec<String> = strings(&bp, "kind").into_iter().flatten().collect();
    assert!(
        kinds.iter().any(|k| k == "marker:photo_credit"),
        "{kinds:?}"
    ); // © AFP
    let d = table(&o.join("documents.parquet"));
    let fired: Vec<String> = strings(&d, "boilerplate_rules")
        .into_iter()
        .flatten()
        .collect();
    if kinds.iter().any(|k| k == "marker:agency_footer") {
        assert!(fired.iter().any(|r| r.contains("agency_footer")));
    }
    // Chinese: editor credits and copyright notices.
    let zh = out.join("zh");
    chaff_ok(
        &[
            "audit",
            root().join("datasets/zh-gilets-jaunes").to_str().unwrap(),
            "-o",
            zh.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let bp = table(&zh.join("boilerplate.parquet"));
    let kinds: Vec<String> = strings(&bp, "kind").into_iter().flatten().collect();
    for k in ["marker:editor_credit", "marker:copyright"] {
        assert!(kinds.iter().any(|x| x == k), "{k} not in {kinds:?}");
    }
    // A bad user rule is a usage error naming the rule.
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"broken\"\npattern = '(unclosed'\n",
    )
    .unwrap();
    let r = chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            o.to_str().unwrap(),
            "-q",
            "--rules",
            rules.to_str().unwrap(),
        ],
        1,
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("broken"));
}

#[test]
fn saudi_bylines_and_documents_columns() {
    let out = scratch("bp-saudi");
    chaff_ok(
        &[
            "audit",
            root().join("datasets/ar-saudinewsnet").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let bp = table(&out.join("boilerplate.parquet"));
    let examples: Vec<String> = strings(&bp, "example").into_iter().flatten().collect();
    assert!(
        examples.iter().any(|e| e.starts_with("عين اليوم")),
        "{examples:?}"
    );
    let d = table(&out.join("documents.parquet"));
    let lines = floats(&d, "boilerplate_lines");
    let frac = floats(&d, "boilerplate_char_frac");
    let rules = strings(&d, "boilerplate_rules");
    for i in 0..d.height() {
        assert!((0.0..=1.0).contains(&frac[i]));
        assert_eq!(lines[i] == 0.0, frac[i] == 0.0, "row {i}");
        if rules[i].as_deref().is_some_and(|r| !r.is_empty()) {
            assert!(
                lines[i] > 0.0,
                "row {i}: rules fired but no boilerplate line"
            );
        }
    }
}
