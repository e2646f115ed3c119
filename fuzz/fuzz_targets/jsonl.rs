//! JSONL reader (line splitting, `.json` array splitting, record parsing): never panics,
//! and every non-blank line is exactly one record.
#![no_main]

use chaff_fuzz::load::{parse_json, read_bytes, Emitted, Format, LoadOptions};
use chaff_fuzz::record::Status;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, data)) = data.split_first() else {
        return;
    };
    // Small limits reach the oversized paths; the first byte picks one.
    let opts = LoadOptions {
        max_doc_bytes: 1 + (knob as usize) * 4,
        ..LoadOptions::default()
    };
    // Line mode: one record per line that is not blank (a blank line longer than the
    // limit is still an oversized row); a file without any is one `empty` row.
    let lines = read_bytes("fuzz.jsonl", Format::Jsonl, data, &opts);
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut expected = body
        .split(|&b| b == b'\n')
        .filter(|l| l.len() > opts.max_doc_bytes || l.iter().any(|b| !b.is_ascii_whitespace()))
        .count();
    if expected == 0 {
        expected = 1;
    }
    assert_eq!(lines.items.len(), expected, "records of {:?}", String::from_utf8_lossy(data));
    check(&lines.items, &opts);
    // Array mode (a `.json` file starting with `[`), or lines again.
    let array = read_bytes("fuzz.json", Format::Jsonl, data, &opts);
    assert!(!array.items.is_empty());
    check(&array.items, &opts);
});

fn check(items: &[Emitted], opts: &LoadOptions) {
    for item in items {
        match item {
            Emitted::Json { bytes, .. } => {
                assert!(bytes.len() <= opts.max_doc_bytes, "kept a record over the limit");
                let rec = parse_json(bytes, opts);
                if rec.status == Status::Ok {
                    assert!(!rec.text.trim().is_empty());
                    assert!(rec.error.is_none());
                } else {
                    assert!(rec.error.is_some(), "status {} without an error", rec.status);
                }
            }
            Emitted::Ready(rec) => {
                assert!(rec.status != Status::Ok && rec.error.is_some(), "{rec:?}");
            }
        }
    }
}
