//! Pattern entities: URLs and domains, e-mails, phones, IPs, @handles, #hashtags,
//! dates, money and percentages, found with regexes on the raw text.
//!
//! Each family has one "finder" regex without capture groups (one fast pass); the few
//! matches are then validated and parsed by hand. Families run in a fixed order and a
//! match overlapping an earlier accepted one is dropped, so "2024-03-12" is a date, not
//! a phone, and the digits of a URL are not a phone either.

use std::net::{Ipv4Addr, Ipv6Addr};

use memchr::{memchr, memmem};
use regex::Regex;

const MONTHS_EN: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";
const MONTHS_EN_ABBR: &str = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
const MONTHS_FR: &str = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre";
/// Gregorian month names as written in Egypt/the Gulf, then the Levantine (Syriac) names; index mod 12 is the month.
const MONTHS_AR: [&str; 36] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيه",
    "يوليه",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// Compiled pattern finders.
pub(super) struct Patterns {
    url: Regex,
    bare_domain: Regex,
    email: Regex,
    handle: Regex,
    hashtag: Regex,
    ipv4: Regex,
    ipv6: Regex,
    date: Regex,
    money: Regex,
    percent: Regex,
    phone: Regex,
}

fn ar_months_alt() -> String {
    let mut v: Vec<&str> = MONTHS_AR.to_vec();
    // Longest first so "كانون الثاني" wins over any shorter overlap.
    v.sort_by_key(|m| std::cmp::Reverse(m.len()));
    v.dedup();
    v.join("|")
}

