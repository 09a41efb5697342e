//! Certificate serial numbers: `SEC-2026-7K3M-Q9XD-2HNB-8WTF`.
//!
//! The serial is printed on the certificate and is the handle of its public check
//! (`/certificates/{serial}`), so it must be unguessable: after the prefix and the year come
//! 80 random bits in Crockford's base32 (digits and capitals without I, L, O and U, so that
//! nothing reads as another symbol or a word), in four groups of four. A reader typing it in may
//! use lower case, leave out the hyphens, or write O for 0 and I or L for 1; [`parse`] turns
//! all of these into the one canonical form that is stored and looked up.
//!
//! 80 bits: at a million guesses a second, finding one of a million issued serials would take
//! about 38,000 years on average, and the check page is to be rate limited on top.

use std::fmt;

use rand::CryptoRng;

/// The fixed first part.
pub const PREFIX: &str = "SEC";

/// Random bits in a serial.
pub const RANDOM_BITS: u32 = 80;

const SYMBOLS: usize = (RANDOM_BITS / 5) as usize;
const GROUP: usize = 4;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A certificate serial in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(String);

/// Why a string is not a serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    /// Not `SEC-YYYY-` followed by sixteen symbols.
    #[error("not a certificate serial (SEC-YYYY-XXXX-XXXX-XXXX-XXXX)")]
    Malformed,
}

impl Serial {
    /// A new serial for a certificate of a seminar held in `year` (four digits), drawn from a
    /// cryptographically secure generator.
    pub fn generate<R: CryptoRng + ?Sized>(year: u16, rng: &mut R) -> Result<Self, SerialError> {
        if !(1000..=9999).contains(&year) {
            return Err(SerialError::Malformed);
        }
        let mut bytes = [0u8; (RANDOM_BITS / 8) as usize];
        rng.fill_bytes(&mut bytes);
        let symbols = encode(&bytes);
        Ok(Self::from_parts(year, &symbols))
    }

    fn from_parts(year: u16, symbols: &[u8]) -> Self {
        let mut out = format!("{PREFIX}-{year}");
        for group in symbols.chunks(GROUP) {
            out.push('-');
            out.extend(group.iter().map(|&b| b as char));
        }
        Self(out)
    }

    /// The canonical text, as stored and printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year in the serial.
    pub fn year(&self) -> u16 {
        self.0[PREFIX.len() + 1..PREFIX.len() + 5]
            .parse()
            .expect("a Serial always holds four digits after the prefix")
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a serial as a person may type it: any case, with or without hyphens or spaces, O for
/// 0 and I or L for 1.
pub fn parse(input: &str) -> Result<Serial, SerialError> {
    let compact: Vec<u8> = input
        .trim()
        .bytes()
        .filter(|&b| b != b'-' && b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let rest = compact
        .strip_prefix(PREFIX.as_bytes())
        .ok_or(SerialError::Malformed)?;
    if rest.len() != 4 + SYMBOLS {
        return Err(SerialError::Malformed);
    }
    let (year, symbols) = rest.split_at(4);
    if !year.iter().all(u8::is_ascii_digit) {
        return Err(SerialError::Malformed);
    }
    let year: u16 = std::str::from_utf8(year)
        .ok()
        .and_then(|y| y.parse().ok())
        .filter(|y| (1000..=9999).contains(y))
        .ok_or(SerialError::Malformed)?;
    let symbols: Vec<u8> = symbols
        .iter()
        .map(|&b| canonical_symbol(b).ok_or(SerialError::Malformed))
        .collect::<Result<_, _>>()?;
    Ok(Serial::from_parts(year, &symbols))
}

/// Crockford's decoding: the confusable letters read as the digits they look like.
fn canonical_symbol(b: u8) -> Option<u8> {
    match b {
        b'O' => Some(b'0'),
        b'I' | b'L' => Some(b'1'),
        _ if ALPHABET.contains(&b) => Some(b),
        _ => None,
    }
}

/// Base32 over whole bytes, five bits a symbol, most significant first.
fn encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 8 / 5);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    #[test]
    fn serials_have_the_printed_shape() {
        let serial = Serial::generate(2026, &mut rand::rng()).unwrap();
        let text = serial.as_str();
        assert_eq!(text.len(), "SEC-2026-XXXX-XXXX-XXXX-XXXX".len());
        assert!(text.starts_with("SEC-2026-"), "{text}");
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(groups.len(), 6);
        for group in &groups[2..] {
            assert_eq!(group.len(), 4);
            assert!(group.bytes().all(|b| ALPHABET.contains(&b)), "{text}");
        }
        assert_eq!(serial.year(), 2026);
        assert_eq!(parse(text), Ok(serial));
    }

    #[test]
    fn every_random_bit_reaches_the_serial() {
        // All zero bytes and all one bytes are the two ends of the 80-bit space.
        assert_eq!(encode(&[0; 10]), b"0000000000000000");
        assert_eq!(encode(&[0xFF; 10]), b"ZZZZZZZZZZZZZZZZ");
        assert_eq!(encode(&[0x84, 0x21, 0x08, 0x42, 0x10]), b"GGGGGGGG");
        // Serials from a generator do not repeat.
        let mut rng = StdRng::seed_from_u64(1);
        let drawn: HashSet<Serial> = (0..10_000)
            .map(|_| Serial::generate(2026, &mut rng).unwrap())
            .collect();
        assert_eq!(drawn.len(), 10_000);
    }

    #[test]
    fn typed_serials_are_read_forgivingly_into_one_form() {
        let canonical = parse("SEC-2026-7K3M-Q9XD-2HNB-8WT0").unwrap();
        assert_eq!(canonical.as_str(), "SEC-2026-7K3M-Q9XD-2HNB-8WT0");
        for typed in [
            "sec-2026-7k3m-q9xd-2hnb-8wt0",
            " SEC20267K3MQ9XD2HNB8WT0 ",
            "SEC-2026-7K3M-Q9XD-2HNB-8WTO",
            "SEC 2026 7K3M Q9XD 2HNB 8WT0",
        ] {
            assert_eq!(parse(typed), Ok(canonical.clone()), "{typed}");
        }
        assert_eq!(
            parse("SEC-2026-1111-1111-1111-1111"),
            parse("sec-2026-iiii-llll-IIII-LLLL")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "SEC-2026",
            "SEC-2026-7K3M-Q9XD-2HNB",
            "SEC-2026-7K3M-Q9XD-2HNB-8WT0X",
            "ABC-2026-7K3M-Q9XD-2HNB-8WT0",
            "SEC-20X6-7K3M-Q9XD-2HNB-8WT0",
            "SEC-0999-7K3M-Q9XD-2HNB-8WT0",
            "SEC-2026-7K3M-Q9XD-2HNB-8WTU",
            "SEC-2026-7K3M-Q9XD-2HNB-8WT!",
            "SEC-2026-7K3M-Q9XD-2HNB-8WＴ0",
            "../../etc/passwd",
        ] {
            assert_eq!(parse(bad), Err(SerialError::Malformed), "{bad}");
        }
        assert_eq!(
            Serial::generate(99, &mut rand::rng()),
            Err(SerialError::Malformed)
        );
    }
}
