//! Files only the service's own user may read: the data directory (0700) and what the service
//! writes into it (0600): the SQLite database (SQLite gives its `-wal` and `-shm` files the
//! database file's permissions), the generated secret key and the `.eml` files of the file
//! transport, which hold sign-in links.
//!
//! Explicit modes rather than a process umask: the library creates these files, whether it
//! runs under the `secunity` binary, a test or another host program.

use std::io;
use std::path::Path;

/// Creates `dir` and any missing parents, each new one readable by the owner only. A
/// directory that exists already keeps its permissions (the operator's choice).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Options that create a file readable and writable by the owner only.
pub fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Creates an empty owner-only file at `path` unless a file is there already.
pub fn touch(path: &Path) -> io::Result<()> {
    match private_options().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to a new owner-only file at `path`, complete or not at all: it is written
/// under a temporary name beside it and renamed, so a reader never sees half a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = std::path::PathBuf::from(partial);
    let mut file = private_options().create_new(true).open(&partial)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_data());
    drop(file);
    match written.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn directories_and_files_are_the_owners_only() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("a/b");
        create_dir_all(&dir).unwrap();
        assert_eq!(mode(&base.path().join("a")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("x.eml");
        write_new(&file, b"hello").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"hello");
        assert!(!dir.join("x.eml.part").exists());
        touch(&dir.join("db")).unwrap();
        touch(&dir.join("db")).unwrap();
        assert_eq!(mode(&dir.join("db")), 0o600);
    }
}