impl Patterns {
    pub(super) fn new() -> Self {
        let ar = ar_months_alt();
        let year = r"(?:1[89][0-9]{2}|20[0-9]{2})";
        let date = [
            // ISO 2024-03-12
            format!(r"(?-u:\b){year}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?-u:\b)"),
            // 12 March 2024, 12th of March, 2024, 12 Mar. 2024, 12 March
            format!(r"(?-u:\b)(?:[0-3]?[0-9])(?:st|nd|rd|th)?\s(?:of\s)?(?:{MONTHS_EN}|(?:{MONTHS_EN_ABBR})\.?)(?:,?\s{year})?(?-u:\b)"),
            // March 12, 2024 / March 12 / March 2024
            format!(r"(?-u:\b)(?:{MONTHS_EN}|(?:{MONTHS_EN_ABBR})\.?)\s(?:[0-3]?[0-9](?:st|nd|rd|th)?(?-u:\b)(?:,?\s{year}(?-u:\b))?|{year}(?-u:\b))"),
            // 12/03/2024, 12.03.2024
            format!(r"(?-u:\b)[0-3]?[0-9][/.][01]?[0-9][/.]{year}(?-u:\b)"),
            // 1er décembre 2018, 17 novembre
            format!(r"(?i)(?-u:\b)(?:[0-3]?[0-9]|1er)\s(?:{MONTHS_FR})(?:\s{year})?(?-u:\b)"),
            // 12 مارس 2024, يوليو 2000, 12 مارس
            format!(r"(?:[0-9٠-٩]{{1,2}}\s)?(?:{ar})\s[0-9٠-٩]{{4}}|[0-9٠-٩]{{1,2}}\s(?:{ar})"),
            // 2018年11月17日, 11月17日
            r"(?:[0-9]{4}年)?[0-9]{1,2}月[0-9]{1,2}日|[0-9]{4}年[0-9]{1,2}月".to_string(),
        ]
        .join("|");
        let scale_en = r"(?:bn|billion|mn|mln|million|thousand|trillion|tn|k|m)";
        let money = [
            // $1.2bn, £5, US$ 3 million, € 40m
            format!(r"(?:US|A|C|HK|NZ|S)?[$£€¥₹]\s?[0-9][0-9,.]*[0-9]?(?:\s?{scale_en}(?-u:\b))?"),
            // EUR 3m, USD 1,000
            format!(r"(?-u:\b)(?:USD|EUR|GBP|JPY|CHF|CNY|SAR|AED|EGP|RMB|INR)\s?[0-9][0-9,.]*[0-9]?(?:\s?{scale_en}(?-u:\b))?"),
            // 5 dollars, 10 mln dlrs, 3 millions d'euros, 2.5 billion yen
            r"(?i)(?-u:\b)[0-9][0-9,.]*(?:\s?(?:bn|billions?|mn|mln|millions?|milliards?|thousand|trillions?|tn))?\s(?:de\s|d['’])?(?:dollars?|dlrs?|euros?|pounds?(?:\ssterling)?|stg|sterling|yen|yuan|francs?|riyals?|rupees?|dinars?|dirhams?|pesos?|roubles?|rubles?|marks)(?-u:\b)".to_string(),
            // ٩ دولارات, 5 مليون ريال
            r"[0-9٠-٩][0-9٠-٩,.]*\s?(?:(?:ألف|الف|آلاف|الاف|مليون|ملايين|مليار|مليارات|بليون|تريليون)\s)?(?:دولارات|دولار|ريالات|ريال|يورو|جنيهات|جنيه|دراهم|درهم|دنانير|دينار|ليرات|ليرة)".to_string(),
            // 5亿美元
            r"[0-9][0-9,.]*(?:万|亿|千|百)*(?:美元|欧元|英镑|日元|人民币|元)".to_string(),
        ]
        .join("|");
        Self {
            url: Regex::new(r#"(?i)(?-u:\b)(?:https?://|ftp://|www\.)[^\s<>"'“”‘’«»()\[\]{}|\\^`]+"#).unwrap(),
            bare_domain: Regex::new(
                r"(?i:(?-u:\b)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)(?:com|org|net|edu|gov|int|info|biz|io|co\.uk|org\.uk|ac\.uk|gov\.uk|uk|fr|de|ru|cn|sa|ae|eg|qa|kw|jo|lb|ma|dz|tn|ch|be|ca|au|jp|it|es|nl|se|tv|news)(?-u:\b)",
            )
            .unwrap(),
            email: Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").unwrap(),
            handle: Regex::new(r"@[A-Za-z0-9_]{2,30}").unwrap(),
            hashtag: Regex::new(r"#[\p{L}\p{M}\p{N}_]{2,80}").unwrap(),
            ipv4: Regex::new(r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)").unwrap(),
            ipv6: Regex::new(r"(?i)[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f:.]{1,40}").unwrap(),
            date: Regex::new(&date).unwrap(),
            money: Regex::new(&money).unwrap(),
            percent: Regex::new(
                r"[0-9٠-٩][0-9٠-٩,.]*\s?(?:%|٪|(?i:per\s?cent|pct|pour\s?cent)(?-u:\b)|بالمئة|بالمائة|في المئة|في المائة)|百分之[0-9一二三四五六七八九十点.]+",
            )
            .unwrap(),
            phone: Regex::new(r"(?:\+|(?-u:\b)00)?\(?[0-9][0-9 ().\-]{5,22}[0-9]").unwrap(),
        }
    }

    /// Calls `emit(kind, value, id)` for each pattern entity and returns the byte spans taken (sorted), so name extraction can skip them.
    pub(super) fn extract(
        &self,
        text: &str,
        emit: &mut dyn FnMut(&'static str, String, Option<String>),
    ) -> Vec<(usize, usize)> {
        let mut taken = Taken::default();
        let bytes = text.as_bytes();
        let has_digit = bytes.iter().any(u8::is_ascii_digit)
            || text.contains(['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩']);

        if memmem::find(bytes, b"://").is_some() || memmem::find(bytes, b"www.").is_some() {
            for m in self.url.find_iter(text) {
                let url = trim_url(m.as_str());
                let (s, e) = (m.start(), m.start() + url.len());
                if url.len() < 8 || !taken.take(s, e) {
                    continue;
                }
                emit("url", url.to_string(), None);
                if let Some(d) = url_domain(url) {
                    emit("domain", d, None);
                }
            }
        }
        if memchr(b'@', bytes).is_some() {
            for m in self.email.find_iter(text) {
                let v = m.as_str().trim_end_matches('.');
                if taken.take(m.start(), m.start() + v.len()) {
                    emit("email", v.to_string(), None);
                }
            }
            for m in self.handle.find_iter(text) {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '@' | '_'))
                    || after.is_some_and(|c| c.is_alphanumeric() || c == '@')
                {
                    continue;
                }
                if taken.take(m.start(), m.end()) {
                    emit("handle", m.as_str().to_string(), None);
                }
            }
        }
        if memchr(b'.', bytes).is_some() {
            for m in self.bare_domain.find_iter(text) {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '@' | '.' | '/' | '-'))
                    || after.is_some_and(|c| c.is_alphanumeric() || c == '@')
                    // "U.S.A.com"-like abbreviations: a real host has a label of 2+ chars.
                    || m.as_str().split('.').next().is_none_or(|l| l.len() < 2)
                {
                    continue;
                }
                if taken.take(m.start(), m.end()) {
                    let d = m.as_str().to_ascii_lowercase();
                    emit(
                        "domain",
                        d.strip_prefix("www.").unwrap_or(&d).to_string(),
                        None,
                    );
                }
            }
        }
        if memchr(b'#', bytes).is_some() {
            for m in self.hashtag.find_iter(text) {
                let before = text[..m.start()].chars().next_back();
                let tag = &m.as_str()[1..];
                if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '&' | '#' | '/'))
                    || !tag.chars().any(char::is_alphabetic)
                    || (tag.len() <= 6 && tag.chars().all(|c| c.is_ascii_hexdigit()))
                {
                    continue;
                }
                if taken.take(m.start(), m.end()) {
                    emit("hashtag", m.as_str().to_string(), None);
                }
            }
        }
        if !has_digit {
            return taken.spans;
        }
        for m in self.ipv4.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = &text[m.end()..];
            let dotted_more =
                after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit());
            if before.is_some_and(|c| c == '.' || c.is_alphanumeric()) || dotted_more {
                continue;
            }
            if m.as_str().parse::<Ipv4Addr>().is_ok() && taken.take(m.start(), m.end()) {
                emit("ip", m.as_str().to_string(), None);
            }
        }
        if memchr(b':', bytes).is_some() {
            for m in self.ipv6.find_iter(text) {
                let v = m.as_str().trim_end_matches('.');
                let before = text[..m.start()].chars().next_back();
                let colons = v.bytes().filter(|&b| b == b':').count();
                if before.is_some_and(|c| c.is_alphanumeric())
                    || !(v.contains("::") || colons == 7)
                    || v.bytes().filter(u8::is_ascii_hexdigit).count() < 4
                    || v.parse::<Ipv6Addr>().is_err()
                {
                    continue;
                }
                if taken.take(m.start(), m.start() + v.len()) {
                    emit("ip", v.to_ascii_lowercase(), None);
                }
            }
        }
        for m in self.date.find_iter(text) {
            if taken.take(m.start(), m.end()) {
                let v = collapse_ws(m.as_str());
                let id = date_id(&v).map(|d| format!("date:{d}"));
                emit("date", v, id);
            }
        }
        for m in self.money.find_iter(text) {
            let v = m.as_str().trim_end_matches([',', '.']);
            if !v.chars().any(|c| c.is_numeric()) {
                continue;
            }
            if taken.take(m.start(), m.start() + v.len()) {
                emit("money", collapse_ws(v).replace('’', "'"), None);
            }
        }
        for m in self.percent.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            if before.is_some_and(|c| c.is_alphabetic()) {
                continue;
            }
            if taken.take(m.start(), m.end()) {
                emit("percent", collapse_ws(m.as_str()), None);
            }
        }
        for m in self.phone.find_iter(text) {
            if valid_phone(text, m.start(), m.end()) && taken.take(m.start(), m.end()) {
                emit("phone", m.as_str().to_string(), None);
            }
        }
        taken.spans
    }
}

