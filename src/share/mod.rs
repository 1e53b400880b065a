//! Pure codecs for links and exports. No browser calls.
