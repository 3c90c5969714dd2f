//! What documents are served as: the content type by file name, and the deterministic bytes
//! of documents without uploaded ones.

use crate::ids::{fnv1a, SplitMix64};

const PDF: &str = "application/pdf";
const OCTET_STREAM: &str = "application/octet-stream";

/// Whether a file is served as a PDF: its name ends in ".pdf", any case.
pub fn is_pdf(file_name: &str) -> bool {
    file_name.len() >= 4
        && file_name.is_char_boundary(file_name.len() - 4)
        && file_name[file_name.len() - 4..].eq_ignore_ascii_case(".pdf")
}

/// The Content-Type a file is downloaded with, per the documentation: PDF or octet-stream.
pub fn content_type(file_name: &str) -> &'static str {
    if is_pdf(file_name) {
        PDF
    } else {
        OCTET_STREAM
    }
}

/// What a document without uploaded bytes downloads as, a pure function of its file name,
/// title and id: a one-page PDF showing the title and id for `.pdf` names; otherwise a line
/// naming the document followed by 256–511 pseudo-random bytes.
pub fn generated_content(file_name: &str, title: &str, id: &str) -> Vec<u8> {
    if is_pdf(file_name) {
        return generated_pdf(title, id);
    }
    let mut out = format!("Simplicate fake document {id}: {title}\n").into_bytes();
    let mut rng = SplitMix64::new(fnv1a(id.as_bytes()) ^ fnv1a(file_name.as_bytes()));
    let total = (256 + rng.below(256) as usize).max(out.len());
    while out.len() < total {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(total);
    out
}

/// A small well-formed PDF 1.4 (catalog, one page, Helvetica, an info dictionary and a correct
/// cross-reference table) showing the title and id.
fn generated_pdf(title: &str, id: &str) -> Vec<u8> {
    let (title, id) = (pdf_string(title), pdf_string(id));
    let text = format!("BT /F1 14 Tf 72 770 Td ({title}) Tj 0 -20 Td ({id}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Title ({title}) /Subject ({id}) /Producer (simplicate fake) >>"),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// Text for a PDF literal string: `\`, `(` and `)` escaped, bytes outside printable ASCII as
/// octal escapes.
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_content_is_deterministic_and_shaped() {
        let pdf = generated_content("Factuur 2024.PDF", "Factuur (2024)", "document:ab");
        assert_eq!(
            pdf,
            generated_content("Factuur 2024.PDF", "Factuur (2024)", "document:ab")
        );
        assert!(pdf.starts_with(b"%PDF-1.4\n") && pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(Factuur \\(2024\\))") && text.contains("(document:ab)"));
        // The cross-reference table points at the objects (offsets in bytes: the second line
        // is a binary comment, so not lossy text).
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        assert!(table.starts_with("xref\n0 7\n"), "{table}");
        for (i, line) in table.lines().skip(3).take(6).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            let object = format!("{} 0 obj\n", i + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{line}");
        }
        let other = generated_content("Notulen.docx", "Notulen", "document:ab");
        assert!((256..512).contains(&other.len()), "{}", other.len());
        assert!(other.starts_with(b"Simplicate fake document document:ab: Notulen\n"));
        assert_ne!(
            other,
            generated_content("Notulen.docx", "Notulen", "document:ac")
        );
        assert_eq!(content_type("a.pdf"), PDF);
        assert_eq!(content_type("a.pdf.png"), OCTET_STREAM);
        assert_eq!(content_type("pdf"), OCTET_STREAM);
        assert_eq!(content_type("é.pdf"), PDF);
        assert_eq!(content_type("aé"), OCTET_STREAM);
    }
}
