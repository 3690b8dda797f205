/**
 * The files `azd deploy` puts in the Function App's zip: the service folder minus what `.funcignore`
 * excludes, read with gitignore rules as azd documents ("Configure service packaging file exclusions":
 * the ignore file follows standard gitignore syntax; without one only node_modules is left out).
 * Used by the test that checks the package holds a runnable app and nothing else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trimEnd();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    // A pattern with a slash (other than a trailing one) is relative to the root; otherwise it matches at any depth.
    const anchored = line.includes('/');
    const body = globToRegex(line.replace(/^\//, ''));
    rules.push({ negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`) });
  }
  return rules;
}

function ignored(rules: Rule[], path: string, isDir: boolean): boolean {
  let result = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.regex.test(path)) result = !rule.negate;
  }
  return result;
}

/** Relative paths (with '/') of every file the package holds; an ignored directory is skipped whole, as in gitignore. */
export function packageFiles(root: string): string[] {
  const ignoreFile = join(root, '.funcignore');
  const rules = existsSync(ignoreFile) ? parseIgnore(readFileSync(ignoreFile, 'utf8')) : parseIgnore('node_modules/');
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && rel === 'node_modules');
      if (ignored(rules, rel, isDir)) continue;
      if (isDir) walk(join(dir, entry.name), rel);
      else out.push(rel);
    }
  };
  walk(root, '');
  return out.sort();
}
