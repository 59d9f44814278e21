/// An axis-aligned pixel rectangle; `x`, `y` may be negative for layers partly off canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    pub const fn new(x: i32, y: i32, w: u32, h: u32) -> Self {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> i32 {
        self.x + self.w as i32
    }

    pub fn bottom(&self) -> i32 {
        self.y + self.h as i32
    }

    pub fn is_empty(&self) -> bool {
        self.w == 0 || self.h == 0
    }

    pub fn area(&self) -> u64 {
        self.w as u64 * self.h as u64
    }

    pub fn offset(&self, dx: i32, dy: i32) -> Rect {
        Rect::new(self.x + dx, self.y + dy, self.w, self.h)
    }

    /// The overlap, or `None` when the two do not overlap.
    pub fn intersect(&self, other: Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let r = self.right().min(other.right());
        let b = self.bottom().min(other.bottom());
        (r > x && b > y).then(|| Rect::new(x, y, (r - x) as u32, (b - y) as u32))
    }

    /// True when `other` lies wholly inside.
    pub fn contains(&self, other: Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: Rect) -> Rect {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return *self;
        }
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let r = self.right().max(other.right());
        let b = self.bottom().max(other.bottom());
        Rect::new(x, y, (r - x) as u32, (b - y) as u32)
    }

    /// Grown outwards to even coordinates, so 2x2 chroma blocks are whole.
    pub fn even(&self) -> Rect {
        let x = self.x & !1;
        let y = self.y & !1;
        let r = (self.right() + 1) & !1;
        let b = (self.bottom() + 1) & !1;
        Rect::new(x, y, (r - x) as u32, (b - y) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersect_union_even() {
        let a = Rect::new(0, 0, 10, 10);
        let b = Rect::new(5, -3, 10, 5);
        assert_eq!(a.intersect(b), Some(Rect::new(5, 0, 5, 2)));
        assert_eq!(a.intersect(Rect::new(10, 0, 3, 3)), None);
        assert_eq!(a.union(b), Rect::new(0, -3, 15, 13));
        assert_eq!(Rect::new(3, 1, 4, 2).even(), Rect::new(2, 0, 6, 4));
        assert!(a.contains(Rect::new(2, 2, 8, 8)) && !a.contains(b));
    }
}