/// Accepted spans, kept sorted; a new span overlapping one of them is refused.
#[derive(Default)]
struct Taken {
    spans: Vec<(usize, usize)>,
}

impl Taken {
    fn take(&mut self, s: usize, e: usize) -> bool {
        let i = self.spans.partition_point(|&(_, pe)| pe <= s);
        if self.spans.get(i).is_some_and(|&(ps, _)| ps < e) {
            return false;
        }
        self.spans.insert(i, (s, e));
        true
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops trailing punctuation that ends the sentence rather than the URL, and a closing bracket without an opening one.
fn trim_url(u: &str) -> &str {
    let mut u = u;
    loop {
        let t = u.trim_end_matches(['.', ',', ';', ':', '!', '?', '…', '،']);
        let t = if t.ends_with(')') && t.matches('(').count() < t.matches(')').count() {
            &t[..t.len() - 1]
        } else {
            t
        };
        if t.len() == u.len() {
            return u;
        }
        u = t;
    }
}

/// The host of a URL, lower-cased, without `www.` and port.
fn url_domain(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && host.len() > 3).then_some(host)
}

/// ISO form (`2024-03-12`, or `2024-03` for month + year) of a date match when it has a year; `None` otherwise or when day/month order is ambiguous.
fn date_id(v: &str) -> Option<String> {
    let digits: Vec<u32> = v
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let month = month_of(v);
    let (y, m, d) = if v.contains('年') {
        match digits[..] {
            [y, m, d] => (y, m, Some(d)),
            [y, m] => (y, m, None),
            _ => return None,
        }
    } else if let Some(m) = month {
        let year = digits.iter().copied().find(|&n| n >= 1800);
        let day = digits.iter().copied().find(|&n| (1..=31).contains(&n));
        (year?, m, day)
    } else {
        match digits[..] {
            [y, m, d] if y >= 1800 => (y, m, Some(d)),
            // dd/mm/yyyy: order only known for sure when the day is above 12.
            [d, m, y] if d > 12 => (y, m, Some(d)),
            _ => return None,
        }
    };
    if !(1..=12).contains(&m) {
        return None;
    }
    Some(match d {
        Some(d) if (1..=31).contains(&d) => format!("{y:04}-{m:02}-{d:02}"),
        _ => format!("{y:04}-{m:02}"),
    })
}

fn month_of(v: &str) -> Option<u32> {
    let lower = v.to_lowercase();
    let en: Vec<&str> = MONTHS_EN.split('|').collect();
    for (i, m) in en.iter().enumerate() {
        if lower.contains(&m[..3].to_lowercase()) {
            return Some(i as u32 + 1);
        }
    }
    let fr = [
        "janv", "fév", "fev", "mars", "avril", "mai", "juin", "juil", "ao", "sept", "oct", "nov",
        "déc", "dec",
    ];
    let fr_month = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12];
    for (m, n) in fr.iter().zip(fr_month) {
        if lower.split_whitespace().any(|w| w.starts_with(m)) {
            return Some(n);
        }
    }
    // Longest Arabic names first: "كانون الثاني" before "آب".
    let mut ar: Vec<(usize, &str)> = MONTHS_AR.iter().copied().enumerate().collect();
    ar.sort_by_key(|(_, m)| std::cmp::Reverse(m.len()));
    ar.into_iter()
        .find(|(_, m)| v.contains(m))
        .map(|(i, _)| (i % 12) as u32 + 1)
}

