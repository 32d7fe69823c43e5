export { buildLabel, days, purposeWords } from './label.js';
export type { LabelRow, PrivacyLabel } from './label.js';
export { renderHtml, renderMarkdown } from './render.js';
