import ODAGCore

/// A navigation link as a manifest declares it, after variable substitution and validation.
public struct DeclaredLink: Sendable, Hashable {
    /// The link's name, its identity across manifests.
    public var name: String
    /// The live link this declaration is pinned to, when it names one.
    public var id: String?
    /// The selection app: always stated in the `document` flavour; in `qseow` (`selectionApp`) it is
    /// needed only to create the link, since Qlik never returns it.
    public var selectionAppId: String?
    /// The template app.
    public var templateAppId: String
    /// Exactly the properties the manifest states (a subset of `OdagLinkProperties`), or `nil` when it
    /// states none. Absent members are not managed.
    public var properties: JSONValue?
    /// Field paths (`properties.publishTo`) whose live value is not managed.
    public var ignore: [String]
    /// Where the declaration was written.
    public var source: ManifestSource
    /// The flavour the manifest is written in.
    public var flavour: APIFlavour
    /// Qlik's link fields, for a `qseow` declaration (`properties` is then `nil`).
    public var qseow: QseowDeclaredFields?

    /// Creates a declared link.
    public init(
        name: String, id: String? = nil, selectionAppId: String?, templateAppId: String, properties: JSONValue? = nil,
        ignore: [String] = [], source: ManifestSource, qseow: QseowDeclaredFields? = nil
    ) {
        self.name = name
        self.id = id
        self.selectionAppId = selectionAppId
        self.templateAppId = templateAppId
        self.properties = properties
        self.ignore = ignore
        self.source = source
        self.qseow = qseow
        flavour = qseow == nil ? .document : .qseow
    }

    /// The declared properties as the API model (validation guarantees they decode).
    public var linkProperties: OdagLinkProperties? {
        guard let properties else { return nil }
        return try? OdagLinkProperties(json: properties)
    }

    /// The body that creates this link (`POST /links`) in the `document` flavour.
    public var createBody: OdagLinkCreate {
        OdagLinkCreate(
            name: name, selectionAppId: selectionAppId ?? "", templateAppId: templateAppId,
            properties: linkProperties)
    }
}
