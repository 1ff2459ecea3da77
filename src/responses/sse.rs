//! Server-Sent Events framing, as the WHATWG HTML standard defines it ("Interpreting an event
//! stream"): bytes in, events out, no I/O.
//!
//! Deliberate points:
//! - LF, CRLF and a lone CR all end a line, also when a CRLF is split across two inputs.
//! - Lines are decoded as UTF-8 whole (lossily), never per input slice, so a multi-byte
//!   character split across reads survives.
//! - A line longer than the cap, or an event whose name and data grow past it, is refused
//!   before the buffer grows past the cap (capacity included).
//! - An event is dispatched only when it has at least one `data` line; the name defaults to
//!   `message`; `id` persists across events (the "last event ID"); `retry` is kept per event.
//! - At the end of the input a partial event is dropped; that is the caller's business (it
//!   simply stops calling [`Decoder::decode`]).
//! - A dispatched event is lent ([`Decoder::event`]), not handed over: its buffers are reused
//!   for the next one, so decoding allocates nothing per event once the buffers have grown.

use std::time::Duration;

/// One dispatched event, borrowed from the decoder until its next [`Decoder::decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event<'a> {
    /// The `event` field, or `message` when none was given.
    pub(crate) name: &'a str,
    /// The `data` lines joined with `\n`.
    pub(crate) data: &'a str,
    /// The last event ID seen so far in the stream, when it is not empty.
    pub(crate) id: Option<&'a str>,
    /// The `retry` field of this event's block, when it was a valid number of milliseconds.
    pub(crate) retry: Option<Duration>,
}

/// A line or an event is larger than the cap. The decoder must not be used afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

/// What a call to [`Decoder::decode`] completed, if anything: `Some(Ok(()))` when an event was
/// dispatched (read it with [`Decoder::event`]).
pub(crate) type Decoded = Option<Result<(), TooLarge>>;

