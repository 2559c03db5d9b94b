import ArgumentParser
import AudienceCore
import AudienceRunner
import AudienceSFTP

/// The documented exit codes (sysexits.h), and the one place that maps errors onto them.
enum ExitStatus {
    static let helpText = """
        EXIT STATUS
          0   success (also: no changes, files unchanged, dry run)
          64  usage error (bad option or value)
          65  data error: a file was refused (bad header, encoding, no rows, too many rejected rows),
              or the removal guard held the run
          66  an input file is missing
          69  SFTP server unreachable
          74  I/O or database error
          75  temporary failure: files still being uploaded, or another run holds the lock
          77  permission denied: SFTP authentication failed or the private key is readable by others
          78  configuration error, or an unknown or changed SFTP host key
        """

    /// The exit code for an error thrown by a command.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as AudienceCore.ValidationError: return error.exitCode
        case let error as StoreError: return error.exitCode
        case let error as RunLockError: return error.exitCode
        case let error as ConfigurationError: return error.exitCode
        case let error as SFTPError: return error.exitCode
        case let error as FetchFailure: return error.code
        case let error as PlanError: return error.exitCode
        default: return 74
        }
    }

    /// Prints the error on stderr and converts it to an `ExitCode`.
    static func fail(_ error: any Error) -> ExitCode {
        Output.error("\(error)")
        return ExitCode(code(for: error))
    }
}

/// Runs a command body, mapping domain errors to their documented exit codes.
func withExitStatus(_ body: () async throws -> Int32) async throws {
    let code: Int32
    do {
        code = try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        throw ExitStatus.fail(error)
    }
    if code != 0 { throw ExitCode(code) }
}
