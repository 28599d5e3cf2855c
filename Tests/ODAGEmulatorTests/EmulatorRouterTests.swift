import Testing

@testable import ODAGEmulator

@Suite struct EmulatorRouterTests {
    @Test func ownerComesFromXQlikUser() {
        #expect(EmulatorRouter.owner(fromQlikUser: "UserDirectory=CORP; UserId=jdoe") == "CORP\\jdoe")
        #expect(EmulatorRouter.owner(fromQlikUser: "userid=jdoe;userdirectory=CORP") == "CORP\\jdoe")
        #expect(EmulatorRouter.owner(fromQlikUser: "UserId=solo") == "solo")
        #expect(EmulatorRouter.owner(fromQlikUser: "UserDirectory=CORP") == nil)
        #expect(EmulatorRouter.owner(fromQlikUser: "garbage") == nil)
        #expect(EmulatorRouter.owner(fromQlikUser: nil) == nil)
    }

    @Test func routesEveryOperationPath() {
        let id = "aaaaaaaa-0000-4000-8000-000000000001"
        let base = "/api/odag/v1"
        #expect(EmulatorRouter.route(base + "/about") == .about)
        #expect(EmulatorRouter.route(base + "/links") == .links)
        #expect(EmulatorRouter.route(base + "/links/\(id)") == .link(id))
        #expect(EmulatorRouter.route(base + "/links/\(id)/requests") == .linkRequests(id))
        #expect(EmulatorRouter.route(base + "/requests") == .requests)
        #expect(EmulatorRouter.route(base + "/requests/\(id)") == .request(id))
        #expect(EmulatorRouter.route(base + "/requests/\(id)/app") == .requestApp(id))
        #expect(EmulatorRouter.route(base + "/requests/\(id)/reloadApp") == .reloadApp(id))
        #expect(EmulatorRouter.route(base + "/requests/\(id)/renameApp") == .renameApp(id))
        for path in [
            "/", base, base + "/", base + "/links/", base + "/links//requests", "/api/odag/v2/links",
            base + "/requests/\(id)/app/x", base + "/about/x",
        ] {
            #expect(EmulatorRouter.route(path) == nil, "\(path)")
        }
    }
}
