//! Downloads, the parts that need no Python: the file name a server suggests, and a temporary
//! file that becomes the destination only when the whole body has arrived — so a failed
//! download never leaves a partial file at `dest`.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `attachment; filename="report.pdf"` → `report.pdf` (also `filename*=UTF-8''...`).
pub fn file_name_from_disposition(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let value = value.trim().trim_matches('"');
                let encoded = value.split_once("''").map_or(value, |(_, v)| v);
                if let Some(decoded) = percent_decode(encoded) {
                    return Some(base_name(&decoded)).filter(|n| !n.is_empty());
                }
            }
            "filename" => plain = Some(base_name(value.trim().trim_matches('"'))),
            _ => {}
        }
    }
    plain.filter(|n| !n.is_empty())
}

/// Only the last path component: a server must not steer where we write.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or("").to_owned()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file written next to `dest` and renamed onto it by `commit`; removed when dropped
/// uncommitted (an error, a Ctrl-C, a panic, or a rename that failed).
#[derive(Debug)]
pub struct PartialFile {
    temp: PathBuf,
    dest: PathBuf,
    file: Option<File>,
    written: u64,
    committed: bool,
}

/// File names are limited to 255 bytes on every file system we meet; the temporary name adds a
/// prefix and a suffix to the destination's, so a long destination name is shortened in it.
const MAX_TEMP_STEM: usize = 200;

