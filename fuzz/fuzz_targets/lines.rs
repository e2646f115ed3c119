//! The boilerplate line splitter (`content_lines`) and the scan pass: never panic; lines
//! are trimmed, non-empty, in order, slices of the text; the scan keys each of them.
#![no_main]

use chaff_fuzz::analyse::{content_lines, scan};
use chaff_fuzz::boilerplate::rules::RuleSet;
use chaff_fuzz::record::Record;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RULES: OnceLock<RuleSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let base = text.as_ptr() as usize;
    let mut last_end = 0;
    let mut n = 0;
    for line in content_lines(&text) {
        let start = line.as_ptr() as usize - base;
        assert!(start >= last_end && start + line.len() <= text.len(), "line outside the text");
        assert!(!line.is_empty() && line.trim() == line, "{line:?} not trimmed");
        last_end = start + line.len();
        n += 1;
    }
    let rules = RULES.get_or_init(RuleSet::builtin);
    let rec = Record::with_text("fuzz:1".into(), text.into_owned(), data.len() as u64);
    let s = scan(&rec, rules, true);
    if rec.status.has_text() {
        assert_eq!(s.line_keys.len(), n);
    }
});
