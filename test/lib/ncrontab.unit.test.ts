import { describe, expect, it } from 'vitest';
import { ncrontabProblem } from '../../lib/ncrontab.js';

describe('ncrontabProblem (the timer trigger grammar)', () => {
  it.each([
    ['0 */15 * * * *', 'every 15 minutes'],
    ['0 */5 * * * *', 'every 5 minutes'],
    ['0 0 9-17 * * *', 'a range'],
    ['5,8,10 * * * * *', 'a list'],
    ['0 30 9 * * 1-5', 'weekdays'],
    ['0 30 9 * Jan Mon', 'abbreviated names'],
    ['0 30 9 * JANUARY monday', 'full names, any case'],
    ['0 0 0 * * M-F', 'one-letter abbreviations, first name that matches'],
    ['0 5/10 * * * *', 'a/n, from a to the end'],
    ['0 0-30/10 * * * *', 'a stepped range'],
    ['0 */90 * * * *', 'a step longer than the field'],
    ['0 0 0 29 2 *', 'a leap day'],
    ['0 0 0 13 * 5', 'Friday the 13th: day and day-of-week both match'],
    ['0 0 0 29 2 Mon', 'a leap day on a Monday (29 February 2044)'],
    ['0 0 0 29-31 1-2 *', 'days only some of the months have'],
    ['0 0 0 31 2-12/2 *', 'the 31st of the even months that have one'],
    ['0  */5   *  * * *', 'several spaces between fields'],
  ])('accepts %s (%s)', (expression) => {
    expect(ncrontabProblem(expression)).toBeUndefined();
  });

  it.each([
    [
      '*/15 * * * *',
      /has 5 fields \(5-field cron has no seconds: put 0 in front\); use a six-field NCRONTAB expression/,
    ],
    ['0 0 0 * * * 2030', /has 7 fields/],
    ['@daily', /has 1 field;/],
    ['00:05:00', /has 1 field;/],
    ['%AUDIT_SCHEDULE%', /has 1 field;/],
    ['0 99 banana * * *', /minute 99 is out of range \(0-59\); hour 'banana' is not a number from 0 to 23/],
    ['0 0 24 * * *', /hour 24 is out of range \(0-23\)/],
    ['0 0 0 0 * *', /day 0 is out of range \(1-31\)/],
    ['0 0 0 * 13 *', /month 13 is out of range \(1-12\)/],
    ['0 0 0 * * 7', /day-of-week 7 is out of range \(0-6\)/],
    ['0 0 0 * foo *', /month 'foo' is neither a number from 1 to 12 nor an English name/],
    ['0 0 0 L * *', /day 'L' is not a number/],
    ['0 0 0 15W * *', /day '15W' is not a number/],
    ['0 0 0 ? * *', /day '\?' is not NCRONTAB syntax/],
    ['0 0 0 * * 5#2', /day-of-week '5#2' is not NCRONTAB syntax/],
    ['0 0 0 * * FRI-L', /day-of-week 'L' is neither/],
    ['0 0 0 1,,2 * *', /day '' is not NCRONTAB syntax/],
    ['0 /5 * * * *', /minute '\/5' is not NCRONTAB syntax/],
    ['0 */0 * * * *', /minute step '\*\/0' must be 1 or more/],
    ['0 0 22-2 * * *', /hour range '22-2' runs backwards \(the host would read it as 2-22\)/],
    ['0 0 0 30 2 *', /never fires/],
    ['0 0 0 31 4,6,9,11 *', /never fires/],
    ['0 0 0 30-31 Feb Fri', /never fires/],
    ['0 0 0 31 4-6/2 *', /never fires/],
  ])('refuses %s', (expression, message) => {
    const problem = ncrontabProblem(expression);
    expect(problem).toMatch(message);
    expect(problem).toContain(`'${expression}'`);
  });
});
