import Testing

@testable import ODAGSync

@Suite struct VariableResolverTests {
    let resolver = VariableResolver(
        variables: ["app": "1234", "name": "Sales"], processEnvironment: ["STREAM": "s-1", "EMPTY": ""],
        environment: "prod")

    @Test func leavesPlainStringsAlone() {
        let resolution = resolver.resolve("Sum([Order Count]) costs $5")
        #expect(resolution == .init(value: "Sum([Order Count]) costs $5", problems: [], substituted: false))
    }

    @Test func expandsVariablesAndProcessEnvironment() {
        #expect(resolver.resolve("${name} detail ${app}").value == "Sales detail 1234")
        #expect(resolver.resolve("${env:STREAM}").value == "s-1")
        #expect(resolver.resolve("[${env:EMPTY}]").value == "[]")
        #expect(resolver.resolve("${name}").substituted)
    }

    @Test func doubleDollarIsALiteral() {
        #expect(resolver.resolve("$${name}").value == "${name}")
        #expect(resolver.resolve("$$${name}").value == "$${name}")
        #expect(resolver.resolve("a $$ b").value == "a $$ b")
        #expect(resolver.resolve("$${env:STREAM} and ${env:STREAM}").value == "${env:STREAM} and s-1")
        #expect(resolver.resolve("trailing $").value == "trailing $")
    }

    @Test func namesUnresolvedVariablesAndTheEnvironment() {
        let resolution = resolver.resolve("${nme} and ${env:NOPE}")
        #expect(
            resolution.problems == [
                #"unresolved variable "nme" in environment "prod"; did you mean "name"?"#,
                #"unresolved environment variable "NOPE"; it is not set in the process environment"#,
            ])
        #expect(resolution.value == "${nme} and ${env:NOPE}")
    }

    @Test func topLevelMessagesNameNoEnvironment() {
        let resolution = VariableResolver().resolve("${salesApp}")
        #expect(resolution.problems == [#"unresolved variable "salesApp"; no variables are defined"#])
    }

    @Test func reportsMalformedReferences() {
        #expect(resolver.resolve("${}").problems.first?.hasPrefix("empty variable reference") == true)
        #expect(resolver.resolve("${env:}").problems.first?.hasPrefix("empty environment variable name") == true)
        #expect(
            resolver.resolve("x ${open").problems == [
                #"unterminated variable reference "${open"; expected "${name}", or "$${" for a literal "${""#
            ])
    }

    @Test func handlesNonASCIIText() {
        let resolver = VariableResolver(variables: ["région": "Île-de-France"])
        #expect(resolver.resolve("→ ${région} ✓").value == "→ Île-de-France ✓")
    }
}
