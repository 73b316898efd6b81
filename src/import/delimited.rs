//! Delimited text files as other tools write them: the encoding told (UTF-8, UTF-16, Latin-1),
//! the delimiter told from the header line, rows read on demand.

use super::ImportError;

/// The bytes of the file at `path`, as UTF-8 when they are UTF-16 (as Windows and Apple tools
/// write it, with a byte-order mark or without: then told by its zero bytes); other bytes as
/// they are.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })?;
    Ok(decoded(bytes))
}

/// A file's bytes as [`read_file`] gives them: UTF-16 made UTF-8, other bytes as they are.
pub fn decoded(bytes: Vec<u8>) -> Vec<u8> {
    from_utf16(&bytes).map_or(bytes, String::into_bytes)
}

/// A text file's bytes as text: UTF-16 and UTF-8 (its byte-order mark dropped) as they are,
/// anything else read as Windows-1252 (Latin-1), as older tools write; line ends made `\n`.
pub fn text(bytes: Vec<u8>) -> String {
    let text = match String::from_utf8(decoded(bytes)) {
        Ok(text) => text,
        Err(e) => encoding_rs::WINDOWS_1252.decode(e.as_bytes()).0.into_owned(),
    };
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n")
}

/// `bytes` decoded when they are UTF-16: a byte-order mark says which end comes first;
/// without one, text that is mostly ASCII has a zero in every other byte (after each character
/// in little-endian, before it in big-endian). `None` for anything else.
fn from_utf16(bytes: &[u8]) -> Option<String> {
    let encoding = match bytes {
        [0xff, 0xfe, ..] => encoding_rs::UTF_16LE,
        [0xfe, 0xff, ..] => encoding_rs::UTF_16BE,
        _ => {
            let head = &bytes[..bytes.len().min(400) & !1];
            let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
            let half = head.len() / 2;
            match (zeros(0), zeros(1)) {
                (even, odd) if half >= 2 && odd * 10 >= half * 7 && even == 0 => encoding_rs::UTF_16LE,
                (even, odd) if half >= 2 && even * 10 >= half * 7 && odd == 0 => encoding_rs::UTF_16BE,
                _ => return None,
            }
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    Some(text.trim_start_matches('\u{feff}').to_string())
}

/// A CSV file decoded into memory, its header read; rows are read on demand, so that a
/// million-row file never sits in memory twice.
pub struct CsvFile {
    text: String,
    delimiter: u8,
    /// Column names.
    pub headers: Vec<String>,
}

/// Reads CSV bytes: a UTF-8 byte-order mark is dropped, the delimiter (comma, semicolon or tab)
/// is told from the header line, quoted cells may hold newlines. Bytes that are not UTF-8 are
/// an error naming the line, unless `latin1` says to decode them as Windows-1252.
pub fn read_csv(bytes: Vec<u8>, latin1: bool) -> Result<CsvFile, ImportError> {
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let text = match String::from_utf8(bytes) {
        Ok(mut t) => {
            t.drain(..bom);
            t
        }
        Err(e) if latin1 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes()).0.into_owned(),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(ImportError::Unreadable(format!(
                "line {line} is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 / Windows-1252"
            )));
        }
    };
    // The CSV reader takes an unclosed quote as a cell running to the end of the file, which
    // would swallow every row after it into one name: refuse it, naming where it opened.
    let delimiter = delimiter(&text);
    if let Some(line) = unclosed_quote(&text, delimiter) {
        return Err(ImportError::Unreadable(format!(
            "line {line} opens a quoted cell that is never closed: add the closing \" (a quote inside a cell is written \"\")"
        )));
    }
    let mut file = CsvFile { text, delimiter, headers: Vec::new() };
    let mut reader = file.reader();
    file.headers = reader.headers().map_err(unreadable)?.iter().map(|h| h.trim().to_string()).collect();
    if file.headers.iter().all(String::is_empty) {
        return Err(ImportError::Unreadable(
            "the file has no header line: the first line must name the columns".into(),
        ));
    }
    Ok(file)
}

fn unreadable(e: csv::Error) -> ImportError {
    ImportError::Unreadable(format!("the file is not readable CSV: {e}"))
}

impl CsvFile {
    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(self.text.as_bytes())
    }

    /// About how many rows there are (lines, less the header): for progress.
    pub fn approximate_rows(&self) -> usize {
        self.text.bytes().filter(|&b| b == b'\n').count().saturating_sub(1).max(1)
    }

    /// The rows, each with the line an editor shows it starting on (counted from its byte
    /// offset, so CR LF and LF files agree), skipping blank ones.
    pub fn rows(&self) -> impl Iterator<Item = Result<(u64, csv::StringRecord), ImportError>> + '_ {
        let (mut counted, mut line) = (0, 1);
        self.reader().into_records().filter_map(move |record| match record {
            Ok(r) if r.iter().all(|c| c.trim().is_empty()) => None,
            Ok(r) => {
                let mut at = r.position().map_or(counted, |p| p.byte() as usize).clamp(counted, self.text.len());
                // After a CR the reader may place a record at the LF that ends the line before.
                at += self.text.as_bytes()[at..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
                line += self.text.as_bytes()[counted..at].iter().filter(|&&b| b == b'\n').count() as u64;
                counted = at;
                Some(Ok((line, r)))
            }
            Err(e) => Some(Err(unreadable(e))),
        })
    }
}

/// The line of a quoted cell that is never closed, if any. Only a quote at the start of a cell
/// opens one (`27" monitor` is plain text); inside, `""` is a quote and the next lone `"` closes.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let (mut line, mut open_at, mut at_start) = (1, None, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match (open_at, c) {
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => open_at = None,
            (None, '"') if at_start => open_at = Some(line),
            _ => {}
        }
        at_start = open_at.is_none() && (c == '\n' || c == '\r' || c == char::from(delimiter));
    }
    open_at
}

/// The delimiter that splits the first line into the most columns.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |d: char| {
        let mut quoted = false;
        first
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    [(',', b','), (';', b';'), ('\t', b'\t')].into_iter().max_by_key(|&(c, _)| count(c)).map_or(b',', |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_read_with_or_without_a_byte_order_mark_and_other_text_is_left_alone() {
        let text = "First Name,Last Name\r\nZoë,Ōta\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(from_utf16(&le).as_deref(), Some(text), "little-endian without a mark");
        assert_eq!(from_utf16(&be).as_deref(), Some(text), "big-endian without a mark");
        let marked: Vec<u8> = [0xff, 0xfe].into_iter().chain(le).collect();
        assert_eq!(from_utf16(&marked).as_deref(), Some(text));
        assert_eq!(from_utf16(text.as_bytes()), None);
        assert_eq!(from_utf16("Zoë,Ōta\n".as_bytes()), None);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opened_and_plain_quotes_are_text() {
        assert_eq!(unclosed_quote("a,b\n1,\"x,y\n2,z\n", b','), Some(2));
        assert_eq!(unclosed_quote("a,b\n\"Lee, \"\"Al\"\"\",x\n", b','), None, "doubled quotes inside a cell");
        assert_eq!(unclosed_quote("a,b\nMonitor 27\",x\n", b','), None, "a quote inside plain text");
        assert_eq!(unclosed_quote("a;b\n1;\"two\nlines\";3\n", b';'), None, "a closed cell over two lines");
    }
}
