//! The seeded uniform shuffle of the lottery, specified to the byte so that anyone holding a
//! draw record can re-run it with any ChaCha20 implementation.
//!
//! # Procedure (algorithm `fisher-yates-chacha20`, version 1)
//!
//! 1. **Seed.** 32 bytes from the operating system's random source ([`Seed::from_os`]), taken
//!    at draw time, after the list of entrants is closed. It is recorded as 64 lower-case hex
//!    digits, byte 0 first.
//! 2. **Stream.** The keystream of the ChaCha20 stream cipher (20 rounds, RFC 8439 §2.3–2.4)
//!    with *key* = the 32 seed bytes, *nonce* = 96 zero bits and the block counter starting at
//!    0: block 0, block 1, ... of 64 bytes each, concatenated. (Equivalently: the encryption of
//!    an all-zero plaintext. Bernstein's original variant with a 64-bit nonce of zero gives the
//!    same bytes.) This is what `rand_chacha`'s `ChaCha20Rng::from_seed(seed)` produces; the
//!    test vectors of RFC 8439 Appendix A.1 are checked in this module's tests.
//! 3. **64-bit draws.** Draw *k* (k = 0, 1, 2, ...) is the keystream bytes `8k .. 8k+8` read
//!    as an unsigned little-endian integer.
//! 4. **Uniform index below n** (1 ≤ n < 2^64), by rejection sampling: let
//!    r = 2^64 mod n; take the next draw x; if x > 2^64 − 1 − r, reject it and take the next
//!    one; otherwise the index is x mod n. (For n = 1 the index is 0, and a draw is still
//!    consumed.) No draw is ever skipped or reused otherwise, so the stream position is fully
//!    determined by the steps before.
//! 5. **Fisher–Yates (Durstenfeld).** With the entrants a\[0\], ..., a\[m−1\] in the record's
//!    order: for i = m−1 down to 1, let j = uniform index below i+1, then swap a\[i\] and
//!    a\[j\]. The drawn order is a\[0\] (rank 1), a\[1\] (rank 2), ..., a\[m−1\]. With m ≤ 1
//!    nothing is drawn.
//!
//! Every one of the m! orders is equally likely whatever the order of the input, so the
//! position of an entrant in the record (arrival, id) gives no advantage.

use std::fmt;

use rand::rngs::OsRng;
use rand::{RngCore, SeedableRng, TryRngCore};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The length of a seed in bytes.
pub const SEED_LEN: usize = 32;

/// Why a seed could not be made or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SeedError {
    /// The operating system gave no random bytes.
    #[error("the operating system's random source failed: {0}")]
    Os(String),
    /// The text is not 64 hex digits.
    #[error("a seed is 64 hexadecimal digits")]
    NotHex,
}

/// The 32 bytes that key a draw.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Seed([u8; SEED_LEN]);

impl Seed {
    /// A fresh seed from the operating system's random source (`getrandom`, through `rand`'s
    /// `OsRng`), for a draw about to be made.
    pub fn from_os() -> Result<Self, SeedError> {
        let mut bytes = [0u8; SEED_LEN];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| SeedError::Os(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// A seed of known bytes (re-runs and tests).
    pub const fn from_bytes(bytes: [u8; SEED_LEN]) -> Self {
        Self(bytes)
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8; SEED_LEN] {
        &self.0
    }

    /// Reads 64 hex digits (either case), byte 0 first.
    pub fn from_hex(text: &str) -> Result<Self, SeedError> {
        // Hand-written: 64 fixed digits do not warrant a hex crate.
        let digits = text.as_bytes();
        if digits.len() != 2 * SEED_LEN {
            return Err(SeedError::NotHex);
        }
        let mut bytes = [0u8; SEED_LEN];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let high = hex_value(pair[0]).ok_or(SeedError::NotHex)?;
            let low = hex_value(pair[1]).ok_or(SeedError::NotHex)?;
            *byte = (high << 4) | low;
        }
        Ok(Self(bytes))
    }

    /// 64 lower-case hex digits, byte 0 first.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({})", self.to_hex())
    }
}

