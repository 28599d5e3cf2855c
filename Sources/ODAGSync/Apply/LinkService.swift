import ODAGCore

/// The link operations the reconciler needs from a server. The API client conforms; keeping the
/// reconciler on this seam lets its logic be tested without a network.
public protocol LinkService: Sendable {
    /// `GET /links`.
    func listLinks() async throws -> [OdagLink]
    /// `POST /links`. Never re-sent blindly: an error for which ``isOutcomeUnknown(_:)`` is true
    /// means the server may have created the link.
    func createLink(_ body: OdagLinkCreate) async throws -> OdagLink
    /// `PUT /links/{id}`.
    func updateLink(id: String, _ body: OdagLinkUpdate) async throws -> OdagLink
    /// `DELETE /links/{id}`.
    func deleteLink(id: String) async throws
    /// Whether the request may have reached the server (a timeout, a dropped connection, a 5xx after sending).
    func isOutcomeUnknown(_ error: any Error) -> Bool
    /// Whether the error is the server saying the link does not exist (404).
    func isNotFound(_ error: any Error) -> Bool

    /// `qseow`: `POST /links` with Qlik's add payload.
    func createQseowLink(_ body: JSONValue) async throws -> QseowLinkAnswer
    /// `qseow`: `PUT /links/{id}` with Qlik's modify payload.
    func modifyQseowLink(id: String, _ body: JSONValue) async throws -> QseowLinkAnswer
    /// `qseow`: `GET /links/{id}`.
    func readQseowLink(id: String) async throws -> QseowLinkAnswer
    /// `qseow`: whether a change was refused for a stale `modifiedDate`.
    func isStaleModifiedDate(_ error: any Error) -> Bool
    /// The server's own explanation carried by `error` (its `message`), if it sent one.
    func serverMessage(of error: any Error) -> String?
}

/// The writes of the `qseow` flavour (Qlik's ODAG service API). A server speaking the `document` flavour
/// does not offer them; the defaults refuse, so a plan in one flavour is never sent in the other's shape.
extension LinkService {
    /// `POST /links` with Qlik's add payload; answers `{objectDef, feedback}`. Never re-sent blindly, as
    /// ``createLink(_:)``.
    public func createQseowLink(_ body: JSONValue) async throws -> QseowLinkAnswer {
        throw LinkServiceError.flavourNotSpoken(.qseow)
    }

    /// `PUT /links/{id}` with Qlik's modify payload (it carries the live `modifiedDate`).
    public func modifyQseowLink(id: String, _ body: JSONValue) async throws -> QseowLinkAnswer {
        throw LinkServiceError.flavourNotSpoken(.qseow)
    }

    /// `GET /links/{id}` in Qlik's wrapper: the link as it is now.
    public func readQseowLink(id: String) async throws -> QseowLinkAnswer {
        throw LinkServiceError.flavourNotSpoken(.qseow)
    }

    /// Whether the server refused a change because the `modifiedDate` it carried is no longer the
    /// link's (someone changed the link meanwhile).
    public func isStaleModifiedDate(_ error: any Error) -> Bool { false }

    /// No message unless the service knows how its errors carry one.
    public func serverMessage(of error: any Error) -> String? { nil }
}

/// A ``LinkService`` asked for something it does not do.
public enum LinkServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service does not speak this flavour.
    case flavourNotSpoken(APIFlavour)

    public var description: String {
        switch self {
        case .flavourNotSpoken(let flavour):
            return "this server connection does not speak the \(flavour.rawValue) flavour"
        }
    }
}
