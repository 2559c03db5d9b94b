import CLibSSH

/// Placeholder until the SFTP layer lands.
enum AudienceSFTPPlaceholder {}