/// Phone guards: digit count, grouping, context (ISBN, years, ranges, thousands, decimals).
fn valid_phone(text: &str, s: usize, e: usize) -> bool {
    let v = &text[s..e];
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    // Part of a larger token: an ID (A1234567), a decimal (3.14159 26), an amount ($ 1 000 000), a percentage.
    if before.is_some_and(|c| {
        c.is_alphanumeric()
            || matches!(c, '$' | '£' | '€' | '¥' | '/' | '-' | '.' | ',' | '#' | '+')
    }) || after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '%' | '٪' | '/' | '-'))
    {
        return false;
    }
    if [',', '.'].iter().any(|p| {
        text[e..].starts_with(*p) && text[e + 1..].starts_with(|c: char| c.is_ascii_digit())
    }) {
        return false;
    }
    if v.contains("  ") || v.contains("..") || v.contains("--") || v.contains(" - ") {
        return false; // tables and ranges ("1494 - 1517")
    }
    if v.matches('(').count() != v.matches(')').count() {
        return false; // "2017 (107 000": a bracket opened or closed around prose numbers
    }
    let ctx_start = text[..s].char_indices().rev().nth(24).map_or(0, |(i, _)| i);
    let ctx = text[ctx_start..s].to_lowercase();
    if ctx.contains("isbn") || ctx.contains("issn") {
        return false;
    }
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let intl = v.starts_with('+') || v.starts_with("00");
    if !(7..=15).contains(&digits) || (intl && digits < 8) {
        return false;
    }
    let groups: Vec<&str> = v
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    if (digits == 10 || digits == 13) && (v.starts_with("978") || v.starts_with("979")) {
        return false; // ISBN-13 / ISBN-10 shapes
    }
    let is_year = |g: &&str| g.len() == 4 && matches!(g.parse::<u32>(), Ok(1900..=2099));
    let years = groups.iter().filter(|g| is_year(g)).count();
    if !intl && (years >= 2 || (years == 1 && groups.len() <= 3)) {
        return false; // "1990-1995", "2003 2004 2005", "11-08-2015"
    }
    if !intl && (v.contains('.') || groups.iter().any(|g| g.len() == 1 || *g == "000")) {
        // Prices and decimals ("51.00-51.50", "19.589.137"), scores ("6-3 6-4"),
        // thousands ("250 000-300 000"): phones written this way need a "+".
        return false;
    }
    let sep_only_space = v
        .trim_start_matches('+')
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ');
    if !intl
        && sep_only_space
        && groups.len() >= 2
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
    {
        return false; // thousands separated by spaces: "1 234 567"
    }
    if groups.iter().any(|g| g.len() > 8) && groups.len() > 1 {
        return false;
    }
    if intl {
        return groups.len() >= 2 || digits >= 10;
    }
    let keyword = [
        "tel",
        "phone",
        "call",
        "fax",
        "hotline",
        "mobile",
        "هاتف",
        "جوال",
        "اتصال",
        "tél",
        "电话",
        "contact",
    ]
    .iter()
    .any(|k| ctx.contains(k));
    let paren_area = v.starts_with('(');
    let trunk = v.starts_with('0') && groups.len() >= 2 && digits >= 9;
    // Without a "+", a context word, an area code in brackets or a trunk 0, only the
    // North American 3-3-4 shape is trusted: bare digit groups are mostly tables.
    let nanp = groups.len() == 3
        && groups[0].len() == 3
        && groups[1].len() == 3
        && groups[2].len() == 4
        && v.contains('-');
    keyword || paren_area || trunk || nanp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<(String, String, Option<String>)> {
        let p = Patterns::new();
        let mut out = Vec::new();
        p.extract(text, &mut |k, v, id| out.push((k.to_string(), v, id)));
        out
    }

    fn kinds(text: &str, kind: &str) -> Vec<String> {
        run(text)
            .into_iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, v, _)| v)
            .collect()
    }

    #[test]
    fn urls_domains_emails_handles_hashtags() {
        let t = "See https://www.bbc.co.uk/news/123. Mail john.smith@example.com or @bbcnews, #Brexit #1 and Amazon.com.";
        assert_eq!(kinds(t, "url"), ["https://www.bbc.co.uk/news/123"]);
        assert_eq!(kinds(t, "domain"), ["bbc.co.uk", "amazon.com"]);
        assert_eq!(kinds(t, "email"), ["john.smith@example.com"]);
        assert_eq!(kinds(t, "handle"), ["@bbcnews"]);
        assert_eq!(kinds(t, "hashtag"), ["#Brexit"]);
        assert_eq!(kinds("وسم #السعودية اليوم", "hashtag"), ["#السعودية"]);
        assert!(kinds("the U.S.A. and e.g. this", "domain").is_empty());
    }

    #[test]
    fn ips() {
        assert_eq!(
            kinds("server 192.168.1.20 and version 1.2.3.4.5", "ip"),
            ["192.168.1.20"]
        );
        assert_eq!(kinds("addr 2001:db8::1 at 12:30:45", "ip"), ["2001:db8::1"]);
        assert!(kinds("300.1.1.1", "ip").is_empty());
    }

    #[test]
    fn dates_with_iso_ids() {
        let r = run("On 12 March 2024, then 2024-03-12, March 12, 2024 and February 22. يوليو 2000 و12 مارس 2024. 2018年11月17日. 1er décembre 2018");
        let dates: Vec<_> = r
            .iter()
            .filter(|x| x.0 == "date")
            .map(|x| (x.1.as_str(), x.2.as_deref()))
            .collect();
        assert_eq!(
            dates,
            [
                ("12 March 2024", Some("date:2024-03-12")),
                ("2024-03-12", Some("date:2024-03-12")),
                ("March 12, 2024", Some("date:2024-03-12")),
                ("February 22", None),
                ("يوليو 2000", Some("date:2000-07")),
                ("12 مارس 2024", Some("date:2024-03-12")),
                ("2018年11月17日", Some("date:2018-11-17")),
                ("1er décembre 2018", Some("date:2018-12-01")),
            ]
        );
        assert!(kinds("we march on", "date").is_empty());
    }

    #[test]
    fn money_and_percent() {
        let t = "Profits rose 76% to $1.13bn (£600m) from $639m; EUR 3m, 10 mln dlrs, 5 dollars, 3 millions d'euros, 9 دولارات, 5亿美元, 2.5 pct and 12 per cent.";
        assert_eq!(
            kinds(t, "money"),
            [
                "$1.13bn",
                "£600m",
                "$639m",
                "EUR 3m",
                "10 mln dlrs",
                "5 dollars",
                "3 millions d'euros",
                "9 دولارات",
                "5亿美元"
            ]
        );
        assert_eq!(kinds(t, "percent"), ["76%", "2.5 pct", "12 per cent"]);
    }

    #[test]
    fn phones_and_guards() {
        let ok = [
            "call +44 20 7946 0958 now",
            "Tel: 020 7946 0958.",
            "ring (555) 123-4567 today",
            "dial 555-123-4567 today",
            "الهاتف 00966 11 234 5678",
            "+966112345678 is it",
        ];
        for t in ok {
            assert_eq!(kinds(t, "phone").len(), 1, "{t}");
        }
        let bad = [
            "ISBN 978-0-306-40615-7",
            "between 1990-1995 and",
            "years 2003 2004 2005",
            "population 1 234 567 people",
            "pages 10-12",
            "ID A12345678 here",
            "value 3.14159265",
            "on 2024-03-12 at",
            "12.03.2024 is a date",
            "sales 155,221 bags",
            "account 12345678",
            "prices 10430 10190 10425 and",
            "scores 6-3 6-4 7-5",
        ];
        for t in bad {
            assert!(kinds(t, "phone").is_empty(), "{t}: {:?}", run(t));
        }
    }
}
