//! `VecMap` and `VecSet`: ordered map and set kept as a sorted `Vec`, for the kernel
//! model's small per-object indexes (names, ifindexes, routes, nexthops, children).
//!
//! Why: they iterate in key order like the `BTreeMap`/`BTreeSet` they replace, so no
//! trace changes, but each key type costs a few hundred bytes of wasm instead of a
//! B-tree's several KB. The indexes they hold stay small (one vnet's interfaces, one
//! rib's routes), where a binary search plus a short `memmove` is as fast as a B-tree.
//!
//! Invariants: entries are sorted by key and keys are unique; `Debug` prints like the
//! std collections.

use std::borrow::Borrow;
use std::fmt;
use std::ops::RangeInclusive;

/// An ordered map over a sorted `Vec` of entries.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

type Pair<'a, K, V> = (&'a K, &'a V);

/// The entries of a [`VecMap`] in key order.
pub type Iter<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> Pair<'a, K, V>>;

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap::default()
    }

    /// The map of `pairs` in one sort, O(n log n); for a repeated key the last value
    /// wins, as with `collect()` into a `BTreeMap`.
    pub fn from_pairs(mut pairs: Vec<(K, V)>) -> Self {
        crate::support::order::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        VecMap(out)
    }

    fn find<Q: Ord + ?Sized>(&self, k: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(x, _)| x.borrow().cmp(k))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Inserts or replaces; returns the old value, like `BTreeMap::insert`.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            Err(i) => {
                self.0.insert(i, (k, v));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| self.0.remove(i).1)
    }

    pub fn get<Q: Ord + ?Sized>(&self, k: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, k: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(k).is_ok()
    }

    /// The value at `k`, inserted as `V::default()` first if missing (what
    /// `entry(k).or_default()` does).
    pub fn get_or_default(&mut self, k: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert(k, V::default())
    }

    /// The value at `k`, inserted as `v` first if missing (`entry(k).or_insert(v)`).
    pub fn get_or_insert(&mut self, k: K, v: V) -> &mut V {
        let i = match self.find(&k) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (k, v));
                i
            }
        };
        &mut self.0[i].1
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values, to change in place (the keys and their order stay).
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a VecMap<K, V> {
    type Item = Pair<'a, K, V>;
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord + fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// An ordered set over a sorted `Vec`.
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T>(Vec<T>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet(Vec::new())
    }
}

impl<T: Ord> VecSet<T> {
    pub fn new() -> Self {
        VecSet::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `x`; false if it was already there.
    pub fn insert(&mut self, x: T) -> bool {
        match self.0.binary_search(&x) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, x);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.0.binary_search_by(|y| y.borrow().cmp(x)) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|y| y.borrow().cmp(x)).is_ok()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The elements in `r`, in order.
    pub fn range(&self, r: RangeInclusive<T>) -> std::slice::Iter<'_, T> {
        let lo = self.0.partition_point(|x| x < r.start());
        let hi = self.0.partition_point(|x| x <= r.end());
        self.0[lo..hi.max(lo)].iter()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<'a, T: Ord> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    /// In one sort, O(n log n).
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut v: Vec<T> = items.into_iter().collect();
        crate::support::order::sort(&mut v);
        v.dedup();
        VecSet(v)
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for x in items {
            self.insert(x);
        }
    }
}

impl<T: Ord + fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn behave_like_the_btree_collections() {
        let (mut m, mut bm) = (VecMap::new(), BTreeMap::new());
        let (mut s, mut bs) = (VecSet::new(), BTreeSet::new());
        for (i, k) in [5u32, 1, 9, 1, 0, 5, 7, 9, 3].into_iter().enumerate() {
            if i % 3 == 2 {
                assert_eq!(m.remove(&k), bm.remove(&k));
                assert_eq!(s.remove(&k), bs.remove(&k));
            } else {
                assert_eq!(m.insert(k, i), bm.insert(k, i));
                assert_eq!(s.insert(k), bs.insert(k));
            }
            assert!(m.iter().eq(bm.iter()));
            assert!(s.iter().eq(bs.iter()));
            assert_eq!(format!("{m:?} {s:?}"), format!("{bm:?} {bs:?}"));
            for (lo, hi) in [(0, 9), (2, 6), (10, 20)] {
                assert!(s.range(lo..=hi).eq(bs.range(lo..=hi)));
            }
        }
        let mut names: VecMap<String, u32> = VecMap::new();
        *names.get_or_default("b".into()) += 2;
        *names.get_or_default("b".into()) += 1;
        assert_eq!(names.get("b"), Some(&3));
        assert!(names.contains_key("b") && !names.contains_key("a"));
        let pairs = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let want: BTreeMap<_, _> = pairs.iter().copied().collect();
        assert!(VecMap::from_pairs(pairs).iter().eq(want.iter()));
        let both: VecSet<u8> = [3, 1, 3, 2].into_iter().collect();
        assert!(both.iter().eq(BTreeSet::from([1, 2, 3]).iter()));
    }
}
