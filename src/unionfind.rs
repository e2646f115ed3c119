//! Disjoint-set forest used to close near-duplicate candidate pairs into clusters.

/// Disjoint sets over 0..n with path compression and union by rank/size; `find` and `union`; deterministic.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets `{0}, {1}, …, {n-1}`.
    pub fn new(n: usize) -> Self {
        assert!(
            n <= u32::MAX as usize,
            "UnionFind holds at most u32::MAX elements"
        );
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Representative of `x`'s set, compressing the path on the way (two passes, no recursion).
    pub fn find(&mut self, x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        let mut cur = x;
        while self.parent[cur as usize] != root {
            let next = self.parent[cur as usize];
            self.parent[cur as usize] = root;
            cur = next;
        }
        root
    }

    /// Merges the sets of `a` and `b` (smaller under larger, ties under the smaller index); true if they were separate.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (sa, sb) = (self.size[ra as usize], self.size[rb as usize]);
        // Tie-break on index so the forest shape depends only on the union sequence.
        let (big, small) = if sa > sb || (sa == sb && ra < rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] = sa + sb;
        true
    }

    /// Size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }

    /// Component label per element: the smallest member index of its set (deterministic regardless of union order).
    pub fn labels(&mut self) -> Vec<u32> {
        const UNSET: u32 = u32::MAX;
        let n = self.parent.len();
        // Scanning in index order, the first member seen of each root is its smallest.
        let mut root_label = vec![UNSET; n];
        let mut labels = Vec::with_capacity(n);
        for i in 0..n as u32 {
            let r = self.find(i) as usize;
            if root_label[r] == UNSET {
                root_label[r] = i;
            }
            labels.push(root_label[r]);
        }
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singletons() {
        let mut uf = UnionFind::new(4);
        assert_eq!(uf.labels(), vec![0, 1, 2, 3]);
        assert_eq!(uf.len(), 4);
        assert!(UnionFind::new(0).is_empty());
        assert!(UnionFind::new(0).labels().is_empty());
    }

    #[test]
    fn unions_and_labels() {
        let mut uf = UnionFind::new(8);
        assert!(uf.union(5, 3));
        assert!(uf.union(7, 5));
        assert!(!uf.union(3, 7));
        assert!(uf.union(6, 1));
        assert_eq!(uf.find(7), uf.find(3));
        assert_ne!(uf.find(1), uf.find(3));
        assert_eq!(uf.set_size(5), 3);
        assert_eq!(uf.labels(), vec![0, 1, 2, 3, 4, 3, 1, 3]);
    }

    #[test]
    fn labels_independent_of_union_order() {
        let edges = [(9u32, 4u32), (4, 2), (8, 0), (0, 6), (1, 3), (3, 5), (5, 9)];
        let mut fwd = UnionFind::new(10);
        for &(a, b) in &edges {
            fwd.union(a, b);
        }
        let mut rev = UnionFind::new(10);
        for &(a, b) in edges.iter().rev() {
            rev.union(b, a);
        }
        assert_eq!(fwd.labels(), rev.labels());
        assert_eq!(fwd.labels(), vec![0, 1, 1, 1, 1, 1, 0, 7, 0, 1]);
    }

    #[test]
    fn long_chain_compresses() {
        let n = 100_000u32;
        let mut uf = UnionFind::new(n as usize);
        for i in 1..n {
            uf.union(i, i - 1);
        }
        assert!(uf.labels().iter().all(|&l| l == 0));
    }
}
