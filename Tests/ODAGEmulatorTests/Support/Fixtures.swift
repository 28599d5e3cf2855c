import Foundation
import ODAGCore
import ODAGEmulator

enum Fixtures {
    static let selectionAppId = "11111111-1111-4111-8111-111111111111"
    static let templateAppId = "22222222-2222-4222-8222-222222222222"
    static let unknownId = "99999999-9999-4999-8999-999999999999"

    static func makeLink(
        name: String = "Sales detail",
        bindings: [JSONValue] = [
            ["selectionField": "Region", "templateField": "Region", "selectionType": "selected"],
            ["selectionField": "Year", "templateField": "Year", "selectionType": "optional"],
        ]
    ) -> JSONValue {
        [
            "name": .string(name),
            "selectionAppId": .string(selectionAppId),
            "templateAppId": .string(templateAppId),
            "properties": [
                "rowEstExpr": "Count(Orders)",
                "bindings": .array(bindings),
                "genAppAccessible": true,
                "retention": ["maxAge": 1440, "maxCount": 5],
                "someServerField": ["nested": [1, 2, 3]],
            ],
        ]
    }

    /// An emulator on a free loopback port driven by a manual clock.
    static func makeEmulator(
        statePath: String? = nil, clock: ManualClock = ManualClock(),
        configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws(EmulatorError) -> Emulator {
        var configuration = EmulatorConfiguration(statePath: statePath)
        configuration.clock = clock
        configuration.queuedDuration = 1
        configuration.loadingDuration = 2
        configure(&configuration)
        return try Emulator.start(configuration)
    }

    /// Creates a link over HTTP and returns its JSON.
    static func createLink(_ client: RawHTTPClient, _ link: JSONValue = makeLink()) throws -> JSONValue {
        let response = try client.call("POST", "/links", json: link)
        guard response.status == 201, let json = response.json else {
            throw RawHTTPClientError.malformed("create answered \(response.status): \(response.text)")
        }
        return json
    }
}
