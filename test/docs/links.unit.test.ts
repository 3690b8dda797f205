/**
 * The README stays short and every relative link of the README and docs/ leads somewhere: a file that
 * exists and, for a #fragment, a heading of that file (GitHub's heading anchors).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
/** "Under 10 KB": a newcomer reads it to the end; the reference lives in docs/. */
const README_MAX_BYTES = 10_000;

const markdownFiles = [
  join(repo, 'README.md'),
  ...readdirSync(join(repo, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(repo, 'docs', name)),
];

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading = ''] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count ? `${slug}-${count}` : slug);
  }
  return result;
}

function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const link of links(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
    const [path = '', fragment] = link.split('#');
    const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(target)) {
      broken.push(`${link}: no file ${relative(repo, target)}`);
      continue;
    }
    if (fragment && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(fragment))
      broken.push(`${link}: no heading #${fragment} in ${relative(repo, target)}`);
  }
  return broken;
}

describe('README and docs/', () => {
  it(`keeps the README under ${README_MAX_BYTES} bytes`, () => {
    expect(readFileSync(join(repo, 'README.md')).byteLength).toBeLessThan(README_MAX_BYTES);
  });

  it('keeps the quick start commands CI runs', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it.each(markdownFiles.map((file) => [relative(repo, file), file]))('%s links only to what exists', (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('reads links and anchors as GitHub does', () => {
    expect(links('See [a](docs/a.md#x-y), ![img](i.png "t"), `[not](code.md)` and [web](https://e.x).')).toEqual([
      'docs/a.md#x-y',
      'i.png',
      'https://e.x',
    ]);
    expect([
      ...anchors('# Grant API\n## Rules\n## Rules\n```\n# not a heading\n```\n## Early release and cancel'),
    ]).toEqual(['grant-api', 'rules', 'rules-1', 'early-release-and-cancel']);
  });
});