impl PartialFile {
    pub fn create(dest: &Path) -> io::Result<PartialFile> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "dest has no file name"))?
            .to_string_lossy();
        let temp = dir.join(format!(
            ".{}.{}-{:08x}.part",
            shortened(&name, MAX_TEMP_STEM),
            std::process::id(),
            fastrand::u32(..)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(PartialFile {
            temp,
            dest: dest.to_path_buf(),
            file: Some(file),
            written: 0,
            committed: false,
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.file.as_mut() {
            Some(file) => {
                file.write_all(bytes)?;
                self.written += bytes.len() as u64;
                Ok(())
            }
            None => Err(io::Error::other("the download file is already closed")),
        }
    }

    /// Start over (a retried download).
    pub fn restart(&mut self) -> io::Result<()> {
        if let Some(file) = self.file.as_mut() {
            file.set_len(0)?;
            io::Seek::seek(file, io::SeekFrom::Start(0))?;
        }
        self.written = 0;
        Ok(())
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// Close and move onto `dest` (replacing what was there). The rename is atomic, so a
    /// reader sees the old file or the whole new one; like curl and wget we do not fsync (a
    /// crash of the whole machine is not a failed download). If the rename fails, the
    /// temporary file goes (on drop) and `dest` is as it was.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        // Closed first: Windows cannot rename a file that is still open.
        drop(self.file.take());
        replace(&self.temp, &self.dest)?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// `name`, cut to at most `max` bytes on a character boundary.
fn shortened(name: &str, max: usize) -> &str {
    let mut end = name.len().min(max);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Rename `from` onto `to`, replacing it.
///
/// POSIX replaces a file whoever has it open. Windows refuses while another program holds
/// `to` open without delete sharing: for a moment an antivirus scanner or the search indexer
/// reading what was just written, for good a spreadsheet showing the old file. Like pip, we
/// try again for a second, then report it.
#[cfg(windows)]
fn replace(from: &Path, to: &Path) -> io::Result<()> {
    retry_while_denied(
        || std::fs::rename(from, to),
        std::time::Duration::from_secs(1),
    )
    .map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot replace {}: {e} (is it open in another program?)",
                to.display()
            ),
        )
    })
}

#[cfg(not(windows))]
fn replace(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// Run `attempt` until it is not refused with `PermissionDenied` or `patience` has passed.
/// (Blocking, and only on Windows and only when a file is held open, so it does not matter
/// that a download commits on a runtime thread.)
#[cfg_attr(not(windows), allow(dead_code))]
fn retry_while_denied(
    mut attempt: impl FnMut() -> io::Result<()>,
    patience: std::time::Duration,
) -> io::Result<()> {
    let deadline = std::time::Instant::now() + patience;
    loop {
        match attempt() {
            Err(e)
                if e.kind() == io::ErrorKind::PermissionDenied
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let f = |h| file_name_from_disposition(h);
        assert_eq!(
            f(r#"attachment; filename="report.pdf""#).as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            f("attachment; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            f(r#"attachment; filename="x.pdf"; filename*=UTF-8''caf%C3%A9.pdf"#).as_deref(),
            Some("café.pdf")
        );
        assert_eq!(
            f(r#"attachment; filename="../../etc/passwd""#).as_deref(),
            Some("passwd")
        );
        assert_eq!(f("inline"), None);
        assert_eq!(f(r#"attachment; filename="""#), None);
    }

    #[test]
    fn a_partial_file_appears_only_on_commit() {
        let dir = std::env::temp_dir().join(format!("simplicate-dl-{}", fastrand::u64(..)));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.bin");
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"half").unwrap();
        assert!(!dest.exists());
        drop(part);
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "temp file left behind"
        );
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"wrong").unwrap();
        part.restart().unwrap();
        part.write(b"right").unwrap();
        assert_eq!(part.written(), 5);
        part.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"right");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_file_and_dest_untouched() {
        let dir = std::env::temp_dir().join(format!("simplicate-dl-{}", fastrand::u64(..)));
        // `dest` is a non-empty directory: no platform renames a file onto that.
        let dest = dir.join("taken");
        std::fs::create_dir_all(dest.join("inside")).unwrap();
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"complete").unwrap();
        assert!(part.commit().is_err());
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("taken")],
            "temp file left behind"
        );
        assert!(dest.join("inside").is_dir());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_long_destination_name_still_gets_a_temporary_file() {
        let dir = std::env::temp_dir().join(format!("simplicate-dl-{}", fastrand::u64(..)));
        std::fs::create_dir_all(&dir).unwrap();
        // 250 bytes, within every file system's limit; with the temporary name's additions
        // it would pass 255 unless shortened. Multi-byte characters test the cut.
        let name = format!("{}.pdf", "é".repeat(123));
        assert_eq!(name.len(), 250);
        let dest = dir.join(&name);
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"x").unwrap();
        part.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"x");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Windows only (run under Wine here: `scripts/windows_tests.sh`): a destination another
    /// program holds open without delete sharing refuses the rename; once it lets go, the
    /// download lands, and while it holds on for good the error says so and nothing is left.
    #[cfg(windows)]
    #[test]
    fn on_windows_a_destination_held_open_is_replaced_once_let_go() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = std::env::temp_dir().join(format!("simplicate-dl-{}", fastrand::u64(..)));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("report.pdf");
        std::fs::write(&dest, b"old").unwrap();
        let hold = || {
            OpenOptions::new()
                .read(true)
                .share_mode(1) // FILE_SHARE_READ: no FILE_SHARE_DELETE, as Excel opens files
                .open(&dest)
                .unwrap()
        };

        let held = hold();
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"new").unwrap();
        let err = part.commit().unwrap_err();
        assert!(err.to_string().contains("open in another program"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("report.pdf")]);
        drop(held);
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");

        let held = hold();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(held);
        });
        let mut part = PartialFile::create(&dest).unwrap();
        part.write(b"new").unwrap();
        part.commit().unwrap();
        release.join().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_refused_rename_is_tried_again_until_patience_runs_out() {
        let mut refusals = 3;
        let outcome = retry_while_denied(
            || {
                if refusals == 0 {
                    return Ok(());
                }
                refusals -= 1;
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            },
            std::time::Duration::from_secs(5),
        );
        assert!(outcome.is_ok());
        assert_eq!(refusals, 0);

        // A refusal that lasts is reported once patience has run out.
        let outcome = retry_while_denied(
            || Err(io::Error::from(io::ErrorKind::PermissionDenied)),
            std::time::Duration::from_millis(120),
        );
        assert_eq!(outcome.unwrap_err().kind(), io::ErrorKind::PermissionDenied);

        // Any other error is final at once.
        let mut attempts = 0;
        let outcome = retry_while_denied(
            || {
                attempts += 1;
                Err(io::Error::from(io::ErrorKind::NotFound))
            },
            std::time::Duration::from_secs(5),
        );
        assert_eq!(outcome.unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(attempts, 1);
    }
}
