//! Opening and closing record pages in place of the screen, and the way back between them.

use super::*;

impl App {
    /// Reads the record page on show again, keeping its cursor and scroll (closing it when the
    /// record is gone or out of sight).
    pub(super) fn reload_detail(&mut self) {
        let Some(d) = self.detail() else { return };
        let (record, cursor, scroll) = (d.record, d.cursor, d.scroll);
        match Detail::load(&self.crm, record) {
            Ok(mut fresh) => {
                (fresh.cursor, fresh.scroll) = (cursor, scroll);
                fresh.fit(self.detail_rows, self.detail_cols);
                if let Some(d) = self.detail_mut() {
                    *d = fresh;
                }
            }
            Err(_) => self.page = None,
        }
    }

    /// Opens a record's detail view (switching to its screen when it has one), in place of the
    /// page on show if any, whose way back it keeps.
    pub fn open(&mut self, record: RecordRef) -> Result<()> {
        let mut detail = Detail::load(&self.crm, record)?;
        detail.fit(self.detail_rows, self.detail_cols);
        let pages = match self.page.take() {
            Some(Page::Record(mut p)) => {
                p.open = detail;
                p
            }
            Some(Page::Welcome) => RecordPages::new(detail, None),
            None => RecordPages::new(detail, Some(self.screen)),
        };
        if let Some(screen) = screen_of(record.kind) {
            self.screen = screen;
        }
        self.page = Some(Page::Record(pages));
        Ok(())
    }

    /// Opens a record's page from the one on show (or the search, `from_search`), which Esc
    /// comes back to.
    pub(super) fn follow(&mut self, record: RecordRef, from_search: bool) -> Result<()> {
        let here = self.screen;
        if let Some(Page::Record(p)) = &mut self.page {
            let mut detail = Detail::load(&self.crm, record)?;
            detail.fit(self.detail_rows, self.detail_cols);
            p.step(detail, here, from_search);
            if let Some(screen) = screen_of(record.kind) {
                self.screen = screen;
            }
        } else {
            self.open(record)?;
            if let Some(Page::Record(p)) = &mut self.page {
                p.from_search = from_search;
            }
        }
        Ok(())
    }

    /// The record page on show, if any.
    pub fn detail(&self) -> Option<&Detail> {
        match &self.page {
            Some(Page::Record(p)) => Some(&p.open),
            _ => None,
        }
    }

    pub(super) fn detail_mut(&mut self) -> Option<&mut Detail> {
        match &mut self.page {
            Some(Page::Record(p)) => Some(&mut p.open),
            _ => None,
        }
    }

    /// Whether the first-run welcome is shown.
    pub fn welcome(&self) -> bool {
        matches!(self.page, Some(Page::Welcome))
    }

    /// Leaves the welcome, if shown.
    pub(super) fn leave_welcome(&mut self) {
        if self.welcome() {
            self.page = None;
        }
    }

    /// Closes the open record, back to the screen it was opened from, and to the search results
    /// when it was opened from them.
    pub(super) fn close_detail(&mut self) {
        let Some(Page::Record(mut p)) = self.page.take() else { return };
        // A record opened from the search goes back to its results, over the page (or list) the
        // search was started from.
        let (to_search, came_from) = (p.from_search, p.came_from);
        // Back to the record this one was opened from, read again (the way may have changed it;
        // one deleted meanwhile is passed over).
        while let Some((was, screen, from_search)) = p.trail.pop() {
            if let Ok(mut d) = Detail::load(&self.crm, was.record) {
                (d.cursor, d.scroll) = (was.cursor, was.scroll);
                d.fit(self.detail_rows, self.detail_cols);
                (p.open, p.from_search) = (d, from_search);
                self.screen = screen;
                self.page = Some(Page::Record(p));
                break;
            }
        }
        if self.page.is_none()
            && let Some(s) = came_from
        {
            self.screen = s;
        }
        if to_search {
            self.reopen_search();
        }
    }
}
