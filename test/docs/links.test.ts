// Every relative link in the README, CONTRIBUTING.md and the guide pages leads
// to a file that exists, and every #anchor to a heading on that page: a reader
// who follows the front door never lands on nothing.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Built by `npm run docs`, never committed.
const generated = (path: string) => path.startsWith('docs/api/') || path === 'docs/api';

const pages = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
// biome-ignore lint/suspicious/noExportsInTest: the anchor rule is tested on its own below and reused.
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/i.test(target));
}

describe('relative links in the docs', () => {
  it.each(pages)('%s', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    const broken: string[] = [];
    for (const link of links(text)) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? page : relative(root, normalize(join(root, dirname(page), path))).replace(/\\/g, '/');
      if (generated(target)) continue;
      if (!existsSync(join(root, target))) {
        broken.push(`${link} (no ${target})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md') && !anchors(readFileSync(join(root, target), 'utf8')).has(anchor)) broken.push(`${link} (no heading #${anchor} in ${target})`);
    }
    expect(broken).toEqual([]);
  });

  it('makes anchors the way GitHub does', () => {
    expect(anchorOf('What `opened` tells you about a 1006')).toBe('what-opened-tells-you-about-a-1006');
    expect(anchorOf('Close codes, `classify` and `describe`')).toBe('close-codes-classify-and-describe');
  });
});
