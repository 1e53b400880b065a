//! One stable sort for the whole crate, and ordered collections built without sorting.
//!
//! Why: every `sort`, `sort_by_key` and `collect()` into a `BTreeMap`/`BTreeSet` stamps out
//! its own copy of the standard library's stable sort, per element type and per closure,
//! at about 4 KB of wasm each. Here the sorting is done once, on a permutation of indexes
//! with a `&dyn` comparison, and the permutation is then applied by swaps; only that thin
//! glue is generic. Collections are filled by `insert` (the code every map already has).
//!
//! Invariants: `sort_by` and its wrappers are stable (equal elements keep their order)
//! and take O(n log n) comparisons and O(n) swaps; `map_of`/`set_of` give the same
//! collection as `collect()` (for a repeated key, the last value wins).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably by `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut perm = sorted_perm(v.len(), &|a, b| cmp(&v[a], &v[b]));
    apply(v, &mut perm);
}

/// Sorts `v` stably by `key`, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `collect()` into a `BTreeMap`, by `insert`.
pub fn map_of<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in items {
        m.insert(k, v);
    }
    m
}

/// `collect()` into a `BTreeSet`, by `insert`.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut s = BTreeSet::new();
    for x in items {
        s.insert(x);
    }
    s
}

/// The indexes `0..n` in stable sorted order under `cmp`: a bottom-up merge sort, with
/// already ordered neighbours copied through without merging.
fn sorted_perm(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    let mut buf = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            if mid == end || cmp(p[mid - 1], p[mid]) != Ordering::Greater {
                buf[i..end].copy_from_slice(&p[i..end]);
            } else {
                let (mut a, mut b) = (i, mid);
                for slot in &mut buf[i..end] {
                    if b == end || (a < mid && cmp(p[a], p[b]) != Ordering::Greater) {
                        *slot = p[a];
                        a += 1;
                    } else {
                        *slot = p[b];
                        b += 1;
                    }
                }
            }
            i = end;
        }
        std::mem::swap(&mut p, &mut buf);
        width *= 2;
    }
    p
}

/// Rearranges `v` so that position `k` holds the element that was at `perm[k]`, by
/// following each cycle of the permutation once (`perm` is used up).
fn apply<T>(v: &mut [T], perm: &mut [usize]) {
    for start in 0..perm.len() {
        let mut cur = start;
        while perm[cur] != start {
            let next = perm[cur];
            v.swap(cur, next);
            perm[cur] = cur;
            cur = next;
        }
        perm[cur] = cur;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        let mut seed = 7u64;
        for n in 0..200 {
            let mut v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            sort_by_key(&mut v, |x| x.0);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn collects_like_collect() {
        let pairs = [(3, "a"), (1, "b"), (3, "c")];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(set_of([3, 1, 3]), BTreeSet::from([1, 3]));
    }
}
