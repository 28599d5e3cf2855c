import ODAGClient
import ODAGCore
import ODAGSync

// The command line joins the client and the reconciler, so that neither library needs the other. The qseow
// writes (`createQseowLink`, `modifyQseowLink`, `readQseowLink`) are the client's own methods of those names.
extension ODAGClient: LinkService {
    /// Whether the request may have been carried out although no answer said so.
    public func isOutcomeUnknown(_ error: any Error) -> Bool {
        (error as? ODAGClientError)?.mayHaveBeenApplied ?? false
    }

    /// Whether the server answered `404`.
    public func isNotFound(_ error: any Error) -> Bool {
        if case .notFound = error as? ODAGClientError { return true }
        return false
    }

    /// The `message` the server sent with a refusal, if any.
    public func serverMessage(of error: any Error) -> String? {
        switch error as? ODAGClientError {
        case .notFound(_, _, _, let message)?, .server(_, _, _, let message)?,
            .staleModifiedDate(_, _, _, let message)?,
            .authenticationFailed(_, _, _, let message)?:
            return message
        case .outcomeUnknown(_, let underlying)?:
            return serverMessage(of: underlying)
        default:
            return nil
        }
    }

    /// Whether Qlik refused a modify because its `modifiedDate` is stale (`409`, or `400` naming it).
    public func isStaleModifiedDate(_ error: any Error) -> Bool {
        if case .staleModifiedDate = error as? ODAGClientError { return true }
        return false
    }
}
