import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { TEST_KINDS } from '../vitest.config.js';

const root = resolve(import.meta.dirname, '..');

/** Every file under test/ whose name says it is a test. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.test\.[cm]?[jt]sx?$/.test(entry.name) ? [relative(root, path)] : [];
  });
}

describe('test kinds (the suffix says unit, int or e2e)', () => {
  it('every test file has a recognised suffix, so one project runs it', () => {
    const files = testFiles(join(root, 'test'));
    expect(files.length).toBeGreaterThan(50);
    const suffix = new RegExp(`\\.(${TEST_KINDS.join('|')})\\.test\\.ts$`);
    expect(files.filter((f) => !suffix.test(f))).toEqual([]);
  });

  it('has one project per kind, each including only its suffix', () => {
    const projects = (config.test?.projects ?? []) as { test: { name: string; include: string[] } }[];
    expect(projects.map((p) => [p.test.name, p.test.include])).toEqual(
      TEST_KINDS.map((kind) => [kind, [`test/**/*.${kind}.test.ts`]]),
    );
  });
});
