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
}
