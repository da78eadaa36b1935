// Reading the project's Markdown the way a reader's browser does, for the docs
// check: its links, the anchors its headings get on GitHub, its code blocks and
// its inline code. A deliberately small reader: the pages use plain CommonMark
// (ATX headings, fenced code blocks, inline links), nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Page {
  /** Relative to the repository root, e.g. `docs/api.md`. */
  path: string;
  text: string;
  /** The text with fenced code blocks blanked out (line numbers kept). */
  prose: string;
  /** The fenced code blocks, with their info string (`sh`, or '' when none). */
  blocks: Array<{ lang: string; code: string; line: number }>;
}

const FENCE = /^(```|~~~)(.*)$/;

export function readPage(root: string, path: string): Page {
  const text = readFileSync(join(root, path), 'utf8');
  const blocks: Page['blocks'] = [];
  const prose: string[] = [];
  let open: { lang: string; lines: string[]; line: number; fence: string } | undefined;
  text.split('\n').forEach((line, index) => {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && line.startsWith(open.fence) && fence[2]!.trim() === '') {
        blocks.push({ lang: open.lang, code: open.lines.join('\n'), line: open.line });
        open = undefined;
      } else open.lines.push(line);
      prose.push('');
    } else if (fence) {
      open = { lang: fence[2]!.trim(), lines: [], line: index + 1, fence: fence[1]! };
      prose.push('');
    } else prose.push(line);
  });
  if (open) throw new Error(`${path}:${open.line}: a code block is never closed`);
  return { path, text, prose: prose.join('\n'), blocks };
}

/** README.md, every page under docs/, services/README.md (the services' shape and internal routes) and scripts/README.md (the tooling). */
export function projectPages(root: string): Page[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs, 'services/README.md', 'scripts/README.md'].map((path) => readPage(root, path));
}

/**
 * The anchor GitHub gives a heading: lower case, inline markup and punctuation
 * dropped (letters, digits, spaces, `-` and `_` kept), spaces turned into `-`;
 * a repeated heading gets `-1`, `-2`, ...
 */
export function anchorsOf(page: Page): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of page.prose.split('\n')) {
    // The pages' headings are plain text: no closing #s, no links.
    const heading = /^#{1,6}[ \t](.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

/** The targets of the page's inline links and images, with their line numbers (outside code). */
export function linksOf(page: Page): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = [];
  page.prose.split('\n').forEach((line, index) => {
    const withoutCode = line.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ target: match[1]!, line: index + 1 });
  });
  return links;
}

/** The contents of the page's inline code spans (outside code blocks). */
export function inlineCodeOf(page: Page): string[] {
  return [...page.prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

/** Everything a reader may copy as a command or a name: inline code and code blocks. */
export function codeOf(page: Page): string[] {
  return [...inlineCodeOf(page), ...page.blocks.map((b) => b.code)];
}
