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
    let (text, _, _) = utf16(bytes)?.decode(bytes);
    Some(text.trim_start_matches('\u{feff}').to_string())
}

/// Whether `bytes` (a file's first bytes) look like UTF-16.
fn looks_utf16(bytes: &[u8]) -> bool {
    utf16(bytes).is_some()
}

/// The UTF-16 encoding the bytes are in, if they are (see [`from_utf16`]).
fn utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match bytes {
        [0xff, 0xfe, ..] => Some(encoding_rs::UTF_16LE),
        [0xfe, 0xff, ..] => Some(encoding_rs::UTF_16BE),
        _ => {
            let head = &bytes[..bytes.len().min(400) & !1];
            let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
            let half = head.len() / 2;
            match (zeros(0), zeros(1)) {
                (even, odd) if half >= 2 && odd * 10 >= half * 7 && even == 0 => Some(encoding_rs::UTF_16LE),
                (even, odd) if half >= 2 && even * 10 >= half * 7 && odd == 0 => Some(encoding_rs::UTF_16BE),
                _ => None,
            }
        }
    }
}

/// A CSV file, its header read; rows are read on demand, from memory (text already decoded) or
/// straight from the file, so that a million-row file never sits in memory at all.
pub struct CsvFile {
    source: Source,
    delimiter: u8,
    /// Lines in the file, counted when it was opened.
    lines: usize,
    /// Column names.
    pub headers: Vec<String>,
}

/// Where a [`CsvFile`]'s rows are read from.
enum Source {
    /// Decoded text (stdin, a file a client sent, UTF-16 or Latin-1 made UTF-8).
    Text(String),
    /// A UTF-8 file on disk, read afresh for each pass over its rows.
    File(std::path::PathBuf),
}

/// Reads CSV bytes: a UTF-8 byte-order mark is dropped, the delimiter (comma, semicolon or tab)
/// is told from the header line, quoted cells may hold newlines. Bytes that are not UTF-8 are
/// an error naming the line, unless `latin1` says to decode them as Windows-1252.
pub fn read_csv(bytes: Vec<u8>, latin1: bool) -> Result<CsvFile, ImportError> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) if latin1 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes()).0.into_owned(),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            return Err(not_utf8(e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() + 1));
        }
    };
    match scan(text.as_bytes())? {
        Some(scan) => CsvFile::new(Source::Text(text), scan),
        // Text decoded is UTF-8, and no longer UTF-16.
        None => Err(not_utf8(1)),
    }
}

/// Opens the CSV file at `path` to be read as it is imported, when it is UTF-8 (checked here,
/// in one pass that holds a block at a time); `None` when it is not, and is to be read whole
/// and decoded instead ([`read_file`], [`read_csv`]).
pub(super) fn open_csv(path: &std::path::Path) -> Result<Option<CsvFile>, ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })?;
    match scan(std::io::BufReader::with_capacity(1 << 16, file))? {
        Some(scan) => CsvFile::new(Source::File(path.to_path_buf()), scan).map(Some),
        None => Ok(None),
    }
}

/// The first bytes of the file at `path`, which tell its format.
pub(super) fn head(path: &std::path::Path) -> Result<Vec<u8>, ImportError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.map_err(|source| ImportError::Io { path: path.to_path_buf(), source })?;
    Ok(head)
}

fn not_utf8(line: usize) -> ImportError {
    ImportError::Unreadable(format!(
        "line {line} is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 / Windows-1252"
    ))
}

/// What one pass over a CSV file tells before its rows are read.
struct Scan {
    delimiter: u8,
    /// Line ends (LF) in the file.
    lines: usize,
}

