//! Names in cased scripts (Latin, Cyrillic, Greek): multi-word capitalised sequences,
//! joined by inner connectors ("Bank of England", "Charles de Gaulle"), without
//! sentence-initial function words, trimmed of titles ("Prime Minister Tony Blair" →
//! "Tony Blair", recorded as person evidence), with single capitalised words kept as
//! candidates when they are not sentence-initial. Lines that are mostly capitalised
//! (title-case headlines, tables) are skipped: capitalisation says nothing there.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use super::gazetteer::Gazetteer;
use super::{fold_for_match, FastMap, FastSet, F_CONNECTOR, F_ORG, F_PERSON_EV, F_SINGLE};

const STOP_EN: &str = include_str!("../../data/stopwords/en.txt");
const STOP_FR: &str = include_str!("../../data/stopwords/fr.txt");

/// Lower-case connectors allowed inside a name, never at its edges.
const CONNECTORS: &[&str] = &[
    "of", "the", "de", "la", "le", "van", "von", "der", "den", "del", "della", "da", "di", "du",
    "des", "al", "el", "bin", "ibn", "bint", "y", "dos", "das", "do", "ter", "ten", "zu", "d'",
    "l'", "d’", "l’",
];
/// Connectors that are ordinary particles of personal names.
const NAME_PARTICLES: &[&str] = &[
    "de", "la", "le", "van", "von", "der", "den", "del", "della", "da", "di", "du", "al", "el",
    "bin", "ibn", "bint", "y", "dos", "das", "do", "ter", "ten", "zu", "d'", "d’",
];
/// Personal titles; a name right after one is person evidence. Multi-word titles are space-separated.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "president-elect",
    "vice president",
    "prime minister",
    "minister",
    "chancellor",
    "secretary",
    "foreign secretary",
    "home secretary",
    "health secretary",
    "defence secretary",
    "education secretary",
    "culture secretary",
    "trade secretary",
    "foreign minister",
    "finance minister",
    "defence minister",
    "senator",
    "sen",
    "rep",
    "congressman",
    "congresswoman",
    "governor",
    "gov",
    "mayor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "reverend",
    "father",
    "judge",
    "justice",
    "gen",
    "colonel",
    "col",
    "captain",
    "capt",
    "lieutenant",
    "lt",
    "sergeant",
    "sgt",
    "commissioner",
    "chairman",
    "chairwoman",
    "chief executive",
    "chief executive officer",
    "ceo",
    "managing director",
    "director",
    "spokesman",
    "spokeswoman",
    "ambassador",
    "coach",
    "manager",
    "boss",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "detective",
    "inspector",
    "mp",
    "mep",
    "m",
    "mme",
    "mlle",
    "monsieur",
    "madame",
    "président",
    "présidente",
    "ministre",
    "premier ministre",
    "sheikh",
    "emir",
    "ayatollah",
    "chancellor of the exchequer",
    "secretary of state",
    "attorney general",
    "leader",
    "chief",
    "speaker",
    "archbishop",
    "bishop",
    "cardinal",
    "economist",
    "analyst",
    "dealer",
    "trader",
    "singer",
    "actor",
    "actress",
    "star",
    "champion",
];
/// Words stripped before a title but not titles themselves ("Former French President ...").
const MODIFIERS: &[&str] = &[
    "former",
    "ex",
    "deputy",
    "acting",
    "shadow",
    "vice",
    "then",
    "new",
    "senior",
    "junior",
    "assistant",
    "labour",
    "tory",
    "conservative",
    "democratic",
    "republican",
    "liberal",
    "us",
    "uk",
    "eu",
    "un",
];
/// Words that make a name an organisation.
const ORG_WORDS: &[&str] = &[
    "bank",
    "party",
    "ministry",
    "council",
    "inc",
    "corp",
    "corporation",
    "ltd",
    "plc",
    "llc",
    "co",
    "university",
    "college",
    "school",
    "association",
    "agency",
    "group",
    "company",
    "union",
    "committee",
    "commission",
    "institute",
    "foundation",
    "federation",
    "organisation",
    "organization",
    "department",
    "office",
    "court",
    "police",
    "army",
    "navy",
    "force",
    "fund",
    "board",
    "authority",
    "trust",
    "society",
    "club",
    "league",
    "airlines",
    "airways",
    "motors",
    "industries",
    "holdings",
    "partners",
    "systems",
    "technologies",
    "bureau",
    "parliament",
    "congress",
    "senate",
    "assembly",
    "government",
    "administration",
    "service",
    "services",
    "network",
    "press",
    "records",
    "studios",
    "pictures",
    "fc",
    "exchange",
    "reserve",
    "commons",
    "treasury",
    "cabinet",
    "institution",
    "hospital",
    "museum",
    "ag",
    "gmbh",
    "sa",
    "nv",
    "bv",
    "banque",
    "parti",
    "ministère",
    "conseil",
    "université",
    "agence",
    "groupe",
    "société",
    "comité",
    "institut",
    "fondation",
    "fédération",
    "assemblée",
    "gouvernement",
    "syndicat",
    "rassemblement",
    "front",
    "mouvement",
    "communications",
    "petroleum",
    "oil",
    "energy",
    "securities",
    "capital",
    "investments",
    "bancorp",
    "bancshares",
    "financial",
    "insurance",
    "electric",
    "steel",
    "chemical",
    "mining",
    "resources",
    "international",
    "brothers",
    "associates",
    "fc",
    "united",
];
/// Single capitalised words that are not names on their own: weekdays, months, demonyms, pronouns.
/// Demonyms: not names alone, and modifiers before a title ("French President ...").
const DEMONYMS: &[&str] = &[
    "british",
    "american",
    "americans",
    "french",
    "german",
    "germans",
    "russian",
    "russians",
    "chinese",
    "japanese",
    "european",
    "europeans",
    "african",
    "asian",
    "arab",
    "arabs",
    "israeli",
    "israelis",
    "palestinian",
    "palestinians",
    "iraqi",
    "iraqis",
    "iranian",
    "syrian",
    "afghan",
    "pakistani",
    "indian",
    "irish",
    "scottish",
    "welsh",
    "english",
    "italian",
    "spanish",
    "dutch",
    "belgian",
    "swiss",
    "swedish",
    "norwegian",
    "danish",
    "finnish",
    "polish",
    "greek",
    "turkish",
    "egyptian",
    "saudi",
    "korean",
    "australian",
    "canadian",
    "mexican",
    "brazilian",
    "argentine",
    "soviet",
    "britons",
    "briton",
    "français",
    "française",
    "allemand",
    "européen",
    "européenne",
    "américain",
    "américains",
];
/// Single capitalised words that are not names on their own: weekdays, months, pronouns, religions, directions.
const SINGLE_STOP: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "i",
    "muslim",
    "muslims",
    "christian",
    "christians",
    "jewish",
    "catholic",
    "protestant",
    "islamic",
    "western",
    "eastern",
    "northern",
    "southern",
    "north",
    "south",
    "east",
    "west",
    "internet",
    "web",
    "tv",
    "ok",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "asked",
    "quarter",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "oh",
    "yes",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "reuter",
    "reuters",
];
/// Lower-case job words that make the following multi-word name a person ("the president Vladimir Putin").
/// Narrower than [`TITLES`]: "miss", "chief", "leader" or "star" before a capital are often not titles.
const LOWER_TITLES: &[&str] = &[
    "president",
    "minister",
    "chancellor",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "colonel",
    "spokesman",
    "spokeswoman",
    "ambassador",
    "coach",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "actor",
    "actress",
    "singer",
    "chairman",
    "chairwoman",
    "economist",
    "analyst",
    "director",
    "président",
    "ministre",
    "porte-parole",
];
/// Abbreviations whose final dot does not end a sentence.
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "gen", "col", "lt", "sgt", "rev", "prof", "jr", "sr",
    "gov", "rep", "no", "vs", "inc", "ltd", "co", "corp", "mt", "ft", "capt", "messrs", "m", "mme",
];
/// Verbs after which a two- or three-word capitalised sequence is a person ("..., said Tony Blair").
const SAID: &[&str] = &["said", "says", "added", "explained", "argued", "insisted"];

