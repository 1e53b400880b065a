//! Where a fact comes from, as a type: the four provenance markers of the narration
//! (verified in source, from a review or commit, inferred, prototype), each with the
//! source it cites, split out of the engine's sentences.
//!
//! Invariants:
//! - The engine writes a marker as `[TAG cite, TAG cite …]` with TAG one of `V` (also
//!   `V-…` and `V: path`), `R` (also `R: D12345`), `I` or `P`; a part without a tag
//!   continues the previous part's citation (`[V kern_exit.c, kern_jail.c]`).
//! - `pieces` is total: any text splits into plain runs and markers, and a bracket that
//!   is not a marker stays plain text. A test checks that every sentence of every preset
//!   under every stage order leaves no marker-like bracket as plain text, so the UI and
//!   the exports never decide provenance themselves.

/// The four provenance markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provenance {
    /// Verified in FreeBSD source.
    Verified,
    /// From a review or commit text.
    Review,
    /// Inferred: a modelling choice.
    Inferred,
    /// Prototype code that is not in FreeBSD.
    Prototype,
}

impl Provenance {
    /// What the app calls it.
    pub fn label(self) -> &'static str {
        match self {
            Provenance::Verified => "verified",
            Provenance::Review => "from review/commit",
            Provenance::Inferred => "inferred",
            Provenance::Prototype => "prototype, not in FreeBSD",
        }
    }

    /// The tag a part starts with, and the rest of the part (the citation).
    fn parse(part: &str) -> Option<(Provenance, &str)> {
        let part = part.trim();
        let (tag, rest) = match part.find([' ', ':']) {
            Some(i) => (&part[..i], part[i..].trim_start_matches([':', ' '])),
            None => (part, ""),
        };
        let p = match tag {
            "R" => Provenance::Review,
            "I" => Provenance::Inferred,
            "P" => Provenance::Prototype,
            "V" => Provenance::Verified,
            _ if tag.starts_with("V-") => Provenance::Verified,
            _ => return None,
        };
        Some((p, rest))
    }
}

/// A piece of narration: plain text, or a marker with what it cites (may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Marker(Provenance, String),
}

/// The markers of one bracket's inside, or None if it is not a marker.
fn markers(inner: &str) -> Option<Vec<(Provenance, String)>> {
    let mut out: Vec<(Provenance, String)> = Vec::new();
    for part in inner.split(',') {
        match (Provenance::parse(part), out.last_mut()) {
            (Some((p, cite)), _) => out.push((p, cite.to_string())),
            (None, Some((_, cite))) if !part.trim().is_empty() => {
                cite.push_str(", ");
                cite.push_str(part.trim());
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Splits text into plain runs and provenance markers.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain = String::new();
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else { break };
        match markers(&rest[open + 1..close]) {
            Some(ms) => {
                plain.push_str(&rest[..open]);
                if !plain.trim_end().is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut plain)));
                }
                plain.clear();
                out.extend(ms.into_iter().map(|(p, c)| Piece::Marker(p, c)));
            }
            None => plain.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

/// Whether a plain run still holds something that looks like a marker the parser missed
/// (`[V…`, `[R…`, `[I…`, `[P…`): the engine's own sentences must never leave one.
pub fn has_stray_marker(text: &str) -> bool {
    pieces(text).iter().any(|p| match p {
        Piece::Text(t) => {
            t.match_indices('[').any(|(i, _)| t[i + 1..].starts_with(['V', 'R', 'I', 'P']))
        }
        Piece::Marker(..) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_typed_pieces() {
        let p = pieces("rib freed [V: net/route.c] then read [I]. Cache [P][R] ok [x]");
        assert_eq!(p[0], Piece::Text("rib freed ".into()));
        assert_eq!(p[1], Piece::Marker(Provenance::Verified, "net/route.c".into()));
        assert_eq!(p[2], Piece::Text(" then read ".into()));
        assert_eq!(p[3], Piece::Marker(Provenance::Inferred, String::new()));
        assert_eq!(p[5], Piece::Marker(Provenance::Prototype, String::new()));
        assert_eq!(p[6], Piece::Marker(Provenance::Review, String::new()));
        assert_eq!(p[7], Piece::Text(" ok [x]".into()));
        assert_eq!(pieces("plain"), vec![Piece::Text("plain".into())]);
        let c = pieces("a fault [V pieces, I composition].");
        assert_eq!(c[1], Piece::Marker(Provenance::Verified, "pieces".into()));
        assert_eq!(c[2], Piece::Marker(Provenance::Inferred, "composition".into()));
        let r = pieces("KASSERT [R: D32835, V ip_input.c].");
        assert_eq!(r[1], Piece::Marker(Provenance::Review, "D32835".into()));
        assert_eq!(r[2], Piece::Marker(Provenance::Verified, "ip_input.c".into()));
        let k = pieces("exits [V kern_exit.c, kern_jail.c].");
        assert_eq!(k[1], Piece::Marker(Provenance::Verified, "kern_exit.c, kern_jail.c".into()));
        assert!(!has_stray_marker("exits [V kern_exit.c, kern_jail.c]. ok [x] [3]"));
        assert!(has_stray_marker("[Verified by hand]"));
    }
}
