//! guard's memory allocator. A warm run lives about a millisecond and then execs or exits, and in
//! it glibc's malloc, which sets up its heap and bins on first use and sorts every freed block
//! back into them, cost a fifth of the instructions (docs/performance.md). Here small blocks are
//! cut one after another from a fixed region and never reused: a free is nothing, and the most
//! recent block grows where it is. Large blocks, and everything once the region is used up, go to
//! the system allocator, so a long run (`--server`, `populate`) wastes at most the region.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A warm run allocates about 100 KB in all.
const SIZE: usize = 512 * 1024;
/// Larger blocks (a big config file, a large answer) go to the system allocator from the start.
const LARGE: usize = 16 * 1024;
/// The region's alignment: blocks that need more go to the system allocator.
const ALIGN: usize = 4096;

#[repr(C, align(4096))]
struct Region(UnsafeCell<[u8; SIZE]>);

pub struct Arena {
    region: Region,
    /// How much of the region is handed out: bytes below it are never handed out again, bytes
    /// above it never were (so they are still zero).
    used: AtomicUsize,
}

// SAFETY: the region's bytes are only reached through blocks `carve` hands out, each to one
// owner; `used` is atomic.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena {
            region: Region(UnsafeCell::new([0; SIZE])),
            used: AtomicUsize::new(0),
        }
    }

    fn base(&self) -> usize {
        self.region.0.get() as usize
    }

    fn contains(&self, ptr: *mut u8) -> bool {
        (self.base()..self.base() + SIZE).contains(&(ptr as usize))
    }

    /// A block of the region never handed out before, or null when it does not fit. Not inlined:
    /// at every allocation site in guard and its crates, it made the binary 0.7 MB larger.
    #[inline(never)]
    fn carve(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LARGE || layout.align() > ALIGN {
            return std::ptr::null_mut();
        }
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            // The region's base is ALIGN-aligned, so aligning the offset aligns the address.
            let start = used.next_multiple_of(layout.align());
            let end = start + layout.size();
            if end > SIZE {
                return std::ptr::null_mut();
            }
            match self
                .used
                .compare_exchange_weak(used, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                // SAFETY: start < SIZE, inside the region.
                Ok(_) => return unsafe { self.region.0.get().cast::<u8>().add(start) },
                Err(now) => used = now,
            }
        }
    }
}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

// SAFETY: every block is either cut from the region, at most once and aligned as asked, or comes
// from the system allocator and goes back to it; `contains` tells the two apart.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.carve(layout) {
            // SAFETY: the caller's layout, passed on.
            block if block.is_null() => unsafe { System.alloc(layout) },
            block => block,
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match self.carve(layout) {
            // SAFETY: the caller's layout, passed on.
            block if block.is_null() => unsafe { System.alloc_zeroed(layout) },
            // Never handed out before: still the zeros the region started with.
            block => block,
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !self.contains(ptr) {
            // SAFETY: not the region's, so the system allocator's, with this layout.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.contains(ptr) {
            // SAFETY: the system allocator's block, passed on as the caller gave it.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        if new_size <= layout.size() {
            return ptr;
        }
        let start = ptr as usize - self.base();
        let end = start + layout.size();
        // The block handed out last grows in place.
        if new_size <= LARGE
            && start + new_size <= SIZE
            && self
                .used
                .compare_exchange(end, start + new_size, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            return ptr;
        }
        // SAFETY: the caller guarantees new_size, rounded up to the alignment, fits an isize.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero size, as the old block's was.
        let block = unsafe { self.alloc(new_layout) };
        if !block.is_null() {
            // SAFETY: both blocks hold at least layout.size() bytes and are distinct.
            unsafe { std::ptr::copy_nonoverlapping(ptr, block, layout.size()) };
        }
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_distinct_and_zeroed() {
        // Each test its own region, in static memory as guard's is (it does not fit a stack).
        static ARENA: Arena = Arena::new();
        let arena = &ARENA;
        let mut blocks = Vec::new();
        for (size, align) in [(1, 1), (24, 8), (3, 2), (64, 64), (5, 16)] {
            let layout = Layout::from_size_align(size, align).unwrap();
            let block = unsafe { arena.alloc_zeroed(layout) };
            assert!(arena.contains(block));
            assert_eq!(block as usize % align, 0);
            assert!((0..size).all(|i| unsafe { *block.add(i) } == 0));
            unsafe { block.write_bytes(0xAB, size) };
            blocks.push((block as usize, size));
        }
        blocks.sort();
        assert!(blocks.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0));
    }

    #[test]
    fn the_last_block_grows_in_place_and_others_move() {
        static ARENA: Arena = Arena::new();
        let arena = &ARENA;
        let layout = Layout::from_size_align(8, 8).unwrap();
        let first = unsafe { arena.alloc(layout) };
        unsafe { first.write_bytes(7, 8) };
        let grown = unsafe { arena.realloc(first, layout, 32) };
        assert_eq!(grown, first);
        let second = unsafe { arena.alloc(layout) };
        let moved = unsafe { arena.realloc(grown, Layout::from_size_align(32, 8).unwrap(), 64) };
        assert_ne!(moved, first);
        assert!(moved as usize > second as usize);
        assert!((0..8).all(|i| unsafe { *moved.add(i) } == 7));
        assert_eq!(unsafe { arena.realloc(moved, layout, 4) }, moved);
    }

    #[test]
    fn large_blocks_and_an_exhausted_region_use_the_system_allocator() {
        static ARENA: Arena = Arena::new();
        static FRESH: Arena = Arena::new();
        let arena = &ARENA;
        let large = Layout::from_size_align(LARGE + 1, 8).unwrap();
        let block = unsafe { arena.alloc(large) };
        assert!(!block.is_null() && !arena.contains(block));
        unsafe { arena.dealloc(block, large) };
        let chunk = Layout::from_size_align(LARGE, 8).unwrap();
        for _ in 0..SIZE / LARGE {
            assert!(arena.contains(unsafe { arena.alloc(chunk) }));
        }
        let spilled = unsafe { arena.alloc(chunk) };
        assert!(!spilled.is_null() && !arena.contains(spilled));
        unsafe { arena.dealloc(spilled, chunk) };
        // A block of the region that outgrows it moves to the system allocator with its bytes.
        let arena = &FRESH;
        let small = Layout::from_size_align(16, 8).unwrap();
        let block = unsafe { arena.alloc(small) };
        unsafe { block.write_bytes(9, 16) };
        let moved = unsafe { arena.realloc(block, small, LARGE * 2) };
        assert!(!arena.contains(moved));
        assert!((0..16).all(|i| unsafe { *moved.add(i) } == 9));
        unsafe { arena.dealloc(moved, Layout::from_size_align(LARGE * 2, 8).unwrap()) };
    }
}
