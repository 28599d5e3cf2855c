/// What `odag-sync` may touch (SPEC §4): links whose name starts with ``namePrefix`` and whose owner is
/// one of ``owners``. An empty prefix or owner list places no bound.
public struct LinkScope: Sendable, Hashable {
    /// The prefix every managed link's name starts with; `nil` or empty for any name.
    public var namePrefix: String?
    /// The owners (`DOMAIN\user`) whose links are managed; empty for any owner.
    public var owners: [String]

    /// Creates a scope; the default is every link.
    public init(namePrefix: String? = nil, owners: [String] = []) {
        self.namePrefix = namePrefix
        self.owners = owners
    }

    /// Whether a link named `name` is within the name bound: its first Unicode scalars are exactly
    /// the prefix's (no canonical equivalence: `"Cafe"` is not a prefix of `"Caf\u{E9}"`, and `"Caf\u{E9}"`
    /// is not one of `"Cafe\u{301}"`).
    public func contains(name: String) -> Bool {
        guard let namePrefix, !namePrefix.isEmpty else { return true }
        return ExactText.hasPrefix(name, namePrefix)
    }

    /// Whether a link owned by `owner` is within the owner bound (owners compare case-insensitively, as
    /// Windows account names do, and otherwise by exact Unicode scalars).
    public func contains(owner: String?) -> Bool {
        guard !owners.isEmpty else { return true }
        guard let owner else { return false }
        let lowered = owner.lowercased()
        return owners.contains { ExactText.equal($0.lowercased(), lowered) }
    }

    /// Whether the scope places no bound at all.
    public var isUnbounded: Bool { (namePrefix ?? "").isEmpty && owners.isEmpty }
}
