import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, SETTINGS } from '../../lib/config.js';
import { renderSettingsDoc, SETTINGS_DOC_PATH, settingsDocDrift } from '../../scripts/settingsDoc.js';

describe('docs/settings.md', () => {
  it('is exactly what the settings table renders (npm run docs:settings writes it)', () => {
    expect(settingsDocDrift(readFileSync(SETTINGS_DOC_PATH, 'utf8'))).toBeUndefined();
  });

  it('has a row for every setting, with its default, and every rule across settings', () => {
    const doc = renderSettingsDoc();
    for (const [name, setting] of Object.entries(SETTINGS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      if ('default' in setting) expect(row, name).toContain(`| \`${setting.default}\` |`);
      if ('required' in setting) expect(row, name).toContain('| (required) |');
      if ('secret' in setting) expect(row, name).toContain('**secret**');
    }
    for (const rule of RULES) expect(doc).toContain(`- ${rule.doc}`);
  });
});

describe('settingsDocDrift', () => {
  const doc = renderSettingsDoc();

  it('names the first line that differs and how to fix it', () => {
    const edited = doc.replace('| `WATCHDOG_TABLE_PREFIX` | `mie` |', '| `WATCHDOG_TABLE_PREFIX` | `watchdog` |');
    const line = doc.split('\n').findIndex((l) => l.startsWith('| `WATCHDOG_TABLE_PREFIX`')) + 1;
    expect(settingsDocDrift(edited)).toMatch(new RegExp(`at line ${line} .*watchdog.*run npm run docs:settings`));
  });

  it('notices a missing or an extra line at the end', () => {
    expect(settingsDocDrift(doc.slice(0, doc.lastIndexOf('\n')))).toMatch(/found "\(end of file\)"/);
    expect(settingsDocDrift(`${doc}\nhand-written note`)).toMatch(
      /expected "\(end of file\)", found "hand-written note"/,
    );
  });
});
