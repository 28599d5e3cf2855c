/// Comparisons of names by their exact Unicode scalars.
///
/// Swift's `String ==` and `hasPrefix` use canonical equivalence: a precomposed `"Café"` equals
/// `"Cafe\u{301}"`. Qlik compares link names as stored, so two such names are two different links,
/// and a declaration must never match (and update) a live link whose name only looks the same.
enum ExactText {
    /// Whether `a` and `b` are the same sequence of Unicode scalars.
    static func equal(_ a: String, _ b: String) -> Bool {
        // Canonical equality is implied by exact equality and is the fast check; the byte comparison
        // runs only for names that are at least canonically equal.
        a == b && a.utf8.elementsEqual(b.utf8)
    }

    /// Whether `text` starts with the exact scalars of `prefix`.
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }
}
