/// The shapes a server speaks (SPEC §1): the bundled API document's, or those Qlik documents for its
/// ODAG service, which real Qlik Sense Enterprise on Windows servers answer in.
public enum APIFlavour: String, Sendable, Hashable, CaseIterable {
    /// `odag-api-v1.openapi.yaml`: flat links with `selectionAppId`, `templateAppId` and `properties`.
    case document
    /// Qlik's ODAG service API: `templateApp` and `owner` objects, per-context property arrays,
    /// answers wrapped in `{objectDef, feedback}`, and `modifiedDate` on every change.
    case qseow

    /// What a `GET /links` answer shows about the flavour that sent it.
    public enum Recognition: Sendable, Equatable {
        /// Every link has this flavour's shape.
        case recognised(APIFlavour)
        /// Nothing tells (no links), or the links fit neither shape; the reason says which.
        case undecidable(String)
    }

    /// Tells the flavour from a `GET /links` answer. Only a shape that cannot belong to the other flavour
    /// counts: an object `owner` or `templateApp` is Qlik's, a `selectionAppId` or `templateAppId` member
    /// is the document's. Every link must agree; mixed or featureless answers are undecidable.
    public static func recognise(links answer: JSONValue) -> Recognition {
        guard case .array(let elements) = answer else {
            return .undecidable("the link list is \(answer.kindDescription), not an array")
        }
        guard !elements.isEmpty else { return .undecidable("the server has no links to tell it by") }
        var seen: APIFlavour?
        for (index, element) in elements.enumerated() {
            guard let flavour = shape(of: element) else {
                return .undecidable("link [\(index)] fits neither the document's shape nor Qlik's")
            }
            if let seen, seen != flavour {
                return .undecidable(
                    "link [\(index)] has the \(flavour.rawValue) shape, but an earlier one has the \(seen.rawValue) shape"
                )
            }
            seen = flavour
        }
        return seen.map(Recognition.recognised) ?? .undecidable("the server has no links to tell it by")
    }

    private static func shape(of link: JSONValue) -> APIFlavour? {
        guard case .object(let members) = link else { return nil }
        let qseow = members["owner"]?.objectValue != nil || members["templateApp"]?.objectValue != nil
        let document =
            members["selectionAppId"] != nil || members["templateAppId"] != nil
            || members["owner"]?.stringValue != nil
        switch (qseow, document) {
        case (true, false): return .qseow
        case (false, true): return .document
        default: return nil
        }
    }
}
