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
/// uncommitted (an error, a Ctrl-C, a panic).
#[derive(Debug)]
pub struct PartialFile {
    temp: PathBuf,
    dest: PathBuf,
    file: Option<File>,
    written: u64,
}

impl PartialFile {
    pub fn create(dest: &Path) -> io::Result<PartialFile> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "dest has no file name"))?
            .to_string_lossy()
            .into_owned();
        let temp = dir.join(format!(
            ".{name}.{}-{:08x}.part",
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
    /// crash of the whole machine is not a failed download).
    pub fn commit(mut self) -> io::Result<PathBuf> {
        if let Some(file) = self.file.take() {
            drop(file);
        }
        std::fs::rename(&self.temp, &self.dest)?;
        Ok(self.dest.clone())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
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
}
