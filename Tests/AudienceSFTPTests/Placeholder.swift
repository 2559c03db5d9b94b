import Testing

@Test func sftpModuleBuilds() {
    #expect(Bool(true))
}
