import Testing

@testable import ODAGCore

@Suite struct APIFlavourTests {
    static let qlik: JSONValue = ["id": "x", "name": "n", "owner": ["userId": "jdoe", "userDirectory": "CORP"]]
    static let document: JSONValue = ["id": "x", "name": "n", "selectionAppId": "a", "templateAppId": "b"]

    @Test func recognisesEachShapeAndRefusesToGuess() {
        #expect(APIFlavour.recognise(links: [Self.qlik, Self.qlik]) == .recognised(.qseow))
        #expect(APIFlavour.recognise(links: [Self.document]) == .recognised(.document))
        #expect(APIFlavour.recognise(links: [["owner": "CORP\\jdoe"]]) == .recognised(.document))
        #expect(APIFlavour.recognise(links: [["templateApp": ["id": "t"]]]) == .recognised(.qseow))
        #expect(APIFlavour.recognise(links: []) == .undecidable("the server has no links to tell it by"))
        #expect(APIFlavour.recognise(links: ["id": "x"]) == .undecidable("the link list is an object, not an array"))
        #expect(
            APIFlavour.recognise(links: [Self.qlik, ["id": "y"]])
                == .undecidable("link [1] fits neither the document's shape nor Qlik's"))
        // Both shapes in one link is no shape.
        #expect(
            APIFlavour.recognise(links: [["owner": ["userId": "u"], "selectionAppId": "a"]])
                == .undecidable("link [0] fits neither the document's shape nor Qlik's"))
        #expect(
            APIFlavour.recognise(links: [Self.document, Self.qlik])
                == .undecidable("link [1] has the qseow shape, but an earlier one has the document shape"))
    }

    @Test func theRecogniserTellsEachLinkUntilTheAnswerIsUndecidable() {
        var recogniser = APIFlavour.Recogniser()
        #expect(recogniser.recognition == .undecidable("the server has no links to tell it by"))
        #expect(recogniser.add(Self.qlik) == .qseow)
        #expect(recogniser.recognition == .recognised(.qseow))
        #expect(recogniser.add(Self.document) == nil)
        // Once undecidable, later links change nothing, whatever their shape.
        #expect(recogniser.add(Self.qlik) == nil)
        #expect(
            recogniser.recognition
                == .undecidable("link [1] has the document shape, but an earlier one has the qseow shape"))
    }
}