/// Reads a CSV file through once, a block at a time: tells its delimiter from the header line,
/// counts its lines, and refuses a quoted cell never closed (the CSV reader would take one as a
/// cell running to the end of the file, swallowing every row after it), naming the line.
/// `None` when the bytes are not UTF-8 (or look like UTF-16).
fn scan(mut input: impl std::io::BufRead) -> Result<Option<Scan>, ImportError> {
    let io = |e: std::io::Error| ImportError::Unreadable(format!("the file cannot be read: {e}"));
    // The header line, held until it ends and tells the delimiter; then the quotes seen so far.
    let mut header = Vec::new();
    let mut quotes: Option<Quotes> = None;
    let (mut carried, mut first) = (Vec::new(), true);
    loop {
        let block = input.fill_buf().map_err(io)?;
        if block.is_empty() {
            break;
        }
        let n = block.len();
        let mut bytes = std::mem::take(&mut carried);
        bytes.extend_from_slice(block);
        input.consume(n);
        if std::mem::take(&mut first) && looks_utf16(&bytes) {
            return Ok(None);
        }
        // A character cut by the block's end is carried into the next block.
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return Ok(None),
        };
        let (text, rest) = bytes.split_at(valid);
        match &mut quotes {
            Some(q) => q.scan(text),
            None => {
                header.extend_from_slice(text);
                if header.contains(&b'\n') {
                    quotes = Some(Quotes::after(&std::mem::take(&mut header)));
                } else if header.len() > MAX_HEADER {
                    return Err(ImportError::Unreadable(format!(
                        "the first line is over {} MB long: is this a CSV file with a header line?",
                        MAX_HEADER >> 20
                    )));
                }
            }
        }
        carried = rest.to_vec();
    }
    if !carried.is_empty() {
        return Ok(None);
    }
    // One line and no line end: the header alone.
    let quotes = quotes.unwrap_or_else(|| Quotes::after(&header));
    // The quotes were followed through every byte, header included: their line is past the last LF.
    let (delimiter, lines) = (quotes.delimiter, quotes.line - 1);
    if let Some(line) = quotes.finish() {
        return Err(ImportError::Unreadable(format!(
            "line {line} opens a quoted cell that is never closed: add the closing \" (a quote inside a cell is written \"\")"
        )));
    }
    Ok(Some(Scan { delimiter, lines }))
}

/// How many line ends (LF) `bytes` hold.
fn lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The longest header line read.
const MAX_HEADER: usize = 1 << 20;

impl CsvFile {
    fn new(source: Source, scan: Scan) -> Result<CsvFile, ImportError> {
        let mut file = CsvFile { source, delimiter: scan.delimiter, lines: scan.lines, headers: Vec::new() };
        let headers = file.reader()?.headers().map_err(unreadable)?.iter().map(|h| h.trim().to_string()).collect();
        file.headers = headers;
        if file.headers.iter().all(String::is_empty) {
            return Err(ImportError::Unreadable(
                "the file has no header line: the first line must name the columns".into(),
            ));
        }
        Ok(file)
    }
}

fn unreadable(e: csv::Error) -> ImportError {
    ImportError::Unreadable(format!("the file is not readable CSV: {e}"))
}

impl CsvFile {
    fn reader(&self) -> Result<csv::Reader<Tally<Box<dyn std::io::Read + Send + '_>>>, ImportError> {
        let input: Box<dyn std::io::Read + Send> = match &self.source {
            Source::Text(text) => Box::new(text.as_bytes()),
            Source::File(path) => {
                Box::new(std::fs::File::open(path).map_err(|source| ImportError::Io { path: path.clone(), source })?)
            }
        };
        // A UTF-8 byte-order mark is not part of the first column's name.
        let tally = Tally { input, read: 0, ends: std::collections::VecDeque::new(), lines: 0, bom: true };
        Ok(csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(tally))
    }

    /// About how many rows there are (lines, less the header): for progress.
    pub fn approximate_rows(&self) -> usize {
        self.lines.saturating_sub(1).max(1)
    }

    /// The rows, each with the line an editor shows it starting on (counted from its byte
    /// offset, so CR LF and LF files agree), skipping blank ones.
    pub fn rows(&self) -> impl Iterator<Item = Result<(u64, csv::StringRecord), ImportError>> + '_ {
        let (mut records, failed) = match self.reader() {
            Ok(reader) => (Some(reader.into_records()), None),
            Err(e) => (None, Some(Err(e))),
        };
        failed.into_iter().chain(std::iter::from_fn(move || {
            let records = records.as_mut()?;
            loop {
                let record = records.next()?;
                return Some(match record {
                    Ok(r) if r.iter().all(|c| c.trim().is_empty()) => continue,
                    Ok(r) => {
                        let at = r.position().map(|p| p.byte());
                        let line = at.map_or(0, |at| records.reader_mut().get_mut().line_at(at));
                        Ok((line + 1, r))
                    }
                    Err(e) => Err(unreadable(e)),
                });
            }
        }))
    }
}

/// The file as the CSV reader reads it, counting lines: it keeps where each line end it handed
/// out lies until the rows read pass it, so a row's line is told from its byte offset without
/// the text at hand.
struct Tally<R> {
    input: R,
    /// Bytes handed out so far.
    read: u64,
    /// Offsets of the line-end bytes (CR or LF, and whether LF) handed out and not yet passed.
    ends: std::collections::VecDeque<(u64, bool)>,
    /// LFs passed.
    lines: u64,
    /// Whether a byte-order mark may still start the input.
    bom: bool,
}

