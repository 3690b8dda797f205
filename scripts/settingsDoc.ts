/**
 * docs/settings.md from the settings table in lib/config.ts: one table per group, the rules across settings,
 * and the timer schedule grammar. test/scripts/settingsDoc.unit.test.ts fails when the checked-in file differs.
 *
 * Usage: npm run docs:settings (writes docs/settings.md), npm run docs:settings -- --check (exit 1 on drift)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, SETTING_GROUPS, SETTINGS, type Setting, type SettingName } from '../lib/config.js';

export const SETTINGS_DOC_PATH = resolve(import.meta.dirname, '..', 'docs', 'settings.md');

/** A table cell: a pipe would end the cell early. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

function defaultOf(setting: Setting): string {
  if (setting.default !== undefined) return `\`${setting.default}\``;
  if (setting.required !== undefined) return '(required)';
  return setting.unset;
}

function meaningOf(setting: Setting): string {
  return setting.secret ? `**secret**: ${setting.doc}; never shown in an error` : setting.doc;
}

export function renderSettingsDoc(): string {
  const entries = Object.entries(SETTINGS) as [SettingName, Setting][];
  const lines = [
    '# Settings',
    '',
    '<!-- Generated from lib/config.ts by `npm run docs:settings`; edit the table there, not this file. -->',
    '',
    'Every setting is an environment variable for the CLI and an app setting of the same name in Azure',
    '(`infra/main.bicep` sets each one; `local.settings.sample.json` lists them for the local Functions host).',
    'They are read and validated once at start-up, all together: a run with bad settings stops before doing',
    'anything and lists every bad one by name with what it accepts. An empty value counts as unset.',
    'Endpoints must be `https://`; plain `http://` is accepted only on loopback (the local emulator).',
    '',
  ];
  for (const group of SETTING_GROUPS) {
    lines.push(`## ${group}`, '');
    if (group === 'Local stack only')
      lines.push('Read by the local stack only, never an app setting (not in `infra/main.bicep`).', '');
    lines.push('| setting | default | meaning |', '| --- | --- | --- |');
    for (const [name, setting] of entries.filter(([, s]) => s.group === group))
      lines.push(`| \`${name}\` | ${cell(defaultOf(setting))} | ${cell(meaningOf(setting))} |`);
    lines.push('');
  }
  lines.push('## Rules across settings', '');
  for (const rule of RULES) lines.push(`- ${rule.doc}`);
  lines.push(
    '',
    '## Timer schedules',
    '',
    'The schedules are NCRONTAB expressions, as the Azure Functions timer trigger reads them, and are checked',
    'at start-up (a bad one is refused before the host registers the timer):',
    '',
    '- six fields, `{second} {minute} {hour} {day} {month} {day-of-week}`: 5-field cron has no seconds, put `0` in front;',
    '- per field `*`, a value, a range `a-b`, a list `a,b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to the end of the field);',
    '- day-of-week 0 to 6, 0 being Sunday (7 is refused); months and days also by English name or any abbreviation (`Jan`, `Mon`);',
    '- a restricted day and day-of-week must both match;',
    '- not accepted: `?`, `L`, `W`, `#`, nicknames such as `@daily`, a year field, a TimeSpan such as `00:05:00`;',
    '- refused although the host would take them: a range that runs backwards (`22-2`, which the host reads as `2-22`),',
    '  a step of 0, and a schedule that never fires (`0 0 0 30 2 *`).',
    '',
    "Times are UTC, the timer trigger's default time zone.",
    '',
  );
  return lines.join('\n');
}

/** Where `checkedIn` first differs from what the table renders, or undefined when it does not. */
export function settingsDocDrift(checkedIn: string): string | undefined {
  const expected = renderSettingsDoc().split('\n');
  const actual = checkedIn.split('\n');
  const first = expected.findIndex((line, i) => line !== actual[i]);
  const at = first >= 0 ? first : actual.length !== expected.length ? expected.length : -1;
  if (at < 0) return undefined;
  return `docs/settings.md differs from the settings table in lib/config.ts at line ${at + 1} (expected ${JSON.stringify(expected[at] ?? '(end of file)')}, found ${JSON.stringify(actual[at] ?? '(end of file)')}); run npm run docs:settings.`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (process.argv.includes('--check')) {
    const drift = settingsDocDrift(readFileSync(SETTINGS_DOC_PATH, 'utf8'));
    if (drift) console.error(drift);
    process.exitCode = drift ? 1 : 0;
  } else {
    writeFileSync(SETTINGS_DOC_PATH, renderSettingsDoc());
    console.log(`wrote ${SETTINGS_DOC_PATH}`);
  }
}