/// Compiled word lists for cased-script names.
pub(super) struct NameRules {
    stop: HashSet<String>,
    /// Titles by first word, longest first.
    titles: FastMap<String, Vec<Vec<String>>>,
    modifiers: HashSet<&'static str>,
    org: HashSet<&'static str>,
    single_stop: HashSet<&'static str>,
    connectors: HashSet<&'static str>,
    particles: HashSet<&'static str>,
    abbrev: HashSet<&'static str>,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: u32,
    end: u32,
    /// First letter upper-case (or `al-Assad` style).
    cap: bool,
    /// Sentence-initial: after . ! ? : ; or at the start of a line.
    init: bool,
    /// Separated from the previous token by spaces only.
    joined: bool,
    /// Ends with a possessive 's, which also ends a name.
    poss: bool,
    line: u32,
}

impl NameRules {
    pub(super) fn new() -> Self {
        let stop = STOP_EN
            .lines()
            .chain(STOP_FR.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        let mut titles: FastMap<String, Vec<Vec<String>>> = FastMap::default();
        for t in TITLES {
            let words: Vec<String> = t.split(' ').map(String::from).collect();
            titles.entry(words[0].clone()).or_default().push(words);
        }
        // Longest titles first so "prime minister" wins over "minister".
        for v in titles.values_mut() {
            v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        }
        Self {
            stop,
            titles,
            modifiers: MODIFIERS.iter().copied().collect(),
            org: ORG_WORDS.iter().copied().collect(),
            single_stop: SINGLE_STOP.iter().copied().collect(),
            connectors: CONNECTORS.iter().copied().collect(),
            particles: NAME_PARTICLES.iter().copied().collect(),
            abbrev: ABBREV.iter().copied().collect(),
        }
    }

    /// Calls `emit(name, count, flags)` once per distinct name candidate of the document;
    /// `count == 0` marks evidence only (a surname seen after a title, merged into a full name).
    pub(super) fn extract(
        &self,
        text: &str,
        claimed: &[(usize, usize)],
        gaz: &Gazetteer,
        emit: &mut dyn FnMut(&str, u16, u16),
    ) {
        let toks = self.tokenise(text, claimed);
        if toks.is_empty() {
            return;
        }
        let s = |t: &Tok| &text[t.start as usize..t.end as usize];
        // Words seen in lower case in this document: a capitalised occurrence of one of
        // them at a sentence start is an ordinary word.
        let lower_seen: FastSet<u64> = toks
            .iter()
            .filter(|t| !t.cap && s(t).starts_with(char::is_lowercase))
            .map(|t| xxh3_64(s(t).as_bytes()))
            .collect();
        let is_lower_seen = |w: &str| lower_seen.contains(&xxh3_64(w.to_lowercase().as_bytes()));
        let headline = headline_lines(&toks);

        let mut found: FastMap<String, (u16, u16)> = FastMap::default();
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            if !t.cap || headline.contains(&t.line) {
                i += 1;
                continue;
            }
            // Extend the run over capitalised tokens and inner connectors.
            let mut j = i;
            while !toks[j].poss {
                let mut k = j + 1;
                let mut conns = 0;
                while k < toks.len()
                    && toks[k].joined
                    && !toks[k].cap
                    && conns < 2
                    && self.is_connector(s(&toks[k]))
                {
                    k += 1;
                    conns += 1;
                }
                if k < toks.len() && toks[k].joined && toks[k].cap && toks[k].line == t.line {
                    j = k;
                } else {
                    break;
                }
            }
            let mut run: Vec<&str> = toks[i..=j].iter().map(|t| strip_poss(s(t))).collect();
            let prev = (i > 0 && toks[i].joined).then(|| s(&toks[i - 1]));
            // "ministre de l'Intérieur Christophe Castaner", "Secretary of State Colin Powell":
            // after a connector, the first capital ends an earlier phrase.
            if run.len() >= 3
                && prev.is_some_and(|p| p != "the" && self.is_connector(p))
                && self.title_at(&[run[0].to_lowercase()]).is_none()
            {
                run.remove(0);
            }
            self.process_run(&run, toks[i].init, prev, &is_lower_seen, gaz, &mut found);
            i = j + 1;
        }
        self.corefer(&mut found);
        let mut out: Vec<(String, (u16, u16))> = found.into_iter().collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, (count, flags)) in out {
            emit(&name, count, flags);
        }
    }

    /// Function word, also in contracted form ("I'm", "Don't", "It's").
    fn is_stop(&self, lower: &str) -> bool {
        if self.stop.contains(lower) {
            return true;
        }
        match lower.split_once(['\'', '’']) {
            Some((pre, post)) => {
                matches!(post, "m" | "ll" | "ve" | "d" | "re" | "t" | "s")
                    && (pre == "i"
                        || pre == "don"
                        || pre == "can"
                        || pre == "won"
                        || self.stop.contains(pre))
            }
            None => false,
        }
    }

    fn is_connector(&self, w: &str) -> bool {
        self.connectors.contains(w)
    }

    /// Cleans one capitalised run and records it (and its evidence) in `found`.
    fn process_run(
        &self,
        run: &[&str],
        init: bool,
        prev: Option<&str>,
        is_lower_seen: &dyn Fn(&str) -> bool,
        gaz: &Gazetteer,
        found: &mut FastMap<String, (u16, u16)>,
    ) {
        if run.len() > 8 {
            return; // a title-case phrase or list, not a name
        }
        let all_lower: Vec<String> = run.iter().map(|w| w.to_lowercase()).collect();
        let mut words: &[&str] = run;
        let mut lower: &[String] = &all_lower;
        let mut first_init = init;
        // Leading function words ("The", "But", "In") and, at a sentence start, ordinary words seen in lower case elsewhere.
        while let Some(w) = words.first() {
            if self.is_stop(&lower[0])
                || (first_init
                    && words.len() > 1
                    && is_lower_seen(w)
                    && self.title_at(lower).is_none())
            {
                words = &words[1..];
                lower = &lower[1..];
                first_init = false;
            } else {
                break;
            }
        }
        let mut person = false;
        if let Some(n) = self.title_prefix(lower) {
            if n < words.len() && !self.is_connector(words[n]) {
                words = &words[n..];
                lower = &lower[n..];
                person = true;
                first_init = false;
            } else if n == words.len() && !words.iter().any(|w| self.is_connector(w)) {
                return; // only a title ("Prime Minister")
            }
        }
        // Edges are never connectors.
        while words.last().is_some_and(|w| self.is_connector(w)) {
            words = &words[..words.len() - 1];
            lower = &lower[..lower.len() - 1];
        }
        while words.first().is_some_and(|w| self.is_connector(w)) {
            words = &words[1..];
            lower = &lower[1..];
        }
        if words.is_empty() {
            return;
        }
        let prev_lower = prev.map(str::to_lowercase);
        if let Some(p) = &prev_lower {
            if LOWER_TITLES.contains(&p.as_str()) && words.len() >= 2 {
                person = true; // "the president Vladimir Putin", "coach Andy Robinson"
            }
            if SAID.contains(&p.as_str()) && (2..=3).contains(&words.len()) {
                person = true;
            }
        }
        let has_conn = words.iter().any(|w| self.is_connector(w));
        if words.len() == 1 {
            let w = &lower[0];
            if (first_init && !person)
                || w.chars().count() < 2
                || self.single_stop.contains(w.as_str())
                || is_demonym(w)
                || self.is_stop(w)
                || is_lower_seen(words[0])
                || !words[0].chars().any(char::is_alphabetic)
            {
                return;
            }
        } else if lower.iter().all(|w| {
            self.stop.contains(w) || self.single_stop.contains(w.as_str()) || is_demonym(w)
        }) {
            return;
        }
        let name = words.join(" ");
        if gaz.is_alias(&fold_for_match(&name)) {
            return; // a country or user gazetteer entry: counted there
        }
        let mut flags = 0;
        if words.len() == 1 {
            flags |= F_SINGLE;
        }
        if lower.iter().any(|w| self.org.contains(w.as_str())) {
            flags |= F_ORG;
        }
        if has_conn
            && lower.iter().any(|w| {
                self.connectors.contains(w.as_str()) && !self.particles.contains(w.as_str())
            })
        {
            flags |= F_CONNECTOR;
        }
        if person && words.len() <= 4 && flags & (F_ORG | F_CONNECTOR) == 0 {
            flags |= F_PERSON_EV;
            if words.len() > 1 {
                let last = words[words.len() - 1];
                let e = found.entry(last.to_string()).or_insert((0, F_SINGLE));
                e.1 |= F_PERSON_EV;
            }
        }
        let e = found.entry(name).or_insert((0, 0));
        e.0 = e.0.saturating_add(1);
        e.1 |= flags;
    }

    /// Length (in words) of the title prefix of the lower-cased `words`: modifiers then at least one title, repeated.
    fn title_prefix(&self, words: &[String]) -> Option<usize> {
        let mut k = 0;
        let mut end = None;
        while k < words.len() {
            if let Some(n) = self.title_at(&words[k..]) {
                k += n;
                end = Some(k);
            } else if self.modifiers.contains(words[k].trim_end_matches('.'))
                || is_demonym(&words[k])
            {
                k += 1;
            } else {
                break;
            }
        }
        end
    }

    /// Length of the title starting the lower-cased `words`, if any.
    fn title_at(&self, words: &[String]) -> Option<usize> {
        let first = words.first()?;
        self.titles
            .get(first.trim_end_matches('.'))?
            .iter()
            .find(|t| {
                t.len() <= words.len()
                    && t.iter()
                        .zip(words)
                        .all(|(a, b)| a == b.trim_end_matches('.'))
            })
            .map(Vec::len)
    }

    /// Moves the count of a single word onto the document's full name ending with it ("Blair" → "Tony Blair").
    fn corefer(&self, found: &mut FastMap<String, (u16, u16)>) {
        let mut moves: Vec<(String, String)> = Vec::new();
        for (single, (count, flags)) in found.iter() {
            if *count == 0 || flags & F_SINGLE == 0 || flags & F_ORG != 0 {
                continue;
            }
            let best = found
                .iter()
                .filter(|(n, (c, f))| {
                    *c > 0
                        && f & (F_SINGLE | F_ORG | F_CONNECTOR) == 0
                        && n.rsplit(' ').next() == Some(single.as_str())
                })
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(a.0)));
            if let Some((full, _)) = best {
                moves.push((single.clone(), full.clone()));
            }
        }
        moves.sort();
        for (single, full) in moves {
            let c = found.get(&single).map_or(0, |e| e.0);
            if let Some(e) = found.get_mut(&single) {
                e.0 = 0;
            }
            if let Some(e) = found.get_mut(&full) {
                e.0 = e.0.saturating_add(c);
            }
        }
    }

    /// Splits `text` into word tokens with capitalisation and position facts.
    fn tokenise(&self, text: &str, claimed: &[(usize, usize)]) -> Vec<Tok> {
        let mut toks: Vec<Tok> = Vec::new();
        let mut boundary = true;
        let mut clean_sep = false;
        let mut line = 0u32;
        let mut claim_i = 0;
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_alphanumeric() {
                // Inside a URL or e-mail: not words.
                while claim_i < claimed.len() && claimed[claim_i].1 <= i {
                    claim_i += 1;
                }
                let in_claim = claim_i < claimed.len() && claimed[claim_i].0 <= i;
                let start = i;
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if d.is_alphanumeric() || unicode_normalization::char::is_combining_mark(d) {
                        end = j + d.len_utf8();
                        it.next();
                    } else if matches!(d, '-' | '\'' | '’') {
                        // Joiner only between letters; French elision (l', d') ends the token.
                        let mut look = it.clone();
                        look.next();
                        let next_alnum = look.peek().is_some_and(|&(_, e)| e.is_alphanumeric());
                        let word = &text[start..end];
                        let elision = d != '-'
                            && word.chars().count() == 1
                            && "lLdDjJmMnNsStT".contains(word)
                            && look.peek().is_some_and(|&(_, e)| e.is_alphabetic());
                        if elision {
                            end = j + d.len_utf8();
                            it.next();
                            break;
                        }
                        if next_alnum {
                            end = j + d.len_utf8();
                            it.next();
                        } else {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                if in_claim {
                    clean_sep = false;
                    continue;
                }
                let w = &text[start..end];
                let first = w.chars().next().unwrap_or(' ');
                let cap = first.is_uppercase() || hyphen_cap(w);
                let poss = w.ends_with("'s") || w.ends_with("’s");
                toks.push(Tok {
                    start: start as u32,
                    end: end as u32,
                    cap,
                    init: boundary,
                    joined: clean_sep,
                    poss,
                    line,
                });
                boundary = false;
                clean_sep = true;
                continue;
            }
            match c {
                ' ' | '\t' | '\u{a0}' | '\u{202f}' => {}
                '\n' | '\r' => {
                    line += u32::from(c == '\n');
                    boundary = true;
                    clean_sep = false;
                }
                '.' => {
                    // "Mr." and "U.S." do not end sentences.
                    let prev_abbrev = toks.last().is_some_and(|t| {
                        t.end as usize == i && {
                            let w = &text[t.start as usize..t.end as usize];
                            (w.chars().count() == 1 && w.starts_with(char::is_uppercase))
                                || self.abbrev.contains(w.to_lowercase().as_str())
                        }
                    });
                    if !prev_abbrev {
                        boundary = true;
                    }
                    clean_sep = prev_abbrev;
                }
                '!' | '?' | ':' | ';' | '…' | '•' | '|' | '¿' | '¡' => {
                    boundary = true;
                    clean_sep = false;
                }
                // Quotes and brackets keep the sentence state ('. "The' is sentence-initial).
                _ => clean_sep = false,
            }
        }
        toks
    }
}