impl<R: std::io::Read> Tally<R> {
    /// How many lines come before the row starting at byte `at`: the LFs before it, and those
    /// of the line ends it starts on (after a CR the reader may place a row at the LF that ends
    /// the line before).
    fn line_at(&mut self, at: u64) -> u64 {
        while let Some(&(offset, lf)) = self.ends.front() {
            if offset >= at {
                break;
            }
            self.lines += u64::from(lf);
            self.ends.pop_front();
        }
        // The run of line ends starting at `at`, and the LFs in it.
        let extra = (at..).zip(&self.ends).take_while(|(next, (offset, _))| offset == next).filter(|(_, (_, lf))| *lf);
        let extra = extra.count() as u64;
        self.lines + extra
    }
}

impl<R: std::io::Read> std::io::Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = self.input.read(buf)?;
        if self.bom && n > 0 {
            self.bom = false;
            if buf[..n].starts_with(b"\xef\xbb\xbf") {
                buf.copy_within(3..n, 0);
                n -= 3;
            }
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.ends.push_back((self.read + i as u64, b == b'\n'));
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// Whether a quoted cell is open, and since which line, as a file is read through: only a
/// quote at the start of a cell opens one (`27" monitor` is plain text); inside, `""` is a
/// quote and the next lone `"` closes it. Reads bytes (every character it looks for is ASCII,
/// and no byte of a longer UTF-8 character is one).
struct Quotes {
    /// The file's delimiter, told from its header line.
    delimiter: u8,
    /// The line read.
    line: usize,
    open_at: Option<usize>,
    /// Whether the next byte starts a cell.
    at_start: bool,
    /// A quote inside an open cell, not yet known to be doubled or closing.
    pending_quote: bool,
}

impl Quotes {
    /// The quotes of a file starting with `text`, which holds its header line: the delimiter is
    /// told from that line, then all of `text` is read.
    fn after(text: &[u8]) -> Quotes {
        let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
        let delimiter = delimiter(&String::from_utf8_lossy(line));
        let mut quotes = Quotes { delimiter, line: 1, open_at: None, at_start: true, pending_quote: false };
        quotes.scan(text);
        quotes
    }

    /// Reads on through `bytes`, jumping from quote to quote: the bytes between only count
    /// lines, and the one before a quote outside a cell tells whether it opens one.
    fn scan(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((&first, _)) = rest.split_first() {
            if std::mem::take(&mut self.pending_quote) {
                if first == b'"' {
                    // A doubled quote inside the cell.
                    rest = &rest[1..];
                    continue;
                }
                self.open_at = None;
            }
            let quote = memchr::memchr(b'"', rest);
            let before = &rest[..quote.unwrap_or(rest.len())];
            self.line += lines(before);
            if self.open_at.is_some() {
                self.pending_quote = quote.is_some();
            } else {
                let at_start = before.last().map_or(self.at_start, |&c| self.starts_cell(c));
                if quote.is_some() && at_start {
                    self.open_at = Some(self.line);
                }
                self.at_start = quote.is_none() && at_start;
            }
            rest = quote.map_or(&[], |q| &rest[q + 1..]);
        }
    }

    /// Whether a cell starts after byte `c` (outside a quoted cell).
    fn starts_cell(&self, c: u8) -> bool {
        c == b'\n' || c == b'\r' || c == self.delimiter
    }

    /// The line of a quoted cell left open at the end of the file.
    fn finish(mut self) -> Option<usize> {
        if self.pending_quote {
            self.open_at = None;
        }
        self.open_at
    }
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

    fn unclosed_quote(text: &str) -> Option<usize> {
        // Fed in pieces after the header line, as blocks of a file are: a doubled quote may be
        // cut between two.
        let header = text.find('\n').map_or(text.len(), |n| n + 1);
        let mut quotes = Quotes::after(&text.as_bytes()[..header]);
        for piece in text.as_bytes()[header..].chunks(3) {
            quotes.scan(piece);
        }
        quotes.finish()
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opened_and_plain_quotes_are_text() {
        assert_eq!(unclosed_quote("a,b\n1,\"x,y\n2,z\n"), Some(2));
        assert_eq!(unclosed_quote("a,b\n\"Lee, \"\"Al\"\"\",x\n"), None, "doubled quotes inside a cell");
        assert_eq!(unclosed_quote("a,b\nMonitor 27\",x\n"), None, "a quote inside plain text");
        assert_eq!(unclosed_quote("a;b\n1;\"two\nlines\";3\n"), None, "a closed cell over two lines");
    }

    /// The rows of `text` with their lines, read from memory and from a file.
    type Rows = Vec<(u64, Vec<String>)>;

    fn both_ways(text: &str) -> (Rows, Rows) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, text).unwrap();
        let rows = |file: CsvFile| -> Rows {
            file.rows()
                .map(|r| r.map(|(line, cells)| (line, cells.iter().map(str::to_string).collect())).unwrap())
                .collect()
        };
        let memory = rows(read_csv(text.as_bytes().to_vec(), false).unwrap());
        let streamed = rows(open_csv(&path).unwrap().expect("UTF-8 is read as it goes"));
        (memory, streamed)
    }

    #[test]
    fn rows_read_from_a_file_as_it_goes_have_the_lines_an_editor_shows() {
        let cases: [(&str, &[u64]); 5] = [
            ("name,city\nAnn,Oslo\nBob,Lima\n", &[2, 3]),
            ("name,city\r\nAnn,Oslo\r\n\r\nBob,Lima\r\n", &[2, 4]),
            ("\u{feff}name,city\r\n\"Ann\r\nLee\",Oslo\r\nBob,Lima", &[2, 4]),
            ("name;city\n\n\n\"a;b\";\"x\"\"y\"\nZoë;Ōsaka\n", &[4, 5]),
            ("name,city\n", &[]),
        ];
        for (text, lines) in cases {
            let (memory, streamed) = both_ways(text);
            assert_eq!(memory, streamed, "{text:?}");
            assert_eq!(streamed.iter().map(|(l, _)| *l).collect::<Vec<_>>(), lines, "{text:?}");
        }
        let (_, streamed) = both_ways("\u{feff}name,city\r\nAnn,Oslo\r\n");
        assert_eq!(streamed[0].1, ["Ann", "Oslo"]);
    }

    #[test]
    fn a_file_not_utf8_or_in_utf16_is_left_to_be_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let latin1 = dir.path().join("latin1.csv");
        std::fs::write(&latin1, b"name\nZo\xeb\n").unwrap();
        assert!(open_csv(&latin1).unwrap().is_none());
        let wide = dir.path().join("wide.csv");
        std::fs::write(&wide, "name\nZoë\n".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()).unwrap();
        assert!(open_csv(&wide).unwrap().is_none());
        // A character cut by a block's end is not taken for a bad byte.
        let long = dir.path().join("long.csv");
        std::fs::write(&long, format!("name\n{}\n", "é".repeat(100_000))).unwrap();
        let file = open_csv(&long).unwrap().expect("UTF-8");
        assert_eq!(file.rows().count(), 1);
    }

    /// The quotes as the scan read them one byte at a time, before it jumped from quote to quote.
    fn scan_bytewise(q: &mut Quotes, bytes: &[u8]) {
        for &c in bytes {
            if q.pending_quote {
                q.pending_quote = false;
                if c == b'"' {
                    q.at_start = false;
                    continue;
                }
                q.open_at = None;
            }
            if c == b'\n' {
                q.line += 1;
            }
            match (q.open_at, c) {
                (Some(_), b'"') => q.pending_quote = true,
                (None, b'"') if q.at_start => q.open_at = Some(q.line),
                _ => {}
            }
            q.at_start = q.open_at.is_none() && (c == b'\n' || c == b'\r' || c == q.delimiter);
        }
    }

    proptest::proptest! {
        #[test]
        fn quotes_jumped_to_tell_what_reading_every_byte_tells(
            text in proptest::collection::vec(proptest::sample::select(b"a\",;\n\r\xc3".to_vec()), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            let fresh = || Quotes { delimiter: b',', line: 1, open_at: None, at_start: true, pending_quote: false };
            let (mut jumped, mut bytewise) = (fresh(), fresh());
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort_unstable();
            let mut from = 0;
            for to in cuts.into_iter().chain([text.len()]) {
                jumped.scan(&text[from..to]);
                scan_bytewise(&mut bytewise, &text[from..to]);
                from = to;
                let state = |q: &Quotes| (q.line, q.open_at, q.at_start, q.pending_quote);
                proptest::prop_assert_eq!(state(&jumped), state(&bytewise));
            }
            proptest::prop_assert_eq!(jumped.finish(), bytewise.finish());
        }
    }
}
