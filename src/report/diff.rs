//! Word-level differences between two texts, grouped into hunks with some context.

/// One step of an alignment: a word in both texts, only in the first, or only in the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Word `a[i]` equals `b[j]`.
    Same(usize, usize),
    /// Word `a[i]` is not in the alignment.
    Del(usize),
    /// Word `b[j]` is not in the alignment.
    Ins(usize),
}

/// Largest middle section (after the common prefix and suffix) aligned exactly, in words per side;
/// beyond it the rest counts as changed. Keeps the quadratic table under ~16 MB.
const MAX_MIDDLE: usize = 2_000;

/// Aligns two word sequences: common prefix and suffix, then a longest common subsequence.
pub fn align(a: &[&str], b: &[&str]) -> Vec<Step> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (la, lb) = (ma.len().min(MAX_MIDDLE), mb.len().min(MAX_MIDDLE));
    let mut steps: Vec<Step> = (0..prefix).map(|i| Step::Same(i, i)).collect();
    // lcs[i][j]: longest common subsequence of ma[i..la] and mb[j..lb].
    let w = lb + 1;
    let mut lcs = vec![0u32; (la + 1) * w];
    for i in (0..la).rev() {
        for j in (0..lb).rev() {
            lcs[i * w + j] = if ma[i] == mb[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < la && j < lb {
        if ma[i] == mb[j] {
            steps.push(Step::Same(prefix + i, prefix + j));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            steps.push(Step::Del(prefix + i));
            i += 1;
        } else {
            steps.push(Step::Ins(prefix + j));
            j += 1;
        }
    }
    steps.extend((i..ma.len()).map(|i| Step::Del(prefix + i)));
    steps.extend((j..mb.len()).map(|j| Step::Ins(prefix + j)));
    let (ea, eb) = (a.len() - suffix, b.len() - suffix);
    steps.extend((0..suffix).map(|k| Step::Same(ea + k, eb + k)));
    steps
}

/// Ranges of `steps` to show: each change with up to `context` unchanged words either side,
/// overlapping ranges merged.
pub fn hunks(steps: &[Step], context: usize) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, s) in steps.iter().enumerate() {
        if matches!(s, Step::Same(..)) {
            continue;
        }
        let from = k.saturating_sub(context);
        let to = (k + 1 + context).min(steps.len());
        match out.last_mut() {
            Some(last) if from <= last.end => last.end = last.end.max(to),
            _ => out.push(from..to),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_words() {
        let a: Vec<&str> = "the cat sat on the mat".split(' ').collect();
        let b: Vec<&str> = "the dog sat on a mat today".split(' ').collect();
        let s = align(&a, &b);
        let dels: Vec<&str> = s
            .iter()
            .filter_map(|x| match x {
                Step::Del(i) => Some(a[*i]),
                _ => None,
            })
            .collect();
        let ins: Vec<&str> = s
            .iter()
            .filter_map(|x| match x {
                Step::Ins(j) => Some(b[*j]),
                _ => None,
            })
            .collect();
        assert_eq!(dels, ["cat", "the"]);
        assert_eq!(ins, ["dog", "a", "today"]);
        assert_eq!(hunks(&s, 0).len(), 3);
        assert_eq!(hunks(&s, 1), vec![0..s.len()]);
        assert!(hunks(&align(&a, &a), 3).is_empty());
    }
}
