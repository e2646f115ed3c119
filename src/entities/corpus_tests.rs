//! Done-when checks on the sample corpora shipped in `datasets/` (slices of the shared corpora).

use super::*;

/// The shipped samples, next to the crate's manifest.
const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets");

fn shared(rel: &str) -> String {
    let rel = match rel {
        "seed/scraped-article-ar.txt" => "ar-seed/scraped-article-ar.txt",
        "corpora/bbc_news/bbc_news.jsonl" => "en-bbc/bbc_news-slice.jsonl",
        "corpora/reuters21578/reuters21578.jsonl" => "en-reuters/reuters21578-slice.jsonl",
        "corpora/saudinewsnet/saudinewsnet.jsonl" => "ar-saudinewsnet/saudinewsnet-slice.jsonl",
        "corpora/gilets_jaunes_fr/gilets_jaunes_fr.jsonl" => {
            "fr-gilets-jaunes/gilets_jaunes_fr-slice.jsonl"
        }
        "corpora/gilets_jaunes_zh/gilets_jaunes_zh.jsonl" => {
            "zh-gilets-jaunes/gilets_jaunes_zh.jsonl"
        }
        other => panic!("no shipped sample for {other}"),
    };
    let p = format!("{DATASETS}/{rel}");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Texts of a JSONL corpus, at most `limit` documents.
fn corpus(name: &str, limit: usize) -> Vec<String> {
    shared(&format!("corpora/{name}/{name}.jsonl"))
        .lines()
        .take(limit)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSONL line");
            v["text"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

/// Runs the whole pipeline (extract in parallel, observe in order, resolve) and tallies the corpus.
fn run(ex: &EntityExtractor, texts: &[String], cased: bool) -> (Vec<Vec<Mention>>, EntityTally) {
    use rayon::prelude::*;
    let mut docs: Vec<DocEntities> = texts.par_iter().map(|t| ex.extract(t, cased)).collect();
    let mut corpus = CorpusEntities::new(CorpusParams::default());
    for d in &mut docs {
        corpus.observe(d);
        d.strip_texts();
    }
    let resolver = corpus.finish();
    let finals: Vec<Vec<Mention>> = docs.par_iter().map(|d| resolver.resolve(d)).collect();
    let mut tally = EntityTally::default();
    for m in &finals {
        tally.add(m);
    }
    (finals, tally)
}

fn names_of(rows: &[TallyRow]) -> Vec<String> {
    rows.iter().map(|r| r.entity.clone()).collect()
}

fn ids_of(rows: &[TallyRow]) -> Vec<String> {
    rows.iter().filter_map(|r| r.id.clone()).collect()
}

fn doc_top(m: &[Mention], kinds: &[&str], n: usize) -> Vec<String> {
    m.iter()
        .filter(|x| kinds.contains(&x.kind))
        .take(n)
        .map(|x| x.entity.clone())
        .collect()
}

fn check_seed_doc(m: &[Mention]) {
    let names = doc_top(m, &["name", "person", "org"], 10);
    eprintln!("seed names: {names:?}");
    for want in ["بوتين", "بيسكوف"] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n == "كيم جونغ اون" || n == "كيم جونغ أون"),
        "Kim Jong Un not in {names:?}"
    );
    let countries: Vec<&str> = m
        .iter()
        .filter(|x| x.kind == "country")
        .filter_map(|x| x.id.as_deref())
        .collect();
    eprintln!("seed countries: {countries:?}");
    assert_eq!(&countries[..2], ["country:RU", "country:KP"]);
}

#[test]
fn seed_arabic_article_alone() {
    let ex = EntityExtractor::new(None).unwrap();
    let (finals, _) = run(&ex, &[shared("seed/scraped-article-ar.txt")], false);
    check_seed_doc(&finals[0]);
    let money: Vec<&str> = finals[0]
        .iter()
        .filter(|x| x.kind == "money")
        .map(|x| x.entity.as_str())
        .collect();
    assert_eq!(money, ["9 دولارات"]);
}

#[test]
fn seed_arabic_article_with_saudinewsnet() {
    let ex = EntityExtractor::new(None).unwrap();
    let mut texts = corpus("saudinewsnet", 200);
    texts.push(shared("seed/scraped-article-ar.txt"));
    let (finals, tally) = run(&ex, &texts, false);
    check_seed_doc(finals.last().unwrap());
    let top = tally.top(&["name"], 15);
    eprintln!("saudinewsnet+seed top names: {:?}", names_of(&top));
    let countries = ids_of(&tally.top(&["country"], 5));
    eprintln!("saudinewsnet+seed top countries: {countries:?}");
    assert!(countries.contains(&"country:SA".to_string()));
}

#[test]
fn bbc_people_and_countries() {
    let ex = EntityExtractor::new(None).unwrap();
    let (_, tally) = run(&ex, &corpus("bbc_news", usize::MAX), true);
    let people = names_of(&tally.top(&["person"], 10));
    eprintln!("bbc top people: {people:?}");
    eprintln!("bbc top orgs: {:?}", names_of(&tally.top(&["org"], 10)));
    eprintln!("bbc top names: {:?}", names_of(&tally.top(&["name"], 10)));
    for want in ["Tony Blair", "Gordon Brown"] {
        assert!(people.iter().any(|p| p == want), "{want} not in {people:?}");
    }
    let countries = ids_of(&tally.top(&["country"], 5));
    eprintln!("bbc top countries: {countries:?}");
    assert!(
        countries.contains(&"country:GB".to_string())
            && countries.contains(&"country:US".to_string())
    );
}

#[test]
fn reuters_top_countries() {
    let ex = EntityExtractor::new(None).unwrap();
    let (_, tally) = run(&ex, &corpus("reuters21578", usize::MAX), true);
    let top = tally.top(&["country"], 10);
    eprintln!(
        "reuters top 10 countries: {:?}",
        top.iter()
            .map(|r| (r.entity.as_str(), r.count))
            .collect::<Vec<_>>()
    );
    assert_eq!(top[0].id.as_deref(), Some("country:US"));
    let ids = ids_of(&top);
    for want in ["country:JP", "country:GB"] {
        assert!(ids.iter().any(|i| i == want), "{want} not in {ids:?}");
    }
}

#[test]
fn french_and_chinese_gazetteer() {
    let ex = EntityExtractor::new(None).unwrap();
    let d = ex.extract("Le président veut bloquer la France et l'Allemagne.", true);
    let mut ids: Vec<&str> = d.mentions.iter().filter_map(|m| m.id.as_deref()).collect();
    ids.sort();
    assert_eq!(ids, ["country:DE", "country:FR"]);
    let (_, fr) = run(&ex, &corpus("gilets_jaunes_fr", 600), true);
    let top = ids_of(&fr.top(&["country"], 5));
    eprintln!("gilets_jaunes_fr top countries: {top:?}");
    eprintln!(
        "gilets_jaunes_fr top people: {:?}",
        names_of(&fr.top(&["person"], 10))
    );
    assert_eq!(top[0], "country:FR");
    assert!(
        top.contains(&"country:DE".to_string())
            || fr
                .top(&["country"], 50)
                .iter()
                .any(|r| r.id.as_deref() == Some("country:DE"))
    );
    let (_, zh) = run(&ex, &corpus("gilets_jaunes_zh", usize::MAX), false);
    let top = ids_of(&zh.top(&["country"], 5));
    eprintln!("gilets_jaunes_zh top countries: {top:?}");
    eprintln!(
        "gilets_jaunes_zh top names: {:?}",
        names_of(&zh.top(&["name"], 15))
    );
    assert_eq!(top[0], "country:FR");
}

#[test]
fn seed_content_lines_alone() {
    // What the audit passes: the seed article with its boilerplate lines set aside.
    let ex = EntityExtractor::new(None).unwrap();
    let text = shared("seed/scraped-article-ar.txt");
    let content: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("[ad_")
                && *l != "Source link"
                && !l.contains("Getty")
                && !l.contains("Telegraph")
        })
        .collect();
    let (finals, _) = run(&ex, &[content.join("\n")], false);
    check_seed_doc(&finals[0]);
}
