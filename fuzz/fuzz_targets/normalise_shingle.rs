//! Normaliser and shingler: never panic; normalising is idempotent and gives single
//! spaces; shingles are sorted and distinct, and none for empty text.
#![no_main]

use chaff_fuzz::normalise::{dominant_script, normalise};
use chaff_fuzz::shingle::shingle_hashes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, data)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let once = normalise(&text);
    assert_eq!(normalise(&once), once, "normalise is not idempotent on {text:?}");
    assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    let unspaced = knob & 1 == 1 || dominant_script(&text).is_unspaced();
    let mut out = Vec::new();
    shingle_hashes(&once, unspaced, (knob >> 1 & 7) as usize, (knob >> 4) as usize, &mut out);
    assert!(out.windows(2).all(|w| w[0] < w[1]), "shingles not sorted and distinct");
    assert_eq!(out.is_empty(), once.is_empty());
});
