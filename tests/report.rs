//! The report people read: charts that draw, links that resolve, an HTML page with nothing
//! external, tables that hostile text cannot break, and the baseline comparison.

mod common;

use common::{chaff_ok, root, scratch, Scratch};
use std::path::{Path, PathBuf};

/// Audits `input` into a fresh folder and re-renders it with `--html`.
fn audit_html(name: &str, input: &Path) -> Scratch {
    let out = scratch(name);
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    chaff_ok(&["report", out.to_str().unwrap(), "--html", "-q"], 0);
    out
}

fn charts(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    v.sort();
    v
}

/// Parses an SVG with usvg, renders it with resvg and returns (PNG bytes, share of pixels that are not white).
fn render_svg(path: &Path) -> (Vec<u8>, f64) {
    let data = std::fs::read(path).unwrap();
    let tree = usvg::Tree::from_data(&data, &usvg::Options::default())
        .unwrap_or_else(|e| panic!("{}: not valid SVG: {e}", path.display()));
    let size = tree.size().to_int_size();
    assert!(
        size.width() >= 300 && size.height() >= 120,
        "{}: {size:?}",
        path.display()
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let ink = pixmap
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255) && p.alpha() > 0)
        .count();
    let png = pixmap.encode_png().unwrap();
    (png, ink as f64 / pixmap.pixels().len() as f64)
}

/// Every `](target)` link of a Markdown file.
fn links(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        // `\](` is an escaped bracket from document text, not a link.
        if !rest[..i].ends_with('\\') {
            let end = after.find(')').unwrap();
            out.push(after[..end].to_string());
        }
        rest = after;
    }
    out
}

/// The number of cells of a Markdown table row: unescaped pipes minus one.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n - 1
}

/// Asserts every Markdown table keeps its header's column count; returns the number of tables.
fn check_tables(md: &str) -> usize {
    let mut tables = 0;
    let mut header: Option<usize> = None;
    for (i, line) in md.lines().enumerate() {
        if line.starts_with('|') {
            assert!(
                line.ends_with('|'),
                "line {}: row does not end with a pipe: {line}",
                i + 1
            );
            match header {
                None => {
                    header = Some(cells(line));
                    tables += 1;
                }
                Some(h) => assert_eq!(cells(line), h, "line {}: {line}", i + 1),
            }
        } else {
            header = None;
        }
    }
    tables
}

/// Asserts an HTML page references nothing outside itself: no URL anywhere in the source,
/// and no tag that loads or links anything but an in-page anchor.
fn check_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in ["http://", "https://", "@import", "url("] {
        assert!(!lower.contains(bad), "report.html contains {bad:?}");
    }
    // Document text is escaped, so every `<` starts a tag the renderer wrote.
    for tag in lower.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("unclosed tag")];
        let name = tag.split([' ', '\n', '/']).next().unwrap_or("");
        assert!(
            !["script", "link", "iframe", "img", "object", "embed", "image", "use", "base"]
                .contains(&name),
            "report.html has a <{name}> tag"
        );
        assert!(!tag.contains(" src=") && !tag.contains(" on"), "<{tag}>");
        let mut rest = tag;
        while let Some(i) = rest.find("href=\"") {
            let target = &rest[i + 6..];
            assert!(target.starts_with('#'), "external link: <{tag}>");
            rest = target;
        }
        assert!(
            !tag.contains("=\"//") && !tag.contains("='//"),
            "protocol-relative URL: <{tag}>"
        );
    }
}

