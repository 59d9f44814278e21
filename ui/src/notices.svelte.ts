// The page's notices: one toast per distinct message (a repeat counts up instead of stacking
// seven copies), a history of everything said (the drawer, at most 100), and long reports (an
// OBS import's) in a panel kept until closed.
import type { NoticeLevel } from "./protocol.gen";
import { plain } from "./words";

export interface Toast {
  id: number;
  level: NoticeLevel;
  message: string;
  count: number;
}

export interface Said {
  at: string;
  level: NoticeLevel;
  message: string;
}

/** A report: its first line, then titled sections of items. */
export interface Report {
  summary: string;
  sections: { title: string; items: string[] }[];
}

const HISTORY = 100;
/** A message this long, or of several lines, is a report: read in a panel, not a toast. */
const REPORT_CHARS = 240;

export const notices = $state({
  toasts: [] as Toast[],
  history: [] as Said[],
  drawer: false,
  report: null as Report | null,
});

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** Shows `message`; the same message still on screen counts up and stays longer. */
export function pushNotice(level: NoticeLevel, said: string) {
  const message = plain(said);
  notices.history = [{ at: new Date().toLocaleTimeString(), level, message }, ...notices.history].slice(0, HISTORY);
  let text = message;
  if (message.length > REPORT_CHARS || message.includes("\n")) {
    notices.report = parseReport(message);
    text = `${notices.report.summary.slice(0, 160)}${notices.report.summary.length > 160 ? "…" : ""} (the full report is open)`;
  }
  const same = notices.toasts.find((t) => t.level === level && t.message === text);
  const toast = same ?? { id: nextId++, level, message: text, count: 0 };
  toast.count += 1;
  if (!same) notices.toasts = [...notices.toasts, toast].slice(-5);
  else notices.toasts = [...notices.toasts];
  clearTimeout(timers.get(toast.id));
  timers.set(toast.id, setTimeout(() => dismiss(toast.id), level === "error" ? 15000 : 8000));
}

export function dismiss(id: number) {
  clearTimeout(timers.get(id));
  timers.delete(id);
  notices.toasts = notices.toasts.filter((t) => t.id !== id);
}

/** Splits a report ("summary: …\ntitle:\n  - item") into its summary and sections. */
export function parseReport(text: string): Report {
  const lines = text.split("\n").filter((l) => l.trim());
  const sections: Report["sections"] = [];
  for (const line of lines.slice(1)) {
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && sections.length) sections[sections.length - 1].items.push(item[1]);
    else sections.push({ title: line.replace(/:\s*$/, ""), items: [] });
  }
  return { summary: lines[0] ?? text, sections };
}
