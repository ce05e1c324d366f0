/**
 * `ignore` for Testing Library's `*ByText` queries: text inside a live region (`role="status"`)
 * is skipped, as are Testing Library's defaults (`script, style`).
 *
 * `JobProgress` shows its phase on the page and, a moment later (its announcements are
 * throttled), narrates the same words in its polite live region. A query for the words the page
 * shows would otherwise find them once or twice depending on when it looks.
 */
export const LIVE_REGIONS = '[role="status"], script, style'