/// "al-Assad", "bin-Laden": a short lower-case particle, a hyphen, then a capital.
fn hyphen_cap(w: &str) -> bool {
    match w.split_once('-') {
        Some((p, rest)) => {
            p.len() <= 3
                && p.chars().all(char::is_lowercase)
                && rest.starts_with(char::is_uppercase)
        }
        None => false,
    }
}

fn strip_poss(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

/// Lines where most tokens are capitalised (Title Case headlines, tables): skipped.
fn headline_lines(toks: &[Tok]) -> FastSet<u32> {
    let mut per: FastMap<u32, (u32, u32)> = FastMap::default();
    for t in toks {
        let e = per.entry(t.line).or_insert((0, 0));
        e.0 += 1;
        e.1 += u32::from(t.cap);
    }
    per.into_iter()
        .filter(|(_, (n, c))| *n >= 4 && *c * 5 >= *n * 4)
        .map(|(l, _)| l)
        .collect()
}

/// Demonyms from the single-word stop list double as title modifiers ("French President").
fn is_demonym(w: &str) -> bool {
    DEMONYMS.contains(&w)
}

/// Number of words of a display name.
pub(super) fn word_count(name: &str) -> usize {
    name.split(' ').count()
}

/// Last word of a display name.
pub(super) fn last_word(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, u16, u16)> {
        let rules = NameRules::new();
        let gaz = Gazetteer::new(&[]).unwrap();
        let mut out = Vec::new();
        rules.extract(text, &[], &gaz, &mut |n, c, f| {
            out.push((n.to_string(), c, f))
        });
        out
    }

    fn counted(text: &str) -> Vec<String> {
        names(text)
            .into_iter()
            .filter(|x| x.1 > 0)
            .map(|x| x.0)
            .collect()
    }

    #[test]
    fn runs_connectors_and_sentence_starts() {
        let t = "The Bank of England raised rates. But Kim Jong Un met Charles de Gaulle's heirs. In London, the Chancellor of the Exchequer spoke.";
        assert_eq!(
            counted(t),
            [
                "Bank of England",
                "Chancellor of the Exchequer",
                "Charles de Gaulle",
                "Kim Jong Un",
                "London"
            ]
        );
    }

    #[test]
    fn titles_are_trimmed_and_give_person_evidence() {
        let t = "Prime Minister Tony Blair met Mr Brown. Later Tony Blair said Mr Blair was fine, said Gordon Brown.";
        let n = names(t);
        let get = |k: &str| n.iter().find(|x| x.0 == k).cloned();
        let blair = get("Tony Blair").unwrap();
        assert_eq!(blair.1, 3, "Blair merged into Tony Blair: {n:?}");
        assert!(blair.2 & F_PERSON_EV != 0);
        assert!(get("Gordon Brown").unwrap().2 & F_PERSON_EV != 0);
        assert!(get("Brown").unwrap().2 & F_PERSON_EV != 0);
        assert!(get("Prime Minister").is_none() && get("Mr").is_none());
        assert!(get("Later").is_none());
    }

    #[test]
    fn orgs_singles_and_countries() {
        let t = "Shares of Time Warner Inc rose. The firm said shares rose. Analysts at Goldman Sachs and at Google agree. Russia too.";
        let n = counted(t);
        assert!(n.contains(&"Time Warner Inc".to_string()));
        assert!(n.contains(&"Google".to_string()));
        assert!(
            !n.iter()
                .any(|x| x == "Shares" || x == "Russia" || x == "Analysts"),
            "{n:?}"
        );
        let flags = names(t)
            .into_iter()
            .find(|x| x.0 == "Time Warner Inc")
            .unwrap()
            .2;
        assert!(flags & F_ORG != 0);
    }

    #[test]
    fn headlines_and_french_elision() {
        assert!(counted("Ad Sales Boost Time Warner Profit").is_empty());
        let n = counted("Le président Emmanuel Macron et l'Allemagne. Selon le ministère de l'Intérieur, Édouard Philippe parle.");
        assert!(
            n.contains(&"Emmanuel Macron".to_string())
                && n.contains(&"Édouard Philippe".to_string()),
            "{n:?}"
        );
        assert!(!n.iter().any(|x| x.contains("Allemagne")));
    }

    #[test]
    fn cyrillic_names() {
        let n = counted("Встреча прошла в Москве. Владимир Путин встретился с Ким Чен Ыном.");
        assert!(n.contains(&"Владимир Путин".to_string()), "{n:?}");
    }
}
