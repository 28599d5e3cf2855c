import ODAGCore
import Testing

@testable import ODAGSync

/// Goldens of the plan JSON (`Plan.jsonText`), which `.ci/check-output-schemas` validates against
/// `schemas/plan.schema.json`.
@Suite struct PlanJSONRenderingTests {
    @Test func writesEveryActionUnmanagedLinksAndErrors() throws {
        try GoldenFile.check(RenderFixtures.fullPlan().jsonText, "plan-full.json")
    }

    @Test func writesAnEmptyPlan() throws {
        try GoldenFile.check(RenderFixtures.emptyPlan().jsonText, "plan-empty.json")
    }
}
