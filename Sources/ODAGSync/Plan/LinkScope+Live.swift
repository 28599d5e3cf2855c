import ODAGCore

extension LinkScope {
    /// Whether the live link is inside the scope: its name has the prefix and its owner is listed.
    public func contains(_ link: OdagLink) -> Bool {
        contains(name: link.name ?? "") && contains(owner: link.owner)
    }
}