#[test]
fn charts_draw_links_resolve_and_the_page_is_self_contained() {
    let out = audit_html("report-sn", &root().join("datasets/ar-saudinewsnet"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // Every chart the issue asks for, for a corpus with domains, clusters and entities.
    for name in [
        "chart-lengths.svg",
        "chart-clusters.svg",
        "chart-domains.svg",
        "chart-languages.svg",
        "chart-entities.svg",
        "chart-repetition.svg",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
        assert!(md.contains(&format!("]({name})")), "{name} not linked");
    }
    for svg in charts(&out) {
        let (png, ink) = render_svg(&svg);
        assert!(png.starts_with(b"\x89PNG"), "{}", svg.display());
        assert!(
            ink > 0.01,
            "{}: only {ink:.4} of the pixels drawn",
            svg.display()
        );
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.contains("<text"),
            "{}: no title or labels",
            svg.display()
        );
    }
    // Arabic labels are written in logical order inside an isolate, for the viewer's bidi.
    let entities = std::fs::read_to_string(out.join("chart-entities.svg")).unwrap();
    assert!(entities.contains('\u{2068}') && entities.contains('\u{2069}'));
    for link in links(&md) {
        if let Some(anchor) = link.strip_prefix('#') {
            let heading = md
                .lines()
                .filter(|l| l.starts_with('#'))
                .any(|l| chaff::report::html::slug(l.trim_start_matches('#').trim()) == anchor);
            assert!(heading, "no heading for #{anchor}");
        } else {
            assert!(
                !link.contains("://") && !link.starts_with('/'),
                "not relative: {link}"
            );
            assert!(out.join(&link).is_file(), "broken link {link}");
        }
    }
    assert!(check_tables(&md) > 10);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_self_contained(&html);
    // The charts are inlined, one figure per linked chart.
    assert_eq!(
        html.matches("<figure class=\"chart\"").count(),
        charts(&out).len()
    );
    assert!(html.contains("<meta name=\"viewport\""));
    // The examples explain the numbers: clusters, a pair side by side, the executive summary.
    assert!(md.contains("### The 5 largest clusters"));
    assert!(md.contains("### A near-duplicate pair, side by side"));
    assert!(md.contains("`chaff clean` would remove"));
    assert!(md.contains("| domain | documents | bytes | duplicate rate | boilerplate share | top boilerplate line | languages |"));
}

#[test]
fn rerendering_is_byte_identical_and_removes_stale_charts() {
    let out = audit_html("report-rerender", &root().join("datasets/en-bbc"));
    let snapshot = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<(PathBuf, Vec<u8>)> = charts(dir)
            .into_iter()
            .chain([dir.join("report.md"), dir.join("report.html")])
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let first = snapshot(&out);
    chaff_ok(
        &[
            "report",
            out.to_str().unwrap(),
            "--html",
            "-q",
            "--threads",
            "2",
        ],
        0,
    );
    assert!(snapshot(&out) == first, "second render differs");
    // A chart left by an earlier render that no longer applies is removed.
    std::fs::write(out.join("chart-baseline.svg"), "<svg/>").unwrap();
    chaff_ok(&["report", out.to_str().unwrap(), "-q"], 0);
    assert!(!out.join("chart-baseline.svg").exists());
    // An audit folder from before the clean preview and the examples table still renders:
    // no removal sentence, the command, and the near pair pointed to instead of shown.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("**`chaff clean` would remove 77 records**"),
        "{md}"
    );
    let path = out.join("summary.json");
    let mut summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    summary.as_object_mut().unwrap().remove("clean_preview");
    std::fs::write(&path, serde_json::to_vec_pretty(&summary).unwrap()).unwrap();
    std::fs::remove_file(out.join("examples.parquet")).unwrap();
    chaff_ok(&["report", out.to_str().unwrap(), "--html", "-q"], 0);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("would remove"));
    assert!(md.contains("datasets/en-bbc -o cleaned.jsonl.zst`"), "{md}");
    assert!(md.contains("near-duplicate pairs are listed in `pairs.parquet`"));
    assert!(md.contains("### The 5 largest clusters"));
    check_tables(&md);
}

/// A JSONL record.
fn record(id: &str, url: &str, text: &str) -> String {
    serde_json::json!({"id": id, "url": url, "text": text}).to_string()
}

