import ODAGCore

/// What a `qseow` manifest declares beyond the shared members of ``DeclaredLink``: Qlik's link fields,
/// each `nil` when the manifest does not state it (an absent field is not managed).
public struct QseowDeclaredFields: Sendable, Hashable {
    /// `rowEstExpr`.
    public var rowEstExpr: String?
    /// `bindings`, each a Qlik `Binding` object with the fields the manifest states; compared as a set,
    /// each binding on the fields it states.
    public var bindings: [JSONValue]?
    /// `dynamicView`.
    public var dynamicView: Bool?
    /// `status`: `active` or `disabled` (sent as `statusSetting` `activate` or `disable`).
    public var status: String?
    /// `properties`: each declared key's per-context array, managed as a whole and compared by `context`.
    public var properties: [String: JSONValue]?

    /// Creates declared fields.
    public init(
        rowEstExpr: String? = nil, bindings: [JSONValue]? = nil, dynamicView: Bool? = nil, status: String? = nil,
        properties: [String: JSONValue]? = nil
    ) {
        self.rowEstExpr = rowEstExpr
        self.bindings = bindings
        self.dynamicView = dynamicView
        self.status = status
        self.properties = properties
    }
}
