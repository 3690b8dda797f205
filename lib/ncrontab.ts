/**
 * Timer schedules as the Azure Functions host reads them. The timer trigger parses its schedule with NCrontab
 * (Timer trigger for Azure Functions, "NCRONTAB expressions"), which differs from 5-field Unix cron:
 * - six fields, `{second} {minute} {hour} {day} {month} {day-of-week}`: the leading second is required;
 * - per field only `*`, values, ranges `a-b`, lists `a,b` and steps `*\/n`, `a-b/n` or `a/n` (a to the end);
 *   no `?`, `L`, `W`, `#` and no nicknames such as `@daily`;
 * - day-of-week is 0 to 6 (0 is Sunday; 7 is not Sunday); months and days also by English name, any
 *   abbreviation, case-insensitive (`Jan`, `mon`, `Monday`);
 * - a day-of-month and a day-of-week both restricted must both match (5-field cron fires when either does).
 * NCrontab also accepts schedules that never fire, such as `0 0 0 30 2 *`: the timer would never run, so those
 * are refused too (see `fires`).
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: [
      'january',
      'february',
      'march',
      'april',
      'may',
      'june',
      'july',
      'august',
      'september',
      'october',
      'november',
      'december',
    ],
  },
  {
    name: 'day-of-week',
    min: 0,
    max: 6,
    names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  },
];

/** The longest each month gets (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const ITEM = /^(?:(\*)|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:\/(\d+))?$/i;

/** `Mon`, `monday` and `M`: NCrontab takes the first name the text begins. */
function valueOf(text: string, field: Field): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < field.min || n > field.max ? `${field.name} ${text} is out of range (${field.min}-${field.max})` : n;
  }
  const index = /^[a-z]+$/i.test(text) ? (field.names?.findIndex((n) => n.startsWith(text.toLowerCase())) ?? -1) : -1;
  if (index >= 0) return field.min + index;
  return field.names
    ? `${field.name} '${text}' is neither a number from ${field.min} to ${field.max} nor an English name`
    : `${field.name} '${text}' is not a number from ${field.min} to ${field.max}`;
}

/** The values one field selects, or what is wrong with it. */
function expandField(text: string, field: Field): number[] | string[] {
  const values = new Set<number>();
  const problems: string[] = [];
  for (const item of text.split(',')) {
    const m = ITEM.exec(item);
    if (!m) {
      problems.push(
        `${field.name} '${item}' is not NCRONTAB syntax (a value, *, a range a-b, a list a,b or a step */n)`,
      );
      continue;
    }
    const [, star, first, last, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    // NCrontab reads step 0 as 1, an almost certain typo; refused rather than guessed.
    if (step < 1) problems.push(`${field.name} step '${item}' must be 1 or more`);
    const from = star ? field.min : valueOf(first ?? '', field);
    // `a/n` runs from a to the end of the field, as NCrontab reads it.
    const to =
      star || (last === undefined && stepText !== undefined)
        ? field.max
        : last === undefined
          ? from
          : valueOf(last, field);
    if (typeof from === 'string') problems.push(from);
    if (typeof to === 'string' && to !== from) problems.push(to);
    if (typeof from !== 'number' || typeof to !== 'number' || step < 1) continue;
    // NCrontab silently swaps a reversed range (22-2 becomes 2-22), which is rarely what was meant.
    if (from > to) {
      problems.push(`${field.name} range '${item}' runs backwards (the host would read it as ${to}-${from})`);
      continue;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return problems.length ? problems : [...values].sort((a, b) => a - b);
}

/**
 * Whether some date has one of `days` in one of `months`. Seconds, minutes and hours that parsed always select
 * a value, and the day-of-week never rules a date out on its own: every day of every month (29 February
 * included) falls on each weekday within the 400-year Gregorian cycle.
 */
function fires(days: readonly number[], months: readonly number[]): boolean {
  return months.some((month) => days.some((day) => day <= DAYS_IN_MONTH[month - 1]!));
}

/**
 * Why the Functions host would refuse `expression` or never fire it, or undefined when it is a valid,
 * firing NCRONTAB schedule. The text says what is wrong, without the setting's name.
 */
export function ncrontabProblem(expression: string): string | undefined {
  const example =
    "use a six-field NCRONTAB expression, {second} {minute} {hour} {day} {month} {day-of-week}, for example '0 */15 * * * *'";
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    const five = parts.length === 5 ? ' (5-field cron has no seconds: put 0 in front)' : '';
    return `is '${expression}', which has ${parts.length} field${parts.length === 1 ? '' : 's'}${five}; ${example}.`;
  }
  const expanded = parts.map((part, i) => expandField(part, FIELDS[i]!));
  const problems = expanded.flatMap((v) => (typeof v[0] === 'string' ? (v as string[]) : []));
  if (problems.length) return `is '${expression}': ${problems.join('; ')}; ${example}.`;
  const [, , , days, months] = expanded as number[][];
  if (!fires(days!, months!))
    return `is '${expression}', which never fires (no such day in those months); pick a day every chosen month has.`;
  return undefined;
}
