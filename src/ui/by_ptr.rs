//! `ByPtr`: a shared value that compares by identity, for component props and memo keys.
//!
//! Traces, layouts and cycle lists are big and shared (`Rc`), and a new one is made only
//! when its content changes. Comparing them by pointer is therefore both exact and cheap,
//! and props that hold them can derive `PartialEq` instead of spelling out `Rc::ptr_eq`.
//!
//! Invariant: two `ByPtr`s are equal exactly when they point at the same allocation.

use std::ops::Deref;
use std::rc::Rc;
use yew::html::IntoPropValue;

/// An `Rc<T>` whose `PartialEq` is `Rc::ptr_eq`.
pub struct ByPtr<T: ?Sized>(pub Rc<T>);

impl<T: ?Sized> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T: ?Sized> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> Deref for ByPtr<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> From<Rc<T>> for ByPtr<T> {
    fn from(rc: Rc<T>) -> Self {
        ByPtr(rc)
    }
}

/// Lets a component be given a plain `Rc` where its prop is a `ByPtr`.
impl<T: ?Sized> IntoPropValue<ByPtr<T>> for Rc<T> {
    fn into_prop_value(self) -> ByPtr<T> {
        ByPtr(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_to_the_same_allocation() {
        let a = Rc::new(vec![1, 2]);
        let same = ByPtr(a.clone());
        assert!(ByPtr(a.clone()) == same);
        assert!(ByPtr(Rc::new(vec![1, 2])) != same, "equal content is not the same value");
    }
}