#[test]
fn hostile_text_cannot_break_the_report() {
    let dir = scratch("report-hostile");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let hostile = "| a | b | `code` <script>alert('x')</script> \u{202E}evil\u{202C} **bold** [link](http://evil.example/) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)>";
    let long_line = format!("{} {}", "x|`<".repeat(2_500), hostile);
    // Stories differ in words (digits fold to 0 in the normaliser, so numbers would not do).
    let words = [
        "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "inlet", "juniper",
        "kestrel", "lagoon", "meadow", "nettle",
    ];
    let body = |k: usize| {
        (0..12)
            .map(|j| {
                format!(
                    "The {} {} report from {} says the {} council met near the {} today.",
                    words[(k + j) % 14],
                    words[(k * 3 + j) % 14],
                    words[(k * 5 + j * 2) % 14],
                    words[(k * 7 + j * 3) % 14],
                    words[(k + j * 5) % 14]
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut lines = Vec::new();
    for k in 0..6 {
        // The hostile line recurs in many stories: it becomes boilerplate with an example.
        let text = format!(
            "{hostile}\n{}\n{long_line}\nالنص العربي | مع `علامات` <script>\n{hostile}",
            body(k)
        );
        lines.push(record(
            &format!("doc|{k}`<script>"),
            &format!("https://site{}.example/a|b?<script>", k % 3),
            &text,
        ));
    }
    // A near-duplicate pair whose differences are hostile words.
    let base = body(42);
    lines.push(record("pair-a", "https://site0.example/p", &base));
    lines.push(record(
        "pair-b",
        "https://site1.example/p",
        &base.replacen("council", "<script>|`council`|</script>", 1),
    ));
    // A page repeating a hostile line.
    let looped = vec![hostile; 30].join("\n");
    lines.push(record("loop", "https://site2.example/l", &looped));
    std::fs::write(input.join("hostile.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = dir.join("out");
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    chaff_ok(&["report", out.to_str().unwrap(), "--html", "-q"], 0);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(check_tables(&md) > 5);
    assert!(!md.contains('\u{202E}'), "RTL override left in the report");
    assert!(!md.contains("<script"), "raw <script> in report.md");
    assert!(
        !md.lines().any(|l| l.chars().count() > 12_000),
        "an excerpt is not truncated"
    );
    for link in links(&md) {
        assert!(
            link.starts_with('#') || out.join(&link).is_file(),
            "document text became a link: {link}"
        );
    }
    // The examples are there, escaped: the pair side by side and the repeated line.
    assert!(md.contains("### A near-duplicate pair, side by side"));
    assert!(md.contains("&lt;script&gt;"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_self_contained(&html);
    for svg in charts(&out) {
        let (_, ink) = render_svg(&svg);
        assert!(ink > 0.01, "{}", svg.display());
    }
}

#[test]
fn baseline_section_compares_two_audits() {
    let dir = scratch("report-baseline");
    let old = dir.join("old");
    chaff_ok(
        &[
            "audit",
            root().join("datasets/en-bbc").to_str().unwrap(),
            "-o",
            old.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    // "After cleaning": the first copy of each text only, and a new template line.
    let src = std::fs::read_to_string(root().join("datasets/en-bbc/bbc_news-slice.jsonl")).unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for line in src.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap().to_string();
        if seen.insert(text.clone()) {
            let mut v = v.clone();
            v["text"] = format!("{text}\nShare this story on the newsletter of the week").into();
            kept.push(v.to_string());
        }
    }
    let input = dir.join("new-in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("bbc.jsonl"), kept.join("\n") + "\n").unwrap();
    let new = dir.join("new");
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            new.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    chaff_ok(
        &[
            "report",
            new.to_str().unwrap(),
            "--baseline",
            old.to_str().unwrap(),
            "--html",
            "-q",
        ],
        0,
    );
    let md = std::fs::read_to_string(new.join("report.md")).unwrap();
    let section = &md[md
        .find("## Changes since the baseline")
        .expect("no baseline section")..];
    let section = &section[..section[3..].find("\n## ").unwrap() + 3];
    assert!(
        section.contains(&format!(
            "| records | 501 | {} | −{} |",
            kept.len(),
            501 - kept.len()
        )),
        "{section}"
    );
    assert!(section.contains("| exact duplicates | 55 |"), "{section}");
    assert!(
        section.contains("| new | Share this story on the newsletter of the week |"),
        "{section}"
    );
    assert!(section.contains("Top entities now and where they ranked in the baseline"));
    assert!(new.join("chart-baseline.svg").is_file());
    assert!(render_svg(&new.join("chart-baseline.svg")).1 > 0.01);
    check_tables(&md);
    check_self_contained(&std::fs::read_to_string(new.join("report.html")).unwrap());
    // A baseline that is not an audit folder is a usage error naming it.
    let r = chaff_ok(
        &[
            "report",
            new.to_str().unwrap(),
            "--baseline",
            dir.to_str().unwrap(),
            "-q",
        ],
        1,
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("baseline"));
}
