import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// An emulator without links names its flavour in a header, so `--api auto` can tell it; a server that
/// names none (every real one) stays undecidable.
@Suite struct FlavourAnnouncementTests {
    static func start(_ flavour: APIFlavour, announces: Bool = true) throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.api = flavour
        configuration.announcesFlavour = announces
        return try Emulator.start(configuration)
    }

    static func client(_ emulator: Emulator) throws -> ODAGClient {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: emulator.baseURL)), timeout: 60, retryPolicy: .never)
        return try ODAGClient(configuration: configuration, transport: LibcurlTransport())
    }

    @Test(arguments: APIFlavour.allCases)
    func anEmptyEmulatorIsToldByItsHeader(flavour: APIFlavour) async throws {
        let emulator = try Self.start(flavour)
        defer { emulator.stop() }
        let read = try await Self.client(emulator).listLinksRecognising()
        #expect(read.recognition == .recognised(flavour))
        #expect(read.linkCount == 0)
    }

    @Test(arguments: APIFlavour.allCases)
    func aSilentEmptyServerCannotBeTold(flavour: APIFlavour) async throws {
        let emulator = try Self.start(flavour, announces: false)
        defer { emulator.stop() }
        let read = try await Self.client(emulator).listLinksRecognising()
        #expect(read.recognition == .undecidable("the server has no links to tell it by"))
    }
}
