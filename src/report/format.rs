//! Human-readable numbers and Markdown-safe text for reports.

/// "950", "12.3 k", "1.2 M", "3.4 G".
pub fn count(n: u64) -> String {
    let x = n as f64;
    if n < 1_000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1} k", x / 1e3)
    } else if n < 1_000_000_000 {
        format!("{:.1} M", x / 1e6)
    } else {
        format!("{:.1} G", x / 1e9)
    }
}

/// "512 B", "3.4 KB", "12.0 MB", "1.5 GB" (powers of 1000, as disk sizes are quoted).
pub fn bytes(n: u64) -> String {
    let x = n as f64;
    if n < 1_000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} KB", x / 1e3)
    } else if n < 1_000_000_000 {
        format!("{:.1} MB", x / 1e6)
    } else {
        format!("{:.2} GB", x / 1e9)
    }
}

/// A count with its noun: "1 file", "2.5 k files".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// A fraction as a percentage: "12.5 %", "0.04 %", "0 %".
pub fn pct(frac: f64) -> String {
    let p = frac * 100.0;
    if p == 0.0 {
        "0 %".into()
    } else if p < 0.1 {
        format!("{p:.2} %")
    } else {
        format!("{p:.1} %")
    }
}

/// Characters that change how a line is laid out or read: bidi overrides, isolates, marks.
fn is_layout_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}')
}

/// Document text made safe for a Markdown table cell: one line, escaped, at most `max` characters.
pub fn cell(text: &str, max: usize) -> String {
    isolate(escape(text, max))
}

/// Wraps text holding right-to-left characters in a first-strong isolate (U+2068 … U+2069).
///
/// Each cell is its own bidi paragraph in most renderers; isolating it keeps RTL text from
/// reordering the row around it.
pub fn isolate(text: String) -> String {
    if text.chars().any(is_rtl) {
        format!("\u{2068}{text}\u{2069}")
    } else {
        text
    }
}

/// Like [`cell`] without the isolate: for pieces joined into one cell (then isolated whole),
/// since isolating every word of an Arabic sentence would lay the words out left to right.
pub fn escape(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2) + 8);
    let mut n = 0;
    let mut last_space = false;
    for c in text.chars() {
        if n >= max {
            out.push('…');
            break;
        }
        if c.is_whitespace() || c.is_control() || is_layout_control(c) {
            if !last_space && n > 0 {
                out.push(' ');
                n += 1;
            }
            last_space = true;
            continue;
        }
        last_space = false;
        match c {
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
        n += 1;
    }
    out.trim_end().to_string()
}

/// Whether a character belongs to a right-to-left script (Hebrew, Arabic, Syriac, Thaana, NKo, ...).
pub fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Document text with e-mail addresses and phone-like numbers masked, for report excerpts.
pub fn mask_personal(text: &str) -> String {
    use std::sync::OnceLock;
    static EMAIL: OnceLock<regex::Regex> = OnceLock::new();
    static PHONE: OnceLock<regex::Regex> = OnceLock::new();
    let email = EMAIL
        .get_or_init(|| regex::Regex::new(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+").expect("static regex"));
    let phone =
        PHONE.get_or_init(|| regex::Regex::new(r"\+?\d[\d ().-]{6,}\d").expect("static regex"));
    let masked = email.replace_all(text, |c: &regex::Captures| {
        crate::entities::mask_pii("email", &c[0])
    });
    phone
        .replace_all(&masked, |c: &regex::Captures| {
            let digits = c[0].chars().filter(|ch| ch.is_ascii_digit()).count();
            // Seven or more digits in a run of digits and separators: could be a phone number.
            if digits >= 7 {
                crate::entities::mask_pii("phone", &c[0])
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
}

/// Document text for a table cell: personal data masked, then escaped and truncated.
pub fn text_cell(text: &str, max: usize) -> String {
    cell(&mask_personal(text), max)
}

/// A bar of `width` cells for a fraction of a maximum.
pub fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 {
        return String::new();
    }
    let cells = ((value / max) * width as f64).round() as usize;
    "█".repeat(cells.min(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_humans() {
        assert_eq!(count(950), "950");
        assert_eq!(count(1_234_567), "1.2 M");
        assert_eq!(bytes(3_400_000_000), "3.40 GB");
        assert_eq!(bytes(12_345), "12.3 KB");
        assert_eq!(pct(0.125), "12.5 %");
        assert_eq!(pct(0.0), "0 %");
    }

    #[test]
    fn personal_data_is_masked() {
        let t = text_cell(
            "Mail jane.doe@example.org or call +44 20 7946 0958 in 2024.",
            200,
        );
        assert!(!t.contains("jane.doe"), "{t}");
        assert!(!t.contains("7946"), "{t}");
        assert!(t.contains("2024"));
    }

    #[test]
    fn cells_cannot_break_tables() {
        let c = cell("a | b\n`code` <script>alert(1)</script> \u{202E}evil", 200);
        assert!(!c.contains('\n'));
        assert!(!c.contains(" | "));
        assert!(c.contains("\\|"));
        assert!(c.contains("&lt;script&gt;"));
        assert!(!c.contains('\u{202E}'));
        let long = "x".repeat(10_000);
        assert_eq!(cell(&long, 50).chars().count(), 51);
    }
}