impl Serialize for Seed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Seed::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// The stream of 64-bit draws of steps 2–4.
pub struct DrawStream(ChaCha20Rng);

impl DrawStream {
    /// The stream keyed by `seed`, at its start.
    pub fn new(seed: &Seed) -> Self {
        Self(ChaCha20Rng::from_seed(seed.0))
    }

    /// The next 64-bit draw (step 3).
    pub fn next_draw(&mut self) -> u64 {
        // rand_chacha returns the keystream as little-endian 32-bit words and builds a u64
        // from two consecutive words, low word first: exactly the next 8 bytes read as a
        // little-endian integer (checked against RFC 8439 in the tests).
        self.0.next_u64()
    }

    /// A uniform index below `n` by rejection sampling (step 4). `n` must be at least 1.
    pub fn index_below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "an index below 0 does not exist");
        // r = 2^64 mod n, computed without 128-bit arithmetic.
        let r = (u64::MAX % n + 1) % n;
        let limit = u64::MAX - r;
        loop {
            let x = self.next_draw();
            if x <= limit {
                return x % n;
            }
        }
    }
}

/// Shuffles `items` in place by step 5 with the stream keyed by `seed`.
pub fn shuffle<T>(seed: &Seed, items: &mut [T]) {
    let mut stream = DrawStream::new(seed);
    for i in (1..items.len()).rev() {
        // usize → u64 is lossless on every platform Rust supports; the index is below i+1.
        let j = stream.index_below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_le(hex: &str) -> Vec<u64> {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
            .collect();
        bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    }

    /// RFC 8439 Appendix A.1, test vector #1: key 0, nonce 0, block counter 0.
    const RFC8439_A1_TV1: &str = "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
                                  da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586";
    /// RFC 8439 Appendix A.1, test vector #2 (first half): key 0, nonce 0, block counter 1.
    const RFC8439_A1_TV2_HEAD: &str =
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed";
    /// The keystream of key 00..01 (last byte 1), nonce 0, counter 0 (draft-agl-tls-chacha20poly1305).
    const KEY_ONE_BLOCK0: &str = "4540f05a9f1fb296d7736e7b208e3c96eb4fe1834688d2604f450952ed432d41\
                                  bbe2a0b6ea7566d2a5d1e7e20d42af2c53d792b1c43fea817e9ad275ae546963";

    #[test]
    fn the_draws_are_the_rfc_8439_keystream_read_little_endian() {
        let mut stream = DrawStream::new(&Seed::from_bytes([0; 32]));
        let block0: Vec<u64> = (0..8).map(|_| stream.next_draw()).collect();
        assert_eq!(block0, words_le(RFC8439_A1_TV1));
        // The stream runs on into block 1 with nothing skipped.
        let block1: Vec<u64> = (0..4).map(|_| stream.next_draw()).collect();
        assert_eq!(block1, words_le(RFC8439_A1_TV2_HEAD));
    }

    #[test]
    fn the_seed_is_the_key_byte_for_byte() {
        let mut key = [0u8; 32];
        key[31] = 1;
        let mut stream = DrawStream::new(&Seed::from_bytes(key));
        let block0: Vec<u64> = (0..8).map(|_| stream.next_draw()).collect();
        assert_eq!(block0, words_le(KEY_ONE_BLOCK0));
    }

    #[test]
    fn rejection_discards_the_draws_above_the_last_whole_zone() {
        // n = 2^63 + 1: r = 2^63 − 1, so the draws above 2^63 are rejected (about half).
        // Take the first fixed seed whose first draw is rejected: the index must come from
        // the next acceptable draw, not from the first one.
        let n = (1u64 << 63) + 1;
        let limit = 1u64 << 63;
        let seed = (0u8..=255)
            .map(|k| Seed::from_bytes([k; 32]))
            .find(|seed| DrawStream::new(seed).next_draw() > limit)
            .expect("some seed starts with a rejected draw");
        let mut reference = DrawStream::new(&seed);
        let rejected = reference.next_draw();
        let accepted = loop {
            let x = reference.next_draw();
            if x <= limit {
                break x;
            }
        };
        let mut stream = DrawStream::new(&seed);
        assert_eq!(stream.index_below(n), accepted % n);
        assert_ne!(accepted % n, rejected % n);
        // And nothing beyond the accepted draw was consumed.
        assert_eq!(stream.next_draw(), reference.next_draw());
        // With n = 3 (r = 1) only 2^64 − 1 is rejected: one draw per index in practice.
        let mut a = DrawStream::new(&seed);
        let mut b = DrawStream::new(&seed);
        assert_eq!(a.index_below(3), b.next_draw() % 3);
        assert_eq!(a.next_draw(), b.next_draw());
    }

    #[test]
    fn an_index_below_one_is_zero_and_still_consumes_a_draw() {
        let seed = Seed::from_bytes([1; 32]);
        let mut a = DrawStream::new(&seed);
        let mut b = DrawStream::new(&seed);
        assert_eq!(a.index_below(1), 0);
        b.next_draw();
        assert_eq!(a.next_draw(), b.next_draw());
    }

    #[test]
    fn the_shuffle_is_a_permutation_and_repeatable() {
        let seed = Seed::from_bytes([42; 32]);
        let mut a: Vec<u32> = (0..100).collect();
        let mut b = a.clone();
        shuffle(&seed, &mut a);
        shuffle(&seed, &mut b);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_ne!(a, (0..100).collect::<Vec<_>>());
    }

    /// The naive shuffle (j drawn from the whole list at every step) is a classic bias.
    fn naive_shuffle<T>(seed: &Seed, items: &mut [T]) {
        let mut stream = DrawStream::new(seed);
        for i in (0..items.len()).rev() {
            let j = stream.index_below(items.len() as u64) as usize;
            items.swap(i, j);
        }
    }

    /// Pearson's chi-square of the orders of three items over `draws` seeds.
    fn chi_square_of_orders(shuffler: fn(&Seed, &mut [u8]), draws: u32) -> f64 {
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut counts = [0u32; 6];
        for k in 0..draws {
            let mut bytes = [0u8; 32];
            bytes[..4].copy_from_slice(&k.to_le_bytes());
            let mut items = [0u8, 1, 2];
            shuffler(&Seed::from_bytes(bytes), &mut items);
            let at = orders
                .iter()
                .position(|o| *o == items)
                .expect("a permutation");
            counts[at] += 1;
        }
        let expected = f64::from(draws) / 6.0;
        counts
            .iter()
            .map(|&c| (f64::from(c) - expected).powi(2) / expected)
            .sum()
    }

    #[test]
    fn every_order_of_three_is_equally_likely_and_the_check_catches_a_naive_shuffle() {
        // 5 degrees of freedom: P(chi² > 20.5) ≈ 0.001. The seeds are fixed, so the figures
        // are the same on every run.
        let fair = chi_square_of_orders(shuffle, 60_000);
        assert!(fair < 20.5, "Fisher–Yates looks biased: chi² = {fair}");
        // The naive shuffle gives the six orders with weights 4,5,5,5,4,4 out of 27.
        let naive = chi_square_of_orders(naive_shuffle, 60_000);
        assert!(naive > 100.0, "the control was not caught: chi² = {naive}");
    }

    #[test]
    fn seeds_read_and_write_as_hex() {
        let seed = Seed::from_bytes(core::array::from_fn(|i| i as u8));
        let hex = seed.to_hex();
        assert_eq!(
            hex,
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        );
        assert_eq!(Seed::from_hex(&hex), Ok(seed));
        assert_eq!(Seed::from_hex(&hex.to_uppercase()), Ok(seed));
        assert_eq!(Seed::from_hex("00"), Err(SeedError::NotHex));
        assert_eq!(Seed::from_hex(&"zz".repeat(32)), Err(SeedError::NotHex));
        assert_eq!(
            serde_json::to_string(&seed).expect("json"),
            format!("\"{hex}\"")
        );
    }

    #[test]
    fn the_os_gives_different_seeds() {
        let a = Seed::from_os().expect("os random");
        let b = Seed::from_os().expect("os random");
        assert_ne!(a, b);
    }
}
