/** The game day report renderers: an HTML page for people, a text summary for the terminal. */
export { renderHtmlReport } from './page.js';
export { renderTextSummary } from './text.js';
