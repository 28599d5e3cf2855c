/// The shapes a server speaks (SPEC §1): the bundled API document's, or those Qlik documents for its
/// ODAG service, which real Qlik Sense Enterprise on Windows servers answer in.
public enum APIFlavour: String, Sendable, Hashable, CaseIterable {
    /// `odag-api-v1.openapi.yaml`: flat links with `selectionAppId`, `templateAppId` and `properties`.
    case document
    /// Qlik's ODAG service API: `templateApp` and `owner` objects, per-context property arrays,
    /// answers wrapped in `{objectDef, feedback}`, and `modifiedDate` on every change.
    case qseow

    /// The header in which the bundled emulator names the flavour it serves, so `--api auto` can tell an
    /// emulator that has no links yet. Real servers send no such header; it counts only when the links
    /// themselves cannot tell.
    public static let announcementHeader = "X-ODAG-Emulator-API"

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
        var recogniser = Recogniser()
        for element in elements { recogniser.add(element) }
        return recogniser.recognition
    }

    /// ``recognise(links:)`` one link at a time, so that an answer can be recognised while it streams in and
    /// never held whole.
    public struct Recogniser: Sendable {
        private var seen: APIFlavour?
        private var count = 0
        private var failure: String?

        /// A recogniser that has seen no link.
        public init() {}

        /// Takes the next link of the answer and returns the flavour of its own shape, or `nil` when it fits
        /// neither or disagrees with an earlier link (the answer is then undecidable, whatever follows).
        @discardableResult
        public mutating func add(_ link: JSONValue) -> APIFlavour? {
            let index = count
            count += 1
            guard failure == nil else { return nil }
            guard let flavour = APIFlavour.shape(of: link) else {
                failure = "link [\(index)] fits neither the document's shape nor Qlik's"
                return nil
            }
            if let seen, seen != flavour {
                failure =
                    "link [\(index)] has the \(flavour.rawValue) shape, but an earlier one has the \(seen.rawValue) shape"
                return nil
            }
            seen = flavour
            return flavour
        }

        /// What the links seen so far show.
        public var recognition: Recognition {
            if let failure { return .undecidable(failure) }
            return seen.map(Recognition.recognised) ?? .undecidable("the server has no links to tell it by")
        }
    }

    fileprivate static func shape(of link: JSONValue) -> APIFlavour? {
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
