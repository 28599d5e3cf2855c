import ODAGCore

/// Finds the known name closest to a misspelt one, for `did you mean "templateAppId"?` hints.
public enum KeySuggester {
    /// The candidate closest to `word` by edit distance (case differences count half), or `nil` when
    /// none is close enough to be a plausible typo.
    public static func suggestion<S: Sequence<String>>(for word: String, among candidates: S) -> String? {
        let target = Array(word.unicodeScalars)
        guard !target.isEmpty else { return nil }
        // About one edit in three characters, at least one (short words) or two; scores are doubled
        // (a case-only change costs 1, any other edit 2).
        let edits = target.count <= 2 ? 1 : max(2, target.count / 3)
        var best: (candidate: String, score: Int)?
        for candidate in candidates.sorted() where candidate != word {
            let score = distance(target, Array(candidate.unicodeScalars))
            guard score <= 2 * edits else { continue }
            if best == nil || score < (best?.score ?? Int.max) { best = (candidate, score) }
        }
        return best?.candidate
    }

    /// `did you mean "x"?` for the closest candidate, or `nil`.
    static func hint<S: Sequence<String>>(for word: String, among candidates: S) -> String? {
        suggestion(for: word, among: candidates).map { "did you mean \(quoted($0))?" }
    }

    /// Doubled Levenshtein distance where changing only a letter's case costs 1 instead of 2.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return 2 * b.count }
        if b.isEmpty { return 2 * a.count }
        var previous = Array(stride(from: 0, through: 2 * b.count, by: 2))
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = 2 * i
            for j in 1...b.count {
                let substitution: Int
                if a[i - 1] == b[j - 1] {
                    substitution = 0
                } else if a[i - 1].properties.lowercaseMapping == b[j - 1].properties.lowercaseMapping {
                    substitution = 1
                } else {
                    substitution = 2
                }
                current[j] = min(previous[j] + 2, current[j - 1] + 2, previous[j - 1] + substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// A list of names quoted and joined with commas, for "expected one of …" messages.
func quotedList<S: Sequence<String>>(_ names: S) -> String {
    names.map { quoted($0) }.joined(separator: ", ")
}
