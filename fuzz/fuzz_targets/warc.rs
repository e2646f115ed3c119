//! WARC/WET reader and the HTML flattener: never panic; every record it emits is whole.
#![no_main]

use chaff_fuzz::load::{read_bytes, warc::html_to_text, Emitted, Format, LoadOptions};
use chaff_fuzz::record::Status;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = LoadOptions {
        max_doc_bytes: 256,
        ..LoadOptions::default()
    };
    let sink = read_bytes("fuzz.warc", Format::Warc, data, &opts);
    assert!(!sink.items.is_empty(), "a WARC file gives at least one row");
    for item in &sink.items {
        let Emitted::Ready(rec) = item else {
            panic!("the WARC reader emits whole records");
        };
        assert!(rec.status == Status::Ok || rec.error.is_some(), "{rec:?}");
    }
    let text = String::from_utf8_lossy(data);
    let flat = html_to_text(&text);
    assert!(!flat.contains("\n\n\n"), "blank-line runs are collapsed");
});
