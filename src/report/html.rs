//! `report.html`: the Markdown report converted to one self-contained page.
//!
//! The Markdown stays the only source of the content. The conversion (pulldown-cmark)
//! inlines each chart's SVG in place of its image link, turns any raw HTML into text (the
//! report never writes raw HTML, and document text is already escaped, so this only guards
//! against mistakes), gives headings the ids GitHub would so in-page links work, and wraps
//! tables so they scroll sideways on a phone instead of widening the page. No external URL,
//! script, font or stylesheet is referenced.

use super::Rendered;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 16px; max-width: 1100px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif; color: #1b1b1b; background: #fff; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.4em; }
h2 { font-size: 1.3em; margin-top: 1.8em; padding-bottom: 0.2em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.1em; margin-top: 1.4em; }
code { font: 0.9em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f2f2f2; padding: 0.05em 0.3em; border-radius: 3px; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; margin: 0.8em 0; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid #d6d6d6; padding: 4px 8px; vertical-align: top; min-width: 4em; max-width: 36em; overflow-wrap: break-word; }
th { background: #f4f6f8; }
td code { overflow-wrap: normal; white-space: nowrap; }
td[style*="right"], th[style*="right"] { white-space: nowrap; }
tr:nth-child(even) td { background: #fafafa; }
blockquote { margin: 0.4em 0 0.4em 0.6em; padding: 0.1em 0.8em; border-left: 3px solid #c8d3de; color: #333; }
.chart { margin: 0.8em 0; overflow-x: auto; -webkit-overflow-scrolling: touch; }
.chart svg { width: 100%; min-width: 600px; max-width: 880px; height: auto; display: block; }
del { color: #b3261e; }
strong { color: #0b3d91; }
del strong, strong del { color: inherit; }
@media (max-width: 600px) { body { padding: 10px; font-size: 14px; } th, td { padding: 3px 5px; } }
"#;

/// The page: Markdown converted to HTML, charts inlined, one `<style>` block.
pub fn page(r: &Rendered) -> String {
    let title = r
        .markdown
        .lines()
        .next()
        .unwrap_or("chaff report")
        .trim_start_matches("# ");
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events(r).into_iter());
    // Let each paragraph, cell and list item take its direction from its own text (an
    // Arabic paragraph is right-aligned); pulldown-cmark writes these tags bare or with
    // a `style` attribute only, and document text can never contain a raw `<`.
    // URLs quoted from documents (the url entities, a line of boilerplate) stay text; their
    // colon becomes a character reference so the page source holds no URL at all and a scan
    // for external references (`http://`, `//host`) finds exactly none. Only text carries
    // "://": the page's own markup has no URL.
    body = body.replace("://", "&#58;//");
    for tag in ["p", "li", "td", "th", "blockquote"] {
        body = body
            .replace(&format!("<{tag}>"), &format!("<{tag} dir=\"auto\">"))
            .replace(
                &format!("<{tag} style="),
                &format!("<{tag} dir=\"auto\" style="),
            );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        escape_text(&strip_markdown(title)).replace("://", "&#58;//"),
        STYLE,
        body
    )
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Title text without Markdown escapes (the first line of the report is `# chaff audit: …`).
fn strip_markdown(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens.
pub fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn events(r: &Rendered) -> Vec<Event<'_>> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut parsed: Vec<Event> = Parser::new_ext(&r.markdown, opts).collect();
    // A chart alone in a paragraph becomes a figure outside any paragraph (<p><figure> is invalid HTML).
    let mut k = 0;
    while k + 1 < parsed.len() {
        if matches!(parsed[k], Event::Start(Tag::Paragraph))
            && matches!(parsed[k + 1], Event::Start(Tag::Image { .. }))
        {
            let end =
                (k + 1..parsed.len()).find(|&j| matches!(parsed[j], Event::End(TagEnd::Image)));
            if let Some(end) = end {
                if matches!(parsed.get(end + 1), Some(Event::End(TagEnd::Paragraph))) {
                    parsed.remove(end + 1);
                    parsed.remove(k);
                }
            }
        }
        k += 1;
    }
    let mut out: Vec<Event> = Vec::with_capacity(parsed.len());
    let mut used_slugs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parsed.len() {
        match &parsed[i] {
            Event::Start(Tag::Image { dest_url, .. }) => {
                // Skip the alt text up to the end of the image; inline the chart instead.
                let name = dest_url.to_string();
                let mut alt = String::new();
                i += 1;
                while i < parsed.len() && !matches!(parsed[i], Event::End(TagEnd::Image)) {
                    if let Event::Text(t) = &parsed[i] {
                        alt.push_str(t);
                    }
                    i += 1;
                }
                match r.charts.iter().find(|(n, _)| *n == name) {
                    Some((_, svg)) => out.push(Event::Html(CowStr::from(format!(
                        "<figure class=\"chart\" role=\"img\" aria-label=\"{}\">{}</figure>",
                        escape_text(&alt),
                        strip_xml_header(svg)
                    )))),
                    None => out.push(Event::Text(CowStr::from(alt))),
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let mut text = String::new();
                let mut j = i + 1;
                let mut inner = Vec::new();
                while j < parsed.len() && !matches!(parsed[j], Event::End(TagEnd::Heading(_))) {
                    match &parsed[j] {
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    inner.push(parsed[j].clone());
                    j += 1;
                }
                let mut id = slug(&text);
                let base = id.clone();
                let mut k = 1;
                while used_slugs.contains(&id) {
                    id = format!("{base}-{k}");
                    k += 1;
                }
                used_slugs.push(id.clone());
                out.push(Event::Html(CowStr::from(format!(
                    "<{} id=\"{}\">",
                    tag_name(level),
                    escape_text(&id)
                ))));
                out.extend(inner.into_iter().map(defang));
                out.push(Event::Html(CowStr::from(format!(
                    "</{}>\n",
                    tag_name(level)
                ))));
                i = j;
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::from("<div class=\"scroll\">")));
                out.push(parsed[i].clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(parsed[i].clone());
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::Link { dest_url, .. }) if !dest_url.starts_with('#') => {
                // Only in-page links are kept as links: the page must work offline.
                i += 1;
                while i < parsed.len() && !matches!(parsed[i], Event::End(TagEnd::Link)) {
                    out.push(defang(parsed[i].clone()));
                    i += 1;
                }
            }
            e => out.push(defang(e.clone())),
        }
        i += 1;
    }
    out
}

/// Raw HTML in the Markdown is shown as text, never interpreted.
fn defang(e: Event<'_>) -> Event<'_> {
    match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    }
}

fn tag_name(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// An SVG document as an HTML element: no XML declaration and no namespace attribute (HTML
/// knows `<svg>`; the namespace URI would be the page's only URL).
fn strip_xml_header(svg: &str) -> String {
    let from = svg.find("<svg").unwrap_or(0);
    svg[from..].replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_github() {
        assert_eq!(slug("Problems in the input"), "problems-in-the-input");
        assert_eq!(slug("Per source file"), "per-source-file");
    }

    #[test]
    fn page_inlines_charts_and_defangs_html() {
        let r = Rendered {
            markdown: "# t\n\n## A b\n\n![alt](c.svg)\n\n<script>x</script>\n\n| a |\n|---|\n| &lt;b&gt; |\n\n[see](#a-b) [out](https://example.org)\n".into(),
            charts: vec![("c.svg".into(), "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>".into())],
        };
        let p = page(&r);
        assert!(p.contains("<h2 id=\"a-b\">A b</h2>"), "{p}");
        assert!(
            p.contains("<figure class=\"chart\" role=\"img\" aria-label=\"alt\"><svg><rect/>"),
            "{p}"
        );
        assert!(!p.contains("http://"), "{p}");
        assert!(!p.contains("<script>"), "{p}");
        assert!(p.contains("&lt;script&gt;"), "{p}");
        assert!(p.contains("<div class=\"scroll\"><table>"), "{p}");
        assert!(p.contains("<a href=\"#a-b\">see</a>"), "{p}");
        assert!(!p.contains("https://example.org"), "{p}");
    }
}
