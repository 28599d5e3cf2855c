import ODAGCore

/// The config's `"api"` (and `--api`): one flavour, or `auto` to recognise it from the live answer.
public enum APIChoice: String, Sendable, Hashable, CaseIterable {
    /// The bundled API document's shapes.
    case document
    /// Qlik's documented shapes, as Qlik Sense Enterprise on Windows answers.
    case qseow
    /// Recognised from the server's `GET /links` answer; writes refuse when it cannot be told.
    case auto

    /// The flavour this choice fixes; `nil` for ``auto``.
    public var flavour: APIFlavour? {
        switch self {
        case .document: return .document
        case .qseow: return .qseow
        case .auto: return nil
        }
    }

    /// The choice's values as written, for messages and help.
    public static var names: [String] { allCases.map(\.rawValue) }
}
