import ODAGTestSupport
import Testing

@testable import ODAGCore

@Suite struct OdagLinkTests {
    static let linkJSON = """
        {"id":"4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b","name":"Sales","owner":"CORP\\\\jdoe",
         "selectionAppId":"a5b6c7d8-0000-4000-8000-000000000001","templateAppId":"a5b6c7d8-0000-4000-8000-000000000002",
         "properties":{"rowEstExpr":"Sum(x)","bindings":[{"selectionField":"R","templateField":"R","selectionType":"selected","extraB":1}],
                       "retention":{"maxAge":1440,"maxCount":5},"menuLabel":"kept","genAppAccessible":true},
         "serverOnly":{"a":[1,2]}}
        """

    @Test func keepsEveryMemberTheServerSent() throws {
        let json = try JSONParser.parse(Self.linkJSON)
        let link = try OdagLink(json: json)
        #expect(link.name == "Sales")
        #expect(link.properties?.retention?.maxAge == 1440)
        #expect(link.properties?.extra["menuLabel"] == "kept")
        #expect(link.extra["serverOnly"] == ["a": [1, 2]])
        #expect(link.json == json)
    }

    @Test func namesThePathAndValueOfABadMember() throws {
        let json: JSONValue = [
            ["id": "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b", "properties": ["retention": ["maxAge": "soon"]]]
        ]
        #expect(
            throws: ModelError(
                path: "[0].properties.retention.maxAge", message: "expected an integer, found a string \"soon\"")
        ) {
            try OdagLink.list(json: json)
        }
        #expect(throws: ModelError(path: "selectionAppId", message: "\"abc\" is not a UUID")) {
            try OdagLinkCreate(json: ["name": "n", "selectionAppId": "abc", "templateAppId": "x"])
        }
        #expect(throws: ModelError(path: "name", message: "is required")) {
            try OdagLinkCreate(json: ["selectionAppId": "abc"])
        }
    }

    @Test func checksUUIDs() {
        #expect(ODAGUUID.isValid("4E2C0B7E-5D0A-4C8E-9B7A-1F0C2D3E4A5B"))
        #expect(!ODAGUUID.isValid("4e2c0b7e5d0a4c8e9b7a1f0c2d3e4a5b"))
        #expect(!ODAGUUID.isValid("4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5g"))
        var generator = SeededRandom.generator(seed: 11)
        let id = ODAGUUID.random(using: &generator)
        #expect(ODAGUUID.isValid(id) && id == id.lowercased())
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsCloseWordsOnly() {
        #expect(Suggestion.closest(to: "plna", among: ["validate", "plan", "apply"]) == "plan")
        #expect(Suggestion.closest(to: "templateAppID", among: ["templateAppId", "selectionAppId"]) == "templateAppId")
        #expect(Suggestion.closest(to: "xyz", among: ["plan", "apply"]) == nil)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}
