import ODAGCore

/// A `GET /links` answer read by a client that did not know the server's flavour
/// (``ODAGClient/listLinksRecognising()``).
public struct RecognisedLinks: Sendable, Equatable {
    /// What the answer showed about the server's flavour.
    public var recognition: APIFlavour.Recognition
    /// The links, read in the recognised flavour; empty when the flavour could not be told.
    public var links: [OdagLink]
    /// How many links the answer held, read or not.
    public var linkCount: Int

    /// Creates a reading.
    public init(recognition: APIFlavour.Recognition, links: [OdagLink], linkCount: Int) {
        self.recognition = recognition
        self.links = links
        self.linkCount = linkCount
    }
}

/// One element of Qlik's `selAppLinkUsages` answer (`OptLinkStateRef`): a link id the caller sent, and the link in
/// condensed form when it exists and the caller may read it.
public struct SelAppLinkUsage: Sendable, Equatable {
    /// The link's id.
    public var id: String
    /// The condensed link, as sent, when the link exists and the caller may read it; `nil` otherwise.
    public var link: JSONValue?

    /// Creates a usage.
    public init(id: String, link: JSONValue? = nil) {
        self.id = id
        self.link = link
    }

    /// Whether the server returned the link (it exists and the caller may read it).
    public var isReadable: Bool { link != nil }

    /// Reads one element; only `id` is required (the condensed link's fields are not documented in full).
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        id = try reader.requiredString("id")
        link = try reader.object("link")
    }

    /// Reads the answer: an array of elements.
    public static func list(json: JSONValue) throws(ModelError) -> [SelAppLinkUsage] {
        guard case .array(let elements) = json else {
            throw ModelError(path: "", message: "expected an array of link usages, found \(json.kindDescription)")
        }
        var usages: [SelAppLinkUsage] = []
        for (index, element) in elements.enumerated() {
            usages.append(try SelAppLinkUsage(json: element, path: JSONPath.appending(index: index, to: "")))
        }
        return usages
    }
}
