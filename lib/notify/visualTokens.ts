/**
 * The colours and type the emails and the evidence report share, so that both read as one product: ink, muted text,
 * rules, the table header tint and the severity colours, each at least 4.5:1 against white (WCAG AA).
 */
import type { NoticeSeverity } from './noticeKinds.js';

export const INK = '#1f2328';
export const MUTED = '#57606a';
export const RULE = '#d0d7de';
export const HEADER_TINT = '#f6f8fa';
export const LINK = '#0f5fa8';
export const FONT_STACK = "'Segoe UI',-apple-system,'Helvetica Neue',Arial,sans-serif";

export const SEVERITY_COLOUR: Record<NoticeSeverity, string> = {
  critical: '#a4262c',
  high: '#b34000',
  medium: '#7a5a00',
  low: '#3b6e22',
  info: LINK,
};
