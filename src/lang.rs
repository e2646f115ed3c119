//! Language identification with whatlang, reported as ISO 639 codes.

use whatlang::Lang;

/// Code returned when the text is too short or the detector is unsure.
pub const UNDETERMINED: &str = "und";

/// Characters looked at; whatlang's trigram scoring is linear in input length
/// and settles well before this on prose.
const MAX_CHARS: usize = 2000;

/// Fewer letters than this give whatlang too few trigrams to be trusted.
const MIN_LETTERS: usize = 20;

/// Below this confidence an answer that whatlang itself calls unreliable is
/// reported as "und". On the shared corpora (documents with >= 20 letters)
/// BBC, French, Chinese and Arabic news stay >= 99.8 % right at any cutoff up
/// to 0.5, while on Reuters, whose terse tables whatlang often calls French,
/// raising the cutoff from 0 to 0.5 cuts wrong answers from 9.4 % to 2.9 %
/// at the cost of 9.9 % "und".
const MIN_CONFIDENCE: f64 = 0.5;

/// Language of a text as an ISO 639-1 code when one exists (else 639-3), or "und" when unsure; with whatlang's confidence.
pub fn detect_language(text: &str) -> (&'static str, f32) {
    let end = text
        .char_indices()
        .nth(MAX_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let sample = &text[..end];
    if sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_LETTERS)
        .count()
        < MIN_LETTERS
    {
        return (UNDETERMINED, 0.0);
    }
    match whatlang::detect(sample) {
        Some(info) => {
            let confidence = info.confidence();
            if !info.is_reliable() && confidence < MIN_CONFIDENCE {
                (UNDETERMINED, confidence as f32)
            } else {
                (iso_code(info.lang()), confidence as f32)
            }
        }
        None => (UNDETERMINED, 0.0),
    }
}

/// ISO 639-1 code of a whatlang language, or its 639-3 code when there is no 639-1 one.
pub fn iso_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        // Mandarin has no 639-1 code of its own; "zh" is what corpora use.
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        // Iranian Persian (pes) is the main member of macrolanguage fa.
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn corpus_languages() {
        let cases = [
            // bbc_news, bbc/business/002
            ("The dollar has hit its highest level against the euro in almost three months after the Federal Reserve head said the US trade deficit is set to stabilise.", "en"),
            // gilets_jaunes_fr/ca/0001
            ("Paris |\u{a0}Près de 283 000 manifestants ont participé samedi aux différents blocages organisés par les «gilets jaunes» partout en France", "fr"),
            // saudinewsnet/2015-08-08/00000
            ("أحالت أمانة منطقة المدينة المنورة، ثلاثة قياديين إلى التحقيق على خلفية نشرهم صور فاضحة لهم على قروب منسوبي الأمانة", "ar"),
            // gilets_jaunes_zh/zh/0000
            ("大火、照明弹和催泪瓦斯，漆黑的汽车残骸，散落一地的橱窗玻璃，凯旋门上“马克龙下台”的涂鸦赫然醒目。", "zh"),
            ("東京都は今日、新しい計画を発表しました。多くの人が集まりました。", "ja"),
            ("Москва является столицей и крупнейшим городом Российской Федерации.", "ru"),
            ("Der Bundestag hat am Donnerstag ein neues Gesetz zur Energiewende beschlossen.", "de"),
        ];
        for (text, code) in cases {
            let (got, confidence) = detect_language(text);
            assert_eq!(got, code, "{text}");
            assert!((0.0..=1.0).contains(&confidence));
        }
    }

    #[test]
    fn too_short_or_letterless_is_undetermined() {
        for text in [
            "",
            "Hello",
            "12 345 678,90 — 2019-01-01 !!!",
            "مرحبا بكم",
            "OK OK OK",
        ] {
            assert_eq!(detect_language(text), (UNDETERMINED, 0.0), "{text:?}");
        }
    }

    #[test]
    fn long_text_is_bounded() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(10_000);
        assert_eq!(detect_language(&text).0, "en");
        // A language switch after the sampled prefix is not seen.
        let mixed = format!(
            "{}{}",
            &text[..4000],
            "Le renard brun saute par-dessus le chien. ".repeat(1000)
        );
        assert_eq!(detect_language(&mixed).0, "en");
    }

    #[test]
    fn every_whatlang_language_has_a_distinct_code() {
        let codes: HashSet<_> = Lang::all().iter().map(|&l| iso_code(l)).collect();
        assert_eq!(codes.len(), Lang::all().len());
        assert!(codes
            .iter()
            .all(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_lowercase())));
        assert_eq!(iso_code(Lang::Cmn), "zh");
        assert_eq!(iso_code(Lang::Pes), "fa");
    }

    #[test]
    fn corpora_shares() {
        use crate::normalise::tests::{corpus_dirs, corpus_texts, EXHAUSTIVE};
        // (corpus, expected code, minimum share of documents with >= 20 letters)
        let expected = [
            ("bbc_news", "en", 0.999),
            ("gilets_jaunes_fr", "fr", 0.99),
            ("gilets_jaunes_zh", "zh", 0.99),
            ("saudinewsnet", "ar", 0.99),
            // Many Reuters items are terse tables ("Shr 45 cts vs 58 cts")
            // that whatlang confidently calls French.
            ("reuters21578", "en", 0.85),
        ];
        let stride = if EXHAUSTIVE { 1 } else { 50 };
        for dir in corpus_dirs() {
            let name = dir.file_name().unwrap().to_string_lossy().to_string();
            let Some(&(_, code, min_share)) = expected.iter().find(|e| e.0 == name) else {
                continue;
            };
            let texts = corpus_texts(&dir);
            let long: Vec<_> = texts
                .iter()
                .step_by(stride)
                .filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() >= MIN_LETTERS)
                .collect();
            let hits = long.iter().filter(|t| detect_language(t).0 == code).count();
            let share = hits as f64 / long.len() as f64;
            assert!(share >= min_share, "{name}: {share:.4} {code}");
        }
    }
}
