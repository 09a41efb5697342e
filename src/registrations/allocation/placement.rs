//! Placing whole entries in order: the one rule behind the lottery's winners and the
//! waitlist's promotions.
//!
//! An *entry* is what one applicant registered: a single person (size 1) or a group of `size`
//! participants of the same company, which is placed as one. The rule, for entries taken in a
//! given order (the drawn order, or the waitlist order):
//!
//! 1. an entry whose size fits in the free seats of its mode is placed, and takes that many
//!    seats of its mode;
//! 2. an entry that does not fit is passed over whole (never split) and keeps its place;
//! 3. the walk goes on to the end: a passed-over group does not block the smaller entries
//!    behind it, which may still fit.
//!
//! So with 3 free seats, a waiting group of 4 stays first on the waitlist while the single
//! registrant behind it gets a seat; once 4 seats are free the group goes first again.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use crate::seminars::model::Mode;

/// The id of an entry (the row that holds one applicant's registration of one or more
/// participants).
pub type EntryId = i64;

/// One applicant's entry: its id, the mode it applied for and how many seats it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's id.
    pub id: EntryId,
    /// The mode of attendance the entry applied for.
    pub mode: Mode,
    /// Seats needed: 1 for a single registrant, the number of participants for a group.
    pub size: NonZeroU32,
}

impl Entry {
    /// A single registrant.
    pub fn single(id: EntryId, mode: Mode) -> Self {
        Self {
            id,
            mode,
            size: NonZeroU32::MIN,
        }
    }

    /// A group of `size` participants; `None` when `size` is 0.
    pub fn group(id: EntryId, mode: Mode, size: u32) -> Option<Self> {
        NonZeroU32::new(size).map(|size| Self { id, mode, size })
    }

    /// Seats needed, as a number.
    pub fn seats(&self) -> u32 {
        self.size.get()
    }
}

/// Seats per mode: free seats to fill, or the capacity a lottery draws for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Seats {
    /// At the venue.
    pub onsite: u32,
    /// Online.
    pub online: u32,
}

impl Seats {
    /// Seats of both modes.
    pub fn new(onsite: u32, online: u32) -> Self {
        Self { onsite, online }
    }

    /// The seats of `mode`.
    pub fn of(&self, mode: Mode) -> u32 {
        match mode {
            Mode::Onsite => self.onsite,
            Mode::Online => self.online,
        }
    }

    fn slot(&mut self, mode: Mode) -> &mut u32 {
        match mode {
            Mode::Onsite => &mut self.onsite,
            Mode::Online => &mut self.online,
        }
    }

    /// Takes the entry's seats if they fit whole; says whether they did.
    fn take(&mut self, entry: &Entry) -> bool {
        let free = self.slot(entry.mode);
        match free.checked_sub(entry.seats()) {
            Some(left) => {
                *free = left;
                true
            }
            None => false,
        }
    }
}

/// What [`place_in_order`] decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Placement {
    /// The entries placed, in the order they were given.
    pub placed: Vec<Entry>,
    /// The entries that did not fit, in the order they were given (their places unchanged).
    pub passed_over: Vec<Entry>,
    /// The seats still free afterwards.
    pub seats_left: Seats,
}

/// Walks `entries` in order and places each one that fits whole in the `free` seats of its
/// mode (the rule of the module documentation).
pub fn place_in_order(free: Seats, entries: impl IntoIterator<Item = Entry>) -> Placement {
    let mut seats = free;
    let mut placement = Placement::default();
    for entry in entries {
        if seats.take(&entry) {
            placement.placed.push(entry);
        } else {
            placement.passed_over.push(entry);
        }
    }
    placement.seats_left = seats;
    placement
}

/// The entries of `waitlist` (in waitlist order) to promote into `free` seats: each waiting
/// entry that fits as a whole, in order; one that does not fit keeps its place and does not
/// block smaller ones behind it. The result is in waitlist order.
pub fn promote(free: Seats, waitlist: &[Entry]) -> Vec<Entry> {
    place_in_order(free, waitlist.iter().copied()).placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(id: EntryId) -> Entry {
        Entry::single(id, Mode::Onsite)
    }

    fn group(id: EntryId, size: u32) -> Entry {
        Entry::group(id, Mode::Onsite, size).expect("size > 0")
    }

    fn ids(entries: &[Entry]) -> Vec<EntryId> {
        entries.iter().map(|e| e.id).collect()
    }

    #[test]
    fn a_group_of_four_facing_three_seats_waits_whole_while_a_single_behind_it_gets_a_seat() {
        let waitlist = [group(1, 4), single(2)];
        let placement = place_in_order(Seats::new(3, 0), waitlist);
        assert_eq!(ids(&placement.placed), [2]);
        assert_eq!(ids(&placement.passed_over), [1]);
        assert_eq!(placement.seats_left, Seats::new(2, 0));
        assert_eq!(ids(&promote(Seats::new(3, 0), &waitlist)), [2]);
    }

    #[test]
    fn the_group_keeps_its_place_and_goes_first_once_it_fits() {
        // After the single was promoted the group is still first; with 4 free seats it goes.
        let waitlist = [group(1, 4), single(3), single(4)];
        assert_eq!(ids(&promote(Seats::new(4, 0), &waitlist)), [1]);
        assert_eq!(ids(&promote(Seats::new(5, 0), &waitlist)), [1, 3]);
    }

    #[test]
    fn a_group_is_never_split() {
        let placed = promote(Seats::new(3, 0), &[group(1, 5), group(2, 4)]);
        assert!(placed.is_empty());
    }

    #[test]
    fn exactly_filling_the_seats_places_the_group() {
        assert_eq!(
            ids(&promote(Seats::new(4, 0), &[group(1, 4), single(2)])),
            [1]
        );
    }

    #[test]
    fn several_skipped_groups_do_not_block_smaller_entries_further_back() {
        let waitlist = [
            group(1, 6),
            group(2, 3),
            group(3, 5),
            single(4),
            group(5, 2),
        ];
        // 4 free: 6 no, 3 yes (1 left), 5 no, 1 yes (0 left), 2 no.
        assert_eq!(ids(&promote(Seats::new(4, 0), &waitlist)), [2, 4]);
    }

    #[test]
    fn modes_are_counted_apart() {
        let waitlist = [
            Entry::group(1, Mode::Online, 2).expect("size"),
            Entry::single(2, Mode::Onsite),
            Entry::single(3, Mode::Online),
        ];
        let placement = place_in_order(Seats::new(1, 2), waitlist);
        assert_eq!(ids(&placement.placed), [1, 2]);
        assert_eq!(ids(&placement.passed_over), [3]);
        assert_eq!(placement.seats_left, Seats::new(0, 0));
    }

    #[test]
    fn no_free_seats_promote_nobody() {
        assert!(promote(Seats::default(), &[single(1), single(2)]).is_empty());
    }

    #[test]
    fn a_group_of_size_zero_cannot_be_made() {
        assert!(Entry::group(1, Mode::Onsite, 0).is_none());
    }
}
