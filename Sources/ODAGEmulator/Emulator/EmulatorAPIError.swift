/// An error answer of the emulated API: a status and the `{"message": …}` body's text.
struct EmulatorAPIError: Error, Sendable, Equatable {
    var status: Int
    var message: String

    static func badRequest(_ message: String) -> EmulatorAPIError { EmulatorAPIError(status: 400, message: message) }
    static func notFound(_ message: String) -> EmulatorAPIError { EmulatorAPIError(status: 404, message: message) }
    static func linkNotFound(_ id: String) -> EmulatorAPIError { .notFound("link \"\(id)\" was not found") }
    static func requestNotFound(_ id: String) -> EmulatorAPIError { .notFound("request \"\(id)\" was not found") }
}
