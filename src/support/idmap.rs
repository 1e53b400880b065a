//! `IdMap`: a map keyed by a dense id (`ObjId`, `EdgeId`), kept as a `Vec` of slots.
//!
//! Why: it iterates in ascending id order like the `BTreeMap` it replaces, so nothing
//! shown changes, but each key/value type costs a few hundred bytes of wasm instead of a
//! B-tree's several KB (insert, remove, rebalancing, clone, drop).
//!
//! Invariants: `len` counts the occupied slots; iteration, equality and `Debug` see only
//! occupied slots, in ascending id order, exactly as a `BTreeMap` would show them. The
//! slot vector grows to the largest id inserted, never beyond.

use std::fmt;

/// An id that is an index into a trace's table.
pub trait DenseId: Copy {
    fn index(self) -> usize;
}

/// A map from a dense id to `V`, in id order.
#[derive(Clone)]
pub struct IdMap<K, V> {
    slots: Vec<Option<(K, V)>>,
    len: usize,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap { slots: Vec::new(), len: 0 }
    }
}

impl<K: DenseId, V> IdMap<K, V> {
    pub fn new() -> Self {
        IdMap::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Inserts or replaces; returns the old value, like `BTreeMap::insert`.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        let i = k.index();
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        let old = self.slots[i].replace((k, v)).map(|(_, v)| v);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.slots.get_mut(k.index())?.take().map(|(_, v)| v);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        self.slots.get(k.index())?.as_ref().map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.slots.get_mut(k.index())?.as_mut().map(|(_, v)| v)
    }

    pub fn contains_key(&self, k: &K) -> bool {
        self.get(k).is_some()
    }

    /// The entries in ascending id order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.slots.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }
}

/// The entries of an [`IdMap`] in ascending id order.
pub struct Iter<'a, K, V>(std::slice::Iter<'a, Option<(K, V)>>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.by_ref().find_map(|s| s.as_ref().map(|(k, v)| (k, v)))
    }
}

impl<'a, K: DenseId, V> IntoIterator for &'a IdMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: DenseId + PartialEq, V: PartialEq> PartialEq for IdMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: DenseId + Eq, V: Eq> Eq for IdMap<K, V> {}

impl<K: DenseId + fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::ObjId;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut m = IdMap::new();
        let mut b = BTreeMap::new();
        for (i, k) in [5u32, 1, 9, 1, 0, 5, 7, 9].into_iter().enumerate() {
            if i % 3 == 2 {
                assert_eq!(m.remove(&ObjId(k)), b.remove(&ObjId(k)));
            } else {
                assert_eq!(m.insert(ObjId(k), i), b.insert(ObjId(k), i));
            }
            assert_eq!(m.len(), b.len());
            assert!(m.iter().eq(b.iter()));
            assert_eq!(format!("{m:?}"), format!("{b:?}"));
        }
        assert_eq!(m.get(&ObjId(100)), None);
        assert_eq!(m.remove(&ObjId(100)), None);
        let mut shorter = m.clone();
        shorter.insert(ObjId(50), 1);
        shorter.remove(&ObjId(50));
        assert_eq!(shorter, m);
    }
}