/// Incremental decoder state.
#[derive(Debug)]
pub(crate) struct Decoder {
    max: usize,
    /// The current line, without its line end.
    line: Vec<u8>,
    /// The last byte seen was a CR, so an LF right after it belongs to the same line end.
    after_cr: bool,
    /// No line has been completed yet, so a byte order mark may still start the stream.
    first_line: bool,
    name: String,
    data: String,
    has_data: bool,
    retry: Option<Duration>,
    last_id: String,
    /// `name`, `data` and `retry` hold an event already dispatched, to clear before going on.
    dispatched: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Decoder {
    /// A decoder that refuses lines and events over `max` bytes.
    pub(crate) fn new(max: usize) -> Decoder {
        Decoder {
            max,
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            name: String::new(),
            data: String::new(),
            has_data: false,
            retry: None,
            last_id: String::new(),
            dispatched: false,
        }
    }

    /// Consumes `input` up to the end of the first event it completes (or to its end).
    ///
    /// Returns how many bytes were consumed and what was completed: call again with the rest
    /// of the input until it is used up. Any split of a stream into inputs gives the same
    /// events.
    pub(crate) fn decode(&mut self, input: &[u8]) -> (usize, Decoded) {
        if std::mem::take(&mut self.dispatched) {
            self.name.clear();
            self.data.clear();
            self.has_data = false;
            self.retry = None;
        }
        let mut at = 0;
        while at < input.len() {
            if std::mem::take(&mut self.after_cr) && input[at] == b'\n' {
                at += 1;
                continue;
            }
            let rest = &input[at..];
            let Some(end) = line_end(rest) else {
                return match self.extend_line(rest) {
                    Ok(()) => (input.len(), None),
                    Err(too_large) => (input.len(), Some(Err(too_large))),
                };
            };
            self.after_cr = rest[end] == b'\r';
            let done = if self.line.is_empty() && end <= self.max {
                // The whole line is in this input: read it in place, without copying.
                self.end_line_in(&rest[..end])
            } else if let Err(too_large) = self.extend_line(&rest[..end]) {
                return (at + end + 1, Some(Err(too_large)));
            } else {
                self.end_line()
            };
            at += end + 1;
            if let Some(done) = done {
                return (at, Some(done));
            }
        }
        (at, None)
    }

    fn extend_line(&mut self, piece: &[u8]) -> Result<(), TooLarge> {
        let needed = self.line.len() + piece.len();
        if needed > self.max {
            return Err(TooLarge);
        }
        let target = bounded_capacity(self.line.capacity(), needed, self.max);
        self.line.reserve_exact(target - self.line.len());
        self.line.extend_from_slice(piece);
        Ok(())
    }

    /// Interprets the line just completed; returns an event when it was the blank line ending
    /// one.
    fn end_line(&mut self) -> Decoded {
        let line = std::mem::take(&mut self.line);
        let result = self.end_line_in(&line);
        // Keep the allocation for the next line: its size is already within the cap.
        self.line = line;
        self.line.clear();
        result
    }

    /// Interprets `line`, a complete line without its line end.
    fn end_line_in(&mut self, mut line: &[u8]) -> Decoded {
        if std::mem::take(&mut self.first_line) {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        match std::str::from_utf8(line) {
            Ok(line) => self.interpret(line),
            Err(_) => self.interpret(&String::from_utf8_lossy(line)),
        }
    }

    fn interpret(&mut self, line: &str) -> Decoded {
        if line.is_empty() {
            return self.dispatch().then_some(Ok(()));
        }
        if line.starts_with(':') {
            return None; // a comment
        }
        // Field names are short: a plain scan beats `split_once`'s setup for a long search.
        let (field, value) = match line.bytes().position(|b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match field {
            "event" => {
                if self.data.len() + value.len() > self.max {
                    return Some(Err(TooLarge));
                }
                self.name.clear();
                // Exact, so that a reused buffer never grows past the cap by doubling.
                self.name.reserve_exact(value.len());
                self.name.push_str(value);
            }
            "data" => {
                let separator = usize::from(self.has_data);
                let needed = self.data.len() + separator + value.len();
                if self.name.len() + needed > self.max {
                    return Some(Err(TooLarge));
                }
                let target = bounded_capacity(self.data.capacity(), needed, self.max);
                self.data.reserve_exact(target - self.data.len());
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => {
                self.last_id.clear();
                self.last_id.reserve_exact(value.len());
                self.last_id.push_str(value);
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for a u64 is ignored like any other invalid value.
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
        None
    }

    /// Ends the block at a blank line: an event when it had data, else a fresh start.
    fn dispatch(&mut self) -> bool {
        if self.has_data {
            self.dispatched = true;
        } else {
            self.name.clear();
            self.retry = None;
        }
        self.has_data
    }

    /// The event the last [`decode`](Self::decode) dispatched. Only meaningful right after a
    /// `decode` that returned `Some(Ok(()))`.
    pub(crate) fn event(&self) -> Event<'_> {
        Event {
            name: if self.name.is_empty() {
                "message"
            } else {
                &self.name
            },
            data: &self.data,
            id: (!self.last_id.is_empty()).then_some(self.last_id.as_str()),
            retry: self.retry,
        }
    }
}

/// The position of the first LF or CR in `bytes`.
fn line_end(bytes: &[u8]) -> Option<usize> {
    // Sixteen bytes per step, in a form the compiler turns into vector compares: lines are
    // mostly long JSON data, so this is where the parser spends its time.
    const STEP: usize = 16;
    let mut skipped = 0;
    for chunk in bytes.chunks_exact(STEP) {
        let hit = chunk.iter().fold(0u8, |hit, &b| {
            hit | u8::from(b == b'\n') | u8::from(b == b'\r')
        });
        if hit != 0 {
            break;
        }
        skipped += STEP;
    }
    let tail = &bytes[skipped..];
    tail.iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| skipped + i)
}

/// The capacity to grow a buffer to so that it holds `needed` bytes: doubling as usual, but
/// never past `max`, so the allocation itself stays within the cap.
fn bounded_capacity(capacity: usize, needed: usize, max: usize) -> usize {
    if needed <= capacity {
        capacity
    } else {
        needed.max(capacity.saturating_mul(2)).min(max).max(needed)
    }
}

/// Whether an event's data is the `[DONE]` sentinel some servers end a stream with.
pub(crate) fn is_done(data: &str) -> bool {
    data.trim() == "[DONE]"
}

/// Decodes `input` fed in `read_size`-byte reads, as [`ResponseStream`](super::ResponseStream)
/// feeds the decoder, and counts the events and their data bytes: the benchmarks' view of the
/// parser.
pub(crate) fn count_events(input: &[u8], read_size: usize, max: usize) -> (usize, usize) {
    let mut decoder = Decoder::new(max);
    let (mut events, mut bytes) = (0, 0);
    for read in input.chunks(read_size.max(1)) {
        let mut rest = read;
        while !rest.is_empty() {
            let (used, done) = decoder.decode(rest);
            rest = &rest[used..];
            match done {
                Some(Ok(())) => {
                    events += 1;
                    bytes += decoder.event().data.len();
                }
                Some(Err(TooLarge)) => return (events, bytes),
                None => {}
            }
        }
    }
    (events, bytes)
}

/// An event copied out of the decoder, for tests.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owned {
    name: String,
    data: String,
    id: Option<String>,
    retry: Option<Duration>,
}

#[cfg(test)]
impl From<Event<'_>> for Owned {
    fn from(e: Event<'_>) -> Owned {
        Owned {
            name: e.name.to_owned(),
            data: e.data.to_owned(),
            id: e.id.map(str::to_owned),
            retry: e.retry,
        }
    }
}

/// Decodes a whole input in one go, for tests.
#[cfg(test)]
fn decode_all(max: usize, chunks: &[&[u8]]) -> Vec<Result<Owned, TooLarge>> {
    let mut decoder = Decoder::new(max);
    let mut out = Vec::new();
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        while !rest.is_empty() {
            let (used, done) = decoder.decode(rest);
            rest = &rest[used..];
            match done {
                Some(Err(e)) => {
                    out.push(Err(e));
                    return out;
                }
                Some(Ok(())) => out.push(Ok(decoder.event().into())),
                None => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, data: &str) -> Result<Owned, TooLarge> {
        Ok(Owned {
            name: name.to_owned(),
            data: data.to_owned(),
            id: None,
            retry: None,
        })
    }

    fn all(input: &str) -> Vec<Result<Owned, TooLarge>> {
        decode_all(1024, &[input.as_bytes()])
    }

    /// Every split of the input into two or three pieces gives the same events.
    fn same_for_every_split(input: &[u8], max: usize) -> Vec<Result<Owned, TooLarge>> {
        let whole = decode_all(max, &[input]);
        for i in 0..=input.len() {
            assert_eq!(
                decode_all(max, &[&input[..i], &input[i..]]),
                whole,
                "split at {i}"
            );
            for j in i..=input.len() {
                let pieces = [&input[..i], &input[i..j], &input[j..]];
                assert_eq!(decode_all(max, &pieces), whole, "split at {i}, {j}");
            }
        }
        whole
    }

    #[test]
    fn lf_crlf_and_cr_end_lines_alike() {
        let expected = vec![event("message", "a"), event("delta", "b\nc")];
        for end in ["\n", "\r\n", "\r"] {
            let input = format!("data: a{end}{end}event: delta{end}data: b{end}data: c{end}{end}");
            assert_eq!(
                same_for_every_split(input.as_bytes(), 64),
                expected,
                "{end:?}"
            );
        }
    }

    #[test]
    fn a_crlf_split_across_inputs_is_one_line_end() {
        let out = decode_all(64, &[b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n"]);
        assert_eq!(out, vec![event("message", "a"), event("message", "b")]);
    }

    #[test]
    fn comments_unknown_fields_and_dataless_blocks_dispatch_nothing() {
        let out = all(": keep-alive\n\nevent: ping\n\nfoo: bar\nnocolon\n\n");
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn only_one_leading_space_is_removed_and_a_field_without_colon_is_empty() {
        let out = all("data:  two spaces\n\ndata\n\n");
        assert_eq!(
            out,
            vec![event("message", " two spaces"), event("message", "")]
        );
    }

    #[test]
    fn id_persists_and_retry_is_per_event() {
        let out = all("id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nid\nretry: x\ndata: c\n\n");
        let ids: Vec<_> = out.iter().map(|e| e.as_ref().unwrap().id.clone()).collect();
        assert_eq!(ids, [Some("7".to_owned()), Some("7".to_owned()), None]);
        let retries: Vec<_> = out.iter().map(|e| e.as_ref().unwrap().retry).collect();
        assert_eq!(retries, [Some(Duration::from_millis(1500)), None, None]);
    }

    #[test]
    fn an_id_with_nul_is_ignored() {
        let out = all("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n");
        assert_eq!(out[1].as_ref().unwrap().id.as_deref(), Some("1"));
    }

    #[test]
    fn a_partial_event_at_the_end_is_not_dispatched() {
        assert_eq!(all("data: a\n\ndata: b\n"), vec![event("message", "a")]);
        assert_eq!(all("data: a\n\ndata: b"), vec![event("message", "a")]);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_even_when_split() {
        let out = decode_all(64, &[b"\xEF", b"\xBB\xBFdata: a\n\n"]);
        assert_eq!(out, vec![event("message", "a")]);
    }

    #[test]
    fn multi_byte_characters_split_across_inputs_survive() {
        let input = "data: {\"delta\": \"héllo wörld €\"}\n\n".as_bytes();
        let out = same_for_every_split(input, 64);
        assert_eq!(
            out,
            vec![event("message", "{\"delta\": \"héllo wörld €\"}")]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_per_line() {
        let out = decode_all(64, &[b"data: a\xFFb\n\n"]);
        assert_eq!(out, vec![event("message", "a\u{FFFD}b")]);
    }

    #[test]
    fn one_input_with_several_events_yields_them_one_call_at_a_time() {
        let mut decoder = Decoder::new(64);
        let input = b"data: 1\n\ndata: 2\n\n";
        let (used, first) = decoder.decode(input);
        assert_eq!((used, first), (9, Some(Ok(()))));
        assert_eq!(Ok(decoder.event().into()), event("message", "1"));
        let (used, second) = decoder.decode(&input[9..]);
        assert_eq!((used, second), (9, Some(Ok(()))));
        assert_eq!(Ok(decoder.event().into()), event("message", "2"));
    }

    #[test]
    fn a_line_over_the_cap_is_refused_without_growing_past_it() {
        let mut decoder = Decoder::new(16);
        let chunk = [b'a'; 7];
        let mut refused = false;
        for _ in 0..10 {
            let (_, done) = decoder.decode(&chunk);
            assert!(decoder.line.capacity() <= 16, "{}", decoder.line.capacity());
            if done == Some(Err(TooLarge)) {
                refused = true;
                break;
            }
        }
        assert!(refused);
    }

    #[test]
    fn a_line_exactly_at_the_cap_is_accepted() {
        let input = format!("data:{}\n\n", "x".repeat(11)); // a 16-byte line
        assert_eq!(decode_all(16, &[input.as_bytes()]).len(), 1);
    }

    #[test]
    fn an_event_over_the_cap_is_refused_even_with_short_lines() {
        let input = "data: 12345\n".repeat(10);
        let out = same_for_every_split(input.as_bytes(), 32);
        assert_eq!(out, vec![Err(TooLarge)]);
    }

    #[test]
    fn done_is_recognised_with_surrounding_whitespace() {
        assert!(is_done("[DONE]"));
        assert!(is_done(" [DONE]\n"));
        assert!(!is_done("[done]"));
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// One line of an event block, as the server writes it.
    #[derive(Debug, Clone)]
    enum Line {
        Event(String),
        Data(String),
        Id(String),
        Retry(u32),
        Comment(String),
        Unknown(String),
    }

    /// Field values: no line breaks, sometimes empty, sometimes starting with a space (only the
    /// first space after the colon is removed), sometimes not ASCII.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,12}",
            " [a-z]{0,4}",
            "\\PC{0,6}",
            Just(String::new())
        ]
        .prop_map(|v| v.replace(['\r', '\n'], ""))
    }

    fn line() -> impl Strategy<Value = Line> {
        prop_oneof![
            1 => "[a-z.]{0,12}".prop_map(Line::Event),
            4 => value().prop_map(Line::Data),
            1 => value().prop_map(|v| Line::Id(v.replace('\0', ""))),
            1 => any::<u32>().prop_map(Line::Retry),
            1 => value().prop_map(Line::Comment),
            1 => "[a-z]{1,6}".prop_filter("not a field the decoder knows", |f| {
                !matches!(f.as_str(), "event" | "data" | "id" | "retry")
            }).prop_map(Line::Unknown),
        ]
    }

    fn render(line: &Line) -> String {
        match line {
            Line::Event(name) => format!("event: {name}"),
            Line::Data(data) => format!("data: {data}"),
            Line::Id(id) => format!("id: {id}"),
            Line::Retry(ms) => format!("retry: {ms}"),
            Line::Comment(text) => format!(":{text}"),
            Line::Unknown(field) => format!("{field}: x"),
        }
    }

    /// A stream: blocks of lines, each ended by a blank line, then maybe an unfinished block;
    /// every line end LF, CRLF or CR, and maybe a byte order mark first.
    fn stream() -> impl Strategy<Value = (Vec<Vec<Line>>, Vec<u8>)> {
        let blocks = prop::collection::vec(prop::collection::vec(line(), 0..6), 0..8);
        let unfinished = prop::collection::vec(line(), 0..3);
        let ends = prop::collection::vec(0..3u8, 64);
        (blocks, unfinished, ends, any::<bool>()).prop_map(|(blocks, unfinished, ends, bom)| {
            let mut bytes = if bom { BOM.to_vec() } else { Vec::new() };
            let mut ends = ends.into_iter().cycle();
            let mut after_cr = false;
            let mut write_line = |text: &str, bytes: &mut Vec<u8>| {
                bytes.extend_from_slice(text.as_bytes());
                let end: &[u8] = match ends.next().unwrap_or(0) {
                    // A blank line ended by LF right after a CR would join it as one CRLF.
                    0 if after_cr && text.is_empty() => b"\r",
                    0 => b"\n",
                    1 => b"\r\n",
                    _ => b"\r",
                };
                after_cr = end == b"\r";
                bytes.extend_from_slice(end);
            };
            for block in &blocks {
                for line in block {
                    write_line(&render(line), &mut bytes);
                }
                write_line("", &mut bytes);
            }
            for line in &unfinished {
                write_line(&render(line), &mut bytes);
            }
            (blocks, bytes)
        })
    }

    /// What the standard says the blocks dispatch.
    fn expected(blocks: &[Vec<Line>]) -> Vec<Result<Owned, TooLarge>> {
        let mut last_id = String::new();
        let mut events = Vec::new();
        for block in blocks {
            let (mut name, mut data, mut retry) = (String::new(), None::<String>, None);
            for line in block {
                match line {
                    Line::Event(n) => name = n.clone(),
                    Line::Data(d) => match &mut data {
                        Some(data) => {
                            data.push('\n');
                            data.push_str(d);
                        }
                        None => data = Some(d.clone()),
                    },
                    Line::Id(id) => last_id = id.clone(),
                    Line::Retry(ms) => retry = Some(Duration::from_millis((*ms).into())),
                    Line::Comment(_) | Line::Unknown(_) => {}
                }
            }
            if let Some(data) = data {
                events.push(Ok(Owned {
                    name: if name.is_empty() {
                        "message".to_owned()
                    } else {
                        name
                    },
                    data,
                    id: (!last_id.is_empty()).then(|| last_id.clone()),
                    retry,
                }));
            }
        }
        events
    }

    /// `bytes` cut at these places (taken modulo its length, in order).
    fn split(bytes: &[u8], cuts: &[prop::sample::Index]) -> Vec<Vec<u8>> {
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut pieces = Vec::new();
        let mut start = 0;
        for end in at.into_iter().chain([bytes.len()]) {
            pieces.push(bytes[start..end].to_vec());
            start = end;
        }
        pieces
    }

    fn decode_pieces(max: usize, pieces: &[Vec<u8>]) -> Vec<Result<Owned, TooLarge>> {
        let slices: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        decode_all(max, &slices)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn events_are_the_same_however_the_bytes_are_split(
            (blocks, bytes) in stream(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            const MAX: usize = 1 << 20;
            let whole = decode_all(MAX, &[&bytes]);
            prop_assert_eq!(&whole, &expected(&blocks));
            prop_assert_eq!(&decode_pieces(MAX, &split(&bytes, &cuts)), &whole);
            let bytewise: Vec<Vec<u8>> = bytes.iter().map(|b| vec![*b]).collect();
            prop_assert_eq!(&decode_pieces(MAX, &bytewise), &whole);
        }

        #[test]
        fn arbitrary_bytes_never_panic_nor_grow_past_the_cap(
            bytes in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..300),
                "(data|event|id|retry|:| |x|é|\r|\n){0,80}".prop_map(String::into_bytes),
            ],
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
            max in 0..80usize,
        ) {
            let pieces = split(&bytes, &cuts);
            let mut decoder = Decoder::new(max);
            let mut split_events = Vec::new();
            'pieces: for piece in &pieces {
                let mut rest = piece.as_slice();
                while !rest.is_empty() {
                    let (used, done) = decoder.decode(rest);
                    prop_assert!(used > 0 && used <= rest.len());
                    rest = &rest[used..];
                    prop_assert!(decoder.line.capacity() <= max, "line {}", decoder.line.capacity());
                    prop_assert!(decoder.data.capacity() <= max, "data {}", decoder.data.capacity());
                    prop_assert!(decoder.name.len() + decoder.data.len() <= max);
                    prop_assert!(decoder.last_id.len() <= max);
                    match done {
                        Some(Err(e)) => {
                            split_events.push(Err(e));
                            break 'pieces;
                        }
                        Some(Ok(())) => {
                            let event = decoder.event();
                            prop_assert!(event.data.len() <= max);
                            split_events.push(Ok(Owned::from(event)));
                        }
                        None => {}
                    }
                }
            }
            prop_assert_eq!(split_events, decode_all(max, &[&bytes]));
        }
    }
}
