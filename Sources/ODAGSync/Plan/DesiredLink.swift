import ODAGCore

/// A link as the manifests declare it, after variables are resolved: what the planner compares.
public struct DesiredLink: Sendable, Hashable {
    /// The link's name: its identity across manifests.
    public var name: String
    /// A pinned live link id, if the declaration names one.
    public var id: String?
    /// The selection app's id.
    public var selectionAppId: String
    /// The template app's id.
    public var templateAppId: String
    /// Exactly the declared properties (an object), or `nil` when none are declared.
    public var properties: JSONValue?
    /// Field paths whose live value is not managed (`properties.publishTo`).
    public var ignore: [String]
    /// Where the declaration is (`links/sales.json:4:5`), for messages.
    public var source: String?

    /// Creates a declaration.
    public init(
        name: String, id: String? = nil, selectionAppId: String, templateAppId: String, properties: JSONValue? = nil,
        ignore: [String] = [], source: String? = nil
    ) {
        self.name = name
        self.id = id
        self.selectionAppId = selectionAppId
        self.templateAppId = templateAppId
        self.properties = properties
        self.ignore = ignore
        self.source = source
    }
}

/// Which live links `odag-sync` may touch (SPEC §4): empty means every link.
public struct LinkScope: Sendable, Hashable {
    /// Links whose name starts with this, when set.
    public var namePrefix: String?
    /// Links owned by one of these users (compared case-insensitively), when not empty.
    public var owners: [String]

    /// Creates a scope.
    public init(namePrefix: String? = nil, owners: [String] = []) {
        self.namePrefix = namePrefix
        self.owners = owners
    }

    /// Whether the live link is inside the scope.
    public func contains(_ link: OdagLink) -> Bool {
        if let namePrefix, !(link.name ?? "").hasPrefix(namePrefix) { return false }
        if !owners.isEmpty {
            let owner = (link.owner ?? "").lowercased()
            return owners.contains { $0.lowercased() == owner }
        }
        return true
    }

    /// Whether a declared name is inside the scope's name prefix.
    public func admits(name: String) -> Bool {
        namePrefix.map { name.hasPrefix($0) } ?? true
    }

    /// Whether the scope limits anything.
    public var isEverything: Bool { namePrefix == nil && owners.isEmpty }
}
